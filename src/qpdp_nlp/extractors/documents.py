"""References to specific documents: resolutions, laws, decrees, directives, decisions …

>>> from qpdp_nlp.text import analyse
>>> doc = analyse("Quán triệt Nghị quyết số 28 ngày 25/10/2013 của Ban Chấp hành Trung ương "
...               "Đảng (khóa XI) về “Chiến lược bảo vệ Tổ quốc trong tình hình mới”.")
>>> d = extract(doc)[0]
>>> (d.kind, d.number, d.date, d.issuer, d.term, d.title)
('Nghị quyết', '28', '2013-10-25', 'Ban Chấp hành Trung ương Đảng', 'XI', 'Chiến lược bảo vệ Tổ quốc trong tình hình mới')
>>> d.doc_id
'nghi-quyet/28/2013/NQ-TW'

A reference starts at a kind word ("Nghị quyết", "Luật", "NQ" before a number …) and is a
specific document only when something names it: a number ("số 28", "168/2018/NĐ-CP"), a law's
name ("Luật Nghĩa vụ quân sự năm 2015"), a plenum ("Nghị quyết Trung ương 8 khóa XI") or a quoted
title ("Nghị quyết về “…”"). A bare symbol ("theo 28-NQ/TW") is one too. What follows in any
order — "ngày …", "của …", "(khóa …)", "năm …" — fills date, issuer, term and year; a final
"về …" the title. Generic mentions ("các chỉ thị, nghị quyết của cấp trên") name nothing and
give nothing.

``doc_id`` is one id per document: the entry of ``data/known_documents.tsv`` the reference fits
(number, symbol, year, issuer, term, plenum, law name and title must not contradict it, and it
must be the only such entry), else an id built the same way from what the reference says. Within
an article, a short form ("Nghị quyết 28") takes the id of a fuller compatible mention of the
same document.

Kinds, issuer codes and phrases, names of laws and programmes are data: ``data/document_*.tsv``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache

from ..records import Document
from ..lexicons import read_table
from ..text import Analysis

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
        out.append(KnownDocument(**{**r, "year": int(r["year"]) if r["year"] else None}))
    return tuple(out)


# --- patterns ----------------------------------------------------------------------------------

_UPPER = "".join(
    c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper() and not "\u0250" <= c < "\u1E00"
)
_CAP_WORD = f"[{_UPPER}][^\\W\\d_]*"
_DASH = r"\-–—‐−"  # escaped: it goes inside character classes
_ROMAN = r"(?-i:[IVXL]{1,6})"  # case-sensitive even inside (?i) patterns: "khóa học" is no term
_YEAR = r"(?:19|20)\d\d"
_QUOTES = {"“": "”", '"': '"', "«": "»", "‘": "’", "'": "'", "„": "“"}
_WORD_NUMBERS = {
    "một": 1, "nhất": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "mười ba": 13,
    "mười bốn": 14, "mười lăm": 15,
}
# Words after a bare number that make it a count or a duration, not a document number
# ("kế hoạch 5 năm", "chương trình 2 ngày").
_COUNT_AFTER = re.compile(
    r"\s*+(?:%|phần trăm|(?:năm|ngày)(?!\s*+\d)|tháng|tuần|giờ|phút|người|lượt|lần|xã|huyện|đơn vị"
    r"|điểm|nội dung|chuyên đề|bước|mục tiêu|nhiệm vụ|giải pháp|chỉ tiêu|tiêu chí|điều|khoản"
    r"|học viên|học sinh|sinh viên|cán bộ|chiến sĩ|công dân|thanh niên|tân binh|tập thể|cá nhân|hộ|em"
    r"|vấn đề|nhóm|trường hợp|lớp|đợt|buổi|tiết|mục|phần|chương|bài|câu|ý|việc|loại|mặt|lĩnh vực"
    r"|triệu|tỷ|nghìn|ngàn|trăm|đồng)(?![^\W_])",
    re.IGNORECASE,
)
# The word before a lowercase "luật" that makes it part of another word ("pháp luật", "kỷ luật").
_NOT_LAW_BEFORE = re.compile(r"(?:pháp|kỷ|quy|dự|điều|hiến|định|trái|đúng)\s++$", re.IGNORECASE)

_TOKEN = rf"[{_UPPER}](?:[A-Za-zđĐưƯơƠâÂăĂêÊôÔ&]|\.(?=[{_UPPER}]))*+\d{{0,2}}+"
_SEP = rf"\s?[/{_DASH}]\s?"
_SYMBOL = rf"{_TOKEN}(?:{_SEP}{_TOKEN}){{0,4}}+"
_NUMBER = r"(?P<num>\d{1,5}+[a-z]?)(?![\d.,]\d)"
_NUMBERED = re.compile(
    rf"(?:\s++(?i:liên tịch|hành động|phối hợp|công tác))?(?P<so>\s*+(?:số|Số|SỐ)\b)?\s*+:?\s*+{_NUMBER}"
    rf"(?:\s?/\s?(?P<nyear>{_YEAR})(?!\d))?"
    rf"(?:\s?[/{_DASH}]\s?(?P<sym>{_SYMBOL}))?"
)
_PLENUM = re.compile(
    rf"\s*+(?:của\s++)?(?:Hội nghị\s++)?(?:lần thứ\s++(?P<pw>{'|'.join(sorted(_WORD_NUMBERS, key=len, reverse=True))}|\d{{1,2}})\s++"
    rf"(?:của\s++)?(?:Ban Chấp hành|BCH)\s++Trung ương(?:\s++Đảng)?"
    rf"|(?:Ban Chấp hành\s++|BCH\s++)?(?:Trung ương|TW|TƯ|T\.Ư)\s*+(?:Đảng\s++)?(?:lần thứ\s++)?(?P<pn>\d{{1,2}})(?!\d))",
    re.IGNORECASE,
)
_CONGRESS = re.compile(
    rf"\s++(?:của\s++)?Đại hội\s++(?:Đảng\s++)?(?:đại biểu\s++)?(?:toàn quốc\s++)?(?:lần thứ\s++)?(?P<cong>{_ROMAN})\b(?:\s++của\s++Đảng(?![^\W_]))?",
    re.IGNORECASE,
)
_DATE = (
    rf"(?:(?P<d>\d{{1,2}})\s?(?P<s>[/.{_DASH}])\s?(?P<m>\d{{1,2}})(?:\s?(?P=s)\s?(?P<y>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})\s++tháng\s++(?P<m2>\d{{1,2}})(?:\s*+,?\s++năm\s++(?P<y2>\d{{4}}))?)(?!\d)"
)
_DATE_MOD = re.compile(
    rf"\s*+,?\s*+(?:(?:được\s++)?(?:ban hành|ký)\s++)?(?:vào\s++)?ngày\s++{_DATE}", re.IGNORECASE
)
# After "…, ngày 22/9/2008" the date is the document's only when the citation goes on.
_AFTER_COMMA_DATE = re.compile(r"\s*+,?\s*+(?:$|[;.)(]|(?:của|do|về|ban hành|khóa)(?![^\W_]))", re.IGNORECASE)
_BARE_DATE_MOD = re.compile(
    rf"\s*+,?\s*+(?P<d>\d{{1,2}})(?P<s>[/.{_DASH}])(?P<m>\d{{1,2}})(?P=s)(?P<y>{_YEAR})(?!\d)"
)
_TERM_MOD = re.compile(rf"\s*+,?\s*+(?:\(\s*+khóa\s++(?P<t1>{_ROMAN})\s*+\)|khóa\s++(?P<t2>{_ROMAN})\b)", re.IGNORECASE)
_YEAR_MOD = re.compile(rf"\s*+,?\s*+(?:\(\s*+(?:năm\s++)?(?P<y1>{_YEAR})\s*+\)|năm\s++(?P<y2>{_YEAR})\b)", re.IGNORECASE)
_LAW_YEAR = re.compile(rf"\s*+(?:\(\s*+(?:năm\s++)?(?P<y1>{_YEAR})\s*+\)|(?:năm\s++)?(?P<y2>{_YEAR})(?!\d))", re.IGNORECASE)
_ISSUER_INTRO = re.compile(r"\s*+,?\s*+(?:của|do)\s++", re.IGNORECASE)
# A plenum named as the issuer, with or without "của": "… Hội nghị lần thứ tám Ban Chấp hành
# Trung ương Đảng khóa XIII", "… của Hội nghị Trung ương 8".
_PLENUM_ISSUER = re.compile(
    rf"\s*+,?\s*+(?:của\s++)?(?P<iss>Hội nghị\s++(?:lần thứ\s++(?P<pw>{'|'.join(sorted(_WORD_NUMBERS, key=len, reverse=True))}|\d{{1,2}})\s++"
    rf"(?:của\s++)?(?:Ban Chấp hành|BCH)\s++Trung ương(?:\s++Đảng)?|(?:Ban Chấp hành\s++)?(?:Trung ương|TW|TƯ)(?:\s++Đảng)?\s*+(?:lần thứ\s++)?(?P<pn>\d{{1,2}})(?!\d)))",
    re.IGNORECASE,
)
_DIRECT_DATE = re.compile(r"\s++(?:ban hành\s++)?ngày\s", re.IGNORECASE)
_AND = re.compile(r"\s*+(?:,|và)\s++")
_TITLE_INTRO = re.compile(r"\s*+,?\s*+về\s++(?:việc\s++)?", re.IGNORECASE)
_NUMBER_AFTER_NAME = re.compile(rf"\s*+,?\s*+(?:số\s++)?(?P<num>\d{{1,5}})\s?/\s?(?P<nyear>{_YEAR})\s?/\s?(?P<sym>{_SYMBOL})")
_PLACE_WORDS = r"tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn|TP\.?|TX\.?|Quân sự|quân sự|Quân khu|Quân đoàn"
_STOP_CAPS = r"Về|Ngày|Và|Khóa|Trong|Tại|Theo|Số|Nghị|Chỉ|Luật|Quyết|Kế|Hướng|Công|Thông|Kết"
# A law name not in the table: a capitalised word, then words up to one that starts a clause.
_LAW_STOP = (
    r"cho|của|tại|trong|đến|tới|được|đã|đang|sẽ|là|có|với|nhằm|để|theo|thì|khi|từ|trên|này|đó|"
    r"các|những|năm|số|ngày|sửa|về|vào|ra|bằng|do|mà|như|nay|hiện|mới|cũng|đều|còn|không|tháng|"
    r"qua|trước|sau|giữa|gồm|thuộc|tiếp|lần|khóa|quy|hướng|đối"
)
_LAW_FALLBACK = re.compile(
    rf"\s++(?P<name>(?!(?:{_STOP_CAPS}|Sư|Pháp)(?![^\W_])){_CAP_WORD}(?:\s++(?!(?:{_LAW_STOP})(?![^\W_]))[^\W\d_]+){{0,6}}+)"
)


@dataclass(frozen=True)
class _Patterns:
    kind_word: re.Pattern
    kind_keys: tuple[str, ...]  # lowercased kind names, searched with str.find first
    abbreviations: tuple[str, ...]
    issuer_head: re.Pattern
    names: dict[str, re.Pattern]
    bare_symbol: re.Pattern
    issuer_tail: re.Pattern
    title_end: re.Pattern


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace("\\ ", r"\s++") for w in sorted(set(words), key=len, reverse=True))


@cache
def _patterns() -> _Patterns:
    ks = kinds().values()
    words = _alternation(k.name for k in ks)
    abbrevs = _alternation(a for k in ks for a in k.abbreviations)
    kind_word = re.compile(
        rf"(?<![^\W_])(?:(?P<word>(?i:{words}))(?![^\W_])|(?P<abbr>{abbrevs})"
        rf"(?=\s?(?:số\s)?\d|\s?(?:TW|TƯ|T\.Ư)\s?\d))"
    )
    issuer_head = re.compile(
        rf"(?i:{_alternation(p for i in issuers() for p in i.phrases)})(?![^\W_])"
    )
    # Place and unit names after a body ("Huyện ủy Vĩnh Linh", "Ban Chỉ đạo 35 Bộ Quốc phòng"):
    # a body named inside is taken whole, though its words are not all capitalised.
    issuer_tail = re.compile(
        rf"(?:\s++(?:(?:{_PLACE_WORDS})(?![^\W_])|(?i:{_alternation(p for i in issuers() for p in i.phrases)})(?![^\W_])"
        rf"|(?!(?:{_STOP_CAPS})(?![^\W_])){_CAP_WORD}|\d{{1,3}}(?![\d/.]))){{0,7}}+"
    )
    names = {
        kind: re.compile(rf"\s++(?P<name>(?i:{_alternation(ns)}))(?![^\W_])")
        for kind, ns in document_names().items()
    }
    codes = _alternation(c for k in ks for c in k.codes)
    # Starts with a digit so that the regex engine can skip to digits; what may stand before
    # the number is checked in find().
    bare_symbol = re.compile(
        rf"(?P<num>\d{{1,5}}+)(?:\s?/\s?(?P<nyear>{_YEAR}))?{_SEP}"
        rf"(?P<sym>(?P<code>{codes}){_SEP}{_TOKEN}(?:{_SEP}{_TOKEN}){{0,3}}+)(?![\w/])"
    )
    title_end = re.compile(
        rf"[.;:!?…](?=\s|$)|\n|\(|\s[{_DASH}]\s(?!\d)|[,;]?\s++(?:và|cùng)\s++(?=(?i:{words})(?![^\W_]))"
        rf"|(?<=\d{{4}}),"  # "… nhập ngũ năm 2024, tổ chức …": a year closes the title
        rf"|,\s*+(?=(?i:{words})(?![^\W_])|\d|(?:năm|qua|huyện|tỉnh|thị xã|đồng thời|góp phần|nhằm|từ|khi|sau|trước|tại|với|đến nay|trong đó|theo đó)(?![^\W_])|[{_UPPER}])"
        # A document's title is a noun phrase: a verb or copula starts the rest of the sentence.
        rf"|\s++(?=(?:đã|đang|sẽ|được|là|nhằm|thì|mà|cũng|vẫn|luôn|từng|cần|phải)\s)"
    )
    return _Patterns(
        kind_word,
        tuple(sorted({k.name.lower() for k in ks})),
        tuple(sorted({a for k in ks for a in k.abbreviations})),
        issuer_head, names, bare_symbol, issuer_tail, title_end,
    )


# --- helpers -----------------------------------------------------------------------------------

def _roman_ok(s: str) -> bool:
    return re.fullmatch(r"L?X{0,3}(?:IX|IV|V?I{0,3})", s) is not None and bool(s)


def _to_roman(n: int) -> str:
    out = ""
    for value, digits in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += digits
            n -= value
    return out


def _slug(text: str) -> str:
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


def _clean_symbol(symbol: str) -> str:
    return re.sub(rf"\s*+([/{_DASH}])\s*+", lambda m: "-" if m.group(1) in _DASH else "/", symbol)


@cache
def _issuer_by_code() -> dict[str, str]:
    return {i.code.casefold(): i.name for i in issuers() if i.code}


@cache
def _issuer_by_phrase() -> dict[str, Issuer]:
    return {p.casefold(): i for i in issuers() for p in i.phrases}


@cache
def _kind_by_code() -> dict[str, Kind]:
    return {c.casefold(): k for k in kinds().values() for c in k.codes}


def issuer_of_symbol(symbol: str) -> tuple[str | None, str | None]:
    """(issuer, term) that a symbol names: 'NĐ-CP' → ('Chính phủ', None), 'QH14' → ('Quốc hội', 'XIV')."""
    names, term = [], None
    for part in re.split(rf"[/{_DASH}]", symbol):
        part = part.replace(".", "")
        code = re.sub(r"\d+$", "", part)
        digits = part[len(code):]
        if code.casefold() in _kind_by_code():
            continue
        if code.upper() == "TƯ":
            code = "TW"
        name = _issuer_by_code().get(code.casefold())
        if name and name not in names:
            names.append(name)
            if digits and code.upper() == "QH":
                term = _to_roman(int(digits))
    return (", ".join(names) or None), term


def canonical_issuer(issuer: str | None) -> str | None:
    """The issuer table's name for an issuer as written ('Bộ chính trị' → 'Bộ Chính trị')."""
    if not issuer:
        return None
    m = _patterns().issuer_head.match(issuer)
    if not m:
        return None
    found = _issuer_by_phrase().get(re.sub(r"\s++", " ", m.group()).casefold())
    return found.name if found else None


