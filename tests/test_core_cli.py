"""The CLI: extract over files, folders and stdin; bad input; eval; help and version."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

import qpdp_nlp
from conftest import CORPUS, needs_gold
from qpdp_nlp.cli import cli

ARTICLE = "Ba Bể tổng kết\n\nDự có Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng Bộ CHQS tỉnh Bắc Kạn.\n"


@pytest.fixture()
def runner():
    return CliRunner()


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert qpdp_nlp.__version__ in result.output


def test_every_command_is_documented_with_an_example(runner):
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "-h"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, f"qpdp {name} -h has no Example: block"
        assert command.help, name


def test_extract_file_and_folder(runner, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.md").write_text(ARTICLE.replace("Long", "Lâm"), encoding="utf-8")
    (sub / "ignored.bin").write_bytes(b"\x00\x01")
    result = runner.invoke(cli, ["extract", str(tmp_path)])
    assert result.exit_code == 0, result.output
    records = _lines(result.stdout)
    assert [r["source"] for r in records] == [str(tmp_path / "a.txt"), str(sub / "b.md")]
    assert records[0]["title"] == "Ba Bể tổng kết"
    assert records[0]["persons"][0]["name"] == "Nguyễn Quang Long"


def test_extract_stdin(runner):
    result = runner.invoke(cli, ["extract", "-"], input=ARTICLE.encode("utf-8"))
    assert result.exit_code == 0
    (record,) = _lines(result.stdout)
    assert record["source"] == "-"


def test_extract_output_file_is_written_whole(runner, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out" / "facts.jsonl"
    result = runner.invoke(cli, ["extract", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert len(_lines(out.read_text(encoding="utf-8"))) == 1
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_bad_inputs_give_one_line_each_and_the_rest_is_extracted(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    legacy = tmp_path / "legacy.txt"
    # Not UTF-8 and not a Vietnamese legacy encoding either: nothing can be guessed.
    legacy.write_bytes(("日本語のテキストです。" * 20).encode("shift_jis"))
    # --quiet: no closing summary line; a missing path is a usage error (exit 2, tests/test_ops_exit_codes.py)
    result = runner.invoke(cli, ["extract", str(empty), str(binary), str(legacy), str(good), "--quiet"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 3, errors
    for path, line in zip((empty, binary, legacy), errors):
        assert str(path) in line
    records = _lines(result.stdout)
    assert [r["source"] for r in records] == [str(good)]


def test_usage_error_exit_code(runner):
    result = runner.invoke(cli, ["extract"])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["nonsense"])
    assert result.exit_code == 2


@needs_gold
def test_eval_json(runner):
    result = runner.invoke(cli, ["eval", str(CORPUS / "seed"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["articles"] == 1
    assert data["scores"]["persons_ranked"]["f1"] == 1.0


def test_eval_rejects_folder_without_gold(runner, tmp_path):
    result = runner.invoke(cli, ["eval", str(tmp_path)])
    assert result.exit_code == 1
    assert "ID.txt/ID.json" in result.output


def test_click_group_is_thin():
    assert isinstance(cli, click.Group)


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="uses /proc for an unwritable HOME")
def test_works_with_unwritable_home(tmp_path):
    """Cron jobs may run with a read-only HOME: nothing may need to write there."""
    import os
    import subprocess
    import sys

    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    env = dict(os.environ, HOME="/proc/qpdp-no-home", XDG_CACHE_HOME="/proc/qpdp-no-home/cache",
               XDG_CONFIG_HOME="/proc/qpdp-no-home/config")
    env.pop("MPLCONFIGDIR", None)
    result = subprocess.run([sys.executable, "-m", "qpdp_nlp.cli", "extract", str(src)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["persons"][0]["name"] == "Nguyễn Quang Long"
