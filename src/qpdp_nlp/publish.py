"""What an analyst publishes: the dataset with its ``comparison`` table, in the layouts that carry
it — CSV with a Frictionless data package, DuckDB, SQLite for datasette — and GeoJSON.

The layers: :mod:`qpdp_nlp.dataset` (the base tables and their plain readers and writers) →
:mod:`qpdp_nlp.compare` (the comparison) → this module, which imports both.

- :func:`write` — a dataset (records or tables) in one layout of :data:`FORMATS`, with the
  ``comparison`` table where the layout carries it: ``csv`` (``OUT/<table>.csv``,
  ``comparison.csv``, ``datapackage.json``), ``duckdb`` (``OUT/qpdp.duckdb``: the tables, the
  comparison, the views of :data:`VIEWS`), ``sqlite`` (below); ``parquet`` and ``jsonl`` are the
  base tables as :func:`qpdp_nlp.dataset.write` writes them. :func:`export` rewrites any dataset
  (``qpdp export``); :func:`build_duckdb` / :func:`build_sqlite` build the files from the Parquet
  parts of a batch output (``qpdp extract --out DIR --format duckdb``); :func:`read` reads the
  base tables and the comparison (the stored one, else computed).
- :data:`VIEWS` — the views of the DuckDB and SQLite files: those of the base tables
  (:data:`qpdp_nlp.dataset.VIEWS`) and the ``indicator_by_*`` views on the comparison
  (:data:`COMPARISON_VIEWS`).
- :func:`write_sqlite` — ``qpdp.sqlite``: every table of :data:`qpdp_nlp.dataset.ALL_TABLES` with
  its primary key (``article_id``; ``article_id, fact_index`` for the facts; ``comparison_id``) and
  foreign keys to ``articles``, full-text search (FTS5, diacritics folded) over the texts and the
  titles, the views of :data:`VIEWS`, and ``metadata.json`` beside it, so that
  ``datasette qpdp.sqlite -m metadata.json`` shows labelled, faceted, searchable tables.
- :func:`datapackage` — ``datapackage.json`` beside the CSV files: the type of every column, the
  keys, and codes as strings, so "064" stays "064" in any Frictionless reader.
- :func:`geojson` — the comparison as GeoJSON points (its lat/lon, with ``geo_precision`` saying
  whether they locate a commune, a district or a province).

The descriptions of the columns come from one table, ``data/columns.tsv`` (:func:`column_notes`),
which docs/codebook.md follows too. Nothing from the data is written as HTML: the metadata has
plain ``description`` strings only (datasette escapes them), and every value is data to datasette.

>>> column_notes()[("comparison", "lat")]
('degree', 'Latitude of the place.')
>>> primary_key("counts"), foreign_keys("counts"), primary_key("errors")
(['article_id', 'fact_index'], ['article_id'], [])
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from . import dataset
from .atomic import atomic_open, atomic_path
from .compare import comparison_table
from .dataset import ALL_TABLES, DUCKDB_FILE, FACT_TABLES, SCHEMAS, SQLITE_FILE, TABLE_NAMES, fit_schema
from .lexicons import read_table

# The layouts :func:`write` writes: csv, duckdb and sqlite with the comparison; parquet and jsonl
# as qpdp_nlp.dataset writes them (the base tables; compare and report compute the comparison).
FORMATS = ("parquet", "csv", "duckdb", "sqlite", "jsonl")
METADATA_FILE = "metadata.json"
DATAPACKAGE_FILE = "datapackage.json"
TITLE = "qpdp_nlp — quốc phòng địa phương: dữ liệu trích từ báo chí"
DESCRIPTION = ("Facts extracted by qpdp_nlp from Vietnamese news on local defence work: articles, "
               "persons, units, counts, documents, places, and the de-duplicated comparison "
               "(place × year × indicator × measure). Column meanings and inclusion rules: docs/codebook.md.")
_SQL_TYPES = {"string": "TEXT", "category": "TEXT", "int": "INTEGER", "float": "REAL", "bool": "INTEGER"}
_FRICTIONLESS_TYPES = {"string": "string", "category": "string", "int": "integer", "float": "number",
                       "bool": "boolean"}
# What datasette offers as facets, per table (columns with few values).
FACETS = {
    "articles": ["province", "level", "topic", "era", "report_year", "site"],
    "counts": ["indicator", "measure", "qualifier"],
    "units": ["type", "level"],
    "documents": ["kind", "issuer"],
    "places": ["type", "province"],
    "persons": ["rank"],
    "comparison": ["indicator", "measure", "level", "province", "year", "conflict", "era"],
    "errors": ["code"],
}
LABEL_COLUMNS = {"articles": "title", "comparison": "value_shown"}

# The views on the comparison table: its rows of one level (one value per place-year-indicator-
# measure, conflicts summarised, never summed), in SQL that DuckDB and SQLite both read.
_COMPARED = """era, province, province_code, district, district_code, zone, commune, commune_code,
               province_2025, province_2025_code, year, indicator, indicator_label, measure, is_percent,
               value, qualifier, unit, conflict, conflict_values, n_values, min_value, median_value, max_value,
               mode_value, n_articles, n_sources, confidence, approximate, successor_of, lat, lon,
               geo_precision, urls, comparison_id"""
_COMPARED_ORDER = "ORDER BY province, district, zone, commune, year, indicator, measure"
COMPARISON_VIEWS: dict[str, str] = {
    "indicator_by_district": f"""
        SELECT {_COMPARED} FROM comparison WHERE level IN ('district', 'zone') {_COMPARED_ORDER}""",
    "indicator_by_zone": f"""
        SELECT {_COMPARED} FROM comparison WHERE level = 'zone' {_COMPARED_ORDER}""",
    "indicator_by_commune": f"""
        SELECT {_COMPARED} FROM comparison WHERE level = 'commune' {_COMPARED_ORDER}""",
    "indicator_by_province": f"""
        SELECT {_COMPARED} FROM comparison WHERE level = 'province' {_COMPARED_ORDER}""",
}
# Every view of the published DuckDB and SQLite files, in the order they are created and listed
# in metadata.json: the counts in scope, the comparison's levels, then the plain aggregates.
VIEWS: dict[str, str] = {
    "counts_in_scope": dataset.VIEWS["counts_in_scope"],
    **COMPARISON_VIEWS,
    **{name: sql for name, sql in dataset.VIEWS.items() if name != "counts_in_scope"},
}


def primary_key(table: str) -> list[str]:
    """The primary key of a table (none for ``errors``)."""
    if table in FACT_TABLES:
        return ["article_id", "fact_index"]
    return {"articles": ["article_id"], "texts": ["article_id"], "comparison": ["comparison_id"]}.get(table, [])


def foreign_keys(table: str) -> list[str]:
    """Columns of ``table`` that refer to ``articles.article_id``."""
    return ["article_id"] if table in FACT_TABLES or table == "texts" else []


@lru_cache(maxsize=1)
def column_notes() -> dict[tuple[str, str], tuple[str, str]]:
    """(table, column) → (unit, description), from ``data/columns.tsv``; a ``*`` row holds for
    every fact table."""
    notes: dict[tuple[str, str], tuple[str, str]] = {}
    for row in read_table("columns.tsv"):
        tables = FACT_TABLES if row["table"] == "*" else (row["table"],)
        for table in tables:
            notes[(table, row["column"])] = (row["unit"].strip(), row["description"].strip())
    return notes


def describe(table: str, column: str) -> str:
    return column_notes().get((table, column), ("", ""))[1]


# --- the published layouts -------------------------------------------------------------------

def comparison_arrow(tables: Mapping[str, Any]) -> pa.Table:
    """The ``comparison`` table of a dataset's ``articles`` and ``counts`` (Arrow tables or
    pyarrow datasets), by :func:`qpdp_nlp.compare.comparison_table`."""
    frames = {name: dataset.arrow_to_frame(name, dataset.as_table(tables[name])) for name in ("articles", "counts")}
    return dataset.frame_to_arrow("comparison", comparison_table(frames))


def _with_comparison(tables: Mapping[str, Any]) -> dict[str, Any]:
    """``tables`` with their ``comparison`` (computed when absent)."""
    tables = {**tables, "comparison": tables.get("comparison")}
    if tables["comparison"] is None:
        tables["comparison"] = comparison_arrow(tables)
    return tables


def write(records_or_tables: Any, out_dir: str | Path, fmt: str = "parquet", *,
          errors: Iterable[Any] = ()) -> list[Path]:
    """Write a whole dataset to ``out_dir`` in the published layout ``fmt`` (:data:`FORMATS`);
    returns the files written. ``csv``, ``duckdb`` and ``sqlite`` carry the ``comparison`` table
    (and its views, the data package or the datasette metadata); ``parquet`` and ``jsonl`` are
    :func:`qpdp_nlp.dataset.write`'s.

    ``records_or_tables`` is an iterable of records (ArticleRecord or dicts) or a dict of tables
    (Arrow or pandas) keyed by table name; ``jsonl`` needs records (it keeps the full text).

    >>> import tempfile; from qpdp_nlp.records import ArticleRecord
    >>> out = tempfile.mkdtemp()
    >>> [p.name for p in write([ArticleRecord(article_id="a1", text="Huyện Ba Bể")], out, "csv")][-2:]
    ['comparison.csv', 'datapackage.json']
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt in ("parquet", "jsonl"):
        return dataset.write(records_or_tables, out_dir, fmt, errors=errors)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = dataset.tables_of(records_or_tables, list(errors))
    if fmt == "csv":
        return write_csv(tables, out)
    if fmt == "sqlite":
        return [write_sqlite(tables, out / SQLITE_FILE), out / METADATA_FILE]
    return [write_duckdb(tables, out / DUCKDB_FILE)]