def _iso(day: str, month: str, year: int | None) -> str | None:
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
class _Ref:
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


_YEAR_ONLY = re.compile(_YEAR)
_GENERIC_NEXT = frozenset(",;.!?)]…")
_NUMBERED_NEXT = frozenset("sSlLhHpPcC:")  # số, liên tịch, hành động, phối hợp, công tác
_UNNUMBERED_NEXT = frozenset("vVcCdDnNk(")  # về, của/do, ngày, khóa, "(khóa"
_PLENUM_NEXT = frozenset("TtHhBbLlcCĐđ")  # Trung ương/TW/TƯ, Hội nghị, Ban/BCH, lần thứ, của, Đại hội


def _core(text: str, km: re.Match, kind: Kind) -> _Ref | None:
    """What names the document right after its kind word, or None for a generic mention."""
    pos = km.end()
    # The first character after the kind word decides which patterns can apply at all: most
    # kind words in an article are generic ("các chỉ thị, nghị quyết") and leave at once.
    peek = text[pos:pos + 8].lstrip()[:1]
    if not peek or peek in _GENERIC_NEXT:
        return None
    abbreviated = km.group("abbr") is not None
    if peek.isdigit() or peek in _NUMBERED_NEXT:
        m = _NUMBERED.match(text, pos)
        if m:
            num, sym, nyear = m.group("num", "sym", "nyear")
            if m.group("so") or sym or nyear or not (
                _YEAR_ONLY.fullmatch(num) or _COUNT_AFTER.match(text, m.end("num"))
                or (kind.everyday and km.group()[:1].islower())
            ):
                ref = _Ref(km.start(), m.end(), kind, "abbreviated" if abbreviated else "numbered", number=num)
                if sym:
                    ref.symbol = _clean_symbol(sym)
                if nyear:
                    ref.year = int(nyear)
                return ref
    if kind.named == "plenum" and peek in _PLENUM_NEXT:
        m = _PLENUM.match(text, pos)
        if m and m.group("pn") and _COUNT_AFTER.match(text, m.end()):
            m = None  # "nghị quyết Trung ương 10 năm qua" counts years
        if m:
            ref = _Ref(km.start(), m.end(), kind, "plenum")
            ref.plenum = m.group("pn") or str(_WORD_NUMBERS.get(m.group("pw").casefold(), m.group("pw")))
            return ref
        m = _CONGRESS.match(text, pos)
        if m and _roman_ok(m.group("cong").upper()):
            return _Ref(km.start(), m.end(), kind, "congress", term=m.group("cong").upper())
    if abbreviated:
        return None
    if kind.named in ("law", "table"):
        ref = _named(text, km, kind, pos)
        if ref is not None:
            return ref
    if peek in _UNNUMBERED_NEXT:
        # No number or name yet: a quoted title or a full date may still single the document
        # out ("Nghị quyết của Bộ Chính trị về “…”", "Quyết định ngày 12/3/2023 của UBND
        # tỉnh"); find() keeps it only then.
        return _Ref(km.start(), pos, kind, "unnumbered")
    return None


