"""Throughput of qpdp_nlp against underthesea, on the same texts, in one process.

    python bench/throughput.py [--repeat 3] [--texts DIR ...]

Measures articles/s and chars/s of
  (a) underthesea.word_tokenize alone (what every pipeline pays),
  (b) underthesea.ner (what a user would otherwise pick),
  (c) qpdp_nlp.extract (the whole pipeline: every extractor, scope, classifier),
  (p) the persons path alone (normalise + words + sentences + persons extractor),
and prints the ratios c/a, p/a and c/b (speed relative to the baseline: 1.0 = as fast), plus
peak RSS. Texts: the sample corpus, and ../shared/corpus/dev when it is there.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_texts(dirs: list[Path]) -> list[str]:
    texts = []
    for d in dirs:
        texts += [p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))]
    return texts


def timed(fn, texts, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--texts", nargs="*", type=Path, default=None)
    parser.add_argument("--skip-ner", action="store_true", help="skip underthesea.ner (slow)")
    args = parser.parse_args()

    dirs = args.texts or [ROOT / "corpora" / "samples", ROOT.parent / "shared" / "corpus" / "dev"]
    texts = load_texts([d for d in dirs if d.is_dir()])
    if not texts:
        sys.exit("bench: no texts found")
    chars = sum(len(t) for t in texts)

    from underthesea import ner, word_tokenize

    import qpdp_nlp
    from qpdp_nlp.extractors import persons
    from qpdp_nlp.text import analyse

    # Warm up: load every model once, outside the timings.
    word_tokenize(texts[0])
    qpdp_nlp.extract(texts[0])
    if not args.skip_ner:
        ner(texts[0][:200])

    def persons_only(text: str):
        return persons.extract(analyse(text))

    rows = {
        "a  underthesea.word_tokenize": timed(word_tokenize, texts, args.repeat),
        "p  qpdp persons path": timed(persons_only, texts, args.repeat),
        "c  qpdp_nlp.extract": timed(qpdp_nlp.extract, texts, args.repeat),
    }
    if not args.skip_ner:
        rows["b  underthesea.ner"] = timed(ner, texts, 1)

    print(f"{len(texts)} articles, {chars:,} chars, best of {args.repeat}")
    print(f"{'':32} {'articles/s':>11} {'chars/s':>11}")
    for name, seconds in rows.items():
        print(f"{name:32} {len(texts) / seconds:11.1f} {chars / seconds:11,.0f}")
    a = rows["a  underthesea.word_tokenize"]
    c = rows["c  qpdp_nlp.extract"]
    p = rows["p  qpdp persons path"]
    print()
    print(f"c/a (speed of extract relative to word_tokenize)       = {a / c:.3f}")
    print(f"p/a (speed of the persons path relative to word_tokenize) = {a / p:.3f}")
    if "b  underthesea.ner" in rows:
        print(f"c/b (speed of extract relative to underthesea.ner)      = {rows['b  underthesea.ner'] / c:.3f}")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
