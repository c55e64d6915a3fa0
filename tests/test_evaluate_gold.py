"""``qpdp eval`` on the real label sets (scope labels, count contexts, dev2): the new fields are
printed and consistent. Skipped where ../shared/corpus is absent."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import CORPUS
from qpdp_nlp.cli import cli

SCOPE = CORPUS / "scope"
CONTEXTS = CORPUS / "indicators" / "contexts.jsonl"
DEV2 = CORPUS / "dev2"


def _needs(path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not found: the gold corpus lives in "
                              "../shared beside the checkout (set QPDP_SHARED)")


def _eval(*args: str):
    result = CliRunner().invoke(cli, ["eval", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.gold
@_needs(SCOPE)
def test_eval_scope_labels_table():
    out = _eval(str(SCOPE))
    assert "150 gold articles (0 with fact gold, 150 label pages)" in out
    assert "scope_commune" in out
    assert "post-reform items (published >= 2025-07-01):" in out
    cells = next(line for line in out.splitlines() if line.startswith("cells "))
    assert cells.endswith("0/0/0")  # label pages never count in a fact field


@pytest.mark.gold
@_needs(SCOPE)
def test_eval_scope_labels_post_reform_json():
    data = json.loads(_eval(str(SCOPE / "scope.jsonl"), "--era", "2025", "--json"))
    assert data["era"] == "2025"
    assert 0 < data["articles"] < 50
    # With the 2025 filter every item is post-reform: both views agree.
    assert data["post_reform"]["articles"] == data["articles"]
    for name, score in data["post_reform"]["scores"].items():
        assert score == data["scores"][name], name


@pytest.mark.gold
@_needs(CONTEXTS)
def test_eval_count_contexts():
    out = _eval(str(CONTEXTS))
    assert "320 count contexts" in out
    assert "context_indicator" in out
    assert "indicator                   P      R     F1  gold" in out
    data = json.loads(_eval(str(CONTEXTS), "--json"))["contexts"]
    assert data["context_indicator"]["total"] == 320
    assert sum(v["gold"] for v in data["context_by_indicator"].values()) == 320


@pytest.mark.gold
@_needs(DEV2)
def test_eval_dev2_cells_loss_adds_up():
    data = json.loads(_eval(str(DEV2), "--json"))
    cells, loss = data["scores"]["cells"], data["cell_loss"]
    assert cells["tp"] + cells["fn"] > 0
    assert sum(v for k, v in loss.items() if k != "spurious") == cells["fn"]
    assert loss["spurious"] <= cells["fp"]
    rates = list(data["cell_what_if"].values())
    assert cells["recall"] <= rates[0] <= rates[1] <= rates[2] <= 1.0
    out = _eval(str(DEV2), "--misses", "cells")
    assert "loss at the first failing step" in out and "what-if" in out
    words = [line.split() for line in out.splitlines()]
    listed = [w for w in words if w[:1] == ["cells"] and w[2] in ("fn", "fp", "wrong")]
    # one line per gold cell lost, plus one per spurious predicted cell
    assert len(listed) == cells["fn"] + loss["spurious"]
