"""Which indicator a count measures: cue words first, a small classifier where cues disagree or say nothing.

>>> from qpdp_nlp.text import analyse
>>> from qpdp_nlp.extractors import counts
>>> doc = analyse("Năm nay, quân sự huyện tổ chức lễ giao quân cho 142 thanh niên lên đường nhập ngũ.")
>>> found = counts.extract(doc)
>>> fill_indicators(doc, found)
>>> [(c.text, c.indicator) for c in found]
[('142 thanh niên', 'enlisted')]

1. An article with fewer than two defence terms (``indicator_defence_terms.tsv``; one for a text
   of a single sentence) is not about defence work: its counts are ``other`` (rule
   ``not-defence-text``).
2. ``indicator_cues.tsv``: a row fires when the count's unit (read by its head noun: the longest
   beginning the tables name, "hội đồng khám" -> "hội đồng") fits and one of its cue words is in
   the count's clause (or its sentence, or the sentence before, when no cue is nearer). Rows that
   name their units outrank rows for any unit ("1.100 học sinh" in a sentence about "bồi dưỡng"
   is still ``qpan_students``), and rows with cue words outrank rows without. The rows of the
   highest rank that fire name one indicator → taken.
3. Otherwise a TF-IDF + logistic-regression model over the count's context (its unit, the words
   around it, the words of its sentence) decides — among the indicators the cues named, when they
   named several. The model is trained on ``indicator_training.tsv`` (sentences written for the
   project, never gold text) by :func:`train`, and shipped as plain JSON
   (``models/indicator.json``: vocabulary, idf, coefficients), scored by the linear scorer every
   shipped model shares (:mod:`.linear`) and rebuilt byte for byte by ``qpdp train --only indicator``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from ..extractors.count_nouns import read_unit
from ..extractors.count_nouns import tables as count_tables
from ..extractors.numbers import fold
from ..lexicons import read_rows
from ..measures import indicator_measure, indicators_for_measure
from ..provenance import registered_domain
from ..records import INDICATORS, Count, Indicator
from ..text import Analysis, normalize
from .linear import FloatArray, LinearModel, read_model

MODEL_FILE = "indicator.json"
TRAINING_FILE = "indicator_training.tsv"
_MARK = re.compile(r"⟦(.+?)⟧")
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|%", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"[;:()]|\s[-–]\s|\n")
_COORDINATION = re.compile(r",|/| và | hoặc ")
_LEFT_WINDOW = 8
_RIGHT_WINDOW = 6


# --- tables ------------------------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    return read_rows(name)[1]


def _is_indicator(value: object) -> TypeGuard[Indicator]:
    return value in INDICATORS


@dataclass(frozen=True)
class _Cue:
    indicator: Indicator
    units: frozenset[str] | None  # None: any unit
    excluded: bool  # True: any unit except ``units``
    cues: tuple[tuple[str, ...], ...]  # any of (all of these); () means no cue needed
    row: int = 0  # 1-based data row of indicator_cues.tsv: the rule is "cue:<row>:<indicator>"

    @property
    def key(self) -> str:
        return f"{self.row}:{self.indicator}"

    @property
    def specific(self) -> bool:
        """Names its units: it outranks a row that fires on any unit."""
        return self.units is not None and not self.excluded

    def fits(self, unit: str) -> bool:
        if self.units is None:
            return True
        return (unit in self.units) != self.excluded


@lru_cache(maxsize=1)
def _cues() -> tuple[_Cue, ...]:

    groups: dict[str, set[str]] = {}
    for noun, group in count_tables().noun_group.items():
        groups.setdefault(group, set()).add(noun)
    out = []
    for row, (indicator, units, cues) in enumerate(_rows("indicator_cues.tsv"), 1):
        if not _is_indicator(indicator):
            raise ValueError(f"indicator_cues.tsv: unknown indicator {indicator!r}")
        excluded = units.startswith("!")
        unit_set: frozenset[str] | None = None
        if units != "*":
            names: set[str] = set()
            for u in units.lstrip("!").split("|"):
                u = fold(u.strip())
                names |= groups[u[1:]] if u.startswith("@") else {u}
            unit_set = frozenset(names)
        cue_list = () if cues == "*" else tuple(
            tuple(_padded(part) for part in cue.split("+")) for cue in cues.split("|")
        )
        out.append(_Cue(indicator, unit_set, excluded, cue_list, row))
    return tuple(out)


@lru_cache(maxsize=1)
def _defence_terms() -> re.Pattern[str]:
    terms = sorted((row[0] for row in _rows("indicator_defence_terms.tsv")), key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, terms)) + r")(?![^\W_])", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _padded(phrase: str) -> str:
    return f" {' '.join(_SYLLABLE.findall(fold(phrase)))} "


def is_defence_text(text: str, *, lone_sentence: bool = False) -> bool:
    """At least two defence terms: the article reports on defence work. A lone sentence (a
    headline, a quoted line, one sentence of a page) needs one: it is all the evidence there is.

    >>> is_defence_text("Hơn 300 sinh viên tham quan Học kỳ trong Quân đội.", lone_sentence=True)
    True
    """
    pattern = _defence_terms()
    first = pattern.search(text)
    if first is None:
        return False
    return lone_sentence or pattern.search(text, first.end()) is not None


# --- context -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What the indicator is decided from: the count's sentence, its clause and where it stands,
    and the sentence before (searched for cue words when its own sentence has none)."""

    sentence: str
    clause: str
    left: str
    right: str
    unit: str | None
    is_percent: bool
    previous: str = ""


