"""Cross-place comparison: indicator × place × year, with values, qualifiers and provenance.

Reads a dataset written by :func:`qpdp_nlp.dataset.write` / ``write_part`` or
:func:`qpdp_nlp.publish.write` (any layout) and gives,
for every place, year and indicator, one value and the article ids and text spans behind it.

De-duplication rule (applied in this order):

1. Articles marked as copies of another (``duplicate_of`` set) are skipped, and so are articles
   classified as not about defence (``is_defense`` false). Counts without a value, an indicator or
   a counted noun (a bare "80" in a list says not what it counts) are left out, and so is the
   indicator ``other`` unless it is asked for by name.
2. A cell is one place × year × indicator × measure. The place (``by``) is the district
   (``by="district"``: articles whose scope names a district, and defence zones beside them,
   labelled; never an article about a single commune), the defence zone (``by="zone"``: the
   "Ban Chỉ huy Phòng thủ khu vực N – <name>" of ``articles.defence_zone``), the commune
   (``by="commune"``) or the province (``by="province"``: only province-level articles — a
   district's figure is not its province's). The year is the count's own ``year`` when its
   sentence names one, else the article's ``report_year``, else the year it was published. The
   measure is what the count counts, from its unit (``data/compare_measures.tsv``: "công dân",
   "thanh niên", "cán bộ" → người; "lớp" → lớp; "tỷ đồng" → đồng; a noun not listed is a measure
   of its own) or "%" for a percentage: 300 people and 12 classes are never added up, and a
   percentage never meets an absolute number.
3. Within one article, the counts of an additive indicator are summed; the same value repeated in
   one article (headline and body) is counted once, and a part of a total is not added to it: a
   part given after its total ("giao 142 công dân nhập ngũ, trong đó có 21 đảng viên":
   ``part_of_total`` in the dataset), or parts that add up exactly to a count of the article.
   An indicator that a report gives as one total (``in_one_article`` = ``largest`` in
   ``data/compare_labels.tsv``: citizens enlisted, registered) takes the article's largest figure:
   its smaller ones are subsets or breakdowns of it (party members, graduates, volunteers, the
   recruits for the police), listed in the provenance and never added.
   A percentage (``is_percent``, or a percent indicator such as ``enlistment_target_pct``) is
   never summed: the first value in the text is taken, and different values in one article are
   listed as a conflict (``within_article``).
4. Across articles, the same value reported by several articles (follow-ups, copies the fingerprint
   missed) is counted once; different values are a conflict (``between_articles``): listed with
   their articles and spans, never summed, and the cell's value is left empty.

In steps 3 and 4, a rounded mention ("hơn 300", "gần 1.000", "khoảng 700") and an exact value
within 10% on its side ("312") are the same figure: the exact one is kept.

Two maps (the reform of 1 July 2025; ``era``). By default every article is read on the map of its
date (``articles.era``, else its publication date, else its year: 2026 on is the 2025 map), so
"Bắc Kạn 2024" and "Thái Nguyên 2026" are different rows. ``era="legacy"`` keeps the old map: a
zone that bears a legacy district's name (``successor_of``) continues that district, flagged
``approximate``; a merged 2025 province, a 2025 commune or an unnamed zone has no place there and is
listed in ``notes``. ``era="2025"`` regroups on the new map:

5. A legacy district continues as the defence zone that bears its name in the dataset
   (``approximate``: a zone covers several former districts' communes); its own figures stay in
   their own row beside the zone's, never added to them.
6. ``by="province"``: legacy provinces and districts regroup into their 2025 province (the
   gazetteer knows which legacy provinces make it up). Each legacy province is one part; its
   province-level figure stands for it, else the sum of all its districts when every one has a
   value — a province's total is never added to a district's. An additive indicator is summed
   only when every part has a value for that year (``regroup="sum"``, or ``"same"`` for a province
   that was not merged); otherwise the cell is ``incomplete``, its value empty and its ``parts``
   listed — never a silent partial sum. Percentages of several parts are never summed
   (``not_summed``). A report of the 2025 province itself (``direct``) gives the value; a complete
   sum that disagrees with it is a conflict (``regrouped``).

Confidence: a cell carries ``confidence``, the highest ``confidence`` of the counts it uses
(unknown when none has one; the lowest of its parts for a regrouped sum, unknown if a part's is).
With ``min_confidence`` the cells below it are marked (``below_min_confidence``; "?" in the text
and the charts), never dropped.

>>> from qpdp_nlp.records import ArticleRecord, Count, Scope
>>> scope = Scope(level="district", province="Bắc Kạn", district="Ba Bể")
>>> def rec(aid, text, value):
...     return ArticleRecord(article_id=aid, text=text, scope=scope, report_year=2023, counts=[
...         Count(rule="example", text=text[11:23], start=11, end=23, value=value, unit="công dân", indicator="enlisted")])
>>> result = compare(records_frames([rec("a1", "Huyện giao 150 công dân nhập ngũ.", 150),
...                                  rec("a2", "Huyện giao 150 công dân lên đường.", 150)]))
>>> result.cells[["district", "year", "indicator", "value", "n_articles"]].to_dict("records")
[{'district': 'Ba Bể', 'year': 2023, 'indicator': 'enlisted', 'value': 150.0, 'n_articles': 2}]
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import pandas as pd

from .dataset import PERCENT_INDICATORS
from .lexicons import read_table
from .measures import PERCENT, measure_of
from .provenance import outlet
from .records import INDICATORS
from .text import normalize

# A frame returned from a pandas call goes through a local typed pd.DataFrame: mypy checks for
# Python 3.10, where pandas-stubs' ``Self`` (of DataFrame(), reset_index, .loc …) is Any.

NOT_COMPARED_BY_DEFAULT = frozenset({"other"})
BY = ("district", "province", "zone", "commune")
ERAS = ("legacy", "2025")
OUTPUT_FORMATS = ("table", "csv", "markdown", "html")
REFORM_DATE = "2025-07-01"  # the two-level system: 34 provinces, no districts, defence zones
REFORM_YEAR = 2025  # the year split by the reform; from 2026 every report is on the 2025 map
REGROUPS = ("same", "sum", "incomplete", "not_summed", "direct")

PLACE_COLUMNS = ("province", "district", "zone", "commune")
CELL_COLUMNS = (
    "province", "district", "year", "indicator", "measure", "percent", "value", "min_value", "max_value",
    "qualifier", "unit", "n_articles", "conflict", "values", "articles", "spans", "lat", "lon",
    "level", "zone", "commune", "era", "approximate", "successor_of", "regroup", "complete", "parts",
    "confidence", "below_min_confidence",
    # the conflict summary, the sources and the official codes (the published ``comparison`` table)
    "n_values", "median_value", "mode_value", "n_sources", "urls", "outlets",
    "province_code", "district_code", "commune_code", "province_2025", "province_2025_code",
    "commune_code_2025", "geo_precision",
)
PROVENANCE_COLUMNS = (
    "province", "district", "year", "indicator", "measure", "percent", "article_id", "fact_index",
    "start_char", "end_char", "text", "value", "qualifier", "unit", "used", "note", "level", "zone", "commune",
    "part", "confidence", "url",
)
# How lists are joined in one cell of the published table (URLs hold no " | ").
LIST_SEPARATOR = " | "
CONFLICT_COLUMNS = (
    "kind", "province", "district", "year", "indicator", "measure", "percent", "value", "qualifier",
    "article_ids", "spans", "level", "zone", "commune", "part",
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d")
_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_RELATIVE_TOLERANCE = 1e-9
# The codes an article's scope carries, kept with its place (a cell's fallback when the gazetteer
# cannot name the code of a cell's place by its name).
_ARTICLE_CODES = ("province_code", "district_code", "commune_code", "province_2025", "province_2025_code",
                  "commune_code_2025")
ROUNDING = 0.1  # "hơn 300" agrees with an exact 312 (within 10% above), not with 350


@dataclass
class Comparison:
    """The result of :func:`compare`.

    ``cells``: one row per place × year × indicator (``CELL_COLUMNS``; ``value`` is empty for a
    conflict or an incomplete regrouping, ``min_value``/``max_value`` give the range of the
    articles' values); ``provenance``: one row per count behind a cell, with whether it was used
    and why not; ``conflicts``: one row per disagreeing value; ``notes``: what could not be placed
    on the chosen map, and why.
    """

    cells: pd.DataFrame
    provenance: pd.DataFrame
    conflicts: pd.DataFrame
    by: str = "district"
    era: str | None = None
    min_confidence: float | None = None
    notes: list[str] = field(default_factory=list)

    def indicators(self) -> list[str]:
        """Indicators present, the most covered first."""
        if self.cells.empty:
            return []
        counts = self.cells["indicator"].value_counts()
        return sorted(counts.index, key=lambda k: (-counts[k], INDICATORS.index(k) if k in INDICATORS else 99))

    def place_columns(self) -> list[str]:
        """The place columns that name something in this comparison (province always)."""
        return ["province"] + [c for c in PLACE_COLUMNS[1:]
                               if c in self.cells and self.cells[c].notna().any()]

    def wide(self, *, shown: bool = False) -> pd.DataFrame:
        """Places as rows, (indicator, measure, year) as columns, the numeric value in each cell
        (empty for a conflict or an incomplete regrouping): people and classes, or a count and a
        percentage, are never in one column. ``shown=True`` gives the display strings instead."""
        if self.cells.empty:
            empty: pd.DataFrame = pd.DataFrame()
            return empty
        place = self.place_columns()
        cells = self.cells.copy()
        cells[place] = cells[place].astype("string").fillna("")
        cells["shown"] = ([display_cell(row) for row in self.cells.itertuples()] if shown
                          else cells["value"].astype("float64"))
        wide = cells.pivot_table(index=place, columns=["indicator", "measure", "year"], values="shown",
                                 aggfunc="first", observed=True, dropna=False)
        present = set(cells[["indicator", "measure", "year"]].astype(object).itertuples(index=False, name=None))
        # a conflict-only column stays
        kept: pd.DataFrame = wide.loc[:, [c for c in wide.columns if c in present]]
        return kept

    def table(self) -> pd.DataFrame:
        """The comparison as the published ``comparison`` table (declared in
        :data:`qpdp_nlp.dataset.DERIVED_TABLES`; its columns in ``docs/codebook.md``)."""
        from .dataset import conform

        cells = self.cells
        labels = indicator_labels()
        frame = pd.DataFrame({
            "comparison_id": [cell_id(row) for row in cells.itertuples()],
            **{c: cells[c] for c in ("era", "level", "province", "province_code", "district", "district_code",
                                     "zone", "commune", "commune_code", "province_2025", "province_2025_code",
                                     "commune_code_2025", "year", "indicator")},
            "indicator_label": [labels.get(str(k), (None, None))[0] for k in cells["indicator"]],
            "measure": cells["measure"], "is_percent": cells["percent"], "value": cells["value"],
            "qualifier": cells["qualifier"], "unit": cells["unit"],
            "value_shown": [display_cell(row) for row in cells.itertuples()],
            **{c: cells[c] for c in ("n_values", "min_value", "median_value", "max_value", "mode_value",
                                     "n_articles", "n_sources", "conflict")},
            "conflict_values": cells["values"].where(cells["conflict"].fillna(False).astype(bool)),
            **{c: cells[c] for c in ("confidence", "below_min_confidence", "approximate", "successor_of",
                                     "regroup", "complete", "parts", "lat", "lon", "geo_precision")},
            "article_ids": cells["articles"].str.replace(", ", LIST_SEPARATOR, regex=False),
            "urls": cells["urls"], "outlets": cells["outlets"], "spans": cells["spans"],
        })
        return conform("comparison", frame)

    def render(self, fmt: str = "table", *, limit: int | None = None, provenance: bool = True,
               width: int | None = None) -> str:
        """The comparison as text: ``table`` (a summary line, an aligned table with long conflicts
        cut to the width, then the conflicts and the provenance), ``csv`` (the published table,
        formula-safe), ``markdown`` or ``html``. ``limit``: at most so many rows (and their
        provenance); ``provenance=False`` leaves the provenance out."""
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
        if fmt == "table":
            return _render_table(self, limit=limit, provenance=provenance, width=width)
        if fmt == "csv":
            return _render_csv(self)
        shown = self if limit is None else self.head(limit)
        return {"markdown": _render_markdown, "html": _render_html}[fmt](shown)

    def head(self, n: int) -> Comparison:
        """The first ``n`` cells, with their provenance and conflicts."""
        keep = self.cells.head(n)
        keys = _cell_keys(keep)
        return Comparison(cells=keep.reset_index(drop=True),
                          provenance=_rows_of(self.provenance, keys), conflicts=_rows_of(self.conflicts, keys),
                          by=self.by, era=self.era, min_confidence=self.min_confidence, notes=self.notes)

    def summary(self) -> str:
        """One line: how many cells, conflicts, incomplete cells, places, years, indicators."""
        cells = self.cells
        if cells.empty:
            return "0 cells"
        years = cells["year"].dropna()
        places = cells[self.place_columns()].astype("string").fillna("").drop_duplicates()
        conflicts = int(cells["conflict"].fillna(False).sum())
        valueless = int((cells["value"].isna() & ~cells["conflict"].fillna(False)).sum())
        span = f"{int(years.min())}–{int(years.max())}" if len(years) and years.min() != years.max() \
            else (str(int(years.min())) if len(years) else "?")
        return (f"{len(cells)} cells · {conflicts} conflicts · {valueless} without a value (incomplete or "
                f"not summed) · {len(places)} places · years {span} · "
                f"{cells['indicator'].nunique()} indicators · {int(cells['n_articles'].sum())} article-cells")


_CELL_KEY = ("era", "level", "province", "district", "zone", "commune", "year", "indicator", "measure")


def cell_id(row: Any) -> str:
    """A stable id of a cell: the hash of its place, year, indicator and measure (the same cell of
    a dataset rebuilt later keeps its id).

    >>> from types import SimpleNamespace as R
    >>> cell_id(R(era="legacy", level="district", province="Bắc Kạn", district="Ba Bể", zone=None,
    ...           commune=None, year=2023, indicator="enlisted", measure="người"))
    'c-9d56696c628f6e7c'
    """
    import hashlib

    key = "\x1f".join("" if _text(getattr(row, c, None)) is None else str(getattr(row, c)) for c in _CELL_KEY)
    return "c-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _cell_keys(cells: pd.DataFrame) -> set[tuple[str, ...]]:
    cols = ["province", "district", "zone", "commune", "year", "indicator", "measure"]
    return set(cells[cols].astype("string").fillna("").itertuples(index=False, name=None))


def _rows_of(frame: pd.DataFrame, keys: set[tuple[str, ...]]) -> pd.DataFrame:
    if frame.empty:
        return frame
    cols = ["province", "district", "zone", "commune", "year", "indicator", "measure"]
    mask = [k in keys for k in frame[cols].astype("string").fillna("").itertuples(index=False, name=None)]
    rows: pd.DataFrame = frame[mask].reset_index(drop=True)
    return rows


# --- loading ---------------------------------------------------------------------------------

def records_frames(records: Iterable[Any]) -> dict[str, pd.DataFrame]:
    """The ``articles`` and ``counts`` frames of records, as :func:`compare` takes them."""
    from .dataset import to_frames

    frames = to_frames(records)
    return {"articles": frames["articles"], "counts": frames["counts"]}


def _frames(dataset: str | Path | Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .dataset import conform, read

    if isinstance(dataset, Mapping):
        return conform("articles", dataset["articles"]), conform("counts", dataset["counts"])
    frames = read(dataset, tables=("articles", "counts"))
    return frames["articles"], frames["counts"]


@overload
def _fold(name: str) -> str: ...
@overload
def _fold(name: Any) -> str | None: ...
def _fold(name: Any) -> str | None:
    if name is None or name is pd.NA or (isinstance(name, float) and pd.isna(name)):
        return None
    return _PROVINCE_PREFIX.sub("", normalize(str(name)).strip()).casefold()


_PLACE_WORDS_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|xã|phường|thị trấn)\s+",
                                 re.IGNORECASE)


def loose(name: Any) -> str | None:
    """A place name as a filter compares it: no type word, no diacritics, no capitals, "đ" as "d".

    >>> loose("tỉnh Bắc Kạn") == loose("Bac Kan") == loose("BẮC KẠN"), loose("Huyện Đầm Hà"), loose(None)
    (True, 'dam ha', None)
    """
    import unicodedata

    folded = _text(name)
    if folded is None:
        return None
    folded = _PLACE_WORDS_PREFIX.sub("", normalize(folded).strip()).casefold().replace("đ", "d")
    folded = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return " ".join(folded.split())


class NoMatch(ValueError):
    """A place filter that matches nothing in the dataset; the message names the closest names."""


def _check_names(wanted: Iterable[str], articles: pd.DataFrame, columns: tuple[str, ...], what: str) -> set[str]:
    """The loose forms of ``wanted``, after checking that each matches a name in ``columns``."""
    import difflib

    names: dict[str, str] = {}
    for column in columns:
        for name in articles[column].dropna().unique():
            names.setdefault(loose(name) or "", str(name))
    out = set()
    for name in wanted:
        key = loose(name) or ""
        if key not in names:
            close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
            hint = f"; did you mean: {', '.join(names[c] for c in close)}?" if close else \
                f"; the dataset has {len(names)} {what} names (see 'qpdp compare' without --{what})"
            raise NoMatch(f"no {what} matches {name!r} in this dataset (names are matched without "
                          f"diacritics or capitals){hint}")
        out.add(key)
    return out


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    value = str(value).strip()
    return value or None


def article_year(report_year: Any, published: Any) -> int | None:
    """The year a cell files an article under: its report year, else the year it was published.

    >>> article_year(None, "2024-01-05"), article_year(2023, "2024-01-05"), article_year(None, None)
    (2024, 2023, None)
    """
    if report_year is not None and not pd.isna(report_year):
        return int(report_year)
    if published is None or pd.isna(published):
        return None
    found = _YEAR.search(str(published))
    return int(found.group()) if found else None


def article_era(era: Any, published: Any, year: int | None, zone: Any = None) -> str:
    """The map an article is read on: its ``era`` when the scope gives one, else its publication
    date against 1 July 2025, else its year (2026 on is the 2025 map; a defence zone exists only
    there), else the legacy map.

    >>> article_era(None, "2025-07-02", 2025), article_era(None, None, 2026), article_era(None, None, 2025)
    ('2025', '2025', 'legacy')
    >>> article_era("2025", None, 2024), article_era(None, None, 2025, zone="Chợ Đồn")
    ('2025', '2025')
    """
    named = _text(era)
    if named in ERAS:
        return named
    published = _text(published)
    if published and _DATE.match(published):
        return "2025" if published[:10] >= REFORM_DATE else "legacy"
    if year is not None and year > REFORM_YEAR:
        return "2025"
    return "2025" if _text(zone) else "legacy"


def zone_label(name: Any, number: Any = None) -> str | None:
    """How a defence zone is shown: "PTKV 2 – Chợ Đồn" (Ban Chỉ huy Phòng thủ khu vực 2 – Chợ Đồn).

    >>> zone_label("Chợ Đồn", 2), zone_label("Chợ Đồn"), zone_label(None, 4), zone_label(None)
    ('PTKV 2 – Chợ Đồn', 'PTKV – Chợ Đồn', 'PTKV 4', None)
    """
    name = _text(name)
    has_number = number is not None and not pd.isna(number)
    if name is None and not has_number:
        return None
    head = f"PTKV {int(number)}" if has_number else "PTKV"
    return f"{head} – {name}" if name else head


# --- the two maps (gazetteer) ----------------------------------------------------------------

@lru_cache(maxsize=1)
def _legacy_map() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, str],
                           dict[str, tuple[float, float]]]:
    """(2025 province → its legacy provinces, legacy province → its districts, legacy province →
    its 2025 province, 2025 province → coordinates), keys folded, values as the gazetteer writes them."""
    from .gazetteer import units

    parts: dict[str, list[str]] = {}
    districts: dict[str, list[str]] = {}
    now: dict[str, str] = {}
    where: dict[str, tuple[float, float]] = {}
    for unit in units("province", "2025"):
        if unit.lat is not None and unit.lon is not None:
            where[_fold(unit.name)] = (float(unit.lat), float(unit.lon))
    for unit in units("province", "legacy"):
        parts.setdefault(_fold(unit.province_2025), []).append(unit.name)
        now[_fold(unit.name)] = unit.province_2025
    for unit in units("district", "legacy"):
        if unit.code is not None:  # a district dissolved before 2025 is no part of its own
            districts.setdefault(_fold(unit.province), []).append(unit.name)
    return ({k: tuple(sorted(v)) for k, v in parts.items()}, {k: tuple(v) for k, v in districts.items()},
            now, where)


def legacy_provinces(province_2025: str) -> tuple[str, ...]:
    """The legacy provinces a 2025 province was made of (empty when the name is not a 2025 province).

    >>> legacy_provinces("Thái Nguyên"), legacy_provinces("tỉnh Nghệ An")
    (('Bắc Kạn', 'Thái Nguyên'), ('Nghệ An',))
    """
    return _legacy_map()[0].get(_fold(province_2025) or "", ())


def legacy_districts(province: str) -> tuple[str, ...]:
    """The districts of a legacy province on the eve of the reform.

    >>> len(legacy_districts("Bắc Kạn")), "Chợ Đồn" in legacy_districts("Bắc Kạn")
    (8, True)
    """
    return _legacy_map()[1].get(_fold(province) or "", ())


def province_2025_of(province: Any) -> str | None:
    """The 2025 province a legacy province belongs to.

    >>> province_2025_of("Bắc Kạn"), province_2025_of("Quảng Nam"), province_2025_of("Atlantis")
    ('Thái Nguyên', 'Đà Nẵng', None)
    """
    return _legacy_map()[2].get(_fold(province) or "")


def _key(name: Any) -> str:
    from .gazetteer import name_key

    return name_key(str(name))


# --- the comparison --------------------------------------------------------------------------

def compare(
    dataset: str | Path | Mapping[str, pd.DataFrame],
    *,
    indicators: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    provinces: Iterable[str] | None = None,
    districts: Iterable[str] | None = None,
    by: str = "district",
    era: str | None = None,
    min_confidence: float | None = None,
) -> Comparison:
    """Compare places and years, de-duplicated by the rule in this module's documentation.

    ``dataset`` is a dataset folder (or a .duckdb/.jsonl file), or frames with ``articles`` and
    ``counts``. ``provinces`` match the province at publication or after the 2025 merger, with or
    without "tỉnh"/"thành phố", diacritics or capitals ("Bac Kan" is Bắc Kạn); ``districts`` match
    a district, the district a defence zone continues, or the zone's name. A name that matches
    nothing in the dataset raises :class:`NoMatch`, which names the closest ones. ``era``: None (each article on the map of its date), ``"legacy"``
    or ``"2025"``. ``min_confidence``: cells whose confidence is below it are marked.
    """
    if by not in BY:
        raise ValueError(f"by={by!r}: use one of {', '.join(BY)}")
    if era is not None and era not in ERAS:
        raise ValueError(f"era={era!r}: use one of {', '.join(ERAS)} (or none: each article on its own map)")
    if era == "legacy" and by == "zone":
        raise ValueError("defence zones exist only on the 2025 map: use --era 2025 or no --era with --by zone")
    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise ValueError(f"min_confidence={min_confidence}: give a number between 0 and 1")
    articles, counts = _frames(dataset)
    wanted_indicators = set(indicators) if indicators else None
    unknown = (wanted_indicators or set()) - set(INDICATORS)
    if unknown:
        raise ValueError(f"unknown indicators {sorted(unknown)}; use {', '.join(INDICATORS)}")
    wanted_years = {int(y) for y in years} if years else None
    wanted_provinces = _check_names(provinces, articles, ("province", "province_2025"), "province") \
        if provinces else None
    wanted_districts = _check_names(districts, articles, ("district", "successor_of", "defence_zone"),
                                    "district") if districts else None

    notes: Counter[str] = Counter()
    places = _article_places(articles, by, era, wanted_provinces, notes, wanted_districts)
    per_article = _article_values(counts, places, wanted_indicators, wanted_years)
    cells, provenance, conflicts = _cells(per_article, places)
    if era == "2025" and by == "province":
        cells, provenance, conflicts = _regroup(cells, provenance, conflicts)
    for cell in cells:
        _fill_codes(cell)
        confidence = cell["confidence"]
        cell["below_min_confidence"] = (None if min_confidence is None or confidence is None
                                        else confidence < min_confidence)
    return Comparison(
        cells=_frame(cells, CELL_COLUMNS),
        provenance=_frame(provenance, PROVENANCE_COLUMNS, ("article_id", "start_char")),
        conflicts=_frame(conflicts, CONFLICT_COLUMNS, ("kind", "value")),
        by=by, era=era, min_confidence=min_confidence,
        notes=[f"{n} article{'s' if n > 1 else ''} not placed: {why}" for why, n in sorted(notes.items())],
    )


@lru_cache(maxsize=4096)
def _code_of(name: str, level: str, era: str, province: str | None = None) -> str | None:
    from .gazetteer import lookup

    found = {u.code for u in lookup(name, level, era=era, province=province) if u.code}
    return found.pop() if len(found) == 1 else None


def _fill_codes(cell: dict[str, Any]) -> None:
    """The official codes of a cell's place on its map (the gazetteer, by name; else the codes
    of its first article's scope), its 2025 province, and how precise its lat/lon are."""
    own = cell.pop("_codes", None) or {}
    era = cell["era"] or "legacy"
    province, district, level = cell["province"], cell["district"], cell["level"]
    cell["province_code"] = (_code_of(province, "province", era) if province else None) or own.get("province_code")
    cell["district_code"] = ((_code_of(district, "district", "legacy", province) if district and province else None)
                             or (own.get("district_code") if district else None))
    cell["commune_code"] = own.get("commune_code") if level == "commune" else None
    cell["commune_code_2025"] = own.get("commune_code_2025") if level == "commune" else None
    if era == "2025":
        cell["province_2025"] = province
        cell["province_2025_code"] = cell["province_code"]
    else:
        cell["province_2025"] = province_2025_of(province) or own.get("province_2025")
        cell["province_2025_code"] = ((_code_of(cell["province_2025"], "province", "2025")
                                       if cell["province_2025"] else None) or own.get("province_2025_code"))
    if cell["lat"] is None or pd.isna(cell["lat"]):
        cell["geo_precision"] = None
    elif level == "commune" and cell["commune_code"]:
        cell["geo_precision"] = "commune"
    elif level == "district" or (level == "zone" and cell["successor_of"]):
        cell["geo_precision"] = "district"
    else:
        cell["geo_precision"] = "province"


def _joined(lists: Iterable[Any]) -> str | None:
    items = [i for joined in lists if isinstance(joined, str) and joined for i in joined.split(LIST_SEPARATOR)]
    return LIST_SEPARATOR.join(dict.fromkeys(items)) or None


def comparison_table(dataset: str | Path | Mapping[str, pd.DataFrame], *,
                     min_confidence: float | None = None) -> pd.DataFrame:
    """The published ``comparison`` table of a dataset: every province-, district- (with the
    defence zones) and commune-level cell, each article on the map of its date (no regrouping),
    one row per place × year × indicator × measure — the levels never overlap."""
    articles, counts = _frames(dataset)
    frames = {"articles": articles, "counts": counts}
    parts = [compare(frames, by=by, min_confidence=min_confidence).table()
             for by in ("province", "district", "commune")]
    parts = [p for p in parts if len(p)]
    if not parts:
        from .dataset import conform

        return conform("comparison", pd.DataFrame())
    return pd.concat(parts, ignore_index=True)


def _native_place(row: Any) -> dict[str, Any] | None:
    """The place an article reports on, on its own map: a commune, a defence zone, a district or
    a province (with its level), or None when the scope names none of them."""
    level = _text(row.level)
    province, district, commune = _text(row.province), _text(row.district), _text(row.commune)
    zone = zone_label(row.defence_zone, row.defence_zone_number)
    if level == "commune":
        return {"level": "commune", "province": province, "district": district, "commune": commune} \
            if commune else None
    if zone and level not in ("province", "military_region", "national"):
        return {"level": "zone", "province": province, "zone": zone}
    if district and level != "province":
        return {"level": "district", "province": province, "district": district}
    if level == "province" and province:
        return {"level": "province", "province": province}
    return None


def _successor_zones(articles: pd.DataFrame) -> dict[tuple[str | None, str], str]:
    """(2025 province, legacy district name key) → the zone that bears the district's name (the
    province None when the article names none)."""
    zones: dict[tuple[str | None, str], str] = {}
    for row in articles.itertuples(index=False):
        successor, zone = _text(row.successor_of), zone_label(row.defence_zone, row.defence_zone_number)
        if successor and zone and not _present(row.duplicate_of):
            province = _text(row.province_2025) or province_2025_of(row.province) or _text(row.province)
            zones.setdefault((_fold(province), _key(successor)), zone)
    return zones


def _article_places(articles: pd.DataFrame, by: str, era: str | None, provinces: set[str] | None,
                    notes: Counter[str], districts: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """article_id → its place on the chosen map, its year and coordinates, for the articles that
    enter the comparison."""
    successors = _successor_zones(articles) if era is not None and by in ("district", "zone") else {}
    places: dict[str, dict[str, Any]] = {}
    row: Any  # a row's fields hold what their columns hold (the stubs' union is one pd.isna refuses)
    for row in articles.itertuples(index=False):
        if _present(row.duplicate_of) or _is_false(row.is_defense):
            continue
        native = _native_place(row)
        if native is None:
            continue
        if provinces is not None and not ({loose(row.province), loose(row.province_2025)} & provinces):
            continue
        if districts is not None and not ({loose(row.district), loose(row.successor_of),
                                           loose(row.defence_zone)} & districts):
            continue
        year = article_year(row.report_year, row.published)
        # a defence-zone command exists only on the 2025 map, whatever else the scope says
        own_era = "2025" if native["level"] == "zone" else article_era(row.era, row.published, year,
                                                                        row.defence_zone)
        place = _on_map(native, row, own_era, by, era, successors, notes)
        if place is None:
            continue
        url = _text(row.url)
        places[row.article_id] = {
            "level": None, "province": None, "district": None, "zone": None, "commune": None,
            "era": own_era, "approximate": False, "successor_of": None, "target": None,
            **place, "year": year,
            "lat": None if pd.isna(row.lat) else float(row.lat),
            "lon": None if pd.isna(row.lon) else float(row.lon),
            "url": url, "outlet": _text(getattr(row, "site", None)) or outlet(url),
            "codes": {c: _text(getattr(row, c, None)) for c in _ARTICLE_CODES},
        }
    return places


def _on_map(native: dict[str, Any], row: Any, own_era: str, by: str, era: str | None,
            successors: Mapping[tuple[str | None, str], str], notes: Counter[str]) -> dict[str, Any] | None:
    """Where a native place falls in a comparison ``by`` on the map ``era`` (rules 5 and 6)."""
    level = native["level"]
    wanted = {"province": ("province",), "district": ("district", "zone"), "zone": ("zone",),
              "commune": ("commune",)}[by]
    if era == "2025" and own_era == "legacy":
        target = _text(row.province_2025) or province_2025_of(native["province"]) or native["province"]
        if by == "province" and level in ("province", "district"):
            return {**native, "target": target}  # a part, regrouped by _regroup
        if by in ("district", "zone") and level == "district":
            zone = successors.get((_fold(target), _key(native["district"])))
            if zone is not None:
                return {**native, "province": target, "zone": zone, "approximate": True,
                        "successor_of": native["district"]}
            if by == "district":
                return {**native, "province": target}
            notes["a legacy district that no defence zone in the dataset bears the name of"] += 1
            return None
        if level == "commune" and by == "commune":
            notes["a legacy commune (communes are not regrouped onto the 2025 map)"] += 1
        return None
    if era == "legacy" and own_era == "2025":
        if level == "province" and by == "province":
            parts = legacy_provinces(native["province"])
            if len(parts) == 1:  # not merged: the same province on both maps
                return {**native, "province": parts[0], "era": "legacy"}
            notes[f"a report of a merged 2025 province ({native['province']}): it cannot be split "
                  "into its legacy provinces"] += 1
            return None
        if level == "zone" and by == "district":
            successor = _text(row.successor_of)
            if successor:
                province = _legacy_province_of(successor, row) or native["province"]
                return {"level": "zone", "province": province, "district": successor, "zone": native["zone"],
                        "approximate": True, "successor_of": successor}
            notes["a defence zone that bears no legacy district's name"] += 1
            return None
        if level == by:
            notes[f"a 2025 {level} (no legacy equivalent is known)"] += 1
            return None
    return native if level in wanted else None


@lru_cache(maxsize=4096)
def _legacy_province_of_district(district: Any, province: Any) -> str | None:
    """The legacy province of a legacy district named in a (legacy or 2025) province, if one."""
    from .gazetteer import lookup

    district, province = _text(district), _text(province)
    if not district or not province:
        return None
    found = {u.province for u in lookup(district, "district", era="legacy", province=province)}
    return found.pop() if len(found) == 1 else None


def _legacy_province_of(district: str, row: Any) -> str | None:
    """The legacy province of the district a zone succeeds, by code, else by name within the 2025 province."""
    from .gazetteer import by_code, lookup

    code = _text(row.successor_of_code)
    unit = by_code(code, "district") if code else None
    if unit is not None:
        return unit.province
    province_2025 = _text(row.province_2025) or _text(row.province)
    found = {u.province for u in lookup(district, "district", era="legacy", province=province_2025)} \
        if province_2025 else set()
    return found.pop() if len(found) == 1 else None


def _present(value: Any) -> bool:
    return value is not None and not pd.isna(value) and str(value) != ""


def _is_false(value: Any) -> bool:
    return not pd.isna(value) and not bool(value)


def _is_true(value: Any) -> bool:
    return not pd.isna(value) and bool(value)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))


