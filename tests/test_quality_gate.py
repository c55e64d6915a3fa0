"""The one quality gate: every accuracy floor of the project, pinned in ``tests/gate/floors.json``
with the hash of the gold it was measured on (see ``tests/gate/gate.py`` for the tolerance and for
how to re-pin). Skips with a reason where ``../shared/corpus`` is absent, as in a user's clone."""

from __future__ import annotations

import pytest
from tests.gate import gate

FLOORS = gate.load()["runs"]


def test_every_run_is_pinned():
    assert set(FLOORS) == {run.name for run in gate.RUNS}, "re-pin: python -m tests.gate.gate pin"


def test_floor_rule():
    assert gate.floor_of(0.95, 1000) == 0.94
    assert gate.floor_of(0.9, 20) == 0.85           # one item of twenty may flip
    assert gate.floor_of(1.0, 3) == 0.666
    assert gate.floor_of(0.3, 2) == 0.0


def test_readme_table_is_generated_from_the_floors():
    readme = gate.README.read_text(encoding="utf-8")
    assert gate.readme_table(gate.load()) in readme, "README out of date: python -m tests.gate.gate pin"


@pytest.fixture(scope="module", params=gate.RUNS, ids=lambda run: run.name)
def measured(request):
    run = request.param
    if not gate.available(run):
        pytest.skip(f"gold for {run.name} not found under {gate.CORPUS} (../shared beside the checkout; QPDP_SHARED)")
    pinned = FLOORS[run.name]
    assert gate.gold_digest(run) == pinned["sha256"], (
        f"the gold of {run.name} changed since the floors were pinned: re-measure and re-pin "
        "(python -m tests.gate.gate pin)")
    return run, pinned, gate.measure(run)


@pytest.mark.gold
def test_floors(measured):
    run, pinned, scores = measured
    below = {key: (scores.get(key, (None, 0))[0], floor) for key, floor in pinned["floors"].items()
             if key not in scores or scores[key][0] < floor}
    assert not below, f"{run.name}: below the floor (measured, floor): {below}"


@pytest.mark.gold
@pytest.mark.slow
def test_cross_validated_floors(relevance_rebuild, indicator_rebuild):
    """The learned parts, out of fold (relevance and topic grouped by source site, the indicator
    grouped by article), retrained from the data the repo and ../shared hold now."""
    scores = gate.cv_scores(relevance_rebuild[1], indicator_rebuild[1])
    floors = gate.load()["cv"]["floors"]
    below = {k: (scores.get(k), f) for k, f in floors.items() if k not in scores or scores[k] < f}
    assert not below, f"cross-validated scores below the floor (measured, floor): {below}"
