"""Issue 17, point 5: SIGINT and SIGTERM stop a run cleanly, on a real process.

Exit 130 / 143 (not click's "Aborted!" and exit 1), an ``interrupted`` event closing the
``--log-json`` stream, one line "N articles committed; rerun to continue", and a rerun that
finishes the job with every article exactly once. Articles are generated from sentences written
for these tests (no corpus text).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qpdp_nlp import dataset

pytestmark = pytest.mark.slow


def article(i: int) -> str:
    return (f"Huyện Na Rì ghi nhận kết quả công tác quốc phòng số {i}\n\n"
            f"Sáng 12/2, huyện Na Rì tổ chức lễ giao nhận quân. Toàn huyện có {20 + i} thanh niên lên đường "
            f"nhập ngũ. Bản tin số {i} của huyện.")


def dump(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps({"id": f"A{i}", "text": article(i)}, ensure_ascii=False) + "\n"
                            for i in range(n)), encoding="utf-8")
    return path


def start(args: list[str], **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "qpdp_nlp.cli", "extract", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


def wait_for_parts(out: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Until the manifest holds a committed part (part files appear on disk a moment before the
    manifest commits them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the run ended before it was interrupted: {proc.communicate()}")
        if (out / "manifest.sqlite").exists():
            try:
                if committed_in_manifest(out) > 0:
                    return
            except sqlite3.OperationalError:  # the run holds a write lock for a moment
                pass
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no part committed in time")


def committed(out: Path) -> list[str]:
    return list(dataset.read(out, tables=["articles"], fmt="parquet")["articles"]["source"])


def committed_in_manifest(out: Path) -> int:
    """Articles the manifest holds: what is committed. (Right after an interruption the part files
    of a rolled-back part may still lie on disk until the next run's recovery removes them.)"""
    from qpdp_nlp.ingest.manifest import MANIFEST_FILE

    # read-only: a test must not write to (or lock) the manifest of the run it watches
    db = sqlite3.connect(f"file:{out / MANIFEST_FILE}?mode=ro", uri=True)
    try:
        count: int = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return count
    finally:
        db.close()


def test_sigterm_exits_143_with_an_interrupted_event_and_a_rerun_continues(tmp_path):
    src, out = dump(tmp_path / "dump.jsonl", 400), tmp_path / "out"
    proc = start([str(src), "--out", str(out), "--workers", "1", "--batch-size", "10", "--log-json"])
    wait_for_parts(out, proc)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143, stderr
    events = [json.loads(line) for line in stderr.splitlines()]
    last = events[-1]
    assert last["event"] == "interrupted" and last["signal"] == "SIGTERM" and last["exit_code"] == 143
    done = committed_in_manifest(out)
    assert last["articles"] == done > 0
    assert done < 400
    rerun = subprocess.run([sys.executable, "-m", "qpdp_nlp.cli", "extract", str(src), "--out", str(out),
                            "--workers", "1", "--batch-size", "100", "--quiet"], capture_output=True, text=True,
                           timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    every = committed(out)
    assert len(every) == len(set(every)) == 400


def test_sigint_to_the_process_group_exits_130_with_one_line(tmp_path):
    """Ctrl-C reaches the driver and its worker processes: the driver reports, the workers are
    stopped, nothing prints a traceback."""
    src, out = dump(tmp_path / "dump.jsonl", 600), tmp_path / "out"
    proc = start([str(src), "--out", str(out), "--workers", "2", "--batch-size", "10", "--quiet"],
                 start_new_session=True)
    wait_for_parts(out, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    n = committed_in_manifest(out)
    assert lines == [f"qpdp: interrupted by SIGINT: {n:,} articles committed; rerun to continue"], stderr
    assert "Aborted" not in stderr and "Traceback" not in stderr
