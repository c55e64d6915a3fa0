"""Which indicator a count measures: cue words first, a small classifier where cues disagree or say nothing.

>>> from qpdp_nlp.text import analyse
>>> from qpdp_nlp.extractors import counts
>>> doc = analyse("Năm nay, quân sự huyện tổ chức lễ giao quân cho 142 thanh niên lên đường nhập ngũ.")
>>> found = counts.extract(doc)
>>> fill_indicators(doc, found)
>>> [(c.text, c.indicator) for c in found]
[('142 thanh niên', 'enlisted')]

1. An article with fewer than two defence terms (``indicator_defence_terms.tsv``) is not about
   defence work: its counts are ``other``.
2. ``indicator_cues.tsv``: a row fires when the count's unit fits and one of its cue words is in
   the count's clause (or its sentence, or the sentence before, when no cue is nearer). Rows that
   name their units outrank rows for any unit ("1.100 học sinh" in a sentence about "bồi dưỡng"
   is still ``qpan_students``), and rows with cue words outrank rows without. The rows of the
   highest rank that fire name one indicator → taken.
3. Otherwise a TF-IDF + logistic-regression model over the count's context (its unit, the words
   around it, the words of its sentence) decides — among the indicators the cues named, when they
   named several. The model is trained on ``indicator_training.tsv`` (sentences written for the
   project, never gold text) by :func:`train`, and shipped as plain JSON
   (``models/indicator.json``: vocabulary, idf, coefficients), rebuilt byte for byte by
   ``qpdp train --only indicator``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelMissing
from ..extractors.count_nouns import read_unit
from ..extractors.count_nouns import tables as count_tables
from ..extractors.numbers import fold
from ..lexicons import read_rows
from ..records import INDICATORS, Count
from ..text import Analysis

MODEL_FILE = "indicator.json"
TRAINING_FILE = "indicator_training.tsv"
_MARK = re.compile(r"⟦(.+?)⟧")
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|%", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"[;:()]|\s[-–]\s|\n")
_COORDINATION = re.compile(r",| và | hoặc ")
_LEFT_WINDOW = 8
_RIGHT_WINDOW = 6


# --- tables ------------------------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    return read_rows(name)[1]


@dataclass(frozen=True)
class _Cue:
    indicator: str
    units: frozenset[str] | None  # None: any unit
    excluded: bool  # True: any unit except ``units``
    cues: tuple[tuple[str, ...], ...]  # any of (all of these); () means no cue needed

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
    for indicator, units, cues in _rows("indicator_cues.tsv"):
        if indicator not in INDICATORS:
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
        out.append(_Cue(indicator, unit_set, excluded, cue_list))
    return tuple(out)


@lru_cache(maxsize=1)
def _defence_terms() -> re.Pattern:
    terms = sorted((row[0] for row in _rows("indicator_defence_terms.tsv")), key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, terms)) + r")(?![^\W_])", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _padded(phrase: str) -> str:
    return f" {' '.join(_SYLLABLE.findall(fold(phrase)))} "


def is_defence_text(text: str) -> bool:
    """At least two defence terms: the article reports on defence work."""
    pattern = _defence_terms()
    first = pattern.search(text)
    return first is not None and pattern.search(text, first.end()) is not None


# --- context -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What the indicator is decided from: the count's sentence, its clause and where it stands."""

    sentence: str
    clause: str
    left: str
    right: str
    unit: str | None
    is_percent: bool


def context_of(sentence: str, start: int, end: int, unit: str | None, is_percent: bool) -> Context:
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
    )


def _syllables(text: str) -> list[str]:
    return ["0" if s[0].isdigit() else s for s in _SYLLABLE.findall(fold(text))]


