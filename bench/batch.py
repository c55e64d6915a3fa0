"""Batch benchmark: articles/s with 1 and 2 workers, and peak memory of the whole process tree
for a small and a large input (it must not grow with the input).

The input is the project's sample corpus (``corpora/samples/*.txt``, written for the project)
repeated with variations: every number in an article is redrawn and one sentence in three is
dropped, so each article is a new text (no exact duplicate to skip) while many stay near-duplicates
of their sample, as syndicated news does. It is written as one JSON Lines file and streamed by
``qpdp extract FILE --out DIR``, run as a child process and sampled every 0.2 s with psutil.

Usage::

    .venv/bin/python bench/batch.py                      # 20,000 and 5,000 articles
    .venv/bin/python bench/batch.py --articles 2000 --small 500   # a quick look

Prints one JSON object per run and a summary table (Markdown). On a machine that other jobs
load, wall-clock rates and the speed-up say little: ``cpu_s`` (the CPU seconds of the whole tree,
sampled) and ``articles_per_cpu_s`` show the cost of running in parallel regardless of load.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
_NUMBER = re.compile(r"\d+")


def variant(text: str, i: int) -> str:
    """Sample ``text`` redrawn: new numbers, one sentence in three dropped, a numbered title."""
    rnd = random.Random(i)
    title, _, body = text.partition("\n")
    sentences = re.split(r"(?<=[.!?])\s+", body.strip())
    kept = [s for s in sentences if rnd.random() > 0.33] or sentences[:1]
    body = " ".join(kept)
    def redraw(match: re.Match) -> str:  # years and codes (5+ digits) stay
        number = match.group()
        return str(max(1, int(int(number) * rnd.uniform(0.5, 1.5)))) if len(number) < 5 else number

    body = _NUMBER.sub(redraw, body)
    return f"{title} (bản {i})\n\n{body}"


def write_corpus(path: Path, n: int) -> int:
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    if not samples:
        sys.exit(f"no sample articles in {SAMPLES}")
    size = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            record = {"id": f"b{i}", "text": variant(samples[i % len(samples)], i)}
            line = json.dumps(record, ensure_ascii=False)
            fh.write(line + "\n")
            size += len(line)
    return size


def tree_sample(proc: psutil.Process, cpu: dict[int, float]) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over ``proc`` and all its descendants, and each one's CPU
    seconds so far into ``cpu``. RSS counts pages shared between processes once per process;
    PSS splits them, so it adds up to what the tree uses."""
    rss = pss = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
            times = p.cpu_times()
            cpu[p.pid] = times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return rss, pss


def bench(corpus: Path, n: int, workers: int, out: Path) -> dict:
    cmd = [sys.executable, "-m", "qpdp_nlp.cli", "extract", str(corpus), "--out", str(out), "--workers",
           str(workers), "--log-json", "--batch-size", "1000"]
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
        proc = psutil.Process(child.pid)
        peak_rss = peak_pss = 0
        cpu: dict[int, float] = {}
        while child.poll() is None:
            rss, pss = tree_sample(proc, cpu)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.2)
        wall = time.monotonic() - started
        log.seek(0)
        events = [json.loads(line) for line in log if line.startswith("{")]
    end = next(e for e in reversed(events) if e["event"] == "end")
    # the extraction rate, from the first committed part on, leaves out the start-up (imports,
    # model loading in each worker), which a long run pays once
    parts = [e for e in events if e["event"] == "part"]
    steady = None
    if len(parts) >= 2:
        first, last = parts[0], parts[-1]
        steady = (last["articles"] - first["articles"]) / max(last["time"] - first["time"], 1e-9)
    return {"articles": n, "workers": workers, "extracted": end["articles"], "errors": end["errors"],
            "duplicates": end["duplicates"], "wall_s": round(wall, 1), "run_s": end["seconds"],
            "articles_per_s": end["articles_per_second"],
            "steady_articles_per_s": round(steady, 2) if steady else None,
            "cpu_s": round(sum(cpu.values()), 1),
            "articles_per_cpu_s": round(end["articles"] / sum(cpu.values()), 2) if cpu else None,
            "peak_rss_mib": round(peak_rss / 2**20, 1), "peak_pss_mib": round(peak_pss / 2**20, 1),
            "exit_code": child.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=5_000,
                        help="the smaller input for the memory comparison")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="qpdp-bench-") as tmp:
        tmp = Path(tmp)
        big, small = tmp / "big.jsonl", tmp / "small.jsonl"
        write_corpus(big, args.articles)
        write_corpus(small, args.small)
        for corpus, n, workers in ((big, args.articles, 1), (big, args.articles, 2), (small, args.small, 2)):
            result = bench(corpus, n, workers, tmp / f"out-{n}-{workers}")
            print(json.dumps(result), flush=True)
            results.append(result)
    one, two, little = results
    speedup = two["articles_per_s"] / one["articles_per_s"] if one["articles_per_s"] else float("nan")
    steady = (two["steady_articles_per_s"] / one["steady_articles_per_s"]
              if one["steady_articles_per_s"] and two["steady_articles_per_s"] else float("nan"))
    growth = two["peak_rss_mib"] / little["peak_rss_mib"] - 1
    growth_pss = two["peak_pss_mib"] / little["peak_pss_mib"] - 1
    print()
    print("| articles | workers | articles/s (whole run) | articles/s (steady) | CPU s (tree) "
          "| peak RSS tree (MiB) | peak PSS tree (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['articles']:,} | {r['workers']} | {r['articles_per_s']} | "
              f"{r['steady_articles_per_s']} | {r['cpu_s']} | {r['peak_rss_mib']} | {r['peak_pss_mib']} |")
    print()
    print(f"speed-up 2 workers / 1: {speedup:.2f} (whole run), {steady:.2f} (steady)")
    print(f"peak memory {args.articles:,} vs {args.small:,} articles (2 workers): "
          f"RSS {growth:+.1%}, PSS {growth_pss:+.1%}")
    if args.json:
        args.json.write_text(json.dumps({"runs": results, "speedup": speedup, "speedup_steady": steady,
                                         "rss_growth": growth, "pss_growth": growth_pss}, indent=2))


if __name__ == "__main__":
    main()
