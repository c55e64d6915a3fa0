"""The cells metric (evaluate.score_cells): one gold count, one predicted count, every loss step."""

from __future__ import annotations

from typing import Any

import pytest

from qpdp_nlp.evaluate import Report, locate, miss_line, score_cells
from qpdp_nlp.records import ArticleRecord, Count, Scope

TEXT = "Năm 2023, huyện Ba Bể giao 120 thanh niên nhập ngũ, đạt 100% chỉ tiêu."
SCOPE = {"level": "district", "province": "Bắc Kạn", "district": "Ba Bể", "district_type": "huyện",
         "commune": None}


def gold_count(text: str, value: float, indicator: str, unit: str) -> dict[str, Any]:
    return {"text": text, "value": value, "qualifier": None, "unit": unit, "indicator": indicator}


def pred_count(text: str, value: float, indicator: str | None, *, is_percent: bool = False,
               year: int | None = None) -> Count:
    start = TEXT.index(text)
    return Count(rule="test", text=text, start=start, end=start + len(text), value=value, indicator=indicator,
                 is_percent=is_percent, year=year)


G_ENL = gold_count("120 thanh niên", 120, "enlisted", "thanh niên")
G_PCT = gold_count("100% chỉ tiêu", 100, "enlistment_target_pct", "%")


def P_ENL(indicator: str | None = "enlisted", **kw: Any) -> Count:
    return pred_count("120 thanh niên", 120, indicator, **kw)


def record(counts: list[Count], *, is_defense: bool = True, province: str = "Bắc Kạn",
           district: str | None = "Ba Bể", commune: str | None = None, year: int | None = 2023
           ) -> ArticleRecord:
    return ArticleRecord(article_id="a", text=TEXT, is_defense=is_defense, report_year=year, counts=counts,
                         scope=Scope(level="district", province=province, district=district, commune=commune))


def run(gold_counts: list[dict], rec: ArticleRecord, *, topic: str = "enlistment") -> Report:
    report = Report()
    gold = {"topic": topic, "scope": SCOPE, "report_year": 2023, "counts": gold_counts}
    score_cells(report, "a", gold, rec)
    return report


CASES = [
    # id, gold counts, gold topic, record, (tp, fp, fn), loss steps
    ("right cell", [G_ENL], "enlistment", record([P_ENL()]), (1, 0, 0), {}),
    ("percent right", [G_PCT], "enlistment",
     record([pred_count("100% chỉ tiêu", 100, "enlistment_target_pct", is_percent=True)]), (1, 0, 0), {}),
    ("no predicted count", [G_ENL], "enlistment", record([]), (0, 0, 1), {"missed": 1}),
    ("article predicted non-defence", [G_ENL], "enlistment", record([P_ENL()], is_defense=False),
     (0, 0, 1), {"missed": 1}),
    ("province differs", [G_ENL], "enlistment", record([P_ENL()], province="Cao Bằng"), (0, 1, 1),
     {"scope": 1}),
    ("commune differs", [G_ENL], "enlistment", record([P_ENL()], commune="Chợ Rã"), (0, 1, 1),
     {"scope": 1}),
    ("scope is the first failing step", [G_ENL], "enlistment",
     record([P_ENL("registration")], district=None, year=2024), (0, 1, 1), {"scope": 1}),
    ("year differs", [G_ENL], "enlistment", record([P_ENL()], year=2024), (0, 1, 1), {"year": 1}),
    ("count.year overrides report_year", [G_ENL], "enlistment", record([P_ENL(year=2023)], year=2024),
     (1, 0, 0), {}),
    ("count.year wrong", [G_ENL], "enlistment", record([P_ENL(year=2022)]), (0, 1, 1), {"year": 1}),
    ("indicator differs", [G_ENL], "enlistment", record([P_ENL("registration")]), (0, 1, 1),
     {"indicator": 1}),
    ("predicted other is only an FN", [G_ENL], "enlistment", record([P_ENL("other")]), (0, 0, 1),
     {"indicator": 1}),
    ("percent flag differs", [G_PCT], "enlistment",
     record([pred_count("100% chỉ tiêu", 100, "enlistment_target_pct", is_percent=False)]), (0, 1, 1),
     {"value_or_percent": 1}),
    ("value differs: no pair", [G_ENL], "enlistment", record([pred_count("120 thanh niên", 12, "enlisted")]),
     (0, 1, 1), {"missed": 1, "spurious": 1}),
    ("gold indicator other", [gold_count("120 thanh niên", 120, "other", "thanh niên")], "enlistment",
     record([P_ENL()]), (0, 1, 0), {"spurious": 1}),
    ("no gold count", [], "enlistment", record([P_ENL()]), (0, 1, 0), {"spurious": 1}),
    ("gold article not about defence", [G_ENL], "not-defense", record([P_ENL()]), (0, 1, 0), {"spurious": 1}),
    ("both sides other: no cell", [gold_count("120 thanh niên", 120, "other", "thanh niên")], "enlistment",
     record([P_ENL("other")]), (0, 0, 0), {}),
    ("both sides non-defence: no cell", [G_ENL], "not-defense", record([P_ENL()], is_defense=False),
     (0, 0, 0), {}),
    ("unpaired count of a non-defence prediction", [], "enlistment", record([P_ENL()], is_defense=False),
     (0, 0, 0), {}),
]


