"""Speed of qpdp_nlp.segment.word_tokenize against underthesea.word_tokenize, same sentences.

    python bench/segment.py [--repeat 5] [--memo-articles 100000]

Both run in one process on every non-empty line of the same articles (the sample corpus and
../shared/corpus/dev). The machine is shared, so the two are interleaved article by article and
each article keeps its best time of ``--repeat`` runs: the ratio is robust to load, absolute
numbers are not. Printed:

- warm: the memo tables already hold the corpus's syllables, pairs and triples;
- cold first pass: the memo tables are emptied once, then the corpus is read in order;
- cold every article: the memo tables are emptied before *every* article (each article is the
  first a process reads; the rows built at load from the model's own vocabulary stay);
- the same with ``use_token_normalize=True`` (underthesea's default; the pipeline uses False);
- a 2 MB single line of "a.a." (underthesea would take hours: it is quadratic), and the time
  and memo sizes;
- the time of each one's first call, which loads its model;
- with ``--memo-articles N``: N generated articles (syllables of the corpus drawn at random, so
  nearly every pair and triple is new: the worst case for the memo), then the memo tables'
  entries and bytes and the peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

from bench_texts import load_texts


def load_articles(dirs: list[Path] | None) -> list[list[str]]:
    """Each text's non-empty lines."""
    out = []
    for text in load_texts(dirs):
        lines = [line for line in text.split("\n") if line.strip()]
        if lines:
            out.append(lines)
    return out


def interleaved(articles, ref, fast, repeat: int, cold: str, **kwargs) -> tuple[float, float]:
    """Sum over articles of the best time of each function (ref, fast). ``cold``: "" (warm),
    "pass" (memo emptied before each pass over the corpus) or "article" (before every article)."""
    from qpdp_nlp import segment

    best_ref = [float("inf")] * len(articles)
    best_fast = [float("inf")] * len(articles)
    for _ in range(repeat):
        for i, lines in enumerate(articles):
            t0 = time.perf_counter()
            for line in lines:
                ref(line, **kwargs)
            t1 = time.perf_counter()
            if cold == "article" or (cold == "pass" and i == 0):
                segment.clear_memo()
            t2 = time.perf_counter()
            for line in lines:
                fast(line, **kwargs)
            t3 = time.perf_counter()
            best_ref[i] = min(best_ref[i], t1 - t0)
            best_fast[i] = min(best_fast[i], t3 - t2)
    return sum(best_ref), sum(best_fast)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--texts", nargs="*", type=Path, default=None)
    parser.add_argument("--memo-articles", type=int, default=0, help="generated articles for the memo check")
    args = parser.parse_args()

    articles = load_articles(args.texts)
    lines = sum(len(a) for a in articles)
    chars = sum(len(line) for a in articles for line in a)

    # The first call of each loads its model (underthesea: its CRF tagger; segment: the weights,
    # the rows of every key the model knows and of every (lower-cased value, flags)); the
    # modules both use are imported first, so that neither is charged for them.
    import underthesea_core  # noqa: F401
    from underthesea import word_tokenize as reference
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger  # noqa: F401
    from underthesea.pipeline.text_normalize import token_normalize  # noqa: F401

    from qpdp_nlp import segment

    t0 = time.perf_counter()
    reference("Khởi động")
    t1 = time.perf_counter()
    segment.word_tokenize("Khởi động")
    t2 = time.perf_counter()
    print(f"model load (first call): underthesea {t1 - t0:.2f} s, segment {t2 - t1:.2f} s")
    print(f"{len(articles)} articles, {lines} lines, {chars:,} chars, best of {args.repeat}, interleaved")
    print(f"{'':44} {'underthesea s':>14} {'segment s':>10} {'ratio':>6}")
    for name, cold, kwargs in (
        ("warm, use_token_normalize=False (pipeline)", "", {"use_token_normalize": False}),
        ("cold first pass, use_token_normalize=False", "pass", {"use_token_normalize": False}),
        ("cold every article, use_token_normalize=False", "article", {"use_token_normalize": False}),
        ("warm, defaults", "", {}),
        ("cold first pass, defaults", "pass", {}),
        ("cold every article, defaults", "article", {}),
    ):
        if not cold:
            for a in articles:  # fill the memo
                for line in a:
                    segment.word_tokenize(line, **kwargs)
        ref_s, fast_s = interleaved(articles, reference, segment.word_tokenize, args.repeat, cold, **kwargs)
        print(f"{name:44} {ref_s:14.3f} {fast_s:10.3f} {ref_s / fast_s:6.2f}")

    long_line = "a.a." * 500_000
    t0 = time.perf_counter()
    words = segment.word_tokenize(long_line, use_token_normalize=False)
    print(f"\n2 MB single line of 'a.a.': {time.perf_counter() - t0:.1f} s, {len(words):,} words")
    print(f"memo after the corpus: {segment.memo_stats()}")

    if args.memo_articles:
        vocab = sorted({w for a in articles for line in a for w in line.split()})
        rng = random.Random(0)
        segment.clear_memo()
        t0 = time.perf_counter()
        for i in range(args.memo_articles):
            text = " ".join(rng.choice(vocab) for _ in range(300))
            segment.word_tokenize(text, use_token_normalize=False)
            if (i + 1) % 10_000 == 0:
                print(f"  {i + 1:,} articles, {time.perf_counter() - t0:.0f} s: {segment.memo_stats()}", flush=True)
        print(f"memo after {args.memo_articles:,} generated articles: {segment.memo_stats()}")
        print(f"caps: tokens {segment.TOKEN_CAP:,}, pairs {segment.PAIR_CAP:,}, triples {segment.TRIPLE_CAP:,}")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
