"""Cross-district comparison: indicator × district × year, with values, qualifiers and provenance.

Reads a dataset written by :func:`qpdp_nlp.dataset.write` / ``write_part`` (any layout) and gives,
for every place, year and indicator, one value and the article ids and text spans behind it.

De-duplication rule (applied in this order):

1. Articles marked as copies of another (``duplicate_of`` set) are skipped, and so are articles
   classified as not about defence (``is_defense`` false). Counts without a value, an indicator or
   a counted noun (a bare "80" in a list says not what it counts) are left out, and so is the
   indicator ``other`` unless it is asked for by name.
2. A cell is one place × year × indicator × measure. The place is the district
   (``by="district"``: only articles whose scope names a district and is not about a single
   commune) or the province (``by="province"``: only province-level articles — a district's figure
   is not its province's). The year is the article's ``report_year``, else the year it was
   published. The measure is what the count counts, from its unit (``data/compare_measures.tsv``:
   "công dân", "thanh niên", "cán bộ" → người; "lớp" → lớp; "tỷ đồng" → đồng; a noun not listed is
   a measure of its own) or "%" for a percentage: 300 people and 12 classes are never added up,
   and a percentage never meets an absolute number.
3. Within one article, the counts of an additive indicator are summed; the same value repeated in
   one article (headline and body) is counted once, and a part of a total is not added to it: a
   part given after its total ("giao 142 công dân nhập ngũ, trong đó có 21 đảng viên":
   ``part_of_total`` in the dataset), or parts that add up exactly to a count of the article.
   A percentage (``is_percent``, or a percent indicator such as ``enlistment_target_pct``) is
   never summed: the first value in the text is taken, and different values in one article are
   listed as a conflict (``within_article``).
4. Across articles, the same value reported by several articles (follow-ups, copies the fingerprint
   missed) is counted once; different values are a conflict (``between_articles``): listed with
   their articles and spans, never summed, and the cell's value is left empty.

In steps 3 and 4, a rounded mention ("hơn 300", "gần 1.000", "khoảng 700") and an exact value
within 10% on its side ("312") are the same figure: the exact one is kept.

>>> from qpdp_nlp.records import ArticleRecord, Count, Scope
>>> scope = Scope(level="district", province="Bắc Kạn", district="Ba Bể")
>>> def rec(aid, text, value):
...     return ArticleRecord(article_id=aid, text=text, scope=scope, report_year=2023, counts=[
...         Count(text=text[11:23], start=11, end=23, value=value, unit="công dân", indicator="enlisted")])
>>> result = compare(records_frames([rec("a1", "Huyện giao 150 công dân nhập ngũ.", 150),
...                                  rec("a2", "Huyện giao 150 công dân lên đường.", 150)]))
>>> result.cells[["district", "year", "indicator", "value", "n_articles"]].to_dict("records")
[{'district': 'Ba Bể', 'year': 2023, 'indicator': 'enlisted', 'value': 150.0, 'n_articles': 2}]
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .records import INDICATORS
from .lexicons import read_table
from .text import normalize

PERCENT_INDICATORS = frozenset({"enlistment_target_pct"})
PERCENT = "%"
NOT_COMPARED_BY_DEFAULT = frozenset({"other"})
BY = ("district", "province")
OUTPUT_FORMATS = ("table", "csv", "markdown", "html")

CELL_COLUMNS = (
    "province", "district", "year", "indicator", "measure", "percent", "value", "min_value", "max_value",
    "qualifier", "unit", "n_articles", "conflict", "values", "articles", "spans", "lat", "lon",
)
PROVENANCE_COLUMNS = (
    "province", "district", "year", "indicator", "measure", "percent", "article_id", "index", "start", "end",
    "text", "value", "qualifier", "unit", "used", "note",
)
CONFLICT_COLUMNS = (
    "kind", "province", "district", "year", "indicator", "measure", "percent", "value", "qualifier",
    "article_ids", "spans",
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_FIRST_NOUN = re.compile(r"\s*(?:,|\bvà\b|\bhoặc\b|/)\s*")  # "xã, thị trấn" → "xã"
_RELATIVE_TOLERANCE = 1e-9
ROUNDING = 0.1  # "hơn 300" agrees with an exact 312 (within 10% above), not with 350


@dataclass
class Comparison:
    """The result of :func:`compare`.

    ``cells``: one row per place × year × indicator (``CELL_COLUMNS``; ``value`` is empty for a
    conflict, ``min_value``/``max_value`` give the range of the articles' values); ``provenance``: one row per
    count behind a cell, with whether it was used and why not; ``conflicts``: one row per
    disagreeing value.
    """

    cells: pd.DataFrame
    provenance: pd.DataFrame
    conflicts: pd.DataFrame
    by: str = "district"

    def indicators(self) -> list[str]:
        """Indicators present, the most covered first."""
        if self.cells.empty:
            return []
        counts = self.cells["indicator"].value_counts()
        return sorted(counts.index, key=lambda k: (-counts[k], INDICATORS.index(k) if k in INDICATORS else 99))

    def wide(self) -> pd.DataFrame:
        """Places as rows, (indicator, year) as columns, the display value in each cell."""
        if self.cells.empty:
            return pd.DataFrame()
        shown = self.cells.assign(shown=[display_cell(row) for row in self.cells.itertuples()])
        place = ["province", "district"] if self.by == "district" else ["province"]
        return shown.pivot_table(index=place, columns=["indicator", "year"], values="shown",
                                 aggfunc="first", observed=True)

    def render(self, fmt: str = "table") -> str:
        """The comparison as text: ``table`` (aligned, with conflicts and provenance), ``csv``,
        ``markdown`` or ``html``."""
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
        return {"table": _render_table, "csv": _render_csv, "markdown": _render_markdown,
                "html": _render_html}[fmt](self)


# --- loading ---------------------------------------------------------------------------------

def records_frames(records: Iterable[Any]) -> dict[str, pd.DataFrame]:
    """The ``articles`` and ``counts`` frames of records, as :func:`compare` takes them."""
    from .dataset import to_frames

    frames = to_frames(records)
    return {"articles": frames["articles"], "counts": frames["counts"]}


def _frames(dataset: str | Path | Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    if isinstance(dataset, Mapping):
        return dataset["articles"], dataset["counts"]
    from .dataset import read

    frames = read(dataset, tables=("articles", "counts"))
    return frames["articles"], frames["counts"]


def _fold(name: Any) -> str | None:
    if name is None or name is pd.NA or (isinstance(name, float) and pd.isna(name)):
        return None
    return _PROVINCE_PREFIX.sub("", normalize(str(name)).strip()).casefold()


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


# --- the comparison --------------------------------------------------------------------------

def compare(
    dataset: str | Path | Mapping[str, pd.DataFrame],
    *,
    indicators: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    provinces: Iterable[str] | None = None,
    by: str = "district",
) -> Comparison:
    """Compare places and years, de-duplicated by the rule in this module's documentation.

    ``dataset`` is a dataset folder (or a .duckdb/.jsonl file), or frames with ``articles`` and
    ``counts``. ``provinces`` match the province at publication or after the 2025 merger, with or
    without "tỉnh"/"thành phố".
    """
    if by not in BY:
        raise ValueError(f"by={by!r}: use one of {', '.join(BY)}")
    articles, counts = _frames(dataset)
    wanted_indicators = set(indicators) if indicators else None
    unknown = (wanted_indicators or set()) - set(INDICATORS)
    if unknown:
        raise ValueError(f"unknown indicators {sorted(unknown)}; use {', '.join(INDICATORS)}")
    wanted_years = {int(y) for y in years} if years else None
    wanted_provinces = {_fold(p) for p in provinces} if provinces else None

    places = _article_places(articles, by, wanted_years, wanted_provinces)
    per_article = _article_values(counts, places, wanted_indicators)
    return _cells(per_article, places, by)


def _article_places(articles: pd.DataFrame, by: str, years, provinces) -> dict[str, dict[str, Any]]:
    """article_id → its place, year and coordinates, for the articles that enter the comparison."""
    places = {}
    for row in articles.itertuples(index=False):
        if _present(row.duplicate_of) or _is_false(row.is_defense):
            continue
        level = None if pd.isna(row.level) else str(row.level)
        province = None if pd.isna(row.province) else str(row.province)
        district = None if pd.isna(row.district) else str(row.district)
        if by == "district":
            if district is None or level == "commune":
                continue
        elif level != "province" or province is None:
            continue
        year = article_year(row.report_year, row.published)
        if year is None or (years is not None and year not in years):
            continue
        if provinces is not None and not ({_fold(province), _fold(row.province_2025)} & provinces):
            continue
        places[row.article_id] = {
            "province": province,
            "district": district if by == "district" else None,
            "year": year,
            "lat": None if pd.isna(row.lat) else float(row.lat),
            "lon": None if pd.isna(row.lon) else float(row.lon),
        }
    return places


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


@dataclass
class _ArticleValue:
    key: tuple
    article_id: str
    value: float
    qualifier: str | None  # of the value: None when exact
    units: tuple[str, ...]
    counts: list[dict[str, Any]]  # the provenance rows of this article in this cell
    disagreement: bool  # percentages of one article that differ


def _article_values(counts: pd.DataFrame, places: Mapping[str, dict], indicators) -> list[_ArticleValue]:
    """Step 3 of the rule: one value per article and cell."""
    grouped: dict[tuple, list[dict[str, Any]]] = {}
    order = counts.sort_values(["article_id", "start", "index"], kind="stable")
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
        unit = None if pd.isna(row.unit) else str(row.unit)
        measure = measure_of(unit, percent=_is_true(row.is_percent) or indicator in PERCENT_INDICATORS)
        if not measure:
            continue
        key = (place["province"], place["district"], place["year"], indicator, measure)
        grouped.setdefault((key, row.article_id), []).append({
            "article_id": row.article_id, "index": int(row.index), "start": int(row.start),
            "end": int(row.end), "text": str(row.text), "value": float(row.value),
            "qualifier": None if pd.isna(row.qualifier) else str(row.qualifier),
            "unit": unit, "part": _is_true(getattr(row, "part_of_total", None)),
        })
    return [_one_article(key, article_id, rows) for (key, article_id), rows in grouped.items()]


def _one_article(key: tuple, article_id: str, rows: list[dict[str, Any]]) -> _ArticleValue:
    percent = key[4] == PERCENT
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
    return f'{row["article_id"]}[{row["start"]}:{row["end"]}] «{row["text"]}»'


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


def _cells(per_article: list[_ArticleValue], places: Mapping[str, dict], by: str) -> Comparison:
    """Step 4 of the rule: one row per cell, conflicts listed, provenance kept."""
    by_cell: dict[tuple, list[_ArticleValue]] = {}
    for item in per_article:
        by_cell.setdefault(item.key, []).append(item)
    cells, provenance, conflicts = [], [], []
    for key, items in by_cell.items():
        province, district, year, indicator, measure = key
        where = {"province": province, "district": district, "year": year, "indicator": indicator,
                 "measure": measure, "percent": measure == PERCENT}
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
        })
        if conflict:
            for group in groups:
                conflicts.append({"kind": "between_articles", **where, "value": group[0].value,
                                  "qualifier": group[0].qualifier,
                                  "article_ids": ", ".join(i.article_id for i in group),
                                  "spans": "; ".join(_span(r) for i in group for r in i.counts if r["used"])})
        for item in items:
            if item.disagreement:
                for row in item.counts:
                    if row["used"] or row["note"].startswith("percentage"):
                        conflicts.append({"kind": "within_article", **where, "value": row["value"],
                                          "qualifier": row["qualifier"],
                                          "article_ids": item.article_id, "spans": _span(row)})
            for row in item.counts:
                provenance.append({**where, **row})
    return Comparison(
        cells=_frame(cells, CELL_COLUMNS, ("province", "district", "year", "_rank", "measure")),
        provenance=_frame(provenance, PROVENANCE_COLUMNS,
                          ("province", "district", "year", "_rank", "measure", "article_id", "start")),
        conflicts=_frame(conflicts, CONFLICT_COLUMNS,
                         ("province", "district", "year", "_rank", "measure", "kind", "value")),
        by=by,
    )


def _shown(value: float, qualifier: str | None, measure: str) -> str:
    words = QUALIFIER_WORDS.get(qualifier or "", "")
    return f"{words} {format_value(value, measure)}".strip()


# The dtypes of the comparison's frames (cells, provenance, conflicts), by column name.
_DTYPES = {
    "province": "string", "district": "string", "year": "Int64", "indicator": "string", "measure": "string",
    "percent": "boolean", "value": "Float64", "min_value": "Float64", "max_value": "Float64",
    "qualifier": "string", "unit": "string", "n_articles": "Int64", "conflict": "boolean",
    "values": "string", "articles": "string", "spans": "string", "lat": "Float64", "lon": "Float64",
    "article_id": "string", "index": "Int64", "start": "Int64", "end": "Int64", "text": "string",
    "used": "boolean", "note": "string", "kind": "string", "article_ids": "string",
}


def _frame(rows: list[dict], columns: tuple[str, ...], keys: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    frame = frame.astype({c: _DTYPES[c] for c in columns})
    if not frame.empty:
        rank = {k: i for i, k in enumerate(INDICATORS)}
        frame = frame.assign(_rank=frame["indicator"].map(lambda k: rank.get(k, len(rank))))
        frame = frame.sort_values(list(keys), kind="stable", na_position="last").drop(columns="_rank")
    return frame.reset_index(drop=True)


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


def display_cell(row: Any) -> str:
    """What a cell shows: "hơn 300", "100%", or "xung đột: …" for a conflict."""
    if row.conflict:
        return "xung đột: " + str(row.values)
    return _shown(row.value, None if pd.isna(row.qualifier) else str(row.qualifier), str(row.measure))


def _shown_cells(result: Comparison) -> pd.DataFrame:
    cells = result.cells
    shown = pd.DataFrame({
        "province": cells["province"],
        **({"district": cells["district"]} if result.by == "district" else {}),
        "year": cells["year"],
        "indicator": cells["indicator"],
        "measure": cells["measure"],
        "value": [display_cell(row) for row in cells.itertuples()],
        "unit": cells["unit"],
        "articles": cells["n_articles"],
        "sources": cells["spans"],
    })
    return shown.astype("string").fillna("")


def _indicator_name(indicator: str, measure: str) -> str:
    return f"{indicator} ({measure})" if measure else indicator


def _conflict_lines(result: Comparison) -> list[str]:
    lines = []
    for row in result.conflicts.itertuples():
        place = " · ".join(str(p) for p in (row.province, row.district) if not pd.isna(p))
        what = "between articles" if row.kind == "between_articles" else "within one article"
        qualifier = None if pd.isna(row.qualifier) else str(row.qualifier)
        lines.append(f"  {place} · {row.year} · {_indicator_name(row.indicator, row.measure)} ({what}): "
                     f"{_shown(row.value, qualifier, str(row.measure))} ← {row.spans}")
    return lines


def _render_table(result: Comparison) -> str:
    if result.cells.empty:
        return "No comparable counts (see 'qpdp compare --help' for what enters the comparison)."
    shown = _shown_cells(result).drop(columns="sources")
    lines = [shown.to_string(index=False)]
    if not result.conflicts.empty:
        within = int(result.conflicts["kind"].eq("within_article").sum())
        lines += ["", f"Conflicts ({int(result.cells['conflict'].sum())} cells, {within} within-article values):"]
        lines += _conflict_lines(result)
    lines += ["", "Provenance (article[start:end] «text»; * = not used, with the reason):"]
    for (province, district, year, indicator, measure), group in result.provenance.groupby(
            ["province", "district", "year", "indicator", "measure"], dropna=False, sort=False):
        place = " · ".join(str(p) for p in (province, district) if not pd.isna(p))
        lines.append(f"  {place} · {year} · {_indicator_name(indicator, measure)}:")
        for row in group.itertuples():
            mark = " " if row.used else "*"
            note = f"  ({row.note})" if not row.used else ""
            lines.append(f"   {mark} {_span(row._asdict())} = {format_value(row.value, str(measure))}{note}")
    return "\n".join(lines)


def _render_csv(result: Comparison) -> str:
    return result.cells.to_csv(index=False)


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        return "" if pd.isna(value) else str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _render_markdown(result: Comparison) -> str:
    parts = [_markdown_table(_shown_cells(result))]
    if not result.conflicts.empty:
        conflicts = result.conflicts.assign(value=[
            _shown(v, None if pd.isna(q) else str(q), str(m)) for v, q, m in
            zip(result.conflicts["value"], result.conflicts["qualifier"], result.conflicts["measure"])])
        parts += ["", "**Conflicts**", "", _markdown_table(conflicts.drop(columns="percent"))]
    return "\n".join(parts) + "\n"


def _render_html(result: Comparison) -> str:
    body = _shown_cells(result).to_html(index=False, escape=True, na_rep="")
    if not result.conflicts.empty:
        body += "\n<h2>Xung đột (conflicts)</h2>\n" + result.conflicts.to_html(index=False, escape=True, na_rep="")
    title = html.escape(f"So sánh chỉ tiêu theo {'huyện' if result.by == 'district' else 'tỉnh'}")
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body>\n<h1>{title}</h1>\n{body}\n</body></html>\n")


# --- labels ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def indicator_labels() -> dict[str, tuple[str, str]]:
    """indicator → (Vietnamese label, its main measure), from ``data/compare_labels.tsv``."""
    return {row["indicator"]: (row["label"].strip(), row["measure"].strip())
            for row in read_table("compare_labels.tsv", pad=True)}


@lru_cache(maxsize=1)
def _measures() -> dict[str, str]:
    return {normalize(row["noun"]).casefold(): row["measure"].strip()
            for row in read_table("compare_measures.tsv")}


@lru_cache(maxsize=4096)
def measure_of(unit: str | None, *, percent: bool = False) -> str:
    """What a count counts, so that only like is added to like.

    >>> measure_of("công dân"), measure_of("chiến sĩ dân quân"), measure_of("xã, thị trấn")
    ('người', 'người', 'xã, phường')
    >>> measure_of("tỷ đồng"), measure_of("%"), measure_of("ha"), measure_of(None)
    ('đồng', '%', 'ha', '')
    """
    if percent or (unit or "").strip() == PERCENT:
        return PERCENT
    if not unit:
        return ""
    first = _FIRST_NOUN.split(normalize(unit).strip().casefold(), maxsplit=1)[0]
    table = _measures()
    words = first.split()
    for n in range(len(words), 0, -1):  # the longest listed noun that starts the unit
        measure = table.get(" ".join(words[:n]))
        if measure is not None:
            return measure
    return first