def _named(text: str, km: re.Match, kind: Kind, pos: int) -> _Ref | None:
    """A law or programme cited by its name: "Luật Nghĩa vụ quân sự năm 2015"."""
    lowercase = km.group()[:1].islower()
    if lowercase and kind.named == "law" and _NOT_LAW_BEFORE.search(text, max(0, km.start() - 12), km.start()):
        return None  # "pháp luật", "kỷ luật", "dự luật"
    ref = None
    names = _patterns().names.get(kind.name.casefold())
    m = names.match(text, pos) if names is not None else None
    if m:
        cited = " ".join(m.group("name").split()).casefold()
        ref = _Ref(km.start(), m.end(), kind, f"named_{kind.named}",
                   name=document_names()[kind.name.casefold()][cited])
    elif kind.named == "law" and not lowercase:
        m = _LAW_FALLBACK.match(text, pos)
        if m:
            # "và" joins words of a name ("Luật Hôn nhân và gia đình") but not two laws
            # ("Luật Đất đai và Luật Cư trú"): a name never ends with it.
            name = re.sub(r"(?:\s++và)+$", "", re.split(rf"\s++và\s++(?=[{_UPPER}])", m.group("name"))[0])
            ref = _Ref(km.start(), m.start("name") + len(name), kind, "named_law", name=name)
    if ref is None:
        return None
    m = _LAW_YEAR.match(text, ref.end)
    if m:
        ref.year, ref.end = int(m.group("y1") or m.group("y2")), m.end()
    m = _NUMBER_AFTER_NAME.match(text, ref.end)
    if m:
        ref.number, ref.symbol, ref.end = m.group("num"), _clean_symbol(m.group("sym")), m.end()
        ref.year = ref.year or int(m.group("nyear"))
    return ref


