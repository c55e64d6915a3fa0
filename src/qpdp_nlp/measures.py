"""What a count counts (its *measure*: people, households, communes, VND, percent …) and which
indicators may count it: the one home of both, read by the indicator decision (a count of
households is never "enlisted") and by the comparison (counts of two measures are never added).

Tables: ``data/compare_measures.tsv`` (counted noun → measure) and
``data/indicator_measures.tsv`` (indicator → the measures it may take).

>>> measure_of("công dân"), measure_of("chiến sĩ dân quân"), measure_of("xã, thị trấn")
('người', 'người', 'xã, phường')
>>> measure_of("tỷ đồng"), measure_of("%"), measure_of("ha"), measure_of(None)
('đồng', '%', 'ha', '')
>>> sorted(indicators_for_measure("hộ"))[:3], known_measure("danh sách")
(['awards_collective', 'other', 'policy_support'], 'danh sách')
"""

from __future__ import annotations

import re
from functools import lru_cache

from .extractors.count_nouns import tables as count_tables
from .extractors.numbers import fold
from .lexicons import read_table
from .records import INDICATORS
from .text import normalize

PERCENT = "%"
ANY = "*"
_FIRST_NOUN = re.compile(r"\s*(?:,|\bvà\b|\bhoặc\b|/)\s*")  # "xã, thị trấn" → "xã"


@lru_cache(maxsize=1)
def _measures() -> dict[str, str]:
    return {normalize(row["noun"]).casefold(): row["measure"].strip()
            for row in read_table("compare_measures.tsv")}


@lru_cache(maxsize=1)
def _indicator_measures() -> dict[str, frozenset[str]]:
    table = {row["indicator"]: frozenset(m.strip() for m in row["measures"].split("|"))
             for row in read_table("indicator_measures.tsv")}
    if set(table) != set(INDICATORS):
        raise ValueError(f"indicator_measures.tsv: indicators {sorted(set(table) ^ set(INDICATORS))} "
                         "missing or unknown")
    return table


@lru_cache(maxsize=4096)
def known_measure(unit: str | None, *, percent: bool = False) -> str | None:
    """The measure of a count's unit when the table lists its first noun (the longest listed noun
    that starts it), "%" for a percentage, else None."""
    if percent or (unit or "").strip() == PERCENT:
        return PERCENT
    if not unit:
        return None
    return _longest_listed(_first_noun(unit), _measures())


def _first_noun(unit: str) -> str:
    """The unit's first noun, case-folded: "Xã, thị trấn" -> "xã"."""
    return _FIRST_NOUN.split(normalize(unit).strip().casefold(), maxsplit=1)[0]


def _longest_listed(noun: str, table: dict[str, str]) -> str | None:
    """The value of the longest key of ``table`` that ``noun`` starts with, word by word
    ("công dân nam" -> the row of "công dân")."""
    words = noun.split()
    for n in range(len(words), 0, -1):
        value = table.get(" ".join(words[:n]))
        if value is not None:
            return value
    return None


def measure_of(unit: str | None, *, percent: bool = False) -> str:
    """What a count counts: its listed measure, else its first noun as a measure of its own
    ("" without a unit), so that only like is ever added to like."""
    known = known_measure(unit, percent=percent)
    if known is not None:
        return known
    if not unit:
        return ""
    return _first_noun(unit)


# Count-noun groups (count_nouns.tsv) whose nouns are objects, not people: a unit the measure
# table does not list but whose head noun is an object is measured as its group ("@thing",
# "@content"), so that leaflets, books or trenches never count as people reached or trained.
_OBJECT_GROUPS = ("thing", "content")


def indicator_measure(unit: str | None, *, percent: bool = False) -> str | None:
    """The measure an indicator is checked against: :func:`known_measure`, else ``@<group>`` when
    the unit's first noun is an object noun of ``count_nouns.tsv``, else None (unknown).

    >>> indicator_measure("tờ rơi"), indicator_measure("công sự bắn"), indicator_measure("em nhỏ")
    ('@content', '@thing', None)
    """
    known = known_measure(unit, percent=percent)
    if known is not None or not unit:
        return known
    group = _longest_listed(fold(_first_noun(unit)), count_tables().noun_group)
    return f"@{group}" if group in _OBJECT_GROUPS else None


def indicators_for_measure(measure: str | None) -> frozenset[str]:
    """The indicators that may count ``measure`` (every one when the measure is unknown)."""
    if measure is None:
        return frozenset(INDICATORS)
    return frozenset(ind for ind, allowed in _indicator_measures().items() if ANY in allowed or measure in allowed)
