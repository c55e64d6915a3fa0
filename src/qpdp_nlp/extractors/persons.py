"""Persons: officers with a rank and officials or citizens named without one.

>>> from qpdp_nlp.text import analyse
>>> doc = analyse("Dự có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh Bắc Kạn; "
...               "bà Nguyễn Thị Thành - Chủ tịch UBND huyện.")
>>> [(p.rank, p.name, p.position) for p in extract(doc)]
[('Thượng tá', 'Nguyễn Quang Long', 'Phó Tham mưu trưởng Bộ CHQS tỉnh Bắc Kạn'), (None, 'Nguyễn Thị Thành', 'Chủ tịch UBND huyện')]

How a person is found: :data:`RULES`, one of which each Person's ``rule`` names (the mention
that said most, when a name is mentioned several times).

The position is the office title attached to the person, before or after the name. After the
name it is a chain of segments, each starting with a title (``persons_titles.tsv``) and going on
through the body's words (capitalised words, acronyms, numbers, the lower-case words of
``persons_org_words.tsv``), joined by ",", "-", "–" or "kiêm"; "; ", " và " and any other word
end it. A person is listed once: mentions of one name are merged, the span is the mention that
said most.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from operator import attrgetter, or_

from ..lexicons import read_rows
from ..records import Person
from ..text import Analysis, Token
from .units import defence_zones_in

RULES: dict[str, str] = {
    "rank_name": 'a rank of persons_ranks.tsv ("Thượng tá", after "đồng chí" or not), then a capitalised name',
    "honorific_name": '"ông", "bà", "đồng chí" … (persons_honorifics.tsv), then a name with a family name or an office after it',
    "name_title": 'a name, a separator, an office title ("Hoàng Thị Duyên, Chủ tịch HĐND huyện")',
    "title_name": 'an office title and its body, then the name ("Bí thư Tỉnh ủy Hà Giang Hầu A Lềnh")',
    "title_dash_name": 'an office chain, a dash, then its holder ("Chủ tịch UBND xã – Nguyễn Thị Lan chủ trì")',
    "name_speech": 'a full name opening a clause, a verb of speech after it ("Nguyễn Văn A chia sẻ")',
}

# --- data --------------------------------------------------------------------------------------


def _table(name: str) -> list[list[str]]:
    return read_rows(name)[1]


@dataclass(frozen=True)
class Lexicon:
    ranks: dict[tuple[str, ...], str]
    titles: frozenset[tuple[str, ...]]
    title_firsts: dict[str, list[tuple[str, ...]]]
    rank_firsts: dict[str, list[tuple[str, ...]]]
    honorifics: dict[tuple[str, ...], str]
    honorific_firsts: dict[str, list[tuple[str, ...]]]
    triggers: frozenset[str]  # first words of ranks, honorifics and titles (case-folded)
    org_firsts: dict[str, list[tuple[str, ...]]]
    org_capitalised_only: frozenset[tuple[str, ...]]
    surnames: frozenset[str]
    namesake_words: frozenset[tuple[str, ...]]  # "trường", "THCS", "phường", "đường" …


def _firsts(seqs: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for seq in seqs:
        out.setdefault(seq[0], []).append(seq)
    for v in out.values():
        v.sort(key=len, reverse=True)
    return out


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _tokenize_plain(phrase))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    ranks = {_key(r[0]): r[0] for r in _table("persons_ranks.tsv")}
    titles = frozenset(_key(r[0]) for r in _table("persons_titles.tsv"))
    honorifics = {_key(r[0]): r[1] for r in _table("persons_honorifics.tsv")}
    org_words = _table("persons_org_words.tsv")
    return Lexicon(
        ranks=ranks,
        titles=titles,
        title_firsts=_firsts(titles),
        rank_firsts=_firsts(ranks),
        honorifics=honorifics,
        honorific_firsts=_firsts(honorifics),
        triggers=frozenset(seq[0] for seq in (*ranks, *titles, *honorifics)),
        org_firsts=_firsts(_key(r[0]) for r in org_words),
        org_capitalised_only=frozenset(_key(r[0]) for r in org_words if r[1] == "yes"),
        surnames=frozenset(r[0] for r in _table("persons_surnames.tsv")),
        namesake_words=frozenset(_key(r[0]) for r in _table("persons_namesake_words.tsv")),
    )


# --- tokens ------------------------------------------------------------------------------------

# Syllables (with &, / joining acronyms like "GDQP&AN", "đ/c"), numbers, and single punctuation.
# A capital and an apostrophe open a syllable of Central Highlands names ("K' Văn Thảo", "Niê K'đăm").
_TOKEN = re.compile(r"(?<!\w)[A-ZĐ][a-z]?['’]\w*|\w+(?:[&/]\w+)*|[^\w\s]")
_ACRONYM_PART = re.compile(r"^[^\W_a-zà-ỹđ]+$")  # no lower-case letter: "QP", "AN", "2"


def _tokenize_plain(text: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    start: int
    end: int
    low: str
    space_before: bool


def token_lists(text: str) -> tuple[list[str], list[int], list[int]]:
    """Syllable tokens as parallel lists (texts, starts, ends); "QP-AN" stays one token,
    "Thê-Phó" becomes three. Lists, not objects: this runs on every article."""
    # One regex scan for the strings, and their offsets found again with str.find: no match
    # object per token. Alone both ways cost the same; inside the pipeline, where the match
    # objects of a whole article are built among everything else, this way took half the time
    # (measured interleaved, article by article). Only spaces lie between tokens (every other
    # character starts one), so each token is the next occurrence of its text.
    texts = _TOKEN.findall(text)
    starts: list[int] = []
    ends: list[int] = []
    find, add_start, add_end = text.find, starts.append, ends.append
    pos = 0
    for token in texts:
        pos = find(token, pos)
        add_start(pos)
        pos += len(token)
        add_end(pos)
    # Acronym-hyphen-acronym without spaces is one token ("QP-AN", "NĐ-CP", chained "A-B-C").
    # Whether a token j joins depends on tokens j-2, j-1 ("-") and j alone (no token holds a
    # hyphen but "-" itself), so only the hyphens are visited.
    joins: list[int] = []
    i = _next_hyphen(texts, 0)
    while i >= 0:
        j = i + 1
        if (
            i >= 1
            and j < len(texts)
            and starts[i] == starts[j] - 1
            and ends[i - 1] == starts[i]
            and _ACRONYM_PART.match(texts[i - 1])
            and _ACRONYM_PART.match(texts[j])
        ):
            joins.append(j)
        i = _next_hyphen(texts, j)
    if not joins:
        return texts, starts, ends
    out_texts: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    pos = 0
    for j in joins:
        # keep the tokens up to the left acronym (j - 2), which then reaches to the end of j
        out_texts += texts[pos:j - 1]
        out_starts += starts[pos:j - 1]
        out_ends += ends[pos:j - 1]
        out_ends[-1] = ends[j]
        out_texts[-1] = text[out_starts[-1]:ends[j]]
        pos = j + 1
    out_texts += texts[pos:]
    out_starts += starts[pos:]
    out_ends += ends[pos:]
    return out_texts, out_starts, out_ends


def _next_hyphen(texts: list[str], start: int) -> int:
    """Index of the first "-" token at or after ``start``, or -1 (list.index runs in C)."""
    try:
        return texts.index("-", start)
    except ValueError:
        return -1


def tokenize(text: str) -> list[Tok]:
    """Syllable tokens with offsets (see :func:`token_lists`)."""
    texts, starts, ends = token_lists(text)
    return [Tok(t, s, e, t.casefold(), i == 0 or s > ends[i - 1]) for i, (t, s, e) in enumerate(zip(texts, starts, ends))]


# Asked of the same syllables over and over (every token a name or a title could start at): the
# answers are cached, the cache capped.
@lru_cache(maxsize=16384)
def _is_cap(t: str) -> bool:
    """A capitalised syllable: "Nguyễn", "A", "K'", "K'đăm" (not "UBND", not "huyện", not "2023")."""
    if "'" in t or "’" in t:
        t = t.replace("'", "").replace("’", "")
    return t.isalpha() and t[0].isupper() and (len(t) == 1 or t[1:].islower())


@lru_cache(maxsize=16384)
def _is_acronym(t: str) -> bool:
    return any(c.isalpha() for c in t) and not any(c.islower() for c in t) and len(t) >= 2


# --- the matcher -------------------------------------------------------------------------------

SEPARATORS = {",", "-", "–", "—", ":"}
SEGMENT_JOINERS = {",", "-", "–", "—", "kiêm"}
SPEECH_VERBS = (("chia", "sẻ"), ("cho", "biết"), ("nói",), ("tâm", "sự"), ("phát", "biểu"), ("khẳng", "định"))
# Heads of bodies whose name goes on with an office word ("Bộ Tư lệnh", "Ban Chỉ huy").
BODY_HEADS = {"bộ", "ban", "cục", "phòng", "hội", "đoàn"}
# Words after which a capitalised run names a place, not a person ("huyện Ba Bể").
COMMUNE_WORDS = {"xã", "phường", "trấn", "khu"}  # "thị xã" is a district: see after_commune_word
PLACE_WORDS = {"tỉnh", "huyện", "xã", "quận", "phường", "thị", "trấn", "phố", "tp", "ấp", "thôn", "bản", "xóm"}


class _Scanner:
    def __init__(self, text: str, words: Sequence[Token] = ()) -> None:
        self.text = text
        # Where an underthesea word of several syllables starts, and where it ends: a capitalised
        # word inside a body is taken whole ("Thủ đô", "Tài chính"), lower-case syllables and all.
        # Only words of one capital then lower case: the segmenter sometimes glues a place to the
        # verb after it ("Hương Sơn trình"), never a body word like that. Asked only inside a
        # title's body, so looked up there (word_end) rather than tabled for every word.
        self.words = words
        self.word_starts = list(map(attrgetter("start"), words))
        self.texts, self.starts, self.ends = token_lists(text)
        self.lows = list(map(str.casefold, self.texts))
        # Defence-zone commands are bodies written whole, their number and name included
        # ("Chỉ huy trưởng Ban Chỉ huy Phòng thủ khu vực 3 - Kỳ Anh").
        self.zone_end = {z.start: z.end for z in defence_zones_in(text)} if "hu vực" in text or "PTKV" in text else {}
        self.lex = lexicon()
        self.n = len(self.texts)

    def word_end(self, start: int) -> int | None:
        """End of the word of several syllables, one capital then lower case, that starts at
        ``start`` ("Thủ đô"), or None."""
        k = bisect.bisect_left(self.word_starts, start)
        if k == len(self.word_starts) or self.word_starts[k] != start:
            return None
        w = self.words[k]
        if " " in w.text and _is_cap((parts := w.text.split(" ", 1))[0]) and parts[1].islower():
            return w.end
        return None

    # phrase lookups ------------------------------------------------------------------------
    def _longest(self, i: int, firsts: dict[str, list[tuple[str, ...]]]) -> int:
        if i >= self.n:
            return 0
        for seq in firsts.get(self.lows[i], ()):
            if tuple(self.lows[i:i + len(seq)]) == seq:
                return len(seq)
        return 0

    def title_at(self, i: int) -> int:
        """Length in tokens of the office title starting at ``i`` (0 when none)."""
        if i >= self.n or not (self.texts[i][0].isupper() or _is_acronym(self.texts[i])):
            # Titles are written capitalised ("Chủ tịch", "Phó chủ tịch"), acronyms as they are.
            if not (i < self.n and self.lows[i] in ("phó", "chủ", "bí", "ủy", "uỷ", "tỉnh", "huyện")):
                return 0
        n = self._longest(i, self.lex.title_firsts)
        if self.lows[i] == "phó" and not n:
            inner = self.title_at(i + 1) if i + 1 < self.n else 0
            return 1 + inner if inner else 0
        return n

    def org_at(self, i: int) -> int:
        """Length of a body phrase at ``i`` ("ủy ban nhân dân", "quân sự"); a phrase that is also
        a verb ("tổ chức") only when capitalised ("Ban Tổ chức")."""
        if i >= self.n:
            return 0
        for seq in self.lex.org_firsts.get(self.lows[i], ()):
            if tuple(self.lows[i:i + len(seq)]) == seq:
                if seq in self.lex.org_capitalised_only and not self.texts[i][0].isupper():
                    continue
                return len(seq)
        return 0

    def rank_at(self, i: int) -> int:
        return self._longest(i, self.lex.rank_firsts)

    def honorific_at(self, i: int) -> int:
        if i >= self.n:
            return 0
        for seq in self.lex.honorific_firsts.get(self.lows[i], ()):
            kind = self.lex.honorifics[seq]
            if tuple(self.lows[i:i + len(seq)]) == seq:
                # Capitalised mid-sentence, only the formal ones ("có Ông X"): "Anh Sơn" is a
                # district, not "anh" + a name.
                if self.texts[i][0].isupper() and kind == "private" and not self._sentence_start(i):
                    return 0
                return len(seq)
        return 0

    def _sentence_start(self, i: int) -> bool:
        if i == 0:
            return True
        gap = self.text[self.ends[i - 1]:self.starts[i]]
        return self.texts[i - 1] in ".!?:;\"“”(–-" or "\n" in gap

    def adjacent(self, i: int) -> bool:
        """Token ``i`` follows token ``i-1`` after exactly one space."""
        return i > 0 and self.text[self.ends[i - 1]:self.starts[i]] == " "

    # names ------------------------------------------------------------------------------------
    def name_at(self, i: int, *, need_surname: bool = True, max_len: int = 5) -> int:
        """Length of a personal name starting at ``i``: capitalised syllables one space apart,
        stopping before a title or a rank."""
        if i >= self.n or not _is_cap(self.texts[i]):
            return 0
        if need_surname and self.texts[i] not in self.lex.surnames:
            return 0
        if self.title_at(i) or self.rank_at(i):
            return 0
        j = i + 1
        while (
            j < self.n
            and j - i < max_len
            and _is_cap(self.texts[j])
            and self.adjacent(j)
            and not self.title_at(j)
            and not self.rank_at(j)
        ):
            j += 1
        return j - i if j - i >= 2 else 0

    # positions --------------------------------------------------------------------------------
    def body_end(self, i: int) -> int:
        """End (exclusive token index) of the body words after a title starting at ``i``."""
        j = i
        while j < self.n:
            t = self.texts[j]
            if t == "(" and j + 2 < self.n and _is_acronym(self.texts[j + 1]) and self.texts[j + 2] == ")":
                j += 3
                continue
            zone_end = self.zone_end.get(self.starts[j])
            if zone_end is not None:
                while j < self.n and self.starts[j] < zone_end:
                    j += 1
                continue
            if not t[0].isalnum():
                break
            if self.rank_at(j) or (t.islower() and self.honorific_at(j)):
                break
            # A body phrase, whatever its capitalisation ("Bộ Chỉ huy", "ủy ban nhân dân").
            k = self.org_at(j)
            if k:
                j += k
                continue
            if _is_cap(t) or _is_acronym(t) or t.isdigit():
                # ... and only at the start of a capitalised run ("Thủ đô" after "Bộ Tư lệnh").
                word_end = self.word_end(self.starts[j]) if not _is_cap(self.texts[j - 1]) else None
                j += 1
                while word_end is not None and j < self.n and self.ends[j] <= word_end:
                    j += 1
                continue
            if self.lows[j] == "và" and j + 1 < self.n:
                nxt = self.texts[j + 1]
                if (
                    (_is_cap(nxt) and not self.title_at(j + 1) and not self.rank_at(j + 1)
                     and not self.name_at(j + 1))
                    or (self.org_at(j + 1) and not self.honorific_at(j + 1))
                ):
                    j += 1
                    continue
            break
        return j

    def segments(self, i: int) -> list[tuple[int, int]]:
        """The chain of title segments starting at ``i``: [(start, end)] token ranges."""
        segs: list[tuple[int, int]] = []
        bare = False
        while i < self.n:
            t = self.title_at(i)
            if t:
                j = self.body_end(i + t)
                bare = j == i + t
            elif segs and bare and self.texts[i - 1] == "," and _is_cap(self.texts[i]):
                # "Phó chỉ huy trưởng, Bộ chỉ huy quân sự tỉnh": a bare title, then its body.
                j = self.body_end(i)
                bare = False
                if j == i:
                    break
            else:
                break
            segs.append((i, j))
            if j + 1 < self.n and self.lows[j] in SEGMENT_JOINERS and (
                self.title_at(j + 1) or (bare and self.texts[j] == "," and _is_cap(self.texts[j + 1]))
            ):
                i = j + 1
                continue
            break
        return segs

    def trailing_name(self, seg: tuple[int, int]) -> int | None:
        """Token index where a person's name starts at the end of a title segment, if any
        ("Bí thư Tỉnh ủy Hà Giang Hầu A Lềnh" -> the index of "Hầu")."""
        seg_start, end = seg
        if end < self.n and _is_cap(self.texts[end]) and self.adjacent(end):
            return None
        run_start = end
        while run_start - 1 > seg_start and _is_cap(self.texts[run_start - 1]) and (
            run_start == end or self.adjacent(run_start)
        ):
            run_start -= 1
        if end - run_start < 2:
            return None
        # The title itself is not part of the run ("Thứ trưởng Lê Văn Tuyến").
        t = self.title_at(seg_start)
        run_start = max(run_start, seg_start + t)
        if end - run_start < 2:
            return None
        return self.split_place_name(run_start, end)

    def position_after(self, i: int) -> tuple[int, int] | None:
        """Token range of the position chain starting at ``i``; a segment that ends with another
        person's name ("…, Bí thư Thành ủy Hà Tĩnh Dương Tất Thắng") is not part of it."""
        kept = []
        for seg in self.segments(i):
            if self.trailing_name(seg) is not None:
                break
            kept.append(seg)
        if not kept:
            return None
        return kept[0][0], kept[-1][1]

    def split_place_name(self, run_start: int, run_end: int) -> int | None:
        """Where a person's name starts inside a capitalised run that ends a title's body.

        The name is the tail: 2–4 syllables starting with a family name. The head, if any, is a
        place ("Hà Giang"). A run that is all name needs three syllables, since a two-syllable
        run after a body is far more often a place ("Tỉnh ủy Hà Tĩnh") than a person.
        """
        n = run_end - run_start
        namesake = self.after_namesake_word(run_start)
        for k in range(n - 2, 1, -1):
            # The longest head that is a province or district leaves the name, whatever its
            # syllables ("Lâm Đồng" + "Y Thanh Hà Niê K'đăm").
            if n - k <= 5 and _is_place_name(" ".join(self.texts[run_start:run_start + k])):
                return run_start + k
        candidates = []
        for k in range(0, n - 1):
            tail = n - k
            if not 2 <= tail <= 4 or self.texts[run_start + k] not in self.lex.surnames:
                continue
            whole = " ".join(self.texts[run_start:run_end])
            if k == 0 and (n < 3 or namesake or _is_place_name(whole, commune=self.after_commune_word(run_start))):
                continue  # "Hiệu trưởng Trường THCS Lê Quý Đôn": the school's name, not its head's
            if namesake and k < 2:
                continue
            candidates.append(k)
        if not candidates:
            return None
        # Place names are mostly two syllables: prefer the split that leaves two for the place.
        best = min(candidates, key=lambda k: (0 if k == 2 else 1 if k == 0 else 2, k))
        return run_start + best

    def after_commune_word(self, i: int) -> bool:
        return i > 0 and self.lows[i - 1] in COMMUNE_WORDS and not (i > 1 and self.lows[i - 2] == "thị")

    def after_namesake_word(self, i: int) -> bool:
        """Token ``i`` follows a word after which names are namesakes ("THCS", "phường", "đường")."""
        return any(
            i >= len(seq) and tuple(self.lows[i - len(seq):i]) == seq
            for seq in self.lex.namesake_words
        )

    # spans -----------------------------------------------------------------------------------
    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.starts[i], self.ends[j - 1]

    def span_text(self, i: int, j: int) -> str:
        s, e = self.span(i, j)
        return self.text[s:e]


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    rank: str | None
    position: str | None
    rule: str

    @property
    def weight(self) -> int:
        return (2 if self.rank else 0) + (1 if self.position else 0)


