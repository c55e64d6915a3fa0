"""Records → tidy tables, and the writers and readers of the dataset.

One row per fact, ``article_id`` in every table, character offsets kept, every field typed.
The columns of each table are declared once, in :data:`TABLES`; the Arrow schemas
(:data:`SCHEMAS`) and the pandas dtypes (:func:`pandas_dtypes`) are derived from that
declaration, so the Parquet files, the CSV files, the DuckDB database and the DataFrames agree.

Tables (``TABLE_NAMES``):

``articles``   one row per article: the scope flattened (level, province, district …, lat, lon,
               province_2025), report_year, topic, is_defense, duplicate_of, title, url …
``persons`` · ``units`` · ``counts`` · ``documents`` · ``places``
               one row per fact: ``article_id``, ``fact_index`` (its position in the record's
               list), ``text``, ``start_char``, ``end_char`` (the record's ``start``/``end``,
               renamed so that no column is an SQL keyword), ``rule`` and the fact's own fields
``errors``     one row per input that could not become an article: source, code, reason
``texts``      one row per article: its normalised text, which every ``start_char``/``end_char``
               points into (the evidence of a report, and the full-text index of ``sqlite``)

Derived (:data:`DERIVED_TABLES`): ``comparison``, one row per place × year × indicator × measure,
de-duplicated by :mod:`qpdp_nlp.compare` (:func:`~qpdp_nlp.compare.comparison_table`). Its columns are
declared here with the others (one declaration of every table's types), but this module neither
computes nor writes it: the published layouts that carry it (``csv``, ``duckdb``, ``sqlite``) are
written by :mod:`qpdp_nlp.publish` (:func:`qpdp_nlp.publish.write`, :func:`qpdp_nlp.publish.export`),
which imports this module and :mod:`qpdp_nlp.compare`, never the other way round.

A dataset written before the renaming (``index``, ``start``, ``end``) is read as it is: the old
names are mapped onto the new ones (:data:`RENAMED`).

Layouts of an output folder ``OUT`` of the base tables (:func:`write`; :func:`read` reads them all,
``sqlite`` too):

``parquet``  ``OUT/<table>/<part>.parquet`` — one file per table per part (:func:`write_part`),
             always with the explicit schema, so empty and one-row parts keep their types
``csv``      ``OUT/<table>.csv`` — header row; every non-null value quoted, a null left empty,
             so an empty string and a missing value stay apart
``duckdb``   ``OUT/qpdp.duckdb`` — the same tables plus the views of the base tables (:data:`VIEWS`)
``jsonl``    ``OUT/articles.jsonl`` — the full records (``ArticleRecord.to_dict()``), text included
``sqlite``   ``OUT/qpdp.sqlite`` — read here; written only by :mod:`qpdp_nlp.publish` (keys,
             full-text search, the views, ``metadata.json`` for datasette)

What an analyst publishes — ``csv`` with ``comparison.csv`` and ``datapackage.json``, ``duckdb``
with the ``comparison`` table and the ``indicator_by_*`` views on it, ``sqlite`` — is
:func:`qpdp_nlp.publish.write` (``qpdp export``; ``qpdp extract --format duckdb`` builds its file
with :func:`qpdp_nlp.publish.build_duckdb`).

Every file is written to a temporary name in the same folder and renamed into place, so a reader
(or a run killed half-way) never sees half a file.

Closed sets (indicator, qualifier, level, topic, unit and place type, district type, document
kind) are dictionary-encoded in Arrow and categoricals in pandas, with the declared values as
categories; a value outside the set is kept (appended after the declared categories, sorted), never
turned into a missing value.

>>> from qpdp_nlp.records import ArticleRecord, Count
>>> rec = ArticleRecord(article_id="a1", text="Huyện giao 150 công dân nhập ngũ.",
...                     counts=[Count(rule="example", text="150 công dân", start=11, end=23, value=150,
...                                   unit="công dân", indicator="enlisted")])
>>> frames = to_frames([rec])
>>> frames["counts"][["article_id", "text", "value", "indicator"]].to_dict("records")
[{'article_id': 'a1', 'text': '150 công dân', 'value': 150.0, 'indicator': 'enlisted'}]
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .atomic import atomic_path, write_lines
from .gazetteer import (  # the administrative words, as the places extractor writes them
    DISTRICT_TYPES,
    PLACE_TYPES,
)
from .lexicons import read_rows
from .measures import measure_of
from .provenance import outlet
from .records import INDICATORS, LEVELS, QUALIFIERS, TOPICS, UNIT_TYPES, ArticleRecord, Count

# The kinds the documents extractor knows: its table is the one list (a kind missing here would
# turn a real value into a pandas/Arrow category warning and a null).
DOCUMENT_KINDS = tuple(row[0] for row in read_rows("document_kinds.tsv", pad=True)[1])
# Layouts :func:`write` writes (the base tables); :func:`read` also reads ``sqlite`` (written by
# qpdp_nlp.publish, like the published csv and duckdb layouts that add the comparison).
FORMATS = ("parquet", "csv", "duckdb", "jsonl")
READ_FORMATS = ("parquet", "csv", "duckdb", "sqlite", "jsonl")
DUCKDB_FILE = "qpdp.duckdb"
SQLITE_FILE = "qpdp.sqlite"
JSONL_FILE = "articles.jsonl"
ERRORS_JSONL_FILE = "errors.jsonl"
CANDIDATE_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    """One column: its name, its kind (``string``, ``int``, ``float``, ``bool`` or ``category``)
    and, for a category, the closed set of values."""

    name: str
    kind: str
    categories: tuple[str, ...] = ()

    def arrow_type(self) -> pa.DataType:
        if self.kind == "category":
            return pa.dictionary(pa.int32(), pa.string())
        return _ARROW_TYPES[self.kind]

    def pandas_dtype(self, extra: Iterable[str] = ()) -> Any:
        if self.kind == "category":
            unknown = sorted(set(extra) - set(self.categories))
            return pd.CategoricalDtype([*self.categories, *unknown])
        return _PANDAS_DTYPES[self.kind]


_ARROW_TYPES = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
_PANDAS_DTYPES = {
    "string": pd.StringDtype(),
    "int": pd.Int64Dtype(),
    "float": pd.Float64Dtype(),
    "bool": pd.BooleanDtype(),
}


# Arrow → pandas straight to the nullable dtypes (no detour through float for integers with nulls)
_NULLABLE = {_ARROW_TYPES[kind]: dtype for kind, dtype in _PANDAS_DTYPES.items()}


def _s(name: str) -> Column:
    return Column(name, "string")


def _i(name: str) -> Column:
    return Column(name, "int")


def _f(name: str) -> Column:
    return Column(name, "float")


def _b(name: str) -> Column:
    return Column(name, "bool")


def _c(name: str, categories: tuple[str, ...]) -> Column:
    return Column(name, "category", categories)


# What every fact row starts with: the article, the fact's position in its list, and its span.
_FACT_HEAD = (_s("article_id"), _i("fact_index"), _s("text"), _i("start_char"), _i("end_char"), _s("rule"))
# Column names of datasets written before 0.x: ``end`` and ``index`` are SQL keywords. Read as the new names.
RENAMED = {"index": "fact_index", "start": "start_char", "end": "end_char"}

# THE declaration of the dataset's columns. Schemas, dtypes, writers and readers derive from it.
TABLES: dict[str, tuple[Column, ...]] = {
    "articles": (
        _s("article_id"), _s("source"), _s("title"), _s("url"), _s("published"), _s("published_raw"), _s("site"),
        _c("level", LEVELS), _s("province"), _s("district"), _c("district_type", DISTRICT_TYPES),
        _s("commune"), _s("province_code"), _s("district_code"), _s("commune_code"),
        _f("lat"), _f("lon"), _s("province_2025"), _s("province_2025_code"), _s("commune_code_2025"),
        _s("defence_zone"), _i("defence_zone_number"), _s("successor_of"), _s("successor_of_code"),
        _s("era"), _s("era_evidence"), _f("scope_confidence"), _s("scope_rule"),
        _i("report_year"), _s("report_year_rule"), _f("report_year_confidence"), _c("topic", TOPICS), _s("subtopic"), _b("is_defense"), _f("defense_probability"),
        _s("duplicate_of"), _s("pipeline_version"), _i("n_chars"),
    ),
    "persons": (*_FACT_HEAD, _s("rank"), _s("name"), _s("position"), _s("unit")),
    "units": (*_FACT_HEAD, _s("canonical"), _c("type", UNIT_TYPES), _c("level", LEVELS), _s("place"),
              _s("parent")),
    "counts": (
        *_FACT_HEAD, _f("value"), _c("qualifier", QUALIFIERS), _s("unit"), _c("indicator", INDICATORS),
        _b("is_percent"), _f("upper"), _f("denominator"), _i("year"), _s("indicator_rule"),
        _f("indicator_confidence"), _f("confidence"),
        _b("part_of_total"),  # derived: see part_of_total(); null when the record has no text
        _s("measure"),  # derived: what is counted (measures.measure_of): people, classes, %, đồng …
    ),
    "documents": (
        *_FACT_HEAD, _c("kind", DOCUMENT_KINDS), _s("number"), _s("symbol"), _i("year"), _s("date"),
        _s("issuer"), _s("term"), _s("title"), _s("doc_id"),
    ),
    "places": (
        *_FACT_HEAD, _s("name"), _c("type", PLACE_TYPES), _s("province"), _s("district"), _s("code"),
        _s("province_code"), _s("district_code"), _s("province_2025"), _s("era"), _s("code_2025"),
        _s("candidates"),  # the candidate names joined with "|": a CSV cell holds no list
    ),
    "errors": (_s("source"), _s("code"), _s("reason")),
    "texts": (_s("article_id"), _s("text")),
}
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
FACT_TABLES: tuple[str, ...] = ("persons", "units", "counts", "documents", "places")

# Tables derived from the extracted ones (not written per part): the de-duplicated comparison.
DERIVED_TABLES: dict[str, tuple[Column, ...]] = {
    "comparison": (
        _s("comparison_id"), _s("era"), _s("level"), _s("province"), _s("province_code"),
        _s("district"), _s("district_code"), _s("zone"), _s("commune"), _s("commune_code"),
        _s("province_2025"), _s("province_2025_code"), _s("commune_code_2025"),
        _i("year"), _c("indicator", INDICATORS), _s("indicator_label"), _s("measure"), _b("is_percent"),
        _f("value"), _c("qualifier", QUALIFIERS), _s("unit"), _s("value_shown"),
        _i("n_values"), _f("min_value"), _f("median_value"), _f("max_value"), _f("mode_value"),
        _i("n_articles"), _i("n_sources"), _b("conflict"), _s("conflict_values"),
        _f("confidence"), _b("below_min_confidence"), _b("approximate"), _s("successor_of"),
        _s("regroup"), _b("complete"), _s("parts"),
        _f("lat"), _f("lon"), _s("geo_precision"),
        _s("article_ids"), _s("urls"), _s("outlets"), _s("spans"),
    ),
}
ALL_TABLES: dict[str, tuple[Column, ...]] = {**TABLES, **DERIVED_TABLES}
SCHEMAS: dict[str, pa.Schema] = {
    name: pa.schema([pa.field(c.name, c.arrow_type()) for c in columns]) for name, columns in ALL_TABLES.items()
}

# Scope fields copied into ``articles`` under their own name (``rule`` becomes ``scope_rule``).
_SCOPE_COLUMNS = (
    "level", "province", "district", "district_type", "commune", "province_code", "district_code",
    "commune_code", "lat", "lon", "province_2025", "province_2025_code", "commune_code_2025", "defence_zone",
    "defence_zone_number", "successor_of", "successor_of_code", "era", "era_evidence",
)
_ARTICLE_FIELDS = (
    "source", "title", "url", "published", "published_raw", "site", "report_year", "report_year_rule", "report_year_confidence", "topic", "subtopic", "is_defense",
    "defense_probability", "duplicate_of", "pipeline_version",
)

# Views of the base tables, in SQL that DuckDB and SQLite both read (no GROUP BY ALL, no lists).
# The ``mentions_by_*`` views are plain aggregates of the mentions, grouped by measure too so that
# people and classes never meet. ``year`` is the count's own year when its sentence names one, else
# the article's report year. The views on the ``comparison`` table (``indicator_by_*``) are
# qpdp_nlp.publish's, with the table they read.
_CELL_FILTER = "a.duplicate_of IS NULL AND (a.is_defense IS NULL OR a.is_defense) AND c.value IS NOT NULL"
_AGGREGATES = """count(DISTINCT c.article_id) AS n_articles, count(*) AS n_mentions,
               min(c.value) AS min_value, max(c.value) AS max_value,
               count(DISTINCT c.value) AS n_distinct_values,
               min(c.confidence) AS min_confidence, max(c.confidence) AS max_confidence"""
VIEWS: dict[str, str] = {
    "counts_in_scope": """
        SELECT a.province, a.district, a.level, a.report_year, a.topic, a.is_defense, a.duplicate_of,
               a.commune, a.province_2025, a.province_2025_code, a.commune_code_2025,
               a.defence_zone, a.defence_zone_number, a.successor_of, a.era, a.url,
               coalesce(c.year, a.report_year) AS cell_year,
               c.*
        FROM counts c JOIN articles a ON a.article_id = c.article_id""",
    "mentions_by_district": f"""
        SELECT a.province, a.district, a.era, coalesce(c.year, a.report_year) AS year,
               c.indicator, c.measure, c.is_percent, {_AGGREGATES}
        FROM counts c JOIN articles a ON a.article_id = c.article_id
        WHERE {_CELL_FILTER} AND a.district IS NOT NULL
        GROUP BY a.province, a.district, a.era, coalesce(c.year, a.report_year), c.indicator, c.measure,
                 c.is_percent
        ORDER BY a.province, a.district, year, c.indicator, c.measure""",
    "mentions_by_province_2025": f"""
        SELECT a.province_2025, a.province_2025_code, a.level, a.province, a.era,
               coalesce(c.year, a.report_year) AS year, c.indicator, c.measure, c.is_percent, {_AGGREGATES}
        FROM counts c JOIN articles a ON a.article_id = c.article_id
        WHERE {_CELL_FILTER} AND a.province_2025 IS NOT NULL
        GROUP BY a.province_2025, a.province_2025_code, a.level, a.province, a.era,
                 coalesce(c.year, a.report_year), c.indicator, c.measure, c.is_percent
        ORDER BY a.province_2025, a.level, a.province, year, c.indicator, c.measure""",
    "persons_by_district": """
        SELECT a.province, a.district, p.rank, p.name, p.position,
               count(DISTINCT p.article_id) AS n_articles
        FROM persons p JOIN articles a ON a.article_id = p.article_id
        WHERE a.duplicate_of IS NULL
        GROUP BY a.province, a.district, p.rank, p.name, p.position
        ORDER BY a.province, a.district, p.name""",
    "documents_cited": """
        SELECT d.kind, d.number, d.symbol, d.year, d.issuer, d.term,
               count(DISTINCT d.article_id) AS n_articles
        FROM documents d JOIN articles a ON a.article_id = d.article_id
        WHERE a.duplicate_of IS NULL
        GROUP BY d.kind, d.number, d.symbol, d.year, d.issuer, d.term
        ORDER BY n_articles DESC, d.kind, d.year, d.number""",
}

Records = Iterable[ArticleRecord | Mapping[str, Any]]


def pandas_dtypes(table: str) -> dict[str, Any]:
    """The declared pandas dtype of every column of ``table``."""
    return {c.name: c.pandas_dtype() for c in ALL_TABLES[table]}


# --- records → rows → tables -----------------------------------------------------------------

def _as_record(record: ArticleRecord | Mapping[str, Any]) -> ArticleRecord:
    return record if isinstance(record, ArticleRecord) else ArticleRecord.from_dict(dict(record))


def article_row(record: ArticleRecord) -> dict[str, Any]:
    """The ``articles`` row of one record: its fields with the scope flattened."""
    row: dict[str, Any] = {"article_id": record.article_id}
    row.update({name: getattr(record, name) for name in _ARTICLE_FIELDS})
    row.update({name: getattr(record.scope, name) for name in _SCOPE_COLUMNS})
    row["scope_rule"] = record.scope.rule
    row["scope_confidence"] = record.scope.confidence
    row["n_chars"] = len(record.text) if record.text else None
    # ``published`` is the ISO date parsed once at ingestion, ``published_raw`` the string as the
    # source wrote it; the outlet is the ingestion's, else the URL's host name
    if row["site"] is None and record.url:
        row["site"] = outlet(record.url)
    return row


def record_rows(record: ArticleRecord | Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One record as rows of every table but ``errors`` (keyed by table name)."""
    record = _as_record(record)
    rows: dict[str, list[dict[str, Any]]] = {"articles": [article_row(record)]}
    for kind in FACT_TABLES:
        kind_rows = []
        for index, fact in enumerate(getattr(record, kind)):
            row = fact.to_dict()
            row["article_id"] = record.article_id
            row["fact_index"] = index
            row["start_char"], row["end_char"] = row.pop("start"), row.pop("end")
            if kind == "places":
                row["candidates"] = CANDIDATE_SEPARATOR.join(row["candidates"]) or None
            kind_rows.append(row)
        if kind == "counts":
            for row, flag in zip(kind_rows, part_of_total(record.text, record.counts)):
                row["part_of_total"] = flag
                row["measure"] = measure_of(row["unit"], percent=bool(row["is_percent"])
                                            or row["indicator"] in PERCENT_INDICATORS) or None
        rows[kind] = kind_rows
    rows["texts"] = [{"article_id": record.article_id, "text": record.text}] if record.text else []
    return rows


