"""Throughput of qpdp_nlp against underthesea, on the same texts, in one process.

    python bench/throughput.py [--repeat 3] [--texts DIR ...]

Measures articles/s and chars/s of
  (a) underthesea.word_tokenize alone (what every pipeline pays),
  (s) qpdp_nlp.segment.word_tokenize alone (the same words, computed per template),
  (b) underthesea.ner (what a user would otherwise pick),
  (c) qpdp_nlp.extract (the whole pipeline: every extractor, scope, classifier),
  (c0) qpdp_nlp.extract with underthesea's segmenter forced (the pipeline before segment.py),
  (p) the persons path alone (normalise + words + sentences + persons extractor),
and prints the ratios c/a, c0/a, s/a, p/a and c/b (speed relative to the baseline: 1.0 = as
fast), plus peak RSS. Texts: the sample corpus, and ../shared/corpus/dev when it is there.

The machine is shared: the functions are interleaved article by article and each article keeps
its best time of ``--repeat`` runs, so the ratios hold under load; absolute figures do not.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from bench_texts import load_texts


def timed_together(fns: dict, texts, repeat: int) -> dict[str, float]:
    """Seconds per function: the sum over texts of each text's best of ``repeat`` runs, the
    functions interleaved text by text so that they see the same load."""
    best = {name: [float("inf")] * len(texts) for name in fns}
    for _ in range(repeat):
        for i, t in enumerate(texts):
            for name, fn in fns.items():
                t0 = time.perf_counter()
                fn(t)
                best[name][i] = min(best[name][i], time.perf_counter() - t0)
    return {name: sum(times) for name, times in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--texts", nargs="*", type=Path, default=None)
    parser.add_argument("--skip-ner", action="store_true", help="skip underthesea.ner (slow)")
    args = parser.parse_args()

    texts = load_texts(args.texts)
    chars = sum(len(t) for t in texts)

    from underthesea import ner, word_tokenize

    import qpdp_nlp
    from qpdp_nlp import segment
    from qpdp_nlp.extractors import persons
    from qpdp_nlp.text import analyse

    # Warm up: load every model once, outside the timings.
    word_tokenize(texts[0])
    segment.word_tokenize(texts[0])
    qpdp_nlp.extract(texts[0])
    if not args.skip_ner:
        ner(texts[0][:200])

    def persons_only(text: str):
        return persons.extract(analyse(text))

    fast = segment._segmenter()

    def extract_underthesea(text: str):
        # The pipeline as it was before segment.py: underthesea segments, words are realigned.
        segment._STATE["seg"] = None
        try:
            return qpdp_nlp.extract(text)
        finally:
            segment._STATE["seg"] = fast

    rows = timed_together({
        "a  underthesea.word_tokenize": word_tokenize,
        "s  qpdp_nlp.segment.word_tokenize": segment.word_tokenize,
        "p  qpdp persons path": persons_only,
        "c  qpdp_nlp.extract": qpdp_nlp.extract,
        "c0 extract, underthesea segmenter": extract_underthesea,
    }, texts, args.repeat)
    if not args.skip_ner:
        rows["b  underthesea.ner"] = timed_together({"b": ner}, texts, 1)["b"]

    print(f"{len(texts)} articles, {chars:,} chars, best of {args.repeat}")
    print(f"{'':36} {'articles/s':>11} {'chars/s':>11}")
    for name, seconds in rows.items():
        print(f"{name:36} {len(texts) / seconds:11.1f} {chars / seconds:11,.0f}")
    a = rows["a  underthesea.word_tokenize"]
    c = rows["c  qpdp_nlp.extract"]
    p = rows["p  qpdp persons path"]
    print()
    print(f"c/a (speed of extract relative to word_tokenize)       = {a / c:.3f}")
    print(f"c0/a (the same with underthesea's segmenter: before)  = {a / rows['c0 extract, underthesea segmenter']:.3f}")
    print(f"s/a (segment.word_tokenize relative to word_tokenize) = {a / rows['s  qpdp_nlp.segment.word_tokenize']:.3f}")
    print(f"p/a (speed of the persons path relative to word_tokenize) = {a / p:.3f}")
    if "b  underthesea.ner" in rows:
        print(f"c/b (speed of extract relative to underthesea.ner)      = {rows['b  underthesea.ner'] / c:.3f}")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
