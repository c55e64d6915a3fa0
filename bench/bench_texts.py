"""The texts the speed benchmarks read: the sample corpus and ../shared/corpus/dev when it is
there (``--texts DIR ...`` to choose others), one home for throughput.py, stages.py, segment.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = (ROOT / "corpora" / "samples", ROOT.parent / "shared" / "corpus" / "dev")


def text_paths(dirs: list[Path] | None) -> list[Path]:
    """The ``*.txt`` files of ``dirs`` (default :data:`DEFAULT_DIRS`), folder by folder, sorted;
    exits with a message when there are none."""
    paths = [p for d in (dirs or DEFAULT_DIRS) if d.is_dir() for p in sorted(d.glob("*.txt"))]
    if not paths:
        sys.exit("bench: no texts found")
    return paths


def load_texts(dirs: list[Path] | None) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in text_paths(dirs)]
