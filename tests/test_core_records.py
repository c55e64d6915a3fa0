"""Records: JSON round-trip and the checked-in JSON Schema."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest

import qpdp_nlp
from qpdp_nlp.records import ArticleRecord, Count, Document, Person, Place, Scope, Unit, json_schema


def _record() -> ArticleRecord:
    text = "Thượng tá Nguyễn Quang Long dự. Khen thưởng 06 tập thể."
    return ArticleRecord(
        article_id="abc",
        source="x.txt",
        text=text,
        scope=Scope(level="district", province="Bắc Kạn", district="Ba Bể", district_type="huyện"),
        report_year=2023,
        persons=[Person(text="Thượng tá Nguyễn Quang Long", start=0, end=27, rank="Thượng tá",
                        name="Nguyễn Quang Long", rule="rank_name")],
        counts=[Count(text="06 tập thể", start=44, end=54, value=6, unit="tập thể",
                      indicator="awards_collective", rule="t")],
        documents=[Document(rule="test", text="Nghị quyết 28-NQ/TW", start=0, end=1, kind="Nghị quyết", number="28",
                            symbol="NQ/TW", year=2013)],
        units=[Unit(rule="test", text="Huyện ủy", start=0, end=1, canonical="Huyện ủy Ba Bể", type="party_committee")],
        places=[Place(rule="test", text="Ba Bể", start=0, end=1, name="Ba Bể", type="huyện", candidates=["a", "b"])],
    )


def test_round_trip():
    rec = _record()
    data = json.loads(json.dumps(rec.to_dict(), ensure_ascii=False))
    assert ArticleRecord.from_dict(data) == rec


def test_document_kind_is_a_plain_field():
    d = _record().documents[0].to_dict()
    assert d["kind"] == "Nghị quyết"
    assert Document.from_dict(d).kind == "Nghị quyết"


def test_unknown_fields_are_rejected():
    data = _record().to_dict()
    data["bogus"] = 1
    with pytest.raises(ValueError, match="bogus"):
        ArticleRecord.from_dict(data)


def test_checked_in_schema_is_current():
    shipped = json.loads(files("qpdp_nlp").joinpath("schema/article.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate src/qpdp_nlp/schema/article.schema.json from records.json_schema()"


def test_output_validates_against_schema():
    schema = json_schema()
    jsonschema.validate(_record().to_dict(), schema)
    rec = qpdp_nlp.extract("Dự có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh Bắc Kạn.")
    jsonschema.validate(json.loads(json.dumps(rec.to_dict(), ensure_ascii=False)), schema)


def test_output_contract_fields():
    data = qpdp_nlp.extract("Huyện Ba Bể tổng kết công tác quốc phòng.").to_dict()
    for key in ("article_id", "source", "title", "scope", "report_year", "topic", "is_defense",
                "persons", "units", "counts", "documents", "places"):
        assert key in data
    for key in ("level", "province", "district", "district_type", "commune", "province_code", "district_code"):
        assert key in data["scope"]
    contract = {
        Person: ["text", "start", "end", "rank", "name", "position", "unit", "rule"],
        Unit: ["text", "start", "end", "canonical", "type", "level", "place", "rule"],
        Count: ["text", "start", "end", "value", "qualifier", "unit", "indicator", "rule"],
        Document: ["text", "start", "end", "kind", "number", "symbol", "year", "date", "issuer", "term",
                   "title", "doc_id", "rule"],
        Place: ["text", "start", "end", "name", "type", "province", "district", "code", "rule"],
    }
    for cls, fields in contract.items():
        have = set(cls(text="", start=0, end=0, rule="test").to_dict())
        assert set(fields) <= have, cls.__name__


def test_article_id_is_stable_and_depends_on_normalised_text():
    a = qpdp_nlp.extract("Uỷ ban nhân dân huyện")
    b = qpdp_nlp.extract("Ủy ban nhân dân huyện")
    assert a.article_id == b.article_id
    assert len(a.article_id) == 16
