"""Normalisation once at ingest, and underthesea words/sentences with exact char offsets.

>>> normalize("Uỷ ban nhân dân huyện Hoà An")
'Ủy ban nhân dân huyện Hòa An'
>>> [w.text for w in words("Thượng tá Nguyễn Quang Long")]
['Thượng tá', 'Nguyễn Quang Long']

The normalised text is the one every offset in a record points into. Words are underthesea's
(``qpdp_nlp.segment``: the same segmentation, computed faster, with the token rewriting of
``use_token_normalize`` off); their spans come straight from the pre-tokenizer, or, where
underthesea's character normalisation would change a line, from realigning each word onto the
text, so ``text[w.start:w.end] == w.text`` always holds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar, cast

# --- normalisation -----------------------------------------------------------------------------

# Characters read as another: the source's Latin Eth (U+00D0) is a Vietnamese Đ (U+0110).
_CHAR_MAP = {
    "\u00d0": "\u0110",  # Ð -> Đ
    "\u00f0": "\u0111",  # ð -> đ
    "\u0189": "\u0110",  # Ɖ (African D) -> Đ
}
# Odd spaces become a plain space; zero-width characters and soft hyphens disappear.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\v\f"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_TRANSLATE: dict[int, str | None] = {ord(c): " " for c in _SPACES}
_TRANSLATE.update({ord(c): None for c in _INVISIBLE})
_TRANSLATE.update({ord(k): v for k, v in _CHAR_MAP.items()})
# Other C0/C1 control characters (except newline) are dropped.
_TRANSLATE.update({c: None for c in range(0x00, 0x20) if c not in (0x0A,)})
_TRANSLATE.update({c: None for c in range(0x7F, 0xA0)})
_TRANSLATE[0x0D] = "\n"  # lone CR (old Mac) is a newline; CRLF is handled before

# Tone-mark placement. In open syllables ending in oa/oe/uy the press mostly writes the mark on
# the first vowel ("hòa", "khỏe", "thủy", "Ủy ban"): the traditional placement, which the gold
# annotations also use. The "new" placement ("hoà", "khoẻ", "thuỷ", "Uỷ") is moved to it.
# A closed syllable ("hoàng", "thuyết") has one placement only and is left alone, and so is
# "qu" + y ("quý"), where u belongs to the consonant.
_TONES = {
    # base vowel -> (huyền, sắc, hỏi, ngã, nặng)
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ",
}


def _tone_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in range(5):
            for f_case, s_case in ((str.lower, str.lower), (str.upper, str.upper), (str.upper, str.lower)):
                new = f_case(first) + s_case(_TONES[second][tone])
                old = f_case(_TONES[first][tone]) + s_case(second)
                table[new] = old
    return table


_TONE_MOVE = _tone_table()
_TONE_RE = re.compile(
    # A look-ahead at the first letters the table knows (o, u): re tries the look-behind and the
    # alternatives only there, five times faster over an article, with the same matches.
    "(?=[" + re.escape("".join(sorted({k[0] for k in _TONE_MOVE}))) + "])"
    r"(?<![qQ])(" + "|".join(sorted(map(re.escape, _TONE_MOVE), key=len, reverse=True)) + r")(?![^\W\d_])"
)
_HSPACE_RUN = re.compile(r"[ ]{2,}")
_TRAILING = re.compile(r"[ ]+\n|\n[ ]+")


def normalize(text: str) -> str:
    """NFC, one tone-mark placement, odd spaces and control characters cleaned, Ð read as Đ.

    Horizontal whitespace runs become one space and lines lose edge spaces; line breaks stay,
    because paragraphs matter (the title is the first line).
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_TRANSLATE)
    text = _TONE_RE.sub(lambda m: _TONE_MOVE[m.group(1)], text)
    text = _HSPACE_RUN.sub(" ", text)
    text = _TRAILING.sub("\n", text)
    return text.strip(" \n")


