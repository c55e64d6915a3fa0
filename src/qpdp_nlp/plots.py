"""Charts of a :class:`~qpdp_nlp.compare.Comparison`, labelled in Vietnamese.

- :func:`plot_comparison`: bars per place (district, defence zone, commune or province) for one
  indicator and year, or one line per place across years when the comparison holds several years.
  Across the reform of 1 July 2025 the lines show it as a marked break (a vertical line between
  2025 and 2026, labelled); a legacy district continued by the defence zone that bears its name is
  drawn on the zone's line, dashed (approximate). A 2025 province whose legacy parts are not all
  known is marked "chưa đủ", never drawn from a partial sum;
- :func:`plot_map`: a map-like scatter of the places by latitude/longitude, coloured by the
  indicator's value.

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
...     counts=[Count(text="150 công dân", start=17, end=29, value=150, unit="công dân",
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
from pathlib import Path
from typing import Any

import pandas as pd

if "matplotlib" not in sys.modules and not os.environ.get("MPLCONFIGDIR"):
    # matplotlib would otherwise create ~/.config/matplotlib or ~/.cache/matplotlib
    os.environ["MPLCONFIGDIR"] = str(Path(tempfile.gettempdir()) / f"qpdp-matplotlib-{os.getuid()}")

from matplotlib import rc_context
from matplotlib.figure import Figure

from .compare import REFORM_YEAR, Comparison, display_cell, format_value, indicator_labels, place_label

FONT = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "axes.unicode_minus": False}
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


def _line_key(row: Any) -> tuple:
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
    lines: dict[tuple, list[Any]] = {}
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


def plot_map(result: Comparison, path: str | Path, *, indicator: str | None = None,
             year: int | None = None) -> Path:
    """Scatter the places by longitude/latitude, coloured by the indicator (latest year unless
    ``year`` is given); conflicting cells are drawn as grey crosses. Returns the file."""
    indicator = pick_indicator(result, indicator)
    cells, measure = _cells_of(result, indicator, year)
    if year is None and len(cells):
        year = int(cells["year"].max())
        cells = cells[cells["year"] == year]
    located = cells.dropna(subset=["lat", "lon"])
    if located.empty:
        raise PlotError(f"no place with coordinates for '{indicator}' in {year}: the articles' scope "
                        "has no lat/lon (the gazetteer fills them)")
    label = indicator_labels().get(indicator, (indicator, ""))[0]
    with rc_context(FONT):
        fig = Figure(figsize=(6.4, 7.2))
        ax = fig.add_subplot()
        fine = located[~located["conflict"] & located["value"].notna()]
        if len(fine):
            points = ax.scatter(fine["lon"].astype(float), fine["lat"].astype(float),
                                c=fine["value"].astype(float), cmap="viridis", s=160,
                                edgecolors="#222222", linewidths=0.6)
            bar = fig.colorbar(points, ax=ax, shrink=0.8)
            bar.set_label(_axis_label(measure), fontsize=9)
            bar.formatter = _number_formatter(measure)
        clash = located[located["conflict"] | located["value"].isna()]
        if len(clash):
            ax.scatter(clash["lon"].astype(float), clash["lat"].astype(float), marker="X", s=160,
                       color=CONFLICT_COLOUR, edgecolors="#222222", linewidths=0.6,
                       label="xung đột / chưa đủ số liệu")
            ax.legend(fontsize=8, frameon=False, loc="lower left")
        _label_points(ax, located, result.by)
        ax.set_xlabel("Kinh độ")
        ax.set_ylabel("Vĩ độ")
        ax.set_aspect("equal", adjustable="datalim")
        ax.margins(0.25)
        ax.grid(alpha=0.3)
        ax.set_title(f"{label}\nnăm {year}", fontsize=12)
        return _save(fig, path)


def _label_points(ax: Any, located: pd.DataFrame, by: str) -> None:
    """One-line labels beside the points: on the left when a neighbour sits just to the right,
    and moved down when another label already sits there."""
    lat_span = max(float(located["lat"].max() - located["lat"].min()), 1.0)
    lon_span = max(float(located["lon"].max() - located["lon"].min()), 1.0)
    near_x, near_y = 0.25 * lon_span, 0.06 * lat_span
    points = [(float(r.lon), float(r.lat)) for r in located.itertuples()]
    placed: list[tuple[float, float, int, int]] = []  # lon, lat, side, shift
    for row in located.sort_values("lat", ascending=False).itertuples():
        text = f"{place_label(row, by)}: {'xung đột' if row.conflict else display_cell(row)}"
        lon, lat = float(row.lon), float(row.lat)
        crowded_right = any(0 < x - lon <= near_x and abs(y - lat) <= near_y for x, y in points)
        side = -1 if crowded_right else 1
        near = [shift for x, y, s, shift in placed
                if s == side and abs(x - lon) < near_x and abs(y - lat) < near_y]
        shift = (max(near) + 1) if near else 0
        placed.append((lon, lat, side, shift))
        ax.annotate(text, (lon, lat), xytext=(9 * side, 2 - 12 * shift), textcoords="offset points",
                    fontsize=8, va="center", ha="left" if side > 0 else "right",
                    arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 0.5} if shift else None)


def _number_formatter(measure: str):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_value(v, measure) if v else "0")
