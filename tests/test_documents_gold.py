"""What every document of every gold record must hold (the accuracy floors: the quality gate)."""

from __future__ import annotations

import re

import pytest

from qpdp_nlp.extractors.documents import kinds


@pytest.mark.gold
def test_every_document_is_a_well_formed_span(gold_records):
    known_kinds = {k.name for k in kinds().values()}
    seen = 0
    for rec in gold_records:
        starts = [d.start for d in rec.documents]
        assert starts == sorted(starts), rec.source
        for d in rec.documents:
            seen += 1
            assert 0 <= d.start < d.end <= len(rec.text), (rec.source, d)
            assert rec.text[d.start:d.end] == d.text, (rec.source, d)
            assert d.kind in known_kinds, (rec.source, d)
            assert d.number or d.rule in ("named_law", "named_table", "plenum", "congress", "quoted_title", "dated"), d
            assert d.doc_id, (rec.source, d)
            if d.date:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.date) and d.year == int(d.date[:4]), d
            if d.term:
                assert re.fullmatch(r"[IVXL]+", d.term), d
    assert seen
