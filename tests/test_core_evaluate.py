"""The evaluation's matching rules (evaluate.py), on hand-made records."""

from __future__ import annotations

import pytest

from qpdp_nlp.evaluate import Report, locate, score_counts, score_persons, units_match
from qpdp_nlp.records import ArticleRecord, Count, Person


@pytest.mark.parametrize(
    "text,strings,spans",
    [
        ("có 121 thanh niên và 21 thanh niên", ["21 thanh niên"], [(21, 34)]),
        ("a 5 xã, b 5 xã", ["5 xã", "5 xã", "5 xã"], [(2, 6), (10, 14), None]),
        ("24 xã và 4 xã", ["4 xã"], [(9, 13)]),
        ("hơn 300 người", ["hơn 300 người"], [(0, 13)]),
        ("abc", ["zz"], [None]),
    ],
)
def test_locate(text, strings, spans):
    assert locate(text, strings) == spans


@pytest.mark.parametrize(
    "a,b,ok",
    [
        ("Bộ Chỉ huy Quân sự tỉnh Bắc Kạn", "Bộ Chỉ huy Quân sự tỉnh", True),
        ("Huyện ủy", "Huyện ủy Ba Bể", True),
        ("UBND", "UBND huyện Ba Bể", False),  # shorter than half the longer
        ("Công an huyện", "Ban CHQS huyện", False),
    ],
)
def test_units_match(a, b, ok):
    assert units_match(a, b) is ok


def test_counts_match_on_span_value_and_unit():
    text = "Khen thưởng 06 tập thể và 18 cá nhân."
    rec = ArticleRecord(article_id="x", text=text, counts=[
        Count(rule="test", text="06 tập thể", start=12, end=22, value=6, unit="tập thể", indicator="awards_collective"),
        Count(rule="test", text="18 cá nhân", start=26, end=36, value=18, unit="người", indicator="awards_individual"),
    ])
    gold = {"counts": [
        {"text": "06 tập thể", "value": 6, "unit": "tập thể", "qualifier": None, "indicator": "awards_collective"},
        {"text": "18 cá nhân", "value": 18, "unit": "cá nhân", "qualifier": None, "indicator": "awards_individual"},
    ]}
    report = Report()
    score_counts(report, "x", gold, rec)
    s = report.scores()
    assert (s["counts_value"]["tp"], s["counts"]["tp"], s["counts"]["fp"], s["counts"]["fn"]) == (2, 1, 1, 1)
    assert s["count_indicator"]["accuracy"] == 1.0


def test_persons_match_rank_case_insensitively_and_score_positions():
    rec = ArticleRecord(article_id="x", text="", persons=[
        Person(rule="test", text="", start=0, end=0, rank="trung tướng", name="Lê Văn A", position="Tư lệnh"),
        Person(rule="test", text="", start=0, end=0, rank=None, name="Trần Thị B", position=None),
    ])
    gold = {"ranks": [{"rank": "Trung tướng", "name": "Lê Văn A", "position": "Phó Tư lệnh"}],
            "people": [{"rank": None, "name": "Trần Thị B", "position": None}]}
    report = Report()
    score_persons(report, "x", gold, rec)
    s = report.scores()
    assert s["persons_ranked"]["f1"] == 1.0
    assert s["persons_names"]["f1"] == 1.0
    assert s["position_ranked"]["accuracy"] == 0.0
    assert s["position_all"]["correct"] == 1