def _position_after_name(sc: _Scanner, j: int) -> tuple[str | None, int]:
    """The position written after a name ending at token ``j``, and the token where it ends
    (``j`` when there is none), so scanning resumes after it."""
    k = j
    if k < sc.n and sc.texts[k] in SEPARATORS:
        k += 1
    pos = sc.position_after(k)
    if pos is None:
        return None, j
    return sc.span_text(*pos), pos[1]


def _mentions(sc: _Scanner) -> list[_Mention]:  # noqa: C901 (one of today's listed exceptions: to shrink)
    out: list[_Mention] = []
    covered_until = -1  # token index: names inside an earlier mention's position are skipped
    triggers, surnames = sc.lex.triggers, sc.lex.surnames
    # Most tokens can start nothing: the ones that can (a first word of a rank, an honorific or
    # a title, or a family name) are listed in one pass, and the loop jumps from one to the next
    # (past covered_until) without trying every rule.
    starters = list(compress(count(), map(or_, map(triggers.__contains__, sc.lows), map(surnames.__contains__, sc.texts))))
    i = 0
    while i < sc.n:
        if i < covered_until or (sc.lows[i] not in triggers and sc.texts[i] not in surnames):
            k = bisect.bisect_left(starters, max(i, covered_until))
            if k == len(starters):
                break
            i = starters[k]
            continue
        # rank + name ("đồng chí Đại tá X" is read at the rank)
        r = sc.rank_at(i)
        if r:
            n = sc.name_at(i + r, need_surname=False)
            if n and (sc.texts[i + r] in sc.lex.surnames or n >= 3):
                j = i + r + n
                position, resume = _position_after_name(sc, j)
                s, e = sc.span(i, j)
                out.append(_Mention(sc.span_text(i + r, j), s, e, sc.span_text(i, i + r), position, "rank_name"))
                i = resume
                continue
        h = sc.honorific_at(i)
        if h:
            # "đồng chí Thượng tá X": let the rank rule take it.
            if sc.rank_at(i + h):
                i += h
                continue
            k = i + h + 1 if i + h < sc.n and sc.texts[i + h] == ":" else i + h  # "Đồng chí: X"
            n = sc.name_at(k)
            if not n and sc.lex.honorifics[tuple(sc.lows[i:i + h])] == "official":
                # "đồng chí Bun Thó Lào - Bí thư Huyện ủy": a name without a Vietnamese family
                # name is taken when an office follows it.
                n = sc.name_at(k, need_surname=False, max_len=4)
                after = k + n
                if n and not (after + 1 < sc.n and sc.texts[after] in SEPARATORS and sc.title_at(after + 1)):
                    n = 0
            if n:
                h = k - i
                j = i + h + n
                position, resume = _position_after_name(sc, j)
                s, e = sc.span(i + h, j)
                out.append(_Mention(sc.span_text(i + h, j), s, e, None, position, "honorific_name"))
                i = resume
                continue
        t = sc.title_at(i)
        if t and i > 0 and sc.lows[i - 1] in BODY_HEADS and sc.adjacent(i):
            # "Bộ Tư lệnh", "Ban Chỉ huy": the title word names a body here, not an office.
            t = 0
        if t:
            m = _title_then_name(sc, i)
            if m is not None:
                mention, j = m
                out.append(mention)
                i = j
                continue
            # Skip over the whole title chain so its body is not read as a name.
            pos = sc.position_after(i)
            if pos:
                dashed = _title_dash_name(sc, pos)
                if dashed is not None:
                    out.append(dashed)
                    i = sc.n if dashed.end >= len(sc.text) else _token_at(sc, dashed.end)
                    continue
                covered_until = pos[1]
            i += 1
            continue
        n = sc.name_at(i)
        if n and not _after_place_word(sc, i) and (i == 0 or sc.texts[i - 1] in ",;:.(\"“–-" or sc._sentence_start(i)):
            j = i + n
            k = j
            if k < sc.n and sc.texts[k] in SEPARATORS:
                k += 1
            pos = sc.position_after(k)
            if pos is not None and (k > j or sc.title_at(j)):
                s, e = sc.span(i, j)
                out.append(_Mention(sc.span_text(i, j), s, e, None, sc.span_text(*pos), "name_title"))
                i = pos[1]
                continue
            if n >= 3 and _speech_follows(sc, j):
                s, e = sc.span(i, j)
                out.append(_Mention(sc.span_text(i, j), s, e, None, None, "name_speech"))
                i = j
                continue
        i += 1
    return out


