"""Readers: one test per input format, on files the tests write themselves (texts written for
these tests, not taken from any corpus), and the encoding guesses as a table."""

from __future__ import annotations

import gzip
import io
import json
import unicodedata
from pathlib import Path

import pytest
import viscii  # noqa: F401  (registers the codec the tests encode with)

from qpdp_nlp.errors import InputError
from qpdp_nlp.ingest.sources import (
    Article,
    Fields,
    ReadOptions,
    decode_text,
    read_paths,
    read_stdin,
    vietnamese_share,
)

TITLE = "Huyện Na Rì tổ chức lễ giao nhận quân năm 2024"
BODY = ("Sáng 15/2, Ủy ban nhân dân huyện Na Rì tổ chức lễ giao nhận quân. "
        "Năm nay, toàn huyện có 120 thanh niên lên đường nhập ngũ, đạt 100% chỉ tiêu.")
TEXT = f"{TITLE}\n\n{BODY}"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese files in it are written: base letter, then the tone as a
    combining mark (the code page has no precomposed toned vowels for most letters)."""
    out = bytearray()
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def articles(paths, **options) -> list[Article]:
    items = list(read_paths([str(p) for p in paths], options=ReadOptions(**options)))
    errors = [i for i in items if isinstance(i, InputError)]
    assert not errors, [str(e) for e in errors]
    return items


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- encodings -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, data", [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8 with BOM", TEXT.encode("utf-8-sig")),
    ("utf-16 with BOM", TEXT.encode("utf-16")),
    ("utf-16-be with BOM", "\ufeff".encode("utf-16-be") + TEXT.encode("utf-16-be")),
    ("utf-16-le without BOM", TEXT.encode("utf-16-le")),
    ("windows-1258", cp1258(TEXT)),
    ("viscii", TEXT.encode("viscii")),
    ("decomposed utf-8", unicodedata.normalize("NFD", TEXT).encode("utf-8")),
])
def test_decode_gives_the_vietnamese_text(name, data):
    assert nfc(decode_text(data, "x")) == TEXT


@pytest.mark.parametrize("name, data, code", [
    ("empty", b"", "E001"),
    ("only whitespace", b" \n\t\n", "E001"),
    ("png image", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "E002"),
    ("latin-1 french, not vietnamese", "Ça coûte très cher à Montréal, déjà l'été.".encode("latin-1"),
     "E003"),
    ("random high bytes", bytes(range(128, 256)) * 20, "E003"),
])
def test_decode_refuses(name, data, code):
    with pytest.raises(InputError) as err:
        decode_text(data, "x")
    assert err.value.code == code


@pytest.mark.parametrize("text, low, high", [
    (TEXT, 0.95, 1.0),
    ("Ban Chỉ huy Quân sự huyện Chợ Mới", 0.95, 1.0),
    ("The quick brown fox jumps over the lazy dog", 0.0, 0.5),
    (cp1258(TEXT).decode("cp1252", errors="replace"), 0.0, 0.85),
])
def test_vietnamese_share(text, low, high):
    assert low <= vietnamese_share(text) <= high


# --- one test per format ---------------------------------------------------------------------

def test_text_files_in_every_encoding(tmp_path):
    (tmp_path / "utf8.txt").write_bytes(TEXT.encode("utf-8"))
    (tmp_path / "bom.md").write_bytes(TEXT.encode("utf-8-sig"))
    (tmp_path / "utf16.txt").write_bytes(TEXT.encode("utf-16"))
    (tmp_path / "win1258.txt").write_bytes(cp1258(TEXT))
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")  # skipped inside a folder
    got = articles([tmp_path])
    assert [Path(a.source).name for a in got] == ["bom.md", "utf16.txt", "utf8.txt", "win1258.txt"]
    assert all(nfc(a.text) == TEXT for a in got)


HTML_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{title} - Cổng thông tin huyện Na Rì</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-02-15T08:30:00+07:00">
<link rel="canonical" href="https://nari.backan.gov.vn/tin-tuc/{slug}.html">
</head><body>
<nav><a href="/">Trang chủ</a> | <a href="/tin">Tin tức</a> | <a href="/lien-he">Liên hệ</a></nav>
<article><h1>{title}</h1>
<p>{body}</p>
<p>Dự buổi lễ có lãnh đạo Ban Chỉ huy Quân sự huyện, các ban, ngành, đoàn thể và đông đảo nhân dân
cùng gia đình các tân binh. Các tân binh hứa sẽ rèn luyện tốt, hoàn thành nhiệm vụ được giao.</p>
</article>
<footer>Bản quyền thuộc Ủy ban nhân dân huyện Na Rì. Chia sẻ: Facebook Zalo</footer>
</body></html>"""


