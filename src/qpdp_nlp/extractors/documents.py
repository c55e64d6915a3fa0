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

``doc_id`` is one id per document, given by :mod:`.document_links`; the tables and helpers both
modules read are in :mod:`.document_tables`.

Kinds, issuer codes and phrases, names of laws and programmes are data: ``data/document_*.tsv``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from ..lexicons import UPPER, alternation
from ..records import Document
from ..text import Analysis, compile_scan
from .document_links import assign_ids
from .document_tables import (
    _DASH,
    Kind,
    Ref,
    clean_symbol,
    document_names,
    iso_date,
    issuer_by_phrase,
    issuer_head_pattern,
    issuer_of_symbol,
    issuers,
    kind_by_code,
    kinds,
    roman_ok,
)

# The rule of each reference (``Document.rule``): what names the document. ("unnumbered" is a
# reference's rule only until find() finds its quoted title or date; it is never emitted.)
RULES: dict[str, str] = {
    "numbered": 'a kind word, then its number or symbol ("Nghị quyết số 28", "Nghị định 168/2018/NĐ-CP")',
    "abbreviated": 'a kind abbreviation of document_kinds.tsv, then a number ("NQ 28", "QĐ số 12")',
    "plenum": 'a Party plenum resolution ("Nghị quyết Trung ương 8 khóa XI", "NQ TW8")',
    "congress": 'a Party congress resolution ("Nghị quyết Đại hội XIII")',
    "named_law": 'a law cited by its name: document_names.tsv, or a capitalised name ("Luật Nghĩa vụ quân sự năm 2015")',
    "named_table": "a programme or plan cited by a name of document_names.tsv",
    "quoted_title": 'no number nor name, but a quoted title ("Nghị quyết của Bộ Chính trị về “…”")',
    "dated": 'no number nor name, but a full date right after the kind ("Quyết định ngày 12/3/2023 của UBND tỉnh")',
    "bare_symbol": 'a document symbol on its own ("theo 28-NQ/TW", "số 168/2018/NĐ-CP")',
}

# --- patterns ----------------------------------------------------------------------------------

_UPPER = UPPER
_CAP_WORD = f"[{_UPPER}][^\\W\\d_]*"
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
# (compile_scan: searched before every law-like word; a look-ahead on the first characters.)
_NOT_LAW_BEFORE = compile_scan(r"(?:pháp|kỷ|quy|dự|điều|hiến|định|trái|đúng)\s++$", re.IGNORECASE)

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
    kind_word: re.Pattern[str]
    kind_keys: tuple[str, ...]  # lowercased kind names, searched with str.find first
    abbreviations: tuple[str, ...]
    issuer_head: re.Pattern[str]
    names: dict[str, re.Pattern[str]]
    bare_symbol: re.Pattern[str]
    issuer_tail: re.Pattern[str]
    title_end: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    ks = kinds().values()
    words = alternation((k.name for k in ks), flexible_spaces=True)
    abbrevs = alternation((a for k in ks for a in k.abbreviations), flexible_spaces=True)
    kind_word = re.compile(
        rf"(?<![^\W_])(?:(?P<word>(?i:{words}))(?![^\W_])|(?P<abbr>{abbrevs})"
        rf"(?=\s?(?:số\s)?\d|\s?(?:TW|TƯ|T\.Ư)\s?\d))"
    )
    issuer_head = issuer_head_pattern()
    # Place and unit names after a body ("Huyện ủy Vĩnh Linh", "Ban Chỉ đạo 35 Bộ Quốc phòng"):
    # a body named inside is taken whole, though its words are not all capitalised.
    issuer_tail = re.compile(
        rf"(?:\s++(?:(?:{_PLACE_WORDS})(?![^\W_])|(?i:{alternation((p for i in issuers() for p in i.phrases), flexible_spaces=True)})(?![^\W_])"
        rf"|(?!(?:{_STOP_CAPS})(?![^\W_])){_CAP_WORD}|\d{{1,3}}(?![\d/.]))){{0,7}}+"
    )
    names = {
        kind: re.compile(rf"\s++(?P<name>(?i:{alternation(ns, flexible_spaces=True)}))(?![^\W_])")
        for kind, ns in document_names().items()
    }
    codes = alternation((c for k in ks for c in k.codes), flexible_spaces=True)
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



_YEAR_ONLY = re.compile(_YEAR)
_GENERIC_NEXT = frozenset(",;.!?)]…")
_NUMBERED_NEXT = frozenset("sSlLhHpPcC:")  # số, liên tịch, hành động, phối hợp, công tác
_UNNUMBERED_NEXT = frozenset("vVcCdDnNk(")  # về, của/do, ngày, khóa, "(khóa"
_PLENUM_NEXT = frozenset("TtHhBbLlcCĐđ")  # Trung ương/TW/TƯ, Hội nghị, Ban/BCH, lần thứ, của, Đại hội


