"""The span invariant for every fact of every gold record (the accuracy floors: the quality gate)."""

from __future__ import annotations

from qpdp_nlp.records import FACT_TYPES


def test_span_invariant_every_fact(gold_records):
    assert gold_records
    for rec in gold_records:
        for kind in FACT_TYPES:
            for fact in getattr(rec, kind):
                assert 0 <= fact.start <= fact.end <= len(rec.text), (rec.source, kind, fact)
                assert rec.text[fact.start:fact.end] == fact.text, (rec.source, kind, fact)
