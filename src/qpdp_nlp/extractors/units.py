"""Units and organisations: military commands and units, Party, state and mass bodies.

>>> [(u.text, u.canonical, u.type, u.level) for u in find_units(
...     "Dự có đại diện Bộ CHQS tỉnh Bắc Kạn, Ban Thường vụ Huyện ủy và UBND các xã.")]
... # doctest: +NORMALIZE_WHITESPACE
[('Bộ CHQS tỉnh Bắc Kạn', 'Bộ Chỉ huy Quân sự tỉnh Bắc Kạn', 'military_command', 'province'),
 ('Ban Thường vụ Huyện ủy', 'Ban Thường vụ Huyện ủy', 'party_committee', 'district')]

How it works. A unit name is a head ("Ban Chỉ huy Quân sự", "Ủy ban nhân dân", "Quân khu"),
then what that head allows (``unit_heads.tsv``, column ``follows``): a level word ("huyện",
"TX."), a place ("Ba Bể"), a number ("5", "TTG416"). Heads are data: every full name is listed
once and its abbreviated variants ("Ban CHQS", "BCH QS", "UBND") are generated from
``abbreviations.tsv``; all of them are compiled into one regular expression factored by common
leading characters (a character trie), so the text is scanned once. The place after a level
word is the places extractor's span when it found one there ("huyện Ba Bể"), else a run of
capitalised syllables, cut before a person's name ("Chủ tịch UBND huyện Hà Duy Đạt"). A head
written next to its parent is one unit ("Ban Thường vụ" + "Tỉnh ủy", "Sư đoàn 316" +
"Quân khu 2"), as the gold convention has it; a parent after a comma, a dash, "thuộc" or in
brackets stays a unit of its own.

Why a compiled regex and not spaCy's Matcher: building a ``Doc`` from the article's syllables
and running a Matcher with the head patterns measured 3.7 ms per 1,300-character article here
(the ``Doc`` alone 0.3 ms), seven times the budget; the regex does the same work
(case-insensitive heads, case-sensitive abbreviations and place names) in about 0.1–0.3 ms
(``bench/units.py``) and gives character offsets directly.

Not units (gold conventions): generic plurals ("các Ban CHQS xã", "UBND các xã"), bodies of a
whole tier ("Ban CHQS cấp xã", "HĐND các cấp"), descriptive phrases ("cơ quan quân sự", "LLVT
huyện"), ad-hoc bodies ("Ban Tổ chức" alone), and a Party or military department without the
body it belongs to ("Ban Thường vụ" alone).

Defence-zone commands (since 2025, between the province's Bộ CHQS and the communes) are parsed by
:func:`defence_zones_in`, not by the head table: their number may be glued to the abbreviation
("Ban CHPTKV2"), written in Roman numerals, after "số", with the abbreviation in brackets, and the
zone's name after a dash, a comma or a space. Each is one unit written whole, canonical
"Ban Chỉ huy Phòng thủ khu vực N – Name", level district, place the province (from a parent in
brackets or the article's scope), never a legacy district.

Parents (``Unit.parent``, the canonical name of the unit a unit belongs to): the rest of a joined
name ("Ban Thường vụ Tỉnh ủy X" -> "Tỉnh ủy X"; "Đảng bộ Ban Chỉ huy PTKV 4" -> the zone); a unit
in brackets or after "thuộc" ("Ban Chỉ huy PTKV 3 (Bộ CHQS tỉnh Gia Lai)"); for a Party body, a
unit after "của"; a bare "Đảng ủy" coordinated with a command above the commune ("Đảng ủy, Ban
Chỉ huy PTKV 2", "Đảng ủy, Ban CHQS huyện") is that command's Party committee; and a Party body
of the military or police ("Đảng ủy Quân sự xã") belongs to its command (``unit_heads.tsv``,
column ``belongs_to``). A unit named as former ("huyện X (cũ)") keeps "(cũ)" in its span and
canonical name and is never completed from the scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, TypeVar

from ..lexicons import UPPER, read_table
from ..records import Level, Person, Place, Scope, Unit, UnitType, is_level, is_unit_type
from ..text import Analysis, normalize
from .numbers import roman_value
from .zones import defence_zones

# The rule of each unit (``Unit.rule``): how it was found.
RULES: dict[str, str] = {
    "unit_heads": 'a head of unit_heads.tsv as its row writes it, then what the row lets follow: level word, place, number, name',
    "unit_heads.abbreviated": 'the same, the head written with abbreviations of abbreviations.tsv ("Ban CHQS huyện", "UBND xã")',
    "unit_heads.joined": 'heads written side by side, one unit ("Ban Thường vụ Tỉnh ủy", "Sư đoàn 316 Quân khu 2"); parent: the rest',
    "defence_zone": 'a defence-zone command, by the zone grammar of zones.defence_zones ("Ban CHPTKV 3 - Bảo Lâm")',
    "defence_zone.joined": "a defence-zone command with a head written right after it, one unit",
    "party_of_command": 'a bare Party body next to a command ("Đảng ủy, Ban Chỉ huy PTKV 2") or of it: its Party committee',
    "party_of_zone": 'a bare "Đảng ủy" in an article whose scope is a defence zone: the zone command\'s Party committee',
}

_FOLLOWS = ("place", "level_place", "number", "name", "none")
_ROLES = ("unit", "sub", "parent")


# --- data tables ---------------------------------------------------------------------------------

def _read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a data table, cells normalised, trailing empty cells optional."""
    return read_table(name, normalise=True, pad=True)


