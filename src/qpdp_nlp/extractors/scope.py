"""The article's scope (where it is about), the year whose results it reports, and a rule topic.

>>> from qpdp_nlp.text import analyse
>>> from qpdp_nlp.extractors import places
>>> doc = analyse("Ba Bể tổng kết công tác quốc phòng\\n\\nNăm 2023, huyện Ba Bể đã hoàn thành "
...               "100% chỉ tiêu giao quân.")
>>> result = extract(doc, places.extract(doc))
>>> (result.scope.level, result.scope.province, result.scope.district, result.report_year, result.topic)
('district', 'Bắc Kạn', 'Ba Bể', 2023, 'review')

Scope is the unit whose work is reported, decided over candidates (rules, named in ``Scope.rule``):

1. ``zone``: a defence-zone command ("Ban Chỉ huy Phòng thủ khu vực 3 – Bảo Lâm") named in the
   title or the lead, or twice when the title names no place, is the scope: level district,
   district = the zone's name, no district type (the gold convention), the province the merged one.
2. ``national`` / ``military_region``: the title or the lead names a nationwide reach ("cả nước",
   "toàn quân", "cấp quốc gia", a Government or Ministry act) or a military region, and no place
   of the title or the lead is an actor (a venue "tại Hà Nội" is not).
3. places: each mention weighs by where it stands (title > lead > body), what precedes it (a
   body that acts, "UBND xã X", counts more; a venue "tại/ở X" less; a former unit "huyện X
   (cũ)" not at all) and the source's web domain (a commune or district portal names its unit,
   a provincial paper its province). A commune is the scope when the title or the domain names
   it, when a commune body acts in the lead, or after 2025 when the lead names it as an actor; a
   district when it is named in the title or lead, by the domain, or often; two or more districts
   side by side in the title or lead make the province the scope. After 1 July 2025 there are
   no districts: a legacy district never becomes the scope of a two-level article.

Names are those at publication time ("Thừa Thiên Huế" when the article or its domain writes it;
an old article re-hosted on a merged province's site keeps the province its text names).

Report year (``report_year_rule``): ``text`` (the best-supported year written in the text: a
review's year, an event's, an intake's when screened in the months before it, a festival's lunar
year, an anniversary's; a launch of next year's work that reviews this year has this year; with no
publication date also a year of the URL's slug or a date written in the text), ``period`` (a
review of several years: None), ``published`` / ``dateline`` (no year in the text: the
publication year of an event reported as it happens), ``none``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .. import gazetteer as gz
from ..lexicons import read_rows
from ..records import Count, Place, Scope, Topic, Unit, is_topic
from ..text import Analysis, Token, compile_scan, first_chars
from . import places as places_mod
from .zones import ZoneMention, defence_zone_in, defence_zones

# --- scope -------------------------------------------------------------------------------------

TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT, URL_WEIGHT = 5.0, 3.0, 1.0, 6.0
LEAD_SENTENCES = 2
VENUE_FACTOR = 0.3  # "tại xã X": where something happens, seldom whose work it is
ACTOR_FACTOR = 1.5  # "UBND xã X tổ chức …": the body that acts names the unit
SUBJECT_FACTOR = 1.25  # "Xã X tổng kết …": the place that opens its clause acts

# The regexes searched over the text or over the clause before a place or a year are built by
# compile_scan (a look-ahead on the characters a match starts with: the case-insensitive
# alternations scan two to four times faster, same matches); a pattern that opens with literals
# keeps re.compile, whose own prefix scan is faster still.
_MILITARY_REGION = re.compile(r"Quân khu(?: \d| Thủ đô| [IVX]+\b)|Bộ Tư lệnh Quân khu")
_NATIONAL = compile_scan(
    r"Bộ Quốc phòng|Bộ Tổng Tham mưu|Tổng cục Chính trị|Quân ủy Trung ương|toàn quân|"
    r"Chính phủ|Thủ tướng|Chủ tịch nước|Bộ Công an|Cục Cảnh sát|"
    r"(?:trên )?(?:phạm vi )?cả nước|toàn quốc|cấp quốc gia|các tỉnh, thành(?: phố)?",
    re.IGNORECASE,
)
# A nationwide reach, not only a national body (a national body often visits one province).
_NATIONWIDE = compile_scan(
    r"cả nước|toàn quốc|cấp quốc gia|toàn quân|các tỉnh, thành|(?:Chính phủ|Bộ Quốc phòng|Bộ Công an)"
    r"(?: đã)? (?:ban hành|đề xuất|tổ chức hội nghị|tổ chức Hội nghị|chỉ đạo|yêu cầu|giao)|"
    r"Nghị quyết số \S+/NQ-CP|(?:đề xuất|dự thảo)[^.\n]{0,40}(?:Nghị định|Nghị quyết|Luật)",
    re.IGNORECASE,
)
# Words right before a place that make it a venue ("tại xã X", "ở phường Y", "về huyện Z").
# A comma may close a capitalised word of an address ("tại xã Long Bình, TX. Ngã Năm"), not a
# clause ("ở tận cùng thôn bản, Lào Cai đang …": Lào Cai is the next clause's subject).
_VENUE_BEFORE = re.compile(
    rf"(?:^|[ (])(?i:tại|ở|đến|về|trên địa bàn)[ ](?:(?:[^ .;:,]+|[{places_mod._UPPER}][^ .;:,]*,)[ ]){{0,5}}$"
)
# A place that opens its clause is its subject ("Xã Lương Sơn tổng kết …", "Sáng 4/3, phường X …").
_SUBJECT_BEFORE = re.compile(
    r"(?:^|[.;:\n]|^\W*)[ ]*(?:date[ ]\d{4}-\d\d(?:-\d\d)?[ ]+)?"  # a page's date line before it
    r"(?:(?:Sáng|Chiều|Tối|Trưa|Ngày|Hôm nay|Vừa qua|Trong năm|Năm)[^,.;:\n]{0,24},[ ]*)?"
    r"(?:\(?[A-ZĐ]{2,6}\)?[ ]?[-–][ ]?)?$"
)
# A body that acts, right before a place ("UBND xã X", "Ban CHQS huyện Y", "Hội đồng NVQS phường").
_BODY_BEFORE = compile_scan(
    r"(?:Đảng ủy|Huyện ủy|Thị ủy|Thành ủy|Tỉnh ủy|UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Ban CHQS|"
    r"Ban Chỉ huy Quân sự|BCH Quân sự|BCHQS|Bộ CHQS|Bộ Chỉ huy Quân sự|Công an|Hội đồng [Nn]ghĩa vụ quân sự|"
    r"Hội đồng NVQS|Hội đồng giáo dục quốc phòng(?: và an ninh)?|Ban Chỉ đạo[^,.;]{0,30}|"
    r"Lực lượng vũ trang|LLVT)[ ,]*$",
    re.IGNORECASE,
)
# A venue word right before a body: its seat is where the event is held, not who holds it.
_VENUE_RIGHT_BEFORE = re.compile(r"(?:^|[ (])(?:tại|ở)[ ](?:(?:trụ sở|hội trường|sân)[ ])?$", re.IGNORECASE)
# An office right before a body: a person's title ("Bí thư Tỉnh ủy X", "Chủ tịch UBND huyện Y").
_OFFICE_RIGHT_BEFORE = compile_scan(
    r"(?:Bí thư|Chủ tịch|Chủ nhiệm|Chỉ huy trưởng|Chính ủy|Chính trị viên|Tham mưu trưởng|Giám đốc|"
    r"Trưởng|Phó|Ủy viên|Thường trực|Thành viên|Lãnh đạo|đại diện)[ ]$",
    re.IGNORECASE,
)
_FORMER_AFTER = re.compile(r"[ ]?(?:\(cũ\)|cũ(?![^\W_]))")
# Page chrome that names a place: a weather widget ("Cà Mau, 32°C") and a masthead or the name of
# a newspaper or station ("Báo điện tử Cà Mau", "Theo dõi Báo Gia Lai", "Truyền hình Đại Lộc").
_WEATHER_AFTER = re.compile(r",?[ ]?-?\d{1,2}[ ]?°")
_MASTHEAD_BEFORE = compile_scan(
    r"(?<![^\W_])(?:Báo(?: điện tử)?|Truyền hình|Đài (?:PT-TH|PTTH|Phát thanh(?: và| -)? Truyền hình)|"
    r"Cổng (?:thông tin|TTĐT)(?: điện tử)?)[ ]$"
)
# A provincial body written without the province's name ("Bộ Chỉ huy Quân sự tỉnh:", "Đoàn công
# tác Hội Chữ thập đỏ tỉnh đã đến …"): the province acts, whichever lower places host it.
_UNNAMED_PROVINCE_BODY = compile_scan(
    rf"(?<![^\W_])(?:Bộ Chỉ huy Quân sự|Bộ CHQS|UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Công an|"
    rf"Hội(?:[ ][{places_mod._UPPER}][^\W_]*){{1,3}}(?:[ ][^\W\d_]+){{0,2}}?|Ban Chỉ đạo[^,.;:\n]{{0,30}}?|"
    rf"Mặt trận Tổ quốc(?: Việt Nam)?|Hội đồng [Nn]ghĩa vụ quân sự|Hội đồng NVQS|Lực lượng vũ trang|LLVT)"
    rf"[ ]tỉnh(?![ ]?[{places_mod._UPPER}\d])"
)
_COMMUNE_EXERCISE = re.compile(
    r"diễn tập[^.\n]{0,60}(?:cấp (?:xã|phường)|chiến đấu (?:phòng thủ )?(?:xã|phường))", re.IGNORECASE
)
# The unit that holds an exercise is the one named after it ("diễn tập chiến đấu … tại/cho xã X").
_EXERCISE_BEFORE = re.compile(r"diễn tập[^.;:\n]{0,70}$", re.IGNORECASE)
# A bullet line at the top of a page is a link to another article ("- Ban Chỉ huy … luyện tập").
_BULLET_LINE = re.compile(r"(?m)^[ ]*[-•*][ ]")


@dataclass
class ScopeResult:
    scope: Scope = field(default_factory=Scope)
    report_year: int | None = None
    report_year_rule: str | None = None
    report_year_confidence: float | None = None
    topic: Topic | None = None


LEAD_MIN_WORDS = 6  # shorter "sentences" at the top are page chrome ("Quốc phòng - An ninh", dates)


def _zones(doc: Analysis) -> tuple[int, int]:
    """End of the title and end of the lead (the first sentences of the body, page chrome not
    counted), as offsets."""
    title_end = len(doc.title) if doc.title and doc.text.startswith(doc.title) else 0
    # Only the first LEAD_SENTENCES sentences of the body (full ones first) can end the lead:
    # the walk stops there rather than counting the words of every sentence (this runs four
    # times an article).
    body: list[Token] = []
    full: list[Token] = []
    for s in doc.sentences:
        if s.start < title_end:
            continue
        if len(body) < LEAD_SENTENCES:
            body.append(s)
        if len(doc.text[s.start : s.end].split()) >= LEAD_MIN_WORDS:
            full.append(s)
            if len(full) == LEAD_SENTENCES:
                break
    lead = full or body
    lead_end = lead[-1].end if lead else title_end
    return title_end, lead_end


def _weight(start: int, title_end: int, lead_end: int) -> float:
    if start < title_end:
        return TITLE_WEIGHT
    if start < lead_end:
        return LEAD_WEIGHT
    return BODY_WEIGHT


# --- defence zones (their names: extractors/zones.py) ----------------------------------------

# How the scope was decided: "<level>:<evidence>", the level of the unit whose work is reported
# and where the deciding evidence stood. Every Scope.rule is one of RULES (or None: no evidence).
_LEVEL_MEANING = {
    "commune": "a commune or ward", "district": "a district", "province": "a province",
    "zone": "a defence zone (district level)",
}
_EVIDENCE_MEANING = {
    "title": "named in the title", "slug": "named in the URL's slug (a page without a headline)",
    "url": "the web domain of its own portal", "lead": "acting in the lead", "body": "acting in the body",
}
RULES: dict[str, str] = {
    **{f"{level}:{where}": f"{meaning}, {evidence}" for level, meaning in _LEVEL_MEANING.items()
       for where, evidence in _EVIDENCE_MEANING.items() if not (level == "zone" and where in ("slug", "url"))},
    "province:districts": "a province, whose several districts the title or lead names side by side",
    "province:unnamed_body": 'a province, its body acting without a name ("Bộ CHQS tỉnh" tổng kết …)',
    "military_region:provinces": "a military region, the lead listing provinces of one region",
    "military_region:lead": "a military region acting in the title or lead",
    "national:provinces": "national, the lead listing three or more provinces",
    "national:lead": "national, a national body or reach in the title or lead",
    "national:body": "national: no place at all, and a nationwide reach in the text",
    "unknown": "no place and no reach decides: level unknown",
}
# How the report year was decided (ArticleRecord.report_year_rule).
YEAR_RULES: dict[str, str] = {
    "text": "the best-supported year written in the text (a review's, an event's, an intake's …)",
    "period": "a review of several years: no single year",
    "published": "no year in the text: the publication year of an event reported as it happens",
    "dateline": "no year in the text nor metadata: the year of the page's dateline",
    "none": "nothing gives a year",
}

_ZONE_CANONICAL = "Ban Chỉ huy Phòng thủ khu vực"


def _zones_from_units(units: Sequence[Unit]) -> list[ZoneMention]:
    out = []
    for u in units:
        if u.canonical and u.canonical.startswith(_ZONE_CANONICAL):
            parsed = defence_zone_in(u.canonical)
            if parsed:
                out.append(ZoneMention(u.start, u.end, parsed[0], parsed[1]))
    return out


def _merge_zones(from_units: list[ZoneMention], from_text: list[ZoneMention]) -> list[ZoneMention]:
    """The units extractor's zone commands first; the text's own mentions fill what it did not
    find (a name written only once, a mention it did not take as a unit)."""
    taken = [(z.start, z.end) for z in from_units]
    extra = [z for z in from_text if not any(a <= z.start < b or z.start <= a < z.end for a, b in taken)]
    return sorted(from_units + extra, key=lambda z: z.start)


_ZONE_VENUE = re.compile(r"(?:^|[ (])(?:tại|ở)[ ][^.;,\n]{0,40}$", re.IGNORECASE)
# A defence zone in a URL's slug: "…-ban-chi-huy-phong-thu-khu-vuc-3-mai-son", "…-ptkv-2-…".
_SLUG_ZONE = re.compile(r"(?:phong thu khu vuc|ptkv) ?(\d{1,2})\b")


def _clause_before(text: str, start: int, reach: int = 60) -> str:
    """The words before ``start`` back to the last sentence or clause break within ``reach``."""
    before = text[max(0, start - reach) : start]
    cut = max(before.rfind("."), before.rfind(";"), before.rfind("\n"))
    return before[cut + 1 :]


@dataclass
class _ZoneTally:
    number: int
    name: str | None
    mentions: list[ZoneMention] = field(default_factory=list)
    in_title: bool = False
    in_lead: bool = False


def _tally_zones(
    doc: Analysis, zones: list[ZoneMention], title_end: int, lead_end: int
) -> _ZoneTally | None:
    """The zone the article is most about, with where it is named; names found once complete the
    mentions of the same number written without one."""
    by_number: dict[int, _ZoneTally] = {}
    bullets = [
        (m.start(), doc.text.find("\n", m.start())) for m in _BULLET_LINE.finditer(doc.text, 0, lead_end)
    ]
    for z in zones:
        if any(a <= z.start < (b if b >= 0 else len(doc.text)) for a, b in bullets):
            continue  # a link to another article
        t = by_number.setdefault(z.number, _ZoneTally(z.number, z.name))
        t.name = t.name or z.name
        t.mentions.append(z)
        t.in_title |= z.start < title_end
        # "tại điểm giao nhận quân số 7: Ban Chỉ huy PTKV 3": a venue of a wider event.
        t.in_lead |= title_end <= z.start < lead_end and not _ZONE_VENUE.search(
            _clause_before(doc.text, z.start)
        )
    if title_end == 0:
        slug = " ".join(places_mod._slug_words(doc.meta.get("url")))
        for m in _SLUG_ZONE.finditer(slug):
            if int(m.group(1)) in by_number:
                by_number[int(m.group(1))].in_title = True
    named = [t for t in by_number.values() if t.name]
    if not named:
        return None
    return max(named, key=lambda t: (t.in_title, t.in_lead, len(t.mentions)))


# --- places as candidates ------------------------------------------------------------------------


@dataclass
class _Tally:
    score: float = 0.0
    first: int = 10**9
    unit: gz.AdminUnit | None = None
    written_types: Counter[str] = field(default_factory=Counter)
    in_title: bool = False
    in_lead: bool = False
    actor_in_head: bool = False  # named in the title or lead other than as a venue
    head_role: float = 0.0  # the strongest role of its mentions in the title or lead (0: none)
    title_role: float = 0.0  # the strongest role of its mentions in the title (0: none)
    from_slug: bool = False  # named by the URL's slug (the headline when the text has none)
    places: list[Place] = field(default_factory=list)

    @property
    def known_unit(self) -> gz.AdminUnit:
        """``unit``, where the caller knows it is set (``best`` in :func:`decide_scope` returns
        only tallies with a unit)."""
        if self.unit is None:
            raise ValueError("a place tally without a unit")  # a caller's bug, not the data's
        return self.unit


_TallyKey = tuple[str, str, str]  # (level, province, name; "" for a province)


def _unit_of(place: Place) -> gz.AdminUnit | None:
    """The gazetteer unit a resolved place stands for (codes alone are not enough: Lào Cai is
    15 after 2025, Yên Bái was 15 before)."""
    level = places_mod.place_level(place)
    if level is None:
        return None
    if place.code is None:
        if place.name is None:
            return None  # not reached: place_level gives a level only to a named former district
        found = [
            u for u in gz.lookup(place.name, "district") if u.province == place.province and u.code is None
        ]
        return found[0] if found else None
    units = [u for u in (gz.by_code(place.code, level, era) for era in gz.ERAS) if u is not None]
    for u in units:
        if (
            u.province == place.province
            and u.district == place.district
            and u.province_2025 == place.province_2025
        ):
            return u
    # A former province name ("Thừa Thiên Huế"): the unit of the same code and 2025 province.
    return next((u for u in units if u.province_2025 == place.province_2025), None)


def _credit(tallies: dict[_TallyKey, _Tally], unit: gz.AdminUnit, w: float) -> _Tally:
    """Add ``w`` to the unit's tally, and half of it to its district's and province's: a commune
    named speaks for its district and province too, a district for its province."""
    t = tallies[(unit.level, unit.province, unit.name if unit.level != "province" else "")]
    t.score += w
    t.unit = unit
    if unit.level == "commune" and unit.district:
        d = tallies[("district", unit.province, unit.district)]
        d.score += w / 2
        if d.unit is None:
            d.unit = next(
                (u for u in gz.lookup(unit.district, "district") if u.code == unit.district_code), None
            )
    if unit.level != "province":
        pv = tallies[("province", unit.province, "")]
        pv.score += w / 2
        if pv.unit is None:
            pv.unit = next((u for u in gz.lookup(unit.province, "province") if u.era == unit.era), None)
    return t


def _role(doc: Analysis, p: Place) -> float:
    """How much a mention says about whose work is reported: a body that acts before it, a venue,
    or a former unit ("huyện X (cũ)": history, nothing)."""
    if _FORMER_AFTER.match(doc.text, p.end) or _WEATHER_AFTER.match(doc.text, p.end):
        return 0.0
    if _MASTHEAD_BEFORE.search(doc.text, max(0, p.start - 20), p.start):
        return 0.0  # "Báo điện tử Cà Mau", "Truyền hình Đại Lộc": the source, read from its host
    before = doc.text[max(0, p.start - 60) : p.start]
    cut = max(before.rfind("."), before.rfind(";"), before.rfind("\n"))
    clause = before[cut + 1 :]
    body = _BODY_BEFORE.search(clause)
    if body and _VENUE_RIGHT_BEFORE.search(clause, 0, body.start()):
        return VENUE_FACTOR  # "tổ chức tại Ban CHQS quận 12": the body's seat is the venue
    if body and _OFFICE_RIGHT_BEFORE.search(clause, 0, body.start()):
        return 1.0  # "Bí thư Tỉnh ủy Hà Giang": a guest's office, not the body that acts
    if body or _EXERCISE_BEFORE.search(clause):
        return ACTOR_FACTOR
    if _VENUE_BEFORE.search(clause):
        return VENUE_FACTOR
    if _SUBJECT_BEFORE.search(clause):
        return SUBJECT_FACTOR
    return 1.0


def _province_unit(name: str, era: str) -> gz.AdminUnit | None:
    found = gz.lookup(name, "province")
    return next((u for u in found if u.era == era), found[0] if found else None)


def decide_scope(  # noqa: C901 (one of today's listed exceptions: to shrink)
    doc: Analysis,
    found: list[Place],
    era: places_mod.Era | None = None,
    zones: Sequence[ZoneMention] = (),
) -> Scope:
    """The article's level and unit, from its places, its defence zones and its URL."""
    era = era or places_mod.article_era(doc)
    two_level = era.two_level
    title_end, lead_end = _zones(doc)
    url = places_mod.url_places(doc.meta.get("url"))
    tallies: dict[_TallyKey, _Tally] = defaultdict(_Tally)
    former_province_names: dict[str, str] = {}
    zone = _tally_zones(doc, list(zones), title_end, lead_end)
    zone_spans = [(z.start, z.end) for z in zones]
    for p in found:
        unit = _unit_of(p)
        if unit is None:
            continue
        if any(a <= p.start < b for a, b in zone_spans):
            continue  # the zone's name, weighed as the zone
        if two_level and unit.level == "district" and unit.era == "legacy":
            continue  # no districts after 1 July 2025: a legacy district is history
        if unit.level == "province" and p.name is not None and p.name != unit.name:
            former_province_names[unit.name] = p.name
        role = _role(doc, p)
        if role == 0.0:
            continue
        w = _weight(p.start, title_end, lead_end) * role
        t = _credit(tallies, unit, w)
        t.first = min(t.first, p.start)
        t.places.append(p)
        t.in_title |= p.start < title_end
        t.in_lead |= title_end <= p.start < lead_end
        t.actor_in_head |= p.start < lead_end and role > 1.0
        t.head_role = max(t.head_role, role if p.start < lead_end else 0.0)
        t.title_role = max(t.title_role, role if p.start < title_end else 0.0)
        if p.type:
            t.written_types[p.type] += 1
    if title_end == 0:
        # No headline in the text: the URL's slug is the headline without its diacritics.
        for sp in places_mod.slug_places(doc.meta.get("url"), era.era):
            if two_level and sp.unit.level == "district" and sp.unit.era == "legacy":
                continue
            role = VENUE_FACTOR if sp.venue else SUBJECT_FACTOR if sp.position == 0 else 1.0
            t = _credit(tallies, sp.unit, TITLE_WEIGHT * role)
            t.first = min(t.first, -1)
            t.in_title = t.from_slug = True
            t.actor_in_head |= role > 1.0
            t.head_role = max(t.head_role, role)
            t.title_role = max(t.title_role, role)
    url_units = []
    url_era = "2025" if two_level else "legacy"
    url_communes = [u for u in url.commune if u.era == url_era] or url.commune
    if len(url_communes) == 1:
        url_units.append(url_communes[0])
    if len({u.code for u in url.district}) == 1 and not (two_level and url.district[0].era == "legacy"):
        url_units.append(url.district[0])
    if url.province:
        url_province = next((u for u in url.province if u.era == url_era), url.province[0])
        if not two_level:
            # An old article re-hosted on a merged province's site ("baocamau.vn" for a Bạc Liêu
            # story): the legacy province of that 2025 province which the text names wins.
            # Its province, or the province of the legacy districts it names ("huyện Hồng Dân"
            # in a text that writes only "Bộ CHQS tỉnh"), when the masthead is the merged one.
            found_named = [
                t.unit if lv == "province" else _province_unit(t.unit.province, "legacy")
                for (lv, _, _), t in tallies.items()
                if lv in ("province", "district")
                and t.unit
                and t.unit.era == "legacy"
                and t.unit.province_2025 == url_province.province_2025
                and (t.places or t.from_slug)
            ]
            named = [u for u in found_named if u is not None]
            if named and url_province.name not in {u.name for u in named}:
                url_province = max(named, key=lambda u: tallies[("province", u.name, "")].score)
        url_units.append(url_province)
        if url.province_name:
            former_province_names[url.province[0].name] = url.province_name
    for unit in url_units:
        key = (unit.level, unit.province, unit.name if unit.level != "province" else "")
        t = tallies[key]
        t.score += URL_WEIGHT
        t.unit = unit

    def best(level: str, province: str | None = None) -> _Tally | None:
        pool = [
            t
            for (lv, pv, _), t in tallies.items()
            if lv == level and t.unit and (province is None or pv == province)
        ]
        pool.sort(key=lambda t: (-t.score, t.first))
        return pool[0] if pool else None

    head = doc.text[:lead_end]
    top_province = best("province")
    top_district = best("district")
    top_commune = best("commune")
    if top_district and top_province and top_district.known_unit.province != top_province.known_unit.name:
        # The district's own province wins unless another province clearly dominates.
        own = tallies.get(("province", top_district.known_unit.province, ""))
        if own is None or top_province.score > 2 * own.score + top_district.score:
            top_district = best("district", top_province.known_unit.name)

    scope = Scope(era=era.era, era_evidence=era.evidence)
    url_levels = {u.level for u in url_units}
    province_named = top_province is not None and (
        top_province.in_title or top_province.in_lead or "province" in url_levels
    )
    # A province named at the top (title, or the lead other than as a venue) is not narrowed by a
    # district the body alone names (an example, an address, a list of the province's districts).
    province_heads = top_province is not None and (
        top_province.in_title or (top_province.in_lead and top_province.head_role >= 1.0)
    )
    province_acts = top_province is not None and top_province.head_role > 1.0
    district_named = top_district is not None and (
        top_district.in_title
        # a venue of the lead narrows a scope only when the province does not act there itself
        # ("TP.HCM đồng loạt tổ chức lễ giao quân … tại Ban CHQS quận 12")
        or (top_district.in_lead and (top_district.head_role >= 1.0 or not province_acts))
        or "district" in url_levels
        or (top_district.score >= 2 * BODY_WEIGHT and not province_heads)
    )
    title_places = any(t.in_title and (t.places or t.from_slug) for t in tallies.values())
    # A province heading the title ("Gia Lai: …", a provincial paper's habit) leaves the unit
    # that acts in the lead to decide; a commune or district in the title does not.
    title_below = any(
        t.in_title and (t.places or t.from_slug) and t.unit.level != "province"
        for t in tallies.values()
        if t.unit
    )
    # The province acts without its name: in the title, or in the lead where no lower unit acts.
    unnamed_province = [
        m
        for m in _UNNAMED_PROVINCE_BODY.finditer(doc.text, 0, lead_end)
        if not _OFFICE_RIGHT_BEFORE.search(_clause_before(doc.text, m.start()))
    ]
    province_by_body = top_province is not None and any(
        m.start() < title_end
        or not any(t.head_role > 1.0 for t in tallies.values() if t.unit and t.unit.level != "province")
        for m in unnamed_province
    )
    if zone is not None and (
        zone.in_title or (zone.in_lead and not title_below) or (len(zone.mentions) >= 2 and not title_places)
    ):
        _fill_zone(scope, zone, top_province, url_units)
        scope.rule = "zone:" + ("title" if zone.in_title else "lead" if zone.in_lead else "body")
        return scope
    if _province_roundup(doc, tallies, lead_end):
        # "4 địa phương … gồm A, B, C và D đồng loạt …": several provinces, none the subject.
        if _MILITARY_REGION.search(head):
            scope.level, scope.rule = "military_region", "military_region:provinces"
        else:
            scope.level, scope.rule = "national", "national:provinces"
        return scope
    actors_in_head = [
        t
        for t in tallies.values()
        if t.unit and (t.actor_in_head or (t.in_title and (t.places or t.from_slug)))
    ]
    if _NATIONWIDE.search(head) and not actors_in_head:
        scope.level, scope.rule = "national", "national:lead"
        return scope
    if _MILITARY_REGION.search(head) and not province_named and not district_named:
        scope.level, scope.rule = "military_region", "military_region:lead"
        return scope
    commune = (
        top_commune
        if top_commune is not None
        and _is_about_commune(doc, top_commune, title_end, lead_end, "commune" in url_levels, two_level)
        else None
    )
    if (
        commune is not None
        and not two_level
        and top_district is not None
        and commune.known_unit.district_code not in (top_district.known_unit.code, None)
    ):
        commune = None
    if (
        commune is None
        and top_commune is not None
        and (top_commune.in_title or top_commune.in_lead)
        and _COMMUNE_EXERCISE.search(head)
    ):
        commune = top_commune  # "diễn tập … cấp xã": the commune named at the top holds it
    several = _several_districts(tallies, top_district)
    if (
        province_by_body
        and top_province is not None  # implied by province_by_body; written for the type checker
        and not (commune is not None and commune.in_title)
        and not (top_district is not None and top_district.in_title)
    ):
        scope.level, scope.rule = "province", "province:unnamed_body"
        _fill_province(scope, top_province.known_unit)
    elif commune is not None:
        district = tallies.get(("district", commune.known_unit.province, commune.known_unit.district or ""))
        if district is not None and district.unit is not None:
            _fill_district(scope, district)
        _fill_commune(scope, commune.known_unit)  # after the district: the commune's own coordinates
        scope.level, scope.rule = "commune", "commune:" + _evidence(commune, url_units)
    elif district_named and top_district is not None and not two_level and not several:
        _fill_district(scope, top_district)
        scope.level, scope.rule = "district", "district:" + _evidence(top_district, url_units)
    elif top_province is not None:
        scope.level = "province"
        scope.rule = "province:" + (
            "districts" if several and district_named else _evidence(top_province, url_units)
        )
        _fill_province(scope, top_province.known_unit)
    elif _NATIONAL.search(head):
        scope.level, scope.rule = "national", "national:lead"
    elif _NATIONWIDE.search(doc.text):
        scope.level, scope.rule = "national", "national:body"  # no place at all, a nationwide reach
    if scope.province in former_province_names:
        scope.province = former_province_names[scope.province]
    if scope.rule is None:
        scope.rule = "unknown"
    return scope