def context_of(
    sentence: str, start: int, end: int, unit: str | None, is_percent: bool, previous: str = ""
) -> Context:
    """``start``/``end``: the count's offsets inside ``sentence``."""
    reach = max(0, start - 300)
    clause_start = reach
    for m in _CLAUSE_BREAK.finditer(sentence, reach, start):
        clause_start = m.end()
    stop = _CLAUSE_BREAK.search(sentence, end, end + 300)
    clause_end = stop.start() if stop else min(len(sentence), end + 300)
    return Context(
        sentence=sentence,
        clause=sentence[clause_start:clause_end],
        left=sentence[clause_start:start],
        right=sentence[end:clause_end],
        unit=unit,
        is_percent=is_percent,
        previous=previous,
    )


def _syllables(text: str) -> list[str]:
    return ["0" if s[0].isdigit() else s for s in _SYLLABLE.findall(fold(text))]


def features(ctx: Context) -> list[str]:
    """The classifier's features: unit, words left and right in the clause, the sentence's words,
    and the indicators the cue table names (so the model learns how far each cue is to be trusted
    where the cues do not settle it)."""
    unit = fold(ctx.unit or "")
    feats = ["u=pct" if ctx.is_percent else f"u={unit or '-'}"]
    if unit and " " in unit:
        feats.append(f"uh={unit.split()[0]}")
        feats.append(f"ut={unit.split()[-1]}")
    if unit and not ctx.is_percent:
        # the head noun of the unit and its kind ("học sinh khối 10" -> học sinh, people)
        head = _head_unit(unit)
        feats.append(f"uk={head}")
        feats.append(f"ug={count_tables().noun_group.get(head, '-')}")
    left = _syllables(ctx.left)[-_LEFT_WINDOW:]
    right = _syllables(ctx.right)[:_RIGHT_WINDOW]
    feats += [f"l={w}" for w in left]
    feats += [f"l={a}_{b}" for a, b in pairwise(left)]
    feats += [f"r={w}" for w in right]
    feats += [f"r={a}_{b}" for a, b in pairwise(right)]
    sent = _syllables(ctx.sentence)
    feats += [f"s={a}_{b}" for a, b in pairwise(sent)]
    feats += [f"s={w}" for w in sent]
    feats += [f"c={name}" for name in cue_candidates(ctx)]
    return feats


@lru_cache(maxsize=512)
def _rows_with_cue_in(text: str) -> tuple[_Cue, ...]:
    """Cue rows (with cue words) whose cue is in ``text``, whatever the unit; cached because
    every count of a sentence asks about the same sentence."""
    padded = _padded(text)
    return tuple(c for c in _cues() if c.cues and any(all(p in padded for p in parts) for parts in c.cues))