# "trong đó" (of whom), "trong số đó/này", "riêng", "(bao) gồm": what follows breaks down a total
_PART_MARKER = re.compile(r"\b(?:trong (?:số )?(?:đó|này)|riêng|bao gồm|gồm)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?!\d)|\n")
_PART_WINDOW = 300  # how far back (characters) the total may stand


def part_of_total(text: str, counts: Sequence[Count]) -> list[bool | None]:
    """For each count, whether it is a part of a larger count of the same indicator given just
    before it, introduced by "trong đó", "trong số đó", "riêng" or "gồm" in its sentence — so that
    a comparison does not add the part to its total.

    >>> from qpdp_nlp.records import Count
    >>> text = "Huyện giao 142 công dân nhập ngũ, trong đó có 21 đảng viên."
    >>> part_of_total(text, [Count(rule="example", text="142 công dân", start=11, end=23, value=142, indicator="enlisted"),
    ...                      Count(rule="example", text="21 đảng viên", start=46, end=58, value=21, indicator="enlisted")])
    [False, True]
    """
    if not text:
        return [None] * len(counts)
    flags: list[bool | None] = []
    for i, count in enumerate(counts):
        before = text[max(0, count.start - _PART_WINDOW):count.start]
        ends = list(_SENTENCE_END.finditer(before))
        clause_start = count.start - len(before) + (ends[-1].end() if ends else 0)
        markers = list(_PART_MARKER.finditer(text, clause_start, count.start))
        flag = False
        if markers and count.value is not None and not count.is_percent:
            marker_at = markers[-1].start()
            flag = any(
                total.value is not None and not total.is_percent and total.value > count.value
                and total.indicator == count.indicator and total.end <= marker_at
                and count.start - total.end <= _PART_WINDOW
                for total in counts[:i])
        flags.append(flag)
    return flags


