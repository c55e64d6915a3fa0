"""Batch runs that never lose data (issue 11): hostile names and files, corrupt records,
decompression bombs, time budgets, CSV injection, one-line errors and exit codes, and a lock on
the output folder so that overlapping runs keep every article exactly once.

Articles are generated from sentences written for these tests (no corpus text).
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import random
import socket
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from qpdp_nlp import dataset
from qpdp_nlp.cli import cli
from qpdp_nlp.ingest import batch
from qpdp_nlp.ingest.names import shown
from qpdp_nlp.ingest.sources import ReadOptions, expand_paths, read_paths

ROOT = Path(__file__).resolve().parents[1]


def article(i: int) -> str:
    rnd = random.Random(i)
    n = rnd.randint(20, 900)
    return (f"Huyện Na Rì ghi nhận kết quả công tác quốc phòng số {i}\n\n"
            f"Sáng 12/2, huyện Na Rì tổ chức lễ giao nhận quân. Toàn huyện có {n} thanh niên lên đường "
            f"nhập ngũ. Bản tin số {i} của huyện.")


def extract(args: list[str]):
    return CliRunner().invoke(cli, ["extract", *args, "--workers", "1", "--quiet"])


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.split("\n") if line]


# --- point 2: a file name that is not UTF-8 -----------------------------------------------------

def test_non_utf8_file_names_are_stored_losslessly_and_shown_escaped(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    good = os.fsencode(src) + b"/x_\xff.txt"
    empty = os.fsencode(src) + b"/y_\xfe.txt"
    with open(good, "wb") as fh:
        fh.write(article(1).encode("utf-8"))
    open(empty, "wb").close()
    result = extract([str(src), "--out", str(out)])
    assert result.exit_code == 1, result.output  # the empty file; the run itself went through
    tables = dataset.read(out, fmt="parquet")
    assert [s.rsplit("/", 1)[1] for s in tables["articles"]["source"]] == ["x_\\xff.txt"]
    assert [s.rsplit("/", 1)[1] for s in tables["errors"]["source"]] == ["y_\\xfe.txt"]
    assert error_lines(result.stderr) == [f"qpdp: {src}/y_\\xfe.txt: empty input (no text after normalisation)"]
    # the rerun finds both in the manifest: nothing extracted again, no error row repeated
    again = extract([str(src), "--out", str(out), "--log-json"])
    events = [json.loads(line) for line in again.stderr.splitlines()]
    assert events[-1]["skipped"] == 1 and events[-1]["articles"] == 0
    assert len(dataset.read(out, tables=["errors"], fmt="parquet")["errors"]) == 1


# --- point 3: FIFOs, sockets, devices -----------------------------------------------------------

def test_fifos_and_sockets_are_skipped_with_one_line(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(article(1), encoding="utf-8")
    os.mkfifo(src / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "sock.txt"))
    try:
        items = list(expand_paths([str(src), str(src / "pipe.txt"), "/dev/null"]))
        kinds = [(Path(getattr(i, "source", i)).name, getattr(i, "code", "file")) for i in items]
        assert kinds == [("a.txt", "file"), ("pipe.txt", "E004"), ("sock.txt", "E004"),
                         ("pipe.txt", "E004"), ("null", "E007")]
        # a run over them ends (it would wait forever on the FIFO), with one line for each
        result = extract([str(src), "--out", str(tmp_path / "out")])
        assert result.exit_code == 1
        lines = error_lines(result.stderr)
        assert len(lines) == 2 and all("not a regular file" in line for line in lines)
        assert len(dataset.read(tmp_path / "out", tables=["articles"], fmt="parquet")["articles"]) == 1
    finally:
        sock.close()


# --- point 4: corrupt WARC records, unreadable folders --------------------------------------------

def _warc(path: Path, n: int) -> list[int]:
    """A WARC of ``n`` HTML responses; returns each record's start offset."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=path.name.endswith(".gz"))
    starts = []
    for i in range(n):
        starts.append(buf.tell())
        page = f"<html><head><title>Tin {i}</title></head><body><article><p>{article(i)}</p></article></body></html>"
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://nari.backan.gov.vn/{i}", "response",
                                                      payload=io.BytesIO(page.encode("utf-8")),
                                                      http_headers=http))
    path.write_bytes(buf.getvalue())
    return starts