ROUNDUP_PROVINCES = 3


def _province_roundup(doc: Analysis, tallies: dict[_TallyKey, _Tally], lead_end: int) -> bool:
    """One sentence of the lead lists three or more provinces, and the title names no place other
    than as a venue: the story is about all of them (a region's or the nation's)."""
    if any(t.title_role >= 1.0 for t in tallies.values()):
        return False
    by_sentence: dict[int, set[str]] = defaultdict(set)
    for t in tallies.values():
        if t.unit is None or t.unit.level != "province":
            continue
        for p in t.places:
            if p.start < lead_end:
                sentence = doc.sentence_at(p.start)
                by_sentence[sentence.start if sentence else p.start].add(t.unit.name)
    return any(len(names) >= ROUNDUP_PROVINCES for names in by_sentence.values())


def _several_districts(tallies: dict[_TallyKey, _Tally], top: _Tally | None) -> bool:
    """Two or more districts of one province side by side in the title or lead, none dominant
    ("Các huyện Khoái Châu, Yên Mỹ, Tiên Lữ …"): the province is the smallest common unit."""
    if top is None or not (top.in_title or top.in_lead):
        return False
    peers = [
        t
        for (lv, pv, _), t in tallies.items()
        if lv == "district"
        and pv == top.known_unit.province
        and t.unit is not None
        and t is not top
        and (t.in_title or t.in_lead)
        and t.score >= top.score / 2
        and (t.unit.code is None or t.unit.code != top.known_unit.code)
    ]
    return bool(peers)


