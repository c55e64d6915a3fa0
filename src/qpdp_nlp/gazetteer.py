"""Vietnamese administrative units with official codes: a thin, cached wrapper over the
``vietnamadminunits`` package (MIT, https://github.com/tranngocminhhieu/vietnamadminunits).

Two eras live side by side:

- ``legacy``: the 63 provinces with their ~700 districts (huyện, quận, thị xã, thành phố thuộc
  tỉnh) and ~10,000 communes (xã, phường, thị trấn), as before the reform of 1 July 2025;
- ``2025``: the 34 provinces and ~3,300 communes (xã, phường, đặc khu) of the two-level system.

Every legacy unit knows the 2025 province it now belongs to (provinces were merged whole, never
split, so a district's or commune's 2025 province is its old province's).

>>> [u.province for u in lookup("Ba Bể", "district")]
['Bắc Kạn']
>>> lookup("Gio Linh", "district")[0].province_2025
'Quảng Trị'

The package's SQLite file is read directly (found with ``importlib.util.find_spec``, without
importing the package, whose ``__init__`` loads geodesy libraries and large JSON files we do not
need). Everything is loaded once, on first use.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from .lexicons import read_table
from .records import Era
from .text import normalize

LEVELS = ("province", "district", "commune")
ERAS = ("legacy", "2025")
# The administrative type words, one home (both maps): the dataset's categories come from here.
PROVINCE_TYPES = ("tỉnh", "thành phố")
DISTRICT_TYPES = ("huyện", "quận", "thị xã", "thành phố")
COMMUNE_TYPES = ("xã", "phường", "thị trấn", "đặc khu")
PLACE_TYPES = tuple(dict.fromkeys(PROVINCE_TYPES + DISTRICT_TYPES + COMMUNE_TYPES))


@dataclass(frozen=True, slots=True, eq=False)
class AdminUnit:
    """One province, district or commune of one era (one object per unit: compared by identity).

    ``name`` is the short name as the press writes it after the type word ("Ba Bể"; "1" for
    Quận 1); ``type`` the lower-case type word ("huyện", "thành phố", "xã" …).
    """

    name: str
    type: str
    level: str
    era: Era
    code: str | None  # None only for a dissolved district (see ``successor_code``)
    province: str
    province_code: str
    province_type: str
    province_2025: str
    province_2025_code: str
    district: str | None = None
    district_code: str | None = None
    district_type: str | None = None
    lat: float | None = None
    lon: float | None = None
    successor_code: str | None = None  # a dissolved district: the district it merged into

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}"


_DASHES = re.compile(r"(?<=[^\W_])\s*[-–—]\s*(?=[^\W_])")  # between words: "Hòa Vang -" keeps its dash
# "Tam Xuân 1" is how the press often writes the commune the gazetteer calls "Tam Xuân I".
_TRAILING_NUMERAL = re.compile(r"(?<=[^\d\s]) ([123])$")
_ROMAN = {"1": "i", "2": "ii", "3": "iii"}
_SPACES = re.compile(r"\s+")


# Names of the Central Highlands written from their languages ("Dak", "Lak", "Pak") have no one
# Vietnamese spelling: the press and the official lists write the same syllable "Đắk", "Đăk",
# "Đak", "Đắc" ("Đăk Mil" = "Đắk Mil", "Krông Pắk" = "Krông Pắc", "Lăk" = "Lắk"). A syllable of
# onset đ/d/l/p, vowel a/ă/ắ and final k (never a Vietnamese final), or ă/ắ and final c, is read
# as one key; the apostrophe inside such names is written or left out, straight or curly
# ("Ea H'leo", "Ea H’leo"; "Đắk R'Lấp", "Đăk Rlấp"). Measured on both maps: one more pair of
# units shares a key (two communes "Đăk Song"/"Đắk Song" of different provinces).
_AK_SYLLABLE = re.compile(r"(?<![^\W_])([đdlp])(?:[ăắa]k|[ăắ]c)(?![^\W_])")
_APOSTROPHES = re.compile(r"['’‘`]")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The lookup key of a place name: normalised, case-folded, a dash with or without spaces
    around it as a space, the spellings of one Central Highlands syllable as one, apostrophes
    left out (measured on both maps: no two units come to share a key by the dash).

    >>> name_key("Bà Rịa – Vũng Tàu") == name_key("bà rịa-vũng tàu")
    True
    >>> name_key("Đăk Lăk") == name_key("Đắk Lắk") == name_key("Đắc Lắc"), name_key("Ea H’Leo")
    (True, 'ea hleo')
    """
    name = normalize(name).casefold()
    name = _DASHES.sub(" ", name)  # "Phan Rang-Tháp Chàm", "Phan Rang - Tháp Chàm", "Phan Rang Tháp Chàm"
    name = _SPACES.sub(" ", name).strip()
    name = _APOSTROPHES.sub("", _AK_SYLLABLE.sub(r"\1ăk", name))
    return _TRAILING_NUMERAL.sub(lambda m: " " + _ROMAN[m.group(1)], name)


