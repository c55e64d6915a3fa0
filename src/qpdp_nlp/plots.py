"""Charts of a :class:`~qpdp_nlp.compare.Comparison`, labelled in Vietnamese.

- :func:`plot_comparison`: bars per place (district, defence zone, commune or province) for one
  indicator and year, or one line per place across years when the comparison holds several years.
  Across the reform of 1 July 2025 the lines show it as a marked break (a vertical line between
  2025 and 2026, labelled); a legacy district continued by the defence zone that bears its name is
  drawn on the zone's line, dashed (approximate). A 2025 province whose legacy parts are not all
  known is marked "chưa đủ", never drawn from a partial sum;
- :func:`plot_map`: a choropleth of the provinces on a tile-grid map (one square per legacy
  province, laid out for the project in ``data/province_tiles.tsv``; a 2025 province is the union
  of its legacy provinces' squares), the legacy map and the 2025 map side by side, classed by
  natural breaks (mapclassify), "no data" and "conflict" marked, the archipelagos with their
  provinces, districts / zones / communes as symbols on their province's square.

A cell below the comparison's minimum confidence is drawn pale (a bar) or hollow (a point) with
"?" beside it; a conflicting cell grey.

Drawn with matplotlib's object API on the Agg canvas (no GUI, no global backend switch), in
DejaVu Sans, the font matplotlib ships, which has every Vietnamese letter ("Quỳnh Lưu", "Chợ Đồn").
matplotlib keeps a font cache in MPLCONFIGDIR; when it is unset we point it to the system's temp
folder before matplotlib is imported, so nothing is written under $HOME.

>>> from qpdp_nlp.compare import compare, records_frames
>>> from qpdp_nlp.records import ArticleRecord, Count, Scope
>>> rec = ArticleRecord(article_id="a1", text="Huyện Ba Bể giao 150 công dân nhập ngũ.",
...     scope=Scope(level="district", province="Bắc Kạn", district="Ba Bể"), report_year=2023,
...     counts=[Count(rule="example", text="150 công dân", start=17, end=29, value=150, unit="công dân",
...                   indicator="enlisted")])
>>> import tempfile, pathlib
>>> png = plot_comparison(compare(records_frames([rec])), pathlib.Path(tempfile.mkdtemp()) / "c.png")
>>> png.read_bytes()[:4] == b"\\x89PNG"
True
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if "matplotlib" not in sys.modules and not os.environ.get("MPLCONFIGDIR"):
    # matplotlib would otherwise create ~/.config/matplotlib or ~/.cache/matplotlib
    os.environ["MPLCONFIGDIR"] = str(Path(tempfile.gettempdir()) / f"qpdp-matplotlib-{os.getuid()}")

from matplotlib import rc_context
from matplotlib.figure import Figure

from .compare import REFORM_YEAR, Comparison, display_cell, format_value, indicator_labels, place_label
from .lexicons import read_table

if TYPE_CHECKING:
    from matplotlib.ticker import FuncFormatter
    from matplotlib.typing import RcKeyType

FONT: dict[RcKeyType, Any] = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"],
                              "axes.unicode_minus": False}
CONFLICT_COLOUR = "#b0b0b0"
BAR_COLOUR = "#2f6f4f"
WEAK_ALPHA = 0.4  # a cell below the minimum confidence
REFORM_X = REFORM_YEAR + 0.5  # 1 July 2025, between the points of 2025 and 2026
REFORM_LABEL = "1/7/2025: sắp xếp đơn vị hành chính\n(bỏ cấp huyện, hợp nhất tỉnh)"
PLACE_WORDS = {"district": "huyện", "province": "tỉnh", "zone": "khu vực phòng thủ", "commune": "xã, phường"}


class PlotError(ValueError):
    """Nothing to draw (no cell for the indicator, no coordinates …); the message says what to do."""


def pick_indicator(result: Comparison, indicator: str | None = None) -> str:
    """The indicator to draw: the one asked for, else the one with the most cells."""
    present = result.indicators()
    if indicator is not None:
        if indicator not in present:
            raise PlotError(f"no cell for indicator '{indicator}'; present: {', '.join(present) or 'none'}")
        return indicator
    if not present:
        raise PlotError("nothing to draw: the comparison has no cells")
    return present[0]


def _axis_label(measure: str) -> str:
    if measure == "%":
        return "Tỷ lệ (%)"
    if measure == "đồng":
        return "Số tiền (đồng)"
    return f"Số {measure}" if measure else "Giá trị"


def _place_name(row: Any, by: str) -> str:
    name = place_label(row, by)
    return f"{name}\n({row.province})" if by != "province" and not pd.isna(row.province) else name


def _weak(row: Any) -> bool:
    flag = getattr(row, "below_min_confidence", None)
    return flag is not None and not pd.isna(flag) and bool(flag)


def _valueless(row: Any) -> bool:
    """A cell with no value to draw that is not a conflict: a 2025 province with parts missing, or
    percentages of several parts."""
    return not row.conflict and pd.isna(row.value)


def _title(label: str, by: str, era: str | None) -> str:
    where = f"theo {PLACE_WORDS.get(by, by)}"
    if era == "2025":
        where += " (bản đồ từ 1/7/2025)"
    elif era == "legacy":
        where += " (bản đồ trước 1/7/2025)"
    return f"{label}\n{where}"


def _cells_of(result: Comparison, indicator: str, year: int | None) -> tuple[pd.DataFrame, str]:
    """The cells of one indicator in one measure: its main one (``data/compare_labels.tsv``) when
    present, else the measure with the most cells — bars of people and bars of classes never mix."""
    cells = result.cells[result.cells["indicator"] == indicator]
    measures = cells["measure"].value_counts()
    main = indicator_labels().get(indicator, ("", ""))[1]
    measure = main if main in measures.index else (str(measures.index[0]) if len(measures) else "")
    cells = cells[cells["measure"] == measure]
    if year is not None:
        cells = cells[cells["year"] == year]
        if cells.empty:
            raise PlotError(f"no cell for '{indicator}' ({measure}) in {year}")
    return cells, measure


def _save(fig: Figure, path: str | Path) -> Path:
    from .dataset import _atomic_path

    target = Path(path)
    with _atomic_path(target) as tmp:
        fig.savefig(tmp, format=target.suffix.lstrip(".") or "png", dpi=120, bbox_inches="tight")
    return target


def plot_comparison(result: Comparison, path: str | Path, *, indicator: str | None = None,
                    year: int | None = None) -> Path:
    """Draw one indicator: bars per place for one year, or lines across years. Returns the file.

    A conflicting cell is drawn as a grey hatched bar up to its largest value, marked "xung đột".
    """
    indicator = pick_indicator(result, indicator)
    cells, measure = _cells_of(result, indicator, year)
    label = indicator_labels().get(indicator, (indicator, ""))[0]
    years = sorted(cells["year"].dropna().unique())
    with rc_context(FONT):
        title = _title(label, result.by, result.era)
        if len(years) > 1:
            fig = _lines(cells, result.by, title, measure, years)
        else:
            fig = _bars(cells, result.by, title, measure, years[0] if years else None)
        return _save(fig, path)


def _bars(cells: pd.DataFrame, by: str, title: str, measure: str, year: int | None) -> Figure:
    names = [_place_name(row, by) for row in cells.itertuples()]
    heights, colours, hatches, texts, alphas = [], [], [], [], []
    row: Any  # a row's fields hold what their columns hold (the stubs' union is one float() refuses)
    for row in cells.itertuples():
        if row.conflict:
            heights.append(float(row.max_value))
            colours.append(CONFLICT_COLOUR)
            hatches.append("//")
            texts.append("xung đột")
        elif _valueless(row):
            heights.append(0.0)
            colours.append(CONFLICT_COLOUR)
            hatches.append("")
            texts.append(display_cell(row))
        else:
            heights.append(float(row.value))
            colours.append(BAR_COLOUR)
            hatches.append("")
            texts.append(display_cell(row))
        alphas.append(WEAK_ALPHA if _weak(row) else 1.0)
    fig = Figure(figsize=(max(6.0, 1.1 * len(names) + 2), 4.8))
    ax = fig.add_subplot()
    bars = ax.bar(range(len(names)), heights, color=colours, edgecolor="#333333", linewidth=0.6)
    for bar, hatch, text, alpha in zip(bars, hatches, texts, alphas):
        bar.set_hatch(hatch)
        bar.set_alpha(alpha)
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(names)), names, fontsize=9)
    ax.set_title(title + (f", năm {year}" if year else ""), fontsize=12)
    ax.set_ylabel(_axis_label(measure))
    ax.yaxis.set_major_formatter(_number_formatter(measure))
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    fig.text(0.01, 0.005, "Nguồn: qpdp_nlp, trích xuất từ báo chí; ô xám gạch chéo = các bài báo cho số liệu khác nhau; "
             "cột nhạt, ? = độ tin cậy dưới ngưỡng", fontsize=7, color="#555555")
    return fig


def _line_key(row: Any) -> tuple[str, str]:
    """The line a cell is drawn on: its zone (a legacy district it continues included), else its
    district, commune or province."""
    for column in ("zone", "district", "commune"):
        value = getattr(row, column, None)
        if value is not None and not pd.isna(value):
            return (str(row.province), str(value))
    return (str(row.province), "")


def _lines(cells: pd.DataFrame, by: str, title: str, measure: str, years: list[int]) -> Figure:
    fig = Figure(figsize=(8.0, 5.0))
    ax = fig.add_subplot()
    lines: dict[tuple[str, str], list[Any]] = {}
    for row in cells.itertuples():
        lines.setdefault(_line_key(row), []).append(row)
    for rows in lines.values():
        rows.sort(key=lambda r: (int(r.year), not _approximate(r)))
        named = next((r for r in rows if not _approximate(r)), rows[0])
        name = _place_name(named, by).replace("\n", " ")
        drawn = [r for r in rows if not r.conflict and not pd.isna(r.value)]
        own = [r for r in drawn if not _approximate(r)]
        colour = None
        if own:
            colour = ax.plot([int(r.year) for r in own], [float(r.value) for r in own], marker="o",
                             label=name)[0].get_color()
        before = [r for r in drawn if _approximate(r)]
        if before:  # the legacy district the zone continues, joined to the zone's first point
            joined = before + own[:1]
            colour = ax.plot([int(r.year) for r in joined], [float(r.value) for r in joined], marker="s",
                             linestyle="--", color=colour,
                             label=f"{before[0].district} (cũ) ≈" + ("" if own else f" {name}"))[0].get_color()
        for row in drawn:
            if _weak(row):
                ax.plot([int(row.year)], [float(row.value)], marker="o", markersize=11, color="white",
                        markeredgecolor=colour, zorder=3)
                ax.annotate("?", (int(row.year), float(row.value)), xytext=(6, 4), textcoords="offset points",
                            fontsize=9, color=colour)
        for row in rows:
            if row.conflict:  # the range the articles disagree over
                ax.plot([int(row.year)] * 2, [float(row.min_value), float(row.max_value)], marker="x",
                        markersize=9, color=colour or CONFLICT_COLOUR, linestyle=":")
            elif pd.isna(row.value):  # parts missing: no point, never a partial sum
                ax.annotate(f"{display_cell(row)}", (int(row.year), 0), xycoords=("data", "axes fraction"),
                            xytext=(0, 6), textcoords="offset points", ha="center", fontsize=8,
                            color=colour or "#555555")
    ax.set_xticks([int(y) for y in years], [str(int(y)) for y in years])
    ax.set_xlim(int(years[0]) - 0.5, int(years[-1]) + 0.5)  # every year shown, drawn or not
    if int(years[0]) <= REFORM_YEAR < int(years[-1]):
        ax.axvline(REFORM_X, color="#b22222", linestyle="--", linewidth=1.2)
        ax.annotate(REFORM_LABEL, (REFORM_X, 1.0), xycoords=("data", "axes fraction"), xytext=(-4, -4),
                    textcoords="offset points", va="top", ha="right", fontsize=8, color="#b22222")
    ax.set_xlabel("Năm")
    ax.set_ylabel(_axis_label(measure))
    ax.yaxis.set_major_formatter(_number_formatter(measure))
    ax.set_title(f"{title}, {int(years[0])}–{int(years[-1])}", fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.text(0.01, 0.005, "Nguồn: qpdp_nlp, trích xuất từ báo chí; × ··· × = các bài báo cho số liệu khác nhau; "
             "- - - = huyện cũ, tiếp nối gần đúng; ○ ? = độ tin cậy dưới ngưỡng", fontsize=7, color="#555555")
    return fig


def _approximate(row: Any) -> bool:
    flag = getattr(row, "approximate", None)
    return flag is not None and not pd.isna(flag) and bool(flag)


# --- the map: a tile grid of the provinces, on both maps ------------------------------------------

@dataclass(frozen=True)
class Tile:
    """One legacy province's square on the tile-grid map (``data/province_tiles.tsv``)."""

    code: str
    name: str
    row: int
    col: int
    province_2025: str
    province_2025_code: str


