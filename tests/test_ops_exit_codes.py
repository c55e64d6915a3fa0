"""Issue 17, point 5: exit codes a wrapper can use, --max-errors, acknowledged errors, and the
one table of codes in README.md and docs/batch.md. Articles are written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qpdp_nlp import dataset
from qpdp_nlp.cli import cli
from qpdp_nlp.ingest import batch

ROOT = Path(__file__).resolve().parents[1]


def article(i: int) -> str:
    return (f"Huyện Ba Bể tổ chức lễ giao nhận quân số {i}\n\n"
            f"Sáng 12/2, {30 + i} thanh niên huyện Ba Bể lên đường nhập ngũ.")


def extract(args, **kw):
    return CliRunner().invoke(cli, ["extract", *args, "--workers", "1"], **kw)


def broken_dump(path: Path, good: int, bad_every: int = 0, bad_at: tuple[int, ...] = ()) -> Path:
    lines = []
    for i in range(good):
        lines.append(json.dumps({"id": f"A{i}", "text": article(i)}, ensure_ascii=False))
        if (bad_every and i % bad_every == bad_every - 1) or i in bad_at:
            lines.append('{"id": "broken", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_missing_input_path_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    result = extract([str(tmp_path / "a.txt"), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output  # before: 1, the code of "some inputs failed"
    assert "missing.txt" in result.stderr and not (tmp_path / "out").exists()


def test_max_errors_stops_reading_early(tmp_path):
    src = broken_dump(tmp_path / "dump.jsonl", good=60, bad_every=2)  # one bad line after every second
    result = extract([str(src), "--out", str(tmp_path / "out"), "--max-errors", "3", "--log-json"])
    assert result.exit_code == 1
    events = [json.loads(line) for line in result.stderr.splitlines()]
    end = events[-1]
    assert end["event"] == "end" and end["stopped"] == "--max-errors 3"
    assert end["errors"] == 4 and end["read"] < 60
    assert len(dataset.read(tmp_path / "out", tables=["articles"], fmt="parquet")["articles"]) == end["articles"]


def test_acknowledged_errors_are_listed_but_do_not_fail_the_run(tmp_path):
    src = broken_dump(tmp_path / "old.jsonl", good=3, bad_at=(1,))
    out = tmp_path / "out"
    first = extract([str(src), "--out", str(out)])
    assert first.exit_code == 1
    (line,) = [x for x in first.stderr.splitlines() if "malformed" in x]
    source = line.split(": ", 2)[1]  # 'qpdp: <source>: <reason>'
    ack = tmp_path / "known-bad.txt"
    ack.write_text(f"# known bad lines of the 2019 dump\n{source}  E008\n", encoding="utf-8")
    again = extract([str(src), "--out", str(out), "--acknowledged-errors", str(ack)])
    assert again.exit_code == 0, again.output
    assert f"qpdp: {source}: " in again.stderr and "(acknowledged)" in again.stderr
    assert "1 error (1 acknowledged)" in again.stderr
    # another code on the same source is not acknowledged
    ack.write_text(f"{source}  E006\n", encoding="utf-8")
    assert extract([str(src), "--out", str(out), "--acknowledged-errors", str(ack), "--quiet"]).exit_code == 1
    # a record named by its id ('#' is not a comment inside a line)
    ided = tmp_path / "ided.jsonl"
    ided.write_text(json.dumps({"id": "R1", "text": 7}) + "\n" + json.dumps({"id": "R2", "text": article(9)},
                                                                            ensure_ascii=False) + "\n")
    ack.write_text(f"# known\n{ided}#R1\n", encoding="utf-8")
    assert extract([str(ided), "--acknowledged-errors", str(ack), "--quiet"]).exit_code == 0
    # and a wildcard acknowledges every line of the file
    ack.write_text(f"{src}:*\n", encoding="utf-8")
    assert extract([str(src), "--out", str(out), "--acknowledged-errors", str(ack), "--quiet"]).exit_code == 0


def test_exit_code_table_and_cron_example_in_readme_and_docs():
    for doc in (ROOT / "README.md", ROOT / "docs" / "batch.md"):
        text = doc.read_text(encoding="utf-8")
        for code in (0, 1, 2, 3, 4, 130, 143):
            assert f"| {code} |" in text, (doc.name, code)
        assert "crontab" in text or "```cron" in text, doc.name
    assert (batch.EXIT_SIGINT, batch.EXIT_SIGTERM, batch.EXIT_USAGE) == (130, 143, 2)