def _is_place_name(name: str, *, commune: bool = False) -> bool:
    """A province or district name in the gazetteer ("Hồ Chí Minh", "Trần Văn Thời"), or after a
    commune's level word a commune or ward name ("phường Trần Hưng Đạo"): such a run after a
    title's body is the place, not a person."""
    try:
        from ..gazetteer import lookup
    except ImportError:  # the gazetteer is optional here
        return False
    return bool(lookup(name, "province") or lookup(name, "district") or commune and lookup(name, "commune"))


def _after_place_word(sc: _Scanner, i: int) -> bool:
    return i > 0 and sc.lows[i - 1] in PLACE_WORDS


def _speech_follows(sc: _Scanner, j: int) -> bool:
    for verb in SPEECH_VERBS:
        if tuple(sc.lows[j:j + len(verb)]) == verb:
            return True
    return False


def _title_then_name(sc: _Scanner, i: int) -> tuple[_Mention, int] | None:
    """"Chủ tịch UBND huyện Hà Duy Đạt": a title chain, then a name ending its last segment."""
    segs = sc.segments(i)
    for seg in segs:
        name_start = sc.trailing_name(seg)
        if name_start is None:
            continue
        position_end = name_start
        position = sc.span_text(i, position_end)
        s, e = sc.span(name_start, seg[1])
        return _Mention(sc.text[s:e], s, e, None, position, "title_name"), seg[1]
    return None