@lru_cache(maxsize=1)
def province_tiles() -> tuple[Tile, ...]:
    """The 63 legacy provinces' tiles; a 2025 province is the union of its legacy provinces' tiles.

    >>> tiles = province_tiles()
    >>> len(tiles), len({t.province_2025 for t in tiles}), len({(t.row, t.col) for t in tiles})
    (63, 34, 63)
    """
    return tuple(Tile(r["code"], r["name"], int(r["row"]), int(r["col"]), r["province_2025"],
                      r["province_2025_code"]) for r in read_table("province_tiles.tsv"))


@lru_cache(maxsize=1)
def island_tiles() -> tuple[tuple[str, int, int, str], ...]:
    """(name, row, col, code of the legacy province it belongs to) of the archipelagos."""
    return tuple((r["name"], int(r["row"]), int(r["col"]), r["province_code"])
                 for r in read_table("island_tiles.tsv"))


NO_DATA_COLOUR = "#f2f2f2"
CLASS_COLOURS = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")  # ColorBrewer Greens, 5 classes
MAP_NOTE = ("Bản đồ ô vuông: mỗi ô một tỉnh trước 1/7/2025 (63 tỉnh), đặt theo vị trí tương đối, không theo "
            "diện tích; tỉnh từ 1/7/2025 = hợp các ô (viền đậm). Ô do qpdp_nlp dựng (data/province_tiles.tsv). "
            "Số liệu: qpdp_nlp, trích từ báo chí.")


