"""One self-contained HTML report of a comparison, with its evidence (``qpdp report``).

What the page holds:

1. a summary line and the comparison table (one row per place × year × indicator × measure;
   click a column head to sort), each row linked to its evidence;
2. the charts (:func:`qpdp_nlp.plots.plot_comparison`) and the map (:func:`qpdp_nlp.plots.plot_map`),
   embedded as PNG ``data:`` images;
3. for each cell, its evidence: every count behind it with the sentence of its article, the
   figure highlighted, the article's title and URL, whether it was used and, when not, why (the
   same figure repeated, a part of a total, a smaller figure of the same report, a percentage
   after the first); the values that conflict, listed and never summed.

Safety: article text, titles and URLs come from the open web. Every string from the data is
escaped (``html.escape`` with quotes) before it enters the page, and a URL becomes a link only
when it is ``http``/``https`` (a ``javascript:`` URL is shown as text). The page carries a
Content-Security-Policy that allows only its own inline script (by hash), its own styles and
``data:`` images: even a string that escaped escaping could not run or load anything.
No network is needed to view it: no external script, style, font or image.

>>> "<script>" in _e("<script>alert(1)</script>"), _link("javascript:alert(1)"), _link("https://a.vn/x?a=1&b=2")
(False, '<span class="url">javascript:alert(1)</span>', '<a href="https://a.vn/x?a=1&amp;b=2" rel="noopener noreferrer nofollow">https://a.vn/x?a=1&amp;b=2</a>')
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .atomic import atomic_open
from .compare import Comparison, cell_id, compare, display_cell, format_value, indicator_labels, place_label

MAX_EVIDENCE = 30  # counts shown per cell; the rest are counted ("… 12 more")
MAX_CHARTS = 4  # the most covered indicators get a chart each
SENTENCE_CHARS = 420  # a sentence longer than this is cut around the figure
_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")


def _e(value: Any) -> str:
    """Any value as escaped text (empty for a missing one)."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _link(url: Any) -> str:
    """A URL as a link when it is http(s), else as plain text; escaped either way."""
    text = "" if url is None or (isinstance(url, float) and pd.isna(url)) else str(url).strip()
    if not text:
        return ""
    if re.match(r"(?i)^https?://[^\s<>\"']+$", text):
        return f'<a href="{_e(text)}" rel="noopener noreferrer nofollow">{_e(text)}</a>'
    return f'<span class="url">{_e(text)}</span>'