def _fire(texts: Sequence[str], unit: str) -> list[_Cue]:
    """Cue rows that fire in the first of ``texts`` (clause, sentence, previous sentence) where any
    row with cue words fires; rows without cue words fire on the unit alone."""
    fired = [c for c in _cues() if not c.cues and c.fits(unit)]
    for text in texts:
        if not text:
            continue
        hits = [c for c in _rows_with_cue_in(text) if c.fits(unit)]
        if hits:
            return fired + hits
    return fired


def cue_rows(ctx: Context, previous: str = "") -> list[_Cue]:
    """The cue rows of the highest rank that fire for ``ctx``, in table order."""
    unit = "%" if ctx.is_percent else _head_unit(fold(ctx.unit or ""))
    fired = _fire([ctx.clause, ctx.sentence, previous or ctx.previous], unit)
    if not fired:
        return []
    rank = max(_rank(c) for c in fired)
    return [c for c in fired if _rank(c) == rank]


def cue_candidates(ctx: Context, previous: str = "") -> list[str]:
    """Indicators the cue table names for ``ctx``, specific rows first; without repeats.

    Rows that name their units outrank rows that fire on any unit: "1.100 học sinh" in a sentence
    about "bồi dưỡng" is still ``qpan_students``.
    """
    return list(dict.fromkeys(c.indicator for c in cue_rows(ctx, previous)))


def _head_unit(unit: str) -> str:
    """"huyện, thành phố" -> "huyện": coordinated nouns are of one kind, the first one tells it.
    A Vietnamese noun phrase puts its head first and the modifiers after it, so a unit the table
    does not name is read by its longest named beginning ("hội đồng khám" -> "hội đồng",
    "Ban CHQS cấp xã" -> "ban chqs").

    >>> _head_unit("hội đồng khám tuyển"), _head_unit("học sinh khối 10, 11")
    ('hội đồng', 'học sinh')
    """
    known = _known_units()
    if unit in known or not unit:
        return unit
    head = _COORDINATION.split(unit, maxsplit=1)[0].strip()
    words = head.split()
    for n in range(len(words), 0, -1):
        if " ".join(words[:n]) in known:
            return " ".join(words[:n])
    return head


@lru_cache(maxsize=1)
def _known_units() -> frozenset[str]:
    """Units the cue table or the counted-noun table names whole ("trường hợp" is not "trường")."""
    return frozenset(u for c in _cues() if c.units is not None for u in c.units) | frozenset(
        count_tables().noun_group)


def _rank(cue: _Cue) -> tuple[bool, bool]:
    return (cue.specific, bool(cue.cues))


# --- the model ---------------------------------------------------------------------------------

# A cue row settles a count alone when its precision measured on the real count contexts of the
# training data (``_Model.precision``) is at least this; below it the model decides, with the
# row's indicator among its features. Chosen on the grouped folds of bench/indicators_cv.py.
SETTLE = 0.8


@dataclass(frozen=True)
class _Model:
    """The shipped linear model (scored by :mod:`.linear`) and the cue rows' measured precision."""

    linear: LinearModel
    classes: tuple[Indicator, ...]  # the model's classes, each checked to be an indicator
    cue_precision: dict[str, tuple[int, int]]  # cue row key -> (right, fired) on real contexts

    def precision(self, key: str) -> float:
        """The row's measured precision, shrunk towards 0.9 (the table is written from the
        definitions, so a row seldom seen is trusted as written): (right + 1.8) / (fired + 2)."""
        right, fired = self.cue_precision.get(key, (0, 0))
        return (right + 1.8) / (fired + 2)


def _model_from(data: dict[str, Any]) -> _Model:
    """The model of ``indicator.json``'s data: the columns layout, without a ``format`` field."""
    linear = LinearModel.from_dict(data, format=None)
    classes = tuple(c for c in linear.classes if _is_indicator(c))
    if classes != linear.classes:
        raise ValueError(f"{MODEL_FILE}: classes that are not indicators: {set(linear.classes) - set(classes)}")
    return _Model(
        linear=linear,
        classes=classes,
        cue_precision={k: (int(v[0]), int(v[1])) for k, v in (data.get("cue_precision") or {}).items()},
    )


@lru_cache(maxsize=1)
def _model() -> _Model:
    return _model_from(read_model(MODEL_FILE))


def _scores(model: _Model, contexts: Sequence[Context]) -> FloatArray:
    """Decision scores (contexts × classes) as sklearn's pipeline gives them: sublinear tf × idf,
    l2-normalised, times the coefficients, plus the intercepts."""
    return model.linear.decisions([Counter(features(ctx)) for ctx in contexts])


