"""The article's scope (where it is about), the year whose results it reports, and a rule topic.

>>> from qpdp_nlp.text import analyse
>>> from qpdp_nlp.extractors import places
>>> doc = analyse("Ba Bể tổng kết công tác quốc phòng\\n\\nNăm 2023, huyện Ba Bể đã hoàn thành "
...               "100% chỉ tiêu giao quân.")
>>> result = extract(doc, places.extract(doc))
>>> (result.scope.level, result.scope.province, result.scope.district, result.report_year, result.topic)
('district', 'Bắc Kạn', 'Ba Bể', 2023, 'review')

Scope: the places named in the title weigh most, then the lead (the first two sentences of the
body), then the rest; a district or commune portal's web domain ("babe.backan.gov.vn") names its
unit, a provincial newspaper's ("baobackan.com.vn") its province. Names are those at publication
time ("Thừa Thiên Huế" when the article or its domain writes it), short, without the type word.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .. import gazetteer as gz
from ..records import TOPICS, Place, Scope, Unit
from ..lexicons import read_rows
from ..text import Analysis
from . import places as places_mod

# --- scope -------------------------------------------------------------------------------------

TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT, URL_WEIGHT = 5.0, 3.0, 1.0, 6.0
LEAD_SENTENCES = 2

_MILITARY_REGION = re.compile(r"Quân khu(?: \d| Thủ đô)|Bộ Tư lệnh Quân khu")
_NATIONAL = re.compile(
    r"Bộ Quốc phòng|Bộ Tổng Tham mưu|Tổng cục Chính trị|Quân ủy Trung ương|toàn quân", re.IGNORECASE
)


@dataclass
class ScopeResult:
    scope: Scope = field(default_factory=Scope)
    report_year: Optional[int] = None
    topic: Optional[str] = None


def _zones(doc: Analysis) -> tuple[int, int]:
    """End of the title and end of the lead, as offsets."""
    title_end = len(doc.title) if doc.title and doc.text.startswith(doc.title) else 0
    body = [s for s in doc.sentences if s.start >= title_end]
    lead_end = body[min(LEAD_SENTENCES, len(body)) - 1].end if body else title_end
    return title_end, lead_end


def _weight(start: int, title_end: int, lead_end: int) -> float:
    if start < title_end:
        return TITLE_WEIGHT
    if start < lead_end:
        return LEAD_WEIGHT
    return BODY_WEIGHT


@dataclass
class _Tally:
    score: float = 0.0
    first: int = 10**9
    unit: Optional[gz.AdminUnit] = None
    written_types: Counter = field(default_factory=Counter)
    in_title: bool = False
    in_lead: bool = False
    places: list = field(default_factory=list)


def _unit_of(place: Place) -> Optional[gz.AdminUnit]:
    """The gazetteer unit a resolved place stands for (codes alone are not enough: Lào Cai is
    15 after 2025, Yên Bái was 15 before)."""
    level = places_mod.place_level(place)
    if level is None:
        return None
    if place.code is None:
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


def decide_scope(doc: Analysis, found: list[Place]) -> Scope:
    """The article's level and unit, from its places and its URL."""
    title_end, lead_end = _zones(doc)
    url = places_mod.url_places(doc.meta.get("url"))
    tallies: dict[tuple[str, str, str], _Tally] = defaultdict(_Tally)
    former_province_names: dict[str, str] = {}
    two_level = any(p.code and p.district is None and places_mod.place_level(p) == "commune" for p in found)
    for p in found:
        unit = _unit_of(p)
        if unit is None:
            continue
        if unit.level == "province" and p.name != unit.name:
            former_province_names[unit.name] = p.name
        w = _weight(p.start, title_end, lead_end)
        key = (unit.level, unit.province, unit.name if unit.level != "province" else "")
        t = tallies[key]
        t.score += w
        t.first = min(t.first, p.start)
        t.unit = unit
        t.places.append(p)
        t.in_title |= p.start < title_end
        t.in_lead |= title_end <= p.start < lead_end
        if p.type:
            t.written_types[p.type] += 1
        # A commune named speaks for its district and province too, a district for its province.
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
    url_units = []
    url_era = "2025" if two_level else "legacy"
    url_communes = [u for u in url.commune if u.era == url_era] or url.commune
    if len(url_communes) == 1:
        url_units.append(url_communes[0])
    if len({u.code for u in url.district}) == 1:
        url_units.append(url.district[0])
    if url.province:
        url_units.append(
            next((u for u in url.province if u.era == ("2025" if two_level else "legacy")), url.province[0])
        )
        if url.province_name:
            former_province_names[url.province[0].name] = url.province_name
    for unit in url_units:
        key = (unit.level, unit.province, unit.name if unit.level != "province" else "")
        t = tallies[key]
        t.score += URL_WEIGHT
        t.unit = unit

    def best(level: str, province: Optional[str] = None) -> Optional[_Tally]:
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
    if top_district and top_province and top_district.unit.province != top_province.unit.name:
        # The district's own province wins unless another province clearly dominates.
        own = tallies.get(("province", top_district.unit.province, ""))
        if own is None or top_province.score > 2 * own.score + top_district.score:
            top_district = best("district", top_province.unit.name)

    scope = Scope()
    url_levels = {u.level for u in url_units}
    province_named = top_province is not None and (
        top_province.in_title or top_province.in_lead or "province" in url_levels
    )
    district_named = top_district is not None and (
        top_district.in_title
        or top_district.in_lead
        or "district" in url_levels
        or top_district.score >= 2 * BODY_WEIGHT
    )
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
        and commune.unit.district_code not in (top_district.unit.code, None)
    ):
        commune = None
    if commune is not None:
        district = tallies.get(("district", commune.unit.province, commune.unit.district or ""))
        if district is not None and district.unit is not None:
            _fill_district(scope, district)
        _fill_commune(scope, commune.unit)  # after the district: the commune's own coordinates
        scope.level, scope.rule = "commune", "commune:" + _evidence(commune, url_units)
    elif district_named and not two_level:
        _fill_district(scope, top_district)
        scope.level, scope.rule = "district", "district:" + _evidence(top_district, url_units)
    elif top_province is not None:
        scope.level, scope.rule = "province", "province:" + _evidence(top_province, url_units)
        u = top_province.unit
        scope.province, scope.province_code, scope.province_2025 = u.name, u.code, u.province_2025
        scope.lat, scope.lon = u.lat, u.lon
    elif _NATIONAL.search(head):
        scope.level, scope.rule = "national", "national:lead"
    if scope.province in former_province_names:
        scope.province = former_province_names[scope.province]
    return scope


