"""The counted nouns, money words, qualifiers and number contexts (``count_*.tsv``), and how a
count written on its own is read back into its unit.

Shared by the counts extractor and the indicator decision, so neither imports the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..lexicons import read_rows
from ..records import QUALIFIERS, Qualifier, is_qualifier
from .numbers import find_numbers, fold

# --- tables ------------------------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    """Rows of a data table (see :mod:`qpdp_nlp.lexicons`)."""
    return read_rows(name)[1]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Tables:
    noun_group: dict[str, str]
    noun_re: re.Pattern[str]
    glued_noun_re: re.Pattern[str]
    money: dict[str, str]
    money_re: re.Pattern[str]
    qualifier_re: re.Pattern[str]
    qualifiers: dict[str, Qualifier | None]  # None: a phrase that looks like one and is not ("none")
    contexts: dict[str, str]
    not_units: frozenset[str]


NOUN_GROUPS = frozenset(
    ("people", "award", "admin", "org", "event", "content", "thing", "measure", "duration")
)
CONTEXT_KINDS = frozenset(("label", "date", "time", "age", "code", "number_word", "noun_before"))


def _check(name: str, column: str, found: set[str], allowed: Iterable[str]) -> None:
    unknown = found - set(allowed)
    if unknown:
        raise ValueError(f"{name}: unknown {column} {sorted(unknown)}; allowed: {sorted(allowed)}")


@lru_cache(maxsize=1)
def tables() -> _Tables:
    nouns = {fold(noun): group for noun, group in _rows("count_nouns.tsv")}
    measure = [n for n, g in nouns.items() if g == "measure"]
    money = {fold(surface): unit for surface, unit in _rows("count_money.tsv")}
    qualifiers = {fold(phrase): q for phrase, q in _rows("count_qualifiers.tsv")}
    contexts = {fold(before): kind for before, kind in _rows("count_contexts.tsv")}
    not_units = frozenset(fold(row[0]) for row in _rows("count_not_units.tsv"))
    _check("count_nouns.tsv", "group", set(nouns.values()), NOUN_GROUPS)
    _check("count_qualifiers.tsv", "qualifier", set(qualifiers.values()), {*QUALIFIERS, "none"})
    _check("count_contexts.tsv", "kind", set(contexts.values()), CONTEXT_KINDS)
    word_end = r"(?![^\W_])"
    return _Tables(
        noun_group=nouns,
        # a counted noun after the number: one space, or glued for measures ("75km")
        noun_re=re.compile(r" (" + _alternation(nouns) + r")" + word_end, re.IGNORECASE),
        glued_noun_re=re.compile(r"(" + _alternation(measure) + r")" + word_end, re.IGNORECASE),
        money=money,
        money_re=re.compile(r" ?(" + _alternation(money) + r")" + word_end, re.IGNORECASE),
        # the qualifier is the last words of a short window before the number
        qualifier_re=re.compile(r"(?:^|[\s(,;:\"“])(" + _alternation(qualifiers) + r") $", re.IGNORECASE),
        qualifiers={phrase: q if is_qualifier(q) else None for phrase, q in qualifiers.items()},
        contexts=contexts,
        not_units=not_units,
    )



COORDINATOR = re.compile(r"(?:,| và| hoặc) ", re.IGNORECASE)


# Words that stand before a counted noun and make one noun with it: "128 lượt cán bộ", "2.300 lượt
# thanh niên", "5 nữ tân binh", "12 cụm xã, phường". Alone ("hơn 300 lượt") they are the unit.
_PREFIX = re.compile(r" (lượt|nữ|nam|cụm)(?= [^\W\d_])", re.IGNORECASE)


def noun_after(text: str, pos: int) -> tuple[str, int] | None:
    """The counted noun right after ``pos`` (with coordinated nouns of its group), and its end.

    >>> noun_after("128 lượt cán bộ, chiến sĩ tham gia", 3), noun_after("5 nữ tân binh", 1)
    (('lượt cán bộ, chiến sĩ', 25), ('nữ tân binh', 13))
    """
    prefix = _PREFIX.match(text, pos)
    if prefix is not None:
        inner = _noun_at(text, prefix.end(1))
        if inner is not None:
            return text[prefix.start(1):inner[1]], inner[1]
    return _noun_at(text, pos)


def _noun_at(text: str, pos: int) -> tuple[str, int] | None:
    t = tables()
    m = t.noun_re.match(text, pos) or t.glued_noun_re.match(text, pos)
    if m is None:
        return None
    noun_start, end = m.start(1), m.end(1)
    group = t.noun_group[fold(m.group(1))]
    if group in ("people", "admin", "award", "org"):
        while True:
            sep = COORDINATOR.match(text, end)
            if sep is None:
                break
            nxt = t.noun_re.match(text, sep.end() - 1)
            if nxt is None or t.noun_group[fold(nxt.group(1))] != group:
                break
            end = nxt.end(1)
    return text[noun_start:end], end


def read_unit(count_text: str) -> tuple[str | None, bool]:
    """The unit and percent flag of a count written on its own ("hơn 180 học viên" -> "học viên").

    >>> read_unit("gần 3 tỷ đồng"), read_unit("100% chỉ tiêu"), read_unit("145 chính thức")
    (('đồng', False), ('%', True), ('chính thức', False))
    >>> read_unit("12 đồng đội")
    ('đồng đội', False)
    """
    t = tables()
    numbers = find_numbers(count_text)
    if not numbers:
        return None, False
    number = numbers[0]
    if number.is_percent:
        return "%", True
    money = t.money_re.match(count_text, number.end)
    noun = noun_after(count_text, number.end)
    # as the counts extractor reads it: a longer noun wins ("12 đồng đội" are comrades, not VND)
    if money is not None and (number.multiplier or noun is None or noun[1] <= money.end(1)):
        return t.money[fold(money.group(1))], False
    if noun is not None:
        return noun[0], False
    rest = count_text[number.end:].strip()
    return (rest or None), False
