"""The whole pipeline on variants of real-looking text: it must never raise, and every fact's
span must spell its text. Variants a press archive really contains: headlines in capitals, text
in lower case, no diacritics lost but spacing and punctuation mangled, truncated articles."""

from __future__ import annotations

import unicodedata

import pytest

from conftest import SAMPLES
from qpdp_nlp.pipeline import Pipeline
from qpdp_nlp.records import FACT_TYPES


def _variants(text: str) -> dict[str, str]:
    return {
        "upper": text.upper(),
        "lower": text.lower(),
        "title_case": text.title(),
        "decomposed": unicodedata.normalize("NFD", text),
        "no_spaces_after_punct": text.replace(", ", ",").replace(". ", "."),
        "double_spaces": text.replace(" ", "  "),
        "truncated": text[: len(text) // 3],
        "one_line": text.replace("\n", " "),
        "crlf": text.replace("\n", "\r\n"),
    }


@pytest.fixture(scope="module")
def pipe():
    return Pipeline()


SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))[:4]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_variants_never_raise_and_keep_spans(pipe, path):
    text = path.read_text(encoding="utf-8")
    for name, variant in _variants(text).items():
        rec = pipe(variant, source=f"{path.name}:{name}")
        for kind in FACT_TYPES:
            for fact in getattr(rec, kind):
                assert rec.text[fact.start:fact.end] == fact.text, (name, kind, fact)


def test_capitals_headline(pipe):
    rec = pipe("UBND HUYỆN BA BỂ TỔ CHỨC HỘI NGHỊ TỔNG KẾT CÔNG TÁC QUỐC PHÒNG")
    assert any(u.text == "UBND HUYỆN BA BỂ" for u in rec.units)
