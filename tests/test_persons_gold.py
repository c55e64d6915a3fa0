"""Gold floors for persons (issue 2) and the span invariant for every fact of every gold record."""

from __future__ import annotations

from qpdp_nlp.records import FACT_TYPES

FLOORS = {
    ("persons_ranked", "f1"): 0.95,
    ("persons_names", "f1"): 0.90,
    ("position_ranked", "accuracy"): 0.80,
}


def test_persons_floors(gold_scores):
    for (field, metric), floor in FLOORS.items():
        assert gold_scores[field][metric] >= floor, (field, gold_scores[field])


def test_span_invariant_every_fact(gold_records):
    assert gold_records
    for rec in gold_records:
        for kind in FACT_TYPES:
            for fact in getattr(rec, kind):
                assert 0 <= fact.start <= fact.end <= len(rec.text), (rec.source, kind, fact)
                assert rec.text[fact.start:fact.end] == fact.text, (rec.source, kind, fact)