def features(ctx: Context) -> list[str]:
    """The classifier's features: unit, words left and right in the clause, the sentence's words."""
    unit = fold(ctx.unit or "")
    feats = ["u=pct" if ctx.is_percent else f"u={unit or '-'}"]
    if unit and " " in unit:
        feats.append(f"uh={unit.split()[0]}")
    left = _syllables(ctx.left)[-_LEFT_WINDOW:]
    right = _syllables(ctx.right)[:_RIGHT_WINDOW]
    feats += [f"l={w}" for w in left]
    feats += [f"l={a}_{b}" for a, b in pairwise(left)]
    feats += [f"r={w}" for w in right]
    feats += [f"r={a}_{b}" for a, b in pairwise(right)]
    sent = _syllables(ctx.sentence)
    feats += [f"s={a}_{b}" for a, b in pairwise(sent)]
    feats += [f"s={w}" for w in sent]
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


def cue_candidates(ctx: Context, previous: str = "") -> list[str]:
    """Indicators the cue table names for ``ctx``, specific rows first; without repeats.

    Rows that name their units outrank rows that fire on any unit: "1.100 học sinh" in a sentence
    about "bồi dưỡng" is still ``qpan_students``.
    """
    unit = "%" if ctx.is_percent else _head_unit(fold(ctx.unit or ""))
    fired = _fire([ctx.clause, ctx.sentence, previous], unit)
    if not fired:
        return []
    rank = max(_rank(c) for c in fired)
    return list(dict.fromkeys(c.indicator for c in fired if _rank(c) == rank))


def _head_unit(unit: str) -> str:
    """"huyện, thành phố" -> "huyện": coordinated nouns are of one kind, the first one tells it."""
    known = any(c.units is not None and unit in c.units for c in _cues())
    if known or not unit:
        return unit
    return _COORDINATION.split(unit, maxsplit=1)[0].strip()


def _rank(cue: _Cue) -> tuple[bool, bool]:
    return (cue.specific, bool(cue.cues))


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    classes: tuple[str, ...]
    index: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # features × classes
    intercept: np.ndarray