def _core(text: str, km: re.Match[str], kind: Kind) -> Ref | None:
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
                ref = Ref(km.start(), m.end(), kind, "abbreviated" if abbreviated else "numbered", number=num)
                if sym:
                    ref.symbol = clean_symbol(sym)
                if nyear:
                    ref.year = int(nyear)
                return ref
    if kind.named == "plenum" and peek in _PLENUM_NEXT:
        m = _PLENUM.match(text, pos)
        if m and m.group("pn") and _COUNT_AFTER.match(text, m.end()):
            m = None  # "nghị quyết Trung ương 10 năm qua" counts years
        if m:
            plenum = Ref(km.start(), m.end(), kind, "plenum")
            plenum.plenum = m.group("pn") or str(_WORD_NUMBERS.get(m.group("pw").casefold(), m.group("pw")))
            return plenum
        m = _CONGRESS.match(text, pos)
        if m and roman_ok(m.group("cong").upper()):
            return Ref(km.start(), m.end(), kind, "congress", term=m.group("cong").upper())
    if abbreviated:
        return None
    if kind.named in ("law", "table"):
        named = _named(text, km, kind, pos)
        if named is not None:
            return named
    if peek in _UNNUMBERED_NEXT:
        # No number or name yet: a quoted title or a full date may still single the document
        # out ("Nghị quyết của Bộ Chính trị về “…”", "Quyết định ngày 12/3/2023 của UBND
        # tỉnh"); find() keeps it only then.
        return Ref(km.start(), pos, kind, "unnumbered")
    return None


def _named(text: str, km: re.Match[str], kind: Kind, pos: int) -> Ref | None:
    """A law or programme cited by its name: "Luật Nghĩa vụ quân sự năm 2015"."""
    lowercase = km.group()[:1].islower()
    if lowercase and kind.named == "law" and _NOT_LAW_BEFORE.search(text, max(0, km.start() - 12), km.start()):
        return None  # "pháp luật", "kỷ luật", "dự luật"
    ref = None
    names = _patterns().names.get(kind.name.casefold())
    m = names.match(text, pos) if names is not None else None
    if m:
        cited = " ".join(m.group("name").split()).casefold()
        ref = Ref(km.start(), m.end(), kind, "named_law" if kind.named == "law" else "named_table",
                   name=document_names()[kind.name.casefold()][cited])
    elif kind.named == "law" and not lowercase:
        m = _LAW_FALLBACK.match(text, pos)
        if m:
            # "và" joins words of a name ("Luật Hôn nhân và gia đình") but not two laws
            # ("Luật Đất đai và Luật Cư trú"): a name never ends with it.
            name = re.sub(r"(?:\s++và)+$", "", re.split(rf"\s++và\s++(?=[{_UPPER}])", m.group("name"))[0])
            ref = Ref(km.start(), m.start("name") + len(name), kind, "named_law", name=name)
    if ref is None:
        return None
    m = _LAW_YEAR.match(text, ref.end)
    if m:
        ref.year, ref.end = int(m.group("y1") or m.group("y2")), m.end()
    m = _NUMBER_AFTER_NAME.match(text, ref.end)
    if m:
        ref.number, ref.symbol, ref.end = m.group("num"), clean_symbol(m.group("sym")), m.end()
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
    found = issuer_by_phrase().get(re.sub(r"\s++", " ", h.group()).casefold())
    if found is not None and found.place_tail:
        tail = _patterns().issuer_tail.match(text, end)
        end = tail.end() if tail else end  # the tail pattern matches the empty string too
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


def _modifiers(text: str, ref: Ref) -> None:  # noqa: C901 (one of today's listed exceptions: to shrink)
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
                ref.date = iso_date(day, month, int(y))
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
            issuer = _issuer(text, pos)
            if issuer:
                ref.issuer, ref.end = issuer
                continue
        if ref.term is None:
            m = _TERM_MOD.match(text, pos)
            if m and roman_ok((m.group("t1") or m.group("t2")).upper()):
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
        title = _title(text, m.end())
        if title:
            ref.title, ref.title_start, ref.end, ref.title_quoted = title
    if ref.day_month and ref.year:
        ref.date = iso_date(*ref.day_month, ref.year)


def _fill_from_symbol(ref: Ref) -> None:
    if not ref.symbol:
        return
    issuer, term = issuer_of_symbol(ref.symbol)
    if ref.issuer is None and issuer:
        ref.issuer, ref.issuer_from_symbol = issuer, True
    ref.term = ref.term or term



# --- the extractor -----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _kind_of(written: str) -> Kind:
    """The kind a kind word stands for, as written: "Nghị Quyết", "nghị quyết", "NQ"."""
    for k in kinds().values():
        if written in k.abbreviations:
            return k
    return kinds()[" ".join(written.split()).casefold()]


def _kind_matches(text: str) -> Iterator[re.Match[str]]:
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
    refs: list[Ref] = []
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
            ref = Ref(so.start() if so else start, m.end(), kind_by_code()[m.group("code").casefold()],
                       "bare_symbol", number=m.group("num"), symbol=clean_symbol(m.group("sym")))
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
    ids = assign_ids(text, refs)
    out = []
    for ref, doc_id in zip(refs, ids):
        out.append(Document(
            text=text[ref.start:ref.end], start=ref.start, end=ref.end, rule=ref.rule,
            kind=ref.kind.name, number=ref.number, symbol=ref.symbol, year=ref.year, date=ref.date,
            issuer=ref.issuer, term=ref.term, title=ref.title, doc_id=doc_id,
        ))
    return out


def extract(doc: Analysis) -> list[Document]:
    """The documents an article cites (see the module docstring)."""
    return find(doc.text)
