"""Score the pipeline against gold (``shared/GOLD_SCHEMA.md`` and ``shared/corpus/*/README.md``).

Three kinds of gold are read, each recognised by its shape:

* a folder of ``ID.txt`` + ``ID.json`` pairs: fact gold (persons, counts, documents, units) and
  the article fields;
* a ``.jsonl`` label file (``scope/scope*.jsonl``; a folder holding only such files means all of
  them): one page a line with ``text``, ``title``, ``scope``, ``report_year``, ``topic``,
  ``is_defense``. Only the article fields and their accuracy; these pages have no fact gold and
  never count in a fact or ``cells`` field;
* a ``.jsonl`` count-context file (``indicators/contexts.jsonl``, lines with ``sentence``,
  ``count_text``, ``start``, ``end``, ``indicator``): see ``context_indicator`` below.

The pipeline gets each item's ``url`` and ``published`` date (None where the gold has none), and a
label page's ``title``, as it would from a web archive. Gold strings are normalised with the same
:func:`qpdp_nlp.text.normalize` as the text, so a gold "Uỷ ban" meets a predicted "Ủy ban".

Era (``era=`` / ``qpdp eval --era``): ``"2025"`` keeps the items published on or after
1 July 2025, ``"legacy"`` those published before; an item whose ``published`` is null (or a bare
"2025") is kept in neither filtered run. ``published`` may be YYYY-MM-DD, YYYY-MM or YYYY; a month
is compared as a month ("2025-07" is post-reform). Whatever the filter, the article fields are
also scored on the post-reform items alone (``post_reform``), where the post-reform floors apply.

Matching rules, field by field:

``persons_ranked``
    Gold ``ranks`` against predicted persons with a rank. A match is the same rank
    (case-insensitive) and the same name. Precision/recall/F1 over all articles.
``persons_names``
    Every gold name (``ranks`` + ``people``) against every predicted person's name, as sets per
    article (a person is listed once).
``position_ranked`` / ``position_all``
    On matched persons (ranked ones / all), the share whose position equals the gold position
    exactly (both null counts as equal).
``counts`` / ``counts_value``
    Each gold count is located in the text (the k-th gold mention of a string is its k-th
    occurrence as a whole word, not inside the span of a longer gold count). A predicted count
    matches a gold count when their spans overlap and the values are equal (``counts_value``);
    ``counts`` also needs the unit (case-insensitive). A gold count whose text is not in the
    article matches on value alone. One-to-one, greedy in text order.
``count_qualifier`` / ``count_indicator``
    On value-matched counts, the share with the gold qualifier / indicator.
``documents``
    A predicted document matches a gold one when the kinds are equal (case-insensitive) and
    either both numbers are equal, or both are null and one text contains the other (named laws
    and plenum resolutions). One-to-one.
``document_date`` / ``document_issuer`` / ``document_term``
    On matched documents where the gold field is not null, the share predicted exactly.
``units``
    Distinct unit strings per article. A predicted unit matches a gold unit when one contains
    the other and the shorter is at least half as long as the longer. One-to-one, longest first.
``scope_province`` / ``scope_district`` / ``scope_commune`` / ``scope_level`` / ``report_year`` /
``topic`` / ``is_defense``
    Accuracy per article (fact gold and label pages alike); null where the gold is null counts as
    right. ``is_defense`` gold is the label's ``is_defense`` where given, else
    ``topic != "not-defense"``.
``cells`` (the product metric)
    A cell is (province, district, commune, year, indicator, value, percent) for one count of a
    defence article whose indicator is not ``other``. Gold cells: the gold counts of articles
    whose gold topic is not ``not-defense``, with the article's gold scope (normalised) and gold
    ``report_year``; percent = gold unit "%". Predicted cells: the counts of records with
    ``is_defense`` true, place from ``rec.scope``, year = ``count.year`` if set else
    ``rec.report_year``, percent = ``count.is_percent``. Gold and predicted counts are paired
    exactly as for ``counts_value`` (all counts, ``other`` included). A pair whose cells are equal
    is a TP. A gold cell not a TP is an FN; a predicted cell not a TP is an FP (a pair that
    disagrees is one FN and one FP; a pair whose predicted side is ``other`` or from an article
    predicted non-defence is only an FN).
``cell_loss``
    For each gold cell that is not a TP, the first failing step in this order: ``missed`` (no
    paired predicted count, or the article predicted non-defence), ``scope`` (province, district
    or commune differ), ``year``, ``indicator`` (a predicted ``other`` included),
    ``value_or_percent``; and for each FP with no gold cell behind it (gold indicator ``other``,
    no gold count, or a gold non-defence article): ``spurious``.
``cell_what_if``
    Cell recall if scope were right, if scope and year were right, if scope, year and indicator
    were right: the share of gold cells that are TPs or whose every fault lies in those steps
    (a count that is missed stays missed).
``context_indicator``
    For each line of a count-context file: the pipeline runs on the sentence (with ``url`` and
    ``published``); the predicted count is the one overlapping the gold span [start, end) with
    the gold value, else any overlapping one. Accuracy of its indicator (no count: wrong,
    predicted indicator None), and per indicator precision/recall/F1 (``context_by_indicator``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Errors, QpdpError
from .gazetteer import name_key
from .records import INDICATORS, ArticleRecord, Count, Document
from .text import normalize

PRF_FIELDS = ("persons_ranked", "persons_names", "counts", "counts_value", "documents", "units", "cells")
ARTICLE_FIELDS = (
    "scope_province",
    "scope_district",
    "scope_commune",
    "scope_level",
    "report_year",
    "topic",
    "is_defense",
)
ACCURACY_FIELDS = (
    "position_ranked",
    "position_all",
    "count_qualifier",
    "count_indicator",
    "document_date",
    "document_issuer",
    "document_term",
    *ARTICLE_FIELDS,
)
SCOPE_YEAR_FIELDS = ARTICLE_FIELDS[:5]
LOSS_STEPS = ("missed", "scope", "year", "indicator", "value_or_percent", "spurious")
# Cumulative what-if sets: the faults assumed fixed in each hypothetical rate.
WHAT_IF = {
    "scope": frozenset({"scope"}),
    "scope+year": frozenset({"scope", "year"}),
    "scope+year+indicator": frozenset({"scope", "year", "indicator"}),
}
REFORM_DATE = "2025-07-01"  # the 2025 map applies from this day
ERAS = ("2025", "legacy")
CONTEXT_KEYS = frozenset({"sentence", "count_text", "start", "end", "indicator"})
LABEL_KEYS = frozenset({"text", "scope", "report_year", "topic"})


@dataclass
class GoldArticle:
    id: str
    text: str
    gold: dict[str, Any]
    title: str | None = None
    has_facts: bool = True  # False for label pages: scope, year, topic and relevance only

    @property
    def url(self) -> str | None:
        return self.gold.get("url")

    @property
    def published(self) -> str | None:
        return self.gold.get("published")


@dataclass
class ContextItem:
    """One labelled count in its sentence (``indicators/contexts.jsonl``)."""

    id: str
    sentence: str
    count_text: str
    start: int
    end: int
    indicator: str
    value: float | None = None
    unit: str | None = None
    url: str | None = None
    published: str | None = None
    note: str | None = None


@dataclass
class Tally:
    """Counts for one field; precision/recall/F1 or accuracy derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    correct: int = 0
    total: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def prf(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}

    def acc(self) -> dict[str, float]:
        return {"accuracy": round(self.accuracy, 4), "correct": self.correct, "total": self.total}

    def rates(self) -> tuple[str, str, str]:
        """P, R, F1 formatted; a rate over nothing is "-", since the 1.0 above would read as a success."""
        p = f"{self.precision:6.3f}" if self.tp + self.fp else f"{'-':>6}"
        r = f"{self.recall:6.3f}" if self.tp + self.fn else f"{'-':>6}"
        f = f"{self.f1:6.3f}" if self.tp + self.fp + self.fn else f"{'-':>6}"
        return p, r, f

    def prf_line(self, name: str) -> str:
        p, r, f = self.rates()
        return f"{name:<20} {p} {r} {f}   {self.tp}/{self.fp}/{self.fn}"

    def acc_line(self, name: str) -> str:
        if not self.total:
            return f"{name:<20} {'-':>6}   0/0"
        return f"{name:<20} {self.accuracy:6.3f}   {self.correct}/{self.total}"