def agrees(value: float, qualifier: str | None, other: float, other_qualifier: str | None) -> bool:
    """Whether two mentions can be the same figure: equal values, or a rounded mention ("hơn 300",
    "gần 1.000", "khoảng 700") and an exact value within :data:`ROUNDING` on the rounded side.

    >>> agrees(300, "more_than", 312, None), agrees(300, "more_than", 290, None), agrees(300, None, 312, None)
    (True, False, False)
    """
    if _same(value, other):
        return True
    if bool(qualifier) == bool(other_qualifier):
        return False
    rounded, exact, how = (value, other, qualifier) if qualifier else (other, value, other_qualifier)
    if how == "more_than":
        return rounded < exact <= rounded * (1 + ROUNDING)
    if how in ("nearly", "less_than"):
        return rounded * (1 - ROUNDING) <= exact < rounded
    if how == "about":
        return abs(exact - rounded) <= rounded * ROUNDING
    return False


# A cell's key: where (level and place), when, what and in which measure.
# The map is part of it: legacy Thái Nguyên and the 2025 Thái Nguyên are different places.
_KEY = ("era", "level", "province", "district", "zone", "commune", "year", "indicator", "measure")


@dataclass
class _ArticleValue:
    key: tuple[Any, ...]
    article_id: str
    value: float
    qualifier: str | None  # of the value: None when exact
    units: tuple[str, ...]
    counts: list[dict[str, Any]]  # the provenance rows of this article in this cell
    disagreement: bool  # percentages of one article that differ


