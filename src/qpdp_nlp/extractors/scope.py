"""The article's scope, report year and rule-based topic (to be filled in by its issue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..records import Scope
from ..text import Analysis


@dataclass
class ScopeResult:
    scope: Scope = field(default_factory=Scope)
    report_year: Optional[int] = None
    topic: Optional[str] = None


def extract(doc: Analysis) -> ScopeResult:
    return ScopeResult()
