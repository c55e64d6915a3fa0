"""The one reader of the package's data tables (``qpdp_nlp/data/*.tsv``), and the regex pieces
every matcher builds from them (:func:`alternation`, :data:`UPPER`).

Every table is UTF-8 TSV: lines starting with ``#`` are its note (source, licence, how to edit
it), the first other line is the header, and every row has as many cells as the header — a row
that does not is an error naming the table, so a bad edit fails at load time, not silently.

>>> rows = read_table("persons_ranks.tsv")
>>> rows[0]["rank"], len(rows)
('Binh nhì', 21)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.resources import files

from .text import normalize


def read_rows(name: str, *, pad: bool = False) -> tuple[list[str], list[list[str]]]:
    """The header and the rows (lists of cells) of ``data/<name>``.

    With ``pad`` a row may leave its last cells out (they are empty strings); without, every row
    must have exactly as many cells as the header.
    """
    text = files("qpdp_nlp").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise ValueError(f"{name}: no header row")
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) > len(header) or (len(cells) < len(header) and not pad):
            raise ValueError(f"{name}: {len(cells)} cells where the header {header} has {len(header)}: {line!r}")
        rows.append(cells + [""] * (len(header) - len(cells)))
    return header, rows


def read_table(name: str, *, normalise: bool = False, pad: bool = False) -> list[dict[str, str]]:
    """Rows of ``data/<name>`` as dicts keyed by the header; with ``normalise`` every cell is
    stripped and normalised like article text (so "Uỷ" in a table meets "Ủy" in an article)."""
    header, rows = read_rows(name, pad=pad)
    if normalise:
        return [{k: normalize(v.strip()) for k, v in zip(header, cells)} for cells in rows]
    return [dict(zip(header, cells)) for cells in rows]


# Upper-case Latin letters with every Vietnamese one (Latin-1 to Latin Extended-B, and Latin
# Extended Additional): the first letter of a capitalised word, in a regex character class.
UPPER = "".join(
    c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper() and not "\u0250" <= c < "\u1E00"
)


def alternation(words: Iterable[str], *, flexible_spaces: bool = False) -> str:
    r"""One regex alternation of ``words``, longest first, so that a longer phrase wins over its
    prefix ("Ban Chỉ huy" over "Ban"); with ``flexible_spaces`` a space matches a run of spaces.

    >>> alternation(["Ban", "Ban Chỉ huy", "Ban"])
    'Ban\\ Chỉ\\ huy|Ban'
    >>> bool(re.fullmatch(alternation(["Ban Chỉ huy"], flexible_spaces=True), "Ban  Chỉ huy"))
    True
    """
    escaped = (re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    if flexible_spaces:
        escaped = (w.replace("\\ ", r"\s++") for w in escaped)
    return "|".join(escaped)
