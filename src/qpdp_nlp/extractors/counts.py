"""Counts: every number that counts something, every percentage, every money amount.

>>> from qpdp_nlp.text import analyse
>>> doc = analyse("Dịp này, UBND huyện đã khen thưởng cho 06 tập thể và 18 cá nhân; năm 2023 có hơn 300 người.")
>>> [(c.text, c.value, c.unit, c.qualifier) for c in extract(doc)]
[('06 tập thể', 6, 'tập thể', None), ('18 cá nhân', 18, 'cá nhân', None), ('hơn 300 người', 300, 'người', 'more_than')]

How a number becomes a count (conventions of ``shared/GOLD_SCHEMA.md``):

1. :mod:`.numbers` reads it (digits, words, multipliers, %, ranges, ratios; dates and clock
   times are skipped there).
2. It is dropped when the words before it make it a label, a date, a time, an age or a code
   ("Quân khu 5", "đối tượng 4", "năm 2023", "Nghị quyết số 28", "tuổi 17": ``count_contexts.tsv``),
   when a capitalised name stands right before it ("Sư đoàn 316", "Quận 1"), when it is a year,
   an age ("18 tuổi"), an anniversary ("70 năm Ngày thành lập"), a period of the year
   ("6 tháng đầu năm"), a clock time ("7 giờ 25 phút"), a rating ("3 sao"), "24/24", a phone
   number, or a lone spelled "một".
3. It is kept when a percent sign, a counted noun (``count_nouns.tsv``) or a currency follows;
   the unit is the noun as written, coordinated nouns of one kind kept whole ("xã, thị trấn"),
   but "06 tập thể và 18 cá nhân" stays two counts. Otherwise a bare number is kept when an
   ordinary word follows (that word is the unit, or none when it is a verb: ``count_not_units.tsv``),
   after "chỉ tiêu"/"mỗi huyện", or as the next item of an allocation list
   ("chỉ tiêu 170, Châu Đốc 80, ...").
4. The qualifier comes from the words right before it (``count_qualifiers.tsv``). The indicator
   is a later stage (:mod:`qpdp_nlp.classify.indicators`): counts leave it None.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import attrgetter

from ..records import Count, Qualifier
from ..text import Analysis, Token, compile_scan
from .count_nouns import noun_after as _noun_after
from .count_nouns import tables
from .numbers import RULES as NUMBER_RULES
from .numbers import Number, find_numbers, fold

# The rule of each count (``Count.rule``): how it was found, its unit included.
RULES: dict[str, str] = {
    "percent": 'a number with "%" or "phần trăm" after it (unit "%")',
    "money": "a number, then a currency word of count_money.tsv (unit: the currency)",
    # "<how the number was read (numbers.RULES)>+noun": a counted noun of count_nouns.tsv after it
    **{f"{read}+noun": f"{what}, then a counted noun of count_nouns.tsv" for read, what in NUMBER_RULES.items()},
    "list_item": 'a bare number after a capitalised name, on a list of counts ("chỉ tiêu 170, Châu Đốc 80")',
    "among": '"N trong số M <noun>": the unit is the noun after M',
    "noun_before": 'the counted noun written before the number ("chỉ tiêu 170", "chính thức 215")',
    "each": 'a bare number after "mỗi <noun>" ("mỗi huyện 125"), no unit',
    "clause_start": "a bare number opening a clause, a verb of count_not_units.tsv after it, no unit",
    "word_after": "a bare number, then an ordinary lower-case word: that word is the unit",
}

# --- context patterns ----------------------------------------------------------------------------

# "70 năm Ngày thành lập", "80 năm chiến thắng": an anniversary, not a duration.
_ANNIVERSARY_AFTER = re.compile(
    r" năm (?:ngày|chiến thắng|thành lập|truyền thống|giải phóng|khởi nghĩa|cách mạng|quốc khánh"
    r"|kỷ niệm|hội quốc phòng|tổng tiến công|chiến dịch)",
    re.IGNORECASE,
)
# Searched in the window before each number: compile_scan's look-ahead on the first characters
# skips most positions (text.compile_scan; same matches).
_ANNIVERSARY_BEFORE = compile_scan(r"(?:kỷ niệm|chào mừng|tròn) $", re.IGNORECASE)
# "6 tháng đầu năm", "9 tháng năm 2024": a period of the year, not a duration.
_PERIOD_AFTER = re.compile(r" tháng (?:đầu |cuối )?năm", re.IGNORECASE)
# "7 giờ 25 phút", "7 giờ sáng": a time of day.
_CLOCK_AFTER = re.compile(r" giờ(?: \d| kém| sáng| chiều| tối| trưa| đêm| đúng)", re.IGNORECASE)
_CLOCK_BEFORE = frozenset(("lúc", "vào", "từ", "đến", "tới", "khoảng"))
# a number right before a year is a label ("Cụm số 3 năm 2024"), not a duration
_YEAR_AFTER = re.compile(r" năm (?:19|20)\d\d(?!\d)", re.IGNORECASE)
# "(18 và 19/12)", "ngày 21, 22-5": the first day of a pair of dates
_DAY_BEFORE_DATE = re.compile(r"\s*(?:và|,|-|–|đến|tới)\s*\d{1,2}[/.-]\d{1,2}(?!\d)", re.IGNORECASE)
# "226 công dân (chính thức 215, dự phòng 11)": the parts of a call-up, their noun before the number
_PART_BEFORE = compile_scan(r"(?:[(,;:]|gồm|trong đó) ?(chính thức|dự phòng) $", re.IGNORECASE)
# "chính quyền (địa phương) hai cấp / 2 cấp": the name of the two-level system, not a count
_LEVELS_BEFORE = re.compile(r"chính quyền (?:địa phương )?(?:các )?$", re.IGNORECASE)
_AGE_AFTER = re.compile(r" tuổi(?![^\W_])", re.IGNORECASE)
_RATING_AFTER = re.compile(r" sao(?![^\W_])", re.IGNORECASE)
# "N trong số M sản phẩm": the unit is the noun after M
_AMONG = re.compile(r" trong (?:tổng )?số (\S+)", re.IGNORECASE)
# a number that starts a clause: after "(", ";", ":" or a line break
_CLAUSE_START = re.compile(r"(?:^|[(;:\n•\-–]|\.)\s*$")
_LIST_END = re.compile(r"\s*(?:[,;.)]|và |$)")
_WORDLIKE = re.compile(r"[^\W\d_][^\W_]*(?:[ -][^\W\d_][^\W_]*)*")

_LIST_GAP = re.compile(r"\s*[,;]")
# "mỗi huyện 125": a number after "each <noun>"
_EACH = compile_scan(r"(?:^|\s)mỗi ((?:[^\W\d_]+ ){1,3})$", re.IGNORECASE)


@dataclass
class _Candidate:
    number: Number
    start: int
    end: int
    unit: str | None
    qualifier: Qualifier | None
    rule: str
    needs_list: bool = False  # kept only as the next item of a list of counts


class _Words:
    """The article's text and words, with their offsets ready for binary search."""

    __slots__ = ("ends", "starts", "text", "words")

    def __init__(self, doc: Analysis) -> None:
        self.text = doc.text
        self.words = doc.words
        self.starts = list(map(attrgetter("start"), doc.words))  # in C: every word of the article
        self.ends = list(map(attrgetter("end"), doc.words))


