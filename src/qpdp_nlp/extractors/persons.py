"""The persons extractor (to be filled in by its issue)."""

from __future__ import annotations

from ..records import Fact
from ..text import Analysis


def extract(doc: Analysis) -> list[Fact]:
    return []