# Indicators whose counts are percentages whatever their unit says (their measure is "%").
PERCENT_INDICATORS = frozenset({"enlistment_target_pct"})


def error_row(error: Any) -> dict[str, Any]:
    """An ``errors`` row from an :class:`~qpdp_nlp.errors.InputError`, a dict, or anything with
    ``source``, ``code`` and ``reason``."""
    def attribute(key: str) -> Any:
        return getattr(error, key, None)

    get: Callable[[str], Any] = error.get if isinstance(error, Mapping) else attribute
    return {"source": get("source"), "code": get("code"), "reason": get("reason")}


def rows_to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (dicts) → an Arrow table with the declared schema; keys not declared are ignored."""
    schema = SCHEMAS[table]
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.table({name: pa.array(values, type=schema.field(name).type) for name, values in columns.items()},
                    schema=schema)


def to_arrow(records: Records, errors: Iterable[Any] = ()) -> dict[str, pa.Table]:
    """Records (and input errors) → one Arrow table per name in :data:`TABLE_NAMES`."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    for record in records:
        for name, table_rows in record_rows(record).items():
            rows[name].extend(table_rows)
    rows["errors"] = [error_row(e) for e in errors]
    return {name: rows_to_arrow(name, rows[name]) for name in TABLE_NAMES}