def test_html_pages(tmp_path):
    page = HTML_PAGE.format(title=TITLE, body=BODY, slug="giao-quan")
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    other = "Huyện Na Rì diễn tập khu vực phòng thủ"
    page = HTML_PAGE.format(title=other, body="Huyện tổ chức diễn tập thành công.", slug="dien-tap")
    (tmp_path / "b.htm").write_bytes(cp1258(page.replace('charset="utf-8"', 'charset="windows-1258"')))
    a, b = articles([tmp_path / "a.html", tmp_path / "b.htm"])
    assert a.title == TITLE
    assert a.text.startswith(TITLE + "\n\n")
    assert "120 thanh niên" in a.text
    assert "Trang chủ" not in a.text and "Facebook" not in a.text  # page chrome removed
    assert a.published == "2024-02-15"
    assert a.url == "https://nari.backan.gov.vn/tin-tuc/giao-quan.html"
    assert a.meta["site"] == "nari.backan.gov.vn"  # the district portal names the district
    assert nfc(b.title) == other  # declared Windows-1258
    assert "diễn tập thành công" in nfc(b.text)


def _warc(path: Path, pages: list[tuple[str, str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for url, ctype, body in pages:
            payload = body.encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                          http_headers=http))
        writer.write_record(writer.create_warc_record("https://nari.backan.gov.vn/", "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_with_several_records(tmp_path, name):
    pages = [
        ("https://nari.backan.gov.vn/tin/1.html", "text/html; charset=utf-8",
         HTML_PAGE.format(title=TITLE, body=BODY, slug="1")),
        ("https://nari.backan.gov.vn/logo.png", "image/png", "not a page"),
        ("https://baobackan.vn/quoc-phong/2.html", "text/html",
         HTML_PAGE.format(title="Bắc Kạn tổng kết công tác quốc phòng", body="Năm 2024, tỉnh đã bồi dưỡng "
                          "kiến thức quốc phòng và an ninh cho hơn 2.000 người.", slug="2")),
    ]
    _warc(tmp_path / name, pages)
    got = articles([tmp_path / name])
    assert [a.url for a in got] == ["https://nari.backan.gov.vn/tin/1.html", "https://baobackan.vn/quoc-phong/2.html"]
    assert [a.meta["site"] for a in got] == ["nari.backan.gov.vn", "baobackan.vn"]
    assert got[1].title == "Bắc Kạn tổng kết công tác quốc phòng"
    assert "2.000 người" in got[1].text
    assert all(a.source.startswith(str(tmp_path / name) + "#") for a in got)


ROWS = [
    {"doc": "A1", "body": TEXT, "headline": TITLE, "day": "2024-02-15", "link": "https://nari.backan.gov.vn/1"},
    {"doc": "A2", "body": "Huyện Chợ Đồn tổng kết công tác quốc phòng năm 2023.", "headline": None,
     "day": None, "link": None},
]
FIELDS = Fields(text="body", id="doc", title="headline", date="day", url="link")


def _check_rows(got: list[Article], source: Path) -> None:
    assert [a.source for a in got] == [f"{source}#A1", f"{source}#A2"]
    assert got[0].text == TEXT and got[0].title == TITLE and got[0].published == "2024-02-15"
    assert got[0].url == "https://nari.backan.gov.vn/1" and got[0].meta["site"] == "nari.backan.gov.vn"
    assert got[1].title is None and got[1].url is None


@pytest.mark.parametrize("name", ["dump.jsonl", "dump.jsonl.gz"])
def test_jsonl(tmp_path, name):
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS).encode("utf-8")
    (tmp_path / name).write_bytes(gzip.compress(lines) if name.endswith(".gz") else lines)
    _check_rows(articles([tmp_path / name], fields=FIELDS), tmp_path / name)


def test_json_array_and_default_fields(tmp_path):
    (tmp_path / "dump.json").write_text(json.dumps(ROWS, ensure_ascii=False), encoding="utf-8")
    _check_rows(articles([tmp_path / "dump.json"], fields=FIELDS), tmp_path / "dump.json")
    (tmp_path / "one.jsonl").write_text(json.dumps({"text": BODY, "title": TITLE, "published": "2024-02-15"},
                                                   ensure_ascii=False), encoding="utf-8")
    (one,) = articles([tmp_path / "one.jsonl"])
    assert (one.source, one.title, one.published) == (f"{tmp_path / 'one.jsonl'}:1", TITLE, "2024-02-15")


def test_csv(tmp_path):
    import csv

    with open(tmp_path / "dump.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    _check_rows(articles([tmp_path / "dump.csv"], fields=FIELDS), tmp_path / "dump.csv")


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "dump.parquet", row_group_size=1)
    _check_rows(articles([tmp_path / "dump.parquet"], fields=FIELDS), tmp_path / "dump.parquet")


def test_globs_folders_and_order(tmp_path):
    for name in ("b/2.txt", "a/1.txt", "a/.hidden.txt", "a/deep/3.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{TITLE} {name}", encoding="utf-8")
    by_folder = [Path(a.source).name for a in articles([tmp_path])]
    assert by_folder == ["1.txt", "3.md", "2.txt"]
    by_glob = [Path(a.source).name for a in articles([str(tmp_path / "*" / "*.txt")])]
    assert by_glob == ["1.txt", "2.txt"]


@pytest.mark.parametrize("data, title, url", [
    (TEXT.encode("utf-8"), None, None),
    (HTML_PAGE.format(title=TITLE, body=BODY, slug="x").encode("utf-8"), TITLE,
     "https://nari.backan.gov.vn/tin-tuc/x.html"),  # the page's canonical link
    ((json.dumps({"text": BODY, "title": TITLE, "url": "https://a.vn/1"}, ensure_ascii=False)
      + "\n").encode("utf-8"),
     TITLE, "https://a.vn/1"),
])
def test_stdin_format_is_sniffed(data, title, url):
    (art,) = list(read_stdin(io.BytesIO(data)))
    assert isinstance(art, Article), str(art)
    assert (art.title, art.url) == (title, url)
    assert "120 thanh niên" in art.text


@pytest.mark.parametrize("max_chars, code", [(10, "E006"), (1_000_000, None)])
def test_max_chars(tmp_path, max_chars, code):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (item,) = list(read_paths([str(tmp_path / "a.txt")], options=ReadOptions(max_chars=max_chars)))
    assert getattr(item, "code", None) == code


@pytest.mark.parametrize("name", ["dump.jsonl", "dump.jsonl.gz", "dump.csv"])
def test_streaming_readers_count_the_bytes_they_read(tmp_path, name):
    rows = [{"id": f"A{i}", "text": f"{TEXT} Bản tin số {i}."} for i in range(3000)]
    if name == "dump.csv":
        import csv

        with open(tmp_path / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["id", "text"])
            writer.writeheader()
            writer.writerows(rows)
    else:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
        (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    counter = [0]
    seen = []
    for _item in read_paths([str(tmp_path / name)], options=ReadOptions(progress=counter)):
        seen.append(counter[0])
    assert len(seen) == 3000
    assert 0 < seen[0] < seen[-1] <= (tmp_path / name).stat().st_size