@dataclass(frozen=True)
class HeadEntry:
    """One row of ``unit_heads.tsv``."""

    surface: str
    canonical: str
    type: UnitType
    level: Level | None
    follows: str
    required: bool
    role: str
    not_after: tuple[str, ...]
    belongs_to: str | None = None  # the command a Party body of the military belongs to


@dataclass(frozen=True)
class LevelWord:
    """One row of ``unit_levels.tsv``: "huyện", "TX." …"""

    surface: str
    canonical: str
    level: Level
    numbered: bool  # may be followed by a number as the unit's name: "Quận 1", "phường 3"
    place: str | None = None  # a level word that names its place too: "TP.HCM"


def _is_abbreviation(token: str) -> bool:
    """Tokens written with their exact capitalisation: "CHQS", "GDQP&AN", "TP.", "TTG416"."""
    return sum(c.isupper() for c in token) >= 2 or any(c.isdigit() or c == "&" for c in token)


@lru_cache(maxsize=4096)
def _key(phrase: str) -> str:
    """Lookup key of a matched phrase: abbreviations as written, other words in lower case."""
    tokens = re.split(r"\s*([-–])\s*|\s+", phrase)
    return " ".join(t if _is_abbreviation(t) else t.lower() for t in tokens if t)


_V = TypeVar("_V")


def _find(table: dict[str, _V], phrase: str) -> _V | None:
    """``table[_key(phrase)]``, falling back to the all-lower-case key: a headline written in
    capitals ("UBND HUYỆN BA BỂ") makes every word look like an abbreviation."""
    found = table.get(_key(phrase))
    if found is None:
        found = table.get(phrase.lower())
    return found


@cache
def abbreviations() -> tuple[tuple[str, str], ...]:
    """(abbreviation, expansion) pairs, longest expansion first."""
    rows = [(r["abbreviation"], r["expansion"]) for r in _read_tsv("abbreviations.tsv")]
    return tuple(sorted(rows, key=lambda pair: -len(pair[1])))


@cache
def head_entries() -> tuple[HeadEntry, ...]:
    entries = []
    for row in _read_tsv("unit_heads.tsv"):
        follows, unit_type, level = row["follows"], row["type"], row["level"] or None
        if not is_unit_type(unit_type) or follows.rstrip("!") not in _FOLLOWS or row["role"] not in _ROLES:
            raise ValueError(f"unit_heads.tsv: bad type/follows/role in {row}")
        if level is not None and not is_level(level):
            raise ValueError(f"unit_heads.tsv: bad level in {row}")
        entries.append(HeadEntry(
            surface=row["surface"],
            canonical=row["canonical"],
            type=unit_type,
            level=level,
            follows=follows.rstrip("!"),
            required=follows.endswith("!"),
            role=row["role"],
            not_after=tuple(w.strip() for w in row["not_after"].split("|") if w.strip()),
            belongs_to=row.get("belongs_to") or None,
        ))
    return tuple(entries)


def abbreviated_variants(surface: str) -> set[str]:
    """Every way the press may write ``surface`` with the abbreviations of the table.

    >>> sorted(abbreviated_variants("Ban Chỉ huy Quân sự"))
    ['BCH QS', 'BCH Quân sự', 'Ban CHQS', 'Ban Chỉ huy QS', 'Ban Chỉ huy Quân sự']
    """
    found = {surface}
    frontier = [surface]
    while frontier:
        phrase = frontier.pop()
        for abbreviation, expansion_rx in _expansion_patterns():
            for m in expansion_rx.finditer(phrase):
                variant = phrase[: m.start()] + abbreviation + phrase[m.end():]
                if variant not in found:
                    found.add(variant)
                    frontier.append(variant)
    return found


@cache
def _expansion_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (abbr, re.compile(r"(?<!\w)" + re.escape(exp) + r"(?!\w)", re.IGNORECASE))
        for abbr, exp in abbreviations()
    )


@cache
def head_lookup() -> dict[str, HeadEntry]:
    """Every written variant of every head (by :func:`_key`) to its entry; a full name listed
    in the table wins over a generated variant that happens to spell the same."""
    lookup: dict[str, HeadEntry] = {}
    for entry in head_entries():
        for variant in abbreviated_variants(entry.surface):
            lookup.setdefault(_key(variant), entry)
    for entry in head_entries():
        lookup[_key(entry.surface)] = entry
    return lookup


@cache
def level_words() -> dict[str, LevelWord]:
    words: dict[str, LevelWord] = {}
    for r in _read_tsv("unit_levels.tsv"):
        level = r["level"]
        if not is_level(level):
            raise ValueError(f"unit_levels.tsv: bad level in {r}")
        words[_key(r["surface"])] = LevelWord(r["surface"], r["canonical"], level, r["numbered"] == "yes", r["place"] or None)
    return words


@cache
def branches() -> dict[str, str]:
    return {_key(r["branch"]): r["canonical"] for r in _read_tsv("unit_branches.tsv")}


@cache
def central_cities() -> frozenset[str]:
    return frozenset(r["name"] for r in _read_tsv("unit_central_cities.tsv"))


@cache
def middle_names() -> frozenset[str]:
    return frozenset(r["middle_name"] for r in _read_tsv("unit_name_stops.tsv"))


@cache
def name_breaks() -> frozenset[str]:
    return frozenset(r["word"] for r in _read_tsv("unit_name_breaks.tsv"))