def to_frames(records: Records, errors: Iterable[Any] = ()) -> dict[str, pd.DataFrame]:
    """Records (and input errors) → one typed DataFrame per name in :data:`TABLE_NAMES`."""
    return {name: arrow_to_frame(name, table) for name, table in to_arrow(records, errors).items()}


def empty_tables() -> dict[str, pa.Table]:
    return {name: SCHEMAS[name].empty_table() for name in TABLE_NAMES}


def arrow_to_frame(table: str, data: pa.Table) -> pd.DataFrame:
    """An Arrow table (from Parquet, DuckDB or :func:`to_arrow`) → a DataFrame with the declared dtypes."""
    frame = data.to_pandas(types_mapper=_NULLABLE.get)
    return conform(table, frame)


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Give ``frame`` the declared columns, order and dtypes of ``table``.

    A declared column that is missing (a dataset written before the column existed) is added empty;
    columns that are not declared are kept after the declared ones.
    """
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
        frame = frame.reset_index(drop=True)
    old = {k: v for k, v in RENAMED.items() if k in frame.columns and v not in frame.columns}
    if old and table in FACT_TABLES:
        frame = frame.rename(columns=old)
    out: dict[str, pd.Series] = {}
    for column in ALL_TABLES[table]:
        if column.name not in frame:
            out[column.name] = pd.Series([None] * len(frame), dtype=object).astype(column.pandas_dtype())
            continue
        values = frame[column.name]
        if column.kind == "category":
            if isinstance(values.dtype, pd.CategoricalDtype):
                seen = [str(c) for c in values.cat.remove_unused_categories().cat.categories]
            else:
                seen = [str(v) for v in values.dropna().unique()]
            unknown = sorted(set(seen) - set(column.categories))
            if unknown:
                warnings.warn(f"{table}.{column.name}: values outside the declared set kept: {unknown}",
                              stacklevel=2)
            dtype = column.pandas_dtype(unknown)
            if isinstance(values.dtype, pd.CategoricalDtype):  # every value used is in dtype's categories
                out[column.name] = values.cat.set_categories(dtype.categories)
            else:
                out[column.name] = values.astype(object).where(values.notna(), None).astype(dtype)
        elif values.dtype == column.pandas_dtype():
            out[column.name] = values
        elif column.kind == "bool" and values.dtype == object:
            out[column.name] = values.map(_to_bool, na_action="ignore").astype(column.pandas_dtype())
        else:
            out[column.name] = values.astype(column.pandas_dtype())
    # a typed local: mypy checks for Python 3.10, where pandas-stubs' DataFrame() (its Self) is Any
    result: pd.DataFrame = pd.DataFrame(out, copy=False)
    for extra in frame.columns:
        if extra not in result:
            result[extra] = frame[extra]
    return result


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    return value


def frame_to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """A DataFrame of ``table`` → an Arrow table with the declared schema."""
    frame = conform(table, frame)
    rows = frame[list(SCHEMAS[table].names)].astype(object).where(frame.notna(), None).to_dict("records")
    return rows_to_arrow(table, [{str(k): v for k, v in row.items()} for row in rows])


def fit_schema(table: str, data: pa.Table) -> pa.Table:
    """``data`` with exactly the declared schema of ``table``: columns in order, cast, and a column
    that an older part lacks added as nulls."""
    schema = SCHEMAS[table]
    if table in FACT_TABLES and any(k in data.column_names and v not in data.column_names
                                    for k, v in RENAMED.items()):
        data = data.rename_columns([RENAMED.get(n, n) for n in data.column_names])
    columns = [data.column(f.name).cast(f.type) if f.name in data.column_names
               else pa.nulls(len(data), type=f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def tables_of(records_or_tables: Any, errors: Iterable[Any] = ()) -> dict[str, pa.Table]:
    """The base tables as Arrow tables, from records, a dict of Arrow tables, or a dict of DataFrames."""
    if isinstance(records_or_tables, Mapping) and all(k in TABLES for k in records_or_tables):
        tables = empty_tables()
        for name, data in records_or_tables.items():
            tables[name] = (frame_to_arrow(name, data) if isinstance(data, pd.DataFrame)
                            else fit_schema(name, data))
        errors = list(errors)
        if errors:
            tables["errors"] = pa.concat_tables([tables["errors"], rows_to_arrow("errors", [error_row(e) for e in errors])])
        return tables
    return to_arrow(records_or_tables, errors)


# --- writers ---------------------------------------------------------------------------------

def _atomic_path(target: Path) -> AbstractContextManager[Path]:
    """A temporary path beside ``target``, renamed onto it when the block ends well
    (:func:`qpdp_nlp.atomic.atomic_path`: hidden name, fsync, the same permissions for every file)."""
    return atomic_path(target)


def _write_parquet(table: pa.Table, target: Path) -> None:
    import pyarrow.parquet as pq

    with _atomic_path(target) as tmp:
        pq.write_table(table, tmp, compression="zstd")


_PART_NAME = re.compile(r"^[\w.-]+$")


def write_part(tables: Mapping[str, pa.Table], out_dir: str | Path, part_name: str) -> list[Path]:
    """Write ``OUT/<table>/<part_name>.parquet`` for every table (an empty part for a table that is
    not given), each atomically. Returns the paths written.

    Writing a part twice replaces it, so a batch that reruns a part after a crash does not duplicate rows.
    """
    if not _PART_NAME.match(part_name) or part_name.startswith("."):
        raise ValueError(f"part name {part_name!r}: use letters, digits, '-', '_' or '.', not starting with '.'")
    out = Path(out_dir)
    paths = []
    for name in TABLE_NAMES:
        table = tables.get(name)
        table = SCHEMAS[name].empty_table() if table is None else fit_schema(name, table)
        target = out / name / f"{part_name}.parquet"
        _write_parquet(table, target)
        paths.append(target)
    return paths


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, tab, carriage return.
_FORMULA_START = r"^[=+\-@\t\r]"


def _csv_ready(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings (the CSV writer takes no dictionaries), and every string
    cell that starts like a formula prefixed with ``'`` (OWASP), so a spreadsheet shows it as text.

    >>> _csv_ready(pa.table({"title": ["=HYPERLINK(1)", "Huyện Ba Bể", "-5", None]}))["title"].to_pylist()
    ["'=HYPERLINK(1)", 'Huyện Ba Bể', "'-5", None]
    """
    import pyarrow.compute as pc

    fields = [pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f for f in table.schema]
    table = table.cast(pa.schema(fields))
    for i, f in enumerate(table.schema):
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            column = table.column(i)
            risky = pc.match_substring_regex(column, _FORMULA_START)
            safe = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
            table = table.set_column(i, f, safe.cast(f.type))
    return table