def _article_values(counts: pd.DataFrame, places: Mapping[str, dict[str, Any]], indicators: set[str] | None,
                    years: set[int] | None) -> list[_ArticleValue]:
    """Step 3 of the rule: one value per article and cell."""
    grouped: dict[tuple[tuple[Any, ...], str], list[dict[str, Any]]] = {}
    order = counts.sort_values(["article_id", "start_char", "fact_index"], kind="stable")
    for row in order.itertuples(index=False):
        place = places.get(row.article_id)
        if place is None or pd.isna(row.value) or pd.isna(row.indicator):
            continue
        indicator = str(row.indicator)
        if indicators is not None:
            if indicator not in indicators:
                continue
        elif indicator in NOT_COMPARED_BY_DEFAULT:
            continue
        year = place["year"] if pd.isna(row.year) else int(row.year)
        if year is None or (years is not None and year not in years):
            continue
        unit = None if pd.isna(row.unit) else str(row.unit)
        measure = measure_of(unit, percent=_is_true(row.is_percent) or indicator in PERCENT_INDICATORS)
        if not measure:
            continue
        key = tuple({**place, "year": year, "indicator": indicator, "measure": measure}[k] for k in _KEY)
        grouped.setdefault((key, row.article_id), []).append({
            "article_id": row.article_id, "fact_index": int(row.fact_index), "start_char": int(row.start_char),
            "end_char": int(row.end_char), "text": str(row.text), "value": float(row.value),
            "qualifier": None if pd.isna(row.qualifier) else str(row.qualifier),
            "unit": unit, "part": _is_true(getattr(row, "part_of_total", None)),
            "confidence": None if pd.isna(row.confidence) else float(row.confidence),
        })
    return [_one_article(key, article_id, rows) for (key, article_id), rows in grouped.items()]


