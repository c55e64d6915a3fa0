"""Batch runs: incremental and crash-safe (a SIGKILL test), bad input, near-duplicates, the
defence filter, the CLI door, and local vs Dask engines giving the same dataset.

Articles are generated here from sentences written for these tests (no corpus text).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qpdp_nlp import dataset
from qpdp_nlp.cli import cli
from qpdp_nlp.ingest.batch import RunOptions, _keep_facts, run
from qpdp_nlp.records import ArticleRecord, Count

DISTRICTS = [("Na Rì", "Bắc Kạn"), ("Chợ Đồn", "Bắc Kạn"), ("Anh Sơn", "Nghệ An"), ("Quỳnh Lưu", "Nghệ An"),
             ("Đại Lộc", "Quảng Nam"), ("Núi Thành", "Quảng Nam"), ("Định Quán", "Đồng Nai"),
             ("Trảng Bom", "Đồng Nai")]
SENTENCES = [
    "Sáng {day}/{month}, huyện {d} tổ chức lễ giao nhận quân năm {y}.",
    "Toàn huyện có {n} thanh niên lên đường nhập ngũ, đạt 100% chỉ tiêu tỉnh {p} giao.",
    "Năm {y}, Ban Chỉ huy Quân sự huyện {d} bồi dưỡng kiến thức quốc phòng và an ninh cho {n} người.",
    "Huyện đã tổ chức huấn luyện cho {m} dân quân tự vệ, bảo đảm đúng kế hoạch.",
    "Dự buổi lễ có Đại tá Nguyễn Văn {name}, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh {p}.",
    "Ủy ban nhân dân huyện {d} khen thưởng {k} tập thể và {m} cá nhân có thành tích xuất sắc.",
    "Các xã, thị trấn hoàn thành diễn tập chiến đấu phòng thủ năm {y}.",
    "Kinh phí bảo đảm cho công tác quốc phòng địa phương là {k} tỷ đồng.",
    "Huyện {d} tặng {n} suất quà cho gia đình chính sách và hậu phương quân đội.",
    "Hội nghị đã đề ra {k} nhóm nhiệm vụ, giải pháp trọng tâm cho năm {y1}.",
]
NAMES = ["Hùng", "Thành", "Long", "Bình", "Dũng", "Quang", "Minh", "Tuấn"]


def make_article(i: int) -> str:
    """Article ``i``: a headline and three or four sentences, all numbers drawn from ``i``."""
    rnd = random.Random(i)
    d, p = rnd.choice(DISTRICTS)
    y = rnd.choice([2023, 2024])
    values = dict(d=d, p=p, y=y, y1=y + 1, day=rnd.randint(1, 28), month=rnd.randint(1, 12),
                  n=rnd.randint(20, 900),
                  m=rnd.randint(5, 300), k=rnd.randint(2, 30), name=rnd.choice(NAMES))
    body = " ".join(s.format(**values) for s in rnd.sample(SENTENCES, rnd.randint(3, 4)))
    return f"Huyện {d} ghi nhận kết quả công tác quốc phòng số {i}\n\n{body} Bản tin số {i} của huyện."


def write_articles(folder: Path, numbers) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        (folder / f"a{i:04d}.txt").write_text(make_article(i), encoding="utf-8")


# Sort keys that identify a row whatever part it landed in.
_KEYS = {"articles": ["article_id"], "texts": ["article_id"], "errors": ["source", "code"]}


def snapshot(out: Path) -> dict[str, pd.DataFrame]:
    """The dataset under ``out`` with rows in a canonical order (parts may split differently)."""
    tables = dataset.read(out, fmt="parquet")
    result = {}
    for name, frame in tables.items():
        keys = _KEYS.get(name, ["article_id", "fact_index"])
        result[name] = frame.sort_values(keys).reset_index(drop=True)
    return result


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in dataset.TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name], check_categorical=False, obj=name)


def opts(out: Path, **kw) -> RunOptions:
    kw.setdefault("workers", 1)
    kw.setdefault("quiet", True)
    return RunOptions(out=out, **kw)


# --- incremental runs ------------------------------------------------------------------------

def test_rerun_adds_only_new_articles_and_force_or_new_version_rewrites(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    write_articles(src, range(12))
    first = run([str(src)], opts(out, batch_size=5))
    assert (first.articles, first.skipped, first.exit_code) == (12, 0, 0)
    before = snapshot(out)
    again = run([str(src)], opts(out, batch_size=5))
    assert (again.articles, again.skipped) == (0, 12)
    write_articles(src, range(12, 15))
    more = run([str(src)], opts(out, batch_size=5))
    assert (more.articles, more.skipped) == (3, 12)
    assert len(snapshot(out)["articles"]) == 15
    forced = run([str(src)], opts(out, batch_size=4, force=True))
    assert forced.articles == 15
    after_force = snapshot(out)
    assert after_force["articles"]["article_id"].is_unique and len(after_force["articles"]) == 15
    new_version = run([str(src)], opts(out, pipeline_version="test-next"))
    assert new_version.articles == 15
    db = sqlite3.connect(out / "manifest.sqlite")
    assert db.execute("SELECT DISTINCT pipeline_version FROM articles").fetchall() == [("test-next",)]
    # every article in exactly one part, no stale part left behind
    parts = {p for (p,) in db.execute("SELECT name FROM parts")}
    assert {p.stem for p in (out / "articles").glob("*.parquet")} == parts
    assert len(snapshot(out)["articles"]) == 15
    assert_same({k: v for k, v in before.items()}, {k: v for k, v in snapshot_upto(out, before).items()})


def snapshot_upto(out: Path, reference: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The current dataset restricted to the reference's articles (facts are the same whatever the run)."""
    now = snapshot(out)
    ids = set(reference["articles"]["article_id"])
    result = {}
    for name, frame in now.items():
        if "article_id" in frame:
            frame = frame[frame["article_id"].isin(ids)].reset_index(drop=True)
        result[name] = frame
    # the new version stamps its own version string; compare the facts, not the stamp
    result["articles"] = result["articles"].assign(pipeline_version=reference["articles"]["pipeline_version"])
    return result