def _issuer(text: str, pos: int) -> tuple[str, int] | None:
    m = _ISSUER_INTRO.match(text, pos)
    if not m:
        return None
    h = _patterns().issuer_head.match(text, m.end())
    if not h:
        return None
    end = h.end()
    found = _issuer_by_phrase().get(re.sub(r"\s++", " ", h.group()).casefold())
    if found is not None and found.place_tail:
        end = _patterns().issuer_tail.match(text, end).end()
    # Joint documents: "của Bộ Quốc phòng và Bộ Công an".
    joint = _AND.match(text, end)
    if joint:
        more = _patterns().issuer_head.match(text, joint.end())
        if more:
            end = more.end()
    return text[h.start():end], end


def _title(text: str, pos: int) -> tuple[str, int, int, bool] | None:
    """(title, start, end, quoted) of a "về …" title starting at ``pos`` (after "về")."""
    if pos >= len(text):
        return None
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    opener = text[pos]
    if opener in _QUOTES:
        close = text.find(_QUOTES[opener], pos + 1, min(line_end, pos + 400))
        if close > pos + 1:
            return text[pos + 1:close].strip(), pos, close + 1, True
    limit = min(line_end, pos + 250)
    m = _patterns().title_end.search(text, pos, limit)
    end = m.start() if m else limit
    if not m and limit < line_end:
        space = text.rfind(" ", pos, limit)
        end = space if space > pos else limit
    title = text[pos:end].strip(" ,;\"'“”«»")
    if not title:
        return None
    return title, pos, pos + len(text[pos:end].rstrip(" ,;")), False