@dataclass
class ContextReport:
    """Indicator decisions on labelled count contexts."""

    items: int = 0
    no_count: int = 0  # contexts where the pipeline found no count at the gold span
    accuracy: Tally = field(default_factory=Tally)
    by_indicator: dict[str, Tally] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def add(self, item: ContextItem, pred: str | None, count_text: str | None) -> None:
        self.items += 1
        self.accuracy.total += 1
        if pred == item.indicator:
            self.accuracy.correct += 1
            self.by_indicator.setdefault(pred, Tally()).tp += 1
            return
        self.by_indicator.setdefault(item.indicator, Tally()).fn += 1
        if pred is not None:
            self.by_indicator.setdefault(pred, Tally()).fp += 1
        self.misses.append({"field": "context_indicator", "article": item.id, "kind": "wrong",
                            "value": {"text": item.count_text, "gold": item.indicator, "pred": pred,
                                      "pred_text": count_text}})

    def _order(self) -> list[str]:
        known = [k for k in INDICATORS if k in self.by_indicator]
        return known + sorted(k for k in self.by_indicator if k not in INDICATORS)

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "no_count": self.no_count,
                "context_indicator": self.accuracy.acc(),
                "context_by_indicator": {k: dict(self.by_indicator[k].prf(),
                                                 gold=self.by_indicator[k].tp + self.by_indicator[k].fn)
                                         for k in self._order()}}

    def table(self) -> str:
        lines = [f"{self.items} count contexts ({self.no_count} with no predicted count at the gold span)",
                 "", self.accuracy.acc_line("context_indicator"), "",
                 f"{'indicator':<22} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}   tp/fp/fn"]
        for k in self._order():
            t = self.by_indicator[k]
            p, r, f = t.rates()
            lines.append(f"{k:<22} {p} {r} {f} {t.tp + t.fn:5d}   {t.tp}/{t.fp}/{t.fn}")
        return "\n".join(lines)


