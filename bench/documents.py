"""Cost of the documents extractor against underthesea.word_tokenize, on the same texts.

    python bench/documents.py [--repeat 5]

Prints µs per article for word_tokenize and for documents.find on the normalised texts, and
their ratio (the extractor should cost a small fraction of the tokenizer), then the time of
documents.find on 100 kB adversarial strings (tests/test_documents.py ADVERSARIAL). Texts: the
sample corpus, and ../shared/corpus/dev when it is there.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn, items, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from underthesea import word_tokenize

    from qpdp_nlp.extractors.documents import find
    from qpdp_nlp.text import normalize

    dirs = [ROOT / "corpora" / "samples", ROOT.parent / "shared" / "corpus" / "dev"]
    texts = [normalize(p.read_text(encoding="utf-8")) for d in dirs if d.is_dir() for p in sorted(d.glob("*.txt"))]
    if not texts:
        sys.exit("no texts found")
    find(texts[0])
    word_tokenize(texts[0])
    n = len(texts)
    chars = sum(map(len, texts)) / n
    t_words = best_of(word_tokenize, texts, args.repeat) / n
    t_docs = best_of(find, texts, args.repeat) / n
    print(f"{n} articles, {chars:.0f} chars on average")
    print(f"word_tokenize   {t_words * 1e6:9.1f} µs/article")
    print(f"documents.find  {t_docs * 1e6:9.1f} µs/article   ({t_docs / t_words:.1%} of word_tokenize)")

    sys.path.insert(0, str(ROOT / "tests"))
    from test_documents import ADVERSARIAL

    for name, text in ADVERSARIAL.items():
        text = text[:100_000]
        print(f"adversarial {name:<28} {best_of(find, [text], 3) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