def _modifiers(text: str, ref: _Ref) -> None:
    """Date, issuer, term and year in any order after the core, then the title."""
    for _ in range(6):
        pos = ref.end
        m = _DATE_MOD.match(text, pos) if ref.date is None and ref.day_month is None else None
        if m is None and ref.date is None and ref.day_month is None:
            m = _BARE_DATE_MOD.match(text, pos)
        if m and text[pos:m.start("d") if m.group("d") else m.start("d2")].lstrip().startswith(",") and \
                not _AFTER_COMMA_DATE.match(text, m.end()):
            m = None  # "Nghị quyết 28, ngày 5/9/2023, UBND huyện …": the date of the event
        if m:
            day, month = m.group("d") or m.group("d2"), m.group("m") or m.group("m2")
            y = m.groupdict().get("y") or m.groupdict().get("y2")
            if y:
                ref.date = _iso(day, month, int(y))
                ref.year = int(y) if ref.date else ref.year
            else:
                ref.day_month = (day, month)
            ref.end = m.end()
            continue
        if ref.issuer is None or ref.issuer_from_symbol:
            m = _PLENUM_ISSUER.match(text, pos)
            if m:
                ref.issuer, ref.issuer_from_symbol, ref.end = m.group("iss"), False, m.end()
                ref.plenum = ref.plenum or m.group("pn") or str(_WORD_NUMBERS.get(m.group("pw").casefold(), m.group("pw")))
                continue
        if ref.issuer is None:
            found = _issuer(text, pos)
            if found:
                ref.issuer, ref.end = found
                continue
        if ref.term is None:
            m = _TERM_MOD.match(text, pos)
            if m and _roman_ok((m.group("t1") or m.group("t2")).upper()):
                ref.term, ref.end = (m.group("t1") or m.group("t2")).upper(), m.end()
                continue
        if ref.year is None and ref.name is None:
            m = _YEAR_MOD.match(text, pos)
            if m:
                ref.year, ref.end = int(m.group("y1") or m.group("y2")), m.end()
                continue
        break
    m = _TITLE_INTRO.match(text, ref.end)
    if m:
        found = _title(text, m.end())
        if found:
            ref.title, ref.title_start, ref.end, ref.title_quoted = found
    if ref.day_month and ref.year:
        ref.date = _iso(*ref.day_month, ref.year)