def _evidence(t: _Tally, url_units: list[gz.AdminUnit]) -> str:
    """Where the deciding unit was found, for the record's ``rule``."""
    if t.in_title:
        return "title"
    if any(u is t.unit for u in url_units):
        return "url"
    return "lead" if t.in_lead else "body"


_BODY_OF_COMMUNE = re.compile(
    r"(?:Đảng ủy|UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Ban CHQS|Ban Chỉ huy Quân sự|Công an),?[ ]$",
    re.IGNORECASE,
)


def _is_about_commune(doc, t: _Tally, title_end: int, lead_end: int, from_url: bool, two_level: bool) -> bool:
    """A commune is the article's subject when the title or the portal's domain names it, when a
    commune body acts in the lead ("UBND xã Minh Đức tổ chức …"), or, after 2025 (no districts),
    when the lead names it."""
    if t.in_title or from_url:
        return True
    if two_level and t.in_lead:
        return True
    for p in t.places:
        if title_end <= p.start < lead_end and _BODY_OF_COMMUNE.search(
            doc.text[max(0, p.start - 40) : p.start]
        ):
            return True
    return False


def _fill_district(scope: Scope, t: _Tally) -> None:
    u = t.unit
    scope.province = u.province
    scope.province_code = u.province_code
    scope.province_2025 = u.province_2025
    scope.district = u.name
    scope.district_code = u.code
    written = [ty for ty, _ in t.written_types.most_common() if ty in gz.DISTRICT_TYPES]
    scope.district_type = written[0] if written else u.type
    scope.lat, scope.lon = u.lat, u.lon


def _fill_commune(scope: Scope, u: gz.AdminUnit) -> None:
    scope.province = u.province
    scope.province_code = u.province_code
    scope.province_2025 = u.province_2025
    scope.commune = u.name
    scope.commune_code = u.code
    scope.lat, scope.lon = u.lat, u.lon


# --- report year -------------------------------------------------------------------------------

_YEAR_TOKEN = re.compile(
    r"(?<![\d/.,-])(?:\d{1,2}[/.-])?(?:(\d{1,2})[/.])?(19[5-9]\d|20[0-4]\d)(?![\d/])"
    r"(?P<period>[ ]?[-–][ ]?(?:19|20)\d\d)?"
)
# What the words before a year say about it (matched on the lower-cased 80 characters before it,
# at their end). A year reported on: "năm 2023, …", "tổng kết … năm 2022", "lễ giao quân năm 2024".
_REPORTED = re.compile(
    r"(?:tổng kết|sơ kết|kết quả|giao,? nhận quân|giao quân|nhập ngũ|huấn luyện|diễn tập|khám tuyển|"
    r"tuyển quân|khai mạc|hoàn thành|an ninh|địa phương)(?=[^.\n;]{0,50}năm $)"
    r"|(?:tháng|quý) đầu năm $"
)
_SENTENCE_START_YEAR = re.compile(r"^(?:trong |tính đến hết )?năm $")
# Not the reported year: a document's, a plan's, a school year's, a period's, a birth year.
# Each is searched in the clause before the year (back to the last ".", ";", ":" or line break).
_NOT_REPORTED = re.compile(
    r"(?:nghị quyết|chỉ thị|kết luận|quy định|luật|pháp lệnh|nghị định|thông tư|quyết định|chiến lược)"
    r"|(?:kế hoạch|hướng dẫn|công văn|đề án|chương trình) (?:số|\d)"
    r"|(?:triển khai|phương hướng|thực hiện) (?:các )?nhiệm vụ(?=.{0,40}$)"
    r"|(?:năm học|nhiệm kỳ|đến năm|từ năm|trước năm|sau năm|tầm nhìn|sinh năm|so với(?: cùng kỳ)?|"
    r"thành lập|tháng cuối năm)(?=.{0,12}$)"
    r"|\d{4} ?[-–] ?$"
)
CLAUSE_REACH = 100
MIN_YEAR_SCORE = 2.0