def _fill_zone(
    scope: Scope, zone: _ZoneTally, top_province: _Tally | None, url_units: list[gz.AdminUnit]
) -> None:
    """A defence zone: district level named by the zone (no district type), in the province the
    text or the domain names, else the 2025 province of the legacy district the zone is named
    after; ``successor_of`` that district when it lies in the zone's province."""
    scope.level = "district"
    scope.district = zone.name
    scope.district_type = None
    scope.defence_zone = zone.name
    scope.defence_zone_number = zone.number
    legacy = [u for u in gz.lookup(zone.name or "", "district") if u.era == "legacy" and u.code]
    province = top_province.unit if top_province is not None else None
    if province is None:
        provinces = {u.province_2025 for u in legacy}
        if len(provinces) == 1:
            province = _province_unit(provinces.pop(), "2025")
    if province is not None:
        _fill_province(scope, province)
        if province.era == "legacy" and scope.era == "2025":
            _fill_province(scope, _province_unit(province.province_2025, "2025") or province)
    same = [u for u in legacy if scope.province_2025 in (u.province_2025, None)]
    if len(same) == 1:
        scope.successor_of, scope.successor_of_code = same[0].name, same[0].code
        scope.lat, scope.lon = same[0].lat, same[0].lon


def _fill_province(scope: Scope, u: gz.AdminUnit) -> None:
    scope.province, scope.province_code = u.name, u.code
    scope.province_2025, scope.province_2025_code = u.province_2025, u.province_2025_code
    scope.lat, scope.lon = u.lat, u.lon