def _fill_from_symbol(ref: _Ref) -> None:
    if not ref.symbol:
        return
    issuer, term = issuer_of_symbol(ref.symbol)
    if ref.issuer is None and issuer:
        ref.issuer, ref.issuer_from_symbol = issuer, True
    ref.term = ref.term or term


# --- doc_id ------------------------------------------------------------------------------------


def _own_id(ref: _Ref) -> str | None:
    kind = _slug(ref.kind.name)
    if ref.number:
        parts = [kind, ref.number.lstrip("0") or "0"]
        if ref.year:
            parts.append(str(ref.year))
        if ref.symbol:
            parts.append(fold_symbol(ref.symbol))
        return "/".join(parts)
    if ref.name:
        return "/".join([kind, _slug(ref.name)] + ([str(ref.year)] if ref.year else []))
    if ref.plenum:
        return "/".join([kind, f"tw{ref.plenum}"] + ([ref.term] if ref.term else []))
    if ref.rule == "congress":
        return f"{kind}/dai-hoi/{ref.term}"
    if ref.date:
        # the body in full, its abbreviation spelled out: "UBND tỉnh Cao Bằng" and "Ủy ban nhân
        # dân tỉnh Cao Bằng" give one id, other provinces another
        issuer = ref.issuer
        m = _patterns().issuer_head.match(issuer) if issuer else None
        if m and canonical_issuer(issuer):
            issuer = canonical_issuer(issuer) + issuer[m.end():]
        return "/".join([kind, ref.date] + ([_slug(issuer)] if issuer else []))
    if ref.title:
        return f"{kind}/{_slug(ref.title)[:80]}"
    return None


def _written_issuer(ref: _Ref) -> str | None:
    return None if ref.issuer_from_symbol else canonical_issuer(ref.issuer)


