"""How well the indicator decision does on real count contexts, measured with grouped folds.

    .venv/bin/python bench/indicators_cv.py [--shared ../shared] [--baseline FILE] [--json]

Data (read from ``../shared`` at run time, never copied): ``corpus/indicators/contexts.jsonl``
(320 labelled counts in their sentences, 85 pages) and the gold counts of ``corpus/dev``, ``dev2``
and ``seed`` (each found in its article and read in its sentence), plus the written examples of
``data/indicator_training.tsv`` (always on the training side, never scored).

1. baseline: a shipped model (``--baseline``, default the one in the package) with the cue rule
   as it was before the retraining (any row that names one indicator settles it), scored on every
   real context; it never saw them (it was trained on the written examples alone);
2. retrained: cues + the model trained on the real contexts, out of fold: 5 folds grouped by
   article (URL: one article never on both sides) and 5 folds grouped by source site (domain);
3. the pipeline on the sentence alone is what ``qpdp eval .../contexts.jsonl`` measures (the
   extractor must find the count, and a lone sentence may hold too few defence terms).

Accuracy on contexts.jsonl and on the gold-article counts, and precision/recall per indicator.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from qpdp_nlp.classify import indicators
from qpdp_nlp.classify.training import default_shared


def per_indicator(pairs) -> dict[str, dict[str, float]]:
    tp, fp, fn, gold = Counter(), Counter(), Counter(), Counter()
    for e, d in pairs:
        gold[e.label] += 1
        if e.label == d.indicator:
            tp[e.label] += 1
        else:
            fp[d.indicator] += 1
            fn[e.label] += 1
    out = {}
    for name in indicators.INDICATORS:
        p = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else None
        r = tp[name] / gold[name] if gold[name] else None
        out[name] = {"gold": gold[name], "precision": p, "recall": r}
    return out


THRESHOLDS = (0.0, 0.5, 0.7, 0.8, 0.9)


def kept_at(pairs) -> dict[str, list]:
    """Does confidence rank right decisions above wrong ones? For each threshold t: the decisions
    with confidence >= t, and the share of them that are right."""
    out = {}
    for t in THRESHOLDS:
        kept = [(e, d) for e, d in pairs if d.confidence >= t]
        right = sum(e.label == d.indicator for e, d in kept)
        out[str(t)] = [len(kept), round(right / len(kept), 3) if kept else None]
    return out


def summary(pairs) -> dict:
    def acc(subset):
        return round(sum(e.label == d.indicator for e, d in subset) / len(subset), 4) if subset else None

    ctx = [(e, d) for e, d in pairs if e.origin == "contexts"]
    art = [(e, d) for e, d in pairs if e.origin != "contexts"]
    by_rule = Counter("cue" if d.rule.startswith("cue") else d.rule for _, d in ctx)
    right_by_rule = Counter("cue" if d.rule.startswith("cue") else d.rule for e, d in ctx if e.label == d.indicator)
    return {
        "contexts_kept_at": kept_at(ctx), "articles_kept_at": kept_at(art),
        "contexts_accuracy": acc(ctx), "contexts_n": len(ctx),
        "articles_accuracy": acc(art), "articles_n": len(art),
        "contexts_by_rule": {r: [right_by_rule[r], n] for r, n in by_rule.items()},
        "contexts_per_indicator": per_indicator(ctx),
        "articles_per_indicator": per_indicator(art),
    }


def table(name: str, s: dict) -> str:
    lines = [f"== {name}",
             f"contexts.jsonl accuracy {s['contexts_accuracy']}  (n={s['contexts_n']}); "
             f"gold-article counts accuracy {s['articles_accuracy']}  (n={s['articles_n']})",
             "decided by: " + ", ".join(f"{r} {k}/{n}" for r, (k, n) in sorted(s["contexts_by_rule"].items())),
             "confidence >= t, decisions kept and their accuracy (contexts | gold articles): " + "; ".join(
                 f"t={t} {s['contexts_kept_at'][t][0]} {s['contexts_kept_at'][t][1]} | "
                 f"{s['articles_kept_at'][t][0]} {s['articles_kept_at'][t][1]}" for t in s["contexts_kept_at"]),
             f"{'indicator':24}{'ctx P':>7}{'ctx R':>7}{'n':>5}   {'art P':>7}{'art R':>7}{'n':>5}"]

    def f(v):
        return "      -" if v is None else f"{v:7.3f}"

    for k in indicators.INDICATORS:
        c, a = s["contexts_per_indicator"][k], s["articles_per_indicator"][k]
        lines.append(f"{k:24}{f(c['precision'])}{f(c['recall'])}{c['gold']:5}   "
                     f"{f(a['precision'])}{f(a['recall'])}{a['gold']:5}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=default_shared())
    ap.add_argument("--baseline", type=Path, default=None,
                    help="a model JSON to score as shipped (default: the package's)")
    ap.add_argument("--settle", type=float, default=indicators.SETTLE)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    real = indicators.shared_examples(args.shared)
    if not real:
        print("no ../shared corpus: nothing to measure", file=sys.stderr)
        return 1
    examples = indicators.written_examples() + real
    if args.baseline:
        base_model = indicators._model_from(json.loads(args.baseline.read_text(encoding="utf-8")))
    else:
        base_model = indicators._model()
    base = list(zip(real, indicators.decide([e.context for e in real], base_model, settle=0.0)))
    results = {"baseline (shipped model, any cue settles)": summary(base)}
    for by in ("group", "site"):
        pairs = indicators.cross_validate(examples, by=by, settle=args.settle)
        results[f"retrained, 5 folds grouped by {'article' if by == 'group' else 'site'}"] = summary(pairs)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print(f"{len(real)} real count contexts ({sum(e.origin == 'contexts' for e in real)} from contexts.jsonl), "
              f"{len(examples) - len(real)} written; {len({e.group for e in real})} articles, "
              f"{len({e.site for e in real})} sites\n")
        print("\n\n".join(table(k, v) for k, v in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