@cache
def surnames() -> frozenset[str]:
    """Family names from the persons extractor's table; empty (and the cut then relies on middle
    names alone) where that table is absent."""
    try:
        return frozenset(r["surname"] for r in _read_tsv("persons_surnames.tsv"))
    except (FileNotFoundError, KeyError, IndexError):
        return frozenset()


# --- compiled patterns ---------------------------------------------------------------------------

_END = ""
_DASHES = "-–"


def _phrase_tokens(phrase: str) -> list[str]:
    """Words of a phrase, a dash being a token of its own ("Lao động - Thương binh")."""
    return [t for t in re.split(r"\s*([-–])\s*|\s+", phrase) if t]


def _trie_regex(phrases: Iterable[str]) -> str:
    """One alternation for many phrases, factored by common leading characters (a character
    trie), so that the regex engine tries each character once at a position instead of once per
    phrase. Abbreviations keep their case (``(?-i:…)``), other words are matched
    case-insensitively by the caller's flag; a dash may have spaces around it or not."""
    trie: dict[str, Any] = {}
    pattern_of: dict[str, str] = {}
    for phrase in phrases:
        node = trie
        for key, rx in _phrase_symbols(phrase):
            pattern_of[key] = rx
            node = node.setdefault(key, {})
        node[_END] = {}

    def emit(node: dict[str, Any]) -> str:
        alternatives = []
        # Exact (abbreviation) characters first: "TP.HCM" must be tried before the
        # case-insensitive "Tp." that would otherwise stop at "TP".
        keys = sorted((k for k in node if k != _END), reverse=True)
        for key in [k for k in keys if k.startswith("=")] + [k for k in keys if not k.startswith("=")]:
            child = node[key]
            rest = emit(child) if len(child) > (1 if _END in child else 0) else ""
            if rest and _END in child:
                rest = f"(?:{rest})?"
            alternatives.append(pattern_of[key] + rest)
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return emit(trie)


def _phrase_symbols(phrase: str) -> list[tuple[str, str]]:
    """(trie key, regex) per character of a phrase; a dash with its spaces is one symbol."""
    symbols: list[tuple[str, str]] = []
    tokens = _phrase_tokens(phrase)
    for i, token in enumerate(tokens):
        if token in _DASHES:
            symbols.append(("-", " ?[-–] ?"))
            continue
        if i and tokens[i - 1] not in _DASHES:
            symbols.append((" ", " "))
        exact = _is_abbreviation(token)
        for char in token:
            if exact:
                symbols.append(("=" + char, f"(?-i:{re.escape(char)})"))
            else:
                symbols.append((char.lower(), re.escape(char.lower())))
    return symbols


_UPPER = UPPER  # the capital letters of a name (lexicons: one definition for every matcher)
_CAP_WORD = f"[{re.escape(_UPPER)}]\\w*"


@dataclass(frozen=True)
class _Patterns:
    head: re.Pattern[str]
    level: re.Pattern[str]
    number: re.Pattern[str]
    name: re.Pattern[str]
    place: re.Pattern[str]
    numbered_place: re.Pattern[str]
    bracket: re.Pattern[str]


@cache
def patterns() -> _Patterns:
    head_phrases = set()
    for entry in head_entries():
        head_phrases |= abbreviated_variants(entry.surface)
    flags = re.IGNORECASE
    # The look-ahead on the first letters lets the engine skip most positions at once; it comes
    # before the look-behind, which is dearer to try at every position (same matches).
    initials = {c for phrase in head_phrases for c in (phrase[0].lower(), phrase[0].upper())}
    first_letter = "(?=[" + re.escape("".join(sorted(initials))) + "])"
    return _Patterns(
        # "Tỉnh ủy viên", "Công an viên" are titles of persons, not bodies.
        head=re.compile(
            first_letter + r"(?<!\w)" + _trie_regex(head_phrases) + r"(?!\w)(?! viên(?!\w))", flags
        ),
        # A level word, unless it begins "huyện ủy" / "tỉnh ủy" (the next unit's head).
        level=re.compile(
            r" (?P<level>" + _trie_regex(lw.surface for lw in level_words().values()) + r")(?!\w)(?! ủy)",
            flags,
        ),
        number=re.compile(
            r" (?:(?P<branch>" + _trie_regex(branches()) + r") )?"
            r"(?P<number>(?-i:\d{1,4}[A-Z]?|[A-ZĐ]{1,4}\d{1,4}|X?(?:IX|IV|V?I{0,3})(?<! )))(?!\w)",
            flags,
        ),
        # A proper name: capitalised syllables, numbers, and the lower-case second syllables of
        # its words ("Lục quân", "Sư phạm Hà Nội", "Cửa khẩu Quốc tế Lào Cai"); see _name_run.
        name=re.compile(rf" (?:{_CAP_WORD}|\d{{1,4}})(?: \w+){{0,7}}"),
        place=re.compile(rf"{_CAP_WORD}(?: {_CAP_WORD}){{0,4}}"),
        numbered_place=re.compile(r"\d{1,3}(?!\w)"),
        bracket=re.compile(r" \([A-ZĐ][A-ZĐ&-]{1,9}\)"),
    )


def _arabic(number: str) -> str:
    """"II" -> "2"; anything else as written ("316", "TTG416")."""
    value = roman_value(number)
    return str(value) if value else number


# --- defence-zone commands -----------------------------------------------------------------------

