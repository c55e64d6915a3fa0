"""Issue 17, point 1: streaming input everywhere. stdin is read record by record, gzip and zstd
are told by their magic bytes (files and pipes alike), JSON Lines, CSV, WARC and plain text come
through a pipe, and ``--format-in`` says what a pipe holds when it cannot be sniffed.

Articles are generated from sentences written for these tests (no corpus text).
"""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc

import pytest
import zstandard
from click.testing import CliRunner

from qpdp_nlp.cli import cli
from qpdp_nlp.errors import InputError
from qpdp_nlp.ingest.sources import Article, ReadOptions, read_paths, read_stdin, suffix_of


def body(i: int) -> str:
    return (f"Huyện Na Rì tổng kết công tác quốc phòng năm {2000 + i % 24}\n\n"
            f"Sáng 12/2, huyện Na Rì tổ chức lễ giao nhận quân; {20 + i} thanh niên lên đường nhập ngũ.")


def jsonl(n: int, start: int = 0) -> bytes:
    return "".join(json.dumps({"id": f"A{i}", "text": body(i)}, ensure_ascii=False) + "\n"
                   for i in range(start, start + n)).encode("utf-8")


def warc(n: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for i in range(n):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        page = (f"<html><head><title>Tin {i}</title></head><body><article><p>{body(i)}</p></article>"
                "</body></html>").encode()
        writer.write_record(writer.create_warc_record(f"https://nari.backan.gov.vn/{i}", "response",
                                                      payload=io.BytesIO(page), http_headers=http))
    return buf.getvalue()


class Pipe(io.RawIOBase):
    """A pipe: readable, not seekable, and it counts how far it has been read."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:
        chunk = self.data[self.pos:self.pos + min(len(buffer), 65536)]
        buffer[:len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)


def articles(items) -> list[Article]:
    items = list(items)
    errors = [i for i in items if isinstance(i, InputError)]
    assert not errors, errors
    return items


@pytest.mark.parametrize("compress", [lambda b: b, gzip.compress, zstandard.ZstdCompressor().compress],
                         ids=["plain", "gzip", "zstd"])
def test_stdin_jsonl_is_decompressed_and_read_record_by_record(compress):
    pipe = Pipe(compress(jsonl(300)))
    got = read_stdin(io.BufferedReader(pipe), ReadOptions())
    first = next(got)
    assert first.source == "-#A0" and first.text == body(0)
    # streamed: the first article comes out before the pipe is read to its end
    assert pipe.pos < len(pipe.data) or len(pipe.data) < 65536 * 2
    rest = articles(got)
    assert [a.source for a in rest][-1] == "-#A299" and len(rest) == 299


def test_stdin_streaming_is_streamed_not_read_whole():
    data = gzip.compress(jsonl(3000))
    pipe = Pipe(data)
    got = read_stdin(io.BufferedReader(pipe), ReadOptions())
    next(got)
    assert pipe.pos < len(data)  # before: stdin was read whole, then refused as binary


def test_stdin_gzip_jsonl_memory_stays_flat():
    """A memory bound instead of a time: 20,000 gzipped lines (~4 MB of JSON) through a pipe hold
    far less than the input at any moment (before: the whole stdin was read at once)."""
    raw = jsonl(20_000)
    data = gzip.compress(raw)
    tracemalloc.start()
    try:
        n = sum(1 for _ in read_stdin(io.BufferedReader(Pipe(data)), ReadOptions()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 20_000
    assert peak < len(raw) / 4, f"peak {peak} bytes for {len(raw)} bytes of input"


def test_stdin_gzip_warc_is_read():
    got = articles(read_stdin(io.BufferedReader(Pipe(gzip.compress(warc(3)))), ReadOptions()))
    assert [a.url for a in got] == [f"https://nari.backan.gov.vn/{i}" for i in range(3)]
    assert got[0].meta["site"] == "nari.backan.gov.vn"


def test_stdin_plain_text_and_csv_with_format_in():
    (one,) = articles(read_stdin(io.BufferedReader(Pipe(body(1).encode())), ReadOptions()))
    assert one.text == body(1) and one.source == "-"
    rows = "id;text\n" + "".join(f'C{i};"{body(i)}"\n' for i in range(3))
    got = articles(read_stdin(io.BufferedReader(Pipe(gzip.compress(rows.encode()))),
                              ReadOptions(stdin_format="csv")))
    assert [a.source for a in got] == ["-#C0", "-#C1", "-#C2"] and got[2].text == body(2)


def test_compressed_files_are_told_by_their_magic_bytes(tmp_path):
    (tmp_path / "a.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(jsonl(2)))
    (tmp_path / "b.jsonl").write_bytes(gzip.compress(jsonl(2, 10)))  # gzip without the suffix
    (tmp_path / "c.csv.gz").write_bytes(gzip.compress(("id,text\n" + f'C1,"{body(5)}"\n').encode()))
    got = articles(read_paths([str(tmp_path)]))
    assert [a.source.rsplit("/", 1)[1] for a in got] == ["a.jsonl.zst#A0", "a.jsonl.zst#A1", "b.jsonl#A10",
                                                         "b.jsonl#A11", "c.csv.gz#C1"]
    assert suffix_of(tmp_path / "x.warc.zst") == ".warc.zst" and suffix_of(tmp_path / "x.tar.gz") == ".gz"


def test_cli_reads_gzipped_jsonl_from_a_pipe(tmp_path):
    result = CliRunner().invoke(cli, ["extract", "-", "--no-text", "--workers", "1", "--quiet"],
                                input=gzip.compress(jsonl(3)))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in lines] == ["-#A0", "-#A1", "-#A2"]


def test_cli_format_in_csv(tmp_path):
    rows = "id,text\n" + "".join(f'C{i},"{body(i)}"\n' for i in range(2))
    result = CliRunner().invoke(cli, ["extract", "-", "--format-in", "csv", "--no-text", "--workers", "1",
                                      "--quiet"], input=rows.encode())
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["source"] for x in result.stdout.splitlines()] == ["-#C0", "-#C1"]
