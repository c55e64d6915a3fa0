"""Readers: paths in, :class:`Article` (or :class:`InputError`) out, one per article.

Each reader yields; nothing holds a whole archive in memory (a ``.json`` file holding one array
is the exception: JSON arrays cannot be streamed without a second parser, use JSON Lines for
archives). A reader never raises for a bad input: it yields an
:class:`~qpdp_nlp.errors.InputError` so the batch goes on with the rest.

Formats, by suffix: ``.txt``/``.md`` (one article per file, title on the first line),
``.html``/``.htm`` (main text, title, date and site through trafilatura), ``.warc``/``.warc.gz``
(HTML responses only, URL from the record), ``.jsonl``/``.jsonl.gz``/``.json``, ``.csv`` and
``.parquet`` (one article per row; which field holds what is set by :class:`Fields`).

>>> from pathlib import Path; import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> text = "Huyện Ba Bể giao quân\\n\\nSáng 12/2, 152 thanh niên lên đường."
>>> _ = (folder / "a.txt").write_text(text, encoding="utf-8")
>>> [a.text.splitlines()[0] for a in read_paths([str(folder)])]
['Huyện Ba Bể giao quân']
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import glob
import gzip
import io
import json
import os
import re
import stat
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from ..errors import FieldMappingError, InputError
from ..provenance import iso_date, outlet

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

DEFAULT_MAX_CHARS = 2_000_000

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
WARC_SUFFIXES = {".warc", ".warc.gz", ".warc.zst"}
JSON_SUFFIXES = {".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".json"}
TABLE_SUFFIXES = {".csv", ".csv.gz", ".csv.zst", ".parquet"}
# A compressed file is read through its magic bytes, whatever its name says; these suffixes only
# tell the walk which compressed files to pick up.
COMPRESSED_SUFFIXES = (".gz", ".zst")
# What ``--format-in`` may say a pipe holds (``auto``: sniffed from its first bytes).
STDIN_FORMATS = ("auto", "jsonl", "csv", "warc", "html", "text")
ALL_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | WARC_SUFFIXES | JSON_SUFFIXES | TABLE_SUFFIXES
SUPPORTED = sorted(ALL_SUFFIXES)
TEXT_SUFFIXES_SUPPORTED = TEXT_SUFFIXES  # kept for older callers


@dataclass
class Article:
    """Raw article text and what the source says about it (``meta["site"]`` is the host name)."""

    text: str
    source: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


SourceItem = Article | InputError


@dataclass(frozen=True)
class Fields:
    """Which field of a JSON object, CSV row or Parquet row holds what.

    ``id`` names the record in its ``source`` (``dump.jsonl#A17``); without it the line or row
    number does (``dump.jsonl:17``). ``date`` falls back to ``published`` and ``url`` to ``link``.
    """

    text: str = "text"
    id: str | None = "id"
    title: str | None = "title"
    date: str | None = "date"
    url: str | None = "url"


@dataclass(frozen=True)
class ReadOptions:
    fields: Fields = Fields()
    max_chars: int = DEFAULT_MAX_CHARS
    stdin_format: str = "auto"  # what a pipe holds, when its first bytes cannot tell (--format-in)
    csv_delimiter: str | None = None  # None: sniffed from the first lines (--csv-delimiter)
    # bytes read so far, for a progress display: streaming readers add to ``progress[0]`` as
    # they read (the caller sets it to the file's size when the file is done)
    progress: list[int] | None = field(default=None, compare=False)


class _CountingRaw(io.RawIOBase):
    """A binary file that adds what is read from it to a counter."""

    def __init__(self, raw: io.RawIOBase, counter: list[int]) -> None:
        self.raw, self.counter = raw, counter

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self.raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        n = self.raw.readinto(buffer)
        self.counter[0] += n or 0
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _open_binary(path: Path, options: ReadOptions) -> io.BufferedReader:
    """``path`` opened for buffered binary reading, counted when a progress counter is given."""
    raw = open(path, "rb", buffering=0)
    return io.BufferedReader(_CountingRaw(raw, options.progress) if options.progress is not None else raw)


# --- compression, by magic bytes ----------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def peekable(stream: IO[bytes]) -> io.BufferedReader:
    """``stream`` as something that can :meth:`peek` (a pipe's ``sys.stdin.buffer`` already can)."""
    if hasattr(stream, "peek"):
        # any buffered stream (BufferedReader, BufferedRandom, a test's stand-in) is read as one
        return cast(io.BufferedReader, stream)
    return io.BufferedReader(cast(io.RawIOBase, stream))


def compression_of(head: bytes) -> str | None:
    """``"gzip"``, ``"zstd"`` or None, from a stream's first bytes (never from its name).

    >>> compression_of(gzip.compress(b"x")), compression_of(b"{}")
    ('gzip', None)
    """
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def decompressed(stream: IO[bytes]) -> io.BufferedReader:
    """A buffered binary stream of ``stream``'s content, decompressed when its magic bytes say
    gzip (every member of a multi-member file) or Zstandard (every frame). Read as it goes:
    nothing is held beyond the decompressor's window and one buffer, so a pipe of any length
    streams. Closing the result does not close ``stream``."""
    peeking = peekable(stream)
    kind = compression_of(peeking.peek(4)[:4])
    if kind == "gzip":
        return io.BufferedReader(cast(io.RawIOBase, gzip.GzipFile(fileobj=peeking, mode="rb")))
    if kind == "zstd":
        import zstandard

        reader = zstandard.ZstdDecompressor().stream_reader(peeking, read_across_frames=True, closefd=False)
        return io.BufferedReader(reader)
    return peeking


_DECOMPRESS_ERRORS = (OSError, EOFError, zlib.error)


def _zstd_errors() -> tuple[type[Exception], ...]:
    try:
        import zstandard
    except ImportError:  # pragma: no cover - a dependency
        return ()
    return (zstandard.ZstdError,)


# --- encodings -------------------------------------------------------------------------------

def looks_binary(data: bytes) -> str | None:
    """A reason when ``data`` is not text: NUL bytes, or mostly control bytes."""
    head = data[:8192]
    if b"\x00" in head and not _utf16_guess(head):
        return "contains NUL bytes"
    if head and not _utf16_guess(head):
        controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
        if controls / len(head) > 0.05:
            return f"{controls} control bytes in the first {len(head)}"
    return None


def _utf16_guess(head: bytes) -> str | None:
    """UTF-16 by its BOM, or without one by NULs at every other byte (ASCII-heavy text)."""
    boms = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if head.startswith(boms) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    if len(head) >= 16:
        even_nul = head[0::2].count(0) / len(head[0::2])
        odd_nul = head[1::2].count(0) / len(head[1::2])
        if odd_nul > 0.3 and even_nul < 0.05:
            return "utf-16-le"
        if even_nul > 0.3 and odd_nul < 0.05:
            return "utf-16-be"
    return None


# A Vietnamese syllable, read loosely: an optional onset, a vowel group with at most one
# tone-marked vowel, an optional coda. Good enough to tell Vietnamese decoded with the right code
# page from the mojibake the wrong one gives ("Qu?c phòng", "QuÃ´c").
_VOWELS = "aăâeêioôơuưy"
_TONED = "àằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ"
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    rf"[{_VOWELS}]*[{_TONED}]?[{_VOWELS}]*"
    r"(?:ng|nh|ch|[cmnpt])?",
)
_WORD = re.compile(r"[^\W\d_]+")
# Legacy Vietnamese code pages tried when a file is not UTF-8/UTF-16: Windows-1258 (standard
# library) and VISCII (the viscii-codec package's table, generated from Unicode's VISCII.TXT).
# TCVN3 (ABC) is a font encoding with no codec anywhere and is not guessed.
_LEGACY_ENCODINGS = ("cp1258", "viscii")


def _legacy_decode(data: bytes, encoding: str) -> str:
    if encoding == "viscii":
        import viscii  # registers the codec

        return codecs.charmap_decode(data, "strict", viscii.decoding_table)[0]
    return data.decode(encoding)


def vietnamese_share(text: str) -> float:
    """Share of the words of ``text`` that read as Vietnamese syllables (0 when no word).

    >>> vietnamese_share("Huyện Ba Bể tổng kết công tác quốc phòng") == 1.0
    True
    """
    words = _WORD.findall(unicodedata.normalize("NFC", text[:20000]).lower())
    if not words:
        return 0.0
    good = sum(1 for w in words if _SYLLABLE.fullmatch(w) and any(c in _VOWELS or c in _TONED for c in w))
    return good / len(words)


def decode_text(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 (BOM, or NULs at every other byte),
    else the legacy Vietnamese code page (Windows-1258, VISCII) whose decoding reads most like
    Vietnamese syllables.

    Raises :class:`InputError` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError(source, "E001")
    utf16 = _utf16_guess(data[:8192])
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputError(source, "E003", detail=f"broken UTF-16 at offset {exc.start}") from None
        return _non_empty(text.lstrip("\ufeff"), source)
    reason = looks_binary(data)
    if reason:
        raise InputError(source, "E002", detail=reason)
    try:
        return _non_empty(data.decode("utf-8-sig"), source)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    best, best_share = None, 0.0
    for encoding in _LEGACY_ENCODINGS:
        try:
            candidate = _legacy_decode(data, encoding)
        except (UnicodeDecodeError, ImportError):
            continue
        share = vietnamese_share(candidate)
        if share > best_share:
            best, best_share = candidate, share
    if best is None or best_share < 0.6:
        detail = (f"invalid byte 0x{data[first_bad]:02x} at offset {first_bad}, "
                  "and not Windows-1258 or VISCII Vietnamese either")
        raise InputError(source, "E003", detail=detail)
    return _non_empty(best, source)


def _non_empty(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "E001")
    return text


def _check_size(text: str, source: str, options: ReadOptions) -> None:
    if len(text) > options.max_chars:
        raise InputError(source, "E006", size=len(text), limit=options.max_chars)


def _read_bytes(path: Path, options: ReadOptions, *, factor: int = 4) -> bytes:
    """The file's bytes, refusing before reading one that cannot fit ``max_chars``
    (``factor`` bytes per character at most: 4 in UTF-8, more for HTML markup)."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_chars * factor:
            raise InputError(source, "E006", size=f"over {size // factor}", limit=options.max_chars)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(source, "E004", detail=exc.strerror or str(exc)) from None


def _article(text: str, source: str, options: ReadOptions, **kw: Any) -> Article:
    """An :class:`Article`, its date parsed (:func:`iso_date`; the string as written kept in
    ``meta["published_raw"]``) and its outlet in ``meta["site"]`` (the URL's host name)."""
    _check_size(text, source, options)
    if not text.strip():
        raise InputError(source, "E001")
    url = kw.get("url")
    raw_date = kw.get("published")
    kw["published"] = iso_date(raw_date)
    meta = kw.pop("meta", None) or {}
    if raw_date:
        meta.setdefault("published_raw", raw_date)
    if url and "site" not in meta:
        meta["site"] = outlet(url)
    return Article(text=text, source=source, meta=meta, **kw)


# --- one reader per format -------------------------------------------------------------------

def read_text_bytes(data: bytes, source: str, options: ReadOptions) -> Iterator[SourceItem]:
    try:
        yield _article(decode_text(data, source), source, options)
    except InputError as err:
        yield err


def read_text_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    try:
        data = _read_bytes(path, options)
    except InputError as err:
        yield err
        return
    yield from read_text_bytes(data, str(path), options)


_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def _decode_html(data: bytes, source: str, declared: str | None = None) -> str:
    """HTML bytes to text: the declared charset (HTTP header or <meta>) when it decodes, else
    :func:`decode_text`'s guesses."""
    if not declared:
        match = _CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    if declared:
        try:
            if codecs.lookup(declared).name not in ("utf-8",):
                return _non_empty(data.decode(declared), source)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, source)


def html_article(html: str, source: str, options: ReadOptions, *, url: str | None = None) -> Article:
    """The main text, title, date and site of one HTML page (trafilatura).

    The article text is the title, a blank line, then the body: the layout the pipeline reads
    titles from.
    """
    import trafilatura
    from trafilatura.settings import Document

    if "<" not in html[:2048]:
        raise InputError(source, "E008", what="HTML", detail="no markup found")
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          favor_recall=True)
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise InputError(source, "E008", what="HTML", detail=f"{type(exc).__name__}: {exc}") from None
    # a Document (a dict only with as_dict=True, None when nothing is found)
    page = doc if isinstance(doc, Document) else None
    body = (page.text or "").strip() if page is not None else ""
    if page is None or not body:
        raise InputError(source, "E008", what="HTML", detail="no main text found")
    title = (page.title or "").strip() or None
    if title and body.startswith(title):
        body = body[len(title):].lstrip()
    text = f"{title}\n\n{body}" if title else body
    url = url or page.url
    meta = {"site": outlet(url) or page.hostname or page.sitename}
    if page.sitename:
        meta["sitename"] = page.sitename
    return _article(text, source, options, title=title, published=page.date or None, url=url, meta=meta)


def read_html_bytes(data: bytes, source: str, options: ReadOptions) -> Iterator[SourceItem]:
    try:
        yield html_article(_decode_html(data, source), source, options)
    except InputError as err:
        yield err


def read_html_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    try:
        data = _read_bytes(path, options, factor=8)
    except InputError as err:
        yield err
        return
    yield from read_html_bytes(data, str(path), options)


_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n)")
_SCAN_BLOCK = 1 << 20