def _one_article(key: tuple[Any, ...], article_id: str, rows: list[dict[str, Any]]) -> _ArticleValue:  # noqa: C901 (one of today's listed exceptions: to shrink)
    percent = key[-1] == PERCENT
    parts = [row.pop("part") and not percent for row in rows]
    if all(parts):  # the total is in another cell (another measure): the parts stand alone
        parts = [False] * len(rows)
    taken: list[dict[str, Any]] = []
    parts_seen: list[dict[str, Any]] = []
    for row, part in zip(rows, parts):
        row.update(used=False, note="")
        same = next((t for t in taken if agrees(row["value"], row["qualifier"], t["value"], t["qualifier"])), None)
        if same is None and not percent and any(_same(row["value"], p["value"]) for p in parts_seen):
            # A part named again in other words ("23 công dân" … "Hai mươi ba tân binh"): still a part.
            row["note"] = "a part of the total given before it, repeated"
            continue
        if same is not None:
            if same["qualifier"] and not row["qualifier"]:  # keep the exact figure, drop the rounded one
                taken[taken.index(same)] = row
                row["used"], same["used"] = True, False
                same["note"] = "the same figure, rounded"
            else:
                row["note"] = "the same figure repeated" if _same(row["value"], same["value"]) \
                    else "the same figure, rounded"
        elif part:
            row["note"] = "part of a total given before it"
            parts_seen.append(row)
        elif percent and taken:
            row["note"] = "percentage: the first one in the article is taken"
        else:
            row["used"] = True
            taken.append(row)
    if not percent and len(taken) > 2:
        total = max(taken, key=lambda t: t["value"])
        others = [t for t in taken if t is not total]
        if _same(total["value"], sum(t["value"] for t in others)):  # the parts, then their total
            for row in others:
                row.update(used=False, note="part of the total given after it")
            taken = [total]
    if not percent and len(taken) > 1 and in_one_article(key[-2]) == "largest":
        total = max(taken, key=lambda t: t["value"])  # one report, one total: the rest are within it
        for row in taken:
            if row is not total:
                row.update(used=False, note="a smaller figure of the same report: a subset or breakdown of its total")
        taken = [total]
    if not percent and len(taken) > 1:
        for row in taken:
            row["note"] = "summed"
    value = taken[0]["value"] if percent else sum(t["value"] for t in taken)
    qualifiers = [t["qualifier"] for t in taken if t["qualifier"]]
    return _ArticleValue(
        key=key, article_id=article_id, value=value, qualifier=qualifiers[0] if qualifiers else None,
        units=tuple(dict.fromkeys(t["unit"] for t in taken if t["unit"])), counts=rows,
        disagreement=percent and any(r["note"].startswith("percentage") for r in rows))


