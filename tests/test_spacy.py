"""The spaCy door: tokenizer spells the text, the component's spans are the record's facts,
entry points work from a fresh interpreter, displaCy draws them."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest

spacy = pytest.importorskip("spacy")

from conftest import SAMPLES  # noqa: E402
from qpdp_nlp import spacy_ext  # noqa: E402
from qpdp_nlp.records import FACT_TYPES  # noqa: E402

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "qpdp.underthesea_tokenizer.v1"}}}


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("vi", config=CONFIG)
    pipeline.add_pipe("qpdp")
    return pipeline


@pytest.fixture(scope="module")
def sample_docs(nlp):
    texts = [p.read_text(encoding="utf-8") for p in SAMPLE_FILES]
    return list(zip(texts, nlp.pipe(texts)))


def test_samples_exist():
    assert len(SAMPLE_FILES) >= 18


# --- entry points, from an interpreter that never imported qpdp_nlp ------------------------------

FRESH_INTERPRETER = r"""
import json, sys
import spacy
assert "qpdp_nlp" not in sys.modules
nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "qpdp.underthesea_tokenizer.v1"}}})
nlp.add_pipe("qpdp")
text = "Dự có Đại tá Lương Văn Khánh, Phó Chỉ huy trưởng Bộ CHQS tỉnh Bắc Kạn."
doc = nlp(text)
print(json.dumps({
    "tokenizer": type(nlp.tokenizer).__module__,
    "pipe_names": nlp.pipe_names,
    "same_text": doc.text_with_ws == text,
    "persons": [(s.text, s._.qpdp["rank"], s._.qpdp["name"]) for s in doc.spans["persons"]],
    "groups": sorted(doc.spans),
}, ensure_ascii=False))
"""


@pytest.mark.slow
def test_entry_points_work_without_importing_the_package(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", FRESH_INTERPRETER],
        check=False,
        cwd=tmp_path,  # not the checkout: the package must come from its installation
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["tokenizer"] == "qpdp_nlp.spacy_ext"
    assert out["pipe_names"] == ["qpdp"]
    assert out["same_text"] is True
    assert out["groups"] == sorted([*spacy_ext.KINDS, spacy_ext.ALL_SPANS_KEY])
    assert out["persons"] == [["Đại tá Lương Văn Khánh", "Đại tá", "Lương Văn Khánh"]]


def test_factory_defaults_live_in_the_registration(nlp):
    config = nlp.config["components"]["qpdp"]
    assert config["factory"] == "qpdp"
    assert config["kinds"] == list(spacy_ext.KINDS)
    assert config["alignment_mode"] == "expand"


def test_unknown_kind_is_refused():
    pipeline = spacy.blank("vi", config=CONFIG)
    with pytest.raises(ValueError, match="unknown kinds"):
        pipeline.add_pipe("qpdp", config={"kinds": ["persons", "weapons"]})


# --- the tokenizer spells the text ---------------------------------------------------------------

NAUGHTY = [
    pytest.param("", id="empty"),
    pytest.param(" ", id="one-space"),
    pytest.param("   \t\n\n  ", id="whitespace-only"),
    pytest.param("\n\nBa Bể\n\n", id="blank-lines-around"),
    pytest.param("Ba  Bể   huyện", id="space-runs"),
    pytest.param("😀", id="emoji-only"),
    pytest.param("Lễ giao nhận quân 🎖️🇻🇳 năm 2024", id="emoji-flags"),
    pytest.param(unicodedata.normalize("NFD", "Thượng tá Nguyễn Quang Long"), id="decomposed"),
    pytest.param("Uỷ ban nhân dân huyện Hoà An", id="new-tone-placement"),
    pytest.param("Ðại tá Lê Văn Hùng", id="latin-eth"),
    pytest.param("Huyện ủy\r\nUBND huyện\rBan CHQS", id="crlf-and-cr"),
    pytest.param("Bộ\u00a0CHQS\u200b tỉnh\u00adBắc Kạn\ufeff", id="nbsp-zero-width-soft-hyphen"),
    pytest.param("Hà Nội и Москва 北京 Đà Nẵng عربى", id="mixed-scripts"),
    pytest.param("a\x00b\x07c\x1b", id="control-characters"),
    pytest.param("hơn 1.100 người, gần 2,5 tỷ đồng, 100%…", id="numbers-punctuation"),
    pytest.param("\u0301\u0300 dấu đứng đầu", id="leading-combining-marks"),
]


@pytest.mark.parametrize("text", NAUGHTY)
def test_tokenizer_spells_the_text(nlp, text):
    doc = nlp.make_doc(text)
    assert doc.text_with_ws == text
    assert all(token.text for token in doc)


@pytest.mark.parametrize("text", NAUGHTY)
def test_component_keeps_the_text_and_spans_inside_it(nlp, text):
    doc = nlp(text)
    assert doc.text_with_ws == text
    for kind in spacy_ext.KINDS:
        for span in doc.spans[kind]:
            assert 0 <= span.start_char < span.end_char <= len(text)


@pytest.mark.parametrize("text", NAUGHTY)
def test_tokenizer_without_normalisation_spells_the_text(text):
    assert spacy_ext.blank(normalize=False).make_doc(text).text_with_ws == text


def test_component_works_after_any_tokenizer():
    other = spacy.blank("xx")  # spaCy's rule tokenizer: syllables, not words
    other.add_pipe("qpdp")
    text = "Dự có Đại tá Lương Văn Khánh, Phó Chỉ huy trưởng Bộ CHQS tỉnh Bắc Kạn."
    doc = other(text)
    assert [s.text for s in doc.spans["persons"]] == ["Đại tá Lương Văn Khánh"]


def test_multi_syllable_words_are_one_token(nlp):
    doc = nlp.make_doc("Dự có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh.")
    tokens = [t.text for t in doc]
    assert "Thượng tá" in tokens
    assert "Nguyễn Quang Long" in tokens


@pytest.mark.parametrize(
    "text, spans, words, spaces",
    [
        ("", [], [], []),
        ("Ba Bể", [(0, 5)], ["Ba Bể"], [False]),
        ("Ba Bể ", [(0, 5)], ["Ba Bể"], [True]),
        ("Ba  Bể", [(0, 2), (4, 6)], ["Ba", " ", "Bể"], [True, False, False]),
        ("  Ba", [(2, 4)], ["  ", "Ba"], [False, False]),
        ("Ba\n\nBể", [(0, 2), (4, 6)], ["Ba", "\n\n", "Bể"], [False, False, False]),
        # characters no word covered become their own tokens
        ("Ba 😀 Bể", [(0, 2), (5, 7)], ["Ba", "😀", "Bể"], [True, True, False]),
        # overlapping word spans: the second is dropped, its characters stay
        ("Ba Bể", [(0, 5), (3, 5)], ["Ba Bể"], [False]),
    ],
)
def test_words_and_spaces(text, spans, words, spaces):
    assert spacy_ext.words_and_spaces(text, spans) == (words, spaces)
    assert "".join(w + (" " if s else "") for w, s in zip(words, spaces)) == text


@pytest.mark.parametrize(
    "raw, span, expected",
    [
        ("Ba Bể", (0, 5), (0, 5)),
        ("  Ba Bể  ", (0, 5), (2, 7)),  # stripped edges
        ("Uỷ ban  nhân dân", (7, 15), (8, 16)),  # collapsed space run before the span
        ("Uỷ ban", (0, 2), (0, 2)),  # moved tone mark: the whole syllable
        (unicodedata.normalize("NFD", "Bể"), (0, 2), (0, 4)),  # composed: every combining mark
        (unicodedata.normalize("NFD", "Bể huyện"), (3, 8), (5, 12)),
        ("Huyện\r\nủy", (6, 8), (7, 9)),
        ("Bộ\u00a0CHQS", (3, 7), (3, 7)),  # NBSP read as a space: same length
        ("a\u200bb", (0, 2), (0, 3)),  # deleted zero-width space inside the span
    ],
)
def test_offset_map(raw, span, expected):
    from qpdp_nlp.text import normalize

    norm = normalize(raw)
    assert spacy_ext.OffsetMap(raw, norm).to_raw(*span) == expected


# --- spans are the record's facts ----------------------------------------------------------------

def _check_spans_match_record(doc):
    record = doc._.qpdp_record
    assert record is not None
    same_text = record.text == doc.text
    for kind in spacy_ext.KINDS:
        facts = getattr(record, kind)
        spans = list(doc.spans[kind])
        assert [s._.qpdp for s in spans] == [f.to_dict() for f in facts], kind
        for span, fact in zip(spans, facts):
            assert span._.qpdp_kind == kind
            assert isinstance(span._.qpdp_fact, FACT_TYPES[kind])
            assert span.label_ == spacy_ext.span_label(kind, fact)
            if same_text:
                # expand: the span is the fact snapped outwards to token boundaries
                assert span.start_char <= fact.start and fact.end <= span.end_char
                assert fact.text in span.text


@pytest.mark.parametrize("index", range(len(SAMPLE_FILES)), ids=[p.stem for p in SAMPLE_FILES])
def test_sample_corpus(sample_docs, index):
    text, doc = sample_docs[index]
    assert doc.text_with_ws == text
    _check_spans_match_record(doc)


def test_sample_corpus_has_facts_of_every_kind(sample_docs):
    found = {kind: sum(len(doc.spans[kind]) for _, doc in sample_docs) for kind in spacy_ext.KINDS}
    # The extractors land at different times; persons is the core's and always present.
    assert found["persons"] > 0, found


def _dirty(text: str) -> str:
    """The same article as a careless source would give it."""
    dirty = unicodedata.normalize("NFD", text).replace("\n", "\r\n")
    dirty = dirty.replace(" ", "  ", 5).replace("ủy", "uỷ")
    return "\ufeff  " + dirty + "  \r\n"


@pytest.mark.parametrize("index", [0, 7, 12], ids=lambda i: SAMPLE_FILES[i].stem)
def test_offsets_survive_normalisation(nlp, sample_docs, index):
    text, clean_doc = sample_docs[index]
    dirty = _dirty(text)
    doc = nlp(dirty)
    assert doc.text_with_ws == dirty
    _check_spans_match_record(doc)
    from qpdp_nlp.text import normalize

    for kind in spacy_ext.KINDS:
        clean = [s.text for s in clean_doc.spans[kind]]
        mapped = [normalize(s.text) for s in doc.spans[kind]]
        assert mapped == clean, kind


def test_doc_serialises_with_its_facts(sample_docs):
    from spacy.tokens import Doc

    _, doc = sample_docs[0]
    again = Doc(doc.vocab).from_bytes(doc.to_bytes())
    assert again._.qpdp_record == doc._.qpdp_record
    for kind in spacy_ext.KINDS:
        assert [(s.text, s.label_, s._.qpdp) for s in again.spans[kind]] == [
            (s.text, s.label_, s._.qpdp) for s in doc.spans[kind]
        ]


def test_pipeline_saves_and_loads(nlp, tmp_path):
    nlp.to_disk(tmp_path / "qpdp_vi")
    loaded = spacy.load(tmp_path / "qpdp_vi")
    assert loaded.pipe_names == ["qpdp"]
    text = "Dự có Đại tá Lương Văn Khánh, Phó Chỉ huy trưởng Bộ CHQS tỉnh Bắc Kạn."
    loaded_doc, doc = loaded(text), nlp(text)  # span groups need their doc alive
    assert [s.text for s in loaded_doc.spans["persons"]] == [s.text for s in doc.spans["persons"]]


def test_doc_from_record_needs_no_extraction(sample_docs):
    _, doc = sample_docs[0]
    rebuilt = spacy_ext.doc_from_record(doc._.qpdp_record)
    for kind in spacy_ext.KINDS:
        assert [s._.qpdp for s in rebuilt.spans[kind]] == [s._.qpdp for s in doc.spans[kind]]


# --- displaCy ------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_record", [False, True], ids=["doc", "record"])
def test_render_span_view(sample_docs, as_record):
    _, doc = sample_docs[0]
    markup = spacy_ext.render(doc._.qpdp_record if as_record else doc)
    assert markup.count("<h4>") == len(spacy_ext.KINDS)
    for span in doc.spans["persons"]:
        assert span._.qpdp["name"].split()[-1] in markup
    assert "PERSON" in markup


def test_render_entity_view(sample_docs):
    _, doc = sample_docs[0]
    markup = spacy_ext.render(doc, style="ent")
    assert "PERSON" in markup and "<mark" in markup


def test_render_refuses_unknown_style(sample_docs):
    with pytest.raises(ValueError, match="style"):
        spacy_ext.render(sample_docs[0][1], style="dep")


def test_facts_over_the_same_characters_keep_their_own_fields():
    from qpdp_nlp.records import ArticleRecord, Place, Unit

    text = "xã Thanh Sơn và Ban CHQS huyện"
    record = ArticleRecord(
        article_id="x",
        text=text,
        places=[
            Place(text="Thanh Sơn", start=3, end=12, type="xã", rule="coordinated"),
            Place(text="Thanh Sơn", start=3, end=12, type="huyện", rule="bare"),
        ],
        units=[Unit(rule="test", text="Thanh Sơn", start=3, end=12, type="agency")],
    )
    doc = spacy_ext.doc_from_record(record)
    assert [(s.label_, s._.qpdp_type, s._.qpdp["rule"]) for s in doc.spans["places"]] == [
        ("PLACE", "xã", "coordinated"), ("PLACE", "huyện", "bare")]
    assert [(s._.qpdp_kind, s._.qpdp["type"]) for s in doc.spans["units"]] == [("units", "agency")]
    assert [type(s._.qpdp_fact).__name__ for s in doc.spans["places"]] == ["Place", "Place"]


def test_component_record_is_the_library_record(sample_docs):
    import qpdp_nlp

    text, doc = sample_docs[1]
    assert doc._.qpdp_record == qpdp_nlp.extract(text)


def test_pipeline_and_docs_pickle(nlp, sample_docs):
    import pickle

    text = "Dự có Đại tá Lương Văn Khánh, Phó Chỉ huy trưởng Bộ CHQS tỉnh Bắc Kạn."
    again = pickle.loads(pickle.dumps(nlp))  # what nlp.pipe(n_process=…) does
    doc = again(text)
    assert [s._.qpdp["name"] for s in doc.spans["persons"]] == ["Lương Văn Khánh"]
    _, sample = sample_docs[0]
    copy = pickle.loads(pickle.dumps(sample))
    assert [s._.qpdp for s in copy.spans["counts"]] == [s._.qpdp for s in sample.spans["counts"]]


# --- issue 17, point 6: doc.ents, one label vocabulary, displaCy spaced as written ------------------

ENTS_TEXT = "Thực hiện Nghị quyết số 28-NQ/TW, Ban CHQS huyện Ba Bể (Bắc Kạn) tiễn 152 thanh niên nhập ngũ."


def test_doc_ents_hold_the_facts_that_do_not_overlap(nlp):
    doc = nlp(ENTS_TEXT)
    ents = list(doc.ents)
    assert ents, "doc.ents is empty: stock displaCy's entity view would draw nothing"
    for a, b in zip(ents, ents[1:]):
        assert a.end <= b.start
    assert {e.label_ for e in ents} <= set(spacy_ext.LABELS.values())
    texts = {e.text: e.label_ for e in ents}
    assert texts["Nghị quyết số 28-NQ/TW"] == "DOCUMENT" and texts["152 thanh niên"] == "COUNT"
    # the longest of overlapping facts wins: the unit, not the place inside it
    assert any(e.label_ == "UNIT" and "Ba Bể" in e.text for e in ents)
    # an entity is still its fact
    (count,) = [e for e in ents if e.label_ == "COUNT"]
    assert count._.qpdp["value"] == 152 and count._.qpdp_type == "enlisted"


def test_one_label_vocabulary_for_spans_ents_and_tables(nlp):
    from qpdp_nlp import dataset

    doc = nlp(ENTS_TEXT)
    labels = {s.label_ for kind in spacy_ext.KINDS for s in doc.spans[kind]} | {e.label_ for e in doc.ents}
    assert labels <= set(spacy_ext.LABELS.values())  # before: PERSON, military_command, Nghị quyết, huyện …
    assert set(spacy_ext.LABELS) == set(dataset.FACT_TABLES) == set(spacy_ext.KINDS)
    assert [s.label_ for s in doc.spans["sc"]] == [s.label_ for s in sorted(
        (s for kind in spacy_ext.KINDS for s in doc.spans[kind]), key=lambda s: (s.start, -s.end))]


def test_stock_displacy_draws_both_styles(nlp):
    from spacy import displacy

    doc = nlp(ENTS_TEXT)
    ent = displacy.render(doc, style="ent")
    assert ent.count("<mark") == len(doc.ents) > 0 and "DOCUMENT" in ent
    span = displacy.render(doc, style="span")  # the default spans_key "sc"
    assert "PLACE" in span and "UNIT" in span


def _visible(markup: str) -> str:
    import re

    without_labels = re.sub(r'<span style="background: [^"]*; z-index: 10;[^>]*>.*?</span>', "", markup, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", without_labels)).strip()


def test_span_view_is_spaced_as_written(nlp):
    from spacy import displacy

    doc = nlp(ENTS_TEXT)
    stock = _visible(displacy.render(doc, style="span", options={"spans_key": "documents"}))
    assert "28 - NQ / TW" in stock  # displaCy's own view spaces out every token
    for kind in ("documents", "places", "units", "counts"):
        assert _visible(spacy_ext.span_view(doc, kind)) == ENTS_TEXT, kind
    assert "28-NQ/TW," in _visible(spacy_ext.render(doc))


def test_set_ents_can_be_turned_off(nlp):
    assert nlp.config["components"]["qpdp"]["set_ents"] is True
    quiet = spacy.blank("vi", config=CONFIG)
    quiet.add_pipe("qpdp", config={"set_ents": False})
    doc = quiet(ENTS_TEXT)
    assert list(doc.ents) == [] and "sc" not in doc.spans and len(doc.spans["documents"]) == 1