# How a count's indicator was chosen (``Count.indicator_rule``), one line each. A cue row's rule
# names its row and indicator ("cue:21:enlisted"); :func:`rule_name` gives the name it is declared by.
CUE_RULE = "cue:<row>:<indicator>"
RULES: dict[str, str] = {
    CUE_RULE: "row <row> of indicator_cues.tsv (unit fits, a cue word near) names <indicator> alone "
              "and its measured precision is at least SETTLE",
    "model": "the linear model (models/indicator.json) over the count's context, among the indicators "
             "the cues named (when several) and the count's measure allows",
    "not-defence-text": "the article has fewer than two defence terms (indicator_defence_terms.tsv; one for "
                        "a lone sentence): every count is other",
}


def rule_name(rule: str | None) -> str | None:
    """The name in :data:`RULES` that declares ``rule`` (a count's ``indicator_rule``): the rule
    itself, or :data:`CUE_RULE` for ``cue:<row>:<indicator>`` when row ``<row>`` of
    ``indicator_cues.tsv`` exists and names ``<indicator>``; None when nothing declares it.

    >>> rule_name("model"), rule_name("cue:21:enlisted"), rule_name("cue:21:militia"), rule_name("cue")
    ('model', 'cue:<row>:<indicator>', None, None)
    """
    if rule is None:
        return None
    if rule in RULES and rule != CUE_RULE:
        return rule
    kind, _, key = rule.partition(":")
    if kind == "cue" and key in {c.key for c in _cues()}:
        return CUE_RULE
    return None


@dataclass(frozen=True)
class Decision:
    """An indicator and how it was chosen: ``rule`` is ``cue:<row>:<indicator>`` (a row of
    ``indicator_cues.tsv`` settled it), ``model`` or ``not-defence-text``; ``confidence`` is the
    cue row's measured precision or the model's probability (among the indicators the cues named,
    when they named several)."""

    indicator: Indicator
    rule: str
    confidence: float


def decide(contexts: Sequence[Context], model: _Model | None = None, *, settle: float = SETTLE) -> list[Decision]:
    """The indicator of each context: a cue row that names one indicator the count's measure
    allows, and has proved precise, settles it; otherwise the model decides among the allowed."""
    model = model or _model()
    decided: list[Decision | None] = []
    allowed: list[list[Indicator]] = []
    for ctx in contexts:
        fits = measure_allows(ctx)  # a cue never names an indicator the count's measure rules out
        rows = [c for c in cue_rows(ctx) if c.indicator in fits]
        names = list(dict.fromkeys(c.indicator for c in rows))
        if len(names) == 1:
            best = max(rows, key=lambda c: model.precision(c.key))
            p = model.precision(best.key)
            if p >= settle:
                decided.append(Decision(names[0], f"cue:{best.key}", round(p, 3)))
                allowed.append([])
                continue
        decided.append(None)
        allowed.append(names if len(names) > 1 else [])
    pending = [i for i, d in enumerate(decided) if d is None]
    if pending:
        scores = _scores(model, [contexts[i] for i in pending])
        for row, i in zip(scores, pending):
            prob = model.linear.probability_vector(row)
            fits = measure_allows(contexts[i])
            keep = [k for k, name in enumerate(model.classes)
                    if name in fits and (not allowed[i] or name in allowed[i])]
            if not keep:
                keep = list(range(len(model.classes)))
            sub = prob[keep] / prob[keep].sum()
            k = int(np.argmax(sub))
            decided[i] = Decision(model.classes[keep[k]], "model", round(float(sub[k]), 3))
    return [d if d is not None else Decision("other", "model", 0.0) for d in decided]


def measure_allows(ctx: Context) -> frozenset[str]:
    """The indicators whose measure fits the count (DESIGN.md: measures never mix;
    ``data/indicator_measures.tsv``): a share of the quota is a percentage, a budget is money,
    households are no enlisted citizens, a list or a meeting is no indicator of ours."""
    allowed = indicators_for_measure(indicator_measure(ctx.unit, percent=ctx.is_percent))
    if not ctx.is_percent:
        allowed -= {"enlistment_target_pct"}
    return allowed