def _words_before(doc: _Words, pos: int, n: int = 2) -> list[Token]:
    """The ``n`` underthesea words that end at or before ``pos`` (same line), nearest last."""
    i = bisect_right(doc.ends, pos)
    out = doc.words[max(0, i - n):i]
    return [w for w in out if "\n" not in doc.text[w.start:pos]]


def _word_at(doc: _Words, pos: int) -> Token | None:
    i = bisect_left(doc.starts, pos)
    if i < len(doc.words) and doc.starts[i] == pos:
        return doc.words[i]
    return None


def _label_context(doc: _Words, start: int, contexts: dict[str, str]) -> str | None:
    """The kind of context (label, date, time, age, code, number_word) the words right before
    ``start`` put the number in, or None."""
    before = _words_before(doc, start)
    if not before or before[-1].end != start - 1 and before[-1].end != start:
        return None
    last = fold(before[-1].text)
    if len(before) == 2 and f"{fold(before[0].text)} {last}" in contexts:
        return contexts[f"{fold(before[0].text)} {last}"]
    if last in contexts:
        return contexts[last]
    # a syllable-level check for multiword labels the tokenizer split differently
    tail = fold(doc.text[max(0, start - 24):start])
    for size in (3, 2):
        parts = tail.split()[-size:]
        if len(parts) == size and " ".join(parts) in contexts:
            return contexts[" ".join(parts)]
    return None