def _span(row: Mapping[str, Any]) -> str:
    return f'{row["article_id"]}[{row["start_char"]}:{row["end_char"]}] «{row["text"]}»'


def _agreeing_groups(items: list[_ArticleValue]) -> list[list[_ArticleValue]]:
    """Articles grouped by the figure they give; each group's first item is its exact figure
    when one article gives it exactly."""
    groups: list[list[_ArticleValue]] = []
    for item in sorted(items, key=lambda i: i.qualifier is not None):  # exact figures lead
        for group in groups:
            if agrees(item.value, item.qualifier, group[0].value, group[0].qualifier):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def _max_confidence(rows: Iterable[Mapping[str, Any]]) -> float | None:
    known = [r["confidence"] for r in rows if r["used"] and r["confidence"] is not None]
    return max(known) if known else None


# (cells, provenance, conflicts), each a list of rows
_Rows = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]


def _cells(per_article: list[_ArticleValue], places: Mapping[str, dict[str, Any]]) -> _Rows:
    """Step 4 of the rule: one row per cell, conflicts listed, provenance kept."""
    by_cell: dict[tuple[Any, ...], list[_ArticleValue]] = {}
    for item in per_article:
        by_cell.setdefault(item.key, []).append(item)
    cells, provenance, conflicts = [], [], []
    for number, (key, items) in enumerate(by_cell.items()):
        where = dict(zip(_KEY, key))
        measure = where["measure"]
        where["percent"] = measure == PERCENT
        first = places[items[0].article_id]
        groups = _agreeing_groups(items)
        conflict = len(groups) > 1
        coords = [(places[i.article_id]["lat"], places[i.article_id]["lon"]) for i in items
                  if places[i.article_id]["lat"] is not None and places[i.article_id]["lon"] is not None]
        cells.append({
            **where,
            "value": None if conflict else groups[0][0].value,
            "min_value": min(g[0].value for g in groups),
            "max_value": max(g[0].value for g in groups),
            "qualifier": None if conflict else groups[0][0].qualifier,
            "unit": ", ".join(dict.fromkeys(u for i in items for u in i.units)) or None,
            "n_articles": len(items),
            "conflict": conflict,
            "values": " ≠ ".join(f"{_shown(g[0].value, g[0].qualifier, measure)} "
                                 f"({', '.join(i.article_id for i in g)})" for g in groups),
            "articles": ", ".join(i.article_id for i in items),
            "spans": "; ".join(_span(r) for i in items for r in i.counts if r["used"]),
            "lat": coords[0][0] if coords else None,
            "lon": coords[0][1] if coords else None,
            "approximate": first["approximate"], "successor_of": first["successor_of"],
            "regroup": None, "complete": None, "parts": None,
            "confidence": _max_confidence(r for i in items for r in i.counts),
            **_summary(groups, [places[i.article_id] for i in items]),
            "_id": number, "_target": first["target"], "_codes": first["codes"],
        })
        if conflict:
            for group in groups:
                conflicts.append({"kind": "between_articles", **where, "value": group[0].value,
                                  "qualifier": group[0].qualifier, "_cell": number,
                                  "article_ids": ", ".join(i.article_id for i in group),
                                  "spans": "; ".join(_span(r) for i in group for r in i.counts if r["used"])})
        for item in items:
            if item.disagreement:
                for row in item.counts:
                    if row["used"] or row["note"].startswith("percentage"):
                        conflicts.append({"kind": "within_article", **where, "value": row["value"],
                                          "qualifier": row["qualifier"], "_cell": number,
                                          "article_ids": item.article_id, "spans": _span(row)})
            for row in item.counts:
                provenance.append({**where, **row, "url": places[item.article_id]["url"], "_cell": number})
    return cells, provenance, conflicts