def _opens_a_record(stream: IO[bytes], at: int) -> bool:
    """Whether the gzip member that seems to start at ``at`` really holds a WARC record: the magic
    bytes also occur by chance inside compressed data, and a false start there would swallow the
    good records after it."""
    stream.seek(at)
    head = stream.read(1 << 16)
    try:
        plain = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
    except zlib.error:
        return False
    return plain.startswith(b"WARC/1.")


def _next_record_start(stream: IO[bytes], start: int, gzipped: bool) -> int | None:
    """The offset of the first record start at or after ``start``: a gzip member that opens with a
    WARC header, or a ``WARC/1.x`` line. Read in bounded blocks."""
    offset, tail = start, b""
    while True:
        stream.seek(offset)
        block = stream.read(_SCAN_BLOCK)
        if not block:
            return None
        data = tail + block
        base = offset - len(tail)
        if gzipped:
            at = data.find(_GZIP_MEMBER)
            while at >= 0 and (base + at < start or not _opens_a_record(stream, base + at)):
                at = data.find(_GZIP_MEMBER, at + 1)
            found = None if at < 0 else at
        else:
            match = _WARC_LINE.search(data, 1 if base > 0 and base == start else 0) if data else None
            found = None if match is None else match.start(1)
        if found is not None and base + found >= start:
            return base + found
        offset += len(block)
        tail = data[-16:]


