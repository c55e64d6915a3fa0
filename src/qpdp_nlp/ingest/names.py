"""Input names as they are kept, stored and shown.

A file name on POSIX is bytes; Python gives it as ``str`` with the bytes that are not UTF-8 as
lone surrogates (``surrogateescape``: ``x_\\xff.txt`` is ``"x_\\udcff.txt"``). Such a string
cannot be written as UTF-8 (SQLite, Arrow, JSON), and a name may also hold newlines, tabs or
terminal escapes (``\\x1b[31m``) that would split or colour an error line. So a name has three
forms:

``name``          the ``str`` the readers use (lossless: ``os.fsencode(name)`` gives the bytes back)
:func:`stored`    the text written to the dataset (``source`` columns, JSON Lines): valid UTF-8,
                  each byte that is not UTF-8 as ``\\xNN`` (Python's ``backslashreplace``);
                  a name that is valid UTF-8 is kept as it is
:func:`db_key`    what the manifest stores: the name itself, or its bytes (a SQLite BLOB) when it
                  is not UTF-8, so two such names never collide
:func:`shown`     one line for a terminal or a log: :func:`stored`, then every control character
                  (newline, tab, ESC, DEL, C1) as ``\\n``, ``\\t`` or ``\\xNN``

>>> name = os.fsdecode(b"x_\\xff.txt")
>>> stored(name)
'x_\\\\xff.txt'
>>> db_key(name)
b'x_\\xff.txt'
>>> shown("tin\\n\\x1b[31mđỏ.txt")
'tin\\\\n\\\\x1b[31mđỏ.txt'
"""

from __future__ import annotations

import os
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stored(name: str) -> str:
    """``name`` as valid UTF-8 text: bytes that are not UTF-8 as ``\\xNN``."""
    if _is_utf8(name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def db_key(name: str) -> str | bytes:
    """``name`` for the manifest, lossless: the text, or the bytes when it is not UTF-8."""
    return name if _is_utf8(name) else os.fsencode(name)


def from_db(value: str | bytes) -> str:
    """The :func:`stored` form of a manifest value."""
    return stored(os.fsdecode(value)) if isinstance(value, bytes) else value


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def shown(text: str) -> str:
    """``text`` on one line, safe for a terminal: no newline, no escape sequence, valid UTF-8."""
    return _CONTROL.sub(_escape, stored(text))