def _capitalised_name_before(doc: _Words, start: int) -> bool:
    """A capitalised word right before the number, inside a sentence ("Sư đoàn 316", "Quận 1")."""
    before = _words_before(doc, start, 2)
    if not before or before[-1].end not in (start, start - 1):
        return False
    last = before[-1]
    if not last.text[:1].isupper():
        return False
    syllables = last.text.split()
    if len(syllables) > 1 and all(s[:1].isupper() for s in syllables):
        return True  # a proper name of several syllables: "Lai Châu 2", "Châu Đốc 80"
    # at the start of a clause a capitalised word is just the first word of the sentence
    head = doc.text[max(0, last.start - 3):last.start]
    return not _CLAUSE_START.search(head) and last.start != 0


def _qualifier(text: str, start: int) -> tuple[Qualifier | None, int]:
    t = tables()
    window = text[max(0, start - 24):start]
    m = t.qualifier_re.search(window)
    if m is None:
        return None, start
    q = t.qualifiers[fold(m.group(1))]
    if q is None:
        return None, start
    return q, start - len(window) + m.start(1)


def _reject_by_following(text: str, number: Number, unit: str | None) -> bool:
    end = number.end
    if _AGE_AFTER.match(text, end) or _RATING_AFTER.match(text, end):
        return True
    if unit is not None:
        low = fold(unit)
        if low == "năm" and (
            _ANNIVERSARY_AFTER.match(text, end)
            or _ANNIVERSARY_BEFORE.search(text, max(0, number.start - 16), number.start)
        ):
            return True
        if low == "tháng" and _PERIOD_AFTER.match(text, end):
            return True
        if low == "giờ" and _CLOCK_AFTER.match(text, end):
            return True
    if _YEAR_AFTER.match(text, end):
        return True
    if unit is not None and fold(unit) == "cấp" and _LEVELS_BEFORE.search(
        text, max(0, number.start - 30), number.start
    ):
        return True
    return unit is None and not number.is_percent and _DAY_BEFORE_DATE.match(text, end) is not None


_YEAR_NOUN_BEFORE = compile_scan(r"(?:\d|\b(?:hàng|mỗi|các|những|cả|trong|cuối|đầu|giữa|từng|nhiều)) $", re.IGNORECASE)


def _year_noun(text: str, number: Number, unit: str) -> bool:
    """A lone "năm" that is the noun "year", not five: "50 năm giải phóng", "hàng năm", "năm năm"."""
    if tables().noun_group.get(fold(unit)) == "duration":
        return True
    return _YEAR_NOUN_BEFORE.search(text, max(0, number.start - 8), number.start) is not None


def _is_year(number: Number) -> bool:
    return (
        not number.is_percent
        and number.text[:1].isdigit()
        and number.text.isdigit()
        and len(number.text) == 4
        and 1900 <= number.value <= 2100
    )


_HARD_CONTEXTS = frozenset(("label", "date", "time", "age", "code"))
class _Label(enum.Enum):
    """What _read returns for a label, so that "quận 1, 4 và 10" stay labels."""

    LABEL = "label"


_LABEL = _Label.LABEL
# "quận 1, 4, 7 và 10": numbers that go on a list of labels are labels
_LABEL_CHAIN = re.compile(r"\s*(?:,|và|hoặc|-|–)\s*$", re.IGNORECASE)