def report_year(doc: Analysis) -> Optional[int]:
    """The year whose results the article reports, or None when the text gives none.

    Every year written in the text is weighed by the words before it and by where it stands
    (title, lead, body); a year seen only in passing in the body is not enough.

    >>> from qpdp_nlp.text import analyse
    >>> report_year(analyse("Năm 2022, huyện hoàn thành 100% chỉ tiêu giao quân."))
    2022
    """
    title_end, lead_end = _zones(doc)
    text = doc.text
    scores: Counter = Counter()
    for m in _YEAR_TOKEN.finditer(text):
        start = m.start(2)
        before = text[max(0, m.start() - CLAUSE_REACH) : m.start()].lower()
        cut = max(before.rfind("."), before.rfind(";"), before.rfind(":"), before.rfind("\n"))
        clause = before[cut + 1 :].lstrip(" ") if cut >= 0 else before
        if _NOT_REPORTED.search(clause):
            continue
        year = int(m.group(2))
        if m.group("period"):
            # "giai đoạn 2019-2024": a period's results are reported at its end.
            year = int(m.group("period")[-4:])
            weight = 1.0
        elif m.group(1):
            weight = 1.0  # a date: the event's
        elif _SENTENCE_START_YEAR.match(clause) and (cut >= 0 or m.start() < CLAUSE_REACH):
            weight = 4.0
        elif _REPORTED.search(clause):
            weight = 3.0
        elif clause.endswith("năm "):
            weight = 1.0
        else:
            continue
        scores[year] += weight * _weight(start, title_end, lead_end)
    if not scores:
        return None
    year, score = max(scores.items(), key=lambda kv: (kv[1], kv[0]))
    return year if score >= MIN_YEAR_SCORE else None


# --- topic -------------------------------------------------------------------------------------

TOPIC_TITLE_WEIGHT, TOPIC_LEAD_WEIGHT, TOPIC_BODY_WEIGHT = 10.0, 2.0, 0.3
MIN_DEFENSE_CUES = 2.0
MIN_TOPIC_SCORE = 3.0


@dataclass(frozen=True)
class TopicRules:
    """``data/topic_rules.tsv`` compiled: one alternation for the topics (a named group per
    row, so one pass over the text finds them all) and one for the defence cues."""

    topics: tuple[str, ...]
    weights: dict[str, tuple[str, float]]  # group name -> (topic, weight)
    topic_pattern: re.Pattern
    defense_pattern: re.Pattern


@lru_cache(maxsize=1)
def topic_rules() -> TopicRules:
    header, cells = read_rows("topic_rules.tsv")
    if header != ["topic", "weight", "pattern"]:
        raise ValueError(f"topic_rules.tsv: header must be topic, weight, pattern; got {header}")
    rows: list[tuple[str, float, str]] = []
    for topic, weight, pattern in cells:
        if topic != "defense" and topic not in TOPICS:
            raise ValueError(f"topic_rules.tsv: unknown topic {topic!r}")
        re.compile(pattern)  # fail on the row, not on the alternation
        rows.append((topic, float(weight), pattern))
    weights = {}
    parts = []
    for i, (topic, weight, pattern) in enumerate(rows):
        if topic == "defense":
            continue
        weights[f"r{i}"] = (topic, weight)
        parts.append(f"(?P<r{i}>{pattern})")
    defense = "|".join(f"(?:{p})" for t, _, p in rows if t == "defense")
    return TopicRules(
        topics=tuple(dict.fromkeys(t for t, _, _ in rows if t != "defense")),
        weights=weights,
        # Every cue starts a word: the look-behind rejects most positions before any branch runs.
        topic_pattern=re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + ")"),
        defense_pattern=re.compile(r"(?<![^\W_])(?:" + defense + ")"),
    )


def rule_topic(doc: Analysis) -> str:
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

    defense = sum(zone_weight(m.start()) for m in rules.defense_pattern.finditer(lowered))
    if defense < MIN_DEFENSE_CUES:
        return "not-defense"
    scores: dict[str, float] = {}
    for m in rules.topic_pattern.finditer(lowered):
        topic, weight = rules.weights[m.lastgroup]
        scores[topic] = scores.get(topic, 0.0) + weight * zone_weight(m.start())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], rules.topics.index(kv[0])))
    if not ranked or ranked[0][1] < MIN_TOPIC_SCORE:
        return "other-defense"
    return ranked[0][0]


def extract(doc: Analysis, places: Sequence[Place], units: Sequence[Unit] = ()) -> ScopeResult:
    """The article's scope from the places it names, its report year and its rule topic."""
    return ScopeResult(scope=decide_scope(doc, list(places)), report_year=report_year(doc), topic=rule_topic(doc))