def classify(contexts: Sequence[Context], previous: Sequence[str] | None = None) -> list[str]:
    """The indicator of each context (see :func:`decide`).

    ``previous``: the sentence before each context, when the contexts were built without it.
    """
    if previous:
        contexts = [ctx if ctx.previous or not before else _with_previous(ctx, before)
                    for ctx, before in zip(contexts, previous)]
    return [d.indicator for d in decide(contexts)]


def _with_previous(ctx: Context, previous: str) -> Context:
    return Context(ctx.sentence, ctx.clause, ctx.left, ctx.right, ctx.unit, ctx.is_percent, previous)


# The counts of a text that is not about defence are ``other``: measured on the gold of
# ../shared (dev, dev2, seed), 0.95 of the counts this rule decides are ``other`` there.
NOT_DEFENCE_CONFIDENCE = 0.95


def fill_indicators(doc: Analysis, counts: Sequence[Count]) -> None:
    """The pipeline stage: set each count's ``indicator``, ``indicator_rule`` and
    ``indicator_confidence`` in place."""
    for count, decision in zip(counts, decisions_for(doc, counts)):
        count.indicator = decision.indicator
        count.indicator_rule = decision.rule
        count.indicator_confidence = decision.confidence


def indicators_for(doc: Analysis, counts: Sequence[Count]) -> list[str]:
    """The indicator of each count of ``doc``, in one batch."""
    return [d.indicator for d in decisions_for(doc, counts)]


def decisions_for(doc: Analysis, counts: Sequence[Count]) -> list[Decision]:
    """The decision for each count of ``doc``, in one batch."""
    if not counts:
        return []
    if not is_defence_text(doc.text, lone_sentence=len(doc.sentences) <= 1):
        return [Decision("other", "not-defence-text", NOT_DEFENCE_CONFIDENCE)] * len(counts)
    return decide([count_context(doc, c) for c in counts])


def count_context(doc: Analysis, count: Count) -> Context:
    """The context of one count of ``doc``: its sentence and the sentence before."""
    sent = doc.sentence_at(count.start)
    if sent is None:
        sent_text, offset, before = doc.text, 0, ""
    else:
        sent_text, offset = sent.text, sent.start
        k = bisect_left(doc.sentences, sent.start, key=lambda s: s.start)
        before = doc.sentences[k - 1].text if k > 0 else ""
    end = min(count.end, offset + len(sent_text))
    return context_of(sent_text, count.start - offset, end - offset, count.unit, count.is_percent, before)


