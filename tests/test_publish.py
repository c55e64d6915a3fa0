"""Published outputs (issue 18): the comparison table in every layout, SQLite for datasette, the
Frictionless data package, GeoJSON, the terminal view and its filters — on written records, on
the project's sample articles and on a few thousand generated ones."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner
from tests.synthetic_dataset import generated_records

from qpdp_nlp import dataset, publish
from qpdp_nlp.cli import cli
from qpdp_nlp.compare import compare, comparison_table, records_frames
from qpdp_nlp.records import ArticleRecord, Count, Scope

ROOT = Path(__file__).resolve().parents[1]
CHO_DON = Scope(level="district", province="Bắc Kạn", district="Chợ Đồn", district_code="064",
                province_code="06", province_2025="Thái Nguyên", lat=22.18, lon=105.58)
TEXT = ("Năm 2023, huyện mở 02 lớp bồi dưỡng kiến thức quốc phòng và an ninh cho 186 học viên; "
        "giao 142 công dân nhập ngũ, đạt 100% chỉ tiêu.")


def _span(text: str, fragment: str) -> dict:
    start = text.index(fragment)
    return {"text": fragment, "start": start, "end": start + len(fragment)}


def mixed_record(article_id: str = "m1", url: str = "https://www.backan.gov.vn/a/1") -> ArticleRecord:
    """Classes and trainees of one training, people and a percentage of one intake, one district-year."""
    return ArticleRecord(article_id=article_id, text=TEXT, scope=CHO_DON, report_year=2023, is_defense=True,
                         url=url, title="Chợ Đồn tổng kết", counts=[
                             Count(rule="test", **_span(TEXT, "02 lớp"), value=2, unit="lớp", indicator="qpan_training"),
                             Count(rule="test", **_span(TEXT, "186 học viên"), value=186, unit="học viên",
                                   indicator="qpan_training"),
                             Count(rule="test", **_span(TEXT, "142 công dân"), value=142, unit="công dân", indicator="enlisted"),
                             Count(rule="test", **_span(TEXT, "100%"), value=100, unit="%", is_percent=True,
                                   indicator="enlisted")])


@pytest.fixture(scope="module")
def mixed_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    records = [mixed_record(), mixed_record("m2", "https://qdnd.vn/b/2")]
    for fmt in ("parquet", "csv", "duckdb", "sqlite"):
        publish.write(records, root / fmt, fmt)
    return root


# --- measures never mix ----------------------------------------------------------------------

def test_classes_and_trainees_are_two_rows_never_one(mixed_dirs):
    table = comparison_table(records_frames([mixed_record()]))
    got = {(r.indicator, r.measure): r.value for r in table.itertuples()}
    assert got == {("qpan_training", "lớp"): 2.0, ("qpan_training", "người"): 186.0,
                   ("enlisted", "người"): 142.0, ("enlisted", "%"): 100.0}
    assert table["comparison_id"].is_unique


def _no_row_mixes(rows: list[tuple]) -> None:
    """rows: (place, year, indicator, measure, min, max); one measure per row, and 2 ≠ 186 stay apart."""
    keys = [r[:4] for r in rows]
    assert len(keys) == len(set(keys))
    for *_, low, high in rows:
        assert not (low == 2 and high == 186)


@pytest.mark.parametrize("fmt", ["duckdb", "sqlite"])
def test_no_view_mixes_measures(mixed_dirs, fmt):
    path = mixed_dirs / fmt / (dataset.DUCKDB_FILE if fmt == "duckdb" else dataset.SQLITE_FILE)
    con = duckdb.connect(str(path), read_only=True) if fmt == "duckdb" else sqlite3.connect(path)
    try:
        for view in ("indicator_by_district", "mentions_by_district", "mentions_by_province_2025"):
            place = "district" if view != "mentions_by_province_2025" else "province_2025"
            rows = con.execute(f"SELECT {place}, year, indicator, measure, min_value, max_value FROM {view}"
                               + (" WHERE level = 'district'" if "province_2025" in view else "")).fetchall()
            assert rows, view
            _no_row_mixes(rows)
        values = dict(((r[0], r[1]), r[2]) for r in con.execute(
            "SELECT indicator, measure, value FROM indicator_by_district").fetchall())
        assert values[("qpan_training", "lớp")] == 2 and values[("qpan_training", "người")] == 186
        assert values[("enlisted", "người")] == 142 and values[("enlisted", "%")] == 100
    finally:
        con.close()


def test_wide_is_numeric_and_split_by_measure():
    wide = compare(records_frames([mixed_record()])).wide()
    assert list(wide.columns.names) == ["indicator", "measure", "year"]
    assert wide[("qpan_training", "lớp", 2023)].iloc[0] == 2
    assert wide[("qpan_training", "người", 2023)].iloc[0] == 186
    assert all(pd.api.types.is_float_dtype(dtype) for dtype in wide.dtypes)


# --- the comparison table --------------------------------------------------------------------

def test_conflict_summary_codes_and_sources():
    records = [mixed_record("a"), mixed_record("b", "https://qdnd.vn/x"), mixed_record("c", "https://qdnd.vn/y")]
    records[2].counts[2].value = 150.0  # a third article disagrees on the intake
    row = comparison_table(records_frames(records)).set_index(["indicator", "measure"]).loc[("enlisted", "người")]
    assert pd.isna(row["value"]) and row["conflict"]
    assert (row["n_values"], row["min_value"], row["max_value"]) == (2, 142, 150)
    assert row["median_value"] == 142 and row["mode_value"] == 142  # two articles say 142
    assert row["n_articles"] == 3 and row["n_sources"] == 2  # backan.gov.vn, qdnd.vn
    assert row["outlets"] == "backan.gov.vn | qdnd.vn"
    assert row["urls"].split(" | ") == ["https://www.backan.gov.vn/a/1", "https://qdnd.vn/x", "https://qdnd.vn/y"]
    assert (row["province_code"], row["district_code"], row["province_2025"]) == ("06", "064", "Thái Nguyên")
    assert row["geo_precision"] == "district" and "142 (a, b) ≠ 150 (c)" in row["conflict_values"]


def test_csv_keeps_codes_with_the_datapackage(mixed_dirs):
    folder = mixed_dirs / "csv"
    package = json.loads((folder / publish.DATAPACKAGE_FILE).read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(dataset.ALL_TABLES)
    for resource in resources.values():
        assert (folder / resource["path"]).is_file()
        header = (folder / resource["path"]).read_text(encoding="utf-8").splitlines()[0]
        assert [f["name"] for f in resource["schema"]["fields"]] == [h.strip('"') for h in header.split(",")]
    fields = {f["name"]: f for f in resources["comparison"]["schema"]["fields"]}
    assert fields["district_code"]["type"] == "string" and fields["value"]["type"] == "number"
    assert resources["counts"]["schema"]["primaryKey"] == ["article_id", "fact_index"]
    dtypes = {f["name"]: "string" for f in fields.values() if f["type"] == "string"}
    frame = pd.read_csv(folder / "comparison.csv", dtype=dtypes)
    assert set(frame["district_code"]) == {"064"} and set(frame["province_code"]) == {"06"}
    assert publish.read(folder, tables=["comparison"])["comparison"]["district_code"].tolist()[0] == "064"


def test_comparison_csv_neutralises_formulas():
    record = mixed_record(url="=HYPERLINK(\"http://evil\")")
    out = compare(records_frames([record])).render("csv")
    assert '"\'=HYPERLINK(' in out and ',"=HYPERLINK' not in out


def test_sqlite_has_keys_full_text_and_every_view(mixed_dirs):
    con = sqlite3.connect(mixed_dirs / "sqlite" / dataset.SQLITE_FILE)
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        pk = [r[1] for r in con.execute("PRAGMA table_info(counts)") if r[5]]
        assert pk == ["article_id", "fact_index"]
        assert con.execute("PRAGMA foreign_key_list(counts)").fetchall()[0][2] == "articles"
        hits = con.execute("SELECT rowid FROM texts_fts WHERE texts_fts MATCH 'nhap ngu'").fetchall()
        assert len(hits) == 2  # diacritics folded
        views = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert views == set(publish.VIEWS)
        for view in views:
            con.execute(f"SELECT * FROM {view}").fetchall()
    finally:
        con.close()
    meta = json.loads((mixed_dirs / "sqlite" / publish.METADATA_FILE).read_text(encoding="utf-8"))
    tables = meta["databases"]["qpdp"]["tables"]
    assert tables["comparison"]["facets"][:2] == ["indicator", "measure"]
    assert "description_html" not in json.dumps(meta)
    assert tables["counts"]["columns"]["start_char"]


@pytest.mark.parametrize("name", sorted(dataset.ALL_TABLES))
def test_no_column_needs_quoting_in_sql(name):
    columns = ", ".join(f"{c.name} TEXT" for c in dataset.ALL_TABLES[name])
    select = ", ".join(c.name for c in dataset.ALL_TABLES[name])
    for con in (sqlite3.connect(":memory:"), duckdb.connect()):
        con.execute(f"CREATE TABLE t ({columns})")
        con.execute(f"SELECT {select} FROM t").fetchall()
        con.close()


def test_older_datasets_with_index_start_end_still_read(tmp_path):
    import pyarrow.parquet as pq

    dataset.write([mixed_record()], tmp_path, "parquet")
    part = tmp_path / "counts" / "part-00000.parquet"
    table = pq.read_table(part)
    pq.write_table(table.rename_columns([{v: k for k, v in dataset.RENAMED.items()}.get(n, n)
                                         for n in table.column_names]), part)
    assert "index" in pq.read_schema(part).names
    counts = dataset.read(tmp_path, tables=["counts"])["counts"]
    assert counts["fact_index"].tolist() == [0, 1, 2, 3] and counts["start_char"].notna().all()
    assert len(compare(tmp_path).cells) == 4


def test_geojson_points_with_properties(tmp_path):
    table = comparison_table(records_frames([mixed_record()]))
    data = publish.geojson(table)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 4
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [105.58, 22.18]}
    assert feature["properties"]["district_code"] == "064" and isinstance(feature["properties"]["value"], float)
    json.dumps(data, allow_nan=False)


# --- the terminal view and its filters --------------------------------------------------------

def invoke(*args):
    return CliRunner().invoke(cli, [*map(str, args)], catch_exceptions=False)


@pytest.mark.parametrize("name", ["Bắc Kạn", "bac kan", "BẮC KẠN", "tỉnh Bắc Kạn"])
def test_province_filter_ignores_diacritics_and_case(mixed_dirs, name):
    result = invoke("compare", mixed_dirs / "parquet", "--province", name, "--no-provenance")
    assert result.exit_code == 0 and "Chợ Đồn" in result.output and "Provenance" not in result.output


@pytest.mark.parametrize("option, name, suggestion", [
    ("--province", "Bac Kann", "Bắc Kạn"), ("--district", "Cho Donn", "Chợ Đồn")])
def test_a_filter_that_matches_nothing_says_so_and_suggests(mixed_dirs, option, name, suggestion):
    result = invoke("compare", mixed_dirs / "parquet", option, name)
    assert result.exit_code == 1
    assert "matches" in result.output and f"did you mean: {suggestion}" in result.output


def test_limit_and_summary_line(mixed_dirs):
    result = invoke("compare", mixed_dirs / "parquet", "--limit", 1)
    lines = result.output.splitlines()
    assert lines[0].startswith("4 cells · 0 conflicts")
    assert "… 3 more rows" in result.output


def test_export_and_geojson_commands(mixed_dirs, tmp_path):
    result = invoke("export", mixed_dirs / "parquet", tmp_path / "share", "--format", "sqlite")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "share" / dataset.SQLITE_FILE).is_file()
    assert len(publish.read(tmp_path / "share", tables=["comparison"])["comparison"]) == 4
    result = invoke("compare", mixed_dirs / "sqlite", "--format", "csv", "-o", tmp_path / "c.csv",
                    "--geojson", tmp_path / "c.geojson")
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "c.geojson").read_text(encoding="utf-8"))["features"]) == 4


# --- datasette --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_datasette_serves_tables_facets_and_search(tmp_path):
    pytest.importorskip("datasette", reason="datasette is not installed (pip install -e '.[test]')")
    records = [mixed_record(), mixed_record("x", "javascript:alert(1)")]
    records[1].title = "<script>document.title='PWNED'</script>"
    publish.write(records, tmp_path, "sqlite")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(tmp_path / dataset.SQLITE_FILE),
                               "-m", str(tmp_path / publish.METADATA_FILE), "-h", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/qpdp"
        for _ in range(100):
            try:
                _get(f"http://127.0.0.1:{port}/-/versions.json")
                break
            except OSError:
                time.sleep(0.2)
        page = _get(f"{base}/articles").decode("utf-8")
        assert "Chợ Đồn tổng kết" in page
        assert "<script>document.title" not in page and "&lt;script&gt;document.title" in page
        facets = json.loads(_get(f"{base}/comparison.json?_facet=measure&_shape=objects"))
        values = {f["value"] for f in facets["facet_results"]["measure"]["results"]}
        assert values == {"người", "lớp", "%"}
        found = json.loads(_get(f"{base}/texts.json?_search=nhap%20ngu&_shape=objects"))
        assert len(found["rows"]) == 2
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- the demo (sample articles) and a few thousand generated articles ---------------------------

@pytest.fixture(scope="module")
def samples_dataset(tmp_path_factory):
    import qpdp_nlp
    from qpdp_nlp.errors import InputError
    from qpdp_nlp.ingest.sources import read_paths

    folder = tmp_path_factory.mktemp("samples")
    articles = [a for a in read_paths([str(ROOT / "corpora" / "samples")]) if not isinstance(a, InputError)]
    records = list(qpdp_nlp.extract_many(articles))
    dataset.write(records, folder / "parquet", "parquet")
    return folder


def _every_output(source: Path, out: Path) -> None:
    """Every published output of a dataset, checked for what must hold on any data."""
    from qpdp_nlp.plots import plot_map
    from qpdp_nlp.report import write_report

    for fmt in ("csv", "duckdb", "sqlite"):
        publish.export(source, out / fmt, fmt)
    table = publish.read(out / "sqlite", tables=["comparison"])["comparison"]
    assert len(table) and table["comparison_id"].is_unique
    keys = table[["era", "level", "province", "district", "zone", "commune", "year", "indicator"]].astype("string")
    measures = table.assign(k=keys.fillna("").agg("|".join, axis=1)).groupby("k")["measure"]
    assert (measures.nunique() == measures.size()).all()  # a place-year-indicator: one row per measure
    assert (table.loc[table["conflict"], "value"].isna()).all()
    csv = pd.read_csv(out / "csv" / "comparison.csv", dtype=str)
    assert len(csv) == len(table)
    geo = publish.geojson(table)
    assert len(geo["features"]) == int(table["lat"].notna().sum())
    result = compare(source)
    plot_map(result, out / "map.png")
    assert (out / "map.png").read_bytes()[:4] == b"\x89PNG"
    page = write_report(source, out / "report.html").read_text(encoding="utf-8")
    assert page.count("<script>") == 1 and 'id="comparison"' in page


@pytest.mark.slow
def test_every_output_on_the_sample_articles(samples_dataset, tmp_path):
    _every_output(samples_dataset / "parquet", tmp_path)


@pytest.mark.slow
def test_every_output_on_three_thousand_generated_articles(tmp_path):
    records = generated_records(3000)
    dataset.write(records, tmp_path / "parquet", "parquet")
    _every_output(tmp_path / "parquet", tmp_path)
    summary = compare(tmp_path / "parquet").render("table", limit=20, width=120)
    assert max(len(line) for line in summary.splitlines()) <= 200
    assert "more rows" in summary


def test_cli_is_documented():
    for command in ("export", "report"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output



def test_codebook_describes_every_table_column_and_indicator():
    from qpdp_nlp.records import INDICATORS

    text = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    for name, columns in dataset.ALL_TABLES.items():
        section = text.split(f"### `{name}`", 1)[1].split("###", 1)[0]
        for column in columns:
            assert f"| `{column.name}` |" in section, (name, column.name)
            assert publish.describe(name, column.name), (name, column.name)
    for key in INDICATORS:
        assert f"| `{key}` |" in text
    for view in publish.VIEWS:
        assert f"`{view}`" in text