@lru_cache(maxsize=65536)
def ascii_key(name: str) -> str:
    """Letters and digits without diacritics, for matching web domains ("Bắc Kạn" -> "backan")."""
    name = normalize(name).replace("đ", "d").replace("Đ", "D")
    name = unicodedata.normalize("NFD", name)
    return "".join(c for c in name.casefold() if c.isascii() and c.isalnum())


_TYPE_WORDS = ("thành phố", "thị xã", "thị trấn", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường")


@lru_cache(maxsize=65536)
def _split_type(full: str) -> tuple[str, str]:
    """("Quận 1") -> ("quận", "1"); ("Thành phố Lào Cai") -> ("thành phố", "Lào Cai")."""
    full = normalize(full)
    folded = full.casefold()
    for word in _TYPE_WORDS:
        if folded.startswith(word + " "):
            return word, full[len(word) + 1 :].strip()
    raise ValueError(f"no type word in administrative unit name {full!r}")


def _package_data() -> Path:
    spec = find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is required: pip install vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@dataclass
class Gazetteer:
    units: list[AdminUnit]
    by_key: dict[tuple[str, str], list[AdminUnit]]
    by_code: dict[tuple[str, str, str], AdminUnit]
    by_ascii: dict[tuple[str, str], list[AdminUnit]]
    former: dict[tuple[str, str], str]  # key of a former name -> that name, as written
    code_2025: dict[str, str]  # legacy commune code -> the 2025 commune (ward) code it became

    def add(self, unit: AdminUnit) -> None:
        self.units.append(unit)
        if unit.code is not None:
            self.by_code.setdefault((unit.era, unit.level, unit.code), unit)
        self.add_name(unit, unit.name)

    def add_name(self, unit: AdminUnit, name: str) -> None:
        for index, key in ((self.by_key, name_key(name)), (self.by_ascii, ascii_key(name))):
            bucket = index.setdefault((unit.level, key), [])
            if not any(u is unit for u in bucket):
                bucket.append(unit)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load both eras once per process (~0.3 s)."""
    data = _package_data()
    with (data / "converter_2025.json").open(encoding="utf-8") as fh:
        converter = json.load(fh)
    merged_into = {old: new for new, olds in converter["DICT_PROVINCE"].items() for old in olds}
    gaz = Gazetteer([], {}, {}, {}, {}, {})
    conn = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        new_rows = conn.execute(
            "SELECT province, provinceShort, provinceCode, provinceLat, provinceLon, provinceKey,"
            " ward, wardShort, wardCode, wardLat, wardLon, wardKey FROM admin_units"
        ).fetchall()
        old_rows = conn.execute(
            "SELECT province, provinceShort, provinceCode, provinceLat, provinceLon, provinceKey,"
            " district, districtShort, districtCode, districtLat, districtLon,"
            " ward, wardShort, wardCode, wardLat, wardLon, districtKey, wardKey FROM admin_units_legacy"
        ).fetchall()
    finally:
        conn.close()

    new_province: dict[str, AdminUnit] = {}
    new_ward_code: dict[tuple[str, str], str] = {}
    for r in new_rows:
        p = new_province.get(r["provinceKey"])
        if p is None:
            p_type, name = _split_type(r["province"])
            p = AdminUnit(
                name=name,
                type=p_type,
                level="province",
                era="2025",
                code=r["provinceCode"],
                province=name,
                province_code=r["provinceCode"],
                province_type=p_type,
                province_2025=name,
                province_2025_code=r["provinceCode"],
                lat=r["provinceLat"],
                lon=r["provinceLon"],
            )
            new_province[r["provinceKey"]] = p
            gaz.add(p)
        w_type, w_name = _split_type(r["ward"])
        new_ward_code[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
        gaz.add(
            AdminUnit(
                name=w_name,
                type=w_type,
                level="commune",
                era="2025",
                code=r["wardCode"],
                province=p.name,
                province_code=p.province_code,
                province_type=p.type,
                province_2025=p.name,
                province_2025_code=p.province_code,
                lat=r["wardLat"],
                lon=r["wardLon"],
            )
        )

    old_province: dict[str, AdminUnit] = {}
    old_district: dict[str, AdminUnit] = {}
    legacy_ward_code: dict[str, str] = {}
    for r in old_rows:
        p = old_province.get(r["provinceKey"])
        if p is None:
            now = new_province[merged_into[r["provinceKey"]]]
            p_type, name = _split_type(r["province"])
            p = AdminUnit(
                name=name,
                type=p_type,
                level="province",
                era="legacy",
                code=r["provinceCode"],
                province=name,
                province_code=r["provinceCode"],
                province_type=p_type,
                province_2025=now.name,
                province_2025_code=now.province_code,
                lat=r["provinceLat"],
                lon=r["provinceLon"],
            )
            old_province[r["provinceKey"]] = p
            gaz.add(p)
        d = old_district.get(r["districtCode"])
        if d is None:
            d_type, d_name = _split_type(r["district"])
            d = AdminUnit(
                name=d_name,
                type=d_type,
                level="district",
                era="legacy",
                code=r["districtCode"],
                province=p.name,
                province_code=p.province_code,
                province_type=p.type,
                province_2025=p.province_2025,
                province_2025_code=p.province_2025_code,
                district_type=d_type,
                lat=r["districtLat"],
                lon=r["districtLon"],
            )
            d = _with_district(d)
            old_district[r["districtCode"]] = d
            gaz.add(d)
        if r["ward"]:
            legacy_ward_code[f'{r["provinceKey"]}_{r["districtKey"]}_{r["wardKey"]}'] = r["wardCode"]
            w_type, w_name = _split_type(r["ward"])
            gaz.add(
                AdminUnit(
                    name=w_name,
                    type=w_type,
                    level="commune",
                    era="legacy",
                    code=r["wardCode"],
                    province=p.name,
                    province_code=p.province_code,
                    province_type=p.type,
                    province_2025=p.province_2025,
                    province_2025_code=p.province_2025_code,
                    district=d.name,
                    district_code=d.code,
                    district_type=d.type,
                    lat=r["wardLat"],
                    lon=r["wardLon"],
                )
            )

    _link_communes(gaz, converter, new_ward_code, legacy_ward_code)
    for row in read_table("place_former_units.tsv"):
        successor = next(
            u for u in gaz.by_key[("district", name_key(row["successor"]))] if u.province == row["province"]
        )
        gaz.add(
            replace(
                successor,
                name=row["name"],
                type=row["type"],
                code=None,
                district=row["name"],
                district_code=None,
                district_type=row["type"],
                successor_code=successor.code,
                lat=None,
                lon=None,
            )
        )
    for alias in read_table("place_aliases.tsv"):
        for unit in gaz.by_key.get((alias["level"], name_key(alias["official"])), []):
            if alias["province"] and unit.province != alias["province"]:
                continue
            gaz.add_name(unit, alias["alias"])
            if alias["kind"] == "former":
                gaz.former.setdefault((unit.level, name_key(alias["alias"])), normalize(alias["alias"]))
                gaz.former.setdefault((unit.level, ascii_key(alias["alias"])), normalize(alias["alias"]))
    return gaz


def _link_communes(
    gaz: Gazetteer,
    converter: dict[str, Any],
    new_ward_code: dict[tuple[str, str], str],
    legacy_ward_code: dict[str, str],
) -> None:
    """Legacy commune code -> 2025 commune code, from the package's converter: a commune merged
    whole into a new one links to it; a commune divided among several links to the one the
    converter marks as its default (the part holding most of it)."""
    for new_province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            new_code = new_ward_code.get((new_province, new_ward))
            for old in olds:
                old_code = legacy_ward_code.get(old)
                if new_code and old_code:
                    gaz.code_2025.setdefault(old_code, new_code)
    for new_province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            default = next((p["newWardKey"] for p in parts if p.get("isDefaultNewWard")), None)
            new_code = new_ward_code.get((new_province, default)) if default else None
            old_code = legacy_ward_code.get(old)
            if new_code and old_code:
                gaz.code_2025.setdefault(old_code, new_code)


def _with_district(d: AdminUnit) -> AdminUnit:
    return replace(d, district=d.name, district_code=d.code)


# --- queries --------------------------------------------------------------------------------------


# A type word written before a name, with the press's abbreviations: "TP.", "Tp", "TX.", "Q.".
_WRITTEN_TYPE = re.compile(
    r"^(?:(?P<word>thành phố|thị xã|thị trấn|đặc khu|tỉnh|huyện|quận|phường|xã)[ ]+"
    r"|(?P<abbr>tp|tx|q)(?:\.[ ]*|[ ]+))(?=\S)",
    re.IGNORECASE,
)
_ABBREVIATED_TYPE = {"tp": "thành phố", "tx": "thị xã", "q": "quận"}


@lru_cache(maxsize=65536)
def split_type(written: str) -> tuple[str | None, str]:
    """The type word and the name of a written place name.

    >>> split_type("TP. Hồ Chí Minh"), split_type("Quận 1"), split_type("Ba Bể")
    (('thành phố', 'Hồ Chí Minh'), ('quận', '1'), (None, 'Ba Bể'))
    """
    written = normalize(written).strip()
    m = _WRITTEN_TYPE.match(written)
    if not m:
        return None, written
    if m.group("word"):
        return m.group("word").casefold(), written[m.end() :]
    return _ABBREVIATED_TYPE[m.group("abbr").casefold()], written[m.end() :]


def lookup(
    name: str,
    level: str | None = None,
    *,
    era: str | None = None,
    types: Iterable[str] = (),
    province: str | None = None,
) -> list[AdminUnit]:
    """Units called ``name``, optionally of one level, era, type set and province (short name of
    either era). ``name`` is a short name or a known alias, with or without its type word
    ("huyện Ba Bể", "TP. Hồ Chí Minh", "Quận 1"); a type word restricts the types.

    >>> sorted((u.type, u.province) for u in lookup("Tân Châu", "district"))
    [('huyện', 'Tây Ninh'), ('thị xã', 'An Giang')]
    >>> [(u.type, u.province) for u in lookup("thị xã Tân Châu", era="legacy")]
    [('thị xã', 'An Giang')]
    """
    gaz = gazetteer()
    written_type, short = split_type(name)
    key = name_key(short)
    if written_type is not None and not any((lv, key) in gaz.by_key for lv in LEVELS):
        written_type, key = None, name_key(name)  # a name that starts like a type word
    levels = (level,) if level else LEVELS
    types = tuple(types) or ((written_type,) if written_type else ())
    out = []
    for lv in levels:
        for unit in gaz.by_key.get((lv, key), ()):
            if era and unit.era != era:
                continue
            if types and unit.type not in types:
                continue
            if province and province not in (unit.province, unit.province_2025):
                continue
            out.append(unit)
    return out


def former_name(key: str, level: str) -> str | None:
    """The former name ("Thừa Thiên Huế") a name key or domain key stands for, if it is one."""
    return gazetteer().former.get((level, key))


def by_code(code: str, level: str, era: str = "legacy") -> AdminUnit | None:
    """The unit with this official code (GSO code of the given era)."""
    return gazetteer().by_code.get((era, level, code))


def code_2025(unit: AdminUnit) -> str | None:
    """The 2025 commune code of a commune: its own on the 2025 map, the one it became for a
    legacy commune (the default part of a divided one); None for provinces and districts.

    >>> old = lookup("Phúc Xá", "commune", era="legacy", province="Hà Nội")[0]
    >>> [u.name for u in lookup("Hồng Hà", "commune", era="2025") if u.code == code_2025(old)]
    ['Hồng Hà']
    """
    if unit.level != "commune" or unit.code is None:
        return None
    if unit.era == "2025":
        return unit.code
    return gazetteer().code_2025.get(unit.code)


def by_ascii(key: str, level: str) -> list[AdminUnit]:
    """Units whose name without diacritics is ``key`` ("babe" -> Ba Bể)."""
    return list(gazetteer().by_ascii.get((level, key), ()))


def units(level: str | None = None, era: str | None = None) -> list[AdminUnit]:
    """Every unit, optionally of one level and era."""
    return [
        u for u in gazetteer().units if (level is None or u.level == level) and (era is None or u.era == era)
    ]


@lru_cache(maxsize=1)
def known_names() -> dict[str, frozenset[str]]:
    """Every name key per level, for fast membership tests by the extractors."""
    out: dict[str, set[str]] = defaultdict(set)
    for level, key in gazetteer().by_key:
        out[level].add(key)
    return {level: frozenset(keys) for level, keys in out.items()}
