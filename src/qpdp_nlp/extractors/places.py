"""Provinces, districts and communes named in an article, resolved against the gazetteer.

>>> from qpdp_nlp.text import analyse
>>> doc = analyse("Ban CHQS huyện Châu Thành, tỉnh Long An tổ chức huấn luyện dân quân.")
>>> [(p.name, p.type, p.province, p.district_code) for p in extract(doc)]
[('Châu Thành', 'huyện', 'Long An', '808'), ('Long An', 'tỉnh', 'Long An', None)]

A mention is a type word ("tỉnh", "thành phố"/"TP", "huyện", "quận", "thị xã"/"TX", "xã",
"phường", "thị trấn", "đặc khu") followed by a capitalised name or, for quận/phường, a number; or
a bare province or district name standing alone as a capitalised run ("Ba Bể tổng kết …"); or a
name coordinated after a typed one ("các xã Minh Đức, Hòa Lâm"). Names found in several places
("Châu Thành", "Tân Châu") are settled, in this order, by a place written right after them ("xã
X, huyện Y"), by the source's web domain ("tanchau.tayninh.gov.vn"), by the provinces and
districts the article names unambiguously; otherwise they stay unresolved with ``candidates``.
Articles of the two-level system (after 1 July 2025) resolve to the 2025 units.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from .. import gazetteer as gz
from ..gazetteer import AdminUnit, name_key
from ..lexicons import UPPER, read_table
from ..records import Era as EraName
from ..records import Place
from ..text import Analysis, first_chars, per_article

# How a place mention was found: the ``rule`` of every Place.
RULES: dict[str, str] = {
    "typed": 'a name after its type word ("huyện Ba Bể", "xã Nam Cường", "tỉnh Bắc Kạn")',
    "bare": "a known name written without its type word, resolved by the article's other places",
    "coordinated": 'a name listed after a typed one, sharing its type ("các huyện Khoái Châu, Yên Mỹ")',
    "echo": "a commune typed once and named bare elsewhere, outside a list: the same unit",
}

_UPPER = UPPER  # the capital letters of a name (lexicons: one definition for every matcher)
_CAP_WORD = rf"[{_UPPER}](?:[^\W_]|['’](?=[^\W_]))*"
_NAME = (
    rf"{_CAP_WORD}(?:[ ]{_CAP_WORD})*(?:[ ]?[-–][ ]?{_CAP_WORD}(?:[ ]{_CAP_WORD})*)?"
    r"(?:[ ][1-3](?![^\W_]|[.,/:]\d))?"
)
_TYPE = (
    r"(?i:thành[ ]phố|thị[ ]xã|thị[ ]trấn|đặc[ ]khu|tỉnh|huyện|quận|phường|xã)(?![^\W_])"
    r"|T\.?P\.?|Tp\.?|T\.?X\.?|Tx\.?|H\.|Q\."  # "H.Thống Nhất" (huyện), "Q.Bình Thạnh" (quận)
)
# Capitalised runs are found first (a fast scan: most positions fail on the first character);
# the type word is then looked for inside the run ("Huyện Ứng Hòa", "TP Hà Tĩnh") or just before
# it ("thị xã Tân Châu", "TP.HCM"). Numbered units ("Quận 1", "phường 3") have their own pattern.
# Each pattern scanned over a whole article opens with a look-ahead at the one character every
# match starts with: re tries the rest of the pattern (look-behind included) only there, several
# times faster, with the same matches.
_RUN = re.compile(rf"(?=[{_UPPER}])(?<![^\W_]){_NAME}")
_TYPE_BEFORE = re.compile(rf"(?<![^\W_])(?:{_TYPE})[ ]?$")
_TYPE_INSIDE = re.compile(rf"(?:{_TYPE})[ ](?=[^\W\d_])")  # a space after: "TPO" is no "TP"
_NUMBERED = re.compile(
    r"(?=[QqPp])(?<![^\W_])(?P<type>[Qq]uận|QUẬN|[Pp]hường|PHƯỜNG)[ ](?P<name>\d{1,2})(?![^\W_]|[.,/:]\d)"
)
_TYPE_REACH = 12  # the longest type word and its space ("thành phố ", "thị trấn ")


def _raw_mentions(text: str) -> Iterator[tuple[int, str | None, int, str]]:
    """(start, raw type or None, name start, name) for every candidate place name."""
    for m in _NUMBERED.finditer(text):
        yield m.start(), m.group("type"), m.start("name"), m.group("name")
    for m in _RUN.finditer(text):
        run, start = m.group(), m.start()
        inside = _TYPE_INSIDE.match(run)
        if inside and inside.end() < len(run):
            yield start, inside.group().rstrip(), start + inside.end(), run[inside.end() :]
            continue
        before = _TYPE_BEFORE.search(text, max(0, start - _TYPE_REACH), start)
        if before:
            yield before.start(), before.group().rstrip(), start, run
        else:
            yield start, None, start, run


# A coordinated name after a typed one: "các xã Minh Đức, Hòa Lâm và Trầm Lộng".
_LIST_NEXT = re.compile(rf"(?:,[ ]?|[ ](?:và|cùng)[ ])(?P<name>{_NAME})")
# A written type word -> the levels it may introduce and the gazetteer types it names
# ("thành phố" is a centrally governed city or a provincial one).
_TYPE_OF = {
    "tỉnh": ("province", ("tỉnh",)),
    "thành phố": ("province|district", ("thành phố",)),
    "tp": ("province|district", ("thành phố",)),
    "huyện": ("district", ("huyện",)),
    "quận": ("district", ("quận",)),
    "thị xã": ("district", ("thị xã",)),
    "tx": ("district", ("thị xã",)),
    "h": ("district", ("huyện",)),
    "q": ("district", ("quận",)),
    "xã": ("commune", ("xã",)),
    "phường": ("commune", ("phường",)),
    "thị trấn": ("commune", ("thị trấn",)),
    "đặc khu": ("commune", ("đặc khu",)),
}
# Labels of a web host that say nothing about a place.
_HOST_NOISE = frozenset({"www", "gov", "vn", "com", "org", "net", "edu", "dcs", "info", "portal", "m"})
# The two-level system: no districts any more, communes and wards under the 34 provinces.
_TWO_LEVEL_CUES = re.compile(
    r"(?i:chính quyền (?:địa phương )?(?:hai|2) cấp|sau (?:khi )?(?:sáp nhập|sắp xếp|hợp nhất)"
    r"|(?:xã|phường) mới)"
)


_DATE = re.compile(r"\b\d{1,2}[/-](\d{1,2})[/-](20\d\d)\b")


def _type_key(raw: str) -> str:
    """ "TP." -> "tp", "Thị xã" -> "thị xã"."""
    return raw.replace(".", "").casefold()


@dataclass
class Mention:
    """A place name found in the text with every unit it may stand for."""

    start: int
    end: int
    name: str
    written_type: str | None
    levels: tuple[str, ...]
    candidates: list[AdminUnit]
    rule: str
    chosen: AdminUnit | None = None
    shown_name: str | None = None
    settled: bool = True
    typed: list[AdminUnit] = field(default_factory=list)
    weak: bool = False  # a bare district name that is also a commune's elsewhere ("Yên Sơn")
    every: list[AdminUnit] = field(default_factory=list)
    follows: list[int] = field(default_factory=list)


@lru_cache(maxsize=1)
def _bare_names() -> tuple[frozenset[str], frozenset[str]]:
    """Name keys that may stand bare: every province, and districts of two or more syllables."""
    names = gz.known_names()
    communes = names.get("commune", frozenset())
    stops = {name_key(row["name"]) for row in read_table("place_bare_stops.tsv")}
    # A dissolved district's name often lives on in a commune ("Tân Thành"): only typed then.
    former = {gz.name_key(u.name) for u in gz.units("district") if u.code is None}
    districts = frozenset(
        k
        for k in names.get("district", ())
        if " " in k and not k[0].isdigit() and not (k in former and k in communes) and k not in stops
    )
    return names.get("province", frozenset()) - stops, districts


@lru_cache(maxsize=1)
def _commune_elsewhere() -> frozenset[str]:
    """District name keys that also name a commune elsewhere: before 2025 outside that district,
    after 2025 outside its province (new communes often inherit their district's name)."""
    out = set()
    for key in _bare_names()[1]:
        districts = gz.lookup(key, "district")
        codes = {u.code for u in districts}
        provinces = {u.province_2025 for u in districts}
        for c in gz.lookup(key, "commune"):
            if (c.era == "legacy" and c.district_code not in codes) or (
                c.era == "2025" and c.province not in provinces
            ):
                out.add(key)
                break
    return frozenset(out)


def _lookup(
    name: str, levels: tuple[str, ...], types: tuple[str, ...]
) -> tuple[list[AdminUnit], list[AdminUnit]]:
    """Every unit of ``levels`` called ``name``, and those of the written type.

    A unit's type changes over the years (huyện Phong Điền became a thị xã, tỉnh Thừa Thiên Huế
    the thành phố Huế), so every unit of the name stays a candidate; the written type is preferred
    when the context does not settle it. A province is never the "thành phố" of another type
    ("thành phố Bắc Giang" is the city, not the province) unless the name is a former one.
    """
    every: list[AdminUnit] = []
    typed: list[AdminUnit] = []
    for level in levels:
        units = gz.lookup(name, level)
        of_type = [u for u in units if not types or u.type in types]
        if level == "province" and not of_type and not gz.former_name(name_key(name), level):
            continue
        every.extend(units)
        typed.extend(of_type)
    return every, typed


def _scan(text: str) -> list[Mention]:
    """Every candidate mention of ``text``, unresolved. The era and the mentions both scan the
    same article: the scan is remembered while the article is extracted, and each caller gets
    mentions of its own (``resolve`` changes them in place)."""
    return [_copy(m) for m in _scan_once(text)]


def _copy(m: Mention) -> Mention:
    """``replace(m, ...)`` with lists of its own: the same fields, without dataclasses.replace's
    walk over the fields and ``__init__`` (Mention has no ``__post_init__``), for every mention
    of the article twice."""
    new = object.__new__(Mention)
    new.__dict__.update(m.__dict__)
    new.candidates, new.typed, new.every, new.follows = list(m.candidates), list(m.typed), list(m.every), list(m.follows)
    return new


@per_article
def _scan_once(text: str) -> tuple[Mention, ...]:
    return tuple(_scan_text(text))


def _scan_text(text: str) -> list[Mention]:
    known = gz.known_names()
    bare_provinces, bare_districts = _bare_names()
    mentions: list[Mention] = []
    for mention_start, raw_type, name_start, name in _raw_mentions(text):
        if raw_type:
            level_spec, types = _TYPE_OF.get(_type_key(raw_type), (None, ()))
            if level_spec is None:
                continue
            levels = tuple(level_spec.split("|"))
            words = name.split(" ")
            for n in range(len(words), 0, -1):
                candidate = " ".join(words[:n])
                key = name_key(candidate)
                if any(key in known.get(level, ()) for level in levels):
                    units, typed = _lookup(candidate, levels, types)
                    if units:
                        end = name_start + len(candidate)
                        mentions.append(
                            Mention(
                                mention_start,
                                end,
                                candidate,
                                _type_key(raw_type),
                                levels,
                                units,
                                "typed",
                                typed=typed,
                            )
                        )
                        _coordinated(text, mentions, end, levels, types)
                        break
            else:
                if not (name.isupper() and " " in name):
                    continue
                # "TỈNH ỦY BẮC KẠN": a headline in capitals may still name a place further on.
            if mentions and mentions[-1].start == mention_start:
                continue
        if name.isdigit():
            continue
        for candidate, offset in _bare_parts(name):
            key = name_key(candidate)
            level = "province" if key in bare_provinces else "district" if key in bare_districts else None
            if level:
                units = gz.lookup(candidate, level)
                start = name_start + offset
                weak = level == "district" and key in _commune_elsewhere()
                mentions.append(
                    Mention(
                        start, start + len(candidate), candidate, None, (level,), units, "bare", weak=weak
                    )
                )
                break
    return mentions


_ABBREVIATION = re.compile(r"[A-ZĐ&]{2,}")


def _bare_parts(run: str) -> list[tuple[str, int]]:
    """The run itself, or what follows its last abbreviation ("CHQS Ba Bể" -> "Ba Bể"), or for an
    all-capitals headline every window of a few words ("BA BỂ TỔNG KẾT" -> "BA BỂ")."""
    parts = [(run, 0)]
    words = run.split(" ")
    if run.isupper() and len(words) > 1:
        # Every window of two to four words, longest and leftmost first.
        starts = [0]
        for w in words[:-1]:
            starts.append(starts[-1] + len(w) + 1)
        for size in range(min(4, len(words)), 1, -1):
            for i in range(len(words) - size + 1):
                if size < len(words):
                    parts.append((" ".join(words[i : i + size]), starts[i]))
        return parts
    for i in range(len(words) - 1, -1, -1):
        if _ABBREVIATION.fullmatch(words[i]) and i + 1 < len(words):
            tail = " ".join(words[i + 1 :])
            parts.append((tail, len(run) - len(tail)))
            break
    return parts


def _coordinated(
    text: str, mentions: list[Mention], end: int, levels: tuple[str, ...], types: tuple[str, ...]
) -> None:
    pos = end
    first = len(mentions) - 1
    while True:
        nxt = _LIST_NEXT.match(text, pos)
        if not nxt:
            return
        name = nxt.group("name")
        units, _ = _lookup(name, levels, types)
        same_area = [u for u in units if any(_near(u, c) for c in mentions[first].candidates)]
        if not same_area:
            return
        mention = Mention(
            nxt.start("name"),
            nxt.end("name"),
            name,
            mentions[first].written_type,
            levels,
            same_area,
            "coordinated",
        )
        mentions.append(mention)
        mentions[first].follows.append(len(mentions) - 1)
        pos = nxt.end("name")


def _near(a: AdminUnit, b: AdminUnit) -> bool:
    if a.era != b.era:
        return False
    if a.level == b.level == "district":  # "các huyện Khoái Châu, Yên Mỹ": one province
        return a.province_code == b.province_code
    if a.district_code and b.district_code:
        return a.district_code == b.district_code
    return a.province_code == b.province_code


# --- the source's web domain ------------------------------------------------------------------


@dataclass
class UrlPlaces:
    """What a source URL's host says: a province newspaper, a district or commune portal."""

    province: list[AdminUnit] = field(default_factory=list)
    district: list[AdminUnit] = field(default_factory=list)
    commune: list[AdminUnit] = field(default_factory=list)
    province_name: str | None = None  # a former name the domain still uses ("thuathienhue")


@lru_cache(maxsize=4096)
def url_places(url: str | None) -> UrlPlaces:
    """Places named by a URL's host, read from the province label leftwards to the most specific.

    >>> [u.name for u in url_places("http://vinhchan.hahoa.phutho.gov.vn/tin").commune]
    ['Vĩnh Chân']
    """
    out = UrlPlaces()
    if not url:
        return out
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:  # "http://[broken" and the like: a bad URL says nothing
        return out
    # "portal-cumgar.vnptdaklak.vn": a hyphen joins labels of their own.
    labels = [label for part in host.lower().split(".") for label in part.split("-")]
    labels = [label for label in labels if label and label not in _HOST_NOISE]
    for label in reversed(labels):
        if not out.district:
            districts = _district_in_label(label, out.province, explicit=True)
            if districts:
                out.district = districts
                continue
        if not out.province:
            units, former = _province_in_label(label)
            if units:
                out.province, out.province_name = units, former
                continue
        if not out.district:
            districts = _district_in_label(label, out.province, explicit=False)
            if districts:
                out.district = districts
                continue
        if (out.district or out.province) and not out.commune:
            # "thanhbinh1.tphaiduong…": a digit after a commune's name tells namesakes apart.
            communes = gz.by_ascii(label, "commune") or gz.by_ascii(label.rstrip("0123456789"), "commune")
            if out.district:
                codes = {d.code for d in out.district}
                communes = [c for c in communes if c.district_code in codes]
            else:
                communes = [c for c in communes if _in_province(c, out.province)]
            out.commune = communes
    return out


# Host label forms that name a district: "tplaocai", "txhuongtra", "huyendamha", "backancity".
_HOST_DISTRICT_FORMS = (
    ("thanhpho", "", "thành phố"),
    ("thixa", "", "thị xã"),
    ("huyen", "", "huyện"),
    ("quan", "", "quận"),
    ("tp", "", "thành phố"),
    ("tx", "", "thị xã"),
    ("", "city", "thành phố"),
)
_HOST_OTHER_PREFIXES = ("bao", "hdnd", "ubnd")
# A district's radio and television centre names its host after the district: "dailocrt.vn".
_HOST_MEDIA_SUFFIXES = ("rt", "tv", "ttth")


def _district_in_label(label: str, provinces: list[AdminUnit], *, explicit: bool) -> list[AdminUnit]:
    forms: Sequence[tuple[str, str | None]]
    if explicit:
        forms = [
            (label[len(pre) : len(label) - len(suf)], unit_type)
            for pre, suf, unit_type in _HOST_DISTRICT_FORMS
            if label.startswith(pre)
            and label.endswith(suf)
            and (len(label) - len(pre) - len(suf) >= 3 or label[len(pre) : len(label) - len(suf)].isdigit())
        ]
    else:
        forms = (
            [(label, None)]
            + [(label[len(p) :], None) for p in _HOST_OTHER_PREFIXES if label.startswith(p)]
            + [
                (label[: -len(x)], None)
                for x in _HOST_MEDIA_SUFFIXES
                if label.endswith(x) and len(label) > len(x) + 4
            ]
        )
    for key, unit_type in forms:
        districts = gz.by_ascii(key, "district")
        if provinces:
            districts = [d for d in districts if _in_province(d, provinces)]
        if unit_type:
            districts = [d for d in districts if d.type == unit_type] or districts
        if districts:
            return districts
    return []


def _in_province(unit: AdminUnit, provinces: list[AdminUnit]) -> bool:
    return any(unit.province_code == p.code and unit.era == p.era for p in provinces) or any(
        unit.province == p.name for p in provinces
    )


@lru_cache(maxsize=1)
def _province_keys() -> list[str]:
    keys = {k for (level, k) in gz.gazetteer().by_ascii if level == "province"}
    return sorted(keys, key=len, reverse=True)


def _province_in_label(label: str) -> tuple[list[AdminUnit], str | None]:
    """A province key as the whole label, at its start or end, or anywhere when it is long
    enough not to occur by chance ("baobariavungtau", "hdndtuyenquang", "quanuy1hcm")."""
    for key in _province_keys():
        if (
            label == key
            or (len(key) >= 6 and key in label)
            or (
                label.endswith(key)
                and len(label) > len(key) + 1
                and (len(key) >= 5 or label[-len(key) - 1].isdigit())  # not "luatminhkhue" for Huế
            )
        ):
            return gz.by_ascii(key, "province"), gz.former_name(key, "province")
    return [], None


# --- the URL's slug: the headline without diacritics ------------------------------------------

_SLUG_TOKEN = re.compile(r"[a-z]+|\d+")
# Tokens of a slug that end its words: a site's article id ("post258877", "ar937727", "a83733").
_SLUG_ID = re.compile(r"^(?:[a-z]{1,4}\d{3,}|\d{5,})$")
# Slug tokens before a name that type it, and those that make it a venue ("tai", "o").
_SLUG_TYPES = {
    "huyen": "district",
    "quan": "district",
    "tx": "district",
    "tp": "district",
    "thixa": "district",
    "xa": "commune",
    "phuong": "commune",
    "thitran": "commune",
}
_SLUG_VENUE = frozenset({"tai", "o"})
SLUG_MAX_WORDS = 4
SLUG_ONE_WORD = 6  # a one-word name ("pleiku") only when this long: short ones occur by chance


@dataclass(frozen=True)
class SlugPlace:
    """A unit the URL's slug names (the page's headline without diacritics): where it stands
    among the slug's words, and whether a venue word ("tai", "o") comes right before it."""

    unit: AdminUnit
    position: int
    venue: bool
    end: int = 0  # the position after its last word


def _slug_words(url: str | None) -> list[str]:
    """The words of the longest hyphenated path segment of ``url``, the site's id dropped.

    >>> _slug_words("https://baogialai.com.vn/chu-se-tong-gia-tri-san-xuat-dat-9959-ke-hoach-post258877.html")[:4]
    ['chu', 'se', 'tong', 'gia']
    """
    if not url:
        return []
    try:
        path = urlsplit(url if "//" in url else "//" + url).path
    except ValueError:
        return []
    segments = [re.sub(r"\.[a-z]{2,5}$", "", seg.lower()) for seg in path.split("/")]
    segments = [seg for seg in segments if seg.count("-") >= 3]
    if not segments:
        return []
    words = [w for w in max(segments, key=len).split("-") if w]
    while words and _SLUG_ID.match(words[-1]):
        words.pop()
    return words


def slug_places(url: str | None, era: str) -> list[SlugPlace]:  # noqa: C901 (one of today's listed exceptions: to shrink)
    """Provinces the slug names anywhere, and districts and communes of those provinces (or of
    the domain's) that it names typed ("xa-duy-hoa"), at its start ("chu-se-tong-ket…") or after
    "tai"/"o"/"va", each read on the map of ``era`` when that map has it. A name of one word
    counts only when it is long ("pleiku"): short ones occur by chance.

    >>> [(p.unit.name, p.venue) for p in slug_places("https://x.vn/dong-nai-ket-thuc-dien-tap-o-thong-nhat-1852311.htm", "legacy")]
    [('Đồng Nai', False), ('Thống Nhất', True)]
    """
    words = _slug_words(url)
    if not words:
        return []

    def in_era(units: list[AdminUnit]) -> list[AdminUnit]:
        return [u for u in units if u.era == era] or units

    found: list[SlugPlace] = []
    taken: set[int] = set()
    provinces = list(url_places(url).province)
    for i in range(len(words)):
        for n in range(SLUG_MAX_WORDS, 1, -1):
            key = "".join(words[i : i + n])
            units = in_era(gz.by_ascii(key, "province")) if len(words[i : i + n]) == n else []
            if units and not taken & set(range(i, i + n)):
                found.append(SlugPlace(units[0], i, i > 0 and words[i - 1] in _SLUG_VENUE, i + n))
                taken |= set(range(i, i + n))
                provinces.append(units[0])
                break
    if "tphcm" in words or "hcm" in words:
        units = in_era(gz.by_ascii("hochiminh", "province"))
        pos = words.index("tphcm" if "tphcm" in words else "hcm")
        found.append(SlugPlace(units[0], pos, pos > 0 and words[pos - 1] in _SLUG_VENUE, pos + 1))
        provinces.append(units[0])
    if not provinces:
        return found
    for i in range(len(words)):
        if i in taken:
            continue
        typed = _SLUG_TYPES.get(words[i - 1]) if i > 0 else None
        if typed is None and i >= 2:
            typed = _SLUG_TYPES.get(words[i - 2] + words[i - 1])
        if typed is None and found and found[-1].end == i and found[-1].unit.level != "province":
            typed = found[-1].unit.level  # a list: "cac-huyen-khoai-chau-yen-my-tien-lu"
        # Untyped: the slug's first words ("chu-se-tong-ket…") or a name after "tai"/"o"/"va".
        if typed is None and i != 0 and words[i - 1] not in _SLUG_VENUE | {"va"}:
            continue
        for n in range(SLUG_MAX_WORDS, 0, -1):
            if i + n > len(words) or taken & set(range(i, i + n)):
                continue
            key = "".join(words[i : i + n])
            if n == 1 and len(key) < SLUG_ONE_WORD:
                continue
            units = []
            for level in (typed,) if typed else ("district", "commune"):
                units = in_era([u for u in gz.by_ascii(key, level) if _in_province(u, provinces)])
                if units:
                    break
            if len({(u.level, u.name, u.province) for u in units}) == 1:
                before = words[i - 2 : i] if typed else words[max(0, i - 1) : i]
                listed = bool(found) and found[-1].end in (i, i - 1)
                venue = bool(_SLUG_VENUE & set(before)) or (listed and found[-1].venue)
                found.append(SlugPlace(units[0], i, venue, i + n))
                taken |= set(range(i, i + n))
                break
    return sorted(found, key=lambda p: p.position)


# --- resolution -------------------------------------------------------------------------------


_ISO_MONTH = re.compile(r"\b(20\d\d)-(\d{1,2})\b")
_REFORM = (2025, 7)  # the two-level system from 1 July 2025
# A former unit named as history, not as the place meant: "huyện Sóc Sơn cũ", "H.Đan Phượng (cũ)".
_FORMER_AFTER = re.compile(r"[ ]?(?:\(cũ\)|cũ(?![^\W_]))")
# "Phòng thủ khu vực N": the defence-zone commands exist only in the two-level system.
_ZONE_CUE = re.compile(
    r"(?i:phòng thủ khu vực|khu vực phòng thủ)[ ]?(?:\(PTKV\)[ ]?)?(?:số[ ]?)?\d|PTKV[ ]?\d"
)


@dataclass(frozen=True)
class Era:
    """The map an article is read on and the evidence that decided it: ``published`` (metadata),
    ``dateline`` (a date line at the top of the text), ``text:<cue>`` (``district`` for a district
    written with its type word, ``two_level``, ``former`` for "huyện X (cũ)", ``defence_zone``),
    ``names`` (every commune named exists only on the 2025 map) or ``default``."""

    era: EraName
    evidence: str

    @property
    def two_level(self) -> bool:
        return self.era == "2025"


def _year_month(value: str) -> tuple[int, int] | None:
    """(year, month) of an ISO ("2025-11-25…") or Vietnamese ("25/11/2025") date, if it is one."""
    m = _ISO_MONTH.search(value)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _DATE.search(value)
    return (int(m.group(2)), int(m.group(1))) if m else None


# A date line at the top of a page: " date 2025-11", "Đã đăng vào 01/12/2021", "Cập nhật lúc :
# 11/02/2026", "Thời gian đăng: 6/29/2025", "11:10, 10/10/2021", or a line that is only a date.
# A two-digit year ("Thứ ba, 3-3-26 05:19") is a site's clock, not the article's date.
DATELINE_LINES = 6
_DATELINE_ISO = re.compile(r"^[ ]*date[ ](20\d\d)-(\d\d)(?:-(\d\d))?")
_DATELINE_LABELS = r"đã đăng(?: vào)?|ngày đăng|cập nhật(?: lúc)?|thời gian đăng|đăng lúc|xuất bản"
_DATELINE_LABEL = re.compile(
    # Searched along whole paragraphs: the look-ahead on the labels' first letters (in either
    # case, as the labels are matched) skips most positions at once, with the same matches.
    rf"(?=(?i:[{first_chars(_DATELINE_LABELS)}]))(?i:{_DATELINE_LABELS})[ ]*:?[ ]*"
    r"(?:\d{1,2}:\d\d,?[ ]*)?(\d{1,2})[/.-](\d{1,2})[/.-](20\d\d)"
)
_DATELINE_ALONE = re.compile(
    r"^[ ]*(?:(?:Thứ [^\W\d_]+|Chủ nhật)[ ,-]+)?(?:ngày[ ])?(?:\d{1,2}:\d\d[ ,]+)?"
    r"(\d{1,2})[/.-](\d{1,2})[/.-](20\d\d)(?:[ ,|-]+\d{1,2}:\d\d(?::\d\d)?)?[ ]*(?:\||\(GMT[^)]*\)|$)"
)


# A pure function of the text, asked for three times an article (the era, the year mentions,
# the report year): remembered while the article is extracted.
@per_article
def dateline(text: str) -> tuple[int, int] | None:
    """(year, month) of a date line among the first lines of ``text``, if there is one.

    >>> dateline(" date 2025-11-27 Ngày 27/11, Ban Chỉ huy tổ chức hội nghị.")
    (2025, 11)
    >>> dateline("Thứ ba, 3-3-26 05:19:45\\nCà Mau, 32°C") is None
    True
    """
    m = _DATELINE_ISO.match(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    for line in text.split("\n", DATELINE_LINES)[:DATELINE_LINES]:
        m = _DATELINE_LABEL.search(line) or _DATELINE_ALONE.match(line)
        if m:
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            month = b if b <= 12 else a  # "6/29/2025": a US-ordered date says so by its day
            if 1 <= month <= 12:
                return year, month
    return None


def published_year_month(doc: Analysis) -> tuple[tuple[int, int] | None, str | None]:
    """The article's (year, month) of publication and where it came from: the ``published``
    metadata, else a date line in the text."""
    published = _year_month(str(doc.meta.get("published") or ""))
    if published is not None:
        return published, "published"
    found = dateline(doc.text)
    return (found, "dateline") if found else (None, None)


def _typed_districts(text: str, mentions: list[Mention]) -> list[Mention]:
    """Districts written with their type word and not as former units ("huyện X (cũ)")."""
    return [
        m
        for m in mentions
        if m.levels == ("district",) and m.rule == "typed" and not _FORMER_AFTER.match(text, m.end)
    ]


def article_era(doc: Analysis) -> Era:
    """The map the article is read on (see :class:`Era`).

    A district written with its type word ("huyện Ba Bể", not "huyện Ba Bể (cũ)") means the old
    system; otherwise the publication date when the source gives one (metadata or a date line),
    the words of the reform ("chính quyền hai cấp", "sau sáp nhập", a "Phòng thủ khu vực N"), the
    first date of the text, and last the communes it names (all known only as 2025 units).

    >>> from qpdp_nlp.text import analyse
    >>> article_era(analyse("Sau sáp nhập, xã Bình Chương tổ chức hội nghị."))
    Era(era='2025', evidence='text:two_level')
    """
    mentions = _scan(doc.text)
    if _typed_districts(doc.text, mentions):
        return Era("legacy", "text:district")
    when, source = published_year_month(doc)
    if when is not None and source is not None:  # found together: both or neither
        return Era("2025" if when >= _REFORM else "legacy", source)
    if _TWO_LEVEL_CUES.search(doc.text):
        return Era("2025", "text:two_level")
    if _ZONE_CUE.search(doc.text):
        return Era("2025", "text:defence_zone")
    if any(_FORMER_AFTER.match(doc.text, m.end) for m in mentions if m.levels == ("district",)):
        return Era("2025", "text:former")
    for m in _DATE.finditer(doc.text, 0, 600):
        return Era("2025" if (int(m.group(2)), int(m.group(1))) >= _REFORM else "legacy", "text:date")
    communes = [m for m in mentions if "commune" in m.levels]
    if communes and all(
        any(u.era == "2025" for u in m.candidates) and not any(u.era == "legacy" for u in m.candidates)
        for m in communes
    ):
        return Era("2025", "names")
    return Era("legacy", "default")


def two_level_era(doc: Analysis, mentions: list[Mention]) -> bool:
    """Whether the article is written for the two-level system (after 1 July 2025); kept for
    callers of the old name: :func:`article_era` decides."""
    return article_era(doc).two_level


def resolve(doc: Analysis, mentions: list[Mention], era: Era | None = None) -> None:
    """Choose each mention's unit in place, or leave ``chosen`` None when it cannot be known."""
    on = (era or article_era(doc)).era
    for m in mentions:
        m.every = list(m.candidates)
        in_era = [u for u in m.candidates if u.era == on]
        # A commune of the other era only ("Tam Xuân" before 2025) is not the place meant.
        m.settled = bool(in_era) or m.levels != ("commune",)
        m.candidates = in_era or m.candidates
        m.typed = [u for u in m.typed if u in m.candidates]
        if "province" in m.levels and len(m.levels) > 1:
            # "thành phố X": the province when X is a centrally governed city, else the city.
            provinces = [u for u in m.candidates if u.level == "province" and u.type == "thành phố"]
            m.candidates = provinces or [u for u in m.candidates if u.level != "province"]
            m.typed = [u for u in m.typed if u in m.candidates]
        if m.candidates and m.candidates[0].level == "province":
            m.shown_name = gz.former_name(name_key(m.name), "province")
            m.candidates = m.candidates[:1]
    url = url_places(doc.meta.get("url"))
    # Places written unambiguously, and the source's domain, anchor the rest.
    anchors: list[AdminUnit] = [m.candidates[0] for m in mentions if len(m.candidates) == 1 and not m.weak]
    anchors += [u for u in url.province + url.district if len(url.province + url.district) <= 2]
    local = [a for a in anchors if a.level != "province"]
    provinces = [a for a in anchors if a.level == "province"]
    for i, m in enumerate(mentions):
        if not m.settled:
            continue
        if m.weak and not _by_context(m, local, provinces + url.province):
            m.candidates = []  # a bare name the article gives no reason to read as a district
            continue
        if len(m.candidates) == 1:
            m.chosen = m.candidates[0]
        else:
            m.chosen = (
                _by_apposition(doc.text, mentions, i)
                or _by_context(m, url.district + url.commune, url.province)
                or _by_context(m, local, provinces)
                or (m.typed[0] if len(m.typed) == 1 else None)
            )
        area = provinces + url.province
        if "commune" in m.levels and area and not (m.chosen and any(_contains(p, m.chosen) for p in area)):
            # Only a commune of the other era fits the article's province: "xã Đa Phúc" of Hà Nội
            # (2025) rather than of Hòa Bình (before) when the date did not tell the era.
            other = [u for u in m.every if u.era != on and any(_contains(p, u) for p in area)]
            if len(other) == 1:
                m.chosen = other[0]


def _by_apposition(text: str, mentions: list[Mention], i: int) -> AdminUnit | None:
    """ "xã X, huyện Y, tỉnh Z": the next places, written right after, settle X."""
    m = mentions[i]
    pool = m.candidates
    end = m.end
    for nxt in mentions[i + 1 : i + 3]:
        gap = text[end : nxt.start]
        if len(gap) > 3 or gap.strip(" ,-–(") not in ("",):
            break
        narrowed = [u for u in pool if any(_contains(c, u) for c in nxt.candidates)]
        if narrowed:
            pool = narrowed
        end = nxt.end
    return pool[0] if len(pool) == 1 and pool is not m.candidates else None


def _contains(outer: AdminUnit, inner: AdminUnit) -> bool:
    if outer.level == "province":
        return inner.province_code == outer.code and inner.era == outer.era or inner.province == outer.name
    if outer.level == "district":
        return outer.code is not None and inner.district_code == outer.code
    return False


def _by_context(m: Mention, local: list[AdminUnit], provinces: list[AdminUnit]) -> AdminUnit | None:
    """The one candidate inside the given districts, else inside the given provinces; among
    them those of the written type first."""
    for area in (local, provinces):
        if not area:
            continue
        pool = [
            u
            for u in m.candidates
            if any(_contains(a, u) or a.code == u.code and a.level == u.level for a in area)
        ]
        typed = [u for u in pool if u in m.typed]
        if len(typed) == 1:
            return typed[0]
        if len(pool) == 1:
            return pool[0]
    return None


def to_place(doc: Analysis, m: Mention) -> Place:
    u = m.chosen
    written = m.written_type
    shown_type = {"tp": "thành phố", "tx": "thị xã", "h": "huyện", "q": "quận"}.get(written or "", written)
    if u is None:
        return Place(
            text=doc.text[m.start : m.end],
            start=m.start,
            end=m.end,
            rule=m.rule,
            name=m.name,
            type=shown_type,
            candidates=sorted({_label(c) for c in m.candidates}),
        )
    province = m.shown_name if u.level == "province" and m.shown_name else u.province
    return Place(
        text=doc.text[m.start : m.end],
        start=m.start,
        end=m.end,
        rule=m.rule,
        name=m.shown_name or u.name,
        type=shown_type or u.type,
        province=province,
        district=u.district,
        code=u.code,
        province_code=u.province_code,
        district_code=u.district_code,
        province_2025=u.province_2025,
        era=u.era,
        code_2025=gz.code_2025(u),
    )


def _label(u: AdminUnit) -> str:
    where = ", ".join(
        x
        for x in (
            f"{u.district_type} {u.district}" if u.district and u.level == "commune" else None,
            u.province if u.level != "province" else None,
        )
        if x
    )
    return f"{u.type} {u.name}" + (f" ({where})" if where else "")


def mentions(doc: Analysis, era: Era | None = None) -> list[Mention]:
    """Every place mention of ``doc``, resolved on the map of ``era`` (decided here when None)."""
    # One mention per span, the first found: a typed or coordinated reading before a bare one.
    found = list({(m.start, m.end): m for m in reversed(_scan(doc.text))}.values())
    found.sort(key=lambda m: m.start)
    resolve(doc, found, era)
    found = [m for m in found if m.candidates]
    return sorted(found + _echoes(doc.text, found), key=lambda m: m.start)


_LIST_AROUND_BEFORE = re.compile(r"(?:[,:][ ]?|[ ]và[ ])$")
_LIST_AROUND_AFTER = re.compile(r"[ ]?,[ ]?[A-ZĐ]|[ ]và[ ][A-ZĐ]")


def _echoes(text: str, found: list[Mention]) -> list[Mention]:
    """A commune the text names with its type word, named again bare as a capitalised run of
    its own ("Duy Hòa phát lệnh …" beside "xã Duy Hòa"): the same unit (rule ``echo``). Headlines
    and leads often drop the type word of the place the article has just typed."""
    typed: dict[str, Mention] = {}
    for m in found:
        if m.rule == "typed" and m.levels == ("commune",) and m.chosen is not None and " " in m.name:
            typed.setdefault(name_key(m.name), m)
    if not typed:
        return []
    covered = [(m.start, m.end) for m in found]
    out = []
    for run in _RUN.finditer(text):
        source = typed.get(name_key(run.group()))
        if source is None or any(a < run.end() and run.start() < b for a, b in covered):
            continue
        if _TYPE_BEFORE.search(text, max(0, run.start() - _TYPE_REACH), run.start()):
            continue
        if _LIST_AROUND_BEFORE.search(text, max(0, run.start() - 5), run.start()) or _LIST_AROUND_AFTER.match(
            text, run.end()
        ):
            continue  # one name of a list ("các xã: A, B và C") is not the article's unit
        echo = Mention(run.start(), run.end(), source.name, None, source.levels, source.candidates, "echo")
        echo.chosen, echo.typed, echo.every = source.chosen, source.typed, source.every
        out.append(echo)
    return out


def extract(doc: Analysis, era: Era | None = None) -> list[Place]:
    """Every province, district and commune the article names, in order of appearance, each
    read on the map of ``era`` (:func:`article_era`, decided here when None)."""
    return [to_place(doc, m) for m in mentions(doc, era)]


def place_level(place: Place) -> str | None:
    """province, district or commune for a resolved place (its type alone cannot tell a
    centrally governed "thành phố" from a provincial city)."""
    if place.code is None:
        return "district" if place.district and place.district == place.name else None
    if place.code == place.district_code:
        return "district"
    if place.code == place.province_code and place.district is None and place.type in ("tỉnh", "thành phố"):
        return "province"
    return "commune"
