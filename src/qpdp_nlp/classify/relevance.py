"""Relevance (is the article about local defence?) and topic (which kind of event), from models
trained with scikit-learn and shipped as plain JSON.

Two linear models over TF-IDF weighted syllable unigrams and bigrams of the article's title and
lead:

- ``relevance.json``: logistic regression, ``is_defense`` with its probability;
- ``topic.json``: multinomial logistic regression over the defence topics (review, enlistment,
  exercise, training, militia, award, recruitment, inspection, other-defense) and the finer
  non-defence topics the training data gives (economy, security, health …).

A record gets ``is_defense`` and ``defense_probability`` from the first model; its ``topic`` is the
best defence topic when it is about defence (unless the topic rules name a specific one, see
:func:`combine_topic`), else ``not-defense``, the finer non-defence topic going to
``record.subtopic``.

>>> p = predict("Huyện Ba Bể tổ chức lễ giao nhận quân năm 2024, 120 thanh niên lên đường nhập ngũ")
>>> p.is_defense, p.topic
(True, 'enlistment')
>>> p = predict("Công an huyện bắt giữ 3 đối tượng trộm cắp xe máy")
>>> p.is_defense, p.topic, p.subtopic
(False, 'not-defense', 'security')

Training (``train``, run by ``qpdp train`` / ``make model``) reads every real labelled page of
``shared/corpus`` at training time (never copied into the repo): the headlines and leads of
``leads/leads.jsonl``, the gold articles of ``dev``, ``dev2`` and ``seed`` (their topic; relevance is
topic ≠ not-defense) and the scope labels ``scope/*.jsonl`` (title, text, is_defense, topic), plus
the project's own examples in ``data/classify_extra.tsv``. It is deterministic (same data, same
bytes) and returns cross-validated scores with folds grouped by source site (the registered domain
of the page's URL, so one newspaper never sits on both sides; sites that carry the same story are
joined), pooled and for each corpus apart. Without the leads (a clone without ``../shared``) it
writes nothing, keeps the shipped models and says so.

Disaster relief: storm, flood, landslide or fire response by the local armed forces (militia, Ban
CHQS, border guards, defence-zone commands, army units) is defence work, topic ``other-defense``
(training militia for it is ``militia``); the same work by the police, the Red Cross, youth
volunteers or the civil authorities is not. The scope labels follow this convention and
``classify_extra.tsv`` has written examples of both sides.
At run time nothing of scikit-learn is imported and nothing is unpickled: the model is
a vocabulary, IDF weights and coefficients read from JSON, applied with a dot product by the
scorer every shipped model shares (:mod:`.linear`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from ..lexicons import read_rows
from ..provenance import registered_domain
from ..records import TOPICS, ArticleRecord, Topic, is_topic
from ..text import Analysis, normalize
from .linear import FORMAT, LinearModel, read_model, shipped

RELEVANCE_FILE = "relevance.json"
TOPIC_FILE = "topic.json"
EXTRA_DATA = "classify_extra.tsv"
NOT_DEFENSE: Topic = "not-defense"
DEFENSE_TOPICS = tuple(t for t in TOPICS if t != NOT_DEFENSE)

# The lead is what both the training leads and a news page open with: the headline and the
# first paragraphs. Long bodies drift into speeches and lists that say little about the kind of
# event, so the article is cut after this many characters (at a paragraph end when possible).
# On the dev gold, 700-1000 characters classified relevance best (300: 0.957, whole text: 0.978).
# Site-grouped CV over all 471 real pages (with the gold): 500, 700, 1000, 1500 all give is_defense
# F1 0.977; topic accuracy 0.896, 0.907, 0.909, 0.905 -- 700 kept (1000 trades dev2 for scope).
LEAD_CHARS = 700
# Significant digits kept in the shipped model: enough for identical decisions, few enough that
# the file is small and rebuilds byte-identically.
DIGITS = 6
# Two leads whose syllable-trigram sets overlap at least this much are one story (syndicated or
# reposted); cross-validation keeps them in the same fold, even across sites.
NEAR_DUPLICATE_JACCARD = 0.5
CV_FOLDS = 5
# Inverse regularisation, from the cross-validated leads (C = 1, 10, 100: is_defense F1 0.969 for
# all three; topic macro-F1 0.861, 0.913, 0.913): the smallest C at the plateau. Checked again on
# all real pages, site-grouped: C_RELEVANCE 3/10/30 -> is_defense F1 0.972/0.977/0.977; C_TOPIC
# 3/10/30 -> topic macro-F1 0.845/0.863/0.868: still the plateau.
C_RELEVANCE = 10.0
C_TOPIC = 10.0
# A term seen in one example only is noise to the model and weight in the file.
MIN_DF = 2

# --- features ----------------------------------------------------------------------------------

# A syllable is a run of letters; digits say nothing about the kind of event. Punctuation and line
# breaks end a phrase, so no bigram spans them.
_PHRASE_BREAK = re.compile(r"[^\w\s]|\n")
_SYLLABLE = re.compile(r"[^\W\d_]+")


def lead_of(text: str, title: str | None = None) -> str:
    """The headline and the opening of ``text``, about :data:`LEAD_CHARS` characters.

    >>> lead_of("Ba Bể tổng kết công tác quốc phòng\\n\\nSáng 5/1, huyện Ba Bể tổ chức hội nghị.")
    'Ba Bể tổng kết công tác quốc phòng\\n\\nSáng 5/1, huyện Ba Bể tổ chức hội nghị.'
    """
    body = text
    if title and not text.startswith(title):
        body = f"{title}\n{text}"
    if len(body) <= LEAD_CHARS:
        return body
    cut = body.rfind("\n", LEAD_CHARS // 2, LEAD_CHARS)
    if cut < 0:
        cut = body.rfind(" ", 0, LEAD_CHARS)
    return body[: cut if cut > 0 else LEAD_CHARS]


def terms(text: str) -> list[str]:
    """Lower-cased syllables and syllable bigrams (joined by ``_``) of normalised ``text``.

    >>> terms("Lễ giao nhận quân, năm 2024")
    ['lễ', 'giao', 'nhận', 'quân', 'năm', 'lễ_giao', 'giao_nhận', 'nhận_quân']
    """
    unigrams: list[str] = []
    bigrams: list[str] = []
    for phrase in _PHRASE_BREAK.split(text.lower()):
        syllables = _SYLLABLE.findall(phrase)
        if syllables:
            unigrams += syllables
            bigrams += map("_".join, pairwise(syllables))
    return unigrams + bigrams


# --- the shipped linear models -------------------------------------------------------------------

# Both models are scored by the one linear scorer (:mod:`.linear`), which reads their format.
MODEL_FORMAT = FORMAT


def bag_of(lead: str) -> Counter[str]:
    """The bag of terms of a lead, as the models score it (shared by both models)."""
    return Counter(terms(lead))


def _model_resource(name: str) -> Traversable:
    return shipped(name)


@cache
def load_model(name: str) -> LinearModel:
    """The shipped model ``name`` (``relevance.json`` / ``topic.json``); a coded error when it is
    missing, since classifying without it would silently leave every article unclassified."""
    return LinearModel.from_dict(read_model(name, _model_resource(name)))


@dataclass(frozen=True)
class Prediction:
    is_defense: bool
    defense_probability: float
    topic: Topic
    subtopic: str | None
    topic_probability: float  # of ``topic`` (or of ``subtopic``) among the topics allowed


def _decide(relevance: LinearModel, topic_model: LinearModel | None, lead: str) -> Prediction:
    """The topic must agree with relevance: the best defence topic for a defence article, else
    ``not-defense`` with the best finer non-defence topic as ``subtopic``."""
    bag = bag_of(lead)
    p_defense = relevance.probabilities(bag)["True"]
    is_defense = p_defense >= 0.5
    best, p_best = None, 0.0
    if topic_model is not None:
        probs = topic_model.probabilities(bag)
        allowed = [c for c in topic_model.classes if (c in DEFENSE_TOPICS) == is_defense]
        if allowed:
            best = max(allowed, key=probs.__getitem__)
            p_best = probs[best] / (sum(probs[c] for c in allowed) or 1.0)
    if is_defense:
        # best is one of the model's classes that is in DEFENSE_TOPICS (checked here, since a
        # model file may name other classes)
        topic: Topic = best if best and is_topic(best) else "other-defense"
        return Prediction(True, p_defense, topic, None, p_best)
    subtopic = best if best != NOT_DEFENSE else None
    return Prediction(False, p_defense, NOT_DEFENSE, subtopic, p_best)


def predict(text: str, *, title: str | None = None) -> Prediction:
    """Relevance and topic of one article (normalised text)."""
    return _decide(load_model(RELEVANCE_FILE), load_model(TOPIC_FILE), lead_of(text, title))


# Topics whose rules (``extractors/scope.py``, ``data/topic_rules.tsv``) name the event by its
# own words ("lễ giao nhận quân", "diễn tập khu vực phòng thủ"): when the rules give one of these
# for an article the model finds about defence, and the model is unsure of its own topic
# (probability below RULE_WINS_BELOW among the defence topics), the rule wins. Measured
# (bench/classify.py, out of fold, folds grouped by site, rules reading the whole text), topic
# accuracy on the pages the rules were not written on (leads / dev2 / scope labels):
#   model alone 0.922 / 0.833 / 0.887; rules always first 0.935 / 0.833 / 0.827;
#   rules first when the model is below 0.5: 0.947 / 0.900 / 0.867 (pooled 0.915 against 0.904
#   and 0.889; thresholds 0.3-0.9 tried, 0.5 best). On dev, where the rules were tuned, 0.978.
RULE_TOPICS = frozenset(DEFENSE_TOPICS) - {"other-defense"}
RULE_WINS_BELOW = 0.5


def combine_topic(prediction: Prediction, rule_topic: Topic | None) -> Topic:
    """The record's topic: a specific rule topic for a defence article whose model topic is unsure,
    else the model's.

    >>> unsure, sure = Prediction(True, 0.97, "recruitment", None, 0.4), Prediction(True, 0.97, "recruitment", None, 0.7)
    >>> combine_topic(unsure, "enlistment"), combine_topic(sure, "enlistment"), combine_topic(unsure, "other-defense")
    ('enlistment', 'recruitment', 'recruitment')
    """
    if prediction.is_defense and rule_topic in RULE_TOPICS and prediction.topic_probability < RULE_WINS_BELOW:
        return rule_topic
    return prediction.topic


def classify(record: ArticleRecord, doc: Analysis) -> None:
    """The pipeline's last stage: fill ``is_defense``, ``defense_probability``, ``topic`` (rule
    topic already in ``record.topic`` combined with the model's, :func:`combine_topic`) and
    ``subtopic``."""
    prediction = predict(doc.text, title=doc.title)
    record.is_defense = prediction.is_defense
    record.defense_probability = round(prediction.defense_probability, 4)
    record.topic = combine_topic(prediction, record.topic)
    record.subtopic = prediction.subtopic


# --- training ----------------------------------------------------------------------------------

# The real labelled pages read from ``shared/corpus`` at training time (never copied into the repo):
# (origin, what it is). Each is trained on and scored out of fold; ``extra`` is always trained on.
GOLD_FOLDERS = ("dev", "dev2", "seed")  # ID.txt + ID.json articles: the whole text, the gold topic
SCOPE_LABELS = "scope"  # scope/*.jsonl: title, text, is_defense, topic
REAL_ORIGINS = ("leads", *GOLD_FOLDERS, SCOPE_LABELS)

@dataclass(frozen=True)
class Example:
    id: str
    text: str  # normalised headline + text (a lead, or a whole article); models read lead_of(text)
    is_defense: bool
    topic: str  # a defence topic, or the finer non-defence topic ("not-defense" when unknown)
    origin: str  # one of REAL_ORIGINS (scored out of fold) or "extra" (always trained on)
    site: str = ""  # publisher of the page (provenance.registered_domain; "" when it has no URL)


def _leads_path(shared: Path | None) -> Path | None:
    if shared is None:
        return None
    path = Path(shared) / "corpus" / "leads" / "leads.jsonl"
    return path if path.is_file() else None


def load_leads(shared: Path | None) -> list[Example]:
    """The labelled leads of ``shared/corpus/leads/leads.jsonl`` (empty when absent)."""
    path = _leads_path(shared)
    if path is None:
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text = normalize("\n".join(p for p in (row.get("title"), row.get("lead")) if p))
        out.append(Example(row["id"], text, bool(row["is_defense"]), row["topic"], "leads", registered_domain(row.get("url"))))
    return out


def load_gold(shared: Path | None) -> list[Example]:
    """The gold articles of ``shared/corpus/{dev,dev2,seed}`` (whole text; the title is its first
    line) and the scope labels of ``shared/corpus/scope/*.jsonl`` (title + text), in a fixed order;
    empty when absent. A gold article not about defence has the topic ``not-defense`` (no finer
    topic is labelled)."""
    if shared is None:
        return []
    corpus = Path(shared) / "corpus"
    out = []
    for folder in GOLD_FOLDERS:
        for path in sorted((corpus / folder).glob("*.json")):
            txt = path.with_suffix(".txt")
            if not txt.is_file():
                continue
            gold = json.loads(path.read_text(encoding="utf-8"))
            topic = gold["topic"]
            text = normalize(txt.read_text(encoding="utf-8"))
            out.append(Example(f"{folder}/{path.stem}", text, topic != NOT_DEFENSE, topic, folder,
                               registered_domain(gold.get("url"))))
    for path in sorted((corpus / SCOPE_LABELS).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            title = normalize(row["title"]) if row.get("title") else None
            text = normalize(row["text"])
            if title and not text.startswith(title):
                text = f"{title}\n{text}"
            out.append(Example(f"{SCOPE_LABELS}/{row['id']}", text, bool(row["is_defense"]), row["topic"],
                               SCOPE_LABELS, registered_domain(row.get("url"))))
    return out


def load_real(shared: Path | None) -> list[Example]:
    """Every real labelled page under ``shared``: the leads, the gold articles, the scope labels."""
    return load_leads(shared) + load_gold(shared)


def load_extra() -> list[Example]:
    """The project's own training examples (``data/classify_extra.tsv``)."""
    header, rows = read_rows(EXTRA_DATA)
    if header != ["id", "is_defense", "topic", "text"]:
        raise ValueError(f"{EXTRA_DATA}: unexpected header {header}")
    out = []
    for ident, flag, topic, text in rows:
        if flag not in ("0", "1"):
            raise ValueError(f"{EXTRA_DATA}: {ident}: is_defense must be 0 or 1")
        if (flag == "1") != (topic in DEFENSE_TOPICS):
            raise ValueError(f"{EXTRA_DATA}: {ident}: topic {topic!r} contradicts is_defense={flag}")
        out.append(Example(ident, normalize(text.replace("\\n", "\n")), flag == "1", topic, "extra"))
    return out


class _Components:
    """Union-find over item numbers: which items must stay on one side of a split."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.root(j)] = self.root(i)

    def numbers(self) -> list[int]:
        """A group number per item, numbered in order of first appearance."""
        roots: dict[int, int] = {}
        return [roots.setdefault(self.root(i), len(roots)) for i in range(len(self.parent))]


def _join_near_duplicates(components: _Components, texts: list[str]) -> None:
    shingles = []
    for text in texts:
        syl = [t for t in terms(text) if "_" not in t]
        shingles.append({" ".join(syl[i : i + 3]) for i in range(max(1, len(syl) - 2))})
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = shingles[i], shingles[j]
            if a and b and len(a & b) >= NEAR_DUPLICATE_JACCARD * len(a | b):
                components.join(i, j)


def near_duplicate_groups(texts: list[str]) -> list[int]:
    """A group number per text: texts whose syllable-trigram sets have Jaccard similarity
    ≥ :data:`NEAR_DUPLICATE_JACCARD` (directly or through a chain) share a group."""
    components = _Components(len(texts))
    _join_near_duplicates(components, texts)
    return components.numbers()


def site_groups(examples: list[Example]) -> list[int]:
    """The cross-validation group of each example: one per source site (registered domain of its
    URL), joined with any other site that carries a near-duplicate of one of its pages (a syndicated
    story); a page without a URL is a group of its own unless it is a near-duplicate."""
    components = _Components(len(examples))
    first_of_site: dict[str, int] = {}
    for i, e in enumerate(examples):
        if e.site:
            components.join(first_of_site.setdefault(e.site, i), i)
    _join_near_duplicates(components, [lead_of(e.text) for e in examples])
    return components.numbers()


def _fit(texts: list[str], labels: list[str], c: float) -> tuple[Any, Any]:
    """scikit-learn TF-IDF + logistic regression, fitted deterministically."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True, min_df=MIN_DF, norm="l2", dtype=np.float64)
    x = vectorizer.fit_transform([lead_of(t) for t in texts])
    model = LogisticRegression(C=c, max_iter=1000, solver="newton-cg")
    model.fit(x, labels)
    return vectorizer, model


def _round(values: np.ndarray) -> list[float]:
    return [float(f"{v:.{DIGITS}g}") for v in np.asarray(values, dtype=np.float64).ravel()]


def _export(vectorizer: Any, model: Any, meta: dict[str, Any]) -> dict[str, Any]:
    vocabulary = vectorizer.get_feature_names_out().tolist()
    idf = _round(vectorizer.idf_)
    coef = np.asarray(model.coef_, dtype=np.float64).T  # (n_features, n_outputs)
    return {
        "format": MODEL_FORMAT,
        **meta,
        "classes": [str(c) for c in model.classes_],
        "intercept": _round(model.intercept_),
        # one row per term: [term, idf, weight per output]; a reviewer can grep a term and see
        # which way it pushes
        "features": [[term, idf[i], *_round(coef[i])] for i, term in enumerate(vocabulary)],
    }


def _write(path: Path, data: dict[str, Any]) -> None:
    """JSON with one line per top-level key and one per feature row, so the file diffs well."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = [f"{dump(key)}:{dump(value)}" for key, value in data.items() if key != "features"]
    rows = ",\n".join(dump(row) for row in data.get("features", []))
    lines.append(f'"features":[\n{rows}\n]')
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def scores(gold: list[Example], predictions: list[Prediction]) -> dict[str, Any]:
    """is_defense precision/recall/F1/accuracy and topic accuracy/macro-F1 (the record's topic: a
    defence topic or ``not-defense``) of ``predictions`` against ``gold``."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    gold_def = [e.is_defense for e in gold]
    pred_def = [p.is_defense for p in predictions]
    gold_topic = [e.topic if e.is_defense else NOT_DEFENSE for e in gold]
    pred_topic = [p.topic for p in predictions]
    p, r, f, _ = precision_recall_fscore_support(gold_def, pred_def, average="binary", pos_label=True,
                                                 zero_division=0.0)
    return {
        "n": len(gold),
        "is_defense": {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                       "accuracy": round(sum(a == b for a, b in zip(gold_def, pred_def)) / len(gold), 4)},
        "topic_accuracy": round(sum(a == b for a, b in zip(gold_topic, pred_topic)) / len(gold), 4),
        "topic_macro_f1": round(float(f1_score(gold_topic, pred_topic, average="macro")), 4),
    }


def cross_validate(examples: list[Example], *, folds: int = CV_FOLDS) -> dict[str, Any]:
    """Grouped, stratified k-fold scores on every real example, folds grouped by source site (see
    :func:`site_groups`): all of them, and each origin (leads, dev, dev2, seed, scope) apart. The
    project's extra examples are added to every training fold and never scored."""
    from sklearn.metrics import f1_score

    real, predictions, groups = out_of_fold(examples, folds=folds)
    if not real:
        return {}
    gold_fine = [e.topic for e in real]
    pred_fine = [p.topic if p.is_defense else (p.subtopic or NOT_DEFENSE) for p in predictions]
    by_origin = {
        origin: scores([e for e in real if e.origin == origin],
                       [p for e, p in zip(real, predictions) if e.origin == origin])
        for origin in REAL_ORIGINS
        if any(e.origin == origin for e in real)
    }
    return {
        "grouped_by": "source site (registered domain of the URL), near-duplicates joined",
        "folds": folds,
        "examples": len(real),
        "extra_examples": len(examples) - len(real),
        "sites": len({e.site for e in real if e.site}),
        "groups": len(set(groups)),
        **scores(real, predictions),
        "fine_topic_macro_f1": round(float(f1_score(gold_fine, pred_fine, average="macro")), 4),
        "by_origin": by_origin,
    }


def out_of_fold(
    examples: list[Example], *, folds: int = CV_FOLDS
) -> tuple[list[Example], list[Prediction], list[int]]:
    """Each real example predicted by models that never saw its site nor any near-duplicate of it:
    (real examples, predictions, group of each). Empty without enough real examples."""
    from sklearn.model_selection import StratifiedGroupKFold

    real = [e for e in examples if e.origin != "extra"]
    extra = [e for e in examples if e.origin == "extra"]
    if len(real) < folds * 2:
        return [], [], []
    groups = site_groups(real)
    predicted: dict[int, Prediction] = {}
    splitter = StratifiedGroupKFold(n_splits=folds)
    for train_idx, test_idx in splitter.split(real, [e.topic for e in real], groups):
        models = _fit_both([real[i] for i in train_idx] + extra)
        for i in test_idx:
            predicted[int(i)] = _predict_with(models, real[i].text)
    # every example is in exactly one test fold: a KeyError here is a splitter that left one out
    return real, [predicted[i] for i in range(len(real))], groups


def _fit_both(examples: list[Example]) -> tuple[LinearModel, LinearModel]:
    texts = [e.text for e in examples]
    relevance = _export(*_fit(texts, [str(e.is_defense) for e in examples], C_RELEVANCE), {})
    topic = _export(*_fit(texts, [e.topic for e in examples], C_TOPIC), {})
    return LinearModel.from_dict(relevance), LinearModel.from_dict(topic)


def _predict_with(models: tuple[LinearModel, LinearModel], text: str) -> Prediction:
    return _decide(models[0], models[1], lead_of(text))


def train(model_dir: Path, *, shared: Path | None = None) -> dict[str, Any]:
    """Fit both models on the real pages under ``shared`` (leads, gold articles, scope labels) and
    the extra examples, write ``relevance.json`` and ``topic.json`` into ``model_dir`` and return
    cross-validated scores (folds grouped by source site)."""
    from threadpoolctl import threadpool_limits

    # One BLAS thread: a multi-threaded sum may add in another order and change the last bits.
    with threadpool_limits(limits=1):
        return _train(Path(model_dir), shared)


def _train(model_dir: Path, shared: Path | None) -> dict[str, Any]:
    leads = load_leads(shared)
    if not leads:
        # The shipped models were trained with the real pages; a model from the project's few own
        # examples alone would silently be worse, so nothing is written.
        where = "no shared/ folder" if shared is None else f"not found under {shared}"
        return {"skipped": f"leads corpus {where}; the shipped models are kept"}
    examples = leads + load_gold(shared) + load_extra()
    metrics = cross_validate(examples)
    digest = hashlib.sha256(
        "\n".join(f"{e.id}\t{e.is_defense}\t{e.topic}\t{e.text}" for e in examples).encode("utf-8")
    ).hexdigest()
    counts = Counter(e.origin for e in examples)
    meta = {
        "trained_on": {**{origin: counts[origin] for origin in (*REAL_ORIGINS, "extra")}, "sha256": digest},
        "features": {"terms": "syllable unigrams+bigrams", "lead_chars": LEAD_CHARS, "tf": "sublinear", "norm": "l2"},
    }
    texts = [e.text for e in examples]
    model_dir.mkdir(parents=True, exist_ok=True)
    relevance = _fit(texts, [str(e.is_defense) for e in examples], C_RELEVANCE)
    _write(model_dir / RELEVANCE_FILE, _export(*relevance, {**meta, "cv": _cv_summary(metrics), "C": C_RELEVANCE}))
    topic = _fit(texts, [e.topic for e in examples], C_TOPIC)
    _write(model_dir / TOPIC_FILE, _export(*topic, {**meta, "cv": _cv_summary(metrics), "C": C_TOPIC}))
    load_model.cache_clear()
    return metrics


def _cv_summary(metrics: dict[str, Any]) -> dict[str, Any]:
    """What the model file keeps of the cross-validation: the pooled scores."""
    return {k: v for k, v in metrics.items() if k != "by_origin"}