def _summary(groups: list[list[_ArticleValue]], places: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The conflict summary of a cell and its sources: number of distinct figures, the median of
    the articles' figures, the figure most articles give (None on a tie), independent outlets."""
    figures = sorted(g[0].value for g in groups for _ in g)
    sizes = sorted((len(g) for g in groups), reverse=True)
    mode = max(groups, key=len)[0].value if len(sizes) == 1 or sizes[0] > sizes[1] else None
    outlets = list(dict.fromkeys(p["outlet"] for p in places if p["outlet"]))
    return {
        "n_values": len(groups),
        "median_value": float(pd.Series(figures).median()) if figures else None,
        "mode_value": mode,
        "n_sources": len(outlets) + sum(1 for p in places if not p["outlet"]),
        "urls": LIST_SEPARATOR.join(dict.fromkeys(p["url"] for p in places if p["url"])) or None,
        "outlets": LIST_SEPARATOR.join(outlets) or None,
    }


def _part_name(cell: Mapping[str, Any]) -> str:
    return " · ".join(str(cell[c]) for c in ("province", "district") if cell[c])


def _regroup(cells: list[dict[str, Any]], provenance: list[dict[str, Any]],
             conflicts: list[dict[str, Any]]) -> _Rows:
    """Rule 6: legacy provinces and districts into their 2025 province, summed only when complete."""
    targets: dict[tuple[Any, ...], dict[str, Any]] = {}
    for cell in cells:
        province = cell["_target"] or cell["province"]
        key = (_fold(province), cell["year"], cell["indicator"], cell["measure"])
        slot = targets.setdefault(key, {"name": province, "direct": None, "provinces": {}, "districts": {}})
        if cell["_target"] is None:
            slot["direct"] = cell
        elif cell["level"] == "province":
            slot["provinces"][_fold(cell["province"])] = cell
        else:
            slot["districts"].setdefault(_fold(cell["province"]), {})[_key(cell["district"])] = cell
    out, moved = [], {}
    for slot in targets.values():
        merged = _regrouped_cell(slot)
        out.append(merged)
        for part in (*slot["provinces"].values(), *(c for d in slot["districts"].values() for c in d.values())):
            moved[part["_id"]] = (merged, _part_name(part))
    for row in (*provenance, *conflicts):
        target = moved.get(row["_cell"])
        if target is not None:
            merged, part = target
            row.update({k: merged[k] for k in ("level", "province", "district", "zone", "commune")}, part=part)
    return out, provenance, conflicts


def _regrouped_cell(slot: Mapping[str, Any]) -> dict[str, Any]:
    """One 2025-province cell from its legacy parts (and the 2025 province's own report, if any)."""
    direct = slot["direct"]
    sample = direct or next(iter(slot["provinces"].values()), None) \
        or next(iter(next(iter(slot["districts"].values())).values()))
    measure = sample["measure"]
    percent = measure == PERCENT
    names = legacy_provinces(slot["name"]) or tuple(
        dict.fromkeys([*(c["province"] for c in slot["provinces"].values()),
                       *(c["province"] for d in slot["districts"].values() for c in d.values())]))
    used, lines, complete = [], [], True
    for name in names:
        value, line, cells_of_part = _part_value(name, slot, measure)
        lines.append(line)
        if value is None:
            complete = False
        else:
            used.append((value, cells_of_part))
    parts = [c for _, cs in used for c in cs]
    if not slot["provinces"] and not slot["districts"]:  # only the 2025 province's own report
        return {**direct, "era": "2025", "regroup": "direct"}
    if percent and len(names) > 1:
        regroup, value, qualifier = "not_summed", None, None
    elif complete:
        regroup = "same" if len(names) == 1 else "sum"
        value = sum(v for v, _ in used)
        qualifiers = {c["qualifier"] for c in parts if c["qualifier"]}
        qualifier = qualifiers.pop() if len(qualifiers) == 1 else ("about" if qualifiers else None)
    else:
        regroup, value, qualifier = "incomplete", None, None
    confidences = [c["confidence"] for c in parts]
    confidence = min(confidences) if confidences and None not in confidences else None
    every = [*([direct] if direct else []), *slot["provinces"].values(),
             *(c for d in slot["districts"].values() for c in d.values())]
    lat_lon = _legacy_map()[3].get(_fold(slot["name"]) or "", (None, None))
    cell = {
        "level": "province", "province": slot["name"], "district": None, "zone": None, "commune": None,
        "year": sample["year"], "indicator": sample["indicator"], "measure": measure, "percent": percent,
        "value": value, "min_value": value, "max_value": value, "qualifier": qualifier,
        "unit": ", ".join(dict.fromkeys(u for c in every if c["unit"] for u in c["unit"].split(", "))) or None,
        "n_articles": len({a for c in every for a in c["articles"].split(", ")}),
        "conflict": False, "values": "; ".join(lines),
        "articles": ", ".join(dict.fromkeys(a for c in every for a in c["articles"].split(", "))),
        "spans": "; ".join(c["spans"] for c in every if c["spans"]),
        "lat": lat_lon[0], "lon": lat_lon[1], "era": "2025", "approximate": False, "successor_of": None,
        "regroup": regroup, "complete": complete, "parts": "; ".join(lines), "confidence": confidence,
        "n_values": 1 if value is not None else 0, "median_value": value, "mode_value": value,
        "urls": _joined(c["urls"] for c in every), "outlets": _joined(c["outlets"] for c in every),
        "_codes": {},
    }
    cell["n_sources"] = len(cell["outlets"].split(LIST_SEPARATOR)) if cell["outlets"] else cell["n_articles"]
    if direct is not None:
        cell.update(regroup="direct", value=direct["value"], qualifier=direct["qualifier"],
                    conflict=direct["conflict"], confidence=direct["confidence"],
                    min_value=direct["min_value"], max_value=direct["max_value"],
                    values=direct["values"], lat=direct["lat"] or cell["lat"], lon=direct["lon"] or cell["lon"],
                    n_values=direct["n_values"], median_value=direct["median_value"],
                    mode_value=direct["mode_value"])
        if (not percent and regroup == "sum" and value is not None and direct["value"] is not None
                and not agrees(value, qualifier, direct["value"], direct["qualifier"])):
            cell.update(conflict=True, value=None, qualifier=None, n_values=2, mode_value=None,
                        median_value=(value + direct["value"]) / 2,
                        min_value=min(value, direct["value"]), max_value=max(value, direct["value"]),
                        values=f"{direct['values']} ≠ {_shown(value, qualifier, measure)} (Σ {'; '.join(lines)})")
    return cell


def _part_value(name: str, slot: Mapping[str, Any],
                measure: str) -> tuple[float | None, str, list[dict[str, Any]]]:
    """One legacy province's value in a regrouped cell: its own report, else all its districts."""
    own = slot["provinces"].get(_fold(name))
    if own is not None:
        if own["conflict"]:
            return None, f"{name}: xung đột ({own['values']})", []
        return own["value"], f"{name}: {_shown(own['value'], own['qualifier'], measure)}", [own]
    found = slot["districts"].get(_fold(name), {})
    required = legacy_districts(name)
    listed = ", ".join(f"{c['district']} {'xung đột' if c['conflict'] else _shown(c['value'], c['qualifier'], measure)}"
                       for c in found.values())
    have = [found[_key(d)] for d in required if _key(d) in found and not found[_key(d)]["conflict"]]
    if required and len(have) == len(required) and measure != PERCENT:
        total = sum(c["value"] for c in have)
        return total, f"{name}: {_shown(total, None, measure)} (Σ {len(have)} huyện)", have
    if not found:
        return None, f"{name}: thiếu", []
    return None, f"{name}: thiếu ({len(have)}/{len(required) or '?'} huyện: {listed})", []


def _shown(value: float, qualifier: str | None, measure: str) -> str:
    words = QUALIFIER_WORDS.get(qualifier or "", "")
    return f"{words} {format_value(value, measure)}".strip()


# The dtypes of the comparison's frames (cells, provenance, conflicts), by column name.
_DTYPES = {
    "province": "string", "district": "string", "year": "Int64", "indicator": "string", "measure": "string",
    "percent": "boolean", "value": "Float64", "min_value": "Float64", "max_value": "Float64",
    "qualifier": "string", "unit": "string", "n_articles": "Int64", "conflict": "boolean",
    "values": "string", "articles": "string", "spans": "string", "lat": "Float64", "lon": "Float64",
    "article_id": "string", "text": "string",
    "used": "boolean", "note": "string", "kind": "string", "article_ids": "string",
    "level": "string", "zone": "string", "commune": "string", "era": "string", "approximate": "boolean",
    "successor_of": "string", "regroup": "string", "complete": "boolean", "parts": "string",
    "confidence": "Float64", "below_min_confidence": "boolean", "part": "string",
    "fact_index": "Int64", "start_char": "Int64", "end_char": "Int64", "url": "string",
    "n_values": "Int64", "median_value": "Float64", "mode_value": "Float64", "n_sources": "Int64",
    "urls": "string", "outlets": "string", "province_code": "string", "district_code": "string",
    "commune_code": "string", "province_2025": "string", "province_2025_code": "string",
    "commune_code_2025": "string", "geo_precision": "string",
}


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...], then: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows → a typed frame, sorted by place (a zone beside the districts it continues), year,
    indicator (in the order of :data:`INDICATORS`) and measure."""
    frame: pd.DataFrame = pd.DataFrame(rows, columns=list(columns))
    frame = frame.astype({c: _DTYPES[c] for c in columns})
    if not frame.empty:
        rank = {k: i for i, k in enumerate(INDICATORS)}
        line = frame["zone"].fillna(frame["district"]).fillna(frame["commune"])
        frame = frame.assign(_rank=frame["indicator"].map(lambda k: rank.get(k, len(rank))), _line=line)
        keys = ["province", "_line", "year", "_rank", "measure", "district", *then]
        frame = frame.sort_values(keys, kind="stable", na_position="last").drop(columns=["_rank", "_line"])
    ordered: pd.DataFrame = frame.reset_index(drop=True)
    return ordered


# --- display ---------------------------------------------------------------------------------

QUALIFIER_WORDS = {"more_than": "hơn", "nearly": "gần", "about": "khoảng", "less_than": "dưới"}


_MONEY_SCALES = ((1e9, "tỷ"), (1e6, "triệu"))


def format_value(value: Any, measure: str) -> str:
    """A value of a measure as a reader says it: money in tỷ/triệu, percentages with "%".

    >>> format_value(4_200_000_000, "đồng"), format_value(90_500_000, "đồng"), format_value(95, "%")
    ('4,2 tỷ', '90,5 triệu', '95%')
    """
    if measure == PERCENT:
        return format_number(value) + "%"
    if measure == "đồng" and value is not None and not pd.isna(value):
        for scale, word in _MONEY_SCALES:
            if abs(float(value)) >= scale:
                return f"{format_number(round(float(value) / scale, 2))} {word}"
    return format_number(value)


def format_number(value: Any) -> str:
    """A value as a Vietnamese reader writes it: thousands with dots, decimals with a comma.

    >>> format_number(1200), format_number(2.5), format_number(2000000000)
    ('1.200', '2,5', '2.000.000.000')
    """
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}".replace(",", ".")
    whole, _, frac = f"{value:,.2f}".rstrip("0").partition(".")
    return f"{whole.replace(',', '.')},{frac}" if frac else whole.replace(",", ".")


def _flag(value: Any) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def display_cell(row: Any) -> str:
    """What a cell shows: "hơn 300", "100%", "xung đột: …" for a conflict, "chưa đủ" for a 2025
    province whose legacy parts are not all known, "không cộng %" for percentages of several parts;
    " ?" after a cell below the minimum confidence."""
    regroup = getattr(row, "regroup", None)
    regroup = None if regroup is None or pd.isna(regroup) else str(regroup)
    if row.conflict:
        shown = "xung đột: " + str(row.values)
    elif regroup == "incomplete":
        shown = "chưa đủ"
    elif regroup == "not_summed":
        shown = "không cộng %"
    else:
        shown = _shown(row.value, None if pd.isna(row.qualifier) else str(row.qualifier), str(row.measure))
    return shown + (" ?" if _flag(getattr(row, "below_min_confidence", None)) else "")


def place_label(row: Any, by: str = "district") -> str:
    """The name of a cell's place, as tables and charts show it: the commune, the defence zone
    ("PTKV 2 – Chợ Đồn"), the district ("Chợ Đồn (cũ)" on the 2025 map; "huyện Chợ Đồn ≈ PTKV 2 – Chợ Đồn"
    where the zone continues it), or the province."""
    def get(name: str) -> str | None:
        return _text(getattr(row, name, None))

    level, district, zone, commune = get("level"), get("district"), get("zone"), get("commune")
    if commune and by == "commune":
        return commune
    if _flag(getattr(row, "approximate", None)) and district and zone:
        return f"{district} (cũ) ≈ {zone}" if level == "district" else f"{zone} ≈ {district} (cũ)"
    if zone and by in ("zone", "district"):
        return zone
    if district and by in ("district", "zone"):
        return f"{district} (cũ)" if get("era") == "legacy" and level == "district" and by == "zone" else district
    return get("province") or ""


def _note(row: Any) -> str:
    """What a reader must know about a cell besides its value."""
    notes = []
    if _flag(getattr(row, "approximate", None)):
        notes.append(f"≈ tiếp nối huyện {row.successor_of}")
    regroup = getattr(row, "regroup", None)
    if regroup is not None and not pd.isna(regroup):
        notes.append({"same": "tỉnh không sáp nhập", "sum": "tổng đủ các phần", "incomplete": "thiếu phần",
                      "not_summed": "tỷ lệ: không cộng", "direct": "báo cáo của tỉnh mới"}[str(regroup)])
    return "; ".join(notes)


def _shown_cells(result: Comparison) -> pd.DataFrame:
    cells = result.cells
    columns: dict[str, Any] = {c: cells[c] for c in result.place_columns()}
    columns.update({
        "year": cells["year"],
        "indicator": cells["indicator"],
        "measure": cells["measure"],
        "value": [display_cell(row) for row in cells.itertuples()],
        "unit": cells["unit"],
        "articles": cells["n_articles"],
    })
    if result.min_confidence is not None or cells["confidence"].notna().any():
        columns["confidence"] = [format_number(round(float(v), 2)) if not pd.isna(v) else "—"
                                 for v in cells["confidence"]]
    notes = [_note(row) for row in cells.itertuples()]
    if any(notes):
        columns["note"] = notes
    columns["sources"] = cells["spans"]
    shown: pd.DataFrame = pd.DataFrame(columns).astype("string").fillna("")
    return shown


def _indicator_name(indicator: str, measure: str) -> str:
    return f"{indicator} ({measure})" if measure else indicator


def _where(row: Any) -> str:
    return " · ".join(str(getattr(row, c)) for c in PLACE_COLUMNS if not pd.isna(getattr(row, c)))


def _conflict_lines(result: Comparison) -> list[str]:
    """Each conflicting cell with its figures side by side and its summary, then every value
    with the spans behind it."""
    lines = []
    row: Any  # a row's fields hold what their columns hold (the stubs' union is one pd.isna refuses)
    for row in result.cells[result.cells["conflict"].fillna(False).astype(bool)].itertuples():
        mode = "none" if pd.isna(row.mode_value) else format_value(row.mode_value, str(row.measure))
        lines.append(f"  {_where(row)} · {row.year} · {_indicator_name(row.indicator, row.measure)}: "
                     f"{row.values} — {row.n_values} figures, median "
                     f"{format_value(row.median_value, str(row.measure))}, most reported {mode}")
    for row in result.conflicts.itertuples():
        what = "between articles" if row.kind == "between_articles" else "within one article"
        part = f" [{row.part}]" if not pd.isna(row.part) else ""
        qualifier = None if pd.isna(row.qualifier) else str(row.qualifier)
        lines.append(f"    {_where(row)} · {row.year} · {_indicator_name(row.indicator, row.measure)}{part} ({what}): "
                     f"{_shown(row.value, qualifier, str(row.measure))} ← {row.spans}")
    return lines


def _confidence_lines(result: Comparison) -> list[str]:
    if result.min_confidence is None:
        return []
    below = int(result.cells["below_min_confidence"].fillna(False).sum())
    unknown = int(result.cells["confidence"].isna().sum())
    return ["", f"Confidence: ? = below {format_number(result.min_confidence)} ({_cells_word(below)}, kept and "
                f"marked); {_cells_word(unknown)} of unknown confidence (no count behind them has one)."]


def _cells_word(n: int) -> str:
    return f"{n} cell" + ("" if n == 1 else "s")


def _cut(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters ("…" where cut)."""
    text = str(text)
    indent = text[: len(text) - len(text.lstrip(" "))]
    text = indent + " ".join(text.split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


_VALUE_WIDTH = 28  # a conflict "150 (a1) ≠ 160 (a2) ≠ …" is cut here in the table; listed in full below


def _rich_table(shown: pd.DataFrame, width: int) -> str:
    from io import StringIO

    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    needed = 0
    for column in shown.columns:
        numeric = column in ("year", "articles", "confidence")
        cap = _VALUE_WIDTH if column in ("value", "note", "unit") else 40
        longest = min(cap, max([len(column), *(len(str(v)) for v in shown[column])]))
        needed += longest + 3
        table.add_column(column, justify="right" if numeric else "left", overflow="ellipsis",
                         no_wrap=True, min_width=longest, max_width=cap)
    for row in shown.itertuples(index=False):
        table.add_row(*(str(v) for v in row))
    # never squeezed below the capped widths: a long table scrolls rather than hiding names
    buffer = StringIO()
    console = Console(file=buffer, width=max(width, needed), color_system=None, force_terminal=False,
                      force_interactive=False, legacy_windows=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _render_table(result: Comparison, *, limit: int | None = None, provenance: bool = True,
                  width: int | None = None) -> str:
    import shutil

    width = width or max(80, shutil.get_terminal_size((120, 40)).columns)
    if result.cells.empty:
        lines = ["No comparable counts (see 'qpdp compare --help' for what enters the comparison)."]
        return "\n".join(lines + (["", "Notes:"] + [f"  {n}" for n in result.notes] if result.notes else []))
    total = len(result.cells)
    lines = [result.summary()]
    if limit is not None and limit < total:
        result = result.head(limit)
    lines += ["", _rich_table(_shown_cells(result).drop(columns="sources"), width)]
    if len(result.cells) < total:
        lines.append(f"… {total - len(result.cells)} more rows (raise --limit, or --format csv for all)")
    lines += _confidence_lines(result)
    regrouped = result.cells[result.cells["parts"].notna()]
    row: Any  # a row's fields hold what their columns hold (the stubs' union is one pd.isna refuses)
    if len(regrouped):
        lines += ["", "On the 2025 map (legacy parts of each 2025 province; summed only when all are known):"]
        for row in regrouped.itertuples():
            lines.append(_cut(f"  {row.province} · {row.year} · {_indicator_name(row.indicator, row.measure)}: "
                              f"{display_cell(row)} ← {row.parts}", width))
    if not result.conflicts.empty:
        within = int(result.conflicts["kind"].eq("within_article").sum())
        lines += ["", f"Conflicts ({int(result.cells['conflict'].sum())} cells, {within} within-article values):"]
        lines += [_cut(line, width) for line in _conflict_lines(result)]
    if result.notes:
        lines += ["", "Not placed on this map:"] + [f"  {n}" for n in result.notes]
    if not provenance:
        return "\n".join(lines)
    lines += ["", "Provenance (article[start:end] «text»; * = not used, with the reason):"]
    keys = [*PLACE_COLUMNS, "year", "indicator", "measure"]
    for values, group in result.provenance.groupby(keys, dropna=False, sort=False):
        where: dict[str, Any] = dict(zip(keys, values))
        place = " · ".join(str(where[c]) for c in PLACE_COLUMNS if not pd.isna(where[c]))
        lines.append(f"  {place} · {where['year']} · {_indicator_name(where['indicator'], where['measure'])}:")
        for row in group.itertuples():
            mark = " " if row.used else "*"
            note = f"  ({row.note})" if not row.used else ""
            part = f"[{row.part}] " if not pd.isna(row.part) else ""
            lines.append(_cut(f"   {mark} {part}{_span(row._asdict())} = "
                              f"{format_value(row.value, str(where['measure']))}{note}", width))
    return "\n".join(lines)


def _render_csv(result: Comparison) -> str:
    """The published table as CSV: nulls empty, cells a spreadsheet would run as a formula
    ("=HYPERLINK(…)" in a title or a span) prefixed with "'" (:func:`qpdp_nlp.dataset._csv_ready`)."""
    import io

    import pyarrow.csv as pcsv

    from .dataset import _csv_ready, frame_to_arrow

    sink = io.BytesIO()
    pcsv.write_csv(_csv_ready(frame_to_arrow("comparison", result.table())), sink,
                   write_options=pcsv.WriteOptions(quoting_style="all_valid"))
    return sink.getvalue().decode("utf-8")


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        return "" if pd.isna(value) else str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _render_markdown(result: Comparison) -> str:
    parts = [_markdown_table(_shown_cells(result))]
    parts += [line.strip() for line in _confidence_lines(result)]
    if not result.conflicts.empty:
        conflicts = result.conflicts.assign(value=[
            _shown(v, None if pd.isna(q) else str(q), str(m)) for v, q, m in
            zip(result.conflicts["value"], result.conflicts["qualifier"], result.conflicts["measure"])])
        conflicts = conflicts.dropna(axis="columns", how="all")
        parts += ["", "**Conflicts**", "", _markdown_table(conflicts.drop(columns="percent"))]
    if result.notes:
        parts += ["", "**Not placed on this map**", ""] + [f"- {n}" for n in result.notes]
    return "\n".join(parts) + "\n"


_PLACE_WORDS = {"district": "huyện", "province": "tỉnh", "zone": "khu vực phòng thủ", "commune": "xã, phường"}


def _render_html(result: Comparison) -> str:
    body = _shown_cells(result).to_html(index=False, escape=True, na_rep="")
    if not result.conflicts.empty:
        body += "\n<h2>Xung đột (conflicts)</h2>\n" + result.conflicts.to_html(index=False, escape=True, na_rep="")
    if result.notes:
        body += "\n<h2>Không xếp được trên bản đồ này</h2>\n<ul>" + "".join(
            f"<li>{html.escape(n)}</li>" for n in result.notes) + "</ul>"
    era = {"2025": ", bản đồ hành chính từ 1/7/2025", "legacy": ", bản đồ hành chính trước 1/7/2025"}.get(
        result.era or "", "")
    title = html.escape(f"So sánh chỉ tiêu theo {_PLACE_WORDS[result.by]}{era}")
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body>\n<h1>{title}</h1>\n{body}\n</body></html>\n")


# --- labels ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def indicator_labels() -> dict[str, tuple[str, str]]:
    """indicator → (Vietnamese label, its main measure), from ``data/compare_labels.tsv``."""
    return {row["indicator"]: (row["label"].strip(), row["measure"].strip())
            for row in read_table("compare_labels.tsv", pad=True)}


@lru_cache(maxsize=1)
def _combine_rules() -> dict[str, str]:
    return {row["indicator"]: (row["in_one_article"].strip() or "sum")
            for row in read_table("compare_labels.tsv", pad=True)}


def in_one_article(indicator: str) -> str:
    """How one article's counts of an indicator combine (``data/compare_labels.tsv``): ``sum``
    (components: 212 cán bộ and 64 người có uy tín trained) or ``largest`` (an enlistment report gives
    one total; its smaller figures — 27 đảng viên, 22 công dân for the police — are within it).

    >>> in_one_article("enlisted"), in_one_article("militia"), in_one_article("drones")
    ('largest', 'sum', 'sum')
    """
    return _combine_rules().get(indicator, "sum")
