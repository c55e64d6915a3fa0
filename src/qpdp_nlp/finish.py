"""Last stage: what needs every extractor's output.

- units get their place from the article's scope ("Ban CHQS huyện" in an article about Ba Bể
  becomes "Ban Chỉ huy Quân sự huyện Ba Bể"): ``extractors.units.fill_place``;
- a person's ``unit`` is the unit their position names: ``extractors.units.unit_of_position``;
- relevance and topic from the classifier: ``classify.classify``.

Each hook is looked up once; a module that does not provide it yet is simply skipped.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Any, Callable, Optional

from .records import ArticleRecord
from .text import Analysis


@lru_cache(maxsize=None)
def _hook(module: str, name: str) -> Optional[Callable[..., Any]]:
    try:
        return getattr(import_module(module, __package__), name, None)
    except ModuleNotFoundError:
        return None


def finish(record: ArticleRecord, doc: Analysis, *, classify: bool = True) -> None:
    """Complete ``record`` in place."""
    fill_place = _hook(".extractors.units", "fill_place")
    if fill_place is not None:
        fill_place(record.units, record.scope)
    unit_of_position = _hook(".extractors.units", "unit_of_position")
    if unit_of_position is not None:
        for person in record.persons:
            if person.position and person.unit is None:
                person.unit = unit_of_position(person.position, record.scope)
    classify_fn = _hook(".classify.relevance", "classify") if classify else None
    if classify_fn is not None:
        classify_fn(record, doc)