# --- training data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One labelled count context: ``group`` is its article (URL), ``site`` the URL's domain,
    ``origin`` where it comes from ("written", "contexts", or a gold folder's name)."""

    context: Context
    label: str
    group: str
    site: str
    origin: str


def training_examples() -> tuple[list[Context], list[str]]:
    """``indicator_training.tsv`` as contexts and labels."""
    written = written_examples()
    return [e.context for e in written], [e.label for e in written]


def written_examples() -> list[Example]:
    """The sentences written for the project (``indicator_training.tsv``), count marked ⟦…⟧."""
    out = []
    for n, (indicator, sentence) in enumerate(_rows(TRAINING_FILE), 1):
        if indicator not in INDICATORS:
            raise ValueError(f"{TRAINING_FILE}: unknown indicator {indicator!r}")
        m = _MARK.search(sentence)
        if m is None:
            raise ValueError(f"{TRAINING_FILE}: no ⟦count⟧ in {sentence!r}")
        plain = sentence[:m.start()] + m.group(1) + sentence[m.end():]
        start, end = m.start(), m.start() + len(m.group(1))
        unit, is_percent = _unit_of(m.group(1))
        out.append(Example(context_of(plain, start, end, unit, is_percent), indicator,
                           f"written:{n}", "written", "written"))
    return out


def _unit_of(count_text: str) -> tuple[str | None, bool]:
    """The unit of a marked training count, read by the counts extractor's own rules."""
    return read_unit(count_text)


def site_of(url: str | None, fallback: str) -> str:
    """The publisher of a page, grouping the folds (``fallback`` when there is no URL)."""
    return registered_domain(url) or fallback

def _normalised_span(sentence: str, start: int, end: int) -> tuple[str, int, int]:
    """The sentence normalised as the pipeline reads it, and the span moved into it."""
    # A sentinel keeps a prefix's trailing space, which normalize would strip at the end.
    return (normalize(sentence), len(normalize(sentence[:start] + "x")) - 1,
            len(normalize(sentence[:end] + "x")) - 1)


def context_examples(path: Path) -> list[Example]:
    """The labelled counts of ``indicators/contexts.jsonl`` (read at training time, never copied)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        sentence, start, end = _normalised_span(row["sentence"], int(row["start"]), int(row["end"]))
        unit = row.get("unit")
        is_percent = unit == "%" or "%" in row["count_text"] or "phần trăm" in row["count_text"]
        ctx = context_of(sentence, start, end, unit, is_percent)
        url = row.get("url")
        out.append(Example(ctx, row["indicator"], url or row["id"], site_of(url, row["id"]), "contexts"))
    return out


_WORD_CHAR = re.compile(r"[^\W_]")


def _occurrences(text: str, needle: str) -> list[int]:
    """Where ``needle`` stands in ``text`` as whole words ('21 thanh niên' is not in '121 thanh niên')."""
    out, pos = [], text.find(needle)
    while pos >= 0:
        end = pos + len(needle)
        before_ok = pos == 0 or not _WORD_CHAR.match(text[pos - 1])
        after_ok = end >= len(text) or not _WORD_CHAR.match(text[end])
        if before_ok and after_ok:
            out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


def article_examples(folder: Path) -> list[Example]:
    """The gold counts of a corpus folder (``ID.txt`` + ``ID.json``): each count found in its
    article (the k-th mention of a text is its k-th occurrence) and read in its sentence."""
    from ..text import sentences

    out = []
    for gold_path in sorted(Path(folder).glob("*.json")):
        txt = gold_path.with_suffix(".txt")
        if not txt.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = normalize(txt.read_text(encoding="utf-8"))
        sents = sentences(text)
        starts = [s.start for s in sents]
        seen: dict[str, int] = {}
        url = gold.get("url")
        group = url or f"{Path(folder).name}/{gold_path.stem}"
        for count in gold.get("counts") or []:
            label = count.get("indicator")
            if label not in INDICATORS:
                continue
            needle = normalize(count["text"])
            k = seen.get(needle, 0)
            seen[needle] = k + 1
            found = _occurrences(text, needle)
            if not found:
                continue
            start = found[min(k, len(found) - 1)]
            i = max(0, bisect_left(starts, start + 1) - 1)
            sent = sents[i] if sents else None
            if sent is None or not sent.start <= start < sent.end:
                continue
            end = min(start + len(needle), sent.end)
            unit = count.get("unit")
            ctx = context_of(sent.text, start - sent.start, end - sent.start, unit, unit == "%",
                             sents[i - 1].text if i > 0 else "")
            out.append(Example(ctx, label, group, site_of(url, group), Path(folder).name))
    return out


def shared_examples(shared: Path | None) -> list[Example]:
    """The real count contexts under ``shared/corpus``: the gold counts of dev, dev2 and seed, and
    ``indicators/contexts.jsonl``. Empty when ``shared`` is None or holds none of them."""
    if shared is None:
        return []
    corpus = Path(shared) / "corpus"
    out: list[Example] = []
    for name in ("dev", "dev2", "seed"):
        if (corpus / name).is_dir():
            out += article_examples(corpus / name)
    contexts = corpus / "indicators" / "contexts.jsonl"
    if contexts.exists():
        out += context_examples(contexts)
    return out


# --- training ----------------------------------------------------------------------------------


def fit_pipeline(contexts: Sequence[Context], labels: Sequence[str]) -> Any:
    """The scikit-learn pipeline fitted as :func:`train` fits it (one BLAS thread)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _pipeline().fit(list(contexts), list(labels))


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=features, sublinear_tf=True, lowercase=False, min_df=2),
        LogisticRegression(C=C, max_iter=5000, class_weight="balanced"),
    )


# Regularisation: chosen on the grouped folds of bench/indicators_cv.py.
C = 10.0