def _title_dash_name(sc: _Scanner, pos: tuple[int, int]) -> _Mention | None:
    """"Chủ tịch UBND xã, Chủ tịch Hội đồng NVQS xã – Nguyễn Thị Lan chủ trì": the office chain,
    a dash, then the name of its holder (who has no position of his own after it)."""
    k = pos[1]
    if k + 1 >= sc.n or sc.texts[k] not in ("-", "–", "—"):
        return None
    n = sc.name_at(k + 1, max_len=4)
    if not n:
        return None
    j = k + 1 + n
    if j < sc.n and sc.texts[j] in SEPARATORS and sc.title_at(j + 1) or _after_place_word(sc, k + 1):
        return None
    s, e = sc.span(k + 1, j)
    return _Mention(sc.text[s:e], s, e, None, sc.span_text(*pos), "title_dash_name")


def _token_at(sc: _Scanner, offset: int) -> int:
    """Index of the first token that starts at or after ``offset``."""
    return bisect.bisect_left(sc.starts, offset)


def _merge(mentions: list[_Mention]) -> list[Person]:
    by_name: dict[str, list[_Mention]] = {}
    for m in mentions:
        by_name.setdefault(m.name, []).append(m)
    persons = []
    for name, ms in by_name.items():
        best = max(ms, key=lambda m: (m.weight, -m.start))
        rank = next((m.rank for m in ms if m.rank), None)
        position = best.position or next((m.position for m in ms if m.position), None)
        if rank and not best.rank:
            ranked = next(m for m in ms if m.rank)
            best = ranked if not best.position else best
        text_start, text_end = best.start, best.end
        persons.append(
            Person(text="", start=text_start, end=text_end, rank=rank, name=name, position=position, rule=best.rule)
        )
    persons.sort(key=lambda p: p.start)
    return persons


def extract(doc: Analysis) -> list[Person]:
    """Every person named in ``doc``, once each, in order of appearance."""
    if not doc.text:
        return []
    sc = _Scanner(doc.text, doc.words)
    persons = _merge(_mentions(sc))
    for p in persons:
        p.text = doc.text[p.start:p.end]
    return persons