def sentence_around(text: str, start: int, end: int) -> tuple[str, int, int, bool, bool]:
    """The sentence of ``text`` that holds ``[start, end)``: (sentence, start and end of the span
    in it, cut before, cut after).

    >>> sentence_around("Mở đầu. Huyện giao 150 công dân nhập ngũ. Hết.", 19, 31)
    ('Huyện giao 150 công dân nhập ngũ.', 11, 23, False, False)
    """
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    left = before[-1] if before else 0
    after = _SENTENCE_END.search(text, end)
    right = after.end() if after else len(text)
    cut_left = cut_right = False
    if right - left > SENTENCE_CHARS:
        half = max(60, (SENTENCE_CHARS - (end - start)) // 2)
        if start - left > half:
            left, cut_left = start - half, True
        if right - end > half:
            right, cut_right = end + half, True
    raw = text[left:right]
    stripped = raw.lstrip()
    shift = left + (len(raw) - len(stripped))
    return stripped.rstrip(), start - shift, end - shift, cut_left, cut_right


def _highlighted(text: str | None, start: int, end: int, fallback: str) -> str:
    if not text or not (0 <= start <= end <= len(text)):
        return f"<mark>{_e(fallback)}</mark>"
    sentence, s, e, cut_left, cut_right = sentence_around(text, start, end)
    return ("…" if cut_left else "") + _e(sentence[:s]) + "<mark>" + _e(sentence[s:e]) + "</mark>" \
        + _e(sentence[e:]) + ("…" if cut_right else "")


_NOTES_VI = {
    "the same figure repeated": "cùng số liệu nhắc lại — tính một lần",
    "the same figure, rounded": "cùng số liệu, viết tròn — giữ số chính xác",
    "part of a total given before it": "một phần của tổng nêu trước — không cộng",
    "part of the total given after it": "các phần của tổng nêu sau — không cộng",
    "a part of the total given before it, repeated": "phần của tổng, nhắc lại — không cộng",
    "a smaller figure of the same report: a subset or breakdown of its total": "số nhỏ hơn trong cùng báo cáo: "
                                                                               "nằm trong tổng — không cộng",
    "percentage: the first one in the article is taken": "tỷ lệ: lấy số đầu tiên trong bài",
    "summed": "cộng với các số khác cùng bài",
}


def _why(row: Any) -> str:
    note = "" if pd.isna(row.note) else str(row.note)
    if row.used:
        return "dùng" + (f" ({_NOTES_VI.get(note, note)})" if note else "")
    return "không dùng: " + _NOTES_VI.get(note, note or "—")


# --- the page --------------------------------------------------------------------------------

_STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:1.5em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left;max-width:16em}
td:nth-child(4){min-width:12em}
th{background:#f1f4f1;cursor:pointer;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right;white-space:nowrap}tr.conflict td{background:#fff3e6}tr.weak td{color:#888}
mark{background:#ffe27a;padding:0 1px}.url{font-family:monospace;word-break:break-all}
a{word-break:break-all}.unused{color:#777}.summary{color:#444}details{margin:.4em 0}
summary{cursor:pointer;font-weight:bold}.figs img{max-width:100%;border:1px solid #eee;margin:.5em 0}
.note{font-size:.8em;color:#555}
"""

# Sorting by a column: reads the cells' text (or data-sort), never writes HTML from them.
_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("th");
  heads.forEach(function (th, index) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var key = function (row) {
        var cell = row.cells[index];
        var sort = cell.getAttribute("data-sort");
        if (sort !== null && sort !== "" && !isNaN(Number(sort))) { return Number(sort); }
        return cell.textContent.trim().toLowerCase();
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x === "number" && typeof y === "number") { return asc ? x - y : y - x; }
        return asc ? String(x).localeCompare(String(y), "vi") : String(y).localeCompare(String(x), "vi");
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.body.setAttribute("data-ready", "1");
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
            "base-uri 'none'; form-action 'none'")


def _png(draw: Callable[..., object], *args: Any, **kwargs: Any) -> str | None:
    """A chart as a data: URI, or None when there is nothing to draw."""
    from .plots import PlotError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chart.png"
        try:
            draw(*args, path, **kwargs)
        except PlotError:
            return None
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _table(result: Comparison) -> str:
    cells = result.cells
    labels = indicator_labels()
    head = ["Nơi", "Tỉnh", "Năm", "Chỉ tiêu", "Đơn vị đo", "Giá trị", "Số bài", "Nguồn độc lập",
            "Trung vị", "Thấp nhất", "Cao nhất", "Độ tin cậy", "Bằng chứng"]
    rows = []
    row: Any  # a row's fields hold what their columns hold (the stubs' union is one pd.isna refuses)
    for row in cells.itertuples():
        ident = cell_id(row)
        classes = " ".join(c for c in ("conflict" if row.conflict else "",
                                       "weak" if _flag(row.below_min_confidence) else "") if c)
        label = labels.get(str(row.indicator), (str(row.indicator), ""))[0]
        shown = (f"xung đột: {format_value(row.min_value, str(row.measure))}–"
                 f"{format_value(row.max_value, str(row.measure))} ({row.n_values} số)") if _flag(row.conflict) \
            else display_cell(row)
        numbers = [(row.value, shown), (row.n_articles, _e(row.n_articles)),
                   (row.n_sources, _e(row.n_sources)),
                   (row.median_value, _e(format_value(row.median_value, str(row.measure)))),
                   (row.min_value, _e(format_value(row.min_value, str(row.measure)))),
                   (row.max_value, _e(format_value(row.max_value, str(row.measure)))),
                   (row.confidence, _e("" if pd.isna(row.confidence) else f"{float(row.confidence):.2f}"))]
        tds = [f"<td>{_e(place_label(row, result.by))}</td>", f"<td>{_e(row.province)}</td>",
               f'<td class="num">{_e(row.year)}</td>', f"<td>{_e(label)}</td>", f"<td>{_e(row.measure)}</td>"]
        for i, (sort, shown) in enumerate(numbers):
            text = _e(shown) if i == 0 else shown
            tds.append(f'<td class="num" data-sort="{_e("" if pd.isna(sort) else float(sort))}">{text}</td>')
        tds.append(f'<td><a href="#{ident}">xem</a></td>')
        rows.append(f'<tr id="row-{ident}" class="{classes}">' + "".join(tds) + "</tr>")
    return ('<table class="sortable" id="comparison"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in head)
            + "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>")


def _flag(value: Any) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _evidence(result: Comparison, texts: Mapping[str, str], titles: Mapping[str, Any]) -> str:
    keys = ["province", "district", "zone", "commune", "year", "indicator", "measure"]
    provenance = result.provenance.copy()
    provenance["_key"] = list(provenance[keys].astype("string").fillna("").itertuples(index=False, name=None))
    by_key = {k: g for k, g in provenance.groupby("_key", sort=False)}
    conflicts = result.conflicts.copy()
    conflicts["_key"] = list(conflicts[keys].astype("string").fillna("").itertuples(index=False, name=None))
    conflicts_by_key = {k: g for k, g in conflicts.groupby("_key", sort=False)} if len(conflicts) else {}
    blocks = []
    labels = indicator_labels()
    row: Any  # a row's fields hold what their columns hold (the stubs' union is one pd.isna refuses)
    for row in result.cells.itertuples():
        key = tuple("" if pd.isna(getattr(row, k)) else str(getattr(row, k)) for k in keys)
        label = labels.get(str(row.indicator), (str(row.indicator), ""))[0]
        title = f"{place_label(row, result.by)} · {row.year} · {label} ({row.measure}): {display_cell(row)}"
        parts = [f'<details id="{cell_id(row)}"><summary>{_e(title)}</summary>']
        facts = [f"Số bài: {_e(row.n_articles)}", f"nguồn độc lập: {_e(row.n_sources)}"]
        if _flag(row.conflict):
            facts.append(f"<strong>xung đột</strong> — các số liệu khác nhau, không cộng: {_e(row.values)}")
        if not pd.isna(row.parts):
            facts.append(f"các phần (bản đồ 2025): {_e(row.parts)}")
        if _flag(row.below_min_confidence):
            facts.append(f"độ tin cậy {_e(round(float(row.confidence), 2))} dưới ngưỡng {_e(result.min_confidence)}")
        parts.append('<p class="summary">' + "; ".join(facts) + "</p>")
        clash = conflicts_by_key.get(key)
        if clash is not None:
            parts.append("<ul>" + "".join(
                f"<li>{_e('giữa các bài' if c.kind == 'between_articles' else 'trong một bài')}: "
                f"{_e(format_value(c.value, str(c.measure)))} ← {_e(c.article_ids)}</li>"
                for c in clash.itertuples()) + "</ul>")
        items = []
        group = by_key.get(key)
        rows = [] if group is None else list(group.itertuples())
        for fact in rows[:MAX_EVIDENCE]:
            text = texts.get(str(fact.article_id))
            sentence = _highlighted(text, int(fact.start_char), int(fact.end_char), str(fact.text))
            part = "" if pd.isna(fact.part) else f" [{_e(fact.part)}]"
            items.append(
                f'<li class="{"used" if fact.used else "unused"}">'
                f"<div>{sentence}</div>"
                f'<div class="note">{_e(_why(fact))}{part} · = {_e(format_value(fact.value, str(fact.measure)))}'
                f" · bài {_e(fact.article_id)}[{_e(fact.start_char)}:{_e(fact.end_char)}]"
                f" · {_e(titles.get(str(fact.article_id)))} · {_link(fact.url)}</div></li>")
        if len(rows) > MAX_EVIDENCE:
            items.append(f"<li>… {len(rows) - MAX_EVIDENCE} more</li>")
        parts.append("<ol>" + "".join(items) + "</ol></details>")
        blocks.append("".join(parts))
    return "\n".join(blocks)


def render_report(result: Comparison, *, texts: Mapping[str, str] | None = None,
                  titles: Mapping[str, Any] | None = None, title: str | None = None,
                  charts: bool = True) -> str:
    """The report of ``result`` as one HTML string (see the module documentation)."""
    texts, titles = texts or {}, titles or {}
    title = title or "So sánh chỉ tiêu quốc phòng địa phương"
    figures = []
    if charts and not result.cells.empty:
        from .plots import plot_comparison, plot_map

        for indicator in result.indicators()[:MAX_CHARTS]:
            label = indicator_labels().get(indicator, (indicator, ""))[0]
            for kind, draw in (("biểu đồ", plot_comparison), ("bản đồ", plot_map)):
                uri = _png(draw, result, indicator=indicator)
                if uri:
                    figures.append(f'<figure><img alt="{_e(kind)}: {_e(label)}" src="{_e(uri)}">'
                                   f"<figcaption>{_e(kind)}: {_e(label)}</figcaption></figure>")
    notes = "".join(f"<li>{_e(n)}</li>" for n in result.notes)
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_e(_csp())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{_STYLE}</style></head>
<body>
<h1>{_e(title)}</h1>
<p class="summary" id="summary">{_e(result.summary())}</p>
<p class="note">Tạo bởi qpdp_nlp lúc {_e(generated)}. Một ô = nơi × năm × chỉ tiêu × đơn vị đo (người, lớp, %, đồng …
không bao giờ cộng lẫn). Xung đột: các bài cho số khác nhau — liệt kê, không cộng. Bản sao và bài không về quốc
phòng bị bỏ. Quy tắc đầy đủ: docs/codebook.md.</p>
<h2>Bảng so sánh</h2>
{_table(result)}
<h2>Biểu đồ và bản đồ</h2>
<div class="figs">{"".join(figures) or "<p>Không có gì để vẽ.</p>"}</div>
{f"<h2>Không xếp được trên bản đồ này</h2><ul>{notes}</ul>" if notes else ""}
<h2>Bằng chứng từng ô</h2>
{_evidence(result, texts, titles)}
<script>{_SCRIPT}</script>
</body></html>
"""


def write_report(dataset: str | Path | Mapping[str, pd.DataFrame], output: str | Path, *,
                 indicators: Iterable[str] | None = None, provinces: Iterable[str] | None = None,
                 by: str = "district", era: str | None = None, min_confidence: float | None = None,
                 title: str | None = None, charts: bool = True) -> Path:
    """Compare ``dataset`` and write the report to ``output`` (atomically). Returns the path."""
    from .dataset import conform, read

    if isinstance(dataset, Mapping):
        frames = {name: conform(name, dataset[name]) for name in ("articles", "counts", "texts") if name in dataset}
    else:
        frames = read(dataset, tables=("articles", "counts", "texts"))
    result = compare({"articles": frames["articles"], "counts": frames["counts"]}, indicators=indicators,
                     provinces=provinces, by=by, era=era, min_confidence=min_confidence)
    texts_frame = frames.get("texts")
    texts = {} if texts_frame is None else dict(zip(texts_frame["article_id"].astype(str), texts_frame["text"]))
    titles = dict(zip(frames["articles"]["article_id"].astype(str), frames["articles"]["title"]))
    page = render_report(result, texts=texts, titles=titles, title=title, charts=charts)
    target = Path(output)
    with atomic_open(target) as fh:
        fh.write(page)
    return target
