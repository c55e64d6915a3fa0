"""Cross-district comparison: indicator × district × year, with values, qualifiers and provenance.

Reads a dataset written by :func:`qpdp_nlp.dataset.write` / ``write_part`` (any layout) and gives,
for every place, year and indicator, one value and the article ids and text spans behind it.

De-duplication rule (applied in this order):

1. Articles marked as copies of another (``duplicate_of`` set) are skipped, and so are articles
   classified as not about defence (``is_defense`` false). Counts without a value or an indicator
   are left out, and so is the indicator ``other`` unless it is asked for by name.
2. A cell is one place × year × indicator. The place is the district (``by="district"``: only
   articles whose scope names a district and is not about a single commune) or the province
   (``by="province"``: only province-level articles — a district's figure is not its province's).
   The year is the article's ``report_year``, else the year it was published. Percentages form
   cells of their own (indicator shown with ``%``) and are never mixed with absolute numbers.
3. Within one article, the counts of an additive indicator are summed; the same value repeated in
   one article (headline and body) is counted once. A percentage (``is_percent``, or a percent
   indicator such as ``enlistment_target_pct``) is never summed: the first value in the text is
   taken, and different values in one article are listed as a conflict (``within_article``).
4. Across articles, the same value reported by several articles (follow-ups, copies the fingerprint
   missed) is counted once; different values are a conflict (``between_articles``): listed with
   their articles and spans, never summed, and the cell's value is left empty.

>>> from qpdp_nlp.records import ArticleRecord, Count, Scope
>>> scope = Scope(level="district", province="Bắc Kạn", district="Ba Bể")
>>> def rec(aid, text, value):
...     return ArticleRecord(article_id=aid, text=text, scope=scope, report_year=2023, counts=[
...         Count(text=text[11:23], start=11, end=23, value=value, indicator="enlisted")])
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
from importlib.resources import files
from pathlib import Path
from typing import Any, Optional, Union

import pandas as pd

from .records import INDICATORS
from .text import normalize

PERCENT_INDICATORS = frozenset({"enlistment_target_pct"})
NOT_COMPARED_BY_DEFAULT = frozenset({"other"})
BY = ("district", "province")
OUTPUT_FORMATS = ("table", "csv", "markdown", "html")

CELL_COLUMNS = (
    "province", "district", "year", "indicator", "percent", "value", "min_value", "max_value", "qualifier",
    "unit", "n_articles", "conflict", "values", "articles", "spans", "lat", "lon",
)
PROVENANCE_COLUMNS = (
    "province", "district", "year", "indicator", "percent", "article_id", "index", "start", "end", "text",
    "value", "qualifier", "unit", "used", "note",
)
CONFLICT_COLUMNS = (
    "kind", "province", "district", "year", "indicator", "percent", "value", "article_ids", "spans",
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_RELATIVE_TOLERANCE = 1e-9


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


def _frames(dataset: Union[str, Path, Mapping[str, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    if isinstance(dataset, Mapping):
        return dataset["articles"], dataset["counts"]
    from .dataset import read

    frames = read(dataset, tables=("articles", "counts"))
    return frames["articles"], frames["counts"]


def _fold(name: Any) -> Optional[str]:
    if name is None or name is pd.NA or (isinstance(name, float) and pd.isna(name)):
        return None
    return _PROVINCE_PREFIX.sub("", normalize(str(name)).strip()).casefold()


def article_year(report_year: Any, published: Any) -> Optional[int]:
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
    dataset: Union[str, Path, Mapping[str, pd.DataFrame]],
    *,
    indicators: Optional[Iterable[str]] = None,
    years: Optional[Iterable[int]] = None,
    provinces: Optional[Iterable[str]] = None,
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


@dataclass
class _ArticleValue:
    key: tuple
    article_id: str
    value: float
    qualifiers: tuple[str, ...]
    units: tuple[str, ...]
    counts: list[dict[str, Any]]  # the provenance rows of this article in this cell
    disagreement: list[float]  # percent values of one article that differ from the one taken


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
        percent = _is_true(row.is_percent) or indicator in PERCENT_INDICATORS
        key = (place["province"], place["district"], place["year"], indicator, percent)
        grouped.setdefault((key, row.article_id), []).append({
            "article_id": row.article_id, "index": int(row.index), "start": int(row.start),
            "end": int(row.end), "text": str(row.text), "value": float(row.value),
            "qualifier": None if pd.isna(row.qualifier) else str(row.qualifier),
            "unit": None if pd.isna(row.unit) else str(row.unit),
        })
    values = []
    for (key, article_id), rows in grouped.items():
        percent = key[4]
        taken: list[dict[str, Any]] = []
        disagreement: list[float] = []
        for row in rows:
            if any(_same(row["value"], t["value"]) for t in taken):
                row.update(used=False, note="same value repeated in the article")
            elif percent and taken:
                row.update(used=False, note="percentage: first value in the article taken")
                disagreement.append(row["value"])
            else:
                row.update(used=True, note="summed" if not percent and len(rows) > 1 else "")
                taken.append(row)
        if not percent and len(taken) == 1:
            taken[0]["note"] = ""
        value = taken[0]["value"] if percent else sum(t["value"] for t in taken)
        values.append(_ArticleValue(
            key=key, article_id=article_id, value=value,
            qualifiers=tuple(dict.fromkeys(t["qualifier"] for t in taken if t["qualifier"])),
            units=tuple(dict.fromkeys(t["unit"] for t in taken if t["unit"])),
            counts=rows, disagreement=disagreement))
    return values


def _span(row: Mapping[str, Any]) -> str:
    return f'{row["article_id"]}[{row["start"]}:{row["end"]}] «{row["text"]}»'


def _cells(per_article: list[_ArticleValue], places: Mapping[str, dict], by: str) -> Comparison:
    """Step 4 of the rule: one row per cell, conflicts listed, provenance kept."""
    by_cell: dict[tuple, list[_ArticleValue]] = {}
    for item in per_article:
        by_cell.setdefault(item.key, []).append(item)
    cells, provenance, conflicts = [], [], []
    for key, items in by_cell.items():
        province, district, year, indicator, percent = key
        where = {"province": province, "district": district, "year": year, "indicator": indicator,
                 "percent": percent}
        distinct: list[tuple[float, list[_ArticleValue]]] = []
        for item in items:
            for value, group in distinct:
                if _same(value, item.value):
                    group.append(item)
                    break
            else:
                distinct.append((item.value, [item]))
        conflict = len(distinct) > 1
        used_spans = [_span(r) for item in items for r in item.counts if r["used"]]
        coords = [(places[i.article_id]["lat"], places[i.article_id]["lon"]) for i in items
                  if places[i.article_id]["lat"] is not None and places[i.article_id]["lon"] is not None]
        cells.append({
            **where,
            "value": None if conflict else distinct[0][0],
            "min_value": min(v for v, _ in distinct),
            "max_value": max(v for v, _ in distinct),
            "qualifier": ",".join(dict.fromkeys(q for i in items for q in i.qualifiers)) or None,
            "unit": ", ".join(dict.fromkeys(u for i in items for u in i.units)) or None,
            "n_articles": len(items),
            "conflict": conflict,
            "values": " ≠ ".join(f"{format_number(v)} ({', '.join(i.article_id for i in g)})" for v, g in distinct),
            "articles": ", ".join(i.article_id for i in items),
            "spans": "; ".join(used_spans),
            "lat": coords[0][0] if coords else None,
            "lon": coords[0][1] if coords else None,
        })
        if conflict:
            for value, group in distinct:
                conflicts.append({"kind": "between_articles", **where, "value": value,
                                  "article_ids": ", ".join(i.article_id for i in group),
                                  "spans": "; ".join(_span(r) for i in group for r in i.counts if r["used"])})
        for item in items:
            if item.disagreement:
                shown = [r for r in item.counts if r["note"] != "same value repeated in the article"]
                for row in shown:
                    conflicts.append({"kind": "within_article", **where, "value": row["value"],
                                      "article_ids": item.article_id, "spans": _span(row)})
            for row in item.counts:
                provenance.append({**where, **row})
    return Comparison(
        cells=_frame(cells, CELL_COLUMNS, sort=True),
        provenance=_frame(provenance, PROVENANCE_COLUMNS, sort=True),
        conflicts=_frame(conflicts, CONFLICT_COLUMNS, sort=True),
        by=by,
    )


_DTYPES = {
    "province": "string", "district": "string", "year": "Int64", "indicator": "string", "percent": "boolean",
    "value": "Float64", "min_value": "Float64", "max_value": "Float64", "qualifier": "string", "unit": "string", "n_articles": "Int64", "conflict": "boolean",
    "values": "string", "articles": "string", "spans": "string", "lat": "Float64", "lon": "Float64",
    "article_id": "string", "index": "Int64", "start": "Int64", "end": "Int64", "text": "string",
    "used": "boolean", "note": "string", "kind": "string", "article_ids": "string",
}


def _frame(rows: list[dict], columns: tuple[str, ...], *, sort: bool) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    frame = frame.astype({c: _DTYPES[c] for c in columns})
    if sort and not frame.empty:
        rank = {k: i for i, k in enumerate(INDICATORS)}
        frame = frame.assign(_rank=frame["indicator"].map(lambda k: rank.get(k, len(rank))))
        keys = [c for c in ("province", "district", "year", "_rank", "percent", "kind", "value", "start")
                if c in frame]
        frame = frame.sort_values(keys, kind="stable", na_position="last").drop(columns="_rank")
    return frame.reset_index(drop=True)


# --- display ---------------------------------------------------------------------------------

QUALIFIER_WORDS = {"more_than": "hơn", "nearly": "gần", "about": "khoảng", "less_than": "dưới"}


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
    """What a cell shows: "hơn 300", "100%", or "xung đột" for a conflict."""
    if row.conflict:
        return "xung đột: " + str(row.values)
    number = format_number(row.value) + ("%" if row.percent else "")
    qualifier = "" if pd.isna(row.qualifier) else str(row.qualifier)
    words = [QUALIFIER_WORDS[q] for q in qualifier.split(",") if q in QUALIFIER_WORDS]
    return " ".join([*words[:1], number])


def _shown_cells(result: Comparison) -> pd.DataFrame:
    cells = result.cells
    shown = pd.DataFrame({
        "province": cells["province"],
        **({"district": cells["district"]} if result.by == "district" else {}),
        "year": cells["year"],
        "indicator": [_indicator_name(k, p) for k, p in zip(cells["indicator"], cells["percent"])],
        "value": [display_cell(row) for row in cells.itertuples()],
        "unit": cells["unit"],
        "articles": cells["n_articles"],
        "sources": cells["spans"],
    })
    return shown.astype("string").fillna("")


def _indicator_name(indicator: str, percent: bool) -> str:
    """The indicator key, marked "%" when a percentage of an additive indicator is shown apart."""
    return f"{indicator} %" if percent and indicator not in PERCENT_INDICATORS else indicator


def _conflict_lines(result: Comparison) -> list[str]:
    lines = []
    for row in result.conflicts.itertuples():
        place = " · ".join(str(p) for p in (row.province, row.district) if not pd.isna(p))
        what = "between articles" if row.kind == "between_articles" else "within one article"
        lines.append(f"  {place} · {row.year} · {_indicator_name(row.indicator, row.percent)} ({what}): "
                     f"{format_number(row.value)}"
                     f"{'%' if row.percent else ''} ← {row.spans}")
    return lines


def _render_table(result: Comparison) -> str:
    if result.cells.empty:
        return "No comparable counts (see 'qpdp compare --help' for what enters the comparison)."
    shown = _shown_cells(result).drop(columns="sources")
    lines = [shown.to_string(index=False)]
    if not result.conflicts.empty:
        lines += ["", f"Conflicts ({int(result.cells['conflict'].sum())} cells, "
                      f"{result.conflicts['kind'].eq('within_article').sum()} within-article values):"]
        lines += _conflict_lines(result)
    lines += ["", "Provenance (article[start:end] «text»; * = not used, with the reason):"]
    for (province, district, year, indicator, percent), group in result.provenance.groupby(
            ["province", "district", "year", "indicator", "percent"], dropna=False, sort=False):
        place = " · ".join(str(p) for p in (province, district) if not pd.isna(p))
        lines.append(f"  {place} · {year} · {_indicator_name(indicator, percent)}:")
        for row in group.itertuples():
            mark = " " if row.used else "*"
            note = f"  ({row.note})" if not row.used else ""
            lines.append(f"   {mark} {_span(row._asdict())} = {format_number(row.value)}{note}")
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
        conflicts = result.conflicts.assign(value=result.conflicts["value"].map(format_number))
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
    """indicator → (Vietnamese label, counted noun), from ``data/compare_labels.tsv``."""
    text = files("qpdp_nlp").joinpath("data", "compare_labels.tsv").read_text(encoding="utf-8")
    labels = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, label, unit = (line.split("\t") + ["", ""])[:3]
        if key == "indicator":
            continue
        labels[key] = (label.strip(), unit.strip())
    return labels