ZONE_COMMAND = "Ban Chỉ huy Phòng thủ khu vực"
# The grammar of zone names has one home, zones.defence_zones (number and name in all their
# spellings); a unit is the command, so its mention starts with the command's head, not with
# the zone itself ("khu vực phòng thủ 3", "PTKV 4" alone).
_COMMAND_START = re.compile(r"(?i:ban )|BCH|CHPTKV|Khu vực |KHU VỰC ")


@dataclass(frozen=True)
class DefenceZone:
    """A defence-zone command as written: "Ban CHPTKV 3 - Bảo Lâm" -> number 3, name "Bảo Lâm"."""

    text: str
    start: int
    end: int
    number: int | None
    name: str | None

    @property
    def canonical(self) -> str:
        """ "Ban Chỉ huy Phòng thủ khu vực 3 – Bảo Lâm" (en dash; no dash when no name is written)."""
        head = ZONE_COMMAND if self.number is None else f"{ZONE_COMMAND} {self.number}"
        return f"{head} – {self.name}" if self.name else head


def defence_zones_in(text: str) -> list[DefenceZone]:
    """Every defence-zone command written in ``text`` (normalised), in order, as units.

    >>> [(z.text, z.canonical) for z in defence_zones_in(
    ...     "Ban Chỉ huy PTKV số 3 và BCH PTKV 4 - Chư Prông (Bộ CHQS tỉnh Gia Lai) họp.")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('Ban Chỉ huy PTKV số 3', 'Ban Chỉ huy Phòng thủ khu vực 3'),
     ('BCH PTKV 4 - Chư Prông', 'Ban Chỉ huy Phòng thủ khu vực 4 – Chư Prông')]
    """
    return [
        DefenceZone(text[z.start:z.end], z.start, z.end, z.number, z.name)
        for z in defence_zones(text)
        if _COMMAND_START.match(text, z.start)
    ]


_PLURAL_BEFORE = ("các ", "Các ", "CÁC ", "những ", "Những ", "mọi ", "Mọi ")
_MEMBERSHIP = ("Ủy viên ", "ủy viên ", "Thành viên ", "thành viên ")
_COORDINATED_LEVEL = re.compile(
    r"(?:,| và| hoặc|/) ?(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố)(?!\w)", re.IGNORECASE
)
_WHOLE_TIER = re.compile(
    r"(?: \([A-ZĐ]{2,9}\))? (?:các cấp|cấp (?:xã|phường|huyện|quận|tỉnh|thành phố|cơ sở|trên|dưới))(?!\w)",
    re.IGNORECASE,
)
_FORMER = re.compile(r" ?\(cũ\)| cũ(?!\w)")
_PLURAL_AFTER = re.compile(
    r" (?:các|những) (?:xã|phường|thị trấn|huyện|quận|thị xã|tỉnh|thành phố|đơn vị|địa phương"
    r"|cơ quan|ban|ngành|trường|doanh nghiệp|tổ chức)(?!\w)"
    # "Hội đồng NVQS 14 xã, thị trấn", "Chi bộ Quân sự 18 xã": one body in each of them
    r"| \d{1,3} (?:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|tỉnh|thành phố|đơn vị|địa phương)(?!\w)",
    re.IGNORECASE,
)


# --- matching ------------------------------------------------------------------------------------

@dataclass
class _Atom:
    """A head with what follows it, before heads written side by side are joined."""

    start: int
    end: int
    entry: HeadEntry
    canonical: str
    level: Level | None
    place: str | None
    # What tells this unit from another of the same head: (level, level word, place or number).
    detail: tuple[str | None, str | None, str | None] = (None, None, None)
    abbreviated: bool = False  # the head written with abbreviations ("Ban CHQS"), not as listed


def _person_cut(run: str) -> str:
    """The part of a capitalised run that is a place, not a person's name after it.

    A name starts with a family name followed by a middle name and a given name:
    "Ba Bể Hoàng Văn Nam" -> "Ba Bể"; "Bắc Kạn Hoàng Duy Chinh" -> "Bắc Kạn";
    "Hà Duy Đạt" -> ""; "Hồ Chí Minh" -> "Hồ Chí Minh".
    """
    words = run.split(" ")
    middles, family = middle_names(), surnames()
    for i in range(len(words) - 2):
        if words[i + 1] in middles and (not family or words[i] in family):
            return " ".join(words[:i])
    return run


def _name_run(words_after: str) -> str:
    """The proper name at the start of ``words_after``: each capitalised syllable or number may
    be followed by one lower-case syllable of the same word, unless that syllable is a function
    word that ends the name ("Công ty TNHH Trí Tín Thịnh đã …" -> "Trí Tín Thịnh").

    >>> _name_run("Lục quân đã tổ chức")
    'Lục quân'
    >>> _name_run("Sư phạm Hà Nội phối hợp")
    'Sư phạm Hà Nội'
    >>> _name_run("Cửa khẩu Quốc tế Lào Cai tuần tra")
    'Cửa khẩu Quốc tế Lào Cai'
    """
    kept: list[str] = []
    capitals_in_a_row = 0
    breaks = name_breaks()
    for word in words_after.split(" "):
        if word.isdigit():
            kept.append(word)
            capitals_in_a_row = 2  # a number is a whole word: "Đồn Biên phòng 325"
        elif word[:1].isupper():
            kept.append(word)
            capitals_in_a_row += 1
        elif capitals_in_a_row == 1 and word.isalpha() and word not in breaks:
            # "Lục quân", "Sư phạm"; not after "Lào Cai", a word already whole
            kept.append(word)
            capitals_in_a_row = 0
        else:
            break
    return " ".join(kept)