def class_breaks(values: list[float], k: int = 5) -> list[float]:
    """Upper bounds of at most ``k`` classes: Fisher-Jenks natural breaks (mapclassify) when
    installed and there are enough distinct values, else quantiles.

    >>> class_breaks([5.0]), class_breaks([1.0, 2.0, 3.0, 4.0, 100.0], k=2)[-1]
    ([5.0], 100.0)
    """
    import numpy as np

    distinct = sorted(set(values))
    if len(distinct) <= k:
        return distinct
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Numba not installed": the pure-Python path is fast enough here
            import mapclassify

            return [float(b) for b in mapclassify.FisherJenks(np.array(values, dtype=float), k=k).bins]
    except ImportError:
        return sorted({float(q) for q in np.quantile(values, [(i + 1) / k for i in range(k)])})


def _class_of(value: float, breaks: list[float]) -> int:
    for i, bound in enumerate(breaks):
        if value <= bound:
            return i
    return len(breaks) - 1


def _tile_of_cell(row: Any, era: str, tiles: tuple[Tile, ...]) -> Tile | None:
    """The tile a cell is drawn on: its legacy province's, or for the 2025 map the tile of the
    legacy province its place was in (a zone's predecessor district), else its 2025 province's first."""
    from .compare import _fold, _legacy_province_of_district

    province = _fold(row.province)
    if era == "legacy":
        return next((t for t in tiles if _fold(t.name) == province), None)
    mine = [t for t in tiles if _fold(t.province_2025) == province]
    from .compare import _text

    district = _text(getattr(row, "successor_of", None)) or _text(getattr(row, "district", None))
    legacy = _legacy_province_of_district(district, _text(row.province))
    return next((t for t in mine if _fold(t.name) == _fold(legacy)), mine[0] if mine else None)


