"""Shared fixtures. Gold tests read ../shared/corpus (beside the checkout) and skip where it is
absent, as in a user's clone; CI always has it. QPDP_SHARED overrides the location."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("QPDP_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLD_DIRS = [CORPUS / "dev", CORPUS / "seed"]
SAMPLES = ROOT / "corpora" / "samples"

needs_gold = pytest.mark.skipif(
    not all(d.is_dir() for d in GOLD_DIRS),
    reason=f"gold corpus not found at {CORPUS} (it lives in ../shared beside the checkout; set QPDP_SHARED)",
)


@pytest.fixture(scope="session")
def gold_eval():
    """(report, records) of one evaluation run over dev + seed, shared by every gold test."""
    if not all(d.is_dir() for d in GOLD_DIRS):
        pytest.skip(f"gold corpus not found at {CORPUS} (set QPDP_SHARED)")
    from qpdp_nlp.evaluate import evaluate

    return evaluate(GOLD_DIRS)


@pytest.fixture(scope="session")
def relevance_rebuild(tmp_path_factory):
    """(model folder, metrics) of one fresh training of the relevance and topic models (repo data +
    ../shared), shared by the byte-for-byte rebuild tests and the gate's cross-validation floors."""
    if not (CORPUS / "leads" / "leads.jsonl").is_file():
        pytest.skip(f"leads corpus not found at {CORPUS / 'leads'} (set QPDP_SHARED)")
    from qpdp_nlp.classify import relevance

    out = tmp_path_factory.mktemp("relevance-models")
    return out, relevance.train(out, shared=SHARED)


@pytest.fixture(scope="session")
def indicator_rebuild(tmp_path_factory):
    """(model file, metrics) of one fresh training of the indicator model (repo data + ../shared)."""
    if not (CORPUS / "indicators" / "contexts.jsonl").is_file():
        pytest.skip(f"count contexts not found at {CORPUS / 'indicators'} (set QPDP_SHARED)")
    from qpdp_nlp.classify import indicators

    out = tmp_path_factory.mktemp("indicator-models")
    metrics = indicators.train(out, shared=SHARED)
    return out / indicators.MODEL_FILE, metrics


@pytest.fixture(scope="session")
def gold_scores(gold_eval):
    report, _ = gold_eval
    return report.scores()


@pytest.fixture(scope="session")
def gold_records(gold_eval):
    return gold_eval[1]


class Hang(Exception):
    """Raised by :func:`hang_guard` when a call runs past its budget."""


@contextmanager
def hang_guard(seconds: float, what: str):
    """Fail when the block has not finished after ``seconds`` (a wall-clock alarm).

    Not a speed test: the budgets are minutes-scale for work that takes milliseconds, so only a
    hang (catastrophic backtracking, a quadratic loop on 100 kB) trips them; the speed itself is
    measured in bench/ (``bench/regex_linearity.py``).
    """

    def alarm(signum, frame):
        raise Hang(f"{what}: still running after {seconds} s (a regex or loop that is not linear)")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