class _Misaligned(Exception):
    """warcio found no blank line where a record should end: its Content-Length is wrong."""


def _warc_record(record: Any, name: str, options: ReadOptions) -> Iterator[SourceItem]:
    # record: a warcio ArcWarcRecord (warcio ships no type information)
    """The article of one WARC record, or nothing when it is not an HTML response."""
    if record.rec_type != "response":
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    http = record.http_headers
    ctype = (http.get_header("Content-Type") if http else None) or ""
    if "html" not in ctype.lower():
        return
    if http is not None and not http.get_statuscode().startswith("2"):
        return
    charset = None
    match = re.search(r"charset=([A-Za-z0-9_-]+)", ctype)
    if match:
        charset = match.group(1)
    try:
        payload = record.content_stream().read(options.max_chars * 8 + 1)
        if len(payload) > options.max_chars * 8:
            raise InputError(name, "E006", size=f"over {options.max_chars}", limit=options.max_chars)
        yield html_article(_decode_html(payload, name, charset), name, options, url=url)
    except InputError as err:
        yield err
    except Exception as exc:  # a broken gzip member or chunked body inside one record
        yield InputError(name, "E008", what="WARC record", detail=f"{type(exc).__name__}: {exc}")


def read_warc_stream(stream: IO[bytes], source: str, options: ReadOptions, *, resync: bool = True) -> Iterator[SourceItem]:
    """Every HTML response of a WARC file; other records (requests, metadata, images) are skipped.

    A record that cannot be parsed (a broken header or gzip member, a Content-Length that runs
    into the next record) gives one error naming its number, and reading goes on at the next
    record start found after the last good record (the next gzip member of a ``.warc.gz``, the
    next ``WARC/1.x`` line of a ``.warc``), so the good records after a bad one are kept. A
    stream that cannot seek (a pipe) ends at the first bad record.
    """
    from warcio.archiveiterator import ArchiveIterator

    number = 0
    try:
        if not resync:
            raise ValueError("a pipe cannot seek")
        origin = stream.tell()
        gzipped = stream.read(3) == _GZIP_MEMBER
        stream.seek(origin)
    except (OSError, AttributeError, ValueError):
        origin, gzipped = None, False
    reported = -1  # the record start already named in an error: a restart there fails silently
    while True:
        iterator = ArchiveIterator(stream)
        attempt = iterator.offset
        last_start: int | None = None
        try:
            while True:
                warnings_before = iterator.err_count
                with contextlib.redirect_stderr(io.StringIO()):  # warcio prints multi-line warnings
                    record = next(iterator, None)
                if iterator.err_count > warnings_before:
                    raise _Misaligned("the record before it is longer or shorter than its Content-Length")
                if record is None:
                    break
                number += 1
                last_start = iterator.offset
                yield from _warc_record(record, f"{source}#{number}", options)
            break
        except Exception as exc:  # warcio.ArchiveLoadFailed, gzip/zlib errors, truncated files
            at = last_start if last_start is not None else attempt
            resume = _next_record_start(stream, at + 1, gzipped) if origin is not None else None
            if last_start is not None or at > reported:
                number += 1
                reported = resume if resume is not None else at
                where = f"reading resumed at byte {resume}" if resume is not None else "the file ends here"
                yield InputError(f"{source}#{number}", "E008", what="WARC record",
                                 detail=f"cannot parse it ({type(exc).__name__}: "
                                        f"{str(exc).strip()[:200]}); {where}")
            if resume is None:
                break
            stream.seek(resume)
    if number == 0:
        yield InputError(source, "E008", what="WARC file", detail="no WARC record found")


