"""Rebuild the shipped models from data the repo can reach (``qpdp train`` / ``make model``).

Each trainer is ``train(model_dir: Path, *, shared: Path | None) -> dict`` : it writes its model
file(s) into ``model_dir`` deterministically (same data, same bytes) and returns its metrics.
``shared`` is the ``shared/`` folder beside the checkout when a trainer may read it (never copied
into the repo), or None.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

# name -> "module:function"; a trainer whose module does not exist yet is skipped.
TRAINERS: dict[str, str] = {
    "indicator": "qpdp_nlp.classify.indicators:train",
    "relevance": "qpdp_nlp.classify.relevance:train",
}

MODEL_DIR = Path(__file__).parents[1] / "models"


def default_shared() -> Path | None:
    """``../shared`` beside the checkout, when the package runs from one."""
    candidate = Path(__file__).resolve().parents[4] / "shared"
    return candidate if candidate.is_dir() else None


def train_all(
    model_dir: Path = MODEL_DIR, *, shared: Path | None = None, only: list[str] | None = None
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, target in TRAINERS.items():
        if only and name not in only:
            continue
        module_name, func_name = target.split(":")
        try:
            module = import_module(module_name)
        except ModuleNotFoundError:
            continue
        results[name] = getattr(module, func_name)(Path(model_dir), shared=shared)
    return results