def _write_csv(name: str, table: pa.Table, target: Path) -> None:
    import pyarrow.csv as pcsv

    with _atomic_path(target) as tmp:
        # every valid value quoted, nulls bare: an empty string and a missing value stay apart
        pcsv.write_csv(_csv_ready(table), tmp, write_options=pcsv.WriteOptions(quoting_style="all_valid"))


def write_csv(tables: Mapping[str, Any], out_dir: str | Path) -> list[Path]:
    """``OUT/<table>.csv`` for every declared table given in ``tables`` (Arrow tables or pyarrow
    datasets), in the order of :data:`ALL_TABLES`; returns the files written."""
    out = Path(out_dir)
    written = []
    for name in ALL_TABLES:
        if name in tables:
            _write_csv(name, as_table(tables[name]), out / f"{name}.csv")
            written.append(out / f"{name}.csv")
    return written


def write_duckdb(tables: Mapping[str, Any], target: str | Path, *,
                 views: Mapping[str, str] = VIEWS) -> Path:
    """``target`` as one DuckDB file: a table for every declared table given in ``tables`` (Arrow
    tables or pyarrow datasets, scanned lazily, so a large dataset streams), then ``views``."""
    import duckdb

    target = Path(target)
    with atomic_path(target, create=False) as tmp:  # duckdb wants to create the file itself
        con = duckdb.connect(str(tmp))
        try:
            for name in ALL_TABLES:
                if name not in tables:
                    continue
                # closed sets become VARCHAR: plain to query, and a value outside the set still fits
                select = ", ".join(
                    f'CAST("{c.name}" AS VARCHAR) AS "{c.name}"' if c.kind == "category" else f'"{c.name}"'
                    for c in ALL_TABLES[name])
                con.register("incoming", tables[name])
                con.execute(f'CREATE TABLE "{name}" AS SELECT {select} FROM incoming')
                con.unregister("incoming")
            for view, sql in views.items():
                con.execute(f'CREATE OR REPLACE VIEW "{view}" AS {sql}')
            con.execute("CHECKPOINT")
        finally:
            con.close()
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return target


