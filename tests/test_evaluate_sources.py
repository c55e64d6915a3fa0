"""What evaluate reads (fact folders, label .jsonl, count contexts), what it passes to the
pipeline, the era filter and the post-reform scores; synthetic gold and a stand-in pipeline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qpdp_nlp.cli import cli
from qpdp_nlp.errors import QpdpError
from qpdp_nlp.evaluate import era_of, evaluate, indicator_report, load_contexts, load_gold
from qpdp_nlp.records import ArticleRecord, Count, Scope
from qpdp_nlp.text import normalize


class StandIn:
    """A pipeline that records what it is given and answers with ``make(text, kwargs)``."""

    def __init__(self, make: Callable[[str, dict[str, Any]], ArticleRecord]) -> None:
        self.calls: list[dict[str, Any]] = []
        self.make = make

    def __call__(self, text: str, **kwargs: Any) -> ArticleRecord:
        self.calls.append(kwargs)
        return self.make(text, kwargs)


def label(id_: str, published: str | None, *, commune: str | None = None, year: int | None = 2025) -> dict:
    return {"id": id_, "url": f"https://example.vn/{id_}", "published": published, "title": f"Tin {id_}",
            "text": "Xã Hòa Bình ra quân huấn luyện dân quân năm 2025.", "is_defense": True,
            "topic": "militia", "report_year": year,
            "scope": {"level": "commune" if commune else "province", "province": "Bắc Ninh",
                      "district": None, "district_type": None, "commune": commune}}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def province_record(text: str, kwargs: dict[str, Any]) -> ArticleRecord:
    return ArticleRecord(article_id="x", source=kwargs["source"], text=normalize(text), is_defense=True,
                         topic="militia", report_year=2025,
                         scope=Scope(level="province", province="Bắc Ninh"))


# --- era -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("published,era", [
    ("2025-07-01", "2025"), ("2025-06-30", "legacy"), ("2025-07", "2025"), ("2025-06", "legacy"),
    ("2026", "2025"), ("2024", "legacy"), ("2025", None), (None, None), ("", None), ("không rõ", None),
])
def test_era_of(published, era):
    assert era_of(published) == era


ERA_ROWS = [("A", "2025-08-01"), ("B", "2025-07"), ("C", "2025-06-30"), ("D", None), ("E", "2025")]


@pytest.mark.parametrize("era,kept", [(None, "ABCDE"), ("2025", "AB"), ("legacy", "C")])
def test_era_filter(tmp_path, era, kept):
    path = write_jsonl(tmp_path / "labels.jsonl", [label(i, p) for i, p in ERA_ROWS])
    pipe = StandIn(province_record)
    report, records = evaluate([path], extract=pipe, era=era)
    assert "".join(r.source for r in records) == kept
    assert report.articles == len(kept)
    assert report.era == era
    # The post-reform scores are on A and B whatever the filter keeps.
    assert report.post_reform.articles == len(set(kept) & {"A", "B"})


def test_evaluate_rejects_unknown_era(tmp_path):
    with pytest.raises(ValueError):
        evaluate([write_jsonl(tmp_path / "l.jsonl", [label("A", None)])], extract=StandIn(province_record),
                 era="2024")


# --- label files -----------------------------------------------------------------------------------

def test_label_file_scores_article_fields_only(tmp_path):
    path = write_jsonl(tmp_path / "labels.jsonl", [label("L1", "2025-09-02", commune="Hòa Bình"),
                                                    label("L2", "2023-05", year=2023)])
    pipe = StandIn(province_record)
    report, _ = evaluate([path], extract=pipe)
    assert (report.articles, report.fact_articles, report.label_articles) == (2, 0, 2)
    assert pipe.calls[0] == {"source": "L1", "title": "Tin L1", "url": "https://example.vn/L1",
                             "published": "2025-09-02"}
    s = report.scores()
    assert (s["scope_commune"]["correct"], s["scope_commune"]["total"]) == (1, 2)  # L1's commune missed
    assert (s["scope_level"]["correct"], s["report_year"]["correct"]) == (1, 1)
    assert s["is_defense"]["correct"] == 2
    for name in ("persons_ranked", "counts", "counts_value", "documents", "units", "cells"):
        assert (s[name]["tp"], s[name]["fp"], s[name]["fn"]) == (0, 0, 0), name
    post = report.to_dict()["post_reform"]
    assert post["articles"] == 1 and post["scores"]["scope_commune"]["correct"] == 0
    assert "post-reform items (published >= 2025-07-01): 1" in report.table()


def test_folder_of_label_files_means_all_of_them(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [label("A", None)])
    write_jsonl(tmp_path / "b.jsonl", [label("B", None), label("C", None)])
    assert [a.id for a in load_gold([tmp_path])] == ["A", "B", "C"]


def test_jsonl_of_unknown_shape_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": "x", "body": "..."}])
    with pytest.raises(QpdpError):
        load_gold([path])


# --- fact folders -------------------------------------------------------------------------------

def test_fact_folder_passes_url_and_published(tmp_path):
    text = "Năm 2025, tỉnh Bắc Ninh giao 300 thanh niên nhập ngũ."
    gold = {"id": "F1", "url": "https://example.vn/f1", "published": "2025-03-01", "topic": "enlistment",
            "scope": {"level": "province", "province": "Bắc Ninh", "district": None, "district_type": None,
                      "commune": None},
            "report_year": 2025, "ranks": [], "people": [], "resolutions": [], "units": [],
            "counts": [{"text": "300 thanh niên", "value": 300, "qualifier": None, "unit": "thanh niên",
                        "indicator": "enlisted"}]}
    (tmp_path / "F1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "F1.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    gold2 = dict(gold, id="F2", counts=[])
    del gold2["published"]
    (tmp_path / "F2.txt").write_text(text, encoding="utf-8")
    (tmp_path / "F2.json").write_text(json.dumps(gold2, ensure_ascii=False), encoding="utf-8")

    def make(t: str, kw: dict[str, Any]) -> ArticleRecord:
        start = t.index("300")
        rec = province_record(t, kw)
        rec.counts = [Count(rule="test", text="300 thanh niên", start=start, end=start + 14, value=300,
                            indicator="enlisted")]
        return rec

    pipe = StandIn(make)
    report, _ = evaluate([tmp_path], extract=pipe)
    assert [(c["url"], c["published"]) for c in pipe.calls] == [
        ("https://example.vn/f1", "2025-03-01"), ("https://example.vn/f1", None)]
    assert report.fact_articles == 2
    cells = report.tally("cells")
    assert (cells.tp, cells.fp, cells.fn) == (1, 1, 0)  # F2 has no gold count: its cell is spurious
    assert report.cell_loss["spurious"] == 1


# --- count contexts -------------------------------------------------------------------------------

CONTEXTS = [
    # sentence (a double space: offsets move when the text is normalised), gold count, gold indicator
    ("Huyện  đã giao 120 thanh niên nhập ngũ.", "120 thanh niên", 120, "enlisted"),
    ("Trao 50 suất quà cho gia đình chính sách.", "50 suất quà", 50, "policy_support"),
    ("Có 35 người dự lớp bồi dưỡng.", "35 người", 35, "qpan_training"),
    ("Đạt 100% chỉ tiêu với 80 công dân.", "80 công dân", 80, "enlisted"),
]
# What the stand-in predicts in each sentence: (count text, value, indicator); none in the third.
PREDICTED = {
    0: [("120 thanh niên", 120, "enlisted")],
    1: [("50 suất quà", 50, "enlisted")],
    2: [],
    # a wider count with another value overlaps the gold span too: the same value wins
    3: [("chỉ tiêu với 80 công dân", 100, "enlistment_target_pct"), ("80 công dân", 80, "enlisted")],
}


def write_contexts(path: Path) -> Path:
    rows = []
    for n, (sentence, count_text, value, indicator) in enumerate(CONTEXTS):
        start = sentence.index(count_text)
        rows.append({"id": f"C{n}", "url": f"https://example.vn/c{n}", "published": "2025-10-01",
                     "sentence": sentence, "count_text": count_text, "start": start,
                     "end": start + len(count_text), "value": value, "unit": None, "indicator": indicator})
    return write_jsonl(path, rows)


def context_record(text: str, kwargs: dict[str, Any]) -> ArticleRecord:
    norm = normalize(text)
    counts = []
    for count_text, value, indicator in PREDICTED[int(kwargs["source"][1:])]:
        start = norm.index(count_text)
        counts.append(Count(rule="test", text=count_text, start=start, end=start + len(count_text), value=value,
                            indicator=indicator))
    return ArticleRecord(article_id=kwargs["source"], text=norm, counts=counts,
                         original_text=None if norm == text else text)


def test_indicator_report(tmp_path):
    path = write_contexts(tmp_path / "contexts.jsonl")
    pipe = StandIn(context_record)
    report = indicator_report(path, extract=pipe)
    assert pipe.calls[0] == {"source": "C0", "url": "https://example.vn/c0", "published": "2025-10-01"}
    assert (report.items, report.no_count) == (4, 1)
    assert (report.accuracy.correct, report.accuracy.total) == (2, 4)
    enlisted = report.by_indicator["enlisted"]
    assert (enlisted.tp, enlisted.fp, enlisted.fn) == (2, 1, 0)
    assert report.by_indicator["policy_support"].fn == 1
    assert report.by_indicator["qpan_training"].fn == 1
    assert {m["article"]: m["value"]["pred"] for m in report.misses} == {"C1": "enlisted", "C2": None}


def test_contexts_through_evaluate(tmp_path):
    path = write_contexts(tmp_path / "contexts.jsonl")
    report, records = evaluate([path], extract=StandIn(context_record))
    assert report.articles == 0 and records == []
    data = report.to_dict()["contexts"]
    assert data["context_indicator"] == {"accuracy": 0.5, "correct": 2, "total": 4}
    assert data["context_by_indicator"]["enlisted"]["precision"] == round(2 / 3, 4)
    assert "context_indicator" in report.table() and "4 count contexts" in report.table()
    assert evaluate([path], extract=StandIn(context_record), era="legacy")[0].contexts.items == 0


def test_load_contexts_for_a_trainer(tmp_path):
    items = load_contexts(write_contexts(tmp_path / "contexts.jsonl"))
    assert [(i.id, i.indicator) for i in items][:2] == [("C0", "enlisted"), ("C1", "policy_support")]
    assert items[0].sentence[items[0].start:items[0].end] == "120 thanh niên"


# --- the command ---------------------------------------------------------------------------------

def test_eval_command_reads_a_label_file(tmp_path):
    path = write_jsonl(tmp_path / "labels.jsonl", [label("L1", "2025-09-02", commune="Hòa Bình"),
                                                    label("L2", None)])
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["articles"], data["label_articles"], data["post_reform"]["articles"]) == (2, 2, 1)
    assert data["scores"]["scope_commune"]["total"] == 2
    result = runner.invoke(cli, ["eval", str(path), "--era", "legacy"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 gold items in era legacy"
    result = runner.invoke(cli, ["eval", str(path), "--era", "2025"])
    assert "1 gold articles (0 with fact gold, 1 label pages, era 2025)" in result.output