def test_recovery_deletes_what_no_part_owns(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    write_articles(src, range(3))
    run([str(src)], opts(out))
    reference = snapshot(out)
    stray = [out / "articles" / "part-999999.parquet", out / "counts" / ".part-000002.parquet.x1.tmp"]
    for path in stray:
        path.write_bytes(b"half a file")
    summary = run([str(src)], opts(out))
    assert summary.articles == 0
    assert not any(p.exists() for p in stray)
    assert_same(reference, snapshot(out))


# --- recovery when a part's file is missing ---------------------------------------------------

def _as_if_written_before_texts(out: Path, part: str) -> None:
    """``part`` as a run before the texts table wrote it: no texts file, and a manifest that
    counted no rows per table (the table holding the counts did not exist either)."""
    (out / "texts" / f"{part}.parquet").unlink()
    db = sqlite3.connect(out / "manifest.sqlite")
    db.execute("DROP TABLE IF EXISTS part_rows")
    db.commit()
    db.close()


def _without_compaction(monkeypatch) -> None:
    """The run dies when its compaction starts: its parts are committed, the compaction pending."""
    from qpdp_nlp.ingest import batch

    monkeypatch.setattr(batch._Sink, "compact", lambda self: None)


def test_recovery_finishes_a_compaction_whose_part_lacks_its_texts_file(tmp_path, monkeypatch):
    # The state saved from out/demo: part-000001 written before the texts table existed, every
    # article of it re-extracted into part-000002, the compaction of part-000001 recorded as
    # pending; every rerun failed with "cannot write: …/texts/part-000001.parquet" (exit 3).
    src, out, fresh = tmp_path / "src", tmp_path / "out", tmp_path / "fresh"
    write_articles(src, range(4))
    run([str(src)], opts(out, pipeline_version="v1"))
    _as_if_written_before_texts(out, "part-000001")
    with monkeypatch.context() as patch:
        _without_compaction(patch)
        run([str(src)], opts(out, pipeline_version="v2"))
    db = sqlite3.connect(out / "manifest.sqlite")
    assert db.execute("SELECT name, dirty FROM parts ORDER BY seq").fetchall() == [("part-000001", 1),
                                                                                   ("part-000002", 0)]
    db.close()
    assert not (out / "texts" / "part-000001.parquet").exists()

    stderr = io.StringIO()
    again = run([str(src)], opts(out, pipeline_version="v2"), stderr=stderr)
    assert (again.exit_code, again.articles, again.skipped) == (0, 0, 4)
    assert stderr.getvalue() == ""  # part-000001 holds no article any more: nothing was lost
    assert not list(out.glob("*/part-000001.*"))
    run([str(src)], opts(fresh, pipeline_version="v2"))
    assert_same(snapshot(fresh), snapshot(out))


def test_a_missing_file_of_a_table_with_rows_forgets_its_articles_and_a_rerun_extracts_them(tmp_path, monkeypatch):
    src, out, fresh = tmp_path / "src", tmp_path / "out", tmp_path / "fresh"
    write_articles(src, range(6))
    run([str(src)], opts(fresh, pipeline_version="v2"))
    reference = snapshot(fresh)

    # part-000001 (articles 0-1) lost its texts file after the manifest counted its rows
    run([str(src)], opts(out, batch_size=2, pipeline_version="v2"))
    (out / "texts" / "part-000001.parquet").unlink()
    stderr = io.StringIO()
    rerun = run([str(src)], opts(out, batch_size=2, pipeline_version="v2"), stderr=stderr)
    lines = stderr.getvalue().splitlines()
    assert lines == [f"qpdp: {out}: missing texts/part-000001.parquet: 2 articles forgotten; "
                     "a rerun with their inputs extracts them again"]
    assert (rerun.exit_code, rerun.articles, rerun.skipped) == (0, 2, 4)
    assert_same(reference, snapshot(out))

    # the same for a part written before the texts table (no row counts), whose compaction is
    # pending and keeps one article: that article is forgotten, the others are replaced
    out = tmp_path / "legacy"
    run([str(src)], opts(out, batch_size=3, pipeline_version="v1"))
    _as_if_written_before_texts(out, "part-000001")
    with monkeypatch.context() as patch:
        _without_compaction(patch)
        run([str(src / "a0000.txt"), str(src / "a0001.txt")], opts(out, pipeline_version="v2"))
    final = run([str(src)], opts(out, pipeline_version="v2"), stderr=io.StringIO())
    assert (final.exit_code, final.articles, final.skipped) == (0, 4, 2)  # 2 to 5: 2 forgotten, 3 to 5 v1
    assert_same(reference, snapshot(out))
    assert not list(out.glob("*/part-000001.*"))


# --- a crash at every step of a compaction -------------------------------------------------------

class _Steps:
    """Counts the steps of compactions (each file renamed or deleted, each transaction begun or
    committed, the end of each compaction) and, at step ``crash_at``, ends the process on the
    spot (``os._exit``: no cleanup, no rollback, like SIGKILL)."""

    def __init__(self, crash_at: int | None = None) -> None:
        self.crash_at = crash_at
        self.n = 0
        self.inside = 0

    def step(self, always: bool = False) -> None:
        if self.inside or always:
            if self.n == self.crash_at:
                os._exit(77)
            self.n += 1

    def install(self, setattr) -> None:
        from qpdp_nlp import atomic
        from qpdp_nlp.ingest import batch
        from qpdp_nlp.ingest.manifest import Manifest

        def before(fn):
            def wrapped(*args, **kwargs):
                self.step()
                return fn(*args, **kwargs)
            return wrapped

        compact = batch._Sink.compact

        def counted_compact(sink):
            self.inside += 1
            try:
                compact(sink)
            finally:
                self.inside -= 1
            self.step(always=True)

        setattr(batch._Sink, "compact", counted_compact)
        setattr(atomic.os, "replace", before(os.replace))
        setattr(Path, "unlink", before(Path.unlink))
        setattr(Manifest, "begin", before(Manifest.begin))
        setattr(Manifest, "commit", before(Manifest.commit))


def _compacting_run(src: Path, out: Path) -> None:
    """Articles 0 and 1 re-extracted by a new version: part-000001 (articles 0-2 and an error
    row) must be rewritten with article 2 and the error only."""
    run([str(src / "a0000.txt"), str(src / "a0001.txt")], opts(out, pipeline_version="v2"))


def _crash_child(src: str, out: str, crash_at: int) -> None:
    _Steps(crash_at).install(setattr)
    _compacting_run(Path(src), Path(out))
    os._exit(0)


@pytest.mark.slow
@pytest.mark.parametrize("legacy", [False, True], ids=["parts", "part-without-texts-file"])
def test_a_crash_at_every_step_of_a_compaction_then_rerun_equals_an_uninterrupted_run(tmp_path, monkeypatch,
                                                                                        legacy):
    import multiprocessing
    import shutil

    src, base = tmp_path / "src", tmp_path / "base"
    write_articles(src, range(6))
    (src / "a0001b.txt").write_text("", encoding="utf-8")  # an error row in part-000001
    run([str(src)], opts(base, batch_size=3, pipeline_version="v1"))
    db = sqlite3.connect(base / "manifest.sqlite")
    assert db.execute("SELECT name, n_articles, n_errors FROM parts").fetchall()[0] == ("part-000001", 3, 1)
    db.close()
    if legacy:
        _as_if_written_before_texts(base, "part-000001")

    reference_out = tmp_path / "reference"
    shutil.copytree(base, reference_out)
    steps = _Steps()
    with monkeypatch.context() as patch:
        steps.install(patch.setattr)
        _compacting_run(src, reference_out)
    _compacting_run(src, reference_out)  # the rerun after an uninterrupted run changes nothing
    reference = snapshot(reference_out)
    assert len(reference["errors"]) == 1 and len(reference["articles"]) == 6
    assert steps.n >= 20  # begin, 8 renames, commit, 9 deletions and the end, at least

    fork = multiprocessing.get_context("fork")
    for crash_at in range(steps.n):
        out = tmp_path / f"crash{crash_at}"
        shutil.copytree(base, out)
        proc = fork.Process(target=_crash_child, args=(str(src), str(out), crash_at))
        proc.start()
        proc.join()
        assert proc.exitcode == 77, f"step {crash_at}: the run was not cut there"
        rerun = run([str(src / "a0000.txt"), str(src / "a0001.txt")], opts(out, pipeline_version="v2"))
        assert rerun.exit_code == 0, f"step {crash_at}"
        assert_same(reference, snapshot(out))
        db = sqlite3.connect(out / "manifest.sqlite")
        parts = {name for (name,) in db.execute("SELECT name FROM parts WHERE dirty=0")}
        assert db.execute("SELECT count(*) FROM parts WHERE dirty=1").fetchone()[0] == 0
        db.close()
        for table in dataset.TABLE_NAMES:
            assert {p.stem for p in (out / table).iterdir()} <= parts, f"step {crash_at}: {table}"
        shutil.rmtree(out)


# --- the kill test ---------------------------------------------------------------------------

def _committed_parts(out: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{out / 'manifest.sqlite'}?mode=ro", uri=True, timeout=0.1)
        try:
            return db.execute("SELECT count(*) FROM parts").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _run_child(src: str, out: Path) -> None:
    run([src], opts(out, batch_size=20))


@pytest.mark.slow
def test_sigkill_at_several_points_then_rerun_equals_an_uninterrupted_run(tmp_path):
    import multiprocessing

    src = tmp_path / "src"
    write_articles(src, range(490))
    # a few near-duplicate copies, so that duplicate_of must also survive the kills
    for i in range(0, 490, 49):
        copy = "Tin từ báo tỉnh. " + make_article(i) + " Hết."
        (src / f"copy{i:04d}.txt").write_text(copy, encoding="utf-8")

    reference_out = tmp_path / "reference"
    ref = run([str(src)], opts(reference_out, batch_size=20))  # also loads the pipeline before the forks
    assert ref.articles == 500 and ref.duplicates >= 10
    reference = snapshot(reference_out)

    # Each killed run is a forked process (the loaded pipeline comes along, so no start-up to
    # wait for) that gets SIGKILL: right away, then after 2 and 11 committed parts, each at
    # whatever step of the write-rename-record cycle it happens to be in.
    out = tmp_path / "killed"
    fork = multiprocessing.get_context("fork")
    for parts_before_kill in (0, 2, 11):
        proc = fork.Process(target=_run_child, args=(str(src), out))
        proc.start()
        deadline = time.monotonic() + 60
        while _committed_parts(out) < parts_before_kill and proc.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(random.Random(parts_before_kill).uniform(0, 0.2))
        assert proc.is_alive(), "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        assert proc.exitcode == -signal.SIGKILL
    assert _committed_parts(out) >= 11
    final = run([str(src)], opts(out, batch_size=20))
    assert final.exit_code == 0 and final.skipped >= 11 * 20
    assert_same(reference, snapshot(out))
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


# --- bad input -------------------------------------------------------------------------------

def _bad_inputs(folder: Path) -> dict[str, str]:
    """Twelve and more kinds of broken input, by file, with the error code each must give."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir()
    bad: dict[str, str] = {}

    def put(name: str, data: bytes, code: str) -> None:
        (folder / name).write_bytes(data)
        bad[name] = code

    put("empty.txt", b"", "E001")
    put("blank.md", b" \n \n", "E001")
    put("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "E002")
    put("latin1.txt", "Ça coûte très cher à Montréal, déjà l'été.".encode("latin-1"), "E003")
    put("huge.txt", ("Huyện Na Rì giao quân. " * 400).encode("utf-8"), "E006")
    put("scripts.html", b"<html><head><script>var a = 1;</script></head><body><div></div></body></html>",
        "E008")
    put("plain.htm", b"This page has no markup at all, only a sentence.", "E008")
    put("broken.json", b'{"text": "Huy\xe1\xbb\x87n", ', "E008")
    put("broken.jsonl.gz", gzip.compress(b'{"text": "abc"}\n')[:10] + b"this is not deflate data", "E008")
    put("notparquet.parquet", b"PAR1 this is not a parquet file at all", "E008")
    put("report.docx", b"PK\x03\x04 word document", "E007")
    # files with good and bad records mixed: the bad records are named by line/row/record
    good_line = json.dumps({"text": make_article(1001)}, ensure_ascii=False)
    (folder / "mixed.jsonl").write_text("\n".join([
        good_line, "{not json", json.dumps({"title": "no text"}), json.dumps({"text": 42}),
        json.dumps({"text": make_article(1002)}, ensure_ascii=False)]) + "\n", encoding="utf-8")
    bad.update({"mixed.jsonl:2": "E008", "mixed.jsonl:3": "E008", "mixed.jsonl:4": "E008"})
    (folder / "mixed.csv").write_text(
        'id,text\nC1,"' + make_article(1003) + '"\nC2,"one","two","three"\nC3,"' + make_article(1004) + '"\n',
        encoding="utf-8")
    bad["mixed.csv:3"] = "E008"
    # (a CSV file without the text column is a usage error now: tests/test_ingest_mapping.py)
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    page = (f"<html><head><title>Tin huyện</title></head><body><article><p>{make_article(1005)}</p>"
            "</article></body></html>")
    writer.write_record(writer.create_warc_record("https://nari.backan.gov.vn/1", "response",
                                                  payload=io.BytesIO(page.encode("utf-8")),
                                                  http_headers=http))
    cut_short = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\n<html>"
    (folder / "truncated.warc").write_bytes(buf.getvalue() + cut_short)
    bad["truncated.warc#2"] = "E008"
    return bad


def test_bad_inputs_each_become_an_error_row_and_the_run_goes_on(tmp_path):
    bad = _bad_inputs(tmp_path / "in")
    good = tmp_path / "good"
    write_articles(good, range(5))
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", str(tmp_path / "in"), str(good),
                                 str(tmp_path / "in" / "report.docx"),
                                 str(tmp_path / "missing*.txt"), "--out", str(out), "--workers", "1",
                                 "--max-chars", "5000", "--quiet"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    bad[str(tmp_path / "missing*.txt")] = "E005"  # a glob matching nothing (a missing path is exit 2)
    tables = dataset.read(out, fmt="parquet")
    inside = str(tmp_path / "in") + os.sep

    def short(source: str) -> str:
        return source[len(inside):] if source.startswith(inside) else source

    errors = {short(s): c for s, c in zip(tables["errors"]["source"], tables["errors"]["code"])}
    expected = dict(bad)
    assert errors == expected
    assert len(expected) >= 12
    stderr_lines = [line for line in result.stderr.splitlines() if line.startswith("qpdp: ")]
    assert len(stderr_lines) == len(expected)
    # every good article is in the dataset: 5 files, 2 JSON lines, 2 CSV rows, 1 WARC record
    assert len(tables["articles"]) == 10
    # a rerun reports the same failures (exit 1) without repeating the rows
    again = runner.invoke(cli, ["extract", str(tmp_path / "in"), "--out", str(out), "--workers", "1",
                                "--max-chars", "5000", "--quiet"])
    assert again.exit_code == 1
    assert len(dataset.read(out, tables=["errors"], fmt="parquet")["errors"]) == len(expected)
    # an input fixed since: its article comes in, its error row goes
    (tmp_path / "in" / "empty.txt").write_text(make_article(1006), encoding="utf-8")
    fixed = runner.invoke(cli, ["extract", str(tmp_path / "in"), "--out", str(out), "--workers", "1",
                                "--max-chars", "5000", "--quiet"])
    assert fixed.exit_code == 1
    tables = dataset.read(out, fmt="parquet")
    assert len(tables["errors"]) == len(expected) - 1 and len(tables["articles"]) == 11
    assert not tables["errors"]["source"].str.endswith("empty.txt").any()


# --- near-duplicates -------------------------------------------------------------------------

def test_syndicated_copies_point_to_the_first_even_across_runs(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    write_articles(src, [1, 2])
    run([str(src)], opts(out))
    original = make_article(1)
    edited = "Theo Báo Bắc Kạn. " + original.replace("Bản tin", "Tin")
    (src / "z_copy.txt").write_text(edited, encoding="utf-8")
    (src / "z_copy_of_copy.txt").write_text("Đăng lại: " + original, encoding="utf-8")
    run([str(src)], opts(out))
    arts = snapshot(out)["articles"].set_index("source")
    first = arts.loc[str(src / "a0001.txt"), "article_id"]
    assert arts.loc[str(src / "z_copy.txt"), "duplicate_of"] == first
    assert arts.loc[str(src / "z_copy_of_copy.txt"), "duplicate_of"] == first
    assert pd.isna(arts.loc[str(src / "a0001.txt"), "duplicate_of"])
    assert pd.isna(arts.loc[str(src / "a0002.txt"), "duplicate_of"])


# --- defence filter --------------------------------------------------------------------------

def _rec(is_defense, probability):
    return ArticleRecord(article_id="x", is_defense=is_defense, defense_probability=probability,
                         counts=[Count(rule="test", text="5 người", start=0, end=7, value=5)])


@pytest.mark.parametrize("only, minimum, is_defense, probability, keep", [
    (False, None, False, 0.1, True),
    (True, None, False, 0.1, False),
    (True, None, True, 0.9, True),
    (True, None, None, None, True),  # no classifier: keep
    (False, 0.5, True, 0.4, False),
    (False, 0.5, True, 0.5, True),
    (False, 0.5, None, None, True),
])
def test_defence_filter(only, minimum, is_defense, probability, keep):
    options = RunOptions(only_defense=only, min_defense_probability=minimum)
    assert _keep_facts(_rec(is_defense, probability), options) is keep


def test_articles_below_the_threshold_keep_their_row_but_not_their_facts(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    write_articles(src, range(3))
    run([str(src)], opts(out, min_defense_probability=1.0))
    tables = dataset.read(out, fmt="parquet")
    assert len(tables["articles"]) == 3
    below = tables["articles"][tables["articles"]["defense_probability"].fillna(1.0) < 1.0]["article_id"]
    assert not set(below) & set(tables["counts"]["article_id"])


# --- the CLI door and JSON Lines -------------------------------------------------------------

def test_cli_default_is_json_lines_and_log_json_is_json(tmp_path):
    src = tmp_path / "src"
    write_articles(src, range(3))
    (src / "empty.txt").write_text("", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", str(src), "--workers", "1", "--no-text"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["source"]).name for r in lines] == ["a0000.txt", "a0001.txt", "a0002.txt"]
    assert "text" not in lines[0]
    assert f"qpdp: {src / 'empty.txt'}: empty input" in result.stderr
    logged = runner.invoke(cli, ["extract", str(src), "--workers", "1", "--log-json",
                                 "-o", str(tmp_path / "f.jsonl")])
    events = [json.loads(line) for line in logged.stderr.splitlines()]
    assert [e["event"] for e in events][0] == "start" and events[-1]["event"] == "end"
    assert {"error"} <= {e["event"] for e in events}
    assert len((tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()) == 3


@pytest.mark.parametrize("args", [
    ["--format", "csv"],  # needs --out
    ["--scheduler", "tcp://127.0.0.1:8786"],  # needs --engine dask
    ["--workers", "0"],
])
def test_cli_usage_errors_exit_2(tmp_path, args):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path), *args])
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt, expected", [
    ("duckdb", "qpdp.duckdb"), ("csv", "articles.csv"), ("jsonl", "articles.jsonl")])
def test_formats_read_back_the_same(tmp_path, fmt, expected):
    src, out = tmp_path / "src", tmp_path / "out"
    write_articles(src, range(4))
    run([str(src)], opts(out, fmt=fmt, batch_size=3))
    assert (out / expected).exists()
    parquet = dataset.read(out, fmt="parquet")
    other = dataset.read(out, fmt=fmt)
    for name in ("articles", "counts", "persons"):
        left = parquet[name].sort_values(_KEYS.get(name, ["article_id", "fact_index"])).reset_index(drop=True)
        right = other[name].sort_values(_KEYS.get(name, ["article_id", "fact_index"])).reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_categorical=False, check_dtype=False)


# --- engines ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_two_worker_processes_give_the_same_dataset(tmp_path):
    src = tmp_path / "src"
    write_articles(src, range(40))  # more than batch.SMALL_RUN, or the driver does it alone
    run([str(src)], opts(tmp_path / "one", batch_size=7))
    run([str(src)], opts(tmp_path / "two", batch_size=7, workers=2, chunk_size=4))
    assert_same(snapshot(tmp_path / "one"), snapshot(tmp_path / "two"))


def test_dask_engine_gives_the_same_dataset_as_the_local_one(tmp_path):
    from dask.distributed import Client, LocalCluster

    src = tmp_path / "src"
    write_articles(src, range(30))
    (src / "empty.txt").write_text("", encoding="utf-8")
    local = run([str(src)], opts(tmp_path / "local", batch_size=8))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, \
            Client(cluster) as client:
        remote = run([str(src)], opts(tmp_path / "dask", batch_size=8, engine="dask", dask_client=client))
    assert (local.articles, local.errors) == (remote.articles, remote.errors) == (30, 1)
    assert_same(snapshot(tmp_path / "local"), snapshot(tmp_path / "dask"))