def read_warc_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    try:
        stream = _open_binary(path, options)
    except OSError as exc:
        yield InputError(str(path), "E004", detail=exc.strerror or str(exc))
        return
    with stream:
        if compression_of(stream.peek(4)[:4]) == "zstd":  # warcio reads gzip members itself
            try:
                with decompressed(stream) as plain:
                    yield from read_warc_stream(plain, str(path), options, resync=False)
            except _DECOMPRESS_ERRORS + _zstd_errors() as exc:
                yield InputError(str(path), "E008", what="zstd stream", detail=str(exc) or type(exc).__name__)
            return
        yield from read_warc_stream(stream, str(path), options)


def _text_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from a CSV/Parquet null
        return None
    return str(value).strip() or None


# How many records at the head of a JSON/CSV/Parquet source are looked at before the field
# options are trusted: when none of them has the text field, the mapping is wrong for the whole
# source (one usage error), not each record (a million errors).
MAPPING_PROBE = 10


class MappingCheck:
    """Holds back the first records of one source until one of them has the text field.

    ``check(obj)`` is called with each parsed record (a dict) before it becomes an article; it
    returns True once the mapping is confirmed. :meth:`give_up` raises the usage error when
    :data:`MAPPING_PROBE` records (or all the source has, if fewer) lacked the field.
    """

    def __init__(self, source: str, what: str, options: ReadOptions) -> None:
        self.source, self.what, self.fields = source, what, options.fields
        self.confirmed = False
        self.misses = 0
        self.keys: dict[str, None] = {}

    def check(self, obj: Any) -> bool:
        if self.confirmed or not isinstance(obj, dict):
            return self.confirmed
        if self.fields.text in obj:
            self.confirmed = True
            return True
        self.misses += 1
        self.keys.update(dict.fromkeys(str(k) for k in obj))
        if self.misses >= MAPPING_PROBE:
            self.give_up()
        return False

    def give_up(self) -> None:
        """Raise :class:`FieldMappingError` if records were seen and none had the text field."""
        if self.confirmed or not self.misses:
            return
        raise FieldMappingError(self.source, self.what, self.fields.text, list(self.keys), self.misses)