def _fits(ref: _Ref, known: KnownDocument) -> bool:
    if known.kind != ref.kind.name:
        return False
    if ref.number and (ref.number.lstrip("0") or "0") != (known.number.lstrip("0") or "0"):
        return False
    if ref.symbol and fold_symbol(ref.symbol).casefold() != fold_symbol(known.symbol).casefold():
        return False
    if ref.year and known.year and ref.year != known.year:
        return False
    if ref.date and known.date and ref.date != known.date:
        return False
    if ref.term and known.term and ref.term != known.term:
        return False
    if ref.plenum and known.plenum != ref.plenum:
        return False
    if ref.name and (not known.name or ref.name.casefold() != known.name.casefold()):
        return False
    if not (ref.number or ref.name or ref.plenum or ref.title or ref.date):
        return False
    # A bare number is not enough: "Nghị định 168" is issued every year, "Nghị quyết 28" in
    # every Party term. Something else must say which one is meant.
    if ref.number and not (ref.symbol or ref.year or ref.date or ref.term or ref.title or ref.plenum
                           or _written_issuer(ref)):
        return False
    issuer = _written_issuer(ref)
    if issuer and canonical_issuer(known.issuer) not in (None, issuer):
        return False
    if ref.title and known.title and titles_clash(ref.title, known.title):
        return False
    if ref.number or ref.name or ref.plenum:
        return True
    # Unnumbered: the date must be the known one's, or the title must agree with its title.
    if ref.date:
        return ref.date == known.date
    return bool(known.title and titles_agree(ref.title, known.title))


@cache
def _known_by_kind() -> dict[str, tuple[KnownDocument, ...]]:
    out: dict[str, list[KnownDocument]] = {}
    for k in known_documents():
        out.setdefault(k.kind, []).append(k)
    return {kind: tuple(v) for kind, v in out.items()}


@cache
def _known_by_id() -> dict[str, KnownDocument]:
    return {k.doc_id: k for k in known_documents()}


def resolve(ref: _Ref) -> KnownDocument | None:
    """The known document a reference fits, when exactly one does."""
    fits = [k for k in _known_by_kind().get(ref.kind.name, ()) if _fits(ref, k)]
    return fits[0] if len(fits) == 1 else None


def _trim_title(text: str, ref: _Ref, known: KnownDocument | None) -> None:
    """An unquoted title runs on into the sentence ("về Chiến lược … mới, xây dựng kế hoạch
    …"); where it starts with the title of the known document it names, or else of any known
    document of its kind, it ends there."""
    if ref.title is None or ref.title_quoted or ref.title_start is None:
        return
    candidates = [known] if known is not None else _known_by_kind().get(ref.kind.name, ())
    folded = ref.title.casefold()
    for k in candidates:
        n = len(k.title)
        if k.title and len(folded) > n and folded.startswith(k.title.casefold()) and not folded[n].isalnum():
            ref.title = text[ref.title_start:ref.title_start + n]
            ref.end = ref.title_start + n
            return


def _compatible(a: _Ref, b: _Ref) -> bool:
    if a.kind is not b.kind:
        return False
    if a.number or b.number:
        # An unnumbered mention may be the numbered one with the same title or date.
        if (a.number or "").lstrip("0") != (b.number or "").lstrip("0") and not (
            not (a.number and b.number)
            and ((a.title and b.title and titles_agree(a.title, b.title)) or (a.date and a.date == b.date))
        ):
            return False
    elif a.name or b.name:
        if (a.name or "").casefold() != (b.name or "").casefold():
            return False
    elif a.plenum or b.plenum:
        if a.plenum and b.plenum and a.plenum != b.plenum:
            return False
        if not (a.title and b.title and titles_agree(a.title, b.title)) and not (a.plenum and b.plenum):
            return False
    elif not ((a.title and b.title and titles_agree(a.title, b.title)) or (a.date and a.date == b.date)):
        return False
    for field in ("year", "date", "term"):
        x, y = getattr(a, field), getattr(b, field)
        if x and y and x != y:
            return False
    if a.symbol and b.symbol and fold_symbol(a.symbol).casefold() != fold_symbol(b.symbol).casefold():
        return False
    ia, ib = _written_issuer(a), _written_issuer(b)
    if ia and ib and ia != ib:
        return False
    return not (a.title and b.title and titles_clash(a.title, b.title))


def _specificity(ref: _Ref) -> int:
    return sum(bool(getattr(ref, f)) for f in ("number", "symbol", "year", "date", "issuer", "term", "title", "plenum"))


_LINK_LIMIT = 64


def _link(refs: list[_Ref], ids: list[str | None], known: list[bool]) -> list[str | None]:
    """Short forms take the id of the fuller compatible mentions of the same document."""
    out = list(ids)
    by_kind: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        by_kind.setdefault(ref.kind.name, []).append(i)
    for i, ref in enumerate(refs):
        if known[i]:
            continue
        same_kind = by_kind[ref.kind.name]
        if len(same_kind) > _LINK_LIMIT:
            continue  # no article cites one kind this often; a pathological input is left unlinked
        mates = [j for j in same_kind if j != i and _compatible(ref, refs[j])]
        known_ids = {ids[j] for j in mates if known[j]}
        if len(known_ids) == 1:
            out[i] = known_ids.pop()
            continue
        if known_ids:
            continue
        fuller = [j for j in mates if _specificity(refs[j]) > _specificity(ref)]
        if fuller:
            best = max(fuller, key=lambda j: _specificity(refs[j]))
            rivals = {ids[j] for j in fuller if _specificity(refs[j]) == _specificity(refs[best])}
            if len(rivals) == 1:
                out[i] = ids[best]
    return out