def _read(doc: _Words, number: Number) -> _Candidate | _Label | None:  # noqa: C901 (one of today's listed exceptions: to shrink)
    """Decide whether ``number`` is a count, and read its unit and qualifier."""
    t = tables()
    text = doc.text
    clause_start = _CLAUSE_START.search(text[max(0, number.start - 3):number.start]) is not None
    if number.spelled and number.text[:1].isupper() and not clause_start:
        return None  # "Ba Bể", "Hai Bà Trưng": a name
    if number.text.startswith("0") and len(number.text.replace(".", "").replace(" ", "")) >= 4:
        return None  # a phone number
    if number.denominator is not None and number.denominator == number.value and not number.is_percent:
        return None  # "24/24": round the clock
    qualifier, start = _qualifier(text, number.start)
    context = None if qualifier is not None else _label_context(doc, number.start, t.contexts)
    if context in _HARD_CONTEXTS and not number.multiplier and not number.is_percent:
        return _LABEL  # most numbers of an article stop here: "năm 2023", "ngày 15", "Quân khu 5"

    # the unit
    unit: str | None = None
    end = number.end
    rule = number.rule
    if number.is_percent:
        unit = "%"
        noun = _noun_after(text, end)
        if noun is not None:
            end = noun[1]
        rule = "percent"
    else:
        money = t.money_re.match(text, end)
        noun = _noun_after(text, end)
        if money is not None and (number.multiplier or noun is None or noun[1] <= money.end(1)):
            unit = t.money[fold(money.group(1))]
            end = money.end(1)
            rule = "money"
        elif noun is not None:
            unit, end = noun
            rule = f"{number.rule}+noun"
    if context == "noun_before" and unit is not None:
        context = None  # "chỉ tiêu 170 công dân": the noun after the number is the unit
    if context is not None and context != "noun_before" and rule != "money" and not (
        context == "number_word" and unit is not None and t.noun_group.get(fold(unit)) != "duration"
    ):
        return _LABEL  # "Nghị quyết số 28 ngày 25/10/2013" is a label; "trong số 28 sản phẩm" a count
    if _reject_by_following(text, number, unit):
        return None
    if number.date_like and unit in (None, "%") and not number.is_percent:
        return None
    if number.date_like and unit is not None and t.noun_group.get(fold(unit)) == "duration":
        return None
    if _is_year(number) and (unit is None or t.noun_group.get(fold(unit)) == "duration"):
        return None
    if unit is not None and fold(unit) == "giờ":
        before = _words_before(doc, number.start, 1)
        if before and fold(before[-1].text) in _CLOCK_BEFORE and qualifier is None:
            return None
    if unit is not None:
        if number.spelled and fold(number.text) == "năm" and _year_noun(text, number, unit):
            return None

        return _Candidate(number, start, end, unit, qualifier, rule)

    # a bare number: no %, no counted noun, no currency
    if number.spelled or number.multiplier and not number.text[:1].isdigit():
        return None
    if _capitalised_name_before(doc, number.start):
        return _Candidate(number, start, end, None, qualifier, "list_item", needs_list=True)
    among = _AMONG.match(text, end)
    if among is not None:
        after = find_numbers(text[among.start(1):among.start(1) + 40])
        if after:
            noun = _noun_after(text, among.start(1) + after[0].end)
            if noun is not None:
                return _Candidate(number, start, end, noun[0].split(",")[0], qualifier, "among")
    if context == "noun_before":  # "chỉ tiêu 170": the noun is written before the number
        noun_start = _words_before(doc, number.start, 1)[-1].start
        return _Candidate(number, noun_start, end, text[noun_start:number.start].strip(), qualifier,
                          "noun_before")
    part = _PART_BEFORE.search(text, max(0, number.start - 20), number.start)
    if part is not None and qualifier is None:
        return _Candidate(number, part.start(1), end, part.group(1), None, "noun_before")
    each = _EACH.search(text, max(0, number.start - 30), number.start)
    if each is not None and fold(each.group(1).strip()) in t.noun_group:
        return _Candidate(number, start, end, None, qualifier, "each")
    if _is_year(number):
        return None
    word = _word_at(doc, _skip_spaces(text, end)) if end < len(text) and text[end] == " " else None
    clause_start = clause_start or _CLAUSE_START.search(text[max(0, start - 3):start]) is not None
    if word is not None and _WORDLIKE.fullmatch(word.text) and not word.text[:1].isupper():
        low = fold(word.text)
        if low in t.not_units or low.split()[0] in t.not_units:
            if clause_start:
                return _Candidate(number, start, end, None, qualifier, "clause_start")
            return None
        if low in t.contexts or _in_short_quote(text, number.start):
            return None  # "“3 gặp, 4 biết”": a slogan
        return _Candidate(number, start, word.end, word.text, qualifier, "word_after")
    return None


_OPEN_QUOTES = "“\"«‘"
_CLOSE_QUOTES = "”\"»’"