def write_csv(tables: Mapping[str, Any], out_dir: str | Path) -> list[Path]:
    """``OUT/<table>.csv`` for every table and the comparison (computed when absent), and
    ``datapackage.json`` beside them."""
    written = dataset.write_csv(_with_comparison(tables), out_dir)
    written.append(write_datapackage(out_dir))
    return written


def write_duckdb(tables: Mapping[str, Any], target: str | Path) -> Path:
    """``tables`` (Arrow tables or pyarrow datasets) and the comparison (computed when absent) as
    one DuckDB file with every view of :data:`VIEWS`."""
    return dataset.write_duckdb(_with_comparison(tables), target, views=VIEWS)


def export(dataset_path: str | Path, out_dir: str | Path, fmt: str) -> list[Path]:
    """Any dataset (a folder of Parquet parts, CSV, DuckDB, SQLite or JSON Lines) rewritten in
    the layout ``fmt`` under ``out_dir``, with its comparison (and for ``sqlite`` the datasette
    metadata, for ``csv`` the data package)."""
    if fmt == "jsonl":
        raise ValueError("jsonl keeps whole records: write it with 'qpdp extract -o'")
    frames = dataset.read(dataset_path)
    return write(frames, out_dir, fmt)


def build_duckdb(out_dir: str | Path) -> Path:
    """Build (or rebuild) ``OUT/qpdp.duckdb`` from the Parquet parts under ``OUT``, with the
    comparison and the views. The parts are scanned, not loaded: memory stays flat however large
    the dataset (the comparison is computed from ``articles`` and ``counts``)."""
    out = Path(out_dir)
    return write_duckdb(dataset.parquet_sources(out), out / DUCKDB_FILE)