def cue_precision(examples: Sequence[Example]) -> dict[str, tuple[int, int]]:
    """For each cue row that alone names the indicator of a real example: (right, fired)."""
    tally: dict[str, list[int]] = {}
    for e in examples:
        if e.origin == "written":
            continue  # written examples illustrate the cues; they do not measure them
        rows = cue_rows(e.context)
        if len({c.indicator for c in rows}) != 1:
            continue
        for c in rows:
            t = tally.setdefault(c.key, [0, 0])
            t[0] += c.indicator == e.label
            t[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(tally.items(), key=lambda kv: int(kv[0].split(":")[0]))}


def fit(examples: Sequence[Example]) -> dict[str, Any]:
    """The model as the JSON data shipped in ``models/indicator.json``."""
    pipe = fit_pipeline([e.context for e in examples], [e.label for e in examples])
    vectorizer, classifier = pipe.steps[0][1], pipe.steps[1][1]
    coef = classifier.coef_.T  # features × classes
    return {
        "about": "indicator classifier of qpdp_nlp: TF-IDF (sublinear tf, l2) + logistic regression; "
                 "rebuild with `qpdp train --only indicator`",
        "classes": classifier.classes_.tolist(),
        "features": vectorizer.get_feature_names_out().tolist(),
        "idf": [round(float(v), 6) for v in vectorizer.idf_],
        "coef": [[round(float(v), 6) for v in row] for row in coef],
        "intercept": [round(float(v), 6) for v in classifier.intercept_],
        "cue_precision": {k: list(v) for k, v in cue_precision(examples).items()},
    }


def grouped_folds(
    examples: Sequence[Example], by: str = "group", n_splits: int = 5
) -> Iterator[tuple[list[int], list[int]]]:
    """(train, test) index lists: every real example is tested once, in a fold that holds none of
    its article (``by="group"``) or site (``by="site"``); written examples are always trained on."""
    from sklearn.model_selection import GroupKFold

    real = [i for i, e in enumerate(examples) if e.origin != "written"]
    written = [i for i, e in enumerate(examples) if e.origin == "written"]
    groups = [getattr(examples[i], by) for i in real]
    for train_idx, test_idx in GroupKFold(n_splits=n_splits).split(real, groups=groups):
        yield written + [real[j] for j in train_idx], [real[j] for j in test_idx]


def cross_validate(examples: Sequence[Example], by: str = "group", n_splits: int = 5,
                   settle: float = SETTLE) -> list[tuple[Example, Decision]]:
    """Each real example with the decision of a model trained without its article (or site)."""
    out: list[tuple[Example, Decision]] = []
    for train_idx, test_idx in grouped_folds(examples, by, n_splits):
        model = _model_from(fit([examples[i] for i in train_idx]))
        tests = [examples[i] for i in test_idx]
        out += zip(tests, decide([e.context for e in tests], model, settle=settle))
    return out


def train(model_dir: Path, *, shared: Path | None = None) -> dict[str, Any]:
    """Fit the model on the real count contexts of ``shared`` (gold counts of dev, dev2, seed and
    ``indicators/contexts.jsonl``, read here and never copied) and the written examples, and write
    ``model_dir/indicator.json``. Deterministic (same data, same bytes).

    Without ``shared`` (a clone without ``../shared``) it writes nothing and keeps the shipped
    model: a model of the written examples alone measured far worse on real sentences.
    Returns the grouped 5-fold cross-validated accuracy on ``contexts.jsonl`` (folds by article).
    """
    real = shared_examples(shared)
    if not real:
        where = "no shared/ folder" if shared is None else f"no gold counts under {shared}"
        print(f"indicator: {where}; the shipped model is kept")
        return {"kept": True, "path": None}
    examples = written_examples() + real
    checked = [(e, d) for e, d in cross_validate(examples) if e.origin == "contexts"]
    cv = sum(e.label == d.indicator for e, d in checked) / max(1, len(checked))
    data = fit(examples)
    data["examples"] = {"written": len(examples) - len(real), "real": len(real)}
    data["cv_accuracy_contexts_by_article"] = round(cv, 4)
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / MODEL_FILE
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    _model.cache_clear()
    print(f"indicator: {len(examples)} examples ({len(real)} real), grouped 5-fold accuracy on the "
          f"count contexts {cv:.3f}")
    return {"examples": len(examples), "real": len(real), "cv_accuracy": round(cv, 4),
            "cv_folds": 5, "path": str(path)}