def _evidence(t: _Tally, url_units: list[gz.AdminUnit]) -> str:
    """Where the deciding unit was found, for the record's ``rule``."""
    if t.in_title:
        return "slug" if t.from_slug and not t.places else "title"
    if any(u is t.unit for u in url_units):
        return "url"
    return "lead" if t.in_lead else "body"


_BODY_OF_COMMUNE = compile_scan(
    r"(?:Đảng ủy|UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Ban CHQS|Ban Chỉ huy Quân sự|Công an|"
    r"Hội đồng [Nn]ghĩa vụ quân sự|BCH Quân sự),?[ ]$",
    re.IGNORECASE,
)


def _is_about_commune(
    doc: Analysis, t: _Tally, title_end: int, lead_end: int, from_url: bool, two_level: bool
) -> bool:
    """A commune is the article's subject when the title or the portal's domain names it, when a
    commune body acts in the lead ("UBND xã Minh Đức tổ chức …"), or, after 2025 (no districts),
    when the lead names it other than as a venue."""
    if t.in_title or from_url:
        return True
    if two_level and t.in_lead and t.actor_in_head:
        return True
    for p in t.places:
        if title_end <= p.start < lead_end and _BODY_OF_COMMUNE.search(
            doc.text[max(0, p.start - 40) : p.start]
        ):
            return True
    return False


