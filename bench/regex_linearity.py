"""How long every regex of the counts and documents paths takes on 100 kB of adversarial text
(not a test): ``python bench/regex_linearity.py``.

The tests only guard against a hang (``tests/conftest.hang_guard``); this measures. Each time is
set beside a trivial tokenizing regex over the same text, run in the same process, so the ratio
does not depend on the machine's load: a linear regex stays within a few tens of that baseline,
catastrophic backtracking costs thousands of times more.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

import test_counts  # noqa: E402  (the adversarial texts and the regex inventory live with the tests)
import test_documents  # noqa: E402
from qpdp_nlp.extractors.documents import find  # noqa: E402

BASELINE = re.compile(r"[^\W\d_]+|\d+")


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    worst = (0.0, "")
    for kind, text in test_counts.ADVERSARIAL.items():
        base = best_of(lambda t=text: sum(1 for _ in BASELINE.finditer(t)))
        positions = range(0, len(text), len(text) // 50)
        for name, pattern in test_counts._patterns():
            if name in test_counts.SCANNERS:
                elapsed = best_of(lambda p=pattern, t=text: sum(1 for _ in p.finditer(t)))
            else:
                elapsed = best_of(lambda p=pattern, t=text, at=positions: [p.match(t, pos) for pos in at])
            worst = max(worst, (elapsed / base, f"{name} on {kind!r}: {elapsed * 1000:.1f} ms"))
    print(f"counts regexes, worst ratio to the baseline tokenizer: {worst[0]:.1f}x ({worst[1]})")
    for kind, text in test_documents.ADVERSARIAL.items():
        text = text[:100_000]
        base = best_of(lambda t=text: re.findall(r"\w+", t))
        elapsed = best_of(lambda t=text: find(t))
        print(f"documents.find on {kind!r}: {elapsed * 1000:7.1f} ms ({elapsed / base:5.1f}x baseline)")


if __name__ == "__main__":
    main()