def _in_short_quote(text: str, pos: int, reach: int = 40) -> bool:
    """``pos`` lies inside a short quotation (a slogan such as "3 gặp, 4 biết")."""
    before = text[max(0, pos - reach):pos]
    opened = max(before.rfind(q) for q in _OPEN_QUOTES)
    if opened < 0 or any(q in before[opened + 1:] for q in _CLOSE_QUOTES if q != '"'):
        return False
    after = text[pos:pos + reach]
    return any(q in after for q in _CLOSE_QUOTES)


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _accept_list_items(text: str, found: list[_Candidate]) -> list[_Candidate]:
    """Keep "Name N" items when they make a list of counts: "chỉ tiêu 170, Châu Đốc 80, ...",
    "(Lai Châu 2, Sơn La 1)". A lone "Name N" is a label ("xã Tam Xuân 1")."""

    def joined(left: _Candidate, right: _Candidate) -> bool:
        between = text[left.end:right.start]
        return (len(between) <= 60 and "\n" not in between and ". " not in between
                and _LIST_GAP.match(between) is not None)

    names = {k for k in range(len(found)) if _numbered_names(text, found, k)}
    found = [c for k, c in enumerate(found) if k not in names]
    out: list[_Candidate] = []
    for k, cand in enumerate(found):
        if not cand.needs_list:
            out.append(cand)
            continue
        if not _LIST_END.match(text, cand.end):
            continue
        after_count = bool(out) and (out[-1].unit is None or out[-1].rule == "noun_before") and joined(out[-1], cand)
        nxt = found[k + 1] if k + 1 < len(found) else None
        starts_list = nxt is not None and nxt.needs_list and joined(cand, nxt)
        if after_count or starts_list:
            out.append(cand)
    return out


# Tried only where a word starts (the look-behind) in the 30 characters cut before the number:
# the same leftmost match, since a match starting inside a word could start one letter earlier,
# except at the cut itself, where the look-behind sees nothing. Without it every position of
# every word was tried, each reading on to the end of the window.
_NAME_BEFORE = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]+ )*?[^\W\d_]+) $")


def _name_before(text: str, start: int) -> str:
    """The capitalised words right before ``start`` ("A Lưới" in "A Lưới 2")."""
    m = _NAME_BEFORE.search(text[max(0, start - 30):start])
    if m is None:
        return ""
    words = m.group(1).split()
    name: list[str] = []
    for w in reversed(words):
        if not w[:1].isupper():
            break
        name.insert(0, w)
    return " ".join(name)


def _numbered_names(text: str, found: list[_Candidate], k: int) -> bool:
    """"A Lưới 1, A Lưới 2": one name with different numbers on a list are numbered units (the
    communes of a split district, wards "Phường 1, Phường 2"), not a list of counts."""
    name = _name_before(text, found[k].start)
    if not name:
        return False
    for j in (k - 1, k + 1):
        if (0 <= j < len(found) and (found[j].needs_list or found[k].needs_list)
                and _name_before(text, found[j].start) == name):
            return True
    return False


def candidates(doc: Analysis) -> list[_Candidate]:
    """Counts before indicators: the rules of steps 1–3 of the module docstring."""
    found: list[_Candidate] = []
    words = _Words(doc)
    text = doc.text
    label_end = -1
    for number in find_numbers(text):
        if label_end >= 0 and number.start - label_end <= 8 and not number.is_percent:
            gap = _LABEL_CHAIN.match(text[label_end:number.start])
            # "quận 1, 4 và 10": bare numbers go on the list of labels; a number with its own
            # noun starts a count ("loại 1, 22 thanh niên", "Quân khu 5 và 296 thanh niên")
            if gap and _LIST_END.match(text, number.end):
                label_end = number.end
                continue
        cand = _read(words, number)
        if cand is _LABEL:
            label_end = number.end
        elif cand is not None:
            found.append(cand)
    return _accept_list_items(text, found)


def extract(doc: Analysis) -> list[Count]:
    found = candidates(doc)
    counts = [
        Count(
            text=doc.text[c.start:c.end],
            start=c.start,
            end=c.end,
            rule=c.rule,
            value=c.number.value,
            qualifier=c.qualifier,
            unit=c.unit,
            is_percent=c.number.is_percent,
            upper=c.number.upper,
            denominator=c.number.denominator,
        )
        for c in found
    ]
    return counts
