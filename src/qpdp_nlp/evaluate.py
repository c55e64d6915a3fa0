"""Score the pipeline against gold articles (``ID.txt`` + ``ID.json``, ``shared/GOLD_SCHEMA.md``).

Gold strings are normalised with the same :func:`qpdp_nlp.text.normalize` as the text, so a
gold "Uỷ ban" meets a predicted "Ủy ban". The pipeline gets the article's URL from the gold
file, as it would from a web archive. Matching rules, field by field:

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
    occurrence). A predicted count matches a gold count when their spans overlap and the values
    are equal (``counts_value``); ``counts`` also needs the unit (case-insensitive). A gold count
    whose text is not in the article matches on value alone. One-to-one, greedy in text order.
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
``scope_province`` / ``scope_district`` / ``scope_level`` / ``report_year`` / ``topic`` / ``is_defense``
    Accuracy per article; null where the gold is null counts as right. ``is_defense`` gold is
    ``topic != "not-defense"``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .errors import Errors, QpdpError
from .records import ArticleRecord
from .text import normalize

PRF_FIELDS = ("persons_ranked", "persons_names", "counts", "counts_value", "documents", "units")
ACCURACY_FIELDS = (
    "position_ranked",
    "position_all",
    "count_qualifier",
    "count_indicator",
    "document_date",
    "document_issuer",
    "document_term",
    "scope_province",
    "scope_district",
    "scope_level",
    "report_year",
    "topic",
    "is_defense",
)


@dataclass
class GoldArticle:
    id: str
    text: str
    gold: dict[str, Any]


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


@dataclass
class Report:
    """The scores of one evaluation run, and every miss for whoever wants to look."""

    articles: int = 0
    tallies: dict[str, Tally] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    def miss(self, field_name: str, article: str, kind: str, value: Any) -> None:
        self.misses.append({"field": field_name, "article": article, "kind": kind, "value": value})

    def scores(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name in PRF_FIELDS:
            t = self.tally(name)
            out[name] = {
                "precision": round(t.precision, 4),
                "recall": round(t.recall, 4),
                "f1": round(t.f1, 4),
                "tp": t.tp,
                "fp": t.fp,
                "fn": t.fn,
            }
        for name in ACCURACY_FIELDS:
            t = self.tally(name)
            out[name] = {"accuracy": round(t.accuracy, 4), "correct": t.correct, "total": t.total}
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "scores": self.scores()}

    def table(self) -> str:
        lines = [f"{self.articles} gold articles", "", f"{'field':<18} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn"]
        for name in PRF_FIELDS:
            t = self.tally(name)
            lines.append(
                f"{name:<18} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f}   {t.tp}/{t.fp}/{t.fn}"
            )
        lines += ["", f"{'field':<18} {'acc':>6}   correct/total"]
        for name in ACCURACY_FIELDS:
            t = self.tally(name)
            lines.append(f"{name:<18} {t.accuracy:6.3f}   {t.correct}/{t.total}")
        return "\n".join(lines)


# --- loading -----------------------------------------------------------------------------------

def load_gold(folders: Iterable[str | Path]) -> list[GoldArticle]:
    """Every ``ID.txt`` with an ``ID.json`` beside it, in name order."""
    out: list[GoldArticle] = []
    for folder in folders:
        folder = Path(folder)
        pairs = sorted(p for p in folder.glob("*.json") if p.with_suffix(".txt").exists())
        if not pairs:
            raise QpdpError(Errors.E020.format(path=folder))
        for path in pairs:
            try:
                gold = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise QpdpError(Errors.E021.format(name=path, detail=exc)) from None
            text = path.with_suffix(".txt").read_text(encoding="utf-8")
            out.append(GoldArticle(id=gold.get("id") or path.stem, text=text, gold=gold))
    return out


# --- helpers -----------------------------------------------------------------------------------

def _n(value: Any) -> Any:
    """Normalise a gold or predicted string for comparison."""
    if isinstance(value, str):
        return normalize(value)
    return value


def _eq_ci(a: Optional[str], b: Optional[str]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return normalize(a).casefold() == normalize(b).casefold()


def _same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-6 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def locate(text: str, strings: list[str]) -> list[Optional[tuple[int, int]]]:
    """Offsets of each string in ``text``; the k-th repeat of a string takes its k-th occurrence."""
    seen: dict[str, int] = {}
    spans: list[Optional[tuple[int, int]]] = []
    for s in strings:
        k = seen.get(s, 0)
        seen[s] = k + 1
        whole = [m.start() for m in _whole_word(s).finditer(text)] if s else []
        if not whole:  # a gold string cut inside a word: fall back to any occurrence
            whole = [m.start() for m in re.finditer(re.escape(s), text)] if s else []
        spans.append((whole[k], whole[k] + len(s)) if k < len(whole) else None)
    return spans


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


def _prf(report: Report, name: str, aid: str, pairs, missed, extra, show: Callable[[Any], Any]) -> None:
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


# --- per-field scorers -------------------------------------------------------------------------

def score_persons(report: Report, aid: str, gold: dict, rec: ArticleRecord) -> None:
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


def score_counts(report: Report, aid: str, gold: dict, rec: ArticleRecord) -> None:
    gold_counts = [dict(g, text=_n(g["text"]), unit=_n(g.get("unit"))) for g in gold.get("counts") or []]
    spans = locate(rec.text, [g["text"] for g in gold_counts])
    for g, span in zip(gold_counts, spans):
        g["_span"] = span
    order = sorted(range(len(gold_counts)), key=lambda i: (spans[i] or (10**12, 0))[0])
    gold_counts = [gold_counts[i] for i in order]

    def at(g, p) -> bool:
        return g["_span"] is None or _overlap(g["_span"], (p.start, p.end))

    def show(x):
        if isinstance(x, dict):
            return {k: v for k, v in x.items() if not k.startswith("_")}
        return {"text": x.text, "value": x.value, "unit": x.unit, "qualifier": x.qualifier, "indicator": x.indicator}

    value_ok = lambda g, p: at(g, p) and _same_value(g.get("value"), p.value)  # noqa: E731
    pairs, missed, extra = _match(gold_counts, rec.counts, value_ok)
    _prf(report, "counts_value", aid, pairs, missed, extra, show)
    for g, p in pairs:
        _acc(report, "count_qualifier", aid, g.get("qualifier") == p.qualifier,
             {"text": g["text"], "gold": g.get("qualifier"), "pred": p.qualifier})
        _acc(report, "count_indicator", aid, g.get("indicator") == p.indicator,
             {"text": g["text"], "gold": g.get("indicator"), "pred": p.indicator})

    full_ok = lambda g, p: value_ok(g, p) and _eq_ci(g.get("unit"), p.unit)  # noqa: E731
    pairs, missed, extra = _match(gold_counts, rec.counts, full_ok)
    _prf(report, "counts", aid, pairs, missed, extra, show)


def _number(value: Any) -> Optional[str]:
    if value is None:
        return None
    return normalize(str(value)).strip().lstrip("0") or "0"


def score_documents(report: Report, aid: str, gold: dict, rec: ArticleRecord) -> None:
    gold_docs = [dict(g, text=_n(g["text"])) for g in gold.get("resolutions") or []]

    def ok(g, p) -> bool:
        if not _eq_ci(g.get("kind"), p.kind):
            return False
        gn, pn = _number(g.get("number")), _number(p.number)
        if gn is not None or pn is not None:
            return gn == pn
        gt, pt = g["text"].casefold(), p.text.casefold()
        return gt in pt or pt in gt

    def show(x):
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


def score_units(report: Report, aid: str, gold: dict, rec: ArticleRecord) -> None:
    gold_units = sorted(dict.fromkeys(_n(u) for u in gold.get("units") or []), key=len, reverse=True)
    pred_units = sorted(dict.fromkeys(u.text for u in rec.units), key=len, reverse=True)
    pairs, missed, extra = _match(gold_units, pred_units, units_match)
    _prf(report, "units", aid, pairs, missed, extra, lambda x: x)


def score_article_fields(report: Report, aid: str, gold: dict, rec: ArticleRecord) -> None:
    gscope = gold.get("scope") or {}
    level = gscope.get("level")
    pred_level = (rec.scope.level or "unknown").replace("_", "-")
    _acc(report, "scope_level", aid, level == pred_level, {"gold": level, "pred": pred_level})
    for name in ("province", "district"):
        g, p = _n(gscope.get(name)), rec.scope.to_dict().get(name)
        _acc(report, f"scope_{name}", aid, g == p, {"gold": g, "pred": p})
    _acc(report, "report_year", aid, gold.get("report_year") == rec.report_year,
         {"gold": gold.get("report_year"), "pred": rec.report_year})
    _acc(report, "topic", aid, gold.get("topic") == rec.topic, {"gold": gold.get("topic"), "pred": rec.topic})
    gold_def = gold.get("topic") != "not-defense"
    _acc(report, "is_defense", aid, gold_def == bool(rec.is_defense), {"gold": gold_def, "pred": rec.is_defense})


SCORERS = (score_persons, score_counts, score_documents, score_units, score_article_fields)


def evaluate(
    folders: Iterable[str | Path],
    *,
    extract: Optional[Callable[..., ArticleRecord]] = None,
) -> tuple[Report, list[ArticleRecord]]:
    """Run the pipeline on every gold article and score it. Returns the report and the records."""
    if extract is None:
        from .pipeline import extract as extract_fn

        extract = extract_fn
    report = Report()
    records = []
    for art in load_gold(folders):
        rec = extract(art.text, source=art.id, url=art.gold.get("url"))
        records.append(rec)
        report.articles += 1
        for scorer in SCORERS:
            scorer(report, art.id, art.gold, rec)
    return report, records
