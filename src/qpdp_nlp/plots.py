"""Charts of a :class:`~qpdp_nlp.compare.Comparison`, labelled in Vietnamese.

- :func:`plot_comparison`: bars per district for one indicator and year, or one line per district
  across years when the comparison holds several years;
- :func:`plot_map`: a map-like scatter of the districts by latitude/longitude, coloured by the
  indicator's value.

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

from .compare import Comparison, display_cell, format_value, indicator_labels

FONT = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "axes.unicode_minus": False}
CONFLICT_COLOUR = "#b0b0b0"
BAR_COLOUR = "#2f6f4f"


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
    if by == "district" and not pd.isna(row.district):
        return f"{row.district}\n({row.province})"
    return str(row.province)


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
        if len(years) > 1:
            fig = _lines(cells, result.by, label, measure, years)
        else:
            fig = _bars(cells, result.by, label, measure, years[0] if years else None)
        return _save(fig, path)


def _bars(cells: pd.DataFrame, by: str, label: str, measure: str, year: int | None) -> Figure:
    cells = cells.sort_values(["province", "district"] if by == "district" else ["province"])
    names = [_place_name(row, by) for row in cells.itertuples()]
    heights, colours, hatches, texts = [], [], [], []
    for row in cells.itertuples():
        if row.conflict:
            heights.append(float(row.max_value))
            colours.append(CONFLICT_COLOUR)
            hatches.append("//")
            texts.append("xung đột")
        else:
            heights.append(float(row.value))
            colours.append(BAR_COLOUR)
            hatches.append("")
            texts.append(display_cell(row))
    fig = Figure(figsize=(max(6.0, 1.1 * len(names) + 2), 4.8))
    ax = fig.add_subplot()
    bars = ax.bar(range(len(names)), heights, color=colours, edgecolor="#333333", linewidth=0.6)
    for bar, hatch, text in zip(bars, hatches, texts):
        bar.set_hatch(hatch)
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(names)), names, fontsize=9)
    place_word = "huyện" if by == "district" else "tỉnh"
    ax.set_title(f"{label}\ntheo {place_word}" + (f", năm {year}" if year else ""), fontsize=12)
    ax.set_ylabel(_axis_label(measure))
    ax.yaxis.set_major_formatter(_number_formatter(measure))
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    fig.text(0.01, 0.005, "Nguồn: qpdp_nlp, trích xuất từ báo chí; ô xám gạch chéo = các bài báo cho số liệu khác nhau",
             fontsize=7, color="#555555")
    return fig


def _lines(cells: pd.DataFrame, by: str, label: str, measure: str, years: list[int]) -> Figure:
    fig = Figure(figsize=(8.0, 5.0))
    ax = fig.add_subplot()
    keys = ["province", "district"] if by == "district" else ["province"]
    for _, group in cells.groupby(keys, sort=True, dropna=False):
        group = group.sort_values("year")
        first = next(group.itertuples())
        name = _place_name(first, by).replace("\n", " ")
        fine = group[~group["conflict"]]
        line = ax.plot(fine["year"].astype(int), fine["value"].astype(float), marker="o", label=name)[0]
        for row in group[group["conflict"]].itertuples():  # the range the articles disagree over
            ax.plot([int(row.year)] * 2, [float(row.min_value), float(row.max_value)], marker="x",
                    markersize=9, color=line.get_color(), linestyle=":")
    ax.set_xticks([int(y) for y in years], [str(int(y)) for y in years])
    ax.set_xlabel("Năm")
    ax.set_ylabel(_axis_label(measure))
    ax.yaxis.set_major_formatter(_number_formatter(measure))
    place_word = "huyện" if by == "district" else "tỉnh"
    ax.set_title(f"{label}\ntheo {place_word}, {int(years[0])}–{int(years[-1])}", fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.text(0.01, 0.005, "Nguồn: qpdp_nlp, trích xuất từ báo chí; × ··· × = các bài báo cho số liệu khác nhau",
             fontsize=7, color="#555555")
    return fig


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
        fine = located[~located["conflict"]]
        if len(fine):
            points = ax.scatter(fine["lon"].astype(float), fine["lat"].astype(float),
                                c=fine["value"].astype(float), cmap="viridis", s=160,
                                edgecolors="#222222", linewidths=0.6)
            bar = fig.colorbar(points, ax=ax, shrink=0.8)
            bar.set_label(_axis_label(measure), fontsize=9)
            bar.formatter = _number_formatter(measure)
        clash = located[located["conflict"]]
        if len(clash):
            ax.scatter(clash["lon"].astype(float), clash["lat"].astype(float), marker="X", s=160,
                       color=CONFLICT_COLOUR, edgecolors="#222222", linewidths=0.6, label="xung đột")
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
        name = row.district if by == "district" and not pd.isna(row.district) else row.province
        text = f"{name}: {'xung đột' if row.conflict else display_cell(row)}"
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
