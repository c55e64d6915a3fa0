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

Not units (gold conventions): generic plurals ("các Ban CHQS xã", "UBND các xã"), descriptive
phrases ("cơ quan quân sự", "LLVT huyện"), ad-hoc bodies ("Ban Tổ chức" alone), and a Party
or military department without the body it belongs to ("Ban Thường vụ" alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from ..records import LEVELS, UNIT_TYPES, Person, Place, Scope, Unit
from ..lexicons import read_table
from ..text import Analysis, normalize

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
    type: str
    level: str | None
    follows: str
    required: bool
    role: str
    not_after: tuple[str, ...]


@dataclass(frozen=True)
class LevelWord:
    """One row of ``unit_levels.tsv``: "huyện", "TX." …"""

    surface: str
    canonical: str
    level: str
    numbered: bool  # may be followed by a number as the unit's name: "Quận 1", "phường 3"


def _is_abbreviation(token: str) -> bool:
    """Tokens written with their exact capitalisation: "CHQS", "GDQP&AN", "TP.", "TTG416"."""
    return sum(c.isupper() for c in token) >= 2 or any(c.isdigit() or c == "&" for c in token)


@lru_cache(maxsize=4096)
def _key(phrase: str) -> str:
    """Lookup key of a matched phrase: abbreviations as written, other words in lower case."""
    tokens = re.split(r"\s*([-–])\s*|\s+", phrase)
    return " ".join(t if _is_abbreviation(t) else t.lower() for t in tokens if t)


def _find(table: dict, phrase: str):
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
        follows = row["follows"]
        entry = HeadEntry(
            surface=row["surface"],
            canonical=row["canonical"],
            type=row["type"],
            level=row["level"] or None,
            follows=follows.rstrip("!"),
            required=follows.endswith("!"),
            role=row["role"],
            not_after=tuple(w.strip() for w in row["not_after"].split("|") if w.strip()),
        )
        if entry.type not in UNIT_TYPES or entry.follows not in _FOLLOWS or entry.role not in _ROLES:
            raise ValueError(f"unit_heads.tsv: bad type/follows/role in {row}")
        if entry.level is not None and entry.level not in LEVELS:
            raise ValueError(f"unit_heads.tsv: bad level in {row}")
        entries.append(entry)
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
    return {
        _key(r["surface"]): LevelWord(r["surface"], r["canonical"], r["level"], r["numbered"] == "yes")
        for r in _read_tsv("unit_levels.tsv")
    }


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
        for key in sorted((k for k in node if k != _END), reverse=True):
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


_UPPER = "".join(
    sorted({chr(c) for c in range(0x41, 0x1F00) if chr(c).isupper() and chr(c).isalpha()})
)
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
    # The look-ahead on the first letters lets the engine skip most positions at once.
    initials = {c for phrase in head_phrases for c in (phrase[0].lower(), phrase[0].upper())}
    first_letter = "(?=[" + re.escape("".join(sorted(initials))) + "])"
    return _Patterns(
        # "Tỉnh ủy viên", "Công an viên" are titles of persons, not bodies.
        head=re.compile(
            r"(?<!\w)" + first_letter + _trie_regex(head_phrases) + r"(?!\w)(?! viên(?!\w))", flags
        ),
        # A level word, unless it begins "huyện ủy" / "tỉnh ủy" (the next unit's head).
        level=re.compile(
            r" (?P<level>" + _trie_regex(lw.surface for lw in level_words().values()) + r")(?!\w)(?! ủy)",
            flags,
        ),
        number=re.compile(
            r" (?:(?P<branch>" + _trie_regex(branches()) + r") )?"
            r"(?P<number>(?-i:\d{1,4}[A-Z]?|[A-ZĐ]{1,4}\d{1,4}))(?!\w)",
            flags,
        ),
        # A proper name: capitalised syllables, numbers, and the lower-case second syllables of
        # its words ("Lục quân", "Sư phạm Hà Nội", "Cửa khẩu Quốc tế Lào Cai"); see _name_run.
        name=re.compile(rf" (?:{_CAP_WORD}|\d{{1,4}})(?: \w+){{0,7}}"),
        place=re.compile(rf"{_CAP_WORD}(?: {_CAP_WORD}){{0,4}}"),
        numbered_place=re.compile(r"\d{1,3}(?!\w)"),
        bracket=re.compile(r" \([A-ZĐ][A-ZĐ&-]{1,9}\)"),
    )


_PLURAL_BEFORE = ("các ", "Các ", "CÁC ", "những ", "Những ", "mọi ", "Mọi ")
_MEMBERSHIP = ("Ủy viên ", "ủy viên ", "Thành viên ", "thành viên ")
_COORDINATED_LEVEL = re.compile(
    r"(?:,| và| hoặc|/) ?(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố)(?!\w)", re.IGNORECASE
)
_PLURAL_AFTER = re.compile(
    r" (?:các|những) (?:xã|phường|thị trấn|huyện|quận|thị xã|tỉnh|thành phố|đơn vị|địa phương"
    r"|cơ quan|ban|ngành|trường|doanh nghiệp|tổ chức)(?!\w)",
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
    level: str | None
    place: str | None
    # What tells this unit from another of the same head: (level, level word, place or number).
    detail: tuple[str | None, str | None, str | None] = (None, None, None)


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
    text: str, pos: int, places: dict[int, Place], word: LevelWord | None
) -> tuple[int, str] | None:
    """(end, canonical name) of the place written at ``pos``, if one is."""
    fact = places.get(pos)
    if fact is not None:
        return fact.end, fact.name or _title_place(fact.text)
    pats = patterns()
    if word is not None and word.numbered:
        number = pats.numbered_place.match(text, pos)
        if number:
            return number.end(), number.group()
    m = pats.place.match(text, pos)
    if m is None or pats.head.match(text, pos):
        return None
    run = _person_cut(m.group())
    if not run:
        return None
    return pos + len(run), _title_place(run)


def _atom(text: str, m: re.Match[str], places: dict[int, Place]) -> _Atom | None:
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
            parts.append(num.group("number"))
            place = num.group("number")
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
                level = word.level
                end = lvl.end()
        if fact is not None and fact.end > end:
            found = fact.end, fact.name or _title_place(fact.text)
        elif text.startswith(" ", end):
            found = _place_after(text, end + 1, places, word)
        elif word is not None and word.surface.endswith("."):
            found = _place_after(text, end, places, word)  # "TX.Tân Châu"
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
    return _Atom(m.start(), end, entry, canonical, level, place, detail)


def _command_by_level(canonical: str, level: str | None) -> str:
    # A province has a Bộ Chỉ huy Quân sự, a district or commune a Ban: "BCHQS huyện" is a Ban.
    if level in ("district", "commune") and canonical.startswith("Bộ Chỉ huy Quân sự"):
        return "Ban" + canonical[len("Bộ"):]
    return canonical


def _atoms(text: str, places: dict[int, Place]) -> list[_Atom]:
    found = []
    head = patterns().head
    pos = 0
    while True:
        m = head.search(text, pos)
        if m is None:
            return found
        atom = _atom(text, m, places)
        if atom is None:
            pos = m.end()
        else:
            found.append(atom)
            pos = atom.end


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
    if roles[0] == "parent" or "unit" not in roles and "parent" not in roles:
        return None  # a department without its body, or a parent named alone
    start, end = chain[0].start, chain[-1].end
    if text.endswith(_PLURAL_BEFORE, 0, start) or _PLURAL_AFTER.match(text, end):
        return None
    _, word, place = chain[-1].detail
    if word and not place and _COORDINATED_LEVEL.match(text, end):
        return None  # "Hội đồng NVQS xã, phường": one body in each commune, not a unit
    own = next((a for a in chain if a.entry.role != "sub"), chain[0])
    return Unit(
        text=text[start:end],
        start=start,
        end=end,
        rule="unit_heads" if len(chain) == 1 else "unit_heads.joined",
        canonical=" ".join(a.canonical for a in chain),
        type=own.entry.type,
        level=next((a.level for a in chain if a.level), None),
        place=next((a.place for a in chain if a.place), None),
    )


_Signature = tuple[tuple[str, str | None, str | None, str | None], ...]


def _mentions(text: str, places: Sequence[Any]) -> list[tuple[Unit, _Signature]]:
    place_at = {p.start: p for p in places if isinstance(p, Place)}
    found = []
    for chain in _chains(text, _atoms(text, place_at)):
        unit = _unit(text, chain)
        if unit is not None:
            found.append((unit, tuple((a.entry.canonical, *a.detail) for a in chain)))
    return found


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
        if not any(_same_unit(signature, earlier) for _, earlier in kept):
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


def _complete(unit: Unit, scope: Scope) -> None:
    if unit.place or not unit.canonical:
        return
    m = _canonical_tail().search(unit.canonical)
    if m is None:
        return
    tail = m.group("tail")
    words = {lw.canonical: lw for lw in level_words().values()}
    if tail in words:
        level = unit.level or words[tail].level
        if tail == "thành phố" and scope.district_type != "thành phố" and scope.province in central_cities():
            level = "province"
        found = _scope_place(level, tail, scope)
        if not found:
            return
        if found[1].isdigit():  # "Quận 1", "Phường 3": the number is the name
            unit.canonical = f"{unit.canonical[: -len(tail)]}{tail[:1].upper()}{tail[1:]}"
        unit.canonical = f"{unit.canonical} {found[1]}"
    else:
        entry = _entry_by_canonical()[tail]
        level = unit.level or entry.level
        if level is None and scope.level in ("district", "commune", "province"):
            level = scope.level  # a bare "UBND", "Đảng ủy" is the article's own
        if level is None:
            return
        found = _scope_place(level, None, scope)
        if not found:
            return
        if entry.follows == "level_place":
            unit.canonical = f"{unit.canonical} {found[0]} {found[1]}"
        else:
            unit.canonical = f"{unit.canonical} {found[1]}"
    unit.place = found[1]
    unit.level = level
    unit.canonical = _command_by_level(unit.canonical, level)


def fill_place(units: list[Unit], scope: Scope) -> None:
    """Give units written without a place the place of the article's scope, in place.

    >>> u = find_units("Ban CHQS huyện tổ chức hội nghị.")[0]
    >>> fill_place([u], Scope(level="district", province="Bắc Kạn", district="Ba Bể", district_type="huyện"))
    >>> u.canonical, u.place
    ('Ban Chỉ huy Quân sự huyện Ba Bể', 'Ba Bể')
    """
    for unit in units:
        _complete(unit, scope)


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
