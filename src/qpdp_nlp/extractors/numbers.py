"""Vietnamese numbers as written in the press: digits, spelled words, multipliers, %, ranges, ratios.

Pure functions, no context rules: deciding whether a number *counts something* is the job of
:mod:`qpdp_nlp.extractors.counts`. This module only reads numbers.

>>> parse("hơn 1.100".split(maxsplit=1)[1]).value
1100
>>> parse("1,2 triệu").value
1200000
>>> parse("hai nghìn năm trăm").value
2500
>>> n = parse("141/145"); (n.value, n.denominator)
(141, 145)
>>> n = parse("80- 85%"); (n.value, n.upper, n.is_percent)
(80, 85, True)
>>> [(n.text, n.value) for n in find_numbers("khen thưởng 06 tập thể và mười lăm cá nhân")]
[('06', 6), ('mười lăm', 15)]

Conventions (Vietnamese, not English): a dot groups thousands ("1.100" = 1100), a comma is the
decimal mark ("2,5" = 2.5), a space may group thousands ("60 542 000"). Spelled numbers follow
the spoken grammar: "mốt", "tư", "lăm"/"nhăm" are 1, 4, 5 only after "mươi"/"mười"/"linh";
"mười năm" and "hai mươi năm" are ten and twenty *years*, not 15 or 25; "linh"/"lẻ" mark an
empty tens place ("một trăm lẻ năm" = 105). A lone "một" is not read as a number: in running
text it is mostly the article "a".

Dates ("25/10/2013", "20.6.2024", "tháng 9/2021") and clock times ("19:34", "7h30") are
recognised so that their digits are never read as numbers; :func:`find_numbers` skips them.
Day-month pairs that could also be a range or a ratio ("22-5", "1/12") come back with
``date_like=True`` and the caller decides from the words around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

Value = Union[int, float]  # noqa: UP007 - a runtime alias, kept readable

# How a number was read (``Number.rule``); the counts extractor names its rules after them.
RULES: dict[str, str] = {
    "digits": 'written in digits, thousands grouped by dots or spaces ("06", "1.100", "2,5")',
    "spelled": 'written in words ("mười lăm", "hai nghìn năm trăm")',
    "multiplier": 'digits with a multiplier word ("1,2 triệu", "3 tỷ")',
    "range": 'two numbers joined by a dash, "~", "đến" or "tới", the second larger ("80- 85%", "2-3 tỷ")',
    "ratio": 'a part of a whole ("141/145")',
    "day_month": 'a day and a month joined by a dash ("22-5"; date_like: the caller decides)',
}

# --- case folding ----------------------------------------------------------------------------

# Python's case-insensitive regexes also equate dotless ı, dotted İ and long ſ with i and s,
# which ``str.lower`` leaves alone: "Có 100 cáı ghế" matched the noun "cái" and then missed the
# table key "cái" (KeyError), "5 trıệu" lost its multiplier. Every key read from an
# IGNORECASE match goes through ``fold``, and every table is keyed by ``fold`` (found by testing
# each code point against the letters of the tables: these three are all).
_FOLD = str.maketrans({"ı": "i", "İ": "i", "ſ": "s"})


def fold(text: str) -> str:
    """The key a case-insensitive match is looked up by: lower case, with ı/İ/ſ as i/s.

    >>> fold("Trıệu"), fold("İT"), fold("ſố")
    ('triệu', 'it', 'số')
    """
    # translate walks the string in Python-level table lookups: only a string holding one of
    # the three letters needs it (the same result otherwise, at a fraction of the cost).
    if "ı" in text or "İ" in text or "ſ" in text:
        return text.translate(_FOLD).lower()
    return text.lower()


# --- Roman numerals ------------------------------------------------------------------------
# Party terms ("khóa XIII"), military regions ("Quân khu II"), defence zones ("Khu vực III"): one
# reader and one writer for every extractor.

_ROMAN_DIGITS = ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10, "L": 50}


def to_roman(n: int) -> str:
    """The Roman numeral of ``n`` (1 to 89).

    >>> to_roman(14), to_roman(4)
    ('XIV', 'IV')
    """
    out = ""
    for value, digits in _ROMAN_DIGITS:
        while n >= value:
            out, n = out + digits, n - value
    return out


def roman_value(numeral: str) -> int | None:
    """The value of a Roman numeral written as it should be ("II" 2, "XIV" 14, up to LXXXIX);
    None for anything else ("IIII", "VX", "2", "").

    >>> roman_value("II"), roman_value("XIV"), roman_value("IIII"), roman_value("2")
    (2, 14, None, None)
    """
    if not numeral or any(c not in _ROMAN_VALUE for c in numeral):
        return None
    values = [_ROMAN_VALUE[c] for c in numeral]
    total = sum(-v if i + 1 < len(values) and values[i + 1] > v else v for i, v in enumerate(values))
    return total if 0 < total < 90 and to_roman(total) == numeral else None


# --- spelled words ---------------------------------------------------------------------------

# Digits 1..9 as words; the "bound" forms are only valid after mươi/mười/linh/lẻ.
_DIGIT_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}
_BOUND_DIGITS = {"mốt": 1, "tư": 4, "lăm": 5, "nhăm": 5}
_MULTIPLIERS = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
_SPELLED = sorted(
    [*_DIGIT_WORDS, *_BOUND_DIGITS, *_MULTIPLIERS, "mười", "mươi", "trăm", "linh", "lẻ", "chục", "rưỡi"],
    key=len,
    reverse=True,
)
_WORD = re.compile(r"\s*(" + "|".join(_SPELLED) + r")(?![^\W\d_]|-\w)", re.IGNORECASE)

# --- digits ----------------------------------------------------------------------------------

# One run of digits as a Vietnamese writer groups it. Each alternative is anchored and linear:
# dot thousands (+ decimal comma), space thousands, or plain digits (+ decimal comma).
_ATOM = re.compile(
    r"(?P<dots>\d{1,3}(?:\.\d{3}){1,4}(?:,\d{1,6})?)(?![.,]?\d)"
    r"|(?P<spaces>[1-9]\d{0,2}(?: \d{3}){1,4})(?![.,]?\d| \d)"
    r"|(?P<plain>\d{1,15}(?:,\d{1,6})?)(?!\d)"
)
# Dates and times whose digits must never be read as counts.
_DATE = re.compile(
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?!\d)"  # 25/10/2013, 20.6.2024, 8-12-2021
    r"|\d{1,2}/(?:19|20)\d\d(?!\d)"  # 9/2021 (month/year)
    r"|\d{1,2}\.\d{1,2}(?![\d,%]|\s*%)"  # 22.7 (day.month; a decimal would use a comma)
)
_TIME = re.compile(r"\d{1,2}(?::\d{2}(?::\d{2})?|h\d{2}|h)(?![^\W_])", re.IGNORECASE)
# Where a number may start: a run of digits, or a spelled digit or "mười" as a word of its own.
# (Spelled in parts, first letter either case, so that the scan has a cheap first character.)
# One character class first lets the regex engine skip ahead cheaply.
_SCAN = re.compile(
    r"[\dMmHhBbNnSsTtCc](?:(?<=\d)\d*"
    r"|(?<![\w-].)(?:ột|ai|a|ốn|ăm|áu|ảy|ẩy|ám|hín|ười)(?![^\W\d_]|-\w))"
)
# A digit run glued to a word, a decimal or a code is not a number ("TTG416", "Covid-19", "a264340").
_GLUE = frozenset(".,/:-")
_PERCENT = re.compile(r"\s?%|\s+phần\s+trăm(?![^\W\d_])", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|~)\s*|\s+(?:đến|tới)\s+", re.IGNORECASE)
_SLASH = re.compile(r"/(?=\d)")
_DATE_TAIL = re.compile(r"[/.-]\d")


@dataclass(frozen=True, slots=True)
class Number:
    """A number read from the text. ``text == source[start:end]``.

    ``value`` is the number (the lower bound of a range, the numerator of a ratio); ``upper`` and
    ``denominator`` keep the rest. ``multiplier`` is the largest word multiplier used ("triệu"),
    ``spelled`` says whether it was written in words, ``date_like`` whether the same characters
    also read as a day-month date ("22-5", "1/12").
    """

    text: str
    start: int
    end: int
    value: Value
    upper: Value | None = None
    denominator: Value | None = None
    is_percent: bool = False
    spelled: bool = False
    multiplier: str | None = None
    date_like: bool = False
    rule: str = "number"


def _tidy(value: float) -> Value:
    """Round away float noise (1,2 × 10⁶) and give an int when the value is whole."""
    if isinstance(value, int):
        return value
    if value.is_integer():
        return int(value)
    value = round(value, 6)
    return int(value) if value.is_integer() else value


def _atom_value(match: re.Match[str]) -> Value:
    if match.group("dots"):
        whole, _, frac = match.group("dots").partition(",")
        return _tidy(float(whole.replace(".", "") + ("." + frac if frac else "")))
    if match.group("spaces"):
        return int(match.group("spaces").replace(" ", ""))
    return _tidy(float(match.group("plain").replace(",", ".")))


@dataclass(slots=True)
class _Reading:
    end: int
    value: Value
    spelled: bool
    multiplier: str | None
    words: int  # how many spelled words were read
    only_word: str | None  # the word, when the reading is a single spelled word


def _read_cardinal(text: str, pos: int) -> _Reading | None:  # noqa: C901 (one of today's listed exceptions: to shrink)
    """Read one cardinal (digits and/or words, with multipliers) starting exactly at ``pos``.

    A small state machine over the spoken grammar; it stops at the first word that does not fit
    and steps back over a trailing word that would make the reading doubtful ("hai trăm năm":
    200 years, not 205).
    """
    total = 0.0  # sum of finished multiplier groups
    section = 0.0  # the group below the current multiplier (0..999)
    pending: float | None = None  # a digit (or digit run) not yet placed
    last: str | None = None  # kind of the previous token
    last_mult = float("inf")
    words = 0
    # state after each accepted token, to step back over a doubtful tail
    history: list[tuple[int, float, float, float | None, str | None, float, int]] = []
    cursor = pos
    while cursor < len(text):
        atom = None
        if last is None:
            atom = _ATOM.match(text, cursor)
        elif last == "multiplier":
            after_space = _skip_space(text, cursor)
            if after_space > cursor:
                atom = _ATOM.match(text, after_space)
                if atom is not None and not atom.group("plain") or atom is not None and "," in atom.group():
                    atom = None
        if atom is not None:
            value = _atom_value(atom)
            if last is not None and not (isinstance(value, int) and value < 1000):
                break
            pending = float(value)
            last = "atom"
            cursor = atom.end()
            history.append((cursor, total, section, pending, last, last_mult, words))
            continue
        word_match = _WORD.match(text, cursor)
        if word_match is None or (cursor > pos and word_match.start(1) == cursor):
            break
        word = fold(word_match.group(1))
        if word in _DIGIT_WORDS or word in _BOUND_DIGITS:
            digit = _DIGIT_WORDS.get(word) or _BOUND_DIGITS[word]
            if last in ("mươi", "mười"):
                if word == "năm":
                    break  # "mười năm", "hai mươi năm": years; 15 and 25 are "mười lăm", "hai mươi lăm"
                if word == "mốt" and last == "mười":
                    break
                section += digit
                last = "unit"
            elif last == "linh":
                if word in ("mốt", "lăm", "nhăm"):
                    break
                section += digit
                last = "unit"
            elif word in _BOUND_DIGITS:
                break
            elif pending is None and last in (None, "trăm", "multiplier"):
                pending = float(digit)
                last = "digit"
            else:
                break
        elif word == "mười":
            if pending is not None or last not in (None, "trăm", "multiplier"):
                break
            section += 10
            last = "mười"
        elif word in ("mươi", "chục"):
            if last not in ("digit", "atom") or pending is None or pending >= 10 or section % 100 \
                    or (word == "mươi" and pending < 2):
                break
            section += pending * 10
            pending = None
            last = "mươi"
        elif word == "trăm":
            if last not in ("digit", "atom") or pending is None or pending >= 10 or section:
                break
            section += pending * 100
            pending = None
            last = "trăm"
        elif word in ("linh", "lẻ"):
            if last != "trăm":
                break
            last = "linh"
        elif word in _MULTIPLIERS:
            scale = _MULTIPLIERS[word]
            group = section + (pending or 0)
            if group == 0 or scale >= last_mult:
                break
            total += group * scale
            section, pending = 0.0, None
            last_mult = scale
            last = "multiplier"
        elif word == "rưỡi":
            if last == "multiplier":
                total += last_mult / 2
            elif last == "trăm":
                section += 50
            else:
                break
            last = "rưỡi"
        words += 1
        cursor = word_match.end()
        history.append((cursor, total, section, pending, last, last_mult, words))
    # Step back over a trailing token that would make the reading doubtful.
    while len(history) > 1:
        kind = history[-1][4]
        before, mult_before = history[-2][4], history[-2][5]
        if kind == "digit" and before in ("trăm", "multiplier"):
            history.pop()  # "hai trăm năm" (200 years), "ba nghìn hai" (colloquial 3,200)
        elif kind == "atom" and before == "multiplier" and mult_before != 1_000:
            history.pop()  # "2 tỷ 5" is colloquial for 2.5 tỷ: keep "2 tỷ"
        elif kind == "linh":
            history.pop()
        else:
            break
    if not history or history[-1][4] == "linh":
        return None
    end, total, section, pending, _, _, words = history[-1]
    first_is_word = not text[pos].isdigit()
    return _Reading(
        end=end,
        value=_tidy(total + section + (pending or 0)),
        spelled=first_is_word,
        multiplier=_largest_multiplier(text[pos:end]) if words else None,
        words=words,
        only_word=fold(text[pos:end]) if first_is_word and len(history) == 1 else None,
    )


def _largest_multiplier(fragment: str) -> str | None:
    best, best_scale = None, 0
    for m in _WORD.finditer(fragment):
        word = fold(m.group(1))
        if word in _MULTIPLIERS and _MULTIPLIERS[word] > best_scale:
            best, best_scale = word, _MULTIPLIERS[word]
    return best


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _read_number(text: str, pos: int) -> Number | None:
    """Read a full number at ``pos``: a cardinal, then "%", a ratio or a range."""
    first = _read_cardinal(text, pos)
    if first is None or first.only_word == "một":
        return None  # a lone "một" is the article "a"
    end = first.end
    value: Value = first.value
    rule = "spelled" if first.spelled else ("multiplier" if first.multiplier else "digits")
    percent = _PERCENT.match(text, end)
    is_percent = percent is not None
    if percent is not None:
        end = percent.end()
    plain_digits = not first.spelled and not first.multiplier and isinstance(value, int)
    if not is_percent and plain_digits and isinstance(value, int) and _SLASH.match(text, end):
        return _read_ratio(text, pos, end, value)
    sep = _RANGE_SEP.match(text, end)
    if sep is None:
        return Number(text[pos:end], pos, end, value, is_percent=is_percent, spelled=first.spelled,
                      multiplier=first.multiplier, rule=rule)
    second = _read_cardinal(text, sep.end())
    if second is None or second.only_word == "một" or _DATE_TAIL.match(text, second.end):
        return Number(text[pos:end], pos, end, value, is_percent=is_percent, spelled=first.spelled,
                      multiplier=first.multiplier, rule=rule)
    low = value
    if second.multiplier and not first.multiplier and low < 1000:
        low = _tidy(low * _MULTIPLIERS[second.multiplier])  # "2-3 tỷ": both bounds in tỷ
    second_percent = _PERCENT.match(text, second.end)
    if sep.group() in ("-", "–") and plain_digits and not is_percent and second_percent is None \
            and isinstance(second.value, int) and 1 <= value <= 31 and 1 <= second.value <= 12 \
            and second.value <= value:
        # "22-5", "30-3": a day and a month (a range would rise)
        return Number(text[pos:second.end], pos, second.end, value, upper=second.value,
                      date_like=True, rule="day_month")
    if second.value <= low or (is_percent and second_percent is None):
        return Number(text[pos:end], pos, end, value, is_percent=is_percent, spelled=first.spelled,
                      multiplier=first.multiplier, rule=rule)
    end = second_percent.end() if second_percent else second.end
    hyphen_only = sep.group().strip() in ("-", "–")
    date_like = (
        hyphen_only
        and not is_percent
        and second_percent is None
        and plain_digits
        and 1 <= value <= 31
        and isinstance(second.value, int)
        and 1 <= second.value <= 12
    )
    return Number(text[pos:end], pos, end, low, upper=second.value,
                  is_percent=is_percent or second_percent is not None,
                  spelled=first.spelled, multiplier=first.multiplier or second.multiplier,
                  date_like=date_like, rule="range")


def _read_ratio(text: str, pos: int, end: int, value: int) -> Number | None:
    """"141/145" read as value 141 out of 145; a third part makes it a date instead."""
    second = _ATOM.match(text, end + 1)
    if second is None or not second.group("plain") or "," in second.group():
        return None
    if _DATE_TAIL.match(text, second.end()):
        return None
    denominator = _atom_value(second)
    if value > denominator:
        return None  # "29/9" is a day and a month: a part is never larger than its whole
    end = second.end()
    percent = _PERCENT.match(text, end)
    if percent is not None:
        end = percent.end()
    date_like = 1 <= value <= 31 and isinstance(denominator, int) and 1 <= denominator <= 12
    return Number(text[pos:end], pos, end, value, denominator=denominator, is_percent=percent is not None,
                  date_like=date_like, rule="ratio")


def find_numbers(text: str) -> list[Number]:
    """Every number in ``text``, in order, never overlapping; dates and clock times are skipped.

    >>> [(n.text, n.value) for n in find_numbers("Ngày 22-5, hơn 1.100 học sinh, 2,5 triệu đồng")]
    [('22-5', 22), ('1.100', 1100), ('2,5 triệu', 2500000)]

    ("22-5" comes back with ``date_like=True``: only the words around it can say.)
    """
    out: list[Number] = []
    pos = 0
    for candidate in _SCAN.finditer(text):
        i = candidate.start()
        if i < pos:
            continue  # inside a number, date or time already read
        if text[i].isdigit():
            before = text[i - 1] if i else " "
            if before.isalnum() or before == "_" or before in _GLUE:
                continue
            skip = _DATE.match(text, i) or _TIME.match(text, i)
            if skip is not None:
                pos = skip.end()
                continue
        number = _read_number(text, i)
        if number is None:
            continue
        out.append(number)
        pos = number.end
    return out


def parse(surface: str) -> Number | None:
    """The number that ``surface`` (stripped) is, or None unless the whole string is one number.

    >>> parse("3 nghìn 650").value
    3650
    >>> parse("một") is None, parse("25/10/2013") is None
    (True, True)
    """
    surface = surface.strip()
    if not surface:
        return None
    found = find_numbers(surface)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(surface):
        return None
    return found[0]
