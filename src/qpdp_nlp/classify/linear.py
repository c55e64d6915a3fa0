"""The one scorer of every shipped linear model: TF-IDF weights, then a linear layer.

A shipped model is plain JSON (``models/*.json``): a vocabulary with an IDF weight and a row of
coefficients per term, the intercepts and the class names. It scores a *bag of terms* (a term and
how often it occurs: ``Counter(terms)``) exactly as scikit-learn's ``TfidfVectorizer``
(``sublinear_tf=True``, ``norm="l2"``) + ``LogisticRegression`` exported into it would, with NumPy
and without scikit-learn or pickle:

- tf-idf of a term: ``(1 + log(count)) * idf``, over the terms the vocabulary knows, in the order
  of the bag (the order fixes the summation, hence the last bits);
- the vector l2-normalised, times the coefficients, plus the intercepts;
- probabilities: the logistic of the one output of a binary model, the softmax of the outputs
  otherwise.

Two layouts, each read by the loader that expects it (:meth:`LinearModel.from_dict`):

- ``qpdp-linear-tfidf/1`` (:data:`FORMAT`, ``relevance.json`` and ``topic.json``): a ``format``
  field, and ``features`` as rows ``[term, idf, weight per output]``;
- the columns of ``indicator.json``, which has no ``format`` field: ``features`` (the terms),
  ``idf`` and ``coef`` (a row of weights per term) side by side. Its file is rebuilt byte for byte
  by ``qpdp train``, so it is read as it is rather than given a field.

>>> from collections import Counter
>>> model = LinearModel.from_dict({"format": FORMAT, "classes": ["False", "True"], "intercept": [-1.0],
...                                "features": [["quân", 2.0, 3.0], ["xe", 1.0, -1.0]]})
>>> model.decision(Counter(["quân", "quân", "mới"])).tolist()
[2.0]
>>> {k: round(v, 3) for k, v in model.probabilities(Counter(["quân", "xe"])).items()}
{'False': 0.225, 'True': 0.775}
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.abc import Traversable
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelMissing

__all__ = ["FORMAT", "LinearModel", "read_model", "shipped", "softmax"]

FORMAT = "qpdp-linear-tfidf/1"

FloatArray = npt.NDArray[np.float64]
Bag = Mapping[str, int]  # term -> occurrences, in the order the terms were first seen


def shipped(name: str) -> Traversable:
    """Where the shipped model ``name`` lives (``qpdp_nlp/models/<name>``)."""
    return files("qpdp_nlp").joinpath("models").joinpath(name)


def read_model(name: str, resource: Traversable | Path | None = None) -> dict[str, Any]:
    """The JSON of model ``name`` (at ``resource``, by default the shipped file); a coded error
    (:class:`~qpdp_nlp.errors.ModelMissing`, saying to run ``qpdp train``) when it is missing,
    since deciding without it would silently make every output worse."""
    resource = shipped(name) if resource is None else resource
    if not resource.is_file():
        raise ModelMissing(name)
    data = json.loads(resource.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{name}: a model is a JSON object; rebuild it with `qpdp train`")
    return data


def softmax(scores: FloatArray) -> FloatArray:
    """Probabilities from the scores of a multinomial model."""
    p: FloatArray = np.exp(scores - scores.max())
    p /= p.sum()
    return p


@dataclass(frozen=True)
class LinearModel:
    """TF-IDF (sublinear tf, l2-normalised) then a linear layer: what scikit-learn's
    ``TfidfVectorizer`` + ``LogisticRegression`` compute, without scikit-learn."""

    classes: tuple[str, ...]
    index: dict[str, int]  # term -> its row in idf and coef
    idf: FloatArray
    coef: FloatArray  # (n_terms, n_outputs); one output for a binary model
    intercept: FloatArray

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, format: str | None = FORMAT) -> LinearModel:
        """The model of a parsed JSON file whose ``format`` must be ``format``; ``format=None``
        reads the columns layout, which has no ``format`` field (``indicator.json``)."""
        found = data.get("format")
        if found != format:
            want = format or "the columns layout (no format field)"
            raise ValueError(f"not a {want} model: format {found!r}; rebuild it with `qpdp train`")
        if format is None:
            terms = list(data["features"])
            idf, coef = data["idf"], data["coef"]
        else:
            rows = data["features"]
            terms = [row[0] for row in rows]
            idf, coef = [row[1] for row in rows], [row[2:] for row in rows]
        return cls(
            classes=tuple(data["classes"]),
            index={term: i for i, term in enumerate(terms)},
            idf=np.asarray(idf, dtype=np.float64),
            coef=np.asarray(coef, dtype=np.float64).reshape(len(terms), -1),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
        )

    def decision(self, bag: Bag) -> FloatArray:
        """The linear scores (one per output) of a bag of terms (``Counter(terms)``)."""
        index = self.index
        rows = [index[t] for t in bag if t in index]
        if not rows:
            empty: FloatArray = self.intercept.copy()
            return empty
        tf = np.log([bag[t] for t in bag if t in index]) + 1.0
        weights = tf * self.idf[rows]
        weights /= math.sqrt(weights @ weights)
        scores: FloatArray = weights @ self.coef[rows] + self.intercept
        return scores

    def decisions(self, bags: Sequence[Bag]) -> FloatArray:
        """The scores of several bags, one row each (``len(bags)`` × outputs)."""
        out: FloatArray = np.empty((len(bags), len(self.intercept)), dtype=np.float64)
        for r, bag in enumerate(bags):
            out[r] = self.decision(bag)
        return out

    def probability_vector(self, scores: FloatArray) -> FloatArray:
        """The probability of each class (in :attr:`classes` order) from :meth:`decision`'s scores."""
        if len(self.classes) == 2:
            p = 1.0 / (1.0 + math.exp(-float(scores[0])))
            return np.asarray([1.0 - p, p], dtype=np.float64)
        return softmax(scores)

    def probabilities(self, bag: Bag) -> dict[str, float]:
        """The probability of each class for a bag of terms."""
        return dict(zip(self.classes, self.probability_vector(self.decision(bag)).tolist()))