def record_article(obj: Any, where: str, source: str, what: str, options: ReadOptions) -> Article:
    """One JSON object / CSV row / Parquet row as an article (``where`` is ``:line`` or ``:row``)."""
    fields = options.fields
    if not isinstance(obj, dict):
        raise InputError(f"{source}{where}", "E008", what=what,
                         detail=f"expected an object, got {type(obj).__name__}")
    ident = _text_value(obj.get(fields.id)) if fields.id else None
    name = f"{source}#{ident}" if ident else f"{source}{where}"
    text = obj.get(fields.text)
    if not isinstance(text, str):
        detail = f"no '{fields.text}' field" if text is None else f"'{fields.text}' is not a string"
        raise InputError(name, "E008", what=what, detail=detail + " (set --text-field)")
    date = (_text_value(obj.get(fields.date)) if fields.date else None) or _text_value(obj.get("published"))
    url = (_text_value(obj.get(fields.url)) if fields.url else None) or _text_value(obj.get("link"))
    title = _text_value(obj.get(fields.title)) if fields.title else None
    meta = {"id": ident} if ident else {}
    return _article(text, name, options, title=title, published=date, url=url, meta=meta)


def _line_limit(options: ReadOptions) -> int:
    """Bytes a line may hold: ``max_chars`` characters of UTF-8 and some room for the fields."""
    return options.max_chars * 4 + 1024


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The lines of a binary stream, each read with at most ``limit + 1`` bytes in memory; a longer
    line is skipped in bounded reads and given as None. A decompression bomb of one endless line
    therefore costs ``limit`` bytes, not its expanded size."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(_SCAN_BLOCK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


class _HeldBack:
    """The items of one source, held back until its :class:`MappingCheck` confirms the field
    options (at most :data:`MAPPING_PROBE` records, and malformed lines up to a bound)."""

    LIMIT = 1000

    def __init__(self, check: MappingCheck) -> None:
        self.check = check
        self.items: list[SourceItem] = []

    def add(self, item: SourceItem) -> list[SourceItem]:
        """What may be yielded now, in order."""
        self.items.append(item)
        if self.check.confirmed or len(self.items) >= self.LIMIT:
            out, self.items = self.items, []
            return out
        return []

    def end(self) -> list[SourceItem]:
        self.check.give_up()
        out, self.items = self.items, []
        return out


def _json_line_error(exc: json.JSONDecodeError, line: str) -> str:
    """Where a JSON line breaks, in columns of the line itself (the line ending is not part of it,
    so a line cut short is said to end early instead of breaking at "line 2 column 1")."""
    where = f"{exc.msg} at column {exc.colno}"
    if exc.pos >= len(line.rstrip()):
        where += f", the end of the line ({len(line)} characters): cut short?"
    return where


def read_json_lines(lines: Iterable[bytes | None], source: str,
                    options: ReadOptions) -> Iterator[SourceItem]:
    """JSON Lines; ``lines`` from :func:`bounded_lines` (None: a line over the limit).

    The first records are checked against the field options (:class:`MappingCheck`): when none
    has the text field, :class:`~qpdp_nlp.errors.FieldMappingError` is raised once.
    """
    seen_any = False
    held = _HeldBack(MappingCheck(source, "JSON line", options))
    for number, raw in enumerate(lines, 1):
        if raw is not None and not raw.strip():
            continue
        seen_any = True
        where = f":{number}"
        if raw is None or len(raw) > _line_limit(options):
            yield from held.add(InputError(f"{source}{where}", "E006", size=f"over {options.max_chars}",
                                           limit=options.max_chars))
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield from held.add(InputError(f"{source}{where}", "E003",
                                           detail=f"invalid byte at offset {exc.start} of the line"))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield from held.add(InputError(f"{source}{where}", "E008", what="JSON line",
                                           detail=_json_line_error(exc, line)))
            continue
        held.check.check(obj)
        item: SourceItem
        try:
            item = record_article(obj, where, source, "JSON line", options)
        except InputError as err:
            item = err
        yield from held.add(item)
    yield from held.end()
    if not seen_any:
        yield InputError(source, "E001")