def _fill_district(scope: Scope, t: _Tally) -> None:
    u = t.known_unit
    scope.province = u.province
    scope.province_code = u.province_code
    scope.province_2025 = u.province_2025
    scope.province_2025_code = u.province_2025_code
    scope.district = u.name
    scope.district_code = u.code
    written = [ty for ty, _ in t.written_types.most_common() if ty in gz.DISTRICT_TYPES]
    scope.district_type = written[0] if written else u.type
    scope.lat, scope.lon = u.lat, u.lon


def _fill_commune(scope: Scope, u: gz.AdminUnit) -> None:
    scope.province = u.province
    scope.province_code = u.province_code
    scope.province_2025 = u.province_2025
    scope.province_2025_code = u.province_2025_code
    scope.commune = u.name
    scope.commune_code = u.code
    scope.commune_code_2025 = gz.code_2025(u)
    scope.lat, scope.lon = u.lat, u.lon


# Share of right scopes (province, district or zone, commune and level all right) per deciding rule,
# measured on the 226 gold items (dev, seed, dev2, the 150 scope labels) at 25740b4 and shrunk
# towards the rule kind's rate where a rule decided few items: the confidence of a scope. In-sample
# (the rules were written reading these items), so optimistic; bench/scope_cv.py gives site folds.
_RULE_CONFIDENCE = {
    "zone:title": 0.95,
    "zone:lead": 0.9,
    "zone:body": 0.85,
    "commune:title": 0.93,
    "commune:url": 0.87,
    "commune:lead": 0.83,
    "commune:body": 0.7,
    "district:title": 0.95,
    "district:url": 0.9,
    "district:lead": 0.85,
    "district:body": 0.3,
    "province:title": 0.95,
    "province:lead": 0.9,
    "province:url": 0.65,
    "province:body": 0.3,
    "province:districts": 0.8,
    "national:lead": 0.75,
    "military_region:lead": 0.85,
}
# Rules added after that measurement (few items each, not yet measured apart): their kind's rate.
_KIND_CONFIDENCE = {
    "zone": 0.9,
    "commune": 0.85,
    "district": 0.85,
    "province": 0.75,
    "national": 0.75,
    "military_region": 0.8,
}


