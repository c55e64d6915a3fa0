"""Atomic file writing: the one place where an output file is written beside its target and
renamed into place.

Every file the package writes for a user (Parquet parts, CSV/JSON Lines/DuckDB exports, ``-o FILE``)
goes through :func:`atomic_path` or :func:`atomic_open`:

1. a temporary file is created in the target's folder, named ``.<target name>.<random>.tmp``
   (hidden, so pyarrow's dataset discovery and the batch's recovery know it is not data);
2. the caller writes it; the file is flushed and ``fsync``-ed;
3. its permissions are set to ``0666 & ~umask`` — what ``open(path, "w")`` would give (0644 under
   the usual umask 022), the same for every output (``mkstemp`` alone makes 0600);
4. it is renamed onto the target (``os.replace``: atomic on POSIX within one file system), and the
   folder is ``fsync``-ed so the rename survives a power cut.

A reader, or a run killed at any moment, sees the old file or the new one, never half of one. When
the block raises, the temporary file is deleted and the target is left as it was.

>>> import tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "facts.jsonl"
>>> with atomic_open(target) as fh:
...     _ = fh.write('{"title": "Huyện Ba Bể giao quân"}\\n')
>>> target.read_text(encoding="utf-8")
'{"title": "Huyện Ba Bể giao quân"}\\n'
>>> oct(target.stat().st_mode & 0o777) == oct(file_mode())
True
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

TMP_SUFFIX = ".tmp"


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows (``/proc/self/status``);
    elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The permissions of every output file: ``0666`` less the umask, as ``open()`` gives."""
    return 0o666 & ~current_umask()


def tmp_name(target: Path) -> str:
    """The prefix of ``target``'s temporary files."""
    return f".{target.name}."


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every platform opens folders
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is done all the same
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: str | os.PathLike[str], *, create: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` when the block ends well.

    For writers that want a path (pyarrow, DuckDB). ``create=False`` yields a name no file has
    yet (DuckDB creates its file itself).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_str = tempfile.mkstemp(prefix=tmp_name(target), suffix=TMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_str)
    try:
        if not create:
            tmp.unlink()
        yield tmp
        _fsync_file(tmp)
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


@contextmanager
def atomic_open(target: str | os.PathLike[str], mode: str = "w", *,
                encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Yield an open file to write; it replaces ``target`` when the block ends well."""
    binary = "b" in mode
    with atomic_path(target) as tmp:
        with open(tmp, mode, encoding=None if binary else encoding) as fh:
            yield fh
            fh.flush()


def write_lines(target: str | os.PathLike[str], lines: Iterable[str]) -> None:
    """Write ``lines`` (without their newline) to ``target`` atomically, one per line."""
    with atomic_open(target) as fh:
        for line in lines:
            fh.write(line + "\n")
