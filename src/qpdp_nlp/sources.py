"""Readers: paths in, :class:`Article` (or :class:`InputError`) out, one per article.

Each reader yields; nothing holds a whole archive in memory. A reader never raises for a bad
input: it yields an :class:`~qpdp_nlp.errors.InputError` so the batch goes on with the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from .errors import InputError

TEXT_SUFFIXES = {".txt", ".md"}
SUPPORTED = sorted(TEXT_SUFFIXES)


@dataclass
class Article:
    """Raw article text and what the source says about it."""

    text: str
    source: str
    title: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    meta: dict[str, Any] = field(default_factory=dict)


SourceItem = Union[Article, InputError]


def looks_binary(data: bytes) -> Optional[str]:
    """A reason when ``data`` is not text: NUL bytes, or mostly control bytes."""
    head = data[:8192]
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        return "contains NUL bytes"
    if head:
        controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
        if controls / len(head) > 0.05:
            return f"{controls} control bytes in the first {len(head)}"
    return None


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM) strictly; raise :class:`InputError` otherwise."""
    if not data.strip():
        raise InputError(source, "E001")
    reason = looks_binary(data)
    if reason:
        raise InputError(source, "E002", detail=reason)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, "E003", detail=f"invalid byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
    if not text.strip():
        raise InputError(source, "E001")
    return text


def read_text_file(path: Path) -> Iterator[SourceItem]:
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(source, "E004", detail=exc.strerror or str(exc))
        return
    try:
        yield Article(text=decode_text(data, source), source=source)
    except InputError as err:
        yield err


def _expand(path_arg: str) -> Iterator[Union[Path, InputError]]:
    path = Path(path_arg)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.suffix.lower() in TEXT_SUFFIXES:
                yield child
        return
    if not path.exists():
        yield InputError(path_arg, "E005")
        return
    if path.suffix.lower() not in TEXT_SUFFIXES:
        yield InputError(path_arg, "E007", suffix=path.suffix or "(none)", supported=", ".join(SUPPORTED))
        return
    yield path


def read_stdin(stream=None) -> Iterator[SourceItem]:
    stream = stream if stream is not None else sys.stdin.buffer
    data = stream.read()
    try:
        yield Article(text=decode_text(data, "-"), source="-")
    except InputError as err:
        yield err


def read_paths(paths: Iterable[str], *, stdin=None) -> Iterator[SourceItem]:
    """Every article under ``paths`` (files, folders recursively, ``-`` for stdin), in order."""
    for arg in paths:
        if arg == "-":
            yield from read_stdin(stdin)
            continue
        for item in _expand(arg):
            if isinstance(item, InputError):
                yield item
            else:
                yield from read_text_file(item)