def as_table(data: Any) -> pa.Table:
    """An Arrow table from a table or a pyarrow dataset."""
    return data if isinstance(data, pa.Table) else data.to_table()


def _write_jsonl(lines: Iterable[dict[str, Any]], target: Path) -> None:
    write_lines(target, (json.dumps(obj, ensure_ascii=False) for obj in lines))


def write(records_or_tables: Any, out_dir: str | Path, fmt: str = "parquet", *,
          errors: Iterable[Any] = ()) -> list[Path]:
    """Write the base tables of a dataset to ``out_dir`` in one layout of :data:`FORMATS`;
    returns the files written. (The layouts an analyst publishes, with the ``comparison`` table,
    its views, the data package and ``sqlite``, are :func:`qpdp_nlp.publish.write`.)

    ``records_or_tables`` is an iterable of records (ArticleRecord or dicts) or a dict of tables
    (Arrow or pandas) keyed by table name; ``jsonl`` needs records (it keeps the full text).

    >>> import tempfile; from qpdp_nlp.records import ArticleRecord
    >>> out = tempfile.mkdtemp()
    >>> [p.name for p in write([ArticleRecord(article_id="a1", text="Huyện Ba Bể")], out, "csv")][:2]
    ['articles.csv', 'persons.csv']
    """
    if fmt not in FORMATS:
        hint = "; sqlite is written by qpdp_nlp.publish.write" if fmt == "sqlite" else ""
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}{hint}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    errors = list(errors)
    if fmt == "jsonl":
        if isinstance(records_or_tables, Mapping):
            raise ValueError("jsonl keeps whole records: give records, not tables")
        written = [out / JSONL_FILE]
        _write_jsonl((_as_record(r).to_dict() for r in records_or_tables), written[0])
        if errors:
            written.append(out / ERRORS_JSONL_FILE)
            _write_jsonl((error_row(e) for e in errors), written[1])
        return written
    tables = tables_of(records_or_tables, errors)
    if fmt == "parquet":
        return write_part(tables, out, "part-00000")
    if fmt == "csv":
        return write_csv(tables, out)
    return [write_duckdb(tables, out / DUCKDB_FILE)]