def _title_place(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in name.split(" "))


def _place_after(
    text: str, pos: int, places: dict[int, Place], word: LevelWord | None, zones: frozenset[int] = frozenset()
) -> tuple[int, str] | None:
    """(end, canonical name) of the place written at ``pos``, if one is."""
    fact = places.get(pos)
    if fact is not None:
        return fact.end, fact.name or _title_place(fact.text)
    pats = patterns()
    named = pats.level.match(text, pos - 1) if pos and text[pos - 1] == " " else None
    if named:
        city = _find(level_words(), named.group("level"))
        if city is not None and city.place:  # "Thành ủy TPHCM"
            return named.end(), city.place
    if word is not None and word.numbered:
        number = pats.numbered_place.match(text, pos)
        if number:
            return number.end(), number.group()
    m = pats.place.match(text, pos)
    if m is None or pats.head.match(text, pos) or pos in zones:  # "Đảng bộ Ban Chỉ huy PTKV 4"
        return None
    run = _person_cut(m.group())
    if not run:
        return None
    return pos + len(run), _title_place(run)


def _atom(  # noqa: C901 (one of today's listed exceptions: to shrink)
    text: str, m: re.Match[str], places: dict[int, Place], zones: frozenset[int] = frozenset()
) -> _Atom | None:
    entry = _find(head_lookup(), m.group())
    if entry is None:
        return None
    if entry.not_after:
        before = text[max(0, m.start() - 20): m.start()].lower()
        if any(before.endswith(word + " ") for word in entry.not_after):
            return None
    pats = patterns()
    end = m.end()
    parts = [entry.canonical]
    level, place, word = entry.level, None, None
    if entry.follows != "none":
        bracket = pats.bracket.match(text, end)
        if bracket:
            end = bracket.end()
    if entry.follows == "number":
        num = pats.number.match(text, end)
        if num is None:
            if entry.required:
                return None
        else:
            if num.group("branch"):
                parts.append(_find(branches(), num.group("branch")) or num.group("branch"))
            parts.append(_arabic(num.group("number")))
            place = parts[-1]
            end = num.end()
    elif entry.follows == "name":
        name = pats.name.match(text, end)
        run = _person_cut(_name_run(name.group().strip())) if name else ""
        if not run:
            if entry.required:
                return None
        else:
            parts.append(run)
            place = run
            end += 1 + len(run)
    elif entry.follows in ("place", "level_place"):
        found = None
        # The places extractor's fact may span the level word too ("huyện Ba Bể").
        fact = places.get(end + 1) if text.startswith(" ", end) else None
        if entry.follows == "level_place":
            lvl = pats.level.match(text, end)
            if lvl and (fact is None or lvl.end() < fact.end):
                word = _find(level_words(), lvl.group("level"))
                if word is not None:  # always: the level pattern is built from the same table
                    level = word.level
                    end = lvl.end()
        if word is not None and word.place:
            found = end, word.place  # "UBND TP.HCM"
        elif fact is not None and fact.end > end:
            found = fact.end, fact.name or _title_place(fact.text)
        elif text.startswith(" ", end):
            found = _place_after(text, end + 1, places, word, zones)
        elif word is not None and word.surface.endswith("."):
            found = _place_after(text, end, places, word, zones)  # "TX.Tân Châu"
        if found:
            end, place = found
        if entry.required and word is None and place is None:
            return None
        if word is not None:
            level_canonical = word.canonical
            if place and place.isdigit():  # "Quận 1", "Phường 3": the number is the name
                level_canonical = level_canonical[:1].upper() + level_canonical[1:]
            if word.canonical == "thành phố" and not place:
                level = None  # a district-level city or a central one: the scope will tell
            elif word.canonical == "thành phố" and place in central_cities():
                level = "province"
            parts.append(level_canonical)
        if place:
            parts.append(place)
    canonical = _command_by_level(" ".join(parts), level)
    detail = (level, word.canonical if word else None, place)
    if entry.follows in ("number", "name"):
        place = None  # "316" in "Sư đoàn 316" names the unit, not where it is
    abbreviated = _key(m.group()).casefold() != _key(entry.surface).casefold()
    return _Atom(m.start(), end, entry, canonical, level, place, detail, abbreviated)


def _command_by_level(canonical: str, level: str | None) -> str:
    # A province has a Bộ Chỉ huy Quân sự, a district or commune a Ban: "BCHQS huyện" is a Ban.
    if level in ("district", "commune") and canonical.startswith("Bộ Chỉ huy Quân sự"):
        return "Ban" + canonical[len("Bộ"):]
    return canonical


_ZONE_ENTRY = HeadEntry(
    surface=ZONE_COMMAND, canonical=ZONE_COMMAND, type="military_command", level="district",
    follows="none", required=False, role="unit", not_after=(),
)


def _zone_atom(zone: DefenceZone) -> _Atom:
    key = str(zone.number) if zone.number is not None else zone.name
    return _Atom(zone.start, zone.end, _ZONE_ENTRY, zone.canonical, "district", None, ("district", "zone", key))