def read_jsonl_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    """A JSON Lines file, gzip- or zstd-compressed or not (told by its first bytes), streamed."""
    try:
        raw = _open_binary(path, options)
    except OSError as exc:
        yield InputError(str(path), "E004", detail=exc.strerror or str(exc))
        return
    with raw:  # GzipFile does not close the file it is given
        try:
            with decompressed(raw) as stream:
                yield from read_json_lines(bounded_lines(stream, _line_limit(options)), str(path), options)
        except _DECOMPRESS_ERRORS + _zstd_errors() as exc:  # a broken .gz (BadGzipFile is an OSError)
            what = "zstd stream" if compression_of(raw.peek(4)[:4] if not raw.closed else b"") else "gzip stream"
            yield InputError(str(path), "E008", what=what, detail=str(exc) or type(exc).__name__)


def read_json_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    """A ``.json`` file: one object, or an array of objects."""
    source = str(path)
    try:
        data = _read_bytes(path, options, factor=64)
        text = decode_text(data, source)
        obj = json.loads(text)
    except InputError as err:
        yield err
        return
    except json.JSONDecodeError as exc:
        yield InputError(source, "E008", what="JSON", detail=f"{exc.msg} at line {exc.lineno}")
        return
    items = obj if isinstance(obj, list) else [obj]
    where: Callable[[int], str] = (lambda i: f":{i}") if isinstance(obj, list) else (lambda i: "")
    check = MappingCheck(source, "JSON object", options)
    for item in items[:MAPPING_PROBE]:
        if check.check(item):
            break
    check.give_up()
    for i, item in enumerate(items, 1):
        try:
            yield record_article(item, where(i), source, "JSON object", options)
        except InputError as err:
            yield err


CSV_DELIMITERS = ",;\t|"


def sniff_dialect(sample: str, delimiter: str | None = None) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect of ``sample`` (the first lines of a file): ``csv.Sniffer`` over the usual
    delimiters (``,`` ``;`` tab ``|``: spreadsheets in Vietnamese locales export ``;``), else the
    one that splits the header line into the most fields; ``delimiter`` forces it.

    >>> sniff_dialect("id;text\\n1;Huyện Ba Bể\\n").delimiter
    ';'
    """
    if delimiter:
        class Forced(csv.excel):
            pass

        Forced.delimiter = delimiter
        return Forced
    header = sample.split("\n", 1)[0]
    best = max(CSV_DELIMITERS, key=header.count)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS)
        dialect.doublequote = True  # the Sniffer cannot tell; every exporter doubles quotes
        if dialect.delimiter in header or not header.count(best):
            return dialect
        raise csv.Error("the sniffed delimiter is not in the header line")
    except csv.Error:

        class Counted(csv.excel):
            pass

        Counted.delimiter = best if header.count(best) else ","
        return Counted


def read_csv_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    """A CSV file with a header row (gzip- or zstd-compressed or not); one article per row. The
    delimiter and quoting are sniffed from the first lines (:func:`sniff_dialect`) unless
    ``csv_delimiter`` is set. A row whose field count differs from the header's is malformed; a
    broken quote ends the file with an error; a header without the text field is a usage error
    (:class:`~qpdp_nlp.errors.FieldMappingError`)."""
    source = str(path)
    try:
        raw = _open_binary(path, options)
    except OSError as exc:
        yield InputError(source, "E004", detail=exc.strerror or str(exc))
        return
    with raw:
        try:
            with decompressed(raw) as stream:
                yield from read_csv_stream(stream, source, options)
        except _DECOMPRESS_ERRORS + _zstd_errors() as exc:
            yield InputError(source, "E008", what="compressed stream", detail=str(exc) or type(exc).__name__)


def read_csv_stream(binary: IO[bytes], source: str, options: ReadOptions) -> Iterator[SourceItem]:
    """The rows of a binary CSV stream (a file or a pipe) as articles; see :func:`read_csv_file`."""
    csv.field_size_limit(max(options.max_chars * 4, 1 << 20))
    raw = peekable(binary)
    head = raw.peek(65536)[:65536]  # looked at, not consumed
    if not head.strip():
        yield InputError(source, "E001")
        return
    reason = looks_binary(head[:8192])
    if reason:
        yield InputError(source, "E002", detail=reason)
        return
    sample = head.decode("utf-8-sig", errors="replace")
    if len(head) == 65536:  # the sample ends mid-line: whole lines only
        sample = sample[: sample.rfind("\n") + 1] or sample
    dialect = sniff_dialect(sample, options.csv_delimiter)
    stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.reader(_bounded_text_lines(stream, _line_limit(options)), dialect, strict=True)
    number = 1
    try:
        header = next(reader)
        if options.fields.text not in header:
            raise FieldMappingError(source, "CSV header", options.fields.text, header, 1)
        for number, row in enumerate(reader, 2):
            if not row:
                continue
            if len(row) != len(header):
                yield InputError(f"{source}:{number}", "E008", what="CSV row",
                                 detail=f"{len(row)} fields, the header has {len(header)}")
                continue
            try:
                yield record_article(dict(zip(header, row)), f":{number}", source, "CSV row", options)
            except InputError as err:
                yield err
    except StopIteration:
        yield InputError(source, "E001")
    except UnicodeDecodeError as exc:
        yield InputError(f"{source}:{number + 1}", "E003",
                         detail=f"invalid byte 0x{exc.object[exc.start]:02x}")
    except csv.Error as exc:
        yield InputError(f"{source}:{number + 1}", "E008", what="CSV row", detail=str(exc))
    except _LineTooLong:
        yield InputError(f"{source}:{number + 1}", "E006", size=f"over {options.max_chars}",
                         limit=options.max_chars)
    finally:
        stream.detach()  # the caller closes the binary stream


class _LineTooLong(Exception):
    pass


def _bounded_text_lines(stream: IO[str], limit: int) -> Iterator[str]:
    """The lines of a text stream for :mod:`csv`, each read with at most ``limit + 1``
    characters; a longer line ends the file (:class:`_LineTooLong`)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise _LineTooLong
        yield line