@dataclass
class Report:
    """The scores of one evaluation run, and every miss for whoever wants to look."""

    articles: int = 0
    fact_articles: int = 0
    tallies: dict[str, Tally] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    cell_loss: Counter[str] = field(default_factory=Counter)
    cell_fixable: Counter[str] = field(default_factory=Counter)  # non-TP gold cells fixed per WHAT_IF set
    cell_confidence: list[tuple[float | None, bool]] = field(default_factory=list)  # (confidence, right)
    era: str | None = None
    post_reform: Report | None = None  # the article fields on items published >= REFORM_DATE
    contexts: ContextReport | None = None

    @property
    def label_articles(self) -> int:
        return self.articles - self.fact_articles

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    def miss(self, field_name: str, article: str, kind: str, value: Any) -> None:
        self.misses.append({"field": field_name, "article": article, "kind": kind, "value": value})

    def all_misses(self) -> list[dict[str, Any]]:
        return self.misses + (self.contexts.misses if self.contexts else [])

    def scores(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {name: self.tally(name).prf() for name in PRF_FIELDS}
        out.update((name, self.tally(name).acc()) for name in ACCURACY_FIELDS)
        return out

    def what_if(self) -> dict[str, float]:
        """Cell recall if the steps named were right (see ``cell_what_if`` in the module doc)."""
        t = self.tally("cells")
        gold = t.tp + t.fn
        return {name: round((t.tp + self.cell_fixable[name]) / gold, 4) if gold else 1.0 for name in WHAT_IF}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "articles": self.articles, "fact_articles": self.fact_articles,
            "label_articles": self.label_articles, "era": self.era, "scores": self.scores(),
            "cell_loss": {step: self.cell_loss[step] for step in LOSS_STEPS},
            "cell_what_if": self.what_if(),
            "cell_confidence": confidence_ranking(self.cell_confidence),
        }
        if self.post_reform is not None:
            data["post_reform"] = {"articles": self.post_reform.articles,
                                   "scores": {n: self.post_reform.tally(n).acc() for n in SCOPE_YEAR_FIELDS}}
        if self.contexts is not None:
            data["contexts"] = self.contexts.to_dict()
        return data

    def table(self) -> str:
        parts = [self._article_table()] if self.articles else []
        if self.contexts is not None:
            parts.append(self.contexts.table())
        if not parts:  # say so, rather than print nothing (an era filter may keep no item)
            parts.append("0 gold items" + (f" in era {self.era}" if self.era else ""))
        return "\n\n".join(parts)

    def _article_table(self) -> str:
        era = f", era {self.era}" if self.era else ""
        lines = [f"{self.articles} gold articles ({self.fact_articles} with fact gold, "
                 f"{self.label_articles} label pages{era})", "",
                 f"{'field':<20} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn"]
        lines += [self.tally(name).prf_line(name) for name in PRF_FIELDS]
        lines += ["", f"{'field':<20} {'acc':>6}   correct/total"]
        lines += [self.tally(name).acc_line(name) for name in ACCURACY_FIELDS]
        return "\n".join(lines + self._cell_lines() + self._post_reform_lines())

    def _cell_lines(self) -> list[str]:
        t = self.tally("cells")
        if not t.tp + t.fp + t.fn:
            return []
        lines = ["", "cells = (province, district, commune, year, indicator, value, percent)",
                 f"cells: {t.tp + t.fn} gold, {t.tp} right; loss at the first failing step:"]
        lines += [f"  {step:<18} {self.cell_loss[step]:5d}" + ("   (fp)" if step == "spurious" else "")
                  for step in LOSS_STEPS]
        rates = self.what_if()
        lines.append(f"what-if (cell recall {t.recall:.3f}): " + ", ".join(
            f"{name} right {rate:.3f}" for name, rate in rates.items()))
        lines.append("confidence ≥ t: cells kept, their precision, share of right cells kept")
        lines += [f"  t={t:<4} {r['kept']:5d}   P {r['precision']:.3f}   right kept {r['right_kept']:.3f}"
                  for t, r in confidence_ranking(self.cell_confidence).items()]
        return lines

    def _post_reform_lines(self) -> list[str]:
        post = self.post_reform
        if post is None or not post.articles:
            return []
        lines = ["", f"post-reform items (published >= {REFORM_DATE}): {post.articles}"]
        return lines + [post.tally(name).acc_line(name) for name in SCOPE_YEAR_FIELDS]


def miss_line(m: dict[str, Any]) -> str:
    """One miss on one line; a cell miss reads: article, step, count text, gold cell -> predicted cell."""
    head = f"{m['field']:<16} {m['article']:<8} {m['kind']:<5}"
    value = m["value"]
    if m["field"] != "cells":
        return f"{head} {json.dumps(value, ensure_ascii=False)}"

    def cell(c: dict[str, Any] | None) -> str:
        return "-" if c is None else json.dumps(list(c.values()), ensure_ascii=False)

    return f"{head} {value['step']:<16} {value['text']!r}: {cell(value['gold'])} -> {cell(value['pred'])}"


