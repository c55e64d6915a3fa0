"""What the documents extractor and the document linker share: the document tables
(``data/document_*.tsv``, ``data/known_documents.tsv``), one written reference (:class:`Ref`) and
the small helpers on symbols, issuers, dates and titles.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..lexicons import alternation, read_table
from .numbers import roman_value, to_roman

# --- tables ------------------------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of a data table, cells normalised (see :mod:`qpdp_nlp.lexicons`)."""
    return read_table(name, normalise=True)


@dataclass(frozen=True)
class Kind:
    name: str
    codes: tuple[str, ...]
    abbreviations: tuple[str, ...]
    named: str  # "law", "table", "plenum" or "-"
    everyday: bool = False  # the word is also an everyday verb or noun ("quyết định", "kế hoạch")


@dataclass(frozen=True)
class Issuer:
    code: str
    name: str
    phrases: tuple[str, ...]
    place_tail: bool


@dataclass(frozen=True)
class KnownDocument:
    doc_id: str
    kind: str
    number: str
    symbol: str
    date: str
    year: int | None
    issuer: str
    term: str
    plenum: str
    name: str
    title: str
    note: str


def _split(cell: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split(sep) if p.strip())


@cache
def kinds() -> dict[str, Kind]:
    """Document kinds by casefolded name."""
    out = {}
    for r in _rows("document_kinds.tsv"):
        k = Kind(r["kind"], _split(r["symbol_codes"]), _split(r["abbreviations"]), r["named"] or "-",
                 r["everyday"] == "yes")
        if k.named not in ("law", "table", "plenum", "-") or r["everyday"] not in ("yes", "no"):
            raise ValueError(f"document_kinds.tsv: bad 'named' or 'everyday' in row {r}")
        out[k.name.casefold()] = k
    return out


@cache
def issuers() -> tuple[Issuer, ...]:
    return tuple(
        Issuer(r["code"], r["name"], _split(r["phrases"], "|"), r["place_tail"] == "yes")
        for r in _rows("document_issuers.tsv")
    )


@cache
def document_names() -> dict[str, dict[str, str]]:
    """Names cited without a number, by casefolded kind: casefolded name as cited → canonical name."""
    out: dict[str, dict[str, str]] = {}
    for r in _rows("document_names.tsv"):
        out.setdefault(r["kind"].casefold(), {})[r["name"].casefold()] = r["canonical"] or r["name"]
    return out


@cache
def known_documents() -> tuple[KnownDocument, ...]:
    out = []
    for r in _rows("known_documents.tsv"):
        if r["kind"].casefold() not in kinds():
            raise ValueError(f"known_documents.tsv: unknown kind {r['kind']!r}")
        fields: dict[str, Any] = {**r, "year": int(r["year"]) if r["year"] else None}
        out.append(KnownDocument(**fields))
    return tuple(out)


_DASH = r"\-–—‐−"  # escaped: it goes inside character classes


@cache
def issuer_head_pattern() -> re.Pattern[str]:
    """An issuing body's name at the start of a string ("Ban Chấp hành Trung ương Đảng …")."""
    return re.compile(rf"(?i:{alternation((p for i in issuers() for p in i.phrases), flexible_spaces=True)})(?![^\W_])")


# --- helpers -----------------------------------------------------------------------------------

def roman_ok(s: str) -> bool:
    """A Party term written as a Roman numeral ("XI", "XIII")."""
    return roman_value(s) is not None


def slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def fold_symbol(symbol: str) -> str:
    """One spelling per symbol: 'NQ/TW', 'NQ-TW', 'NQ/T.Ư', 'NQ/TƯ' → 'NQ-TW'; 'NĐ-CP' → 'ND-CP'."""
    parts = [p for p in re.split(rf"\s*+[/{_DASH}]\s*+", symbol) if p]
    out = []
    for p in parts:
        p = p.replace(".", "")
        if p.upper() in ("TƯ", "TW"):
            p = "TW"
        p = p.replace("Đ", "D").replace("đ", "d")
        p = unicodedata.normalize("NFKD", p).encode("ascii", "ignore").decode()
        out.append(p)
    return "-".join(out)


def clean_symbol(symbol: str) -> str:
    return re.sub(rf"\s*+([/{_DASH}])\s*+", lambda m: "-" if m.group(1) in _DASH else "/", symbol)


@cache
def issuer_by_code() -> dict[str, str]:
    return {i.code.casefold(): i.name for i in issuers() if i.code}


@cache
def issuer_by_phrase() -> dict[str, Issuer]:
    return {p.casefold(): i for i in issuers() for p in i.phrases}


@cache
def kind_by_code() -> dict[str, Kind]:
    return {c.casefold(): k for k in kinds().values() for c in k.codes}


def issuer_of_symbol(symbol: str) -> tuple[str | None, str | None]:
    """(issuer, term) that a symbol names: 'NĐ-CP' → ('Chính phủ', None), 'QH14' → ('Quốc hội', 'XIV')."""
    names, term = [], None
    for part in re.split(rf"[/{_DASH}]", symbol):
        part = part.replace(".", "")
        code = re.sub(r"\d+$", "", part)
        digits = part[len(code):]
        if code.casefold() in kind_by_code():
            continue
        if code.upper() == "TƯ":
            code = "TW"
        name = issuer_by_code().get(code.casefold())
        if name and name not in names:
            names.append(name)
            if digits and code.upper() == "QH":
                term = to_roman(int(digits))
    return (", ".join(names) or None), term


def canonical_issuer(issuer: str | None) -> str | None:
    """The issuer table's name for an issuer as written ('Bộ chính trị' → 'Bộ Chính trị')."""
    if not issuer:
        return None
    m = issuer_head_pattern().match(issuer)
    if not m:
        return None
    found = issuer_by_phrase().get(re.sub(r"\s++", " ", m.group()).casefold())
    return found.name if found else None


def iso_date(day: str, month: str, year: int | None) -> str | None:
    if year is None:
        return None
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _title_words(title: str) -> list[str]:
    return re.findall(r"[^\W_]+", title.casefold())


def _title_overlap(a: str, b: str) -> tuple[float, int]:
    """Share of the shorter title's words found in the longer, and the shorter's length."""
    wa, wb = _title_words(a), _title_words(b)
    if not wa or not wb:
        return 0.0, 0
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    longset = set(long_)
    return sum(w in longset for w in short) / len(short), len(short)


def titles_agree(a: str, b: str) -> bool:
    """Enough words of the shorter title occur in the longer to name the same document (a
    paraphrase such as "về xây dựng khu vực phòng thủ" keeps the key words)."""
    share, size = _title_overlap(a, b)
    return share >= 0.75 and size >= 3


def titles_clash(a: str, b: str) -> bool:
    """The titles are about different things."""
    share, size = _title_overlap(a, b)
    return size >= 2 and share < 0.5


# --- one reference -----------------------------------------------------------------------------


@dataclass
class Ref:
    start: int
    end: int
    kind: Kind
    rule: str
    number: str | None = None
    symbol: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    term: str | None = None
    title: str | None = None
    name: str | None = None
    plenum: str | None = None
    title_start: int | None = None
    title_quoted: bool = False
    # The issuer a symbol implies is not evidence of which body signed: "NQ/TW" is used by the
    # Central Committee and the Politburo alike. Only a written issuer decides between documents.
    issuer_from_symbol: bool = False
    day_month: tuple[str, str] | None = None
