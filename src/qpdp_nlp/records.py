"""Typed records: one dataclass per kind of fact, one for the article.

Every fact carries ``text``, ``start`` and ``end`` (character offsets into the article's
normalised text, so ``record.text[f.start:f.end] == f.text``) and ``rule``: the name of the rule
or model that produced it. Records round-trip through plain dicts (``to_dict`` / ``from_dict``),
which is also the JSON Lines output contract; :func:`json_schema` derives the JSON Schema that
is checked in at ``qpdp_nlp/schema/article.schema.json``.

Field names are stable: other tools read them. New fields may be added, none renamed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeGuard, TypeVar, Union

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# The closed sets, as types (checked by mypy, enums in the JSON Schema) and as tuples for code.
Qualifier = Literal["more_than", "nearly", "about", "less_than"]
Indicator = Literal[
    "qpan_training",
    "qpan_students",
    "qpan_outreach",
    "enlisted",
    "enlistment_target_pct",
    "registration",
    "exercises",
    "militia",
    "reserve",
    "awards_collective",
    "awards_individual",
    "budget",
    "key_tasks",
    "policy_support",
    "other",
]
Topic = Literal[
    "review",
    "enlistment",
    "exercise",
    "training",
    "militia",
    "award",
    "recruitment",
    "inspection",
    "other-defense",
    "not-defense",
]
Level = Literal["commune", "district", "province", "military_region", "national", "unknown"]
UnitType = Literal[
    "military_command",
    "military_unit",
    "party_committee",
    "peoples_committee",
    "peoples_council",
    "police",
    "border_guard",
    "council",
    "agency",
    "mass_organisation",
    "force",
    "enterprise",  # companies and cooperatives named in the text (Công ty …, Hợp tác xã …)
]
Era = Literal["legacy", "2025"]

QUALIFIERS: tuple[str, ...] = typing.get_args(Qualifier)
INDICATORS: tuple[str, ...] = typing.get_args(Indicator)
TOPICS: tuple[str, ...] = typing.get_args(Topic)
LEVELS: tuple[str, ...] = typing.get_args(Level)
UNIT_TYPES: tuple[str, ...] = typing.get_args(UnitType)
ERAS: tuple[str, ...] = typing.get_args(Era)



# Checks for a value read from a data table or a model file, where it enters a closed set: the
# loader tests it once, and mypy then knows its type (no cast).
def is_qualifier(value: object) -> TypeGuard[Qualifier]:
    return value in QUALIFIERS


def is_topic(value: object) -> TypeGuard[Topic]:
    return value in TOPICS


def is_level(value: object) -> TypeGuard[Level]:
    return value in LEVELS


def is_unit_type(value: object) -> TypeGuard[UnitType]:
    return value in UNIT_TYPES


_T = TypeVar("_T", bound="DataclassInstance")  # a record class, for from_dict


@dataclass(kw_only=True)
class Fact:
    """A span of the article's normalised text and the rule that found it (one of the ``RULES``
    its extractor declares; ``tests/test_rules.py`` holds every extractor to its list)."""

    fact_kind: ClassVar[str] = "fact"
    text: str
    start: int
    end: int
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls: type[_T], data: dict[str, Any]) -> _T:
        return _from_dict(cls, data)


@dataclass(kw_only=True)
class Person(Fact):
    """A person named in the article: an officer with a rank, or an official (rank None).

    >>> Person(rule="example", text="Thượng tá Nguyễn Quang Long", start=14, end=41, rank="Thượng tá",
    ...        name="Nguyễn Quang Long", position=None).name
    'Nguyễn Quang Long'
    """

    fact_kind: ClassVar[str] = "persons"
    rank: str | None = None
    name: str | None = None
    position: str | None = None
    unit: str | None = None


@dataclass(kw_only=True)
class Unit(Fact):
    """A unit or organisation: ``canonical`` has abbreviations expanded and the place filled in."""

    fact_kind: ClassVar[str] = "units"
    canonical: str | None = None
    type: UnitType | None = None
    level: Level | None = None
    place: str | None = None
    parent: str | None = None  # canonical name of the unit this one is named inside ("Đảng ủy" of a zone)


@dataclass(kw_only=True)
class Count(Fact):
    """A number that counts something: ``value`` normalised, ``unit`` the counted noun as written."""

    fact_kind: ClassVar[str] = "counts"
    value: float | None = None
    qualifier: Qualifier | None = None
    unit: str | None = None
    indicator: Indicator | None = None
    is_percent: bool = False
    upper: float | None = None
    denominator: float | None = None
    year: int | None = None  # the year the count's own sentence names, when it is not the article's
    indicator_rule: str | None = None  # how the indicator was chosen: "cue:<row>", "model", …
    indicator_confidence: float | None = None
    confidence: float | None = None  # of the whole comparison cell: scope × year × indicator


@dataclass(kw_only=True)
class Document(Fact):
    """A reference to a resolution, law, decree, directive, decision …"""

    fact_kind: ClassVar[str] = "documents"
    kind: str | None = None
    number: str | None = None
    symbol: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    term: str | None = None
    title: str | None = None
    doc_id: str | None = None


@dataclass(kw_only=True)
class Place(Fact):
    """A province, district or commune named in the text, resolved against the gazetteer."""

    fact_kind: ClassVar[str] = "places"
    name: str | None = None
    type: str | None = None
    province: str | None = None
    district: str | None = None
    code: str | None = None
    province_code: str | None = None
    district_code: str | None = None
    province_2025: str | None = None
    era: Era | None = None  # the map the name was read on
    code_2025: str | None = None  # the 2025 commune code, where the place is a commune that exists then
    candidates: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Scope:
    """Where the article is about: its level and the province/district/commune with codes."""

    level: Level = "unknown"
    province: str | None = None
    district: str | None = None
    district_type: str | None = None
    commune: str | None = None
    province_code: str | None = None
    district_code: str | None = None
    commune_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    province_2025: str | None = None
    province_2025_code: str | None = None
    commune_code_2025: str | None = None
    defence_zone: str | None = None  # "Ban Chỉ huy Phòng thủ khu vực N – <name>": the <name>
    defence_zone_number: int | None = None
    successor_of: str | None = None  # the legacy district a zone bears the name of (approximate)
    successor_of_code: str | None = None
    era: Era | None = None  # the map the article is read on
    era_evidence: str | None = None  # "published", "dateline", "text:<cue>", …
    confidence: float | None = None
    rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls: type[_T], data: dict[str, Any]) -> _T:
        return _from_dict(cls, data)


FACT_TYPES: dict[str, type[Fact]] = {
    "persons": Person,
    "units": Unit,
    "counts": Count,
    "documents": Document,
    "places": Place,
}


@dataclass(kw_only=True)
class ArticleRecord:
    """Everything extracted from one article.

    ``text`` is the normalised text every offset points into; ``original_text`` is kept only when
    normalisation changed something.
    """

    article_id: str
    source: str | None = None
    title: str | None = None
    published: str | None = None  # ISO "YYYY-MM-DD", parsed once at ingestion
    published_raw: str | None = None  # the date as the source wrote it ("Thứ Sáu, 22/12/2023 - 15:45")
    url: str | None = None
    site: str | None = None  # the outlet: the URL's host name (or the page's site name)
    text: str = ""
    original_text: str | None = None
    scope: Scope = field(default_factory=Scope)
    report_year: int | None = None
    report_year_rule: str | None = None
    report_year_confidence: float | None = None
    topic: Topic | None = None
    is_defense: bool | None = None
    defense_probability: float | None = None
    persons: list[Person] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    pipeline_version: str | None = None
    duplicate_of: str | None = None  # article_id of the earlier copy of a syndicated story
    subtopic: str | None = None  # finer topic of a non-defence article (economy, security …), from classify

    def facts(self) -> list[Fact]:
        """All facts of every kind, in order of appearance."""
        every: list[Fact] = [f for kind in FACT_TYPES for f in getattr(self, kind)]
        return sorted(every, key=lambda f: (f.start, -f.end))

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in FACT_TYPES:
                data[f.name] = [fact.to_dict() for fact in value]
            elif f.name == "scope":
                data[f.name] = value.to_dict()
            else:
                data[f.name] = value
        if not with_text:
            data.pop("text")
            data.pop("original_text")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleRecord:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown ArticleRecord fields: {sorted(unknown)}")
        kwargs = dict(data)
        for kind, fact_type in FACT_TYPES.items():
            kwargs[kind] = [fact_type.from_dict(d) for d in data.get(kind) or []]
        kwargs["scope"] = Scope.from_dict(data.get("scope") or {})
        return cls(**kwargs)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _from_dict(cls: type[_T], data: dict[str, Any]) -> _T:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields: {sorted(unknown)}")
    return cls(**data)


# --- JSON Schema -----------------------------------------------------------------------------

def _type_schema(tp: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _type_schema(args[0]) if len(args) == 1 else {"anyOf": [_type_schema(a) for a in args]}
        if "type" in inner and isinstance(inner["type"], str):
            nullable = {**inner, "type": [inner["type"], "null"]}
            if "enum" in inner:
                nullable["enum"] = [*inner["enum"], None]
            return nullable
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is list:
        (item,) = typing.get_args(tp)
        return {"type": "array", "items": _type_schema(item)}
    if origin is Literal:
        return {"type": "string", "enum": list(typing.get_args(tp))}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _dataclass_schema(cls: type[Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        props[f.name] = _type_schema(hints[f.name])
    required = list(props)
    if cls is ArticleRecord:
        props["text"] = {"type": "string"}
        props["original_text"] = {"type": ["string", "null"]}
        required = [r for r in required if r not in ("text", "original_text")]
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one JSON Lines object (``ArticleRecord.to_dict()``)."""
    schema = _dataclass_schema(ArticleRecord)
    classes: tuple[type[Any], ...] = (Scope, *FACT_TYPES.values())
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://qpdp-nlp/schema/article.schema.json",
        "title": "qpdp_nlp ArticleRecord",
        **schema,
        "$defs": {c.__name__: _dataclass_schema(c) for c in classes},
    }
    return schema