def scope_confidence(scope: Scope) -> float:
    """A probability-like confidence that province, district or zone, commune and level are right:
    the measured rate of the rule that decided (``_RULE_CONFIDENCE``); 0.1 when nothing decided."""
    rule = scope.rule or ""
    if not rule:
        return 0.1
    return _RULE_CONFIDENCE.get(rule, _KIND_CONFIDENCE.get(rule.partition(":")[0], 0.5))


# --- report year -------------------------------------------------------------------------------

_YEAR_TOKEN = re.compile(
    # Every match starts with a digit: the look-ahead lets re skip the other positions fast.
    r"(?=\d)(?<![\d/.,-])(?:\d{1,2}[/.-])?(?:(\d{1,2})[/.])?(19[5-9]\d|20[0-4]\d)(?![\d/])"
    r"(?P<period>[ ]?[-–][ ]?(?:19|20)\d\d)?"
)
# What the words before a year say about it (matched on the lower-cased 80 characters before it,
# at their end). A year reported on: "năm 2023, …", "tổng kết … năm 2022", "lễ giao quân năm 2024",
# "từ đầu năm 2020 đến nay" (this year's results so far).
_REPORTED = compile_scan(
    r"(?:tổng kết|sơ kết|kết quả|giao,? nhận quân|giao quân|nhập ngũ|huấn luyện|diễn tập|khám tuyển|"
    r"tuyển quân|khai mạc|hoàn thành|an ninh|địa phương)(?=[^.\n;]{0,50}năm $)"
    r"|(?:tháng|quý) đầu năm $|(?:kể )?từ đầu năm $"
)
_SENTENCE_START_YEAR = re.compile(
    r"^(?P<aside>[^,\d]{1,16}, )?(?:trong |tính đến hết |riêng (?:trong )?)?năm $"  # "Được biết, trong năm"
)
# Not the reported year: a document's, a plan's, a school year's, a period's, a birth year.
# Each is searched in the clause before the year (back to the last ".", ";", ":" or line break).
# "Kết quả thực hiện nhiệm vụ … năm 2025" reviews that year: the results, not the task.
_NOT_REPORTED = compile_scan(
    r"(?:nghị quyết|chỉ thị|kết luận|quy định|luật|pháp lệnh|nghị định|thông tư|quyết định|chiến lược)"
    r"|(?:kế hoạch|hướng dẫn|công văn|đề án|chương trình) (?:số|\d)"
    r"|(?:triển khai|phương hướng|(?<!kết quả )(?<!tổng kết )(?<!đánh giá )thực hiện) (?:các )?nhiệm vụ(?=.{0,40}$)"
    r"|(?:năm học|nhiệm kỳ|đến năm|từ năm|trước năm|sau năm|tầm nhìn|sinh năm|so với(?: cùng kỳ)?|"
    r"thành lập|tháng cuối năm|khóa)(?=.{0,12}$)"
    r"|\d{4} ?[-–] ?$"
)
# A plan's year: "triển khai công tác … năm 2024", "phát động thi đua … năm 2024" (a launch whose
# results come later).
_PLAN = re.compile(r"triển khai|phương hướng|kế hoạch|phát động")
# Future tense in the rest of the sentence: "trong năm 2024, … sẽ đẩy mạnh".
_FUTURE_AFTER = re.compile(r"[^.\n;]{0,120}\bsẽ\b")  # used with .match(text, pos): no "^"
_FUTURE_BEFORE = compile_scan(r"\bsẽ\b")
# An intake named with its year ("nhập ngũ năm 2026", "tuyển quân năm 2026"): screening and
# selection in the last months of the year before are that intake's work (the convention).
_INTAKE = re.compile(r"(?:nhập ngũ|tuyển quân|giao,? nhận quân|giao quân|nghĩa vụ quân sự)[ ]năm $")
INTAKE_FROM_MONTH = 8
# A deployment of next year's work, often after a review of this year's: not a screening.
_DEPLOY = re.compile(r"triển khai|phương hướng|phát động")
# The name of a lunar year after a year's festival ("Tết Nguyên đán Bính Thân 2016", "Xuân Giáp
# Thìn 2024"): the year of the event.
_LUNAR_YEAR = re.compile(
    r"(?:giáp|ất|bính|đinh|mậu|kỷ|canh|tân|nhâm|quý) (?:tý|sửu|dần|mão|mẹo|thìn|tỵ|tị|ngọ|mùi|thân|dậu|"
    r"tuất|hợi) $"
)
LUNAR_WEIGHT = 2.0
# An anniversary with its span: "Kỷ niệm 90 năm thành lập huyện (1934-2024)": the event's year is
# the span's end (when the span is the anniversary's).
_ANNIVERSARY = re.compile(
    r"kỷ niệm (?P<n>\d{1,3}) năm[^.\n]{0,100}?\(?(?P<a>1[89]\d\d|20\d\d) ?[-–] ?(?P<b>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
# A review of several years: "sơ kết 5 năm", "tổng kết 10 năm thực hiện", "giai đoạn 2019 – 2024".
_MULTI_YEAR_REVIEW = compile_scan(
    r"(?:sơ kết|tổng kết|nhìn lại|đánh giá)[^.\n;]{0,25}?\b(?:\d{1,2}|hai|ba|năm|mười) năm\b"
    r"|(?:sơ kết|tổng kết|đại hội|hội nghị)[^.\n]{0,120}?giai đoạn[ ]?(?:19|20)\d\d[ ]?[-–][ ]?(?:19|20)\d\d",
    re.IGNORECASE,
)
# A review of one year next to it in the title or lead ("tổng kết 10 năm … và tổng kết diễn tập
# năm 2018"): that year's results are reported.
_ONE_YEAR_REVIEW = re.compile(r"(?:tổng kết|sơ kết)(?=[^.\n;]{0,50}năm $)")
# A year in the URL's slug ("…-giao-quan-nam-2021"): the headline's, when the page has none.
_SLUG_YEAR = compile_scan(r"\bnam ((?:19[5-9]|20[0-4])\d)\b")
SLUG_WEIGHT = 3.0
CLAUSE_REACH = 100
MIN_YEAR_SCORE = 2.0


@dataclass(frozen=True)
class _YearMention:
    year: int
    weight: float  # what the words before it say, times where it stands
    plan: bool = False  # a plan's or a future's year (weighed down)
    opening: bool = False  # it opens its sentence ("Năm 2021, …")
    dated: bool = False  # part of a date ("28/1/2016", "tháng 11/2025")
    review: bool = False  # named by a review ("tổng kết … năm 2018")
    start: int = 0


def _year_mentions(doc: Analysis) -> list[_YearMention]:  # noqa: C901 (one of today's listed exceptions: to shrink)
    """Every year written in the text with what the words around it say of it."""
    title_end, lead_end = _zones(doc)
    text = doc.text
    when, _ = places_mod.published_year_month(doc)
    out: list[_YearMention] = []
    for m in _YEAR_TOKEN.finditer(text):
        start = m.start(2)
        before = text[max(0, m.start() - CLAUSE_REACH) : m.start()].lower()
        cut = max(before.rfind("."), before.rfind(";"), before.rfind(":"), before.rfind("\n"))
        clause = before[cut + 1 :].lstrip(" ") if cut >= 0 else before
        if _NOT_REPORTED.search(clause):
            continue
        year = int(m.group(2))
        opening = review = False
        dated = m.start(2) > m.start() and not m.group("period")  # "28/1/2016", "tháng 11/2025"
        if m.group("period"):
            # "giai đoạn 2019-2024": a period's results are reported at its end.
            year = int(m.group("period")[-4:])
            weight = 1.0
        elif dated:
            weight = 1.0  # a date: the event's
        elif (start_year := _SENTENCE_START_YEAR.match(clause)) and (cut >= 0 or m.start() < CLAUSE_REACH):
            weight, opening = 4.0, not start_year.group("aside")
        elif _REPORTED.search(clause):
            weight, review = 3.0, bool(_ONE_YEAR_REVIEW.search(clause))
        elif _LUNAR_YEAR.search(clause):
            weight = LUNAR_WEIGHT
        elif clause.endswith("năm "):
            weight = 1.0
        else:
            continue
        plan = False
        future = bool(_FUTURE_AFTER.match(text, m.end()) or _FUTURE_BEFORE.search(clause))
        if dated and future:
            weight *= 0.25  # a date to come ("sẽ tham dự … từ tháng 9/2021")
            plan = True
        elif dated:
            pass
        elif _PLAN.search(clause) or future:
            intake = (
                not future
                and not _DEPLOY.search(clause)
                and _INTAKE.search(clause)
                and when is not None
                and when[0] == year - 1
                and when[1] >= INTAKE_FROM_MONTH
            )
            if not intake:
                weight *= 0.25  # the year of a plan, not of results
                plan = True
        out.append(
            _YearMention(
                year, weight * _weight(start, title_end, lead_end), plan, opening, dated, review, start
            )
        )
    for m in _ANNIVERSARY.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if b - a == int(m.group("n")):
            out.append(_YearMention(b, 3.0 * _weight(m.start(), title_end, lead_end), start=m.start()))
    if title_end == 0 and not doc.title:
        slug = " ".join(places_mod._slug_words(doc.meta.get("url")))
        for m in _SLUG_YEAR.finditer(slug):
            out.append(_YearMention(int(m.group(1)), SLUG_WEIGHT, start=-1))
    return out


def _results_year_before(mentions: list[_YearMention], year: int) -> int | None:
    """The year before ``year`` when ``year`` is named only as a plan's ("Hội nghị triển khai
    nhiệm vụ năm 2024", "trong năm 2024 … sẽ") and the year before for its results ("trong năm
    2023, huyện đã …"): a launch of next year's work that reviews this year reports this year."""
    own = [y for y in mentions if y.year == year and not y.dated]
    if not own or any(not y.plan for y in own):
        return None
    earlier = [y for y in mentions if y.year == year - 1 and not y.plan and not y.dated]
    return year - 1 if earlier else None


def decide_report_year(doc: Analysis) -> tuple[int | None, str, float]:
    """(year, rule, confidence) of the year whose results or event the article reports.

    The best-supported year written in the text (a launch of next year's work that reviews this
    year: this year); a review of several years has none, unless the title or lead names a
    review of one year beside it; with no year written, the publication year (metadata or date
    line) of an event reported as it happens; with no publication date either, a year of the
    URL's slug or the text's dates.

    >>> from qpdp_nlp.text import analyse
    >>> decide_report_year(analyse("Sơ kết 5 năm thực hiện Luật Dân quân tự vệ (2019 – 2024)."))
    (None, 'period', 0.75)
    >>> decide_report_year(analyse("Sáng 3/10, xã A ra quân.", meta={"published": "2025-10-03"}))
    (2025, 'published', 0.9)
    """
    title_end, lead_end = _zones(doc)
    mentions = _year_mentions(doc)
    scores: defaultdict[int, float] = defaultdict(float)
    opening: Counter[int] = Counter()
    for y in mentions:
        scores[y.year] += y.weight
        opening[y.year] += y.opening
    opening = +opening
    if _MULTI_YEAR_REVIEW.search(doc.text[:lead_end]):
        # A review of several years has no one year, unless a sentence sets one year's results
        # apart ("Riêng trong năm 2021, huyện …") or the head names a one-year review beside it.
        if len(opening) == 1:
            return next(iter(opening)), "text", 0.7
        reviewed = {y.year for y in mentions if y.review and 0 <= y.start < lead_end}
        if len(reviewed) == 1:
            return next(iter(reviewed)), "text", 0.7
        return None, "period", 0.75
    when, source = places_mod.published_year_month(doc)
    if scores:
        year, score = max(scores.items(), key=lambda kv: (kv[1], kv[0]))
        if score >= MIN_YEAR_SCORE:
            earlier = _results_year_before(mentions, year)
            if earlier is not None:
                return earlier, "text", 0.8
            # Measured (in-sample, 226 gold items): 0.93 / 0.95 / 1.00 right by score band.
            confidence = 0.97 if score >= 10 else 0.95 if score >= 4 else 0.9
            if when is not None and abs(year - when[0]) > 1:
                confidence -= 0.2
            return year, "text", confidence
    if when is not None and source is not None:  # found together: both or neither
        return when[0], source, 0.9 if source == "published" else 0.8  # measured 0.94 for published
    dates: defaultdict[int, float] = defaultdict(float)
    for y in mentions:
        if y.dated and not y.plan:
            dates[y.year] += y.weight
    if dates:
        # No publication date: the date of an event written in the text ("ngày 28/1/2016").
        return max(dates.items(), key=lambda kv: (kv[1], kv[0]))[0], "text", 0.7
    return None, "none", 0.65  # measured 0.67


def report_year(doc: Analysis) -> int | None:
    """The year whose results the article reports, or None (:func:`decide_report_year`).

    >>> from qpdp_nlp.text import analyse
    >>> report_year(analyse("Năm 2022, huyện hoàn thành 100% chỉ tiêu giao quân."))
    2022
    """
    return decide_report_year(doc)[0]


# --- a count's own year --------------------------------------------------------------------------

_NAMED_YEAR = compile_scan(r"(?<![^\W_])[Nn]ăm[ ](?P<year>(?:19[5-9]|20[0-4])\d)(?![\d/])(?![ ]?[-–][ ]?\d)")
_CLAUSE_BREAK = re.compile(r"[.;:\n]")
# A period, whose total has no single year: "từ năm 2016 đến năm 2021", "từ năm 2016 đến nay",
# "từ năm 2016," (to now), "giai đoạn 2019–2024", "(2019-2023)", "trong 5 năm qua".
_Y4 = r"(?:19|20)\d\d"
_PERIOD = compile_scan(
    rf"(?<![^\W_])(?:kể[ ])?từ[ ](?:đầu[ ]|cuối[ ])?(?:năm[ ])?{_Y4}(?![\d/])"
    rf"|(?<![\d/.])(?:{_Y4}|(?<![^\W_])năm[ ]{_Y4})[ ]?[-–—][ ]?(?:năm[ ])?{_Y4}(?!\d)"
    r"|(?<![^\W_])(?:trong|sau|qua|suốt)[ ](?:\d{1,2}|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)[ ]năm"
    r"(?=[ ]?(?:qua|gần đây|vừa qua|\(|[ ]?[-–,]))",
    re.IGNORECASE,
)


def count_years(doc: Analysis, counts: Sequence[Count], report_year: int | None) -> None:
    """Give each count the year its own clause names when it is not the article's report year
    ("năm 2022 giao 120, năm 2023 giao 135": 2022 and 2023); leave it None otherwise.

    The clause is the stretch of the count's sentence since the last ";", ":" or period; the year
    is the last "năm YYYY" before the count in it, or one written right after the counted noun.
    Years of documents, school years and births are not a count's year; a count after a period
    ("Từ năm 2016 đến năm 2021, huyện … 2.300 lượt", "giai đoạn 2019–2024", "trong 5 năm
    (2019-2023)") is a total of several years and has none (None: the article's year is used).

    >>> from qpdp_nlp.text import analyse
    >>> doc = analyse("Năm 2022 huyện giao 120 thanh niên, năm 2023 giao 135 thanh niên.")
    >>> cs = [Count(rule="example", text="120", start=20, end=23), Count(rule="example", text="135", start=52, end=55)]
    >>> count_years(doc, cs, 2023); [c.year for c in cs]
    [2022, None]
    """
    text = doc.text
    for c in counts:
        sentence = doc.sentence_at(c.start)
        lo = sentence.start if sentence else max(0, c.start - 200)
        before = text[lo : c.start]
        breaks = list(_CLAUSE_BREAK.finditer(before))
        clause_start = lo + (breaks[-1].end() if breaks else 0)
        year, year_at = None, clause_start
        for m in _NAMED_YEAR.finditer(text, clause_start, c.start):
            lead = text[max(clause_start, m.start() - 40) : m.start()].lower()
            if _NOT_REPORTED.search(lead):
                continue
            year, year_at = int(m.group("year")), m.start()
        periods = [p for p in _PERIOD.finditer(text, clause_start, c.start) if p.end() > year_at]
        if periods:
            c.year = None  # a total over a period: no year of its own (the article's is used)
            continue
        if year is None:
            after = _NAMED_YEAR.match(text, c.end + 1) if text[c.end : c.end + 1] == " " else None
            if after is None:
                tail = re.match(r"[ ][^\d,.;:\n]{1,25}?[ ](?=[Nn]ăm[ ])", text[c.end : c.end + 40])
                after = _NAMED_YEAR.match(text, c.end + tail.end()) if tail else None
            if after is not None and not _NOT_REPORTED.search(text[c.start : after.start()].lower() + "năm "):
                year = int(after.group("year"))  # not "tăng 50 chỉ tiêu so với năm 2024"
        c.year = year if year is not None and year != report_year else None


# --- topic -------------------------------------------------------------------------------------

TOPIC_TITLE_WEIGHT, TOPIC_LEAD_WEIGHT, TOPIC_BODY_WEIGHT = 10.0, 2.0, 0.3
MIN_DEFENSE_CUES = 2.0
MIN_TOPIC_SCORE = 3.0


@dataclass(frozen=True)
class TopicRules:
    """``data/topic_rules.tsv`` compiled: one alternation for the topics, so one pass over the
    text finds them all, and one for the defence cues. The alternation has no group per row
    (groups cost the regex engine at every branch of every position); the row of a match is
    the first row whose pattern matches there (:meth:`row_at`), which is the branch the
    alternation took, since it takes the first branch that matches."""

    topics: tuple[Topic, ...]
    weights: dict[str, tuple[Topic, float]]  # row name -> (topic, weight)
    topic_pattern: re.Pattern[str]
    defense_pattern: re.Pattern[str]
    rows: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (row name, the row alone), in order

    def row_at(self, text: str, pos: int) -> str:
        """The name of the topic row that :attr:`topic_pattern` matched at ``pos``."""
        for name, pattern in self.rows:
            if pattern.match(text, pos):
                return name
        raise ValueError(f"topic_rules.tsv: a match of no row at {pos}")


@lru_cache(maxsize=1)
def topic_rules() -> TopicRules:
    header, cells = read_rows("topic_rules.tsv")
    if header != ["topic", "weight", "pattern"]:
        raise ValueError(f"topic_rules.tsv: header must be topic, weight, pattern; got {header}")
    rows: list[tuple[str, float, str]] = []
    for topic, weight_cell, pattern in cells:
        if topic != "defense" and not is_topic(topic):
            raise ValueError(f"topic_rules.tsv: unknown topic {topic!r}")
        re.compile(pattern)  # fail on the row, not on the alternation
        rows.append((topic, float(weight_cell), pattern))
    weights: dict[str, tuple[Topic, float]] = {}
    parts: list[str] = []
    for i, (topic, weight, pattern) in enumerate(rows):
        if not is_topic(topic):
            continue  # "defense", a defence cue: every other row is a topic (checked above)
        weights[f"r{i}"] = (topic, weight)
        parts.append(pattern)
    defense = [p for t, _, p in rows if t == "defense"]
    return TopicRules(
        topics=tuple(dict.fromkeys(topic for topic, _ in weights.values())),
        weights=weights,
        topic_pattern=_cue_pattern(parts),
        defense_pattern=_cue_pattern(defense),
        rows=tuple((name, _cue_pattern([rows[int(name[1:])][2]])) for name in weights),
    )


def _cue_pattern(patterns: list[str]) -> re.Pattern[str]:
    """One alternation of ``patterns`` (each a whole regex: ``a|b`` then ``c`` is ``a|b|c``).
    Every cue starts a word: the look-behind rejects most positions before any branch runs, and
    the look-ahead on the characters a cue can start with (when the patterns tell) most of the
    others."""
    firsts = [first_chars(p) for p in patterns]
    ahead = "" if None in firsts else "(?=[" + re.escape("".join(sorted(set("".join(map(str, firsts)))))) + "])"
    return re.compile(ahead + r"(?<![^\W_])(?:" + "|".join(patterns) + ")")


def rule_topic(doc: Analysis) -> Topic:
    """The topic by keyword rules (``data/topic_rules.tsv``): the title decides when it names a
    topic; the lead and the body settle the rest.

    >>> from qpdp_nlp.text import analyse
    >>> rule_topic(analyse("Lễ giao nhận quân năm 2024\\n\\nSáng nay, 200 thanh niên lên đường nhập ngũ."))
    'enlistment'
    """
    rules = topic_rules()
    title_end, lead_end = _zones(doc)
    lowered = doc.text.lower()

    def zone_weight(pos: int) -> float:
        if pos < title_end:
            return TOPIC_TITLE_WEIGHT
        return TOPIC_LEAD_WEIGHT if pos < lead_end else TOPIC_BODY_WEIGHT

    # Only whether the cues reach MIN_DEFENSE_CUES matters: the scan stops there (the weights
    # are positive, so the sum cannot fall back under it).
    defense = 0.0
    for m in rules.defense_pattern.finditer(lowered):
        defense += zone_weight(m.start())
        if defense >= MIN_DEFENSE_CUES:
            break
    if defense < MIN_DEFENSE_CUES:
        return "not-defense"
    scores: dict[Topic, float] = {}
    for m in rules.topic_pattern.finditer(lowered):
        topic, weight = rules.weights[rules.row_at(lowered, m.start())]
        scores[topic] = scores.get(topic, 0.0) + weight * zone_weight(m.start())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], rules.topics.index(kv[0])))
    if not ranked or ranked[0][1] < MIN_TOPIC_SCORE:
        return "other-defense"
    return ranked[0][0]


def extract(
    doc: Analysis,
    places: Sequence[Place],
    units: Sequence[Unit] = (),
    era: places_mod.Era | None = None,
) -> ScopeResult:
    """The article's scope from the places, defence zones and units it names, its report year
    and its rule topic. ``era`` is the map the places were read on (decided here when None); the
    defence zones come from ``units`` when the units extractor found any, else from the text."""
    era = era or places_mod.article_era(doc)
    zones = _merge_zones(_zones_from_units(units), defence_zones(doc.text))
    scope = decide_scope(doc, list(places), era, zones)
    scope.confidence = scope_confidence(scope)
    year, year_rule, year_confidence = decide_report_year(doc)
    return ScopeResult(
        scope=scope,
        report_year=year,
        report_year_rule=year_rule,
        report_year_confidence=year_confidence,
        topic=rule_topic(doc),
    )
