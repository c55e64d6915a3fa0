"""Cost of the units extractor per article (not a test): ``python bench/units.py [FOLDER]``.

Reads the ``*.txt`` articles of FOLDER (default ../shared/corpus/dev), normalises them once,
then times :func:`qpdp_nlp.extractors.units.find_units` alone (best of five passes), and
underthesea's word segmentation of the same texts for scale (the machine may be shared: the
ratio is the number to read).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from qpdp_nlp.extractors.units import find_units, patterns
from qpdp_nlp.text import normalize


def main(folder: str) -> None:
    texts = [normalize(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt articles in {folder}")
    t0 = time.perf_counter()
    patterns()
    print(f"compile tables and patterns: {(time.perf_counter() - t0) * 1000:.1f} ms (once per process)")
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for text in texts:
            find_units(text)
        best = min(best, (time.perf_counter() - t0) / len(texts))
    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} articles, {chars:.0f} chars on average: {best * 1000:.3f} ms per article")
    from qpdp_nlp.text import words

    words(texts[0])  # load the model
    segment = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for text in texts:
            words(text)
        segment = min(segment, (time.perf_counter() - t0) / len(texts))
    print(f"underthesea words: {segment * 1000:.3f} ms per article; units / words = {best / segment:.2f}")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
    main(sys.argv[1] if len(sys.argv) > 1 else str(default))
