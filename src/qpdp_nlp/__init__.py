"""qpdp_nlp: structured facts from Vietnamese local-defence (quốc phòng địa phương) news.

>>> import qpdp_nlp
>>> rec = qpdp_nlp.extract("Dự hội nghị có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh Bắc Kạn.")
>>> rec.persons[0].rank, rec.persons[0].name
('Thượng tá', 'Nguyễn Quang Long')
"""

__version__ = "0.1.0"

from collections.abc import Iterable, Iterator, Sized
from typing import Any

from .pipeline import ArticleInput, Pipeline, extract
from .pipeline import extract_many as _extract_many
from .records import ArticleRecord, Count, Document, Person, Place, Scope, Unit


def extract_many(items: Iterable[ArticleInput], *, progress: bool | None = None) -> Iterator[ArticleRecord]:
    """Extract from many articles lazily, in order (:func:`qpdp_nlp.pipeline.extract_many`).

    Each item is a text, a dict with ``text`` (and optional ``source``, ``title``, ``url``,
    ``published``, ``meta``), or an ``Article`` of :mod:`qpdp_nlp.ingest.sources`. ``progress``:
    a ``tqdm.auto`` bar (a widget in Jupyter) with the total when ``items`` has a length; None
    shows it in a notebook or on a terminal, False never.

    >>> [r.persons[0].name for r in extract_many(["Thượng tá Nguyễn Quang Long phát biểu."], progress=False)]
    ['Nguyễn Quang Long']
    """
    records = _extract_many(items)
    if progress is None:
        import sys

        from .ingest.batch import in_notebook

        progress = in_notebook() or getattr(sys.stderr, "isatty", lambda: False)()
    if not progress:
        return records
    from tqdm.auto import tqdm

    total = len(items) if isinstance(items, Sized) else None
    bar: Iterator[ArticleRecord] = iter(tqdm(records, total=total, desc="qpdp", unit=" articles", mininterval=0.2))
    return bar


def info() -> dict[str, Any]:
    """What this installation extracts with: package, pipeline, data and model versions, the
    gazetteer edition, underthesea and spaCy (for bug reports and the provenance of a dataset,
    whose ``pipeline_version`` column names the same pipeline).

    >>> facts = info()
    >>> facts["pipeline_version"].startswith(facts["qpdp_nlp"] + "+")
    True
    """
    import hashlib
    import platform
    from importlib.metadata import PackageNotFoundError, version
    from importlib.resources import files

    from .pipeline import PIPELINE_VERSION, data_fingerprint

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    root = files("qpdp_nlp")
    models = {}
    for entry in sorted(root.joinpath("models").iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith(".json"):
            models[entry.name[:-5]] = hashlib.sha256(entry.read_bytes()).hexdigest()[:8]
    data_files = [e for e in root.joinpath("data").iterdir() if e.is_file()]
    return {
        "qpdp_nlp": __version__,
        "pipeline_version": PIPELINE_VERSION,
        "data": f"{data_fingerprint()} (SHA-256 of data/ ({len(data_files)} tables) and models/)",
        "models": models,
        "gazetteer": f"vietnamadminunits {installed('vietnamadminunits')}",
        "maps": "legacy (63 provinces, before 1 July 2025) and 2025 (34 provinces, defence zones)",
        "underthesea": installed("underthesea"),
        "spacy": installed("spacy"),
        "python": platform.python_version(),
    }


__all__ = [
    "__version__",
    "ArticleRecord",
    "Count",
    "Document",
    "Person",
    "Place",
    "Scope",
    "Unit",
    "Pipeline",
    "extract",
    "extract_many",
    "info",
]
