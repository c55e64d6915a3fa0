"""Issue 17, point 2: a wrong field mapping fails fast with one usage error (exit 2) naming the
keys found and the option to set; CSV delimiter and quoting are sniffed (``--csv-delimiter``
forces one); a truncated JSON line is named at its own column; ``--limit N`` reads only the first
N articles. Articles are written for these tests (no corpus text).
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from qpdp_nlp.cli import cli
from qpdp_nlp.errors import FieldMappingError, InputError
from qpdp_nlp.ingest.sources import ReadOptions, read_paths

BODY = "Huyện Ba Bể tổ chức lễ giao nhận quân\n\nSáng 12/2, {n} thanh niên huyện Ba Bể lên đường nhập ngũ."


def extract(args, **kw):
    return CliRunner().invoke(cli, ["extract", *args, "--workers", "1", "--quiet"], **kw)


def dump(tmp_path, n=1000):
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps({"body": BODY.format(n=i), "headline": f"Tin {i}",
                                        "pub_date": "15/01/2024 09:00"}, ensure_ascii=False) + "\n"
                            for i in range(n)), encoding="utf-8")
    return path


def test_wrong_mapping_is_one_usage_error_with_the_keys_found(tmp_path):
    result = extract([str(dump(tmp_path)), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines  # before: one "no 'text' field" line per record, exit 1
    assert "keys found: body, headline, pub_date" in lines[0] and "--text-field body" in lines[0]


def test_the_right_mapping_reads_the_dump(tmp_path):
    result = extract([str(dump(tmp_path, 3)), "--text-field", "body", "--title-field", "headline",
                      "--date-field", "pub_date", "--no-text"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])
    assert first["title"] == "Tin 0" and first["published"] == "2024-01-15"


def test_a_few_records_without_text_after_good_ones_are_record_errors(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps({"text": BODY.format(n=1)}, ensure_ascii=False),
                               json.dumps({"title": "no text"})]) + "\n", encoding="utf-8")
    items = list(read_paths([str(path)]))
    assert isinstance(items[1], InputError) and items[1].source.endswith(":2")


def test_csv_and_parquet_headers_are_checked(tmp_path):
    (tmp_path / "a.csv").write_text("id,body\n1,abc\n", encoding="utf-8")
    with pytest.raises(FieldMappingError, match="keys found: id, body"):
        list(read_paths([str(tmp_path / "a.csv")]))
    pq.write_table(pa.table({"noidung": ["x"]}), tmp_path / "b.parquet")
    with pytest.raises(FieldMappingError, match="--text-field noidung"):
        list(read_paths([str(tmp_path / "b.parquet")]))


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_csv_delimiter_is_sniffed(tmp_path, delimiter):
    text = BODY.format(n=7).replace("\n", " ") + ", có 3 xã; đạt 100%"
    rows = [["id", "title", "text"], ["C1", "Tin; một", text], ["C2", "Tin hai", text + " nữa"]]
    lines = [delimiter.join('"' + c.replace('"', '""') + '"' if delimiter in c or "," in c or ";" in c else c
                            for c in row) for row in rows]
    (tmp_path / "x.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = list(read_paths([str(tmp_path / "x.csv")]))
    assert [(a.source.rsplit("#", 1)[1], a.title) for a in got] == [("C1", "Tin; một"), ("C2", "Tin hai")]
    assert got[0].text == text


def test_csv_delimiter_can_be_forced(tmp_path):
    (tmp_path / "x.csv").write_text(f"text;id\n{BODY.format(n=1).replace(chr(10), ' ')};C1\n", encoding="utf-8")
    (got,) = list(read_paths([str(tmp_path / "x.csv")], options=ReadOptions(csv_delimiter=";")))
    assert got.source.endswith("#C1")
    result = extract([str(tmp_path / "x.csv"), "--csv-delimiter", ";", "--no-text"])
    assert result.exit_code == 0, result.output


def test_truncated_json_line_names_its_own_column(tmp_path):
    line = '{"text": "Huyện Ba Bể", "id": '
    (tmp_path / "t.jsonl").write_text(json.dumps({"text": BODY.format(n=1)}, ensure_ascii=False) + "\n"
                                      + line + "\n", encoding="utf-8")
    items = list(read_paths([str(tmp_path / "t.jsonl")]))
    err = items[1]
    assert isinstance(err, InputError)
    assert f"column {len(line) + 1}" in err.reason and "cut short" in err.reason  # before: "column 1"


def test_limit_reads_only_the_first_articles(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps({"id": f"A{i}", "text": BODY.format(n=i)}, ensure_ascii=False) + "\n"
                            for i in range(10)), encoding="utf-8")
    result = extract([str(path), "--limit", "3", "--no-text"])
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["source"].rsplit("#")[1] for x in result.stdout.splitlines()] == ["A0", "A1", "A2"]


def test_wrong_mapping_with_log_json_ends_the_stream_with_an_event(tmp_path):
    result = extract([str(dump(tmp_path, 20)), "--log-json"])
    assert result.exit_code == 2
    last = json.loads(result.stderr.strip().splitlines()[-1])
    assert last["event"] == "usage_error" and last["code"] == "E012" and "body" in last["reason"]
