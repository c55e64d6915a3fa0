"""Seconds per pipeline stage over the same texts as bench/throughput.py.

    python bench/stages.py [--repeat 5] [--texts DIR ...] [--baseline]

Each stage of :class:`qpdp_nlp.pipeline.Pipeline` (see its docstring) is timed inside the real
pipeline: the module functions the pipeline calls are wrapped for the run, so the stages get
exactly the inputs they get in production and there is no second copy of the pipeline's order
to keep in step. The article memos (``text.per_article``) are emptied before each stage, so a
stage pays for every question it asks even when an earlier stage asked it first; the sum of the
stages is therefore a little more than a whole extraction. A call a stage makes to another
stage's function counts to the calling stage. ``analyse`` is also split into normalise, words
(the segmentation) and sentences.

Each article keeps its best of ``--repeat`` runs per stage, the figures are sums over articles.
``--baseline`` adds ``underthesea.word_tokenize`` on the same texts, the yardstick of the speed
target (extract at 1.3x or more its speed, no extractor above a tenth of segmentation).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_texts import load_texts

# (module path, attribute): what Pipeline.__call__ calls, in its order.
STAGES = [
    ("qpdp_nlp.pipeline", "analyse"),
    ("qpdp_nlp.extractors.places", "article_era"),
    ("qpdp_nlp.extractors.places", "extract"),
    ("qpdp_nlp.extractors.units", "extract"),
    ("qpdp_nlp.extractors.persons", "extract"),
    ("qpdp_nlp.extractors.counts", "extract"),
    ("qpdp_nlp.classify.indicators", "fill_indicators"),
    ("qpdp_nlp.extractors.documents", "extract"),
    ("qpdp_nlp.extractors.scope", "extract"),
    ("qpdp_nlp.extractors.scope", "count_years"),
    ("qpdp_nlp.extractors.units", "fill_place"),
    ("qpdp_nlp.extractors.units", "assign_person_units"),
    ("qpdp_nlp.classify.relevance", "classify"),
    ("qpdp_nlp.pipeline", "set_cell_confidence"),
]
# The parts of analyse, timed while analyse runs.
ANALYSE_PARTS = [("qpdp_nlp.text", "normalize"), ("qpdp_nlp.text", "words"), ("qpdp_nlp.text", "sentences")]


def label(module: str, attr: str) -> str:
    return f"{module.rsplit('.', 1)[-1]}.{attr}"


class Timer:
    """Wraps the stage functions; ``times[name]`` is the seconds of the current article."""

    def __init__(self, clear: Callable[[], None]) -> None:
        self.clear = clear
        self.active: str | None = None
        self.enabled = False
        self.times: dict[str, float] = {}

    def stage(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not self.enabled or self.active is not None:  # inside another stage: its cost
                return fn(*args, **kwargs)
            self.clear()
            self.active = name
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t0
                self.active = None
        return wrapped

    def part(self, name: str, parent: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not self.enabled or self.active != parent:
                return fn(*args, **kwargs)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t0
        return wrapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs (default 5)")
    parser.add_argument("--texts", nargs="*", type=Path, default=None)
    parser.add_argument("--baseline", action="store_true", help="also time underthesea.word_tokenize")
    args = parser.parse_args()

    texts = load_texts(args.texts)

    import importlib

    import qpdp_nlp
    from qpdp_nlp.text import clear_article_caches

    qpdp_nlp.extract(texts[0])  # load every model outside the timings
    timer = Timer(clear_article_caches)
    names = []
    for module, attr in STAGES:
        mod = importlib.import_module(module)
        names.append(label(module, attr))
        setattr(mod, attr, timer.stage(names[-1], getattr(mod, attr)))
    parts = []
    for module, attr in ANALYSE_PARTS:
        mod = importlib.import_module(module)
        parts.append(label(module, attr))
        setattr(mod, attr, timer.part(parts[-1], names[0], getattr(mod, attr)))

    def staged(text: str) -> Any:
        timer.enabled = True
        try:
            return qpdp_nlp.extract(text)
        finally:
            timer.enabled = False

    # The whole extraction is timed unwrapped: the stages' memo clearing would cost it more.
    fns: dict[str, Callable[[str], Any]] = {"extract (whole)": qpdp_nlp.extract, "stages": staged}
    if args.baseline:
        from underthesea import word_tokenize
        word_tokenize(texts[0])
        fns["underthesea.word_tokenize"] = word_tokenize

    best: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for i, text in enumerate(texts):
            for name, fn in fns.items():
                timer.times = {}
                t0 = time.perf_counter()
                fn(text)
                timer.times[name] = time.perf_counter() - t0
                for key, seconds in timer.times.items():
                    row = best.setdefault(key, [float("inf")] * len(texts))
                    row[i] = min(row[i], seconds)

    total = {key: sum(v for v in row if v != float("inf")) for key, row in best.items()}
    print(f"{len(texts)} articles, best of {args.repeat}, seconds summed over articles")
    for key in [*fns, *names[:1], *parts, *names[1:]]:
        if key == "stages":
            continue
        if key in total:
            indent = "  " if key in parts else ""
            print(f"{indent + key:34} {total[key]:8.4f}")
    # Issue 19's yardstick is underthesea's segmentation (what every pipeline paid before
    # segment.py); the project's own segmentation, now several times faster, is the stricter one.
    yardsticks = [("underthesea.word_tokenize", total.get("underthesea.word_tokenize")),
                  ("qpdp_nlp segmentation (text.words)", total.get(parts[1]))]
    for name, seg in yardsticks:
        if seg:
            over = [k for k in names[1:] if total.get(k, 0.0) > seg / 10]
            largest = max(names[1:], key=lambda k: total.get(k, 0.0))
            print(f"\na tenth of {name}: {seg / 10:.4f}; largest stage {largest} "
                  f"{total.get(largest, 0.0) / seg:.3f} of it")
            print("stages above a tenth: " + (", ".join(over) if over else "none"))


if __name__ == "__main__":
    main()
