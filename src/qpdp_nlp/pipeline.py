"""The one extraction code path behind the API, the CLI, the batch engines and spaCy.

The stages, each a plain call with its inputs and output in view (:meth:`Pipeline.__call__`)::

    analyse(text) -> Analysis                       normalised text, words, sentences, metadata
    places.article_era(doc) -> era                 the map it is read on (legacy | 2025) and why
    places.extract(doc, era) -> places
    units.extract(doc, places) -> units
    persons.extract(doc) -> persons
    counts.extract(doc) -> counts                   (indicator left None)
    indicators.fill_indicators(doc, counts)         each count's indicator
    documents.extract(doc) -> documents
    scope.extract(doc, places, units, era) -> scope, report year (rule, confidence), rule topic
    scope.count_years(doc, counts, report_year)    a count's own year where its clause names one
    units.fill_place(units, scope); units.assign_person_units(persons, scope)
    relevance.classify(record, doc)                 is_defense, topic
    set_cell_confidence(record)                     each count's cell confidence

``Pipeline`` loads what is heavy (underthesea's model, lexicons, matchers) once per process;
``extract`` and ``extract_many`` use a shared instance.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from importlib.resources import files
from typing import Any

from . import __version__
from .classify import indicators, relevance
from .extractors import counts, documents, persons, places, scope, units
from .provenance import iso_date, outlet
from .records import ArticleRecord
from .text import Analysis, analyse, clear_article_caches


def data_fingerprint(root: Any = None) -> str:
    """Eight hex digits of SHA-256 over every file of ``data/`` and ``models/`` (names and bytes).

    Part of :data:`PIPELINE_VERSION`, so that a batch rerun after a lexicon or model edit redoes
    the articles that edit may change instead of skipping them as done.
    """
    digest = hashlib.sha256()
    root = files("qpdp_nlp") if root is None else root
    for folder in ("data", "models"):
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.is_file():
                digest.update(f"{folder}/{entry.name}\0".encode())
                digest.update(entry.read_bytes())
                digest.update(b"\0")
    return digest.hexdigest()[:8]


# "<package version>+<data fingerprint>": the manifest of a batch run compares it per article.
PIPELINE_VERSION = f"{__version__}+{data_fingerprint()}"


def article_id(normalised_text: str) -> str:
    """Stable id of an article: the first 16 hex digits of SHA-1 over its normalised text."""
    return hashlib.sha1(normalised_text.encode("utf-8")).hexdigest()[:16]


class Pipeline:
    """Text in, :class:`ArticleRecord` out.

    >>> rec = Pipeline()("Dự có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh.")
    >>> [(p.rank, p.name) for p in rec.persons]
    [('Thượng tá', 'Nguyễn Quang Long')]
    """

    def __init__(self, *, classify: bool = True) -> None:
        self.classify = classify

    def analyse(self, text: str, *, title: str | None = None, meta: dict[str, Any] | None = None) -> Analysis:
        """Normalise ``text`` and attach its words and sentences: what every extractor reads."""
        return analyse(text, title=title, meta=meta)

    def __call__(
        self,
        text: str,
        *,
        source: str | None = None,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> ArticleRecord:
        clear_article_caches()  # the memos of the article before (see text.per_article)
        meta = dict(meta or {})
        # The date is read once, here: extractors see ISO ("2024-01-15", or "2024-01" when only
        # the month is known), the record keeps the string as written beside it.
        published_iso = iso_date(published)
        meta.setdefault("source", source)
        meta.setdefault("url", url)
        meta.setdefault("published", published_iso)
        doc = self.analyse(text, title=title, meta=meta)

        era = places.article_era(doc)
        found_places = places.extract(doc, era)
        found_units = units.extract(doc, found_places)
        found_persons = persons.extract(doc)
        found_counts = counts.extract(doc)
        indicators.fill_indicators(doc, found_counts)
        found_documents = documents.extract(doc)
        decided = scope.extract(doc, found_places, found_units, era)
        scope.count_years(doc, found_counts, decided.report_year)
        units.fill_place(found_units, decided.scope)
        units.assign_person_units(found_persons, decided.scope)

        record = ArticleRecord(
            article_id=article_id(doc.text),
            source=source,
            title=doc.title,
            published=published_iso,
            published_raw=meta.get("published_raw") or (published if published != published_iso else None),
            site=meta.get("site") or outlet(url),
            url=url,
            text=doc.text,
            original_text=None if doc.original == doc.text else doc.original,
            scope=decided.scope,
            report_year=decided.report_year,
            report_year_rule=decided.report_year_rule,
            report_year_confidence=decided.report_year_confidence,
            topic=decided.topic,
            persons=found_persons,
            units=found_units,
            counts=found_counts,
            documents=found_documents,
            places=found_places,
            pipeline_version=PIPELINE_VERSION,
        )
        if self.classify:
            relevance.classify(record, doc)
        set_cell_confidence(record)
        return record


# A year written in the count's own clause is read off the page, not inferred from the article.
OWN_YEAR_CONFIDENCE = 0.95


def set_cell_confidence(record: ArticleRecord) -> None:
    """Each count's ``confidence``: the chance that its comparison cell (place, year, indicator)
    is right, taken as the product of the three decisions' confidences, since an error in any
    one of them puts the value in a wrong cell. A decision that gives no confidence is left out
    of the product; with none at all the count's confidence stays None (unknown, not low)."""
    for count in record.counts:
        year_confidence = OWN_YEAR_CONFIDENCE if count.year is not None else record.report_year_confidence
        factors = [f for f in (record.scope.confidence, year_confidence, count.indicator_confidence) if f is not None]
        if factors:
            product = 1.0
            for f in factors:
                product *= f
            count.confidence = round(product, 4)


_shared: Pipeline | None = None
_lock = threading.Lock()


def shared_pipeline() -> Pipeline:
    """The process-wide pipeline, built on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = Pipeline()
        return _shared


def extract(
    text: str,
    *,
    source: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    meta: dict[str, Any] | None = None,
) -> ArticleRecord:
    """Extract every fact from one article.

    >>> rec = extract("Năm 2023, huyện Ba Bể khen thưởng 06 tập thể.")
    >>> rec.article_id == extract("Năm 2023, huyện Ba Bể khen thưởng 06 tập thể.").article_id
    True
    """
    return shared_pipeline()(text, source=source, title=title, url=url, published=published, meta=meta)


ArticleInput = str | dict[str, Any] | Any


def extract_many(items: Iterable[ArticleInput]) -> Iterator[ArticleRecord]:
    """Extract from many articles lazily, in order.

    Each item is a text, a dict with ``text`` (and optional ``source``, ``title``, ``url``,
    ``published``, ``meta``), or an object with those attributes (``qpdp_nlp.ingest.sources.Article``).
    """
    pipe = shared_pipeline()
    for item in items:
        if isinstance(item, str):
            yield pipe(item)
            continue
        fields = item if isinstance(item, dict) else {k: getattr(item, k, None) for k in _ARTICLE_FIELDS}
        yield pipe(
            fields.get("text") or "",
            source=fields.get("source"),
            title=fields.get("title"),
            url=fields.get("url"),
            published=fields.get("published"),
            meta=fields.get("meta"),
        )


_ARTICLE_FIELDS = ("text", "source", "title", "url", "published", "meta")