def _atoms(text: str, places: dict[int, Place]) -> list[_Atom]:
    """Heads and defence zones in order; no head is read inside a zone ("BCH" of "BCH PTKV 4")."""
    zones = defence_zones_in(text)
    starts = frozenset(z.start for z in zones)
    found = [_zone_atom(z) for z in zones]
    head = patterns().head
    pos = 0
    while True:
        m = head.search(text, pos)
        if m is None:
            break
        inside = next((z for z in zones if z.start <= m.start() < z.end), None)
        if inside is not None:
            pos = inside.end
            continue
        atom = _atom(text, m, places, starts)
        if atom is None:
            pos = m.end()
        else:
            found.append(atom)
            pos = atom.end
    return sorted(found, key=lambda a: a.start)


def _chains(text: str, atoms: list[_Atom]) -> list[list[_Atom]]:
    """Heads written side by side with one space are one unit ("Bộ Tư lệnh Quân khu 7"); a new
    department head ("Ban Thường vụ …") starts a new one."""
    chains: list[list[_Atom]] = []
    for atom in atoms:
        if (
            chains
            and atom.entry.role != "sub"
            and atom.start == chains[-1][-1].end + 1
            and text[chains[-1][-1].end] == " "
        ):
            chains[-1].append(atom)
        else:
            chains.append([atom])
    return chains


def _unit(text: str, chain: list[_Atom]) -> Unit | None:
    roles = [a.entry.role for a in chain]
    if roles[0] == "parent" and "unit" not in roles[1:] or "unit" not in roles and "parent" not in roles:
        return None  # a department without its body, or a parent named alone ("Đảng bộ" alone)
    start, end = chain[0].start, chain[-1].end
    if text.endswith(_PLURAL_BEFORE, 0, start) or _PLURAL_AFTER.match(text, end):
        return None
    _, word, place = chain[-1].detail
    if word and not place and _COORDINATED_LEVEL.match(text, end):
        return None  # "Hội đồng NVQS xã, phường": one body in each commune, not a unit
    if not place and _WHOLE_TIER.match(text, end):
        return None  # "Ban CHQS cấp xã", "HĐND các cấp": every body of a tier, not one
    canonical = " ".join(a.canonical for a in chain)
    former = _FORMER.match(text, end)
    if former:  # "Ban CHQS huyện Đắk Đoa (cũ)": the former unit, by its former name
        end = former.end()
        canonical += " (cũ)"
    own = next((a for a in chain if a.entry.role != "sub"), chain[0])
    if own.entry is _ZONE_ENTRY:
        rule = "defence_zone" if len(chain) == 1 else "defence_zone.joined"
    elif len(chain) > 1:
        rule = "unit_heads.joined"
    else:
        rule = "unit_heads.abbreviated" if own.abbreviated else "unit_heads"
    return Unit(
        text=text[start:end],
        start=start,
        end=end,
        rule=rule,
        canonical=canonical,
        type=own.entry.type,
        level=next((a.level for a in chain if a.level), None),
        place=next((a.place for a in chain if a.place), None),
        parent=_parent_in_chain(chain),
    )


def _parent_in_chain(chain: list[_Atom]) -> str | None:
    """The body a joined name belongs to: what follows its first head ("Ban Thường vụ Tỉnh ủy X"
    -> "Tỉnh ủy X"); for one head, the command a Party body of the military belongs to
    ("Đảng ủy Quân sự xã" -> "Ban Chỉ huy Quân sự xã")."""
    if len(chain) > 1:
        return " ".join(a.canonical for a in chain[1:])
    atom = chain[0]
    if atom.entry.belongs_to and atom.canonical.startswith(atom.entry.canonical):
        return _command_by_level(atom.entry.belongs_to + atom.canonical[len(atom.entry.canonical):], atom.level)
    return None


_Signature = tuple[tuple[str, str | None, str | None, str | None], ...]


def _mentions(text: str, places: Sequence[Any]) -> list[tuple[Unit, _Signature]]:
    place_at = {p.start: p for p in places if isinstance(p, Place)}
    found = []
    for chain in _chains(text, _atoms(text, place_at)):
        unit = _unit(text, chain)
        if unit is not None:
            found.append((unit, tuple((a.entry.canonical, *a.detail) for a in chain)))
    for i in range(len(found) - 1):
        unit, signature = found[i]
        after, after_signature = found[i + 1]
        if _link(text, unit, signature, after):
            # "Đảng ủy, Bộ CHQS tỉnh" is the "Đảng ủy Quân sự tỉnh" written elsewhere
            head = _party_of(signature[0][0], after_signature[0][0])
            found[i] = unit, ((head, *after_signature[0][1:]),)
    return found


_IN_BRACKETS = re.compile(r" ?\($")
_BELONGS = re.compile(r" (?:thuộc|trực thuộc)(?: về)? $")
_OF = re.compile(r" của $")
_AND = re.compile(r"(?:,| ?[-–]| và) $")
_COMMANDS = ("military_command", "border_guard", "military_unit")
_PARTY_BODIES = ("Đảng ủy", "Đảng bộ", "Chi bộ")