def build_sqlite(out_dir: str | Path) -> Path:
    """Build (or rebuild) ``OUT/qpdp.sqlite`` and ``OUT/metadata.json`` from the Parquet parts."""
    out = Path(out_dir)
    return write_sqlite(dataset.parquet_sources(out), out / SQLITE_FILE)


def read(out_dir: str | Path, *, tables: Iterable[str] | None = None,
         fmt: str | None = None) -> dict[str, pd.DataFrame]:
    """:func:`qpdp_nlp.dataset.read`, and the ``comparison`` table when ``tables`` names it: the
    one the layout carries (CSV, DuckDB, SQLite), else computed from its articles and counts."""
    wanted = tuple(tables) if tables is not None else TABLE_NAMES
    unknown = set(wanted) - set(ALL_TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; the dataset has {', '.join(ALL_TABLES)}")
    frames = dataset.read(out_dir, tables=[n for n in wanted if n != "comparison"], fmt=fmt)
    if "comparison" in wanted:
        frames = {**frames, "comparison": _read_comparison(Path(out_dir), fmt)}
    return frames


def _read_comparison(path: Path, fmt: str | None) -> pd.DataFrame:
    """The comparison a layout carries, else computed from its articles and counts."""
    layout = fmt or dataset.detect_layout(path)
    table = dataset.read_stored(path, "comparison", layout)
    if table is None:
        frames = dataset.read(path, tables=("articles", "counts"), fmt=layout)
        return dataset.conform("comparison", comparison_table(frames))
    return dataset.arrow_to_frame("comparison", table)


# --- SQLite ----------------------------------------------------------------------------------

def _create_sql(table: str) -> str:
    columns = [f'"{c.name}" {_SQL_TYPES[c.kind]}' for c in ALL_TABLES[table]]
    key = primary_key(table)
    if key:
        columns.append(f"PRIMARY KEY ({', '.join(key)})")
    for column in foreign_keys(table):
        columns.append(f"FOREIGN KEY ({column}) REFERENCES articles(article_id)")
    return f'CREATE TABLE "{table}" (\n  ' + ",\n  ".join(columns) + "\n)"


def _batches(data: Any) -> Any:
    if isinstance(data, pa.Table):
        return data.to_batches(max_chunksize=5000)
    return data.to_batches(batch_size=5000)


def write_sqlite(tables: Mapping[str, Any], target: str | Path) -> Path:
    """Write ``tables`` (Arrow tables or pyarrow datasets, keyed by table name; ``comparison`` is
    computed when absent) as one SQLite file with keys, full-text search and views, and
    ``metadata.json`` beside it. Returns the database's path.

    A row whose key is already there (an article written twice) is skipped, never duplicated.
    """
    target = Path(target)
    tables = _with_comparison(tables)
    with atomic_path(target, create=False) as tmp:
        con = sqlite3.connect(str(tmp))
        try:
            con.execute("PRAGMA foreign_keys = ON")
            # the parents first, so that every foreign key finds its article
            for name in ("articles", *[n for n in ALL_TABLES if n != "articles"]):
                con.execute(_create_sql(name))
                names = SCHEMAS[name].names
                insert = (f'INSERT OR IGNORE INTO "{name}" ({", ".join(names)}) '
                          f'VALUES ({", ".join("?" for _ in names)})')
                for batch in _batches(tables[name]):
                    table = fit_schema(name, pa.Table.from_batches([batch])) if name in SCHEMAS else batch
                    plain = table.cast(pa.schema([pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type)
                                                  else f for f in table.schema]))
                    columns = [plain.column(n).to_pylist() for n in names]
                    con.executemany(insert, zip(*columns))
            _full_text(con)
            for view, sql in VIEWS.items():
                con.execute(f'CREATE VIEW "{view}" AS {sql}')
            con.commit()
        finally:
            con.close()
    write_metadata(target.parent / METADATA_FILE, database=target.stem)
    return target


