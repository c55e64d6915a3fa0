"""Every data table loads: a header, then rows as wide as the header (a bad edit fails here)."""

from __future__ import annotations

from importlib.resources import files

import pytest

from qpdp_nlp.lexicons import read_rows, read_table

TABLES = sorted(p.name for p in files("qpdp_nlp").joinpath("data").iterdir() if p.name.endswith(".tsv"))


def test_there_are_tables():
    assert len(TABLES) >= 20


@pytest.mark.parametrize("name", TABLES)
def test_table_loads_with_a_note_and_a_header(name):
    text = files("qpdp_nlp").joinpath("data", name).read_text(encoding="utf-8")
    assert text.lstrip().startswith("#"), f"{name} has no note (source, licence) at the top"
    header, rows = read_rows(name, pad=True)
    assert header and all(h.strip() for h in header)
    assert rows, f"{name} has no rows"


def test_read_table_normalises_cells():
    rows = read_table("persons_ranks.tsv", normalise=True)
    assert rows[0]["rank"] == "Binh nhì"


def test_missing_table_is_an_error():
    with pytest.raises(FileNotFoundError):
        read_rows("no_such_table.tsv")