def _link(text: str, unit: Unit, signature: _Signature, after: Unit) -> bool:
    """Give ``unit`` the unit written right after it as its parent where the words between say
    it belongs there: brackets, "thuộc", "của" after a Party body; and read a bare "Đảng ủy"
    coordinated with a command above the commune as that command's Party committee (True when
    it became one)."""
    if unit.canonical is None or after.canonical is None:
        return False  # never: _unit gives every unit its canonical name
    between = text[unit.end:after.start]
    bare = len(signature) == 1 and signature[0][1:] == (None, None, None)
    if (
        _IN_BRACKETS.fullmatch(between) and text.startswith(")", after.end)
        or _BELONGS.fullmatch(between)
        or _OF.fullmatch(between) and unit.type == "party_committee"
    ):
        if len(signature) == 1:  # a joined name's parent is already its own rest
            unit.parent = after.canonical
        if ZONE_COMMAND in unit.canonical and after.level == "province" and after.place:
            unit.place = after.place  # "BCH PTKV 4 - Chư Prông (Bộ CHQS tỉnh Gia Lai)"
        if bare and unit.type == "party_committee" and after.type in _COMMANDS:
            # "Chi bộ Quân sự của Ban CHQS xã X": the cell of that command, where it is.
            _become_party_of(unit, _party_of(unit.canonical, after.canonical), after)
            return True
        return False
    if (
        bare and unit.canonical in _PARTY_BODIES and _AND.fullmatch(between)
        and after.type in _COMMANDS and after.level != "commune"
    ):
        # "Đảng ủy, Ban Chỉ huy PTKV 2", "Đảng ủy - Bộ CHQS tỉnh": the command's Party committee.
        unit.parent = after.canonical
        _become_party_of(unit, _party_of(unit.canonical, after.canonical), after)
        return True
    return False


def _become_party_of(unit: Unit, name: str, command: Unit) -> None:
    """``unit``, a bare Party body, is ``command``'s Party committee, named ``name``."""
    unit.canonical = name
    unit.level = command.level
    unit.place = command.place
    unit.rule = "party_of_command"


def _party_of(body: str, command: str) -> str:
    """The name of a command's Party body: "Đảng ủy" of "Bộ Chỉ huy Quân sự tỉnh X" is "Đảng ủy
    Quân sự tỉnh X"; of another command, the body then the command's name."""
    for head in ("Bộ Chỉ huy Quân sự", "Ban Chỉ huy Quân sự"):
        if command.startswith(head):
            base = body[: -len(" Quân sự")] if body.endswith(" Quân sự") else body
            return f"{base} Quân sự{command[len(head):]}"
    return f"{body} {command}"


def find_units(text: str, places: Sequence[Any] = ()) -> list[Unit]:
    """Every unit mention in ``text`` (normalised), in order; ``places`` are the place facts of
    the places extractor, used to end a unit name where the gazetteer says the place ends."""
    return [unit for unit, _ in _mentions(text, places)]


def _same_unit(a: _Signature, b: _Signature) -> bool:
    """Two mentions name the same unit when their heads are the same and no level, level word,
    place or number tells them apart ("UBND huyện" after "UBND huyện Ba Bể", not "UBND xã");
    a shorter mention may leave the parent out ("Sư đoàn 316" after "Sư đoàn 316 Quân khu 2")."""
    for (head_a, *detail_a), (head_b, *detail_b) in zip(a, b):
        if head_a != head_b:
            return False
        for x, y in zip(detail_a, detail_b):
            if x is not None and y is not None and x.casefold() != y.casefold():
                return False
    return True


def extract(doc: Analysis, places: Sequence[Place] = ()) -> list[Unit]:
    """Each unit once, with the wording of its first mention (the gold convention): a later
    mention that names the same unit, fuller or shorter, is left out.

    >>> from qpdp_nlp.text import analyse
    >>> doc = analyse("UBND huyện Ba Bể, UBND xã và Ban CHQS huyện; Ủy ban nhân dân huyện khen thưởng.")
    >>> [u.text for u in extract(doc)]
    ['UBND huyện Ba Bể', 'UBND xã', 'Ban CHQS huyện']
    """
    kept: list[tuple[Unit, _Signature]] = []
    for unit, signature in _mentions(doc.text, places):
        # the same words again are the same unit, even where an earlier "Đảng ủy" was read as a
        # command's Party committee and a later one is left bare
        if not any(_same_unit(signature, earlier) or unit.text == seen.text for seen, earlier in kept):
            kept.append((unit, signature))
    return [unit for unit, _ in kept]


# --- completion from the article's scope ---------------------------------------------------------

@cache
def _canonical_tail() -> re.Pattern[str]:
    """The head or level word a canonical name ends with, when no place follows it."""
    heads = {e.canonical for e in head_entries() if e.follows in ("place", "level_place")}
    words = {lw.canonical for lw in level_words().values()}
    alternation = "|".join(re.escape(w) for w in sorted(heads | words, key=len, reverse=True))
    return re.compile(rf"(?:^| )(?P<tail>{alternation})$")


@cache
def _entry_by_canonical() -> dict[str, HeadEntry]:
    out: dict[str, HeadEntry] = {}
    for entry in head_entries():
        out.setdefault(entry.canonical, entry)
    return out


def _scope_place(level: str, word: str | None, scope: Scope) -> tuple[str, str] | None:
    """(level word, place name) of the scope's unit at ``level``, if the scope names one and
    the level word (when written) fits it."""
    if level == "province" and scope.province:
        city = scope.province in central_cities()
        if word in (None, "tỉnh") and not city or word in (None, "thành phố") and city:
            return ("thành phố" if city else "tỉnh"), scope.province
    if level == "district" and scope.district:
        dtype = scope.district_type or "huyện"
        if word in (None, dtype):
            return dtype, scope.district
        if word == "thành phố" and scope.province in central_cities():
            return word, scope.province
    if level == "commune" and scope.commune and word in (None, "xã", "phường", "thị trấn", "đặc khu"):
        return (word or "xã"), scope.commune
    return None