@lru_cache(maxsize=1)
def _model() -> _Model:
    path = files("qpdp_nlp").joinpath("models", MODEL_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelMissing(MODEL_FILE) from None
    return _Model(
        classes=tuple(data["classes"]),
        index={f: i for i, f in enumerate(data["features"])},
        idf=np.asarray(data["idf"], dtype=np.float64),
        coef=np.asarray(data["coef"], dtype=np.float64),
        intercept=np.asarray(data["intercept"], dtype=np.float64),
    )


def _scores(model: _Model, contexts: Sequence[Context]) -> np.ndarray:
    """Decision scores (contexts × classes) as sklearn's pipeline gives them: sublinear tf × idf,
    l2-normalised, times the coefficients, plus the intercepts."""
    out = np.tile(model.intercept, (len(contexts), 1))
    for r, ctx in enumerate(contexts):
        counts: dict[int, int] = {}
        for f in features(ctx):
            j = model.index.get(f)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            continue
        cols = np.fromiter(counts, dtype=np.intp, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * model.idf[cols]
        weights /= np.sqrt(weights @ weights)
        out[r] += weights @ model.coef[cols]
    return out


def classify(contexts: Sequence[Context], previous: Sequence[str] | None = None) -> list[str]:
    """The indicator of each context: cues first, the model where they disagree or are silent.

    ``previous``: the sentence before each context, searched for cue words when its own sentence
    has none (a report goes on about the same thing).
    """
    decided: list[str | None] = []
    allowed: list[list[str]] = []
    for k, ctx in enumerate(contexts):
        fired = cue_candidates(ctx, previous[k] if previous else "")
        if len(fired) == 1:
            decided.append(fired[0])
            allowed.append([])
            continue
        decided.append(None)
        allowed.append(fired)
    pending = [i for i, d in enumerate(decided) if d is None]
    if pending:
        model = _model()
        scores = _scores(model, [contexts[i] for i in pending])
        for row, i in zip(scores, pending):
            order = np.argsort(-row, kind="stable")
            names = [model.classes[k] for k in order]
            if allowed[i]:
                names = [n for n in names if n in allowed[i]] or names
            decided[i] = names[0]
    return [d or "other" for d in decided]


def fill_indicators(doc: Analysis, counts: Sequence[Count]) -> None:
    """The pipeline stage: set each count's ``indicator`` in place."""
    for count, indicator in zip(counts, indicators_for(doc, counts)):
        count.indicator = indicator


def indicators_for(doc: Analysis, counts: Sequence[Count]) -> list[str]:
    """The indicator of each count of ``doc``, in one batch."""
    if not is_defence_text(doc.text):
        return ["other"] * len(counts)
    contexts, previous = [], []
    for c in counts:
        sent = doc.sentence_at(c.start)
        if sent is None:
            sent_text, offset, before = doc.text, 0, ""
        else:
            sent_text, offset = sent.text, sent.start
            k = bisect_left(doc.sentences, sent.start, key=lambda s: s.start)
            before = doc.sentences[k - 1].text if k > 0 else ""
        end = min(c.end, offset + len(sent_text))
        contexts.append(context_of(sent_text, c.start - offset, end - offset, c.unit, c.is_percent))
        previous.append(before)
    return classify(contexts, previous)


# --- training ----------------------------------------------------------------------------------


def training_examples() -> tuple[list[Context], list[str]]:
    """``indicator_training.tsv`` as contexts and labels."""
    contexts, labels = [], []
    for indicator, sentence in _rows(TRAINING_FILE):
        if indicator not in INDICATORS:
            raise ValueError(f"{TRAINING_FILE}: unknown indicator {indicator!r}")
        m = _MARK.search(sentence)
        if m is None:
            raise ValueError(f"{TRAINING_FILE}: no ⟦count⟧ in {sentence!r}")
        plain = sentence[:m.start()] + m.group(1) + sentence[m.end():]
        start, end = m.start(), m.start() + len(m.group(1))
        unit, is_percent = _unit_of(m.group(1))
        contexts.append(context_of(plain, start, end, unit, is_percent))
        labels.append(indicator)
    return contexts, labels


def _unit_of(count_text: str) -> tuple[str | None, bool]:
    """The unit of a marked training count, read by the counts extractor's own rules."""
    return read_unit(count_text)


def fit_pipeline(contexts: Sequence[Context], labels: Sequence[str]):
    """The scikit-learn pipeline fitted as :func:`train` fits it (one BLAS thread)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _pipeline().fit(contexts, labels)


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=features, sublinear_tf=True, lowercase=False, min_df=2),
        LogisticRegression(C=3.0, max_iter=5000, class_weight="balanced"),
    )


def train(model_dir: Path, *, shared: Path | None = None) -> dict[str, Any]:
    """Fit the model on ``indicator_training.tsv`` and write ``model_dir/indicator.json``.

    Deterministic (same data, same bytes). Returns the 5-fold cross-validated accuracy. ``shared``
    is accepted for the trainer registry and not used: the model learns only from the repo's data.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from threadpoolctl import threadpool_limits

    contexts, labels = training_examples()
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    # One BLAS thread: the same sums in the same order (byte-identical rebuilds), and no
    # oversubscription on a busy machine (it made training 20 times slower).
    with threadpool_limits(limits=1):
        cv = cross_val_score(_pipeline(), contexts, labels, cv=folds)
        pipe = _pipeline().fit(contexts, labels)
    vectorizer, classifier = pipe.steps[0][1], pipe.steps[1][1]
    names = vectorizer.get_feature_names_out().tolist()
    coef = classifier.coef_.T  # features × classes
    data = {
        "about": "indicator classifier of qpdp_nlp: TF-IDF (sublinear tf, l2) + logistic regression; "
                 "rebuild with `qpdp train --only indicator`",
        "classes": classifier.classes_.tolist(),
        "features": names,
        "idf": [round(float(v), 6) for v in vectorizer.idf_],
        "coef": [[round(float(v), 6) for v in row] for row in coef],
        "intercept": [round(float(v), 6) for v in classifier.intercept_],
        "examples": len(labels),
        "cv_accuracy": round(float(cv.mean()), 4),
    }
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / MODEL_FILE
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    _model.cache_clear()
    metrics = {"examples": len(labels), "cv_accuracy": data["cv_accuracy"], "cv_folds": 5, "path": str(path)}
    print(f"indicator: {len(labels)} examples, 5-fold cross-validated accuracy {data['cv_accuracy']:.3f}")
    return metrics
