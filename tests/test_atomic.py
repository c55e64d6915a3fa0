"""Atomic writing lives in one module (qpdp_nlp.atomic) and gives every output the same
permissions: ``0666 & ~umask`` (0644 under umask 022), whichever writer made the file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from qpdp_nlp import atomic, publish
from qpdp_nlp.cli import cli
from qpdp_nlp.records import ArticleRecord

SRC = Path(atomic.__file__).resolve().parent
TEXT = "Huyện Ba Bể giao quân\n\nSáng 12/2, 152 thanh niên lên đường nhập ngũ."


@pytest.fixture(params=[0o022, 0o077, 0o002])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_one_home_for_temporary_file_and_rename():
    """No module but qpdp_nlp.atomic makes a temporary file and renames it."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "atomic.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("mkstemp", "os.replace(", "NamedTemporaryFile", "os.rename("):
            if needle in text:
                offenders.append(f"{path.relative_to(SRC)}: {needle}")
    assert offenders == []


def test_atomic_open_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "facts.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic.atomic_open(target) as fh:
            fh.write("half of a new file")
            raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["facts.jsonl"]  # the temporary file is gone
    atomic.write_lines(target, ["a", "b"])
    assert target.read_text(encoding="utf-8") == "a\nb\n"


def test_umask_is_read_without_being_changed(umask):
    assert atomic.current_umask() == umask
    assert atomic.file_mode() == 0o666 & ~umask
    assert atomic.current_umask() == umask


def test_every_output_has_the_same_permissions(tmp_path, umask):
    expected = 0o666 & ~umask
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    runner = CliRunner()
    written: list[Path] = []
    for fmt in ("csv", "jsonl", "duckdb"):
        out = tmp_path / f"out-{fmt}"
        result = runner.invoke(cli, ["extract", str(src), "--out", str(out), "--format", fmt,
                                     "--workers", "1", "--quiet"])
        assert result.exit_code == 0, result.output
        written += [p for p in out.rglob("*") if p.is_file() and p.name != "manifest.sqlite"
                    and not p.name.startswith("manifest.sqlite-")]
    result = runner.invoke(cli, ["extract", str(src), "-o", str(tmp_path / "facts.jsonl"), "--quiet"])
    assert result.exit_code == 0, result.output
    written.append(tmp_path / "facts.jsonl")
    rec = ArticleRecord(article_id="a1", text="Huyện Ba Bể")
    for fmt in ("parquet", "csv", "jsonl", "duckdb"):
        written += publish.write([rec], tmp_path / f"write-{fmt}", fmt)
    kinds = {p.suffix for p in written}
    assert {".parquet", ".csv", ".jsonl", ".duckdb"} <= kinds
    wrong = {str(p.relative_to(tmp_path)): oct(_mode(p)) for p in written if _mode(p) != expected}
    assert wrong == {}, f"expected {oct(expected)}"