def read_parquet_file(path: Path, options: ReadOptions = ReadOptions(), *,
                      batch_size: int = 512) -> Iterator[SourceItem]:
    """A Parquet file, read one row group batch at a time; one article per row."""
    import pyarrow.parquet as pq

    source = str(path)
    try:
        pf = pq.ParquetFile(path)
    except OSError as exc:
        yield InputError(source, "E004", detail=exc.strerror or str(exc))
        return
    except Exception as exc:  # pyarrow.ArrowInvalid for a file that is not Parquet
        yield InputError(source, "E008", what="Parquet file", detail=str(exc)[:200])
        return
    fields = options.fields
    names = set(pf.schema_arrow.names)
    if fields.text not in names:
        raise FieldMappingError(source, "Parquet schema", fields.text, list(pf.schema_arrow.names), 1)
    wanted = [c for c in (fields.text, fields.id, fields.title, fields.date, fields.url, "published", "link")
              if c and c in names]
    number = 0
    try:
        for batch in pf.iter_batches(batch_size=batch_size, columns=list(dict.fromkeys(wanted))):
            for row in batch.to_pylist():
                number += 1
                if row.get(fields.text) is not None and not isinstance(row[fields.text], str):
                    row[fields.text] = str(row[fields.text])
                for key in (fields.date, "published"):
                    if key and row.get(key) is not None and not isinstance(row[key], str):
                        row[key] = row[key].isoformat() if hasattr(row[key], "isoformat") else str(row[key])
                try:
                    yield record_article(row, f":{number}", source, "Parquet row", options)
                except InputError as err:
                    yield err
    except Exception as exc:  # a corrupt page
        yield InputError(f"{source}:{number + 1}", "E008", what="Parquet row group", detail=str(exc)[:200])


READERS: dict[str, Callable[[Path, ReadOptions], Iterator[SourceItem]]] = {
    **{s: read_text_file for s in TEXT_SUFFIXES},
    **{s: read_html_file for s in HTML_SUFFIXES},
    **{s: read_warc_file for s in WARC_SUFFIXES},
    **{s: read_jsonl_file for s in JSON_SUFFIXES - {".json"}},
    ".json": read_json_file,
    **{s: read_csv_file for s in TABLE_SUFFIXES - {".parquet"}},
    ".parquet": read_parquet_file,
}


def suffix_of(path: Path) -> str:
    """A compressed file's suffix counts as one with the suffix before it (``.jsonl.gz``,
    ``.csv.zst``, ``.warc.gz``)."""
    name = path.name.lower()
    for compressed in COMPRESSED_SUFFIXES:
        if name.endswith(compressed):
            inner = Path(name[: -len(compressed)]).suffix
            if inner + compressed in ALL_SUFFIXES:
                return inner + compressed
    return path.suffix.lower()


# --- paths -----------------------------------------------------------------------------------

