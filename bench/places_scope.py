"""What places, scope, report year and rule topic cost per article.

    .venv/bin/python bench/places_scope.py [--shared ../shared] [--repeat 5]

1. start-up: loading the gazetteer (both eras from vietnamadminunits' SQLite file, the aliases and
   dissolved-district tables) once per process;
2. run time: CPU milliseconds per dev + seed gold article (texts analysed once beforehand) of
   ``places.extract``, ``scope.decide_scope``, ``scope.report_year`` and ``scope.rule_topic``,
   against underthesea's word segmentation of the same articles; budget: well under 1 ms.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from qpdp_nlp import gazetteer
from qpdp_nlp.evaluate import load_gold
from qpdp_nlp.extractors import places, scope
from qpdp_nlp.text import analyse, words


def per_article_ms(label: str, fn, docs, repeat: int) -> float:
    start = time.process_time()
    for _ in range(repeat):
        for doc in docs:
            fn(doc)
    ms = (time.process_time() - start) / (len(docs) * repeat) * 1000
    print(f"{label:<24} {ms:8.3f} ms/article")
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    start = time.process_time()
    gazetteer.gazetteer()
    places.url_places.cache_clear()
    print(f"{'gazetteer load':<24} {(time.process_time() - start) * 1000:8.1f} ms (once)")

    corpus = Path(args.shared) / "corpus"
    arts = load_gold([corpus / "dev", corpus / "seed"])
    docs = [analyse(a.text, meta={"url": a.gold.get("url")}) for a in arts]
    found = {id(doc): places.extract(doc) for doc in docs}
    print(f"{len(docs)} articles, {sum(len(d.text) for d in docs) / len(docs):.0f} characters on average")

    total = per_article_ms("places.extract", places.extract, docs, args.repeat)
    total += per_article_ms(
        "scope.decide_scope", lambda d: scope.decide_scope(d, found[id(d)]), docs, args.repeat
    )
    total += per_article_ms("scope.report_year", scope.report_year, docs, args.repeat)
    total += per_article_ms("scope.rule_topic", scope.rule_topic, docs, args.repeat)
    print(f"{'all four':<24} {total:8.3f} ms/article")
    per_article_ms("underthesea words", lambda d: words(d.text), docs, 1)


if __name__ == "__main__":
    main()