def plot_map(result: Comparison, path: str | Path, *, indicator: str | None = None,
             year: int | None = None) -> Path:
    """A choropleth of the provinces for one indicator (latest year unless ``year`` is given),
    on the legacy map (left) and the 2025 map (right): a tile-grid map (:func:`province_tiles`),
    provinces filled by class (natural breaks), districts, defence zones and communes as symbols
    on their province's tile; "no data" and "conflict" marked; the archipelagos drawn with their
    provinces; a source note. Returns the file."""
    from matplotlib.patches import Patch, Rectangle

    indicator = pick_indicator(result, indicator)
    cells, measure = _cells_of(result, indicator, year)
    if year is None and len(cells):
        year = int(cells["year"].max())
        cells = cells[cells["year"] == year]
    if cells.empty:
        raise PlotError(f"no cell for '{indicator}' to draw")
    values = [float(v) for v in cells["value"].dropna()]
    breaks = class_breaks(values) if values else []
    tiles = province_tiles()
    label = indicator_labels().get(indicator, (indicator, ""))[0]
    with rc_context(FONT):
        fig = Figure(figsize=(11.5, 11.0))
        for panel, era in enumerate(("legacy", "2025")):
            ax = fig.add_subplot(1, 2, panel + 1)
            mine = cells[cells["era"].fillna("legacy") == era]
            _draw_tiles(ax, mine, era, tiles, breaks, measure)
            ax.set_title("Trước 1/7/2025 (63 tỉnh)" if era == "legacy" else "Từ 1/7/2025 (34 tỉnh, thành phố)",
                         fontsize=11)
            ax.set_xlim(-0.6, 9.6)
            ax.set_ylim(21.6, -0.6)
            ax.set_aspect("equal")
            ax.axis("off")
        handles = [Patch(facecolor=CLASS_COLOURS[_colour_index(i, len(breaks))], edgecolor="#555555",
                         label=_class_label(i, breaks, measure)) for i in range(len(breaks))]
        handles += [Patch(facecolor=NO_DATA_COLOUR, edgecolor="#999999", label="không có số liệu"),
                    Patch(facecolor="white", edgecolor="#d9480f", hatch="////", label="xung đột / chưa đủ"),
                    Rectangle((0, 0), 1, 1, facecolor="none", edgecolor="none",
                              label="● huyện, khu vực phòng thủ, xã (trên ô tỉnh)")]
        fig.subplots_adjust(bottom=0.1, top=0.93)
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.025), ncol=4, fontsize=8,
                   frameon=False, title=_axis_label(measure), title_fontsize=9)
        fig.suptitle(f"{label} — năm {year}", fontsize=13)
        fig.text(0.01, 0.005, MAP_NOTE, fontsize=6.5, color="#555555", wrap=True)
        return _save(fig, path)


