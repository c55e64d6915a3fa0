"""The comparison across the reform of 1 July 2025 and below the province after it: regrouping on
the 2025 map (complete, incomplete, percentages), the legacy map, defence zones and communes,
district → zone continuity, confidence marking, and what is never added.

Records are built here from sentences written for these tests; the gazetteer gives the maps
(Thái Nguyên 2025 = Bắc Kạn + Thái Nguyên; Nghệ An unchanged; Bắc Kạn had 8 districts).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from click.testing import CliRunner

from qpdp_nlp import dataset, publish
from qpdp_nlp.cli import cli
from qpdp_nlp.compare import compare, legacy_districts, records_frames
from qpdp_nlp.records import ArticleRecord, Count, Scope

PHRASES = {
    "enlisted": "Đơn vị giao {} nhập ngũ.",
    "enlistment_target_pct": "Đơn vị hoàn thành {} giao quân.",
    "militia": "Huấn luyện {} dân quân.",
}


def province(name, era="legacy", now=None):
    return Scope(level="province", province=name, province_2025=now or name, era=era)


def district(name, prov="Bắc Kạn", now="Thái Nguyên"):
    return Scope(level="district", province=prov, district=name, district_type="huyện", province_2025=now,
                 era="legacy")


def zone(name, number, successor=None, prov="Thái Nguyên"):
    return Scope(level="district", province=prov, province_2025=prov, defence_zone=name,
                 defence_zone_number=number, successor_of=successor, era="2025")


def commune(name, prov="Thái Nguyên"):
    return Scope(level="commune", province=prov, province_2025=prov, commune=name, era="2025")


BAC_KAN, THAI_NGUYEN = province("Bắc Kạn", now="Thái Nguyên"), province("Thái Nguyên")
THAI_NGUYEN_2025 = province("Thái Nguyên", era="2025")
NGHE_AN, NGHE_AN_2025 = province("Nghệ An"), province("Nghệ An", era="2025")


def article(article_id, scope, year, counts=(), **fields) -> ArticleRecord:
    """``counts``: (fragment, value, indicator) or (fragment, value, indicator, {Count fields})."""
    text, facts = "", []
    for fragment, value, indicator, *rest in counts:
        extra = rest[0] if rest else {}
        sentence = PHRASES[indicator].format(fragment)
        start = len(text) + sentence.index(fragment)
        percent = "%" in fragment
        facts.append(Count(rule="test", text=fragment, start=start, end=start + len(fragment), value=value,
                           indicator=indicator, is_percent=percent,
                           unit="%" if percent else re.sub(r"^\D*[\d.,]+\s*", "", fragment), **extra))
        text += sentence + " "
    return ArticleRecord(article_id=article_id, text=text.strip(), scope=scope, report_year=year,
                         counts=facts, **fields)


def enlisted(article_id, scope, year, value, **count):
    return article(article_id, scope, year, [(f"{value} công dân", value, "enlisted", count)])


def run(*records, **options):
    return compare(records_frames(records), **options)


def only(result, **where):
    rows = result.cells
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, result.cells.T
    return rows.iloc[0]


# --- the 2025 map: merged provinces --------------------------------------------------------------

ALL_BAC_KAN_DISTRICTS = [enlisted(f"d{i}", district(name), 2024, 10 * (i + 1))
                         for i, name in enumerate(legacy_districts("Bắc Kạn"))]

REGROUP_CASES = [
    # name, records, indicator, year, expected (value, regroup, complete, conflict), words in parts
    ("both legacy provinces known: summed",
     [enlisted("b", BAC_KAN, 2024, 500), enlisted("t", THAI_NGUYEN, 2024, 800)],
     "enlisted", 2024, (1300, "sum", True, False), ["Bắc Kạn: 500", "Thái Nguyên: 800"]),
    ("one legacy province missing: incomplete, parts listed, no partial sum",
     [enlisted("b", BAC_KAN, 2024, 500)],
     "enlisted", 2024, (None, "incomplete", False, False), ["Bắc Kạn: 500", "Thái Nguyên: thiếu"]),
    ("districts of one part not all known: incomplete",
     [enlisted("c", district("Chợ Đồn"), 2023, 120), enlisted("n", district("Na Rì"), 2023, 95),
      enlisted("t", THAI_NGUYEN, 2023, 800)],
     "enlisted", 2023, (None, "incomplete", False, False), ["Bắc Kạn: thiếu (2/8 huyện", "Chợ Đồn 120"]),
    ("every district of a part known: their sum stands for it",
     [*ALL_BAC_KAN_DISTRICTS, enlisted("t", THAI_NGUYEN, 2024, 800)],
     "enlisted", 2024, (360 + 800, "sum", True, False), ["Σ 8 huyện", "Bắc Kạn: 360"]),
    ("a province's total is never added to its districts'",
     [enlisted("b", BAC_KAN, 2024, 500), enlisted("c", district("Chợ Đồn"), 2024, 120),
      enlisted("t", THAI_NGUYEN, 2024, 800)],
     "enlisted", 2024, (1300, "sum", True, False), ["Bắc Kạn: 500"]),
    ("a part in conflict: incomplete",
     [enlisted("b1", BAC_KAN, 2024, 500), enlisted("b2", BAC_KAN, 2024, 540), enlisted("t", THAI_NGUYEN, 2024, 800)],
     "enlisted", 2024, (None, "incomplete", False, False), ["Bắc Kạn: xung đột"]),
    ("percentages of several parts are never summed",
     [article("b", BAC_KAN, 2024, [("100% chỉ tiêu", 100, "enlistment_target_pct")]),
      article("t", THAI_NGUYEN, 2024, [("98% chỉ tiêu", 98, "enlistment_target_pct")])],
     "enlistment_target_pct", 2024, (None, "not_summed", True, False), ["Bắc Kạn: 100%", "Thái Nguyên: 98%"]),
    ("a province not merged keeps its value, percentage or not",
     [article("n", NGHE_AN, 2024, [("97% chỉ tiêu", 97, "enlistment_target_pct")])],
     "enlistment_target_pct", 2024, (97, "same", True, False), ["Nghệ An: 97%"]),
    ("the 2025 province's own report gives the value; a complete sum that agrees is kept beside it",
     [enlisted("b", BAC_KAN, 2025, 500), enlisted("t", THAI_NGUYEN, 2025, 800),
      enlisted("x", THAI_NGUYEN_2025, 2025, 1300)],
     "enlisted", 2025, (1300, "direct", True, False), ["Bắc Kạn: 500"]),
    ("the 2025 province's own report and a complete sum that disagree: a conflict",
     [enlisted("b", BAC_KAN, 2025, 500), enlisted("t", THAI_NGUYEN, 2025, 800),
      enlisted("x", THAI_NGUYEN_2025, 2025, 1400)],
     "enlisted", 2025, (None, "direct", True, True), ["Thái Nguyên: 800"]),
]


@pytest.mark.parametrize("name, records, indicator, year, expected, words", REGROUP_CASES,
                         ids=[c[0] for c in REGROUP_CASES])
def test_regroup_on_the_2025_map(name, records, indicator, year, expected, words):
    result = run(*records, by="province", era="2025")
    province_2025 = "Nghệ An" if records[0].scope.province == "Nghệ An" else "Thái Nguyên"
    row = only(result, province=province_2025, year=year, indicator=indicator)
    value, regroup, complete, conflict = expected
    assert (None if pd.isna(row.value) else row.value) == value
    assert (row.regroup, bool(row.complete), bool(row.conflict)) == (regroup, complete, conflict)
    assert row.era == "2025" and row.level == "province"
    for word in words:
        assert word in row.parts, row.parts
    assert set(result.provenance["province"]) == {province_2025}  # every count moved under its 2025 cell
    assert result.provenance["part"].notna().any()


def test_regroup_mixed_indicators_in_one_province_year():
    """Enlisted adds up across the parts, its percentage does not, militia is missing a part."""
    records = [
        article("b", BAC_KAN, 2024, [("500 công dân", 500, "enlisted"), ("100% chỉ tiêu", 100, "enlistment_target_pct"),
                                     ("1.200 chiến sĩ", 1200, "militia")]),
        article("t", THAI_NGUYEN, 2024, [("800 công dân", 800, "enlisted"), ("99% chỉ tiêu", 99, "enlistment_target_pct")]),
    ]
    result = run(*records, by="province", era="2025")
    got = {r.indicator: (None if pd.isna(r.value) else r.value, r.regroup) for r in result.cells.itertuples()}
    assert got == {"enlisted": (1300, "sum"), "enlistment_target_pct": (None, "not_summed"),
                   "militia": (None, "incomplete")}
    out = result.render()
    assert "chưa đủ" in out and "không cộng %" in out and "Thái Nguyên: thiếu" in out


def test_without_era_each_article_stays_on_its_own_map():
    records = [enlisted("b", BAC_KAN, 2024, 500), enlisted("x", THAI_NGUYEN_2025, 2026, 1400)]
    result = run(*records, by="province")
    assert list(zip(result.cells["province"], result.cells["year"], result.cells["era"])) == [
        ("Bắc Kạn", 2024, "legacy"), ("Thái Nguyên", 2026, "2025")]
    assert result.cells["regroup"].isna().all()


def test_legacy_map_lists_what_has_no_legacy_place():
    records = [enlisted("b", BAC_KAN, 2024, 500), enlisted("x", THAI_NGUYEN_2025, 2026, 1400),
               enlisted("n", NGHE_AN_2025, 2026, 2100)]
    result = run(*records, by="province", era="legacy")
    assert sorted(zip(result.cells["province"], result.cells["year"])) == [("Bắc Kạn", 2024), ("Nghệ An", 2026)]
    assert len(result.notes) == 1 and "Thái Nguyên" in result.notes[0]
    assert "Not placed on this map" in result.render()


def test_era_without_date_or_scope_era_follows_the_year():
    scope = Scope(level="province", province="Thái Nguyên", province_2025="Thái Nguyên")  # no era
    result = run(enlisted("b", BAC_KAN, 2024, 500), enlisted("x", scope, 2026, 1400),
                 enlisted("t", scope, 2024, 800), by="province", era="2025")
    got = {r.year: (r.value, r.regroup) for r in result.cells.itertuples()}
    assert got == {2024: (1300, "sum"), 2026: (1400, "direct")}


# --- below the province after the reform: zones and communes -------------------------------------

PTKV2 = zone("Chợ Đồn", 2, successor="Chợ Đồn")
PTKV3 = zone("Bạch Thông", 3)


@pytest.mark.parametrize("by, era, expected", [
    ("zone", None, [("PTKV 2 – Chợ Đồn", None, 2025, 640, False), ("PTKV 3 – Bạch Thông", None, 2025, 300, False)]),
    ("zone", "2025", [("PTKV 2 – Chợ Đồn", "Chợ Đồn", 2023, 120, True), ("PTKV 2 – Chợ Đồn", "Chợ Đồn", 2024, 151, True),
                      ("PTKV 2 – Chợ Đồn", None, 2025, 640, False), ("PTKV 3 – Bạch Thông", None, 2025, 300, False)]),
    ("district", None, [(None, "Chợ Đồn", 2023, 120, False), (None, "Chợ Đồn", 2024, 151, False),
                        (None, "Na Rì", 2024, 95, False),
                        ("PTKV 2 – Chợ Đồn", None, 2025, 640, False), ("PTKV 3 – Bạch Thông", None, 2025, 300, False)]),
    ("district", "2025", [("PTKV 2 – Chợ Đồn", "Chợ Đồn", 2023, 120, True), ("PTKV 2 – Chợ Đồn", "Chợ Đồn", 2024, 151, True),
                          ("PTKV 2 – Chợ Đồn", None, 2025, 640, False), (None, "Na Rì", 2024, 95, False),
                          ("PTKV 3 – Bạch Thông", None, 2025, 300, False)]),
    ("district", "legacy", [("PTKV 2 – Chợ Đồn", "Chợ Đồn", 2025, 640, True), (None, "Chợ Đồn", 2023, 120, False),
                            (None, "Chợ Đồn", 2024, 151, False), (None, "Na Rì", 2024, 95, False)]),
])
def test_zones_and_district_continuity(by, era, expected):
    records = [enlisted("c3", district("Chợ Đồn"), 2023, 120), enlisted("c4", district("Chợ Đồn"), 2024, 151),
               enlisted("n4", district("Na Rì"), 2024, 95), enlisted("z2", PTKV2, 2025, 640),
               enlisted("z3", PTKV3, 2025, 300), enlisted("m", commune("Nam Cường"), 2026, 18)]
    result = run(*records, by=by, era=era)
    got = sorted(("" if pd.isna(r.zone) else r.zone, "" if pd.isna(r.district) else r.district, r.year,
                  r.value, bool(r.approximate)) for r in result.cells.itertuples())
    assert got == sorted((z or "", d or "", *rest) for z, d, *rest in expected)
    for row in result.cells[result.cells["approximate"]].itertuples():  # never added to the zone's own figure
        assert row.successor_of == "Chợ Đồn"
    if era == "legacy":
        assert any("bears no legacy district" in n for n in result.notes)  # PTKV 3


def test_zones_do_not_exist_on_the_legacy_map():
    with pytest.raises(ValueError, match="2025 map"):
        run(enlisted("z2", PTKV2, 2025, 640), by="zone", era="legacy")


@pytest.mark.parametrize("records, expected", [
    ([enlisted("m1", commune("Nam Cường"), 2026, 18), enlisted("m2", commune("Nam Cường"), 2026, 18),
      enlisted("m3", commune("Bằng Vân"), 2026, 12)],
     [("Bằng Vân", 2026, 12, 1), ("Nam Cường", 2026, 18, 2)]),
    ([enlisted("m1", commune("Nam Cường"), 2026, 18), enlisted("z", PTKV2, 2025, 640),
      enlisted("t", THAI_NGUYEN_2025, 2026, 2300)],
     [("Nam Cường", 2026, 18, 1)]),  # a commune's figure is not its zone's or province's
])
def test_commune_grouping(records, expected):
    result = run(*records, by="commune")
    got = sorted(zip(result.cells["commune"], result.cells["year"], result.cells["value"], result.cells["n_articles"]))
    assert got == expected
    assert set(result.place_columns()) >= {"province", "commune"}


def test_communes_are_not_regrouped_across_the_reform():
    legacy = Scope(level="commune", province="Bắc Kạn", district="Chợ Đồn", commune="Nam Cường", era="legacy")
    result = run(enlisted("old", legacy, 2024, 9), enlisted("new", commune("Nam Cường"), 2026, 18),
                 by="commune", era="2025")
    assert result.cells["year"].tolist() == [2026]
    assert any("legacy commune" in n for n in result.notes)


# --- what is never added -------------------------------------------------------------------------

def test_parts_and_subsets_are_not_added_on_either_map():
    text = "Tỉnh giao 500 công dân nhập ngũ, trong đó có 40 đảng viên."
    counts = [Count(rule="test", text=t, start=text.index(t), end=text.index(t) + len(t), value=v, unit=u, indicator="enlisted")
              for t, v, u in (("500 công dân", 500, "công dân"), ("40 đảng viên", 40, "đảng viên"))]
    part_of = ArticleRecord(article_id="b", text=text, scope=BAC_KAN, report_year=2024, counts=counts)
    for era in (None, "2025"):
        result = run(part_of, enlisted("t", THAI_NGUYEN, 2024, 800), by="province", era=era)
        values = set(result.cells["value"].dropna())
        assert 540 not in values and 1340 not in values
        assert (1300 in values) == (era == "2025")


def test_count_year_is_used_before_the_report_year():
    rec = article("b", BAC_KAN, 2024, [("450 công dân", 450, "enlisted", {"year": 2023}),
                                       ("500 công dân", 500, "enlisted")])
    result = run(rec, by="province")
    assert sorted(zip(result.cells["year"], result.cells["value"])) == [(2023, 450), (2024, 500)]


# --- confidence ----------------------------------------------------------------------------------

@pytest.mark.parametrize("confidences, threshold, expected_confidence, below", [
    ((0.9, 0.4), 0.5, 0.9, False),  # the cell's is the highest of the counts it uses
    ((0.3, 0.4), 0.5, 0.4, True),
    ((None, None), 0.5, None, None),  # unknown: not marked either way
    ((0.3, None), None, 0.3, None),  # no threshold: nothing marked
])
def test_min_confidence_marks_cells(confidences, threshold, expected_confidence, below):
    records = [enlisted(f"a{i}", district("Chợ Đồn"), 2024, 151, confidence=c) for i, c in enumerate(confidences)]
    result = run(*records, min_confidence=threshold)
    row = only(result, district="Chợ Đồn")
    assert (None if pd.isna(row.confidence) else row.confidence) == expected_confidence
    assert (None if pd.isna(row.below_min_confidence) else bool(row.below_min_confidence)) == below
    assert len(result.cells) == 1  # marked, never dropped
    shown = result.render()
    assert ("151 ?" in shown) == bool(below)
    if threshold is not None:
        assert "Confidence: ? = below" in shown


def test_confidence_of_a_regrouped_sum_is_its_weakest_part():
    records = [enlisted("b", BAC_KAN, 2024, 500, confidence=0.9), enlisted("t", THAI_NGUYEN, 2024, 800, confidence=0.5)]
    row = only(run(*records, by="province", era="2025", min_confidence=0.6), province="Thái Nguyên")
    assert row.confidence == 0.5 and row.below_min_confidence
    records[1].counts[0].confidence = None
    assert pd.isna(only(run(*records, by="province", era="2025"), province="Thái Nguyên").confidence)


# --- on disk, the CLI and the charts -------------------------------------------------------------

CROSSING = [
    enlisted("c3", district("Chợ Đồn"), 2023, 120), enlisted("c4", district("Chợ Đồn"), 2024, 151),
    enlisted("b5", BAC_KAN, 2025, 520, confidence=0.9), enlisted("t5", THAI_NGUYEN, 2025, 810, confidence=0.8),
    enlisted("z2", PTKV2, 2025, 640, confidence=0.4), enlisted("x6", THAI_NGUYEN_2025, 2026, 1390, confidence=0.9),
    enlisted("m6", commune("Nam Cường"), 2026, 18),
]


@pytest.fixture(scope="module")
def crossing_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("reform")
    for fmt in ("parquet", "duckdb"):
        publish.write(CROSSING, root / fmt, fmt)
    return root


def invoke(*args):
    return CliRunner().invoke(cli, ["compare", *map(str, args)], catch_exceptions=False)


@pytest.mark.parametrize("args, words", [
    (["--by", "province", "--era", "2025"], ["Thái Nguyên", "1.330", "tổng đủ các phần", "báo cáo của tỉnh mới",
                                             "On the 2025 map", "[Bắc Kạn] b5"]),
    (["--by", "province", "--era", "legacy"], ["Bắc Kạn", "Not placed on this map"]),
    (["--by", "zone", "--era", "2025"], ["PTKV 2 – Chợ Đồn", "≈ tiếp nối huyện Chợ Đồn"]),
    (["--by", "commune"], ["Nam Cường"]),
    (["--by", "zone", "--min-confidence", "0.5"], ["640 ?", "below 0,5"]),
])
def test_cli_by_era_and_confidence(crossing_dirs, args, words):
    result = invoke(crossing_dirs / "parquet", *args)
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output, result.output


@pytest.mark.parametrize("args", [["--era", "1990"], ["--min-confidence", "2"], ["--by", "hamlet"]])
def test_cli_usage_errors(crossing_dirs, args):
    assert invoke(crossing_dirs / "parquet", *args).exit_code == 2


def test_cli_zone_on_the_legacy_map_is_refused(crossing_dirs):
    result = invoke(crossing_dirs / "parquet", "--by", "zone", "--era", "legacy")
    assert result.exit_code == 1 and "2025 map" in result.output


def test_cli_csv_carries_the_new_columns(crossing_dirs, tmp_path):
    target = tmp_path / "c.csv"
    result = invoke(crossing_dirs / "duckdb", "--by", "province", "--era", "2025", "--format", "csv", "-o", target,
                    "--min-confidence", "0.85")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(target)
    for column in ("era", "regroup", "complete", "parts", "confidence", "below_min_confidence", "zone", "commune"):
        assert column in frame
    row = frame[frame["year"] == 2025].iloc[0]
    assert row["value"] == 1330 and row["regroup"] == "sum" and row["below_min_confidence"]


def test_chart_across_the_reform_marks_the_break(crossing_dirs):
    from qpdp_nlp import plots

    result = compare(crossing_dirs / "parquet", by="province", era="2025")
    cells, measure = plots._cells_of(result, "enlisted", None)
    fig = plots._lines(cells, "province", "t", measure, sorted(cells["year"].unique()))
    ax = fig.axes[0]
    breaks = [line for line in ax.lines if list(line.get_xdata()) == [plots.REFORM_X] * 2]
    assert len(breaks) == 1
    assert any("1/7/2025" in text.get_text() for text in ax.texts)
    assert any("chưa đủ" in text.get_text() for text in ax.texts)  # 2023, 2024: parts missing, no point


@pytest.mark.parametrize("args", [
    ["--by", "province", "--era", "2025", "--indicator", "enlisted"],
    ["--by", "zone", "--era", "2025", "--min-confidence", "0.5"],
    ["--by", "zone", "--year", "2025"],
])
def test_cli_charts_draw(crossing_dirs, tmp_path, args):
    png = tmp_path / "chart.png"
    result = invoke(crossing_dirs / "parquet", *args, "--plot", png)
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_duckdb_views_have_both_maps(crossing_dirs):
    import duckdb

    con = duckdb.connect(str(crossing_dirs / "duckdb" / dataset.DUCKDB_FILE), read_only=True)
    try:
        zones = con.execute("SELECT zone, year, value, max_value FROM indicator_by_zone").fetchall()
        assert zones == [("PTKV 2 – Chợ Đồn", 2025, 640.0, 640.0)]
        communes = con.execute("SELECT commune, year, max_value FROM indicator_by_commune").fetchall()
        assert communes == [("Nam Cường", 2026, 18.0)]
        merged = con.execute("SELECT province, level, year, max_value FROM mentions_by_province_2025 "
                             "WHERE province_2025 = 'Thái Nguyên' AND year = 2025 AND level = 'province' "
                             "ORDER BY province").fetchall()
        assert merged == [("Bắc Kạn", "province", 2025, 520.0), ("Thái Nguyên", "province", 2025, 810.0)]
        columns = {r[0] for r in con.execute("DESCRIBE counts_in_scope").fetchall()}
        assert {"province_2025", "defence_zone", "era", "cell_year", "confidence"} <= columns
    finally:
        con.close()