def parquet_sources(out_dir: str | Path) -> dict[str, Any]:
    """Every base table of the Parquet parts under ``out_dir`` as a pyarrow dataset (scanned, not
    loaded: memory stays flat however large the dataset), or an empty table when it has no part."""
    out = Path(out_dir)
    return {name: _parquet_source(out, name) for name in TABLE_NAMES}


# --- readers ---------------------------------------------------------------------------------

def detect_layout(path: str | Path) -> str:
    """Which layout ``path`` holds: parquet (part folders), duckdb, csv or jsonl."""
    p = Path(path)
    if p.is_file():
        if p.suffix == ".duckdb":
            return "duckdb"
        if p.suffix in (".sqlite", ".db", ".sqlite3"):
            return "sqlite"
        if p.name.endswith((".jsonl", ".jsonl.gz", ".json")):
            return "jsonl"
        raise ValueError(f"{p}: not a dataset file; give a folder written by 'qpdp extract --out', "
                         "a .duckdb or a .jsonl file")
    if (p / "articles").is_dir():
        return "parquet"
    if (p / DUCKDB_FILE).is_file():
        return "duckdb"
    if (p / SQLITE_FILE).is_file():
        return "sqlite"
    if (p / "articles.csv").is_file():
        return "csv"
    if (p / JSONL_FILE).is_file():
        return "jsonl"
    raise ValueError(f"{p}: no dataset found (expected articles/*.parquet, {DUCKDB_FILE}, articles.csv "
                     f"or {JSONL_FILE}); write one with 'qpdp extract --out {p}'")


