"""Last stage: what needs every extractor's output (places filled into units and persons'
units from the scope, the relevance classifier)."""

from __future__ import annotations

from .records import ArticleRecord
from .text import Analysis


def finish(record: ArticleRecord, doc: Analysis, *, classify: bool = True) -> None:
    """Complete ``record`` in place."""
    return None