def _colour_index(i: int, n: int) -> int:
    """Spread n classes over the palette (2 classes: the lightest and the darkest)."""
    if n <= 1:
        return len(CLASS_COLOURS) - 1
    return round(i * (len(CLASS_COLOURS) - 1) / (n - 1))


def _class_label(i: int, breaks: list[float], measure: str) -> str:
    low = None if i == 0 else breaks[i - 1]
    high = breaks[i]
    if low is None:
        return f"≤ {format_value(high, measure)}"
    return f"{format_value(low, measure)} – {format_value(high, measure)}"


def _fill(row: Any, breaks: list[float]) -> tuple[str, str]:
    """(face colour, hatch) of a cell."""
    if row.conflict or pd.isna(row.value):
        return "white", "////"
    return CLASS_COLOURS[_colour_index(_class_of(float(row.value), breaks), len(breaks))], ""


def _draw_tiles(ax: Any, cells: pd.DataFrame, era: str, tiles: tuple[Tile, ...], breaks: list[float],
                measure: str) -> None:
    from matplotlib.patches import Rectangle

    from .compare import _fold

    group_of: Callable[[Tile], str] = \
        (lambda t: t.code) if era == "legacy" else (lambda t: t.province_2025_code)
    name_of: Callable[[Tile], str] = (lambda t: t.name) if era == "legacy" else (lambda t: t.province_2025)
    provinces = {_fold(r.province): r for r in cells[cells["level"] == "province"].itertuples()}
    at = {(t.row, t.col): t for t in tiles}
    for tile in tiles:
        row = provinces.get(_fold(name_of(tile)))
        face, hatch = (NO_DATA_COLOUR, "") if row is None else _fill(row, breaks)
        ax.add_patch(Rectangle((tile.col, tile.row), 1, 1, facecolor=face, hatch=hatch,
                               edgecolor="#d9480f" if hatch else "#ffffff", linewidth=0.4))
        # the union's outline: a thick edge where the neighbour is another province (or the sea)
        for (dr, dc), edge in (((-1, 0), ((0, 0), (1, 0))), ((1, 0), ((0, 1), (1, 1))),
                               ((0, -1), ((0, 0), (0, 1))), ((0, 1), ((1, 0), (1, 1)))):
            other = at.get((tile.row + dr, tile.col + dc))
            same = other is not None and group_of(other) == group_of(tile)
            (x0, y0), (x1, y1) = edge
            ax.plot([tile.col + x0, tile.col + x1], [tile.row + y0, tile.row + y1],
                    color="#bbbbbb" if same else "#333333", linewidth=0.4 if same else 1.1,
                    solid_capstyle="projecting")
    _tile_labels(ax, tiles, era, name_of, group_of)
    for name, r, c, code in island_tiles():
        owner = next((t for t in tiles if t.code == code), None)
        row = provinces.get(_fold(name_of(owner))) if owner else None
        face, hatch = (NO_DATA_COLOUR, "") if row is None else _fill(row, breaks)
        ax.add_patch(Rectangle((c + 0.3, r + 0.3), 0.4, 0.4, facecolor=face, hatch=hatch, edgecolor="#333333",
                               linewidth=0.6, linestyle="--"))
        ax.annotate(f"{name}\n({name_of(owner) if owner else ''})", (c + 0.5, r + 0.85), ha="center", va="top",
                    fontsize=5.5, color="#333333")
    _symbols(ax, cells[cells["level"] != "province"], era, tiles, breaks)