def _parquet_source(out: Path, name: str) -> Any:
    """The parts of one table as a pyarrow dataset (or an empty table when there is none)."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    folder = out / name
    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith(".")) if folder.is_dir() else []
    if not files:
        return SCHEMAS[name].empty_table()
    if name in FACT_TABLES and RENAMED.keys() & set(pq.read_schema(files[0]).names):
        # parts written before the renaming: read eagerly, one by one, under the new names
        return pa.concat_tables([fit_schema(name, pq.read_table(f)) for f in files])
    # the explicit schema keeps the declared types, and fills columns an older part lacks;
    # temporary files (".name.parquet.XXXX.tmp") are skipped by the dataset's ignore_prefixes
    return ds.dataset(str(folder), format="parquet", schema=SCHEMAS[name])


def _read_parquet_table(out: Path, name: str) -> pa.Table:
    source = _parquet_source(out, name)
    return source if isinstance(source, pa.Table) else source.to_table()


def _read_csv_table(out: Path, name: str) -> pa.Table:
    import pyarrow.csv as pcsv

    target = out / f"{name}.csv"
    if not target.is_file():
        return SCHEMAS[name].empty_table()
    plain = _csv_ready(SCHEMAS[name].empty_table()).schema
    table = pcsv.read_csv(target, convert_options=pcsv.ConvertOptions(
        column_types=plain, strings_can_be_null=True, quoted_strings_can_be_null=False))
    return table


def _read_jsonl(path: Path) -> dict[str, pa.Table]:
    import gzip

    opener = gzip.open if path.name.endswith(".gz") else open

    def records() -> Iterator[Any]:
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)

    errors_path = path.with_name(ERRORS_JSONL_FILE)
    errors = []
    if errors_path.is_file() and errors_path != path:
        with open(errors_path, encoding="utf-8") as fh:
            errors = [json.loads(line) for line in fh if line.strip()]
    return to_arrow(records(), errors)


def read(out_dir: str | Path, *, tables: Iterable[str] | None = None,
         fmt: str | None = None) -> dict[str, pd.DataFrame]:
    """Load the base tables of a dataset written by :func:`write` / :func:`write_part` or
    :func:`qpdp_nlp.publish.write` (any layout of :data:`READ_FORMATS`) back as typed DataFrames,
    keyed by table name; ``tables`` limits which are loaded. (The ``comparison`` table, stored or
    computed: :func:`qpdp_nlp.publish.read`.)

    ``out_dir`` is the output folder, or a ``.duckdb`` / ``.jsonl`` file itself (the JSON Lines
    of ``qpdp extract -o`` included).
    """
    path = Path(out_dir)
    layout = fmt or detect_layout(path)
    wanted = tuple(tables) if tables is not None else TABLE_NAMES
    unknown = set(wanted) - set(TABLES)
    if unknown & set(DERIVED_TABLES):
        raise ValueError(f"{', '.join(sorted(unknown & set(DERIVED_TABLES)))}: derived from the base tables; "
                         "read it with qpdp_nlp.publish.read")
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; the dataset has {', '.join(TABLES)}")
    if layout == "parquet":
        data = {name: _read_parquet_table(path, name) for name in wanted}
    elif layout == "csv":
        data = {name: _read_csv_table(path, name) for name in wanted}
    elif layout == "duckdb":
        data = _read_duckdb(path if path.is_file() else path / DUCKDB_FILE, wanted)
    elif layout == "sqlite":
        data = _read_sqlite(path if path.is_file() else path / SQLITE_FILE, wanted)
    elif layout == "jsonl":
        everything = _read_jsonl(path if path.is_file() else path / JSONL_FILE)
        data = {name: everything[name] for name in wanted}
    else:
        raise ValueError(f"unknown format {layout!r}; use one of {', '.join(READ_FORMATS)}")
    return {name: arrow_to_frame(name, table) for name, table in data.items()}


def read_stored(out_dir: str | Path, name: str, fmt: str | None = None) -> pa.Table | None:
    """A derived table (``comparison``) as a layout stores it beside the base tables (CSV, DuckDB,
    SQLite), or None when it has none: Parquet parts and JSON Lines never carry it, and an older
    DuckDB or SQLite file may lack it or hold it empty."""
    path = Path(out_dir)
    layout = fmt or detect_layout(path)
    if layout == "csv":
        return _read_csv_table(path, name) if (path / f"{name}.csv").is_file() else None
    if layout in ("duckdb", "sqlite"):
        target = path if path.is_file() else path / (DUCKDB_FILE if layout == "duckdb" else SQLITE_FILE)
        reader = _read_duckdb if layout == "duckdb" else _read_sqlite
        table = reader(target, [name])[name]
        return table if table.num_rows else None
    return None


def _read_duckdb(target: Path, wanted: Iterable[str]) -> dict[str, pa.Table]:
    import duckdb

    con = duckdb.connect(str(target), read_only=True)
    try:
        present = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        out = {}
        for name in wanted:
            if name in present:
                out[name] = con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
            else:
                out[name] = SCHEMAS[name].empty_table()
        return out
    finally:
        con.close()


def _read_sqlite(target: Path, wanted: Iterable[str]) -> dict[str, pa.Table]:
    import sqlite3

    con = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        present = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        out = {}
        for name in wanted:
            schema = SCHEMAS[name]
            if name not in present:
                out[name] = schema.empty_table()
                continue
            cursor = con.execute(f'SELECT {", ".join(schema.names)} FROM "{name}" ORDER BY rowid')
            rows = cursor.fetchall()
            columns = {}
            for i, column in enumerate(ALL_TABLES[name]):
                values = [row[i] for row in rows]
                if column.kind == "bool":
                    values = [None if v is None else bool(v) for v in values]
                columns[column.name] = pa.array(values, type=column.arrow_type() if column.kind != "category"
                                                else pa.string())
            out[name] = fit_schema(name, pa.table(columns))
        return out
    finally:
        con.close()