@pytest.mark.parametrize("gold_counts,topic,rec,expected,loss", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_cells(gold_counts, topic, rec, expected, loss):
    report = run(gold_counts, rec, topic=topic)
    t = report.tally("cells")
    assert (t.tp, t.fp, t.fn) == expected
    assert {k: v for k, v in report.cell_loss.items() if v} == loss


def test_cells_pairing_is_the_counts_value_pairing():
    # Two equal values: each gold count takes the predicted count at its own span.
    text = "Giao 5 thanh niên ở xã A và 5 thanh niên ở xã B."
    gold = {"topic": "enlistment", "scope": SCOPE, "report_year": 2023, "counts": [
        gold_count("5 thanh niên", 5, "enlisted", "thanh niên"),
        gold_count("5 thanh niên", 5, "registration", "thanh niên")]}
    second = text.rindex("5 thanh niên")
    rec = ArticleRecord(article_id="a", text=text, is_defense=True, report_year=2023,
                        scope=Scope(level="district", province="Bắc Kạn", district="Ba Bể"), counts=[
                            Count(rule="test", text="5 thanh niên", start=5, end=17, value=5, indicator="enlisted"),
                            Count(rule="test", text="5 thanh niên", start=second, end=second + 12, value=5,
                                  indicator="registration")])
    report = Report()
    score_cells(report, "a", gold, rec)
    assert report.tally("cells").tp == 2


def test_what_if_counts_only_cells_whose_every_fault_is_fixed():
    report = Report()
    score_cells(report, "a", {"topic": "enlistment", "scope": SCOPE, "report_year": 2023,
                              "counts": [G_ENL, G_PCT]},
                record([P_ENL("registration", year=2022)], province="Cao Bằng"))
    assert dict(report.cell_loss) == {"scope": 1, "missed": 1}
    assert report.what_if() == {"scope": 0.0, "scope+year": 0.0, "scope+year+indicator": 0.5}
    assert report.to_dict()["cell_what_if"] == report.what_if()


def test_cell_miss_lists_article_text_cells_and_step():
    report = run([G_ENL], record([P_ENL()], year=2024))
    [miss] = [m for m in report.misses if m["field"] == "cells"]
    assert miss["kind"] == "wrong"
    assert miss["value"]["step"] == "year"
    assert miss["value"]["gold"]["year"] == 2023 and miss["value"]["pred"]["year"] == 2024
    line = miss_line(miss)
    assert "year" in line and "120 thanh niên" in line and "2024" in line


def test_gold_place_is_normalised():
    gold = {"topic": "enlistment", "report_year": 2023, "counts": [G_ENL],
            "scope": dict(SCOPE, province="Bắc Kạn".replace("ắ", "a\u0306\u0301"))}  # decomposed marks
    report = Report()
    score_cells(report, "a", gold, record([P_ENL()]))
    assert report.tally("cells").tp == 1


def test_cells_table_prints_loss_and_what_if():
    report = run([G_ENL], record([P_ENL()], year=2024))
    report.articles = report.fact_articles = 1
    table = report.table()
    assert "loss at the first failing step" in table
    assert "what-if" in table and "scope+year right 1.000" in table


@pytest.mark.parametrize("text,strings,spans", [
    # a short gold count is not placed inside a longer one that contains it
    ("có 120 thanh niên; Thoại Sơn 120.", ["120 thanh niên", "120"], [(3, 17), (29, 32)]),
    ("có 120 thanh niên; Thoại Sơn 120.", ["120", "120 thanh niên"], [(29, 32), (3, 17)]),
    # gold counts that do overlap keep the old rule (the k-th occurrence of all)
    ("hơn 300 người", ["hơn 300 người", "300 người"], [(0, 13), (4, 13)]),
])
def test_locate_leaves_longer_gold_spans_alone(text, strings, spans):
    assert locate(text, strings) == spans