def _walk(folder: Path) -> Iterator[Path | InputError]:
    """Supported files under ``folder``: each folder's files in name order, then its subfolders
    in name order; hidden files and folders skipped. One folder's listing at a time, so an
    archive of millions of files is not listed in memory at once."""
    failed: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=failed.append):
        yield from (_unreadable_folder(exc, folder) for exc in failed)
        failed.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            child = Path(root) / name
            if not name.startswith(".") and suffix_of(child) in READERS:
                yield _not_regular(child) or child
    yield from (_unreadable_folder(exc, folder) for exc in failed)


def _unreadable_folder(exc: OSError, folder: Path) -> InputError:
    return InputError(str(exc.filename or folder), "E004", detail=f"folder skipped, {exc.strerror or exc}")


def _not_regular(path: Path) -> InputError | None:
    """An error for a FIFO, socket or device (reading one would wait forever), else None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # the reader says why it cannot open it
    if stat.S_ISREG(mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
    return InputError(str(path), "E004", detail=f"{kind}, not a regular file; skipped")


def expand_paths(paths: Iterable[str]) -> Iterator[Path | str | InputError]:
    """Files to read, in a stable order: each folder recursively (:func:`_walk`; hidden files
    and unsupported suffixes skipped), each glob sorted, ``-`` kept as is. A named file with an unsupported
    suffix, a missing path, a folder that cannot be listed and a file that is not a regular file
    (FIFO, socket, device: never opened) are errors."""
    for arg in paths:
        if arg == "-":
            yield "-"
            continue
        path = Path(arg)
        if path.is_dir():
            yield from _walk(path)
            continue
        if not path.exists() and glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield InputError(arg, "E005")
            for match in matches:
                if Path(match).is_dir():
                    yield from expand_paths([match])
                elif suffix_of(Path(match)) in READERS:
                    yield _not_regular(Path(match)) or Path(match)
            continue
        if not path.exists():
            yield InputError(arg, "E005")
            continue
        if suffix_of(path) not in READERS:
            yield InputError(arg, "E007", suffix=suffix_of(path) or "(none)", supported=", ".join(SUPPORTED))
            continue
        yield _not_regular(path) or path


def sniff_stdin(head: bytes) -> str:
    """What a pipe holds, from its first (decompressed) bytes: ``warc``, ``html``, ``jsonl`` or
    ``text`` (CSV cannot be told from text: say ``--format-in csv``).

    >>> sniff_stdin(b'WARC/1.0'), sniff_stdin(b'  <!doctype html>'), sniff_stdin(b'{"text": ""}')
    ('warc', 'html', 'jsonl')
    """
    head = head[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"WARC/"):
        return "warc"
    if head[:1] == b"<":
        return "html"
    if head[:1] == b"{":
        return "jsonl"
    return "text"


def read_stdin(stream: IO[bytes] | None = None, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    """Standard input, streamed record by record: decompressed when its first bytes say gzip or
    zstd, then read as ``options.stdin_format`` says, or as sniffed (:func:`sniff_stdin`). JSON
    Lines, CSV and WARC are read one record at a time, so memory stays flat however long the pipe
    is; an HTML page or a plain text is one article, read up to ``8 × max_chars`` bytes."""
    stream = peekable(stream if stream is not None else sys.stdin.buffer)
    try:
        plain = decompressed(stream)
        fmt = options.stdin_format
        if fmt in (None, "auto"):
            fmt = sniff_stdin(plain.peek(64)[:64])
        if fmt == "jsonl":
            yield from read_json_lines(bounded_lines(plain, _line_limit(options)), "-", options)
        elif fmt == "csv":
            yield from read_csv_stream(plain, "-", options)
        elif fmt == "warc":
            yield from read_warc_stream(plain, "-", options, resync=False)
        else:
            data = plain.read(options.max_chars * 8 + 1)
            if len(data) > options.max_chars * 8:
                yield InputError("-", "E006", size=f"over {options.max_chars}", limit=options.max_chars)
            elif fmt == "html":
                yield from read_html_bytes(data, "-", options)
            else:
                yield from read_text_bytes(data, "-", options)
    except _DECOMPRESS_ERRORS + _zstd_errors() as exc:
        yield InputError("-", "E008", what="compressed stream", detail=str(exc) or type(exc).__name__)


def read_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    """Every article of one file, by the reader its suffix names.

    A failure no reader foresaw still ends as an error for this file, not for the run.
    """
    try:
        yield from READERS[suffix_of(path)](path, options)
    except FieldMappingError:
        raise  # a usage error: the field options are wrong, not this file
    except Exception as exc:
        yield InputError(str(path), "E004", detail=f"{type(exc).__name__}: {exc}")


def read_paths(paths: Iterable[str], *, stdin: IO[bytes] | None = None,
               options: ReadOptions = ReadOptions()) -> Iterator[SourceItem]:
    """Every article under ``paths`` (files, folders recursively, globs, ``-`` for stdin), in order."""
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
        elif isinstance(item, str):  # "-": expand_paths gives no other string
            yield from read_stdin(stdin, options)
        else:
            yield from read_file(item, options)
