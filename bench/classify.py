"""What the relevance/topic classifier costs and how well it does.

    .venv/bin/python bench/classify.py [--shared ../shared] [--json]

1. start-up: in a fresh interpreter, what importing ``qpdp_nlp.classify`` and loading both
   shipped models adds to the start-up of an extraction (the package and underthesea's first
   call, which imports numpy anyway), median of 3 runs; budget < 0.5 s;
2. run time: classification per article against the rest of the extraction (underthesea words,
   every extractor, finish) on the dev + seed gold articles; budget < 5 %;
3. quality, out of fold with folds grouped by source site (the registered domain of the page's
   URL; near-duplicates across sites joined), on every real labelled page of ``shared/corpus``
   (leads, dev, dev2, seed, scope labels) and on each apart: is_defense precision/recall/F1 and
   topic accuracy/macro-F1 of the model, and topic accuracy of the model alone, the topic rules
   alone and rules-first (what the pipeline does).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from qpdp_nlp.classify import relevance as classify
from qpdp_nlp.classify.training import default_shared
from qpdp_nlp.extractors import scope
from qpdp_nlp.pipeline import Pipeline

STARTUP_CODE = """
import time
t0 = time.perf_counter()
import qpdp_nlp, qpdp_nlp.pipeline, qpdp_nlp.text
qpdp_nlp.text.words("Huyện ủy Ba Bể")  # any extraction starts underthesea (and so numpy)
t1 = time.perf_counter()
import qpdp_nlp.classify.relevance as c
t2 = time.perf_counter()
c.load_model(c.RELEVANCE_FILE); c.load_model(c.TOPIC_FILE)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def startup() -> dict[str, float]:
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", STARTUP_CODE], capture_output=True, text=True, check=True)
        runs.append([float(x) for x in out.stdout.split()])
    package, module, models = (round(statistics.median(r[i] for r in runs), 4) for i in range(3))
    # what the classifier adds to the start-up of an extraction (package + underthesea)
    return {"extraction_startup_s": package, "classify_import_s": module, "load_models_s": models,
            "added_s": round(module + models, 4)}


def gold_articles(shared: Path) -> list[tuple[str, str, str]]:
    """(id, text, gold topic) of the dev and seed articles."""
    out = []
    for folder in ("dev", "seed"):
        for path in sorted((shared / "corpus" / folder).glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            out.append((path.stem, path.with_suffix(".txt").read_text(encoding="utf-8"), gold["topic"]))
    return out


def run_time(pipe: Pipeline, texts: list[str], repeats: int = 3) -> dict[str, float]:
    """Best of ``repeats``: the pipeline without the classifier, then the classifier alone on the
    same analysed articles (models already loaded)."""
    classify.load_model(classify.RELEVANCE_FILE), classify.load_model(classify.TOPIC_FILE)
    docs = [pipe.analyse(text) for text in texts]
    records = [pipe(text) for text in texts]
    best_extract = best_classify = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for text in texts:
            pipe(text)
        t1 = time.perf_counter()
        for record, doc in zip(records, docs):
            classify.classify(record, doc)
        t2 = time.perf_counter()
        best_extract, best_classify = min(best_extract, t1 - t0), min(best_classify, t2 - t1)
    n = len(texts)
    return {
        "articles": n,
        "extract_ms_per_article": round(1000 * best_extract / n, 3),
        "classify_ms_per_article": round(1000 * best_classify / n, 3),
        "classify_share_pct": round(100 * best_classify / best_extract, 2),
    }


def rule_topic(pipe: Pipeline, text: str) -> str | None:
    """The topic rules' answer (they read the text alone)."""
    return scope.rule_topic(pipe.analyse(text))


def topic_policies(pipe: Pipeline, shared: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Topic accuracy and macro-F1 of model / rules / rules-first (the pipeline), out of fold with
    folds grouped by source site, on every real example and on each origin apart. The rules read the
    example's whole text (a lead, or a whole gold article)."""
    from sklearn.metrics import f1_score

    def score(gold, predicted):
        acc = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
        return {"accuracy": round(acc, 4), "macro_f1": round(float(f1_score(gold, predicted, average="macro")), 4)}

    examples = classify.load_real(shared) + classify.load_extra()
    with threadpool_limits(limits=1):
        real, predictions, _ = classify.out_of_fold(examples)
    rules = [rule_topic(pipe, e.text) for e in real]
    policies = {
        "model": [p.topic for p in predictions],
        "rules": [r or "none" for r in rules],
        "rules_first": [classify.combine_topic(p, r) for p, r in zip(predictions, rules)],
    }
    out: dict[str, dict[str, dict[str, float]]] = {}
    for origin in ("all", *classify.REAL_ORIGINS):
        keep = [i for i, e in enumerate(real) if origin in ("all", e.origin)]
        if len(keep) < 2:
            continue
        gold = [real[i].topic if real[i].is_defense else classify.NOT_DEFENSE for i in keep]
        out[origin] = {name: score(gold, [answers[i] for i in keep]) for name, answers in policies.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, object] = {"startup": startup()}
    pipe = Pipeline(classify=False)
    if args.shared is not None and (args.shared / "corpus" / "dev").is_dir():
        texts = [text for _, text, _ in gold_articles(args.shared)]
        pipe(texts[0])  # warm underthesea and every lexicon
        results["run_time"] = run_time(pipe, texts)
        with threadpool_limits(limits=1):
            results["cross_validated"] = classify.cross_validate(
                classify.load_real(args.shared) + classify.load_extra()
            )
        results["topic_policies"] = topic_policies(pipe, args.shared)
    else:
        print("shared/ not found: only start-up measured", file=sys.stderr)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for section, values in results.items():
        print(f"[{section}]")
        for key, value in values.items():
            print(f"  {key:<28} {json.dumps(value, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
