"""Traceable rules (issue 14, point 5): each extractor declares its rule names once, in a
module-level ``RULES`` (name -> what it means, one line), and every fact it emits names one.

Checked on the samples and, where ../shared/corpus is beside the checkout, on the gold corpora
dev, dev2 and seed. ``places`` and ``scope`` are checked once they declare their ``RULES``.
How a count's indicator was chosen (``Count.indicator_rule``) is declared in
``classify/indicators.py``'s ``RULES`` and checked the same way.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from conftest import CORPUS, SAMPLES
from qpdp_nlp.classify import indicators
from qpdp_nlp.extractors import counts, documents, numbers, persons, places, scope, units
from qpdp_nlp.pipeline import Pipeline
from qpdp_nlp.records import INDICATORS, ArticleRecord

# The fact tables of ArticleRecord and the module whose RULES their rule comes from.
DECLARED: dict[str, ModuleType] = {
    "persons": persons,
    "units": units,
    "counts": counts,
    "documents": documents,
}
if hasattr(places, "RULES"):
    DECLARED["places"] = places
CHECK_SCOPE = hasattr(scope, "RULES")

CORPORA = {
    "samples": SAMPLES,
    "dev": CORPUS / "dev",
    "dev2": CORPUS / "dev2",
    "seed": CORPUS / "seed",
}


@cache
def _records(folder: Path) -> tuple[ArticleRecord, ...]:
    pipe = Pipeline()
    return tuple(pipe(path.read_text(encoding="utf-8"), source=path.name) for path in sorted(folder.glob("*.txt")))


@pytest.mark.parametrize("module", [*DECLARED.values(), numbers, indicators, *([scope] if CHECK_SCOPE else [])],
                         ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_rules_are_declared_one_line_each(module):
    rules = module.RULES
    assert isinstance(rules, dict) and rules, module.__name__
    for name, meaning in rules.items():
        assert isinstance(name, str) and name and name == name.strip(), (module.__name__, name)
        assert isinstance(meaning, str) and meaning.strip() and "\n" not in meaning, (module.__name__, name)


def test_count_rules_name_every_reading_of_a_number():
    # "<how the number was read>+noun": a count with a noun after it names how its number was read
    assert {f"{read}+noun" for read in numbers.RULES} <= set(counts.RULES)


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_every_fact_names_a_declared_rule(corpus):
    folder = CORPORA[corpus]
    if not folder.is_dir():
        pytest.skip(f"{folder} not found (../shared/corpus lives beside the checkout; set QPDP_SHARED)")
    records = _records(folder)
    assert records, folder
    undeclared: list[tuple[str, str, str | None, str]] = []
    for record in records:
        for kind, module in DECLARED.items():
            for fact in getattr(record, kind):
                if not fact.rule or fact.rule not in module.RULES:
                    undeclared.append((record.source or "", kind, fact.rule, fact.text))
        if CHECK_SCOPE and record.scope.rule not in scope.RULES:
            undeclared.append((record.source or "", "scope", record.scope.rule, ""))
        if record.report_year_rule not in scope.YEAR_RULES:
            undeclared.append((record.source or "", "report_year", record.report_year_rule, ""))
    assert not undeclared, undeclared[:20]


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_every_count_names_how_its_indicator_was_chosen(corpus):
    """``indicator_rule`` is declared in indicators.RULES; a cue rule names a real row of
    indicator_cues.tsv and the indicator the count got."""
    folder = CORPORA[corpus]
    if not folder.is_dir():
        pytest.skip(f"{folder} not found (../shared/corpus lives beside the checkout; set QPDP_SHARED)")
    undeclared: list[tuple[str, str | None, str | None, str]] = []
    seen: set[str] = set()
    for record in _records(folder):
        for count in record.counts:
            name = indicators.rule_name(count.indicator_rule)
            cue_mismatch = name == indicators.CUE_RULE and not (count.indicator_rule or "").endswith(
                f":{count.indicator}")
            if name is None or cue_mismatch:
                undeclared.append((record.source or "", count.indicator_rule, count.indicator, count.text))
            else:
                seen.add(name)
    assert not undeclared, undeclared[:20]
    assert seen, f"no count in {folder}"


def test_indicator_rules_are_the_decisions_rules():
    """Every way :func:`indicators.decide` and ``decisions_for`` can choose is declared, and only those."""
    assert set(indicators.RULES) == {indicators.CUE_RULE, "model", "not-defence-text"}
    row = indicators._cues()[-1]  # the last row of indicator_cues.tsv
    other = next(i for i in INDICATORS if i != row.indicator)
    assert indicators.rule_name(f"cue:{row.row}:{row.indicator}") == indicators.CUE_RULE
    for undeclared in (f"cue:{row.row}:{other}", f"cue:{row.row + 1}:{row.indicator}", "cue", "rule", None):
        assert indicators.rule_name(undeclared) is None


def test_units_tell_how_they_were_found():
    """The units' rule is more than "unit_heads": a head as listed, abbreviated, joined, a zone."""
    doc = "UBND huyện Ba Bể, Ủy ban nhân dân tỉnh, Ban Thường vụ Tỉnh ủy và Ban CHPTKV 3 - Bảo Lâm họp."
    found = {u.text: u.rule for u in Pipeline(classify=False)(doc).units}
    assert found == {
        "UBND huyện Ba Bể": "unit_heads.abbreviated",
        "Ủy ban nhân dân tỉnh": "unit_heads",
        "Ban Thường vụ Tỉnh ủy": "unit_heads.joined",
        "Ban CHPTKV 3 - Bảo Lâm": "defence_zone",
    }


def test_a_bare_party_body_beside_a_command_says_so():
    rec = Pipeline(classify=False)("Đảng ủy, Ban Chỉ huy PTKV 2 - Chợ Đồn tổ chức hội nghị.")
    party = next(u for u in rec.units if u.text == "Đảng ủy")
    assert party.rule == "party_of_command" and party.parent and "Phòng thủ khu vực 2" in party.parent