@pytest.mark.parametrize("name, corrupt", [
    ("crawl.warc.gz", "member"),  # bytes of the second gzip member flipped
    ("crawl.warc", "header"),  # the second record's first line garbled
    ("crawl.warc", "length"),  # the second record's Content-Length runs into the third
])
def test_a_corrupt_warc_record_gives_an_error_and_the_records_after_it_are_kept(tmp_path, name, corrupt,
                                                                                 capfd):
    path = tmp_path / name
    starts = _warc(path, 4)
    data = bytearray(path.read_bytes())
    second = starts[1]
    if corrupt == "member":
        for k in range(second + 20, second + 60):
            data[k] ^= 0x55
    elif corrupt == "header":
        data[second:second + 8] = b"GARBAGE!"
    else:
        head = bytes(data[second:starts[2]])
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        data[second:starts[2]] = head.replace(f"Content-Length: {length}".encode(),
                                              f"Content-Length: {length + 40}".encode(), 1)
    path.write_bytes(bytes(data))
    items = list(read_paths([str(path)]))
    titles = [i.title for i in items if not hasattr(i, "code")]
    errors = [i for i in items if hasattr(i, "code")]
    assert len(errors) == 1 and errors[0].code == "E008"
    assert titles[0] == "Tin 0" and titles[-2:] == ["Tin 2", "Tin 3"]  # the good records after it
    assert "\n" not in shown(errors[0].reason)
    assert "WARNING" not in capfd.readouterr().err  # warcio's multi-line warning is not printed