# --- era ---------------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def era_of(published: str | None) -> str | None:
    """``"2025"`` on/after 1 July 2025, ``"legacy"`` before it, None when the date cannot say.

    >>> [era_of(p) for p in ("2025-07", "2025-06-30", "2025", "2026", None)]
    ['2025', 'legacy', None, '2025', None]
    """
    m = _DATE.match(published or "")
    if not m:
        return None
    year, month, day = m.groups()
    # Compare only as finely as the date is given: "2025" alone straddles the reform.
    given = "-".join(x for x in (year, month, day) if x)
    reform = REFORM_DATE[: len(given)]
    if given == reform and not month:
        return None
    return "2025" if given >= reform else "legacy"


def _in_era(published: str | None, era: str | None) -> bool:
    return era is None or era_of(published) == era


# --- loading -----------------------------------------------------------------------------------

def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise QpdpError(Errors.E021.format(name=f"{path}:{n}", detail=exc)) from None
    return rows


def _jsonl_kind(path: Path, rows: list[dict[str, Any]]) -> str:
    """``"contexts"`` or ``"labels"``, from the fields of the first line."""
    keys = set(rows[0]) if rows else set()
    if CONTEXT_KEYS <= keys:
        return "contexts"
    if LABEL_KEYS <= keys:
        return "labels"
    raise QpdpError(Errors.E008.format(
        what=f"gold file {path}",
        detail=f"lines need {sorted(LABEL_KEYS)} (labels) or {sorted(CONTEXT_KEYS)} (count contexts)"))


def load_gold(folders: Iterable[str | Path]) -> list[GoldArticle]:
    """Every ``ID.txt`` with an ``ID.json`` beside it, in name order, and every label page of the
    ``.jsonl`` files given or lying in a folder given (count-context files are left out)."""
    out: list[GoldArticle] = []
    for path in map(Path, folders):
        for source in _sources(path):
            if source.suffix == ".jsonl":
                rows = _read_jsonl(source)
                if _jsonl_kind(source, rows) == "labels":
                    out += [_label_article(row, source, n) for n, row in enumerate(rows, 1)]
            else:
                out.append(_pair_article(source))
    return out


def _sources(path: Path) -> list[Path]:
    """The gold files behind a path: a ``.jsonl`` file, an ``ID.json`` with its ``ID.txt``, or a
    folder's pairs (named by their ``.json``) and ``.jsonl`` files."""
    if path.is_file():
        if path.suffix == ".jsonl" or (path.suffix == ".json" and path.with_suffix(".txt").exists()):
            return [path]
        raise QpdpError(Errors.E020.format(path=path))
    pairs = sorted(p for p in path.glob("*.json") if p.with_suffix(".txt").exists())
    found = pairs + sorted(path.glob("*.jsonl"))
    if not found:
        raise QpdpError(Errors.E020.format(path=path))
    return found


def _pair_article(path: Path) -> GoldArticle:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise QpdpError(Errors.E021.format(name=path, detail=exc)) from None
    text = path.with_suffix(".txt").read_text(encoding="utf-8")
    return GoldArticle(id=gold.get("id") or path.stem, text=text, gold=gold)


def _label_article(row: dict[str, Any], path: Path, n: int) -> GoldArticle:
    return GoldArticle(id=row.get("id") or f"{path.stem}:{n}", text=row.get("text") or "", gold=row,
                       title=row.get("title"), has_facts=False)