# --- questions asked of one article more than once ----------------------------------------------

_F = TypeVar("_F", bound=Callable[..., Any])
_ARTICLE_CACHES: list[Any] = []


def per_article(fn: _F) -> _F:
    """Memoise ``fn``, a pure function of strings (an article's text, a name in it): several
    extractors ask the same question of the same article (its date line, its defence zones, its
    place names). The answer is the function's own, so a cached one is always right; the
    pipeline empties these caches when it starts an article (:func:`clear_article_caches`), so
    they stay small and extracting the same text again measures all of the work again."""
    cached = lru_cache(maxsize=32)(fn)
    _ARTICLE_CACHES.append(cached)
    return cast(_F, cached)


def clear_article_caches() -> None:
    """Forget every :func:`per_article` answer."""
    for cached in _ARTICLE_CACHES:
        cached.cache_clear()


# --- regexes scanned over whole articles ----------------------------------------------------------

try:
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_Firsts = tuple[set[str] | None, bool]  # (the characters a match may start with, may match empty)
# Classes kept as they are written: in a character class they match what they match alone.
_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """The characters a match of ``pattern`` can start with, as the inside of a character
    class, or None when that cannot be told (a negated class, a wildcard, an inline flag, a
    pattern that may match empty).

    A scan over a whole article that opens with a look-ahead on these characters rejects most
    positions before the alternation runs, with the same matches: the look-ahead only excludes
    positions where no branch could match. Read off the regex parser, so a data file's patterns
    get it without anyone listing their letters. Compiled with the pattern's own ``flags``, the
    class matches what the pattern's first characters match (in either case with IGNORECASE).

    >>> first_chars(r"tổng kết|(?:^|(?<=\\n))năm \\d{4}|(?:6|sáu) tháng"), first_chars(r"\\bqp|x?y")
    ('6nst', 'qxy')
    >>> first_chars(r"\\d{4}|số|[a-c]")
    'abcs\\\\d'
    >>> first_chars(r"\\W+") is None, first_chars(r"a?") is None, first_chars(r"(?i)a") is None
    (True, True, True)
    """
    if re.match(r"\(\?[aiLmsux]+\)", pattern):  # a look-ahead cannot go before a global inline flag
        return None
    chars, empty = _sequence_firsts(_sre_parse.parse(pattern, flags))
    if chars is None or empty or not chars:
        return None
    categories = sorted(c for c in chars if c in _CATEGORIES.values())
    return re.escape("".join(sorted(chars.difference(categories)))) + "".join(categories)