def test_an_unreadable_folder_gives_an_error_row(tmp_path, monkeypatch):
    src = tmp_path / "in"
    (src / "closed").mkdir(parents=True)
    (src / "closed" / "b.txt").write_text(article(2), encoding="utf-8")
    (src / "z.txt").write_text(article(3), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # what os.walk sees in a folder without the read permission (as root: none)
        if os.fspath(path).endswith("closed"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = extract([str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    errors = dataset.read(tmp_path / "out", tables=["errors"], fmt="parquet")["errors"]
    assert list(errors["source"]) == [str(src / "closed")] and list(errors["code"]) == ["E004"]
    assert "Permission denied" in result.stderr


# --- point 5: decompression bombs and huge lines --------------------------------------------------

def test_a_gzip_bomb_of_one_endless_line_is_refused_with_flat_memory(tmp_path):
    bomb = tmp_path / "bomb.jsonl.gz"
    line = json.dumps({"text": article(1)}, ensure_ascii=False).encode("utf-8") + b"\n"
    with gzip.open(bomb, "wb", compresslevel=1) as fh:
        fh.write(line)
        chunk = b"a" * (1 << 20)
        for _ in range(64):  # 64 MiB without a newline
            fh.write(chunk)
        fh.write(b"\n" + line.replace(b"Na R", b"Ba B"))
    assert bomb.stat().st_size < 2 << 20
    tracemalloc.start()
    try:
        items = list(read_paths([str(bomb)], options=ReadOptions(max_chars=5000)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [getattr(i, "code", "ok") for i in items] == ["ok", "E006", "ok"]
    assert peak < 8 << 20, f"peak {peak >> 20} MiB while reading a 64 MiB line"


def test_a_huge_csv_line_ends_the_file_with_flat_memory(tmp_path):
    path = tmp_path / "dump.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,text\n")
        fh.write(f'A1,"{article(1)}"\n')
        fh.write("A2," + "b" * (16 << 20) + "\n")
    tracemalloc.start()
    try:
        items = list(read_paths([str(path)], options=ReadOptions(max_chars=5000)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [getattr(i, "code", "ok") for i in items] == ["ok", "E006"]
    assert peak < 4 << 20


# --- point 6 (second half): a time budget per article ---------------------------------------------

def test_an_article_over_its_time_budget_is_an_error_row(tmp_path, monkeypatch):
    from qpdp_nlp import pipeline

    real = pipeline.shared_pipeline()

    def slow_pipe(text, **kw):
        if "mãi mãi" in text:
            while True:  # a runaway stage: only a signal stops it
                pass
        return real(text, **kw)

    monkeypatch.setattr(pipeline, "shared_pipeline", lambda: slow_pipe)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(article(1), encoding="utf-8")
    (src / "b.txt").write_text("Huyện Na Rì họp mãi mãi\n\nHội nghị kéo dài.", encoding="utf-8")
    (src / "c.txt").write_text(article(3), encoding="utf-8")
    result = extract([str(src), "--out", str(tmp_path / "out"), "--timeout-per-article", "0.5"])
    assert result.exit_code == 1, result.output
    tables = dataset.read(tmp_path / "out", fmt="parquet")
    assert len(tables["articles"]) == 2
    assert list(tables["errors"]["code"]) == ["E010"]
    assert "--timeout-per-article" in tables["errors"]["reason"][0]


# --- point 8: CSV injection ---------------------------------------------------------------------

def test_csv_cells_that_look_like_formulas_are_neutralised(tmp_path):
    src = tmp_path / "dump.jsonl"
    rows = [{"id": "=1+1", "title": "=HYPERLINK(\"http://evil\",\"x\")", "url": "@SUM(A1)",
             "date": "=NOW()", "text": article(1)},
            {"id": "B2", "title": "+cmd|' /C calc'!A0", "url": "-2+3", "date": "2024-02-15", "text": article(2)}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = extract([str(src), "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = dataset.read(out, tables=["articles"], fmt="csv")["articles"].sort_values("title")
    assert list(frame["title"]) == ["'+cmd|' /C calc'!A0", "'=HYPERLINK(\"http://evil\",\"x\")"]
    assert list(frame["url"]) == ["'-2+3", "'@SUM(A1)"]
    assert list(frame["published"].astype(object).where(frame["published"].notna(), None)) == ["2024-02-15", None]
    assert sorted(frame["source"].str.rsplit("#", n=1).str[1]) == ["=1+1", "B2"]  # inside the cell, not at its start
    raw = (out / "articles.csv").read_text(encoding="utf-8")
    for cell in ('"=', '"+', '"-', '"@'):
        assert cell not in raw
    # dataset.write's CSV too
    table = pa.table({"title": ["=1+1", "\tx", "ok"]})
    assert dataset._csv_ready(table)["title"].to_pylist() == ["'=1+1", "'\tx", "ok"]


# --- point 9: one-line errors, exit codes ---------------------------------------------------------

def test_names_with_newlines_and_escapes_give_one_line_each(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "tin\nmới.txt").write_bytes(b"")
    (src / "\x1b[31mđỏ\x1b[0m.txt").write_bytes(b"")
    (src / "a.txt").write_text(article(1), encoding="utf-8")
    result = extract([str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = error_lines(result.stderr)
    assert len(lines) == 2
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert any(line.endswith("\\x1b[31mđỏ\\x1b[0m.txt: empty input (no text after normalisation)")
               for line in lines)
    assert any("tin\\nmới.txt" in line for line in lines)


def test_disk_full_is_one_line_and_exit_3(tmp_path, monkeypatch):
    from qpdp_nlp import atomic

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(article(1), encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    result = extract([str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert not isinstance(result.exception, OSError)
    assert error_lines(result.stderr) == [f"qpdp: {tmp_path / 'out'}: cannot write: No space left on device"]
    # -o FILE as well
    result = extract([str(src), "-o", str(tmp_path / "facts.jsonl")])
    assert result.exit_code == 3 and len(error_lines(result.stderr)) == 1


def test_out_that_cannot_be_a_folder_is_exit_3(tmp_path):
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = extract([str(tmp_path / "a.txt"), "--out", str(tmp_path / "file" / "out")])
    assert result.exit_code == 3, result.output
    assert len(error_lines(result.stderr)) == 1 and "cannot write" in result.stderr


def test_exit_codes_are_documented():
    doc = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(cli, ["extract", "-h"]).output
    for code in range(5):
        assert f"| {code} |" in doc
    assert "Exit 3" in help_text and "exit 4" in help_text
    assert (batch.EXIT_CANNOT_WRITE, batch.EXIT_LOCKED) == (3, 4)


# --- point 1: overlapping runs into one --out ----------------------------------------------------

def test_a_second_run_into_a_locked_folder_exits_4(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = batch.OutputLock(out)
    try:
        (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
        result = extract([str(tmp_path / "a.txt"), "--out", str(out), "--wait-lock", "0.2"])
        assert result.exit_code == 4
        assert error_lines(result.stderr) == [
            f"qpdp: {out}: the output folder is locked by another run (pid {os.getpid()}); "
            "try again when it ends, or give --wait-lock SECONDS"]
    finally:
        holder.release()
    assert extract([str(tmp_path / "a.txt"), "--out", str(out)]).exit_code == 0


_CHILD = """
import sys, time
from pathlib import Path
from qpdp_nlp.ingest.batch import RunOptions, run
time.sleep(float(sys.argv[3]))
summary = run([sys.argv[1]], RunOptions(out=Path(sys.argv[2]), workers=1, batch_size=2, quiet=True,
                                       wait_lock=600))
sys.exit(summary.exit_code)
"""


@pytest.mark.slow
def test_overlapping_runs_give_the_union_of_their_inputs_each_article_once(tmp_path):
    rnd = random.Random(11)
    out = tmp_path / "out"
    inputs = []
    expected: set[str] = set()
    for k in range(4):  # overlapping sets of articles, started at staggered random moments
        folder = tmp_path / f"in{k}"
        folder.mkdir()
        numbers = rnd.sample(range(20), 7)
        for i in numbers:
            (folder / f"a{i:03d}.txt").write_text(article(i), encoding="utf-8")
        expected |= {article(i) for i in numbers}
        inputs.append(folder)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    children = [subprocess.Popen([sys.executable, "-c", _CHILD, str(folder), str(out),
                                  f"{rnd.uniform(0, 2):.2f}"], env=env)
                for folder in inputs]
    codes = [child.wait(timeout=600) for child in children]
    assert codes == [0, 0, 0, 0]
    tables = dataset.read(out, fmt="parquet")
    ids = list(tables["articles"]["article_id"])
    assert len(ids) == len(set(ids)) == len(expected)
    from qpdp_nlp.pipeline import article_id
    from qpdp_nlp.text import normalize

    assert set(ids) == {article_id(normalize(t)) for t in expected}


def test_a_broken_gzip_member_never_swallows_the_records_after_it(tmp_path):
    """The gzip magic bytes also occur by chance inside compressed data: reading resumes only at a
    member that really opens a WARC record. Each WARC written here differs (record ids, dates), so
    many are tried; before the check about one in eight lost the records after the broken one."""
    for trial in range(40):
        path = tmp_path / f"crawl-{trial}.warc.gz"
        starts = _warc(path, 4)
        data = bytearray(path.read_bytes())
        for k in range(starts[1] + 20, starts[1] + 60):
            data[k] ^= 0x55
        path.write_bytes(bytes(data))
        items = list(read_paths([str(path)]))
        titles = [i.title for i in items if not hasattr(i, "code")]
        errors = [i for i in items if hasattr(i, "code")]
        assert titles == ["Tin 0", "Tin 2", "Tin 3"] and len(errors) == 1, (trial, titles, errors)
