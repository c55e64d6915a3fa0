"""Peak memory of a gzipped JSON Lines dump piped through stdin (issue 17): flat, whatever its length.

    .venv/bin/python bench/stdin_memory.py            # 100,000 and 1,000,000 lines (a few minutes)
    .venv/bin/python bench/stdin_memory.py --lines 20000 200000

For each size N it writes ``dump-N.jsonl.gz`` (N lines of generated articles, written for this
benchmark: 200 distinct texts, each line with its own id and date) and measures, as child
processes fed by a pipe (``cat dump | …``), the peak RSS (``ru_maxrss`` of the waited child):

- **read**: ``qpdp_nlp.ingest.sources.read_stdin`` alone, every line parsed into an article;
- **extract**: ``qpdp extract - --out DIR --workers 1 --quiet``: reading, normalising, hashing and
  the manifest look-up of every line. The 200 distinct texts are extracted once; the other lines
  are copies the run skips ("already done"), so a million lines take minutes, not the hours that
  extracting a million distinct articles would, while every line still goes through the driver.

Not a timed test: the numbers depend on the machine. Results are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

READ_ONLY = ("import sys; from qpdp_nlp.ingest.sources import read_stdin; "
             "n = sum(1 for _ in read_stdin()); print(n)")


def article(i: int) -> str:
    return (f"Huyện Na Rì tổng kết công tác quốc phòng địa phương, bản tin {i}\n\n"
            f"Sáng 12/2, huyện Na Rì tổ chức lễ giao nhận quân. Toàn huyện có {20 + i} thanh niên lên đường "
            f"nhập ngũ, đạt 100% chỉ tiêu. Thượng tá Nguyễn Văn An, Chỉ huy trưởng Ban CHQS huyện, phát biểu.")


def write_dump(path: Path, lines: int) -> None:
    texts = [article(i) for i in range(200)]
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for i in range(lines):
            fh.write(json.dumps({"id": f"A{i}", "text": texts[i % 200], "date": f"{1 + i % 28}/{1 + i % 12}/2024"},
                                ensure_ascii=False) + "\n")


def peak_rss_of(command: list[str], dump: Path) -> tuple[float, float, str]:
    """(peak RSS MiB, seconds, last line of stdout) of ``cat dump | command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    with open(dump, "rb") as src:
        cat = subprocess.Popen(["cat"], stdin=src, stdout=subprocess.PIPE)
        done = subprocess.run(command, stdin=cat.stdout, capture_output=True, text=True, cwd=ROOT)
        cat.stdout.close()
        cat.wait()
    seconds = time.monotonic() - started
    if done.returncode not in (0,):
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure each size in its own
    # process so earlier (smaller) runs cannot hide a larger one.
    return max(after, before) / 1024, seconds, (done.stdout.strip().splitlines() or [""])[-1]


def measure(lines: int, folder: Path, mode: str) -> dict:
    dump = folder / f"dump-{lines}.jsonl.gz"
    if not dump.exists():
        write_dump(dump, lines)
    if mode == "read":
        command = [PYTHON, "-c", READ_ONLY]
    else:
        out = folder / f"out-{lines}"
        command = [PYTHON, "-m", "qpdp_nlp.cli", "extract", "-", "--out", str(out), "--workers", "1",
                   "--quiet", "--log-json"]
    # one grandchild per measurement, so that ru_maxrss is this run's alone
    probe = (f"import resource, subprocess, sys, json; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
             f"from stdin_memory import peak_rss_of; from pathlib import Path; "
             f"print(json.dumps(peak_rss_of({command!r}, Path({str(dump)!r}))))")
    done = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True, check=True)
    rss, seconds, last = json.loads(done.stdout.strip().splitlines()[-1])
    return {"lines": lines, "mode": mode, "peak_rss_mib": round(rss, 1), "seconds": round(seconds, 1),
            "dump_mib": round(dump.stat().st_size / 2**20, 1), "last": last}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--modes", nargs="+", default=["read", "extract"], choices=["read", "extract"])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="qpdp-bench-stdin-") as tmp:
        for mode in args.modes:
            for lines in args.lines:
                row = measure(lines, Path(tmp), mode)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    print("| mode | lines | gzip MiB | peak RSS MiB | seconds |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['mode']} | {r['lines']:,} | {r['dump_mib']} | {r['peak_rss_mib']} | {r['seconds']} |")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