def compile_scan(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, opened by a look-ahead on :func:`first_chars` when they
    are known: the same matches, found faster where the engine has no prefix of its own to skip
    by (case-insensitive patterns, patterns opening with a look-behind).

    >>> compile_scan(r"Bộ Quốc phòng|cả nước", re.IGNORECASE).pattern
    '(?=[Bc])(?:Bộ Quốc phòng|cả nước)'
    """
    chars = first_chars(pattern, flags)
    if chars is None:
        return re.compile(pattern, flags)
    return re.compile(f"(?=[{chars}])(?:{pattern})", flags)


def _sequence_firsts(items: Any) -> _Firsts:
    chars: set[str] = set()
    for op, av in items:
        first, empty = _item_firsts(op, av)
        if first is None:
            return None, False
        chars |= first
        if not empty:
            return chars, False
    return chars, True


def _item_firsts(op: Any, av: Any) -> _Firsts:
    if op is _sre.LITERAL:
        return {chr(av)}, False
    if op is _sre.IN:
        return _class_firsts(av), False
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):  # zero-width: what follows starts the match
        return set(), True
    if op is _sre.SUBPATTERN:
        # inline flags (case) change which characters match
        return (None, False) if av[1] or av[2] else _sequence_firsts(av[-1])
    if op is _sre.BRANCH:
        union: set[str] = set()
        may_be_empty = False
        for branch in av[1]:
            first, empty = _sequence_firsts(branch)
            if first is None:
                return None, False
            union |= first
            may_be_empty = may_be_empty or empty
        return union, may_be_empty
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        first, empty = _sequence_firsts(av[2])
        return first, empty or av[0] == 0
    return None, False


def _class_firsts(av: Any) -> set[str] | None:
    chars: set[str] = set()
    for kind, value in av:
        if kind is _sre.LITERAL:
            chars.add(chr(value))
        elif kind is _sre.RANGE:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        elif kind is _sre.CATEGORY and getattr(value, "name", None) in _CATEGORIES:
            chars.add(_CATEGORIES[value.name])
        else:  # a negation, a negated category
            return None
    return chars


# --- tokens with offsets ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Token:
    """A word or sentence: ``text == source_text[start:end]``."""

    text: str
    start: int
    end: int


_new_object = object.__new__
_set_text, _set_start, _set_end = (vars(Token)[name].__set__ for name in ("text", "start", "end"))  # the slots


def _words_at(text: str, base: int, spans: list[tuple[int, int]]) -> list[Token]:
    """``[Token(text[base + a:base + b], base + a, base + b) for a, b in spans]``, the same
    tokens built without the frozen dataclass's ``__init__``, which sets each field through
    ``object.__setattr__``: the three slots are set directly. Every word of every article goes
    through here (what words() costs besides the segmentation: 0.020 -> 0.013 s over the 71
    bench texts)."""
    out: list[Token] = []
    add = out.append
    for a, b in spans:
        a += base
        b += base
        token = _new_object(Token)
        _set_text(token, text[a:b])
        _set_start(token, a)
        _set_end(token, b)
        add(token)
    return out


def _underthesea() -> tuple[Callable[..., Any], Callable[..., Any]]:
    # Imported lazily: the CLI's --help and --version must not pay for the model.
    from underthesea import sent_tokenize, word_tokenize

    return word_tokenize, sent_tokenize


_LINE = re.compile(r"[^\n]+")


def _align(text: str, pieces: list[str], offset: int, limit: int) -> list[Token]:
    """Place each piece (a word whose syllables are joined by spaces) onto ``text``.

    Syllables are looked up one by one from the current position; whitespace between them is
    whatever the text has. A piece that cannot be found (the tokenizer rewrote it) is skipped
    rather than given wrong offsets.
    """
    tokens: list[Token] = []
    pos = offset
    for piece in pieces:
        syllables = piece.split()
        if not syllables:
            continue
        start = end = -1
        cursor = pos
        ok = True
        for syl in syllables:
            while cursor < limit and text[cursor] in " \n":
                cursor += 1
            if text.startswith(syl, cursor):
                found = cursor
            else:
                found = text.find(syl, cursor, min(limit, cursor + 200 + len(syl)))
                if found < 0:
                    ok = False
                    break
            if start < 0:
                start = found
            end = found + len(syl)
            cursor = end
        if ok:
            tokens.append(Token(text[start:end], start, end))
            pos = end
    return tokens


def words(text: str) -> list[Token]:
    """underthesea words of ``text`` (already normalised) with exact char offsets.

    >>> [(w.text, w.start, w.end) for w in words("Thượng tá Nguyễn Quang Long")]
    [('Thượng tá', 0, 9), ('Nguyễn Quang Long', 10, 27)]

    Each line is segmented on its own. A line of any length takes linear time: whitespace-free
    runs longer than ``segment.MAX_SEGMENT`` characters are cut before underthesea's quadratic
    regex sees them (see ``qpdp_nlp.segment``, rule L).
    """
    from . import segment

    out: list[Token] = []
    for line in _LINE.finditer(text):
        chunk = line.group()
        if not chunk.strip():
            continue
        base = line.start()
        spans = segment.word_spans(chunk)
        if spans is not None:
            out.extend(_words_at(text, base, spans))
        else:
            pieces = segment.word_tokenize(chunk, use_token_normalize=False)
            out.extend(_align(text, pieces, base, line.end()))
    return out


# underthesea's sentence splitter walks back over the letters, digits and dots before every
# period ("_get_preceding_word"), so a long run of them is quadratic ("a.a." x 5,000: 37 s).
# A line is cut inside such runs every SENTENCE_RUN characters; nothing else is cut, so on any
# other line the sentences are underthesea's.
SENTENCE_RUN = 256
# A run is only tried where one starts (the look-behinds): inside a word the scan no longer
# reads the rest of the word at every position. Same matches, since the leftmost match of a run
# starts where the run does (lines are scanned from their first character, after a line break).
_LONG_RUN = re.compile(r"(?<![^\W_])(?<!\.)(?:[^\W_]|\.){" + str(SENTENCE_RUN + 1) + ",}")


def _sentence_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= SENTENCE_RUN:  # too short to hold a long run: most lines
        return [(start, end)]
    ranges: list[tuple[int, int]] = []
    pos = start
    for run in _LONG_RUN.finditer(text, start, end):
        for cut in range(run.start() + SENTENCE_RUN, run.end(), SENTENCE_RUN):
            ranges.append((pos, cut))
            pos = cut
    ranges.append((pos, end))
    return ranges


def sentences(text: str) -> list[Token]:
    """underthesea sentences of ``text`` with exact char offsets; a line break always ends one."""
    _, sent_tokenize = _underthesea()
    out: list[Token] = []
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        for start, end in _sentence_ranges(text, line.start(), line.end()):
            _sentences_in(text, start, end, sent_tokenize, out)
    return out


def _sentences_in(
    text: str, start: int, end: int, sent_tokenize: Callable[[str], list[str]], out: list[Token]
) -> None:
    chunk = text[start:end]
    if not chunk.strip():
        return
    pieces = sent_tokenize(chunk)
    pos = start
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        found = text.find(piece, pos, end)
        if found < 0:
            # Fall back to the rest of the line: a sentence must never be lost.
            out.append(Token(text[pos:end], pos, end))
            pos = end
            break
        out.append(Token(piece, found, found + len(piece)))
        pos = found + len(piece)
    if pos < end and text[pos:end].strip():
        rest_start = pos + (len(text[pos:end]) - len(text[pos:end].lstrip()))
        out.append(Token(text[rest_start:end].rstrip(), rest_start, rest_start + len(text[rest_start:end].rstrip())))


# --- the analysed article ----------------------------------------------------------------------

@dataclass
class Analysis:
    """One article on its way through the extractors.

    ``text`` is normalised; ``words`` and ``sentences`` point into it. ``meta`` holds what the
    source said (title, url, published, site).
    """

    text: str
    original: str
    words: list[Token]
    sentences: list[Token]
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def sentence_at(self, offset: int) -> Token | None:
        """The sentence that contains ``offset`` (binary search)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid - 1
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None


_TITLE_END = re.compile(r"[.;:,]\s*$|\./\.$")


def split_title(text: str) -> str | None:
    """The first line, when it stands alone as a headline (short, a blank line after it, no
    sentence-final period): the gold convention for 'title first, blank line, body'."""
    first, sep, rest = text.partition("\n")
    if not sep or not rest.startswith("\n"):
        return None
    first = first.strip()
    if not first or len(first) > 250 or _TITLE_END.search(first):
        return None
    return first


def analyse(text: str, *, title: str | None = None, meta: dict[str, Any] | None = None) -> Analysis:
    """Normalise ``text`` and attach words and sentences."""
    norm = normalize(text)
    if title is None:
        title = split_title(norm)
    else:
        title = normalize(title)
    return Analysis(
        text=norm,
        original=text,
        words=words(norm),
        sentences=sentences(norm),
        title=title,
        meta=dict(meta or {}),
    )