def _full_text(con: sqlite3.Connection) -> None:
    """FTS5 indexes over the texts and the titles, in the form datasette finds by itself
    (``<table>_fts`` with ``content='<table>'``); diacritics folded, so "quan su" finds "quân sự"."""
    tokenizer = "unicode61 remove_diacritics 2"
    con.execute(f"CREATE VIRTUAL TABLE texts_fts USING fts5(text, content='texts', content_rowid='rowid', "
                f"tokenize='{tokenizer}')")
    con.execute("INSERT INTO texts_fts(rowid, text) SELECT rowid, text FROM texts")
    con.execute(f"CREATE VIRTUAL TABLE articles_fts USING fts5(title, content='articles', content_rowid='rowid', "
                f"tokenize='{tokenizer}')")
    con.execute("INSERT INTO articles_fts(rowid, title) SELECT rowid, title FROM articles")


def metadata(database: str = "qpdp") -> dict[str, Any]:
    """datasette's metadata: titles, descriptions of every table and column, units, facets, label
    columns, full-text search. Plain text only (``description``, never ``description_html``)."""
    tables: dict[str, Any] = {}
    for name, columns in ALL_TABLES.items():
        entry: dict[str, Any] = {
            "description": _TABLE_NOTES.get(name, ""),
            "columns": {c.name: describe(name, c.name) for c in columns if describe(name, c.name)},
        }
        units = {c.name: column_notes()[(name, c.name)][0] for c in columns
                 if column_notes().get((name, c.name), ("", ""))[0] in ("degree",)}
        if units:
            entry["units"] = units
        if name in FACETS:
            entry["facets"] = FACETS[name]
        if name in LABEL_COLUMNS:
            entry["label_column"] = LABEL_COLUMNS[name]
        if name == "texts":
            entry["fts_table"], entry["fts_pk"] = "texts_fts", "rowid"
        if name == "articles":
            entry["fts_table"], entry["fts_pk"] = "articles_fts", "rowid"
        if name == "comparison":
            entry["sort"] = "province"
        tables[name] = entry
    for view in VIEWS:
        tables[view] = {"description": _VIEW_NOTES.get(view, "A view of the tables; see docs/codebook.md.")}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "license": "See the sources of the articles; extracted facts by qpdp_nlp (MIT)",
        "source": "qpdp_nlp",
        "databases": {database: {"tables": tables}},
    }


