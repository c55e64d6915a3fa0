"""Defence-zone commands ("Ban Chỉ huy Phòng thủ khu vực N – <name>", since 1 July 2025) and the
grammar of their names in all their spellings: the one home of it, read by the units extractor
(the command as a unit) and by scope (the zone whose work an article reports).

>>> [(z.number, z.name) for z in defence_zones("Ban CHPTKV2 và BCH PTKV 4 - Chư Prông họp.")]
[(2, None), (4, 'Chư Prông')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import gazetteer as gz
from ..text import per_article
from . import places as places_mod
from .numbers import roman_value

_CAP = places_mod._CAP_WORD
# The number: digits, or a Roman numeral in capitals ("Khu vực II - Long Xuyên"); checked by
# _zone_number (a run of I, V, X that is no numeral is no number).
_ZONE_NUMBER = r"(?P<number>\d{1,2}(?![\d/.,:]?\d)|(?-i:[IVX]{1,5})(?![^\W_]))"
_ZONE_NAME = rf"(?:(?P<sep>[ ]?[-–—,][ ]?|[ ])(?P<name>{_CAP}(?:[ ]{_CAP}){{0,3}}))?"
_ZONE = re.compile(
    # the command written whole, abbreviated or in a headline's capitals: "Ban Chỉ huy Phòng thủ
    # khu vực 2", "Ban CHPTKV2", "BCH PTKV 4", "Ban Chỉ huy phòng thủ khu vực (PTKV) 6",
    # "BAN CHỈ HUY PHÒNG THỦ KHU VỰC 4"
    r"(?<![^\W_])(?:(?:(?i:ban[ ]chỉ[ ]huy)|Ban[ ]CH|BCH)[ ]?(?:(?i:quân[ ]sự|khu[ ]vực)[ ])?)?"
    r"(?:(?i:phòng[ ]thủ[ ]khu[ ]vực|khu[ ]vực[ ]phòng[ ]thủ)|(?:CH)?PTKV)"
    rf"[ ]?(?:\(PTKV\)[ ]?)?(?:(?i:số)[ ]?)?{_ZONE_NUMBER}(?:[ ]?\(PTKV\))?{_ZONE_NAME}"
    # the zone alone, capitalised, numbered and named after a dash: "Khu vực III - Tân Châu"
    rf"|(?<![^\W_])(?:Khu[ ]vực|KHU[ ]VỰC)[ ](?P<bare>\d{{1,2}}|[IVX]{{1,5}})(?![^\W_])"
    rf"(?P<bare_sep>[ ]?[-–][ ]?)(?P<bare_name>{_CAP}(?:[ ]{_CAP}){{0,3}})"
)
# Capitalised words after a zone number that are not its name (unless they begin a known one:
# "Đồng Xuân", "Đại Lộc").
_NOT_ZONE_NAME = frozenset(
    "Bộ Ban Đảng Ủy UBND Chỉ Phó Chính Thượng Trung Thiếu Đại Hạ Binh Đồng Lễ Hội Quân Tỉnh Sáng "
    "Chiều Ngày Tại Trong Theo Các Những".split()
)
def _zone_number(written: str) -> int | None:
    """2 for "2" and for "II"; None for a run of capitals that is no Roman numeral ("VI" is 6,
    "IIII" nothing)."""
    if written.isdigit():
        return int(written)
    value = roman_value(written)
    return value if value is not None and value < 40 else None


@dataclass(frozen=True)
class ZoneMention:
    """A defence-zone command named in the text: its number, its name (None when not written)."""

    start: int
    end: int
    number: int
    name: str | None


def _is_local(key: str, known: dict[str, frozenset[str]], province_too: bool) -> bool:
    """A district or commune name of either map; a province's name only when ``province_too``
    (after a comma or a space the province is the zone's parent, not its name: "khu vực 2,
    Quảng Trị")."""
    if not province_too and key in known.get("province", ()):
        return False
    return any(key in known.get(level, ()) for level in ("district", "commune"))


def _zone_name(raw: str | None, sep: str | None) -> str | None:
    """The zone's name from the capitalised words after its number: the longest run of them that
    is a known place name; after a dash or comma also an unknown name of up to three words. A
    province's name after a comma or a space is the zone's parent, not its name. Words of a
    headline in capitals come back capitalised as a name is ("MƯỜNG ẢNG" -> "Mường Ảng")."""
    if not raw:
        return None
    words = raw.split(" ")
    capitals = all(w.isupper() for w in words) and len(raw) > 3
    dash = sep is not None and sep.strip() in ("-", "–", "—")
    known = gz.known_names()
    for n in range(len(words), 0, -1):
        if words[0] in _NOT_ZONE_NAME and n == 1:
            break  # "Đồng chí", "Đại tá", "Trung tá": a word of a title, not a one-word name
        name = " ".join(words[:n])
        if _is_local(gz.name_key(name), known, dash):
            return name.title() if capitals else name
    if capitals:
        return None  # where a headline's name ends is known only from the gazetteer
    cut = next((i for i, w in enumerate(words) if w in _NOT_ZONE_NAME), len(words))
    words = words[:cut]
    if sep and sep.strip() and words and len(words) <= 3:
        name = " ".join(words)
        if sep.strip() == "," and gz.name_key(name) in known.get("province", ()):
            return None
        return name
    return None


def defence_zones(text: str) -> list[ZoneMention]:
    """Every defence-zone command named in ``text``, in order.

    >>> [(z.number, z.name) for z in defence_zones("Ban CHPTKV2 và BCH PTKV 4 - Chư Prông họp.")]
    [(2, None), (4, 'Chư Prông')]
    >>> [(z.number, z.name) for z in defence_zones("BAN CHỈ HUY PHÒNG THỦ KHU VỰC II – MƯỜNG ẢNG")]
    [(2, 'Mường Ảng')]
    """
    return list(_defence_zones(text))


# Every zone is written with "khu vực" (in any case) or "PTKV": a text without either is not
# scanned with the whole grammar (most articles name no zone).
_ZONE_CUE = re.compile(r"(?i:khu[ ]vực)|PTKV")


# The same article is scanned by the units extractor, by scope and by persons: remembered while
# the article is extracted (ZoneMention is frozen; callers get a list of their own).
@per_article
def _defence_zones(text: str) -> tuple[ZoneMention, ...]:
    if not _ZONE_CUE.search(text):
        return ()
    out = []
    for m in _ZONE.finditer(text):
        bare = m.group("bare") is not None
        number = _zone_number(m.group("bare") if bare else m.group("number"))
        if number is None:
            continue
        if bare:
            # the zone alone needs a name the gazetteer knows: "Khu vực 2 - Hà Nội" is a region
            name = _zone_name(m.group("bare_name"), m.group("bare_sep"))
            if name is None or not _is_local(gz.name_key(name), gz.known_names(), False):
                continue
            end = m.start("bare_name") + len(name)
        else:
            name = _zone_name(m.group("name"), m.group("sep"))
            end = m.start("name") + len(name) if name else m.end("number")
        out.append(ZoneMention(m.start(), end, number, name))
    return tuple(out)


def defence_zone_in(text: str) -> tuple[int, str | None] | None:
    """(number, name) of the first defence-zone command named in ``text``, or None. The name is
    None when only the number is written ("Ban Chỉ huy Phòng thủ khu vực 3").

    >>> defence_zone_in("Ban Chỉ huy Phòng thủ khu vực 2 – Thống Nhất tổng kết năm 2025.")
    (2, 'Thống Nhất')
    >>> defence_zone_in("Ban Chỉ huy phòng thủ khu vực (PTKV) 3-Bảo Lâm"), defence_zone_in("khu vực phòng thủ huyện")
    ((3, 'Bảo Lâm'), None)
    """
    found = defence_zones(text)
    return (found[0].number, found[0].name) if found else None