# --- the extractor -----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _kind_of(written: str) -> Kind:
    """The kind a kind word stands for, as written: "Nghị Quyết", "nghị quyết", "NQ"."""
    for k in kinds().values():
        if written in k.abbreviations:
            return k
    return kinds()[" ".join(written.split()).casefold()]


def _kind_matches(text: str):
    """Kind words in order, without overlaps. Candidates come from ``str.find`` on the
    lowercased text (much cheaper than a case-insensitive alternation at every position); the
    kind regex then confirms each one in place."""
    pats = _patterns()
    low = text.lower()
    if len(low) != len(text):  # a rare character changed length: offsets would drift
        yield from pats.kind_word.finditer(text)
        return
    starts: set[int] = set()
    for key in pats.kind_keys:
        i = low.find(key)
        while i >= 0:
            starts.add(i)
            i = low.find(key, i + 1)
    for key in pats.abbreviations:
        i = text.find(key)
        while i >= 0:
            # an abbreviation counts only before a number ("NQ 28", "NQ TW8"): "NQ/TW" is a symbol
            after = text[i + len(key):i + len(key) + 1]
            if after.isdigit() or after in (" ", "T"):
                starts.add(i)
            i = text.find(key, i + 1)
    end = -1
    for pos in sorted(starts):
        if pos < end:
            continue
        m = pats.kind_word.match(text, pos)
        if m:
            end = m.end()
            yield m


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Disjoint sorted intervals covering ``spans``, as parallel start/end lists for bisect."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(spans):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _inside(pos: int, merged: tuple[list[int], list[int]]) -> bool:
    starts, ends = merged
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


_BEFORE_BARE = re.compile(r"(?i:số)\s++$")


def find(text: str) -> list[Document]:
    """Every document reference in ``text`` (already normalised), in order of appearance."""
    pats = _patterns()
    refs: list[_Ref] = []
    for km in _kind_matches(text):
        kind = _kind_of(km.group())
        ref = _core(text, km, kind)
        if ref is None:
            continue
        _modifiers(text, ref)
        if ref.rule == "unnumbered":
            if ref.title_quoted:
                ref.rule = "quoted_title"
            elif ref.date and _DIRECT_DATE.match(text, km.end()):
                ref.rule = "dated"
            else:
                continue
        _fill_from_symbol(ref)
        refs.append(ref)
    if "/" in text or "-" in text:
        taken = _merged([(r.start, r.end) for r in refs])
        added = False
        for m in pats.bare_symbol.finditer(text):
            start = m.start()
            if start and (text[start - 1].isalnum() or text[start - 1] in "/._-–—‐−"):
                continue
            if _inside(start, taken):
                continue
            so = _BEFORE_BARE.search(text, max(0, start - 8), start)
            ref = _Ref(so.start() if so else start, m.end(), _kind_by_code()[m.group("code").casefold()],
                       "bare_symbol", number=m.group("num"), symbol=_clean_symbol(m.group("sym")))
            if m.group("nyear"):
                ref.year = int(m.group("nyear"))
            _modifiers(text, ref)
            _fill_from_symbol(ref)
            refs.append(ref)
            added = True
        if added:
            refs.sort(key=lambda r: (r.start, -r.end))
    # A name inside another reference's title is part of that title ("Nghị quyết về “Chương
    # trình … nông thôn mới”"), not a reference of its own; a numbered one is kept.
    titles = _merged([(r.title_start, r.end) for r in refs if r.title_start is not None])
    refs = [r for r in refs if r.number or not _inside(r.start, titles)]
    resolved = [resolve(r) for r in refs]
    ids = _link(refs, [k.doc_id if k else _own_id(r) for k, r in zip(resolved, refs)],
                [k is not None for k in resolved])
    by_id = _known_by_id()
    out = []
    for ref, doc_id in zip(refs, ids):
        _trim_title(text, ref, by_id.get(doc_id) if doc_id else None)
        out.append(Document(
            text=text[ref.start:ref.end], start=ref.start, end=ref.end, rule=ref.rule,
            kind=ref.kind.name, number=ref.number, symbol=ref.symbol, year=ref.year, date=ref.date,
            issuer=ref.issuer, term=ref.term, title=ref.title, doc_id=doc_id,
        ))
    return out


def extract(doc: Analysis) -> list[Document]:
    """The documents an article cites (see the module docstring)."""
    return find(doc.text)