_TABLE_NOTES = {
    "articles": "One row per article: its scope (place, level, map), year, topic and source.",
    "persons": "One row per person named: rank, name, position, unit.",
    "units": "One row per unit or body named, with its full name, type and level.",
    "counts": "One row per number that counts something, with what it measures.",
    "documents": "One row per resolution, law, decree … cited.",
    "places": "One row per place named, with its official codes.",
    "errors": "One row per input that could not become an article.",
    "texts": "The normalised text of each article (full-text search).",
    "comparison": "One row per place × year × indicator × measure: the de-duplicated figure, its conflict "
                  "summary, codes and sources. Measures never mix.",
}
_VIEW_NOTES = {
    "indicator_by_district": "The comparison's district and defence-zone rows.",
    "indicator_by_zone": "The comparison's defence-zone rows.",
    "indicator_by_commune": "The comparison's commune rows.",
    "indicator_by_province": "The comparison's province rows.",
    "mentions_by_district": "Plain aggregates of the counts per district, year, indicator and measure (not de-duplicated).",
    "mentions_by_province_2025": "Plain aggregates of the counts per 2025 province (not de-duplicated, not regrouped).",
    "counts_in_scope": "Every count with its article's place and year.",
    "persons_by_district": "Persons named per district.",
    "documents_cited": "Documents cited, by the number of articles citing them.",
}


def write_metadata(target: str | Path, database: str = "qpdp") -> Path:
    with atomic_open(target) as fh:
        json.dump(metadata(database), fh, ensure_ascii=False, indent=2)
    return Path(target)


# --- Frictionless ----------------------------------------------------------------------------

def datapackage() -> dict[str, Any]:
    """A Frictionless Tabular Data Package describing the CSV layout (every table and the
    comparison): types, descriptions, keys; codes are strings. Strings that a spreadsheet would
    run as a formula start with "'" in the CSV files (see docs/codebook.md)."""
    resources = []
    for name, columns in ALL_TABLES.items():
        fields = []
        for c in columns:
            field: dict[str, Any] = {"name": c.name, "type": _FRICTIONLESS_TYPES[c.kind]}
            if describe(name, c.name):
                field["description"] = describe(name, c.name)
            if c.kind == "bool":
                field["trueValues"], field["falseValues"] = ["true"], ["false"]
            fields.append(field)
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if primary_key(name):
            schema["primaryKey"] = primary_key(name)
        schema["foreignKeys"] = [{"fields": [c], "reference": {"resource": "articles", "fields": ["article_id"]}}
                                 for c in foreign_keys(name)]
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": _TABLE_NOTES.get(name, ""),
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True, "doubleQuote": True},
            "schema": schema,
        })
    return {"profile": "tabular-data-package", "name": "qpdp-dataset", "title": TITLE,
            "description": DESCRIPTION, "resources": resources}


def write_datapackage(out_dir: str | Path) -> Path:
    target = Path(out_dir) / DATAPACKAGE_FILE
    with atomic_open(target) as fh:
        json.dump(datapackage(), fh, ensure_ascii=False, indent=2)
    return target


# --- GeoJSON ---------------------------------------------------------------------------------

def geojson(comparison: Any) -> dict[str, Any]:
    """The published comparison table (a DataFrame) as a GeoJSON FeatureCollection of points,
    one per located cell, every column a property (numbers as numbers, empty as null)."""
    import math

    features = []
    for row in comparison.to_dict("records"):
        lat, lon = row.get("lat"), row.get("lon")
        if lat is None or lon is None or _missing(lat) or _missing(lon):
            continue
        props = {k: (None if _missing(v) else (v.item() if hasattr(v, "item") else v)) for k, v in row.items()
                 if k not in ("lat", "lon")}
        props = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in props.items()}
        features.append({"type": "Feature", "id": props["comparison_id"],
                         "geometry": {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]},
                         "properties": {k: (str(v) if not isinstance(v, (int, float, bool, str, type(None))) else v)
                                        for k, v in props.items()}})
    return {"type": "FeatureCollection", "features": features}


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def write_geojson(comparison: Any, target: str | Path) -> Path:
    with atomic_open(target) as fh:
        json.dump(geojson(comparison), fh, ensure_ascii=False)
    return Path(target)