def load_contexts(paths: str | Path | Iterable[str | Path]) -> list[ContextItem]:
    """The labelled count contexts of one or more ``contexts.jsonl`` files, for scoring or training."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    items = []
    for path in map(Path, paths):
        rows = _read_jsonl(path)
        if _jsonl_kind(path, rows) != "contexts":
            raise QpdpError(Errors.E008.format(what=f"count-context file {path}",
                                               detail=f"lines need {sorted(CONTEXT_KEYS)}"))
        items += [ContextItem(id=r.get("id") or f"{path.stem}:{n}", sentence=r["sentence"],
                              count_text=r["count_text"], start=int(r["start"]), end=int(r["end"]),
                              indicator=r["indicator"], value=r.get("value"), unit=r.get("unit"),
                              url=r.get("url"), published=r.get("published"), note=r.get("note"))
                  for n, r in enumerate(rows, 1)]
    return items


def split_sources(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """(article gold files, count-context files) behind the paths; a context file is told apart
    by its fields, so a folder of them (``indicators/``) works too."""
    articles: list[Path] = []
    contexts: list[Path] = []
    for path in map(Path, paths):
        for source in _sources(path):
            is_context = source.suffix == ".jsonl" and _jsonl_kind(source, _read_jsonl(source)) == "contexts"
            (contexts if is_context else articles).append(source)
    return articles, contexts


# --- helpers -----------------------------------------------------------------------------------

def _n(value: Any) -> Any:
    """Normalise a gold or predicted string for comparison."""
    if isinstance(value, str):
        return normalize(value)
    return value


def _eq_ci(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return normalize(a).casefold() == normalize(b).casefold()


def same_place(a: str | None, b: str | None) -> bool:
    """One place name whatever its capitals and spelling variants (the gazetteer's name key): the
    official list writes "Ea H'leo" and "Phan Rang - Tháp Chàm", the press "Ea H'Leo" and "Phan
    Rang-Tháp Chàm", and gold labels copy either.

    >>> same_place("Ea H'Leo", "Ea H'leo"), same_place("Đăk Tô", "Đắk Tô"), same_place("Ba Bể", "Ba Vì")
    (True, True, False)
    >>> same_place(None, None), same_place("Ba Bể", None)
    (True, False)
    """
    if a is None or b is None:
        return a is None and b is None
    return name_key(a) == name_key(b)


def _same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-6 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def locate(text: str, strings: list[str]) -> list[tuple[int, int] | None]:
    """Offsets of each string in ``text``; the k-th repeat of a string takes its k-th occurrence
    not inside the span of a longer gold string ("120" is not the "120" of "120 thanh niên")."""
    spans: list[tuple[int, int] | None] = [None] * len(strings)
    mentions: dict[str, list[int]] = {}
    for i, s in enumerate(strings):
        mentions.setdefault(s, []).append(i)
    taken: list[tuple[int, int]] = []
    for s in sorted(mentions, key=len, reverse=True):  # longer strings claim their places first
        every = _occurrences(text, s)
        free = [st for st in every if not any(_overlap((st, st + len(s)), t) for t in taken)]
        for k, i in enumerate(mentions[s]):
            # Gold counts that do overlap (rare) fall back to the k-th occurrence of all.
            starts = free if k < len(free) else every
            if k < len(starts):
                span = (starts[k], starts[k] + len(s))
                spans[i] = span
                taken.append(span)
    return spans


def _occurrences(text: str, s: str) -> list[int]:
    if not s:
        return []
    whole = [m.start() for m in _whole_word(s).finditer(text)]
    # A gold string cut inside a word: fall back to any occurrence.
    return whole or [m.start() for m in re.finditer(re.escape(s), text)]


def _whole_word(s: str) -> re.Pattern[str]:
    """``s`` not inside a longer word or number: "21 thanh niên" is not found in "121 thanh niên"."""
    return re.compile(r"(?<!\w)" + re.escape(s) + (r"(?!\w)" if s[-1:].isalnum() else ""))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _match(
    gold: list[Any], pred: list[Any], ok: Callable[[Any, Any], bool]
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Greedy one-to-one matching in order; returns pairs, unmatched gold, unmatched predictions."""
    used: set[int] = set()
    pairs = []
    missed = []
    for g in gold:
        for j, p in enumerate(pred):
            if j not in used and ok(g, p):
                used.add(j)
                pairs.append((g, p))
                break
        else:
            missed.append(g)
    extra = [p for j, p in enumerate(pred) if j not in used]
    return pairs, missed, extra


def _prf(
    report: Report, name: str, aid: str, pairs: list[tuple[Any, Any]], missed: list[Any], extra: list[Any],
    show: Callable[[Any], Any],
) -> None:
    t = report.tally(name)
    t.tp += len(pairs)
    t.fn += len(missed)
    t.fp += len(extra)
    for g in missed:
        report.miss(name, aid, "fn", show(g))
    for p in extra:
        report.miss(name, aid, "fp", show(p))


def _acc(report: Report, name: str, aid: str, right: bool, detail: Any) -> None:
    t = report.tally(name)
    t.total += 1
    if right:
        t.correct += 1
    else:
        report.miss(name, aid, "wrong", detail)


def _gold_defense(gold: dict[str, Any]) -> bool:
    """A label page says ``is_defense``; fact gold says it through its topic."""
    said = gold.get("is_defense")
    if isinstance(said, bool):
        return said
    return gold.get("topic") != "not-defense"


# --- per-field scorers -------------------------------------------------------------------------

def score_persons(report: Report, aid: str, gold: dict[str, Any], rec: ArticleRecord) -> None:
    gold_ranked = [dict(g, name=_n(g["name"]), position=_n(g.get("position"))) for g in gold.get("ranks") or []]
    pred_ranked = [p for p in rec.persons if p.rank]
    pairs, missed, extra = _match(
        gold_ranked, pred_ranked, lambda g, p: _eq_ci(g["rank"], p.rank) and _n(g["name"]) == p.name
    )
    _prf(report, "persons_ranked", aid, pairs, missed, extra,
         lambda x: x if isinstance(x, dict) else {"rank": x.rank, "name": x.name, "position": x.position})
    for g, p in pairs:
        _acc(report, "position_ranked", aid, _n(g.get("position")) == p.position,
             {"name": p.name, "gold": g.get("position"), "pred": p.position})

    gold_all = gold_ranked + [dict(g, name=_n(g["name"]), position=_n(g.get("position")))
                              for g in gold.get("people") or []]
    gold_names = list(dict.fromkeys(g["name"] for g in gold_all))
    pred_by_name: dict[str, Any] = {}
    for p in rec.persons:
        if p.name:
            pred_by_name.setdefault(p.name, p)
    pairs, missed, extra = _match(gold_names, list(pred_by_name), lambda g, p: g == p)
    _prf(report, "persons_names", aid, pairs, missed, extra, lambda x: x)
    gold_pos = {g["name"]: g.get("position") for g in gold_all}
    for g, _p in pairs:
        pred_pos = pred_by_name[g].position
        _acc(report, "position_all", aid, gold_pos[g] == pred_pos,
             {"name": g, "gold": gold_pos[g], "pred": pred_pos})


def gold_counts(gold: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The gold counts, normalised, each with its ``_span`` in ``text`` (or None), in text order."""
    counts = [dict(g, text=_n(g["text"]), unit=_n(g.get("unit"))) for g in gold.get("counts") or []]
    for g, span in zip(counts, locate(text, [g["text"] for g in counts])):
        g["_span"] = span
    # Unlocated counts go last, so that located ones take their predicted partners first.
    return sorted(counts, key=lambda g: (g["_span"] or (10**12, 0))[0])


def count_value_match(g: dict[str, Any], p: Count) -> bool:
    """The ``counts_value`` rule: spans overlap (or the gold text is not found) and values are equal."""
    at = g["_span"] is None or _overlap(g["_span"], (p.start, p.end))
    return at and _same_value(g.get("value"), p.value)


def pair_counts(
    gold: dict[str, Any], rec: ArticleRecord
) -> tuple[list[tuple[dict[str, Any], Count]], list[dict[str, Any]], list[Count]]:
    """Gold and predicted counts paired by :func:`count_value_match`: (pairs, missed gold, extra)."""
    return _match(gold_counts(gold, rec.text), rec.counts, count_value_match)


def _show_count(x: Any) -> dict[str, Any]:
    if isinstance(x, dict):
        return {k: v for k, v in x.items() if not k.startswith("_")}
    return {"text": x.text, "value": x.value, "unit": x.unit, "qualifier": x.qualifier,
            "indicator": x.indicator}


def score_counts(report: Report, aid: str, gold: dict[str, Any], rec: ArticleRecord) -> None:
    pairs, missed, extra = pair_counts(gold, rec)
    _prf(report, "counts_value", aid, pairs, missed, extra, _show_count)
    for g, p in pairs:
        _acc(report, "count_qualifier", aid, g.get("qualifier") == p.qualifier,
             {"text": g["text"], "gold": g.get("qualifier"), "pred": p.qualifier})
        _acc(report, "count_indicator", aid, g.get("indicator") == p.indicator,
             {"text": g["text"], "gold": g.get("indicator"), "pred": p.indicator})

    def full_ok(g: dict[str, Any], p: Count) -> bool:
        return count_value_match(g, p) and _eq_ci(g.get("unit"), p.unit)

    pairs, missed, extra = _match(gold_counts(gold, rec.text), rec.counts, full_ok)
    _prf(report, "counts", aid, pairs, missed, extra, _show_count)


def _number(value: Any) -> str | None:
    if value is None:
        return None
    return normalize(str(value)).strip().lstrip("0") or "0"


def score_documents(report: Report, aid: str, gold: dict[str, Any], rec: ArticleRecord) -> None:
    gold_docs = [dict(g, text=_n(g["text"])) for g in gold.get("resolutions") or []]

    def ok(g: dict[str, Any], p: Document) -> bool:
        if not _eq_ci(g.get("kind"), p.kind):
            return False
        gn, pn = _number(g.get("number")), _number(p.number)
        if gn is not None or pn is not None:
            return gn == pn
        gt, pt = g["text"].casefold(), p.text.casefold()
        return gt in pt or pt in gt

    def show(x: dict[str, Any] | Document) -> dict[str, Any]:
        if isinstance(x, dict):
            return x
        return {"text": x.text, "kind": x.kind, "number": x.number, "date": x.date, "issuer": x.issuer, "term": x.term}

    pairs, missed, extra = _match(gold_docs, rec.documents, ok)
    _prf(report, "documents", aid, pairs, missed, extra, show)
    for g, p in pairs:
        for name in ("date", "issuer", "term"):
            if g.get(name) is not None:
                _acc(report, f"document_{name}", aid, _n(g[name]) == getattr(p, name),
                     {"text": g["text"], "gold": g[name], "pred": getattr(p, name)})


def units_match(a: str, b: str) -> bool:
    """One contains the other and the shorter is at least half as long as the longer."""
    a, b = a.casefold(), b.casefold()
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short in long_ and 2 * len(short) >= len(long_)


def score_units(report: Report, aid: str, gold: dict[str, Any], rec: ArticleRecord) -> None:
    gold_units = sorted(dict.fromkeys(_n(u) for u in gold.get("units") or []), key=len, reverse=True)
    pred_units = sorted(dict.fromkeys(u.text for u in rec.units), key=len, reverse=True)
    pairs, missed, extra = _match(gold_units, pred_units, units_match)
    _prf(report, "units", aid, pairs, missed, extra, lambda x: x)


def score_article_fields(report: Report, aid: str, gold: dict[str, Any], rec: ArticleRecord) -> None:
    gscope = gold.get("scope") or {}
    level = gscope.get("level")
    pred_level = (rec.scope.level or "unknown").replace("_", "-")
    _acc(report, "scope_level", aid, level == pred_level, {"gold": level, "pred": pred_level})
    for name in ("province", "district", "commune"):
        g, p = _n(gscope.get(name)), getattr(rec.scope, name, None)
        _acc(report, f"scope_{name}", aid, same_place(g, p), {"gold": g, "pred": p})
    _acc(report, "report_year", aid, gold.get("report_year") == rec.report_year,
         {"gold": gold.get("report_year"), "pred": rec.report_year})
    _acc(report, "topic", aid, gold.get("topic") == rec.topic, {"gold": gold.get("topic"), "pred": rec.topic})
    gold_def = _gold_defense(gold)
    _acc(report, "is_defense", aid, gold_def == bool(rec.is_defense), {"gold": gold_def, "pred": rec.is_defense})


# --- cells ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """Where one count lands in the comparison."""

    province: str | None
    district: str | None
    commune: str | None
    year: int | None
    indicator: str | None
    value: float | None
    percent: bool

    def faults(self, other: Cell) -> list[str]:
        """The steps at which ``other`` differs from this cell, in the order of ``LOSS_STEPS``."""
        out = []
        if not all(same_place(a, b) for a, b in zip((self.province, self.district, self.commune),
                                                     (other.province, other.district, other.commune))):
            out.append("scope")
        if self.year != other.year:
            out.append("year")
        if self.indicator != other.indicator:
            out.append("indicator")
        if not _same_value(self.value, other.value) or self.percent != other.percent:
            out.append("value_or_percent")
        return out

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def gold_cell(gold: dict[str, Any], g: dict[str, Any]) -> Cell | None:
    """The gold cell of a gold count, or None when it is no cell (non-defence, indicator other)."""
    if gold.get("topic") == "not-defense" or g.get("indicator") in (None, "other"):
        return None
    return _gold_place_cell(gold, g)


def _gold_place_cell(gold: dict[str, Any], g: dict[str, Any]) -> Cell:
    scope = gold.get("scope") or {}
    return Cell(_n(scope.get("province")), _n(scope.get("district")), _n(scope.get("commune")),
                gold.get("report_year"), g.get("indicator"), g.get("value"), g.get("unit") == "%")


def predicted_cell(rec: ArticleRecord, p: Count) -> Cell:
    """Where the pipeline puts a count, whatever its indicator (callers decide what is a cell)."""
    # getattr: Count.year is newer than some pipelines this module is run against.
    year = getattr(p, "year", None)
    return Cell(rec.scope.province, rec.scope.district, rec.scope.commune,
                year if year is not None else rec.report_year, p.indicator, p.value, bool(p.is_percent))


def _is_pred_cell(rec: ArticleRecord, p: Count) -> bool:
    return bool(rec.is_defense) and p.indicator not in (None, "other")


def score_cells(report: Report, aid: str, gold: dict[str, Any], rec: ArticleRecord) -> None:
    pairs, missed, extra = pair_counts(gold, rec)
    for g in missed:
        gc = gold_cell(gold, g)
        if gc is not None:
            _cell_fn(report, aid, g["text"], gc, None, ["missed"])
    for p in extra:
        if _is_pred_cell(rec, p):
            _cell_fp(report, aid, p, None, predicted_cell(rec, p))
    for g, p in pairs:
        _score_cell_pair(report, aid, gold, rec, g, p)


def _score_cell_pair(
    report: Report, aid: str, gold: dict[str, Any], rec: ArticleRecord, g: dict[str, Any], p: Count
) -> None:
    gc = gold_cell(gold, g)
    pc = predicted_cell(rec, p)
    if gc is None:
        if _is_pred_cell(rec, p):
            _cell_fp(report, aid, p, None, pc)
        return
    faults = gc.faults(pc)
    if not faults:  # equal cells; a predicted 'other' or a non-defence article would show as a fault
        if rec.is_defense:
            report.tally("cells").tp += 1
            report.cell_confidence.append((p.confidence, True))
            return
    if not rec.is_defense:  # the count exists, but the article is dropped before any table
        faults = ["missed"]
    _cell_fn(report, aid, g["text"], gc, pc, faults)
    if _is_pred_cell(rec, p):
        report.tally("cells").fp += 1  # the same miss seen from the predicted side: not listed twice
        report.cell_confidence.append((p.confidence, False))


def _cell_fn(report: Report, aid: str, text: str, gc: Cell, pc: Cell | None, faults: list[str]) -> None:
    report.tally("cells").fn += 1
    report.cell_loss[faults[0]] += 1
    if "missed" not in faults:
        for name, fixed in WHAT_IF.items():
            if fixed.issuperset(faults):
                report.cell_fixable[name] += 1
    paired_cell = pc is not None and pc.indicator not in (None, "other") and faults != ["missed"]
    kind = "wrong" if paired_cell else "fn"  # "wrong": one FN and one FP
    report.miss("cells", aid, kind, {"text": text, "gold": gc.to_dict(),
                                     "pred": pc.to_dict() if pc else None, "step": faults[0]})


def _cell_fp(report: Report, aid: str, p: Count, gc: Cell | None, pc: Cell) -> None:
    report.tally("cells").fp += 1
    report.cell_loss["spurious"] += 1
    report.cell_confidence.append((p.confidence, False))
    report.miss("cells", aid, "fp", {"text": p.text, "gold": gc, "pred": pc.to_dict(), "step": "spurious"})


CONFIDENCE_THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.9)


def confidence_ranking(cells: list[tuple[float | None, bool]]) -> dict[str, dict[str, float]]:
    """Precision of the predicted cells an analyst keeps with ``--min-confidence t``, and the share
    of the right cells kept, for a few thresholds: does confidence rank right cells above wrong
    ones? A cell of unknown confidence is kept at every threshold (the comparison marks, never
    drops, what it cannot rate).

    >>> confidence_ranking([(0.9, True), (0.2, False), (None, True)])["0.5"]
    {'kept': 2, 'precision': 1.0, 'right_kept': 1.0}
    """
    right_total = sum(right for _, right in cells)
    out: dict[str, dict[str, float]] = {}
    for t in CONFIDENCE_THRESHOLDS:
        kept = [right for conf, right in cells if conf is None or conf >= t]
        out[f"{t:g}"] = {
            "kept": len(kept),
            "precision": round(sum(kept) / len(kept), 4) if kept else 1.0,
            "right_kept": round(sum(kept) / right_total, 4) if right_total else 1.0,
        }
    return out


FACT_SCORERS = (score_persons, score_counts, score_documents, score_units, score_cells)
SCORERS = (*FACT_SCORERS, score_article_fields)


# --- running -----------------------------------------------------------------------------------

def _default_extract() -> Callable[..., ArticleRecord]:
    from .pipeline import extract as extract_fn

    return extract_fn


def evaluate(
    folders: Iterable[str | Path],
    *,
    extract: Callable[..., ArticleRecord] | None = None,
    era: str | None = None,
) -> tuple[Report, list[ArticleRecord]]:
    """Run the pipeline on every gold item and score it. Returns the report and the records.

    ``folders`` may mix fact-gold folders, label ``.jsonl`` files (or folders of them) and
    count-context files; ``era`` keeps only ``"2025"`` or ``"legacy"`` items (see the module doc).
    """
    if era is not None and era not in ERAS:
        raise ValueError(f"era must be one of {ERAS}, not {era!r}")
    extract = extract or _default_extract()
    article_paths, context_paths = split_sources(folders)
    report = Report(era=era, post_reform=Report())
    records = []
    for art in load_gold(article_paths) if article_paths else []:
        if not _in_era(art.published, era):
            continue
        rec = extract(art.text, source=art.id, title=art.title, url=art.url, published=art.published)
        records.append(rec)
        _score_article(report, art, rec)
    if context_paths:
        report.contexts = indicator_report(context_paths, extract=extract, era=era)
    return report, records


def _score_article(report: Report, art: GoldArticle, rec: ArticleRecord) -> None:
    report.articles += 1
    if art.has_facts:
        report.fact_articles += 1
        for scorer in FACT_SCORERS:
            scorer(report, art.id, art.gold, rec)
    score_article_fields(report, art.id, art.gold, rec)
    if era_of(art.published) == "2025" and report.post_reform is not None:
        report.post_reform.articles += 1
        score_article_fields(report.post_reform, art.id, art.gold, rec)


def indicator_report(
    path: str | Path | Iterable[str | Path],
    *,
    extract: Callable[..., ArticleRecord] | None = None,
    era: str | None = None,
) -> ContextReport:
    """Score the indicator of each labelled count context (``context_indicator`` in the module doc)."""
    extract = extract or _default_extract()
    report = ContextReport()
    for item in load_contexts(path):
        if not _in_era(item.published, era):
            continue
        rec = extract(item.sentence, source=item.id, url=item.url, published=item.published)
        count = context_count(item, rec)
        if count is None:
            report.no_count += 1
        report.add(item, count.indicator if count else None, count.text if count else None)
    return report


def _normalised_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Move a span of the raw sentence into the normalised text the record's offsets point into."""
    # A sentinel keeps the prefix's trailing space, which normalize would strip at the end.
    return len(normalize(sentence[:start] + "x")) - 1, len(normalize(sentence[:end] + "x")) - 1


def context_count(item: ContextItem, rec: ArticleRecord) -> Count | None:
    """The predicted count at the gold span: same value first, else any overlapping one."""
    span = (item.start, item.end)
    if rec.original_text is not None:
        span = _normalised_span(item.sentence, item.start, item.end)
    around = [c for c in rec.counts if _overlap(span, (c.start, c.end))]
    same = [c for c in around if _same_value(item.value, c.value)]
    return (same or around)[0] if same or around else None
