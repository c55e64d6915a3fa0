"""Cost of the counts extractor per article, next to underthesea's word_tokenize on the same text.

    .venv/bin/python bench/counts.py [FOLDER_OF_TXT ...]

Defaults to ../shared/corpus/dev. Prints milliseconds per article for: reading numbers
(``numbers.find_numbers``), deciding counts (``counts.candidates``), the whole extractor with
indicators (``counts.extract``) and word_tokenize, with the ratio extractor / word_tokenize (the
budget: well under half of word_tokenize). Timings on a shared machine vary; the ratio less so.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from qpdp_nlp.extractors import counts
from qpdp_nlp.extractors.numbers import find_numbers
from qpdp_nlp.text import analyse


def per_article(fn, items, repeat: int) -> float:
    for item in items:
        fn(item)
    started = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            fn(item)
    return (time.perf_counter() - started) / repeat / len(items) * 1000


def main(folders: list[str]) -> None:
    root = Path(__file__).resolve().parents[1]
    folders = folders or [str(root.parent / "shared" / "corpus" / "dev")]
    texts = [p.read_text(encoding="utf-8") for f in folders for p in sorted(Path(f).glob("*.txt"))]
    if not texts:
        raise SystemExit("no .txt files found")
    docs = [analyse(t) for t in texts]
    from underthesea import word_tokenize

    numbers_ms = per_article(lambda d: find_numbers(d.text), docs, 20)
    decide_ms = per_article(counts.candidates, docs, 20)
    extract_ms = per_article(counts.extract, docs, 20)
    tokenize_ms = per_article(lambda d: word_tokenize(d.text), docs, 2)
    chars = sum(len(d.text) for d in docs) / len(docs)
    print(f"{len(docs)} articles, {chars:.0f} characters on average")
    print(f"find_numbers        {numbers_ms:7.3f} ms/article")
    print(f"counts.candidates   {decide_ms:7.3f} ms/article")
    print(f"counts.extract      {extract_ms:7.3f} ms/article (with indicators)")
    print(f"word_tokenize       {tokenize_ms:7.3f} ms/article")
    print(f"extract / tokenize  {extract_ms / tokenize_ms:7.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