def _tile_labels(ax: Any, tiles: tuple[Tile, ...], era: str, name_of: Callable[[Tile], str],
                 group_of: Callable[[Tile], str]) -> None:
    import textwrap

    if era == "legacy":
        for tile in tiles:
            ax.annotate(textwrap.fill(tile.name, 9), (tile.col + 0.5, tile.row + 0.5), ha="center", va="center",
                        fontsize=4.8, color="#222222")
        return
    groups: dict[str, list[Tile]] = {}
    for tile in tiles:
        groups.setdefault(group_of(tile), []).append(tile)
    for members in groups.values():
        x = sum(t.col for t in members) / len(members) + 0.5
        y = sum(t.row for t in members) / len(members) + 0.5
        ax.annotate(textwrap.fill(name_of(members[0]), 9), (x, y), ha="center", va="center", fontsize=5.3,
                    color="#111111", fontweight="bold")


_SLOTS = [(0.2, 0.2), (0.5, 0.2), (0.8, 0.2), (0.2, 0.8), (0.5, 0.8), (0.8, 0.8), (0.2, 0.5), (0.8, 0.5)]


def _symbols(ax: Any, cells: pd.DataFrame, era: str, tiles: tuple[Tile, ...], breaks: list[float]) -> None:
    """Districts, zones and communes as circles on their province's tile, north to south in slots
    around the label (not at their coordinates: a tile has none); "+n" when a tile has more."""
    by_tile: dict[Tile, list[Any]] = {}
    for row in cells.itertuples():
        tile = _tile_of_cell(row, era, tiles)
        if tile is not None:
            by_tile.setdefault(tile, []).append(row)
    for tile, rows in by_tile.items():
        rows.sort(key=lambda r: -(float(r.lat) if not pd.isna(r.lat) else 0.0))
        for (dx, dy), row in zip(_SLOTS, rows):
            face, hatch = _fill(row, breaks)
            ax.scatter([tile.col + dx], [tile.row + dy], s=26, c=[face], marker="o", edgecolors="#d9480f"
                       if hatch else "#222222", linewidths=0.8 if hatch else 0.5, hatch=hatch or None, zorder=3)
        if len(rows) > len(_SLOTS):
            ax.annotate(f"+{len(rows) - len(_SLOTS)}", (tile.col + 0.95, tile.row + 0.95), ha="right",
                        va="bottom", fontsize=5, color="#222222")


def _number_formatter(measure: str) -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_value(v, measure) if v else "0")