def _scope_zone(scope: Scope) -> DefenceZone | None:
    """The defence zone the article's scope is, if it is one."""
    if scope.defence_zone is None and scope.defence_zone_number is None:
        return None
    return DefenceZone("", 0, 0, scope.defence_zone_number, scope.defence_zone)


def _no_districts(scope: Scope) -> bool:
    """The scope is read on the 2025 map or is a defence zone: there is no district to fill in
    ("Ban CHQS huyện" in such an article is a former command, named without its place)."""
    return _scope_zone(scope) is not None or scope.era == "2025" and not scope.district_type


def _complete(unit: Unit, scope: Scope) -> None:
    if unit.place or not unit.canonical or unit.canonical.endswith("(cũ)"):
        return
    if ZONE_COMMAND in unit.canonical:  # a zone, or a body of one: in the province
        unit.place = scope.province
        return
    m = _canonical_tail().search(unit.canonical)
    if m is None:
        return
    tail = m.group("tail")
    words = {lw.canonical: lw for lw in reversed(level_words().values()) if not lw.place}
    level: Level | None
    if tail in words:
        level = unit.level or words[tail].level
        if tail == "thành phố" and scope.district_type != "thành phố" and scope.province in central_cities():
            level = "province"
        if level == "district" and _no_districts(scope):
            return
        found = _scope_place(level, tail, scope)
        if not found:
            return
        before = unit.canonical
        if found[1].isdigit():  # "Quận 1", "Phường 3": the number is the name
            unit.canonical = f"{unit.canonical[: -len(tail)]}{tail[:1].upper()}{tail[1:]}"
        suffix = f" {found[1]}"
    else:
        entry = _entry_by_canonical()[tail]
        level = unit.level or entry.level
        if level is None and scope.level in ("district", "commune", "province"):
            level = scope.level  # a bare "UBND", "Đảng ủy" is the article's own
        zone = _scope_zone(scope)
        if level == "district" and zone is not None and unit.canonical in _PARTY_BODIES:
            # a bare "Đảng ủy" in a defence zone's article is the zone command's
            unit.parent = zone.canonical
            unit.canonical = _party_of(unit.canonical, zone.canonical)
            unit.level, unit.place = level, scope.province
            unit.rule = "party_of_zone"
            return
        if level is None or level == "district" and _no_districts(scope):
            return
        found = _scope_place(level, None, scope)
        if not found:
            return
        before = unit.canonical
        suffix = f" {found[0]} {found[1]}" if entry.follows == "level_place" else f" {found[1]}"
    unit.place = found[1]
    unit.level = level
    unit.canonical = _command_by_level(unit.canonical + suffix, level)
    if unit.parent and before.endswith(unit.parent):
        # the rest of a joined name is completed with it: "Ban Thường vụ Đảng ủy" + "xã X"
        unit.parent = _command_by_level(unit.parent + suffix, level)


def _completed_name(name: str, scope: Scope) -> str:
    """A canonical name completed from the scope like a unit written so ("Ban Chỉ huy Quân sự
    xã" -> "Ban Chỉ huy Quân sự xã Tân Lập"); as it is when it is not one unit's name."""
    mentions = _mentions(name, ())
    if len(mentions) != 1 or mentions[0][0].text != name:
        return name
    unit = mentions[0][0]
    _complete(unit, scope)
    return unit.canonical or name


def fill_place(units: list[Unit], scope: Scope) -> None:
    """Give units written without a place the place of the article's scope, in place; a
    parent named by another mention is completed the same way.

    >>> u = find_units("Ban CHQS huyện tổ chức hội nghị.")[0]
    >>> fill_place([u], Scope(level="district", province="Bắc Kạn", district="Ba Bể", district_type="huyện"))
    >>> u.canonical, u.place
    ('Ban Chỉ huy Quân sự huyện Ba Bể', 'Ba Bể')
    """
    for unit in units:
        before = unit.parent
        _complete(unit, scope)
        if unit.parent and unit.parent == before:
            unit.parent = _completed_name(unit.parent, scope)


def assign_person_units(persons: Sequence[Person], scope: Scope) -> None:
    """Give each person whose position names a unit that unit's canonical name, in place."""
    for person in persons:
        if person.position and person.unit is None:
            person.unit = unit_of_position(person.position, scope)


def unit_of_position(position: str, scope: Scope) -> str | None:
    """The canonical unit a person's position names, completed from the scope; None if none.

    >>> unit_of_position("Chỉ huy trưởng Bộ CHQS tỉnh", Scope(level="district", province="Bắc Kạn"))
    'Bộ Chỉ huy Quân sự tỉnh Bắc Kạn'
    >>> unit_of_position("Trưởng thôn", Scope()) is None
    True
    """
    text = normalize(position)
    mentions = _mentions(text, ())
    if not mentions:
        return None
    # A membership ("Ủy viên Ban Thường vụ Tỉnh ủy, Chỉ huy trưởng Bộ CHQS tỉnh") is not the
    # office the person holds, and a bare "Đảng ủy" next to a named body is that body's own.
    held = [m for m in mentions if not text.endswith(_MEMBERSHIP, 0, m[0].start)] or mentions
    named = [m for m in held if any(atom[1:] != (None, None, None) for atom in m[1])]
    unit = (named or held)[0][0]
    _complete(unit, scope)
    return unit.canonical
