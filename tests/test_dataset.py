"""Dataset tables: typed columns declared once, and a lossless round-trip through every layout.

The records are built by hand (the sentences are written for these tests), so the tests do not
depend on how well the extractors do.
"""

from __future__ import annotations

import dataclasses
import json
import os
import warnings

import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qpdp_nlp import dataset, publish
from qpdp_nlp.records import FACT_TYPES, ArticleRecord, Count, Document, Person, Place, Scope, Unit

TEXT_BA_BE = ("Tổng kết công tác quốc phòng địa phương huyện Ba Bể\n\n"
              "Năm 2023, Ban CHQS huyện Ba Bể đã giao hơn 150 công dân nhập ngũ, đạt 100% chỉ tiêu, "
              "với kinh phí gần 2,5 tỷ đồng. Dự có Đại tá Hoàng Văn Minh, Chỉ huy trưởng Bộ CHQS tỉnh "
              "Bắc Kạn, theo Nghị quyết số 28-NQ/TW.")
TEXT_NA_RI = "Huyện Na Rì bồi dưỡng kiến thức quốc phòng và an ninh cho 85 người."


def span(text: str, fragment: str, nth: int = 0) -> dict:
    """``text``/``start``/``end`` of the ``nth`` occurrence of ``fragment``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return {"text": fragment, "start": start, "end": start + len(fragment)}


def rich_record() -> ArticleRecord:
    """One article with every kind of fact and every field filled in somewhere."""
    t = TEXT_BA_BE
    return ArticleRecord(
        article_id="a1b2c3d4e5f60718",
        source="corpus/ba-be-2023.txt",
        title="Tổng kết công tác quốc phòng địa phương huyện Ba Bể",
        published="2023-12-20",
        url="https://babe.backan.gov.vn/tin/123",
        text=t,
        scope=Scope(level="district", province="Bắc Kạn", district="Ba Bể", district_type="huyện",
                    province_code="06", district_code="061", lat=22.4, lon=105.72,
                    province_2025="Thái Nguyên", rule="title"),
        report_year=2023,
        topic="review",
        is_defense=True,
        defense_probability=0.97,
        pipeline_version="0.1.0",
        persons=[Person(**span(t, "Đại tá Hoàng Văn Minh"), rank="Đại tá", name="Hoàng Văn Minh",
                        position="Chỉ huy trưởng Bộ CHQS tỉnh Bắc Kạn",
                        unit="Bộ Chỉ huy Quân sự tỉnh Bắc Kạn", rule="rank_name")],
        units=[Unit(**span(t, "Ban CHQS huyện Ba Bể"), canonical="Ban Chỉ huy Quân sự huyện Ba Bể",
                    type="military_command", level="district", place="Ba Bể", rule="abbrev"),
               Unit(rule="test", **span(t, "Bộ CHQS tỉnh Bắc Kạn"), canonical="Bộ Chỉ huy Quân sự tỉnh Bắc Kạn",
                    type="military_command", level="province", place="Bắc Kạn")],
        counts=[Count(**span(t, "hơn 150 công dân"), value=150, qualifier="more_than", unit="công dân",
                      indicator="enlisted", rule="count"),
                Count(rule="test", **span(t, "100% chỉ tiêu"), value=100, unit="%", indicator="enlistment_target_pct",
                      is_percent=True),
                Count(rule="test", **span(t, "gần 2,5 tỷ đồng"), value=2_500_000_000, qualifier="nearly", unit="đồng",
                      indicator="budget", upper=None, denominator=None)],
        documents=[Document(rule="test", **span(t, "Nghị quyết số 28-NQ/TW"), kind="Nghị quyết", number="28",
                            symbol="NQ/TW", year=None, date=None, issuer=None, term=None, title="",
                            doc_id="nq-28-2013")],
        places=[Place(rule="test", **span(t, "Ba Bể"), name="Ba Bể", type="huyện", province="Bắc Kạn",
                      district="Ba Bể", code="061", province_code="06", district_code="061",
                      province_2025="Thái Nguyên", candidates=["Ba Bể", "Ba Vì"]),
                Place(rule="test", **span(t, "Bắc Kạn"), name="Bắc Kạn", type="tỉnh", province="Bắc Kạn")],
    )


def minimal_record() -> ArticleRecord:
    """Fields mostly empty: nulls must survive as nulls, not as '' or 0 or NaN strings."""
    return ArticleRecord(article_id="ffff000011112222", text=TEXT_NA_RI,
                         counts=[Count(rule="test", **span(TEXT_NA_RI, "85 người"), value=85, unit="người")])


DATASETS = {
    "empty": [],
    "one_row": [minimal_record()],
    "rich": [rich_record(), minimal_record()],
}
ERRORS = [{"source": "broken.html", "code": "E008", "reason": "malformed HTML: no body"},
          {"source": "", "code": "E001", "reason": "empty input (no text after normalisation)"}]


def assert_frames_equal(expected: dict[str, pd.DataFrame], got: dict[str, pd.DataFrame]) -> None:
    assert list(got) == list(expected)
    for name, frame in expected.items():
        pdt.assert_frame_equal(got[name], frame, check_exact=True, obj=name)


# --- declaration -----------------------------------------------------------------------------

def test_table_names_and_schemas_come_from_one_declaration():
    assert dataset.TABLE_NAMES == ("articles", "persons", "units", "counts", "documents", "places", "errors", "texts")
    for name in dataset.TABLE_NAMES:
        assert dataset.SCHEMAS[name].names == [c.name for c in dataset.TABLES[name]]
        assert list(dataset.pandas_dtypes(name)) == dataset.SCHEMAS[name].names


@pytest.mark.parametrize("kind", sorted(FACT_TYPES))
def test_every_fact_field_has_a_column(kind):
    """A field added to a record must get a column, or the dataset silently drops it."""
    fields = {dataset.RENAMED.get(f.name, f.name) for f in dataclasses.fields(FACT_TYPES[kind])}
    assert fields <= set(dataset.SCHEMAS[kind].names)
    assert {"article_id", "fact_index", "start_char", "end_char"} <= set(dataset.SCHEMAS[kind].names)


def test_every_article_and_scope_field_has_a_column():
    columns = set(dataset.SCHEMAS["articles"].names)
    scope = {f.name for f in dataclasses.fields(Scope)} - {"rule", "confidence"}
    article = {f.name for f in dataclasses.fields(ArticleRecord)} - set(FACT_TYPES) - {"scope", "text", "original_text"}
    assert scope | article | {"scope_rule", "scope_confidence", "n_chars"} <= columns


# The schema is a contract with readers of the dataset: a change must be deliberate, here too.
PINNED_SCHEMA = {
    "articles": "article_id:s source:s title:s url:s published:s published_raw:s site:s level:c province:s district:s district_type:c "
                "commune:s province_code:s district_code:s commune_code:s lat:f lon:f province_2025:s "
                "province_2025_code:s commune_code_2025:s defence_zone:s defence_zone_number:i successor_of:s "
                "successor_of_code:s era:s era_evidence:s scope_confidence:f scope_rule:s report_year:i "
                "report_year_rule:s report_year_confidence:f topic:c subtopic:s is_defense:b "
                "defense_probability:f duplicate_of:s pipeline_version:s n_chars:i",
    "persons": "article_id:s fact_index:i text:s start_char:i end_char:i rule:s rank:s name:s position:s unit:s",
    "units": "article_id:s fact_index:i text:s start_char:i end_char:i rule:s canonical:s type:c level:c place:s parent:s",
    "counts": "article_id:s fact_index:i text:s start_char:i end_char:i rule:s value:f qualifier:c unit:s indicator:c "
              "is_percent:b upper:f denominator:f year:i indicator_rule:s indicator_confidence:f confidence:f "
              "part_of_total:b measure:s",
    "documents": "article_id:s fact_index:i text:s start_char:i end_char:i rule:s kind:c number:s symbol:s year:i date:s issuer:s "
                 "term:s title:s doc_id:s",
    "places": "article_id:s fact_index:i text:s start_char:i end_char:i rule:s name:s type:c province:s district:s code:s "
              "province_code:s district_code:s province_2025:s era:s code_2025:s candidates:s",
    "errors": "source:s code:s reason:s",
    "texts": "article_id:s text:s",
}
_ARROW_LETTER = {pa.string(): "s", pa.int64(): "i", pa.float64(): "f", pa.bool_(): "b",
                 pa.dictionary(pa.int32(), pa.string()): "c"}


@pytest.mark.parametrize("name", dataset.TABLE_NAMES)
def test_schema_is_stable(name):
    got = " ".join(f"{f.name}:{_ARROW_LETTER[f.type]}" for f in dataset.SCHEMAS[name])
    assert got == PINNED_SCHEMA[name]


# --- rows ------------------------------------------------------------------------------------

def test_record_rows_one_row_per_fact_with_article_id_and_offsets():
    rec = rich_record()
    rows = dataset.record_rows(rec)
    assert set(rows) == set(dataset.TABLE_NAMES) - {"errors"}
    assert len(rows["articles"]) == 1
    art = rows["articles"][0]
    assert (art["province"], art["district"], art["level"], art["lat"]) == ("Bắc Kạn", "Ba Bể", "district", 22.4)
    assert art["n_chars"] == len(rec.text) and art["scope_rule"] == "title"
    for kind in dataset.FACT_TABLES:
        assert len(rows[kind]) == len(getattr(rec, kind))
        for i, row in enumerate(rows[kind]):
            assert row["article_id"] == rec.article_id and row["fact_index"] == i
            assert rec.text[row["start_char"]:row["end_char"]] == row["text"]
    assert rows["places"][0]["candidates"] == "Ba Bể|Ba Vì"
    assert rows["places"][1]["candidates"] is None


def test_record_rows_accepts_plain_dicts():
    rec = rich_record()
    assert dataset.record_rows(rec.to_dict()) == dataset.record_rows(rec)


@pytest.mark.parametrize("error, expected", [
    ({"source": "a.txt", "code": "E001", "reason": "empty"}, ("a.txt", "E001", "empty")),
    (type("Err", (), {"source": "b.warc", "code": "E008", "reason": "bad record"})(), ("b.warc", "E008", "bad record")),
])
def test_errors_from_dicts_and_objects(error, expected):
    table = dataset.to_arrow([], [error])["errors"]
    assert tuple(table.to_pylist()[0].values()) == expected


def test_input_error_becomes_an_errors_row():
    from qpdp_nlp.errors import InputError

    err = InputError("x.bin", "E002", detail="contains NUL bytes")
    frame = dataset.to_frames([], [err])["errors"]
    assert frame.iloc[0].tolist() == ["x.bin", "E002", err.reason]


def _counts(text: str, *specs) -> list[Count]:
    """Counts of ``text`` from (fragment, value, indicator[, is_percent]) specs, in order."""
    out, at = [], 0
    for fragment, value, indicator, *percent in specs:
        start = text.index(fragment, at)
        at = start + len(fragment)
        out.append(Count(rule="test", text=fragment, start=start, end=at, value=value, indicator=indicator,
                         is_percent=bool(percent and percent[0])))
    return out


# Sentences written for these tests, in the way district reports break a total down.
PART_CASES = [
    ("Huyện giao 142 công dân nhập ngũ, trong đó có 21 đảng viên.",
     [("142 công dân", 142, "enlisted"), ("21 đảng viên", 21, "enlisted")], [False, True]),
    ("Huyện giao 338 tân binh. Trong số đó có 22 tân binh là đảng viên.",
     [("338 tân binh", 338, "enlisted"), ("22 tân binh", 22, "enlisted")], [False, True]),
    ("Huấn luyện cho hơn 1.260 đồng chí, trong đó dân quân biển 85 đồng chí.",
     [("1.260 đồng chí", 1260, "militia"), ("85 đồng chí", 85, "militia")], [False, True]),
    ("Giao 150 công dân, đạt 100% chỉ tiêu, trong đó có 12 đảng viên.",
     [("150 công dân", 150, "enlisted"), ("100%", 100, "enlisted", True), ("12 đảng viên", 12, "enlisted")],
     [False, False, True]),
    ("Bồi dưỡng cho 120 cán bộ đối tượng 3 và 66 người có uy tín.",
     [("120 cán bộ", 120, "qpan_training"), ("66 người", 66, "qpan_training")], [False, False]),
    ("Giao 21 công dân, trong đó có 142 đảng viên.",  # a part is smaller than its total
     [("21 công dân", 21, "enlisted"), ("142 đảng viên", 142, "enlisted")], [False, False]),
    ("Giao 150 công dân nhập ngũ, trong đó 4 xã đạt chỉ tiêu sớm.",  # another indicator
     [("150 công dân", 150, "enlisted"), ("4 xã", 4, "exercises")], [False, False]),
    ("Huyện có 500 dân quân, trong đó nhiều đồng chí trẻ. Năm nay huấn luyện 300 dân quân.",
     [("500 dân quân", 500, "militia"), ("300 dân quân", 300, "militia")], [False, False]),
]


@pytest.mark.parametrize("text, specs, expected", PART_CASES, ids=[c[0][:40] for c in PART_CASES])
def test_part_of_total(text, specs, expected):
    counts = _counts(text, *specs)
    assert dataset.part_of_total(text, counts) == expected
    rec = ArticleRecord(article_id="p1", text=text, counts=counts)
    assert dataset.to_frames([rec])["counts"]["part_of_total"].tolist() == expected


def test_part_of_total_is_unknown_without_the_text():
    counts = _counts("Giao 142 công dân, trong đó 21 đảng viên.", ("142 công dân", 142, "enlisted"),
                     ("21 đảng viên", 21, "enlisted"))
    assert dataset.part_of_total("", counts) == [None, None]


# --- types -----------------------------------------------------------------------------------

@pytest.mark.parametrize("case", DATASETS)
def test_frames_have_the_declared_dtypes(case):
    frames = dataset.to_frames(DATASETS[case], ERRORS)
    for name, frame in frames.items():
        assert frame.dtypes.to_dict() == dataset.pandas_dtypes(name), name


def test_nulls_stay_null_and_values_keep_their_type():
    frames = dataset.to_frames(DATASETS["rich"])
    counts = frames["counts"]
    assert counts["value"].tolist() == [150.0, 100.0, 2_500_000_000.0, 85.0]
    assert counts["qualifier"].isna().tolist() == [False, True, False, True]
    assert counts["is_percent"].tolist() == [False, True, False, False]
    articles = frames["articles"]
    assert articles["report_year"].tolist()[0] == 2023 and articles["report_year"].isna().tolist()[1]
    assert articles["is_defense"].isna().tolist() == [False, True]
    docs = frames["documents"]
    assert docs["title"].tolist() == [""]  # an empty string is not a missing value
    assert docs["year"].isna().all()


def test_value_outside_a_closed_set_is_kept_with_a_warning():
    rec = minimal_record()
    rec.counts[0].indicator = "drones"
    with pytest.warns(UserWarning, match="drones"):
        frame = dataset.to_frames([rec])["counts"]
    assert frame["indicator"].tolist() == ["drones"]
    assert list(frame["indicator"].cat.categories[-1:]) == ["drones"]


# --- round trips -----------------------------------------------------------------------------

def _writer(fmt: str):
    """dataset.write for the layouts of the base tables; publish.write for sqlite (read here all the same)."""
    return dataset.write if fmt in dataset.FORMATS else publish.write


@pytest.mark.parametrize("fmt", dataset.READ_FORMATS)
@pytest.mark.parametrize("case", DATASETS)
def test_round_trip_every_table_every_format(tmp_path, fmt, case):
    records = DATASETS[case]
    expected = dataset.to_frames(records, ERRORS)
    written = _writer(fmt)(records, tmp_path, fmt, errors=ERRORS)
    assert all(p.exists() for p in written)
    assert dataset.detect_layout(tmp_path) == fmt
    got = dataset.read(tmp_path)
    assert_frames_equal(expected, got)
    for name, frame in got.items():
        assert frame.dtypes.to_dict() == dataset.pandas_dtypes(name)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")], "temporary file left behind"


@pytest.mark.parametrize("fmt", ["parquet", "csv", "duckdb"])
def test_tables_and_frames_are_accepted_as_input(tmp_path, fmt):
    records = DATASETS["rich"]
    expected = dataset.to_frames(records, ERRORS)
    dataset.write(dataset.to_arrow(records, ERRORS), tmp_path / "from_arrow", fmt)
    dataset.write(expected, tmp_path / "from_frames", fmt)
    assert_frames_equal(expected, dataset.read(tmp_path / "from_arrow"))
    assert_frames_equal(expected, dataset.read(tmp_path / "from_frames"))


@pytest.mark.parametrize("case", ["empty", "one_row"])
def test_parquet_files_carry_the_explicit_schema(tmp_path, case):
    paths = dataset.write_part(dataset.to_arrow(DATASETS[case]), tmp_path, "part-1")
    assert len(paths) == len(dataset.TABLE_NAMES)
    for path in paths:
        table = path.parent.name
        assert path == tmp_path / table / "part-1.parquet"
        assert pq.read_schema(path).remove_metadata() == dataset.SCHEMAS[table]


def test_parts_add_up_and_a_rewritten_part_replaces_itself(tmp_path):
    one, two = DATASETS["rich"]
    dataset.write_part(dataset.to_arrow([one]), tmp_path, "part-00001")
    dataset.write_part(dataset.to_arrow([two], ERRORS), tmp_path, "part-00002")
    dataset.write_part(dataset.to_arrow([two], ERRORS), tmp_path, "part-00002")  # a rerun after a crash
    (tmp_path / "counts" / ".part-00003.parquet.abc.tmp").write_bytes(b"half a file")  # killed mid-write
    frames = dataset.read(tmp_path)
    assert sorted(frames["articles"]["article_id"]) == sorted([one.article_id, two.article_id])
    assert len(frames["counts"]) == len(one.counts) + len(two.counts)
    assert len(frames["errors"]) == len(ERRORS)


def test_write_part_fills_missing_tables_with_empty_parts(tmp_path):
    only_errors = {"errors": dataset.to_arrow([], ERRORS)["errors"]}
    dataset.write_part(only_errors, tmp_path, "errors-1")
    frames = dataset.read(tmp_path)
    assert len(frames["errors"]) == 2 and frames["articles"].empty
    assert frames["articles"].dtypes.to_dict() == dataset.pandas_dtypes("articles")


@pytest.mark.parametrize("bad", ["", ".hidden", "a/b", "../up"])
def test_part_names_are_checked(tmp_path, bad):
    with pytest.raises(ValueError):
        dataset.write_part({}, tmp_path, bad)


def test_build_duckdb_from_parts_with_views(tmp_path):
    import duckdb

    one, two = DATASETS["rich"]
    dataset.write_part(dataset.to_arrow([one]), tmp_path, "p1")
    dataset.write_part(dataset.to_arrow([two]), tmp_path, "p2")
    path = publish.build_duckdb(tmp_path)
    assert path == tmp_path / "qpdp.duckdb"
    expected = dataset.to_frames([one, two])
    got = dataset.read(path)
    for name in dataset.TABLE_NAMES:
        key = ["article_id"] + (["fact_index"] if name in dataset.FACT_TABLES else [])
        pdt.assert_frame_equal(got[name].sort_values(key).reset_index(drop=True) if name != "errors" else got[name],
                               expected[name].sort_values(key).reset_index(drop=True) if name != "errors"
                               else expected[name], obj=name)
    con = duckdb.connect(str(path), read_only=True)
    try:
        views = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'").fetchall()}
        assert set(publish.VIEWS) <= views
        rows = con.execute("SELECT province, district, year, indicator, measure, n_articles, value "
                           "FROM indicator_by_district WHERE indicator = 'enlisted'").fetchall()
        assert rows == [("Bắc Kạn", "Ba Bể", 2023, "enlisted", "người", 1, 150.0)]
    finally:
        con.close()
    publish.build_duckdb(tmp_path)  # rebuilding replaces the file
    assert not (tmp_path / "qpdp.duckdb.wal").exists()


def test_csv_is_readable_by_a_person(tmp_path):
    dataset.write(DATASETS["rich"], tmp_path, "csv")
    header, first = (tmp_path / "counts.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.startswith('"article_id","fact_index","text","start_char","end_char"')
    assert '"hơn 150 công dân"' in first and '"enlisted"' in first


def test_jsonl_keeps_the_whole_records(tmp_path):
    dataset.write(DATASETS["rich"], tmp_path, "jsonl")
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert [ArticleRecord.from_dict(json.loads(line)) for line in lines] == DATASETS["rich"]


def test_jsonl_of_qpdp_extract_without_text_is_readable(tmp_path):
    target = tmp_path / "facts.jsonl"
    target.write_text(json.dumps(rich_record().to_dict(with_text=False), ensure_ascii=False) + "\n",
                      encoding="utf-8")
    frames = dataset.read(target)
    assert frames["counts"]["text"].tolist()[0] == "hơn 150 công dân"
    assert frames["articles"]["n_chars"].isna().all()


def test_jsonl_needs_records(tmp_path):
    with pytest.raises(ValueError, match="records"):
        dataset.write(dataset.to_arrow([]), tmp_path, "jsonl")


@pytest.mark.parametrize("fmt", ["xlsx", ""])
def test_unknown_format_is_refused(tmp_path, fmt):
    with pytest.raises(ValueError, match="parquet"):
        dataset.write([], tmp_path, fmt)


def test_reading_a_folder_without_a_dataset_says_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="qpdp extract --out"):
        dataset.read(tmp_path)


def test_read_only_some_tables(tmp_path):
    dataset.write(DATASETS["rich"], tmp_path, "parquet")
    assert list(dataset.read(tmp_path, tables=["counts", "articles"])) == ["counts", "articles"]
    with pytest.raises(ValueError, match="unknown tables"):
        dataset.read(tmp_path, tables=["people"])


def test_older_parts_without_a_new_column_still_read(tmp_path):
    table = dataset.to_arrow(DATASETS["rich"])["counts"].drop_columns(["denominator"])
    (tmp_path / "counts").mkdir()
    pq.write_table(table, tmp_path / "counts" / "old.parquet")
    (tmp_path / "articles").mkdir()
    frame = dataset.read(tmp_path)["counts"]
    assert frame["denominator"].isna().all() and len(frame) == 4
    assert frame.dtypes.to_dict() == dataset.pandas_dtypes("counts")


def test_write_part_accepts_a_table_from_an_older_part(tmp_path):
    """A batch that rewrites a part written before a column existed (compaction) must not fail."""
    old = dataset.to_arrow(DATASETS["rich"])["counts"].drop_columns(["part_of_total", "denominator"])
    dataset.write_part({"counts": old}, tmp_path, "part-1")
    frame = dataset.read(tmp_path)["counts"]
    assert len(frame) == 4 and frame["part_of_total"].isna().all()
    assert pq.read_schema(tmp_path / "counts" / "part-1.parquet").remove_metadata() == dataset.SCHEMAS["counts"]


def test_written_files_follow_the_umask(tmp_path):
    paths = dataset.write(DATASETS["one_row"], tmp_path, "csv")
    mask = os.umask(0)
    os.umask(mask)
    assert paths[0].stat().st_mode & 0o777 == 0o666 & ~mask


def test_no_warnings_on_the_happy_path(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fmt in dataset.READ_FORMATS:
            _writer(fmt)(DATASETS["rich"], tmp_path / fmt, fmt, errors=ERRORS)
            dataset.read(tmp_path / fmt)
