"""The manifest of an output folder: what has been extracted, by which pipeline version, into
which part — the memory that makes runs incremental and crash-safe.

A SQLite file, ``OUT/manifest.sqlite``, with

``articles``  one row per article: ``article_id`` (hash of the normalised text), the
              ``pipeline_version`` that extracted it, the ``part`` that holds its rows, the run
              that wrote it, and ``seen``: the order in which articles first entered the dataset
              (what "earlier copy" means for near-duplicates)
``parts``     the committed parts; ``dirty`` marks a part holding rows of an article that a later
              part re-extracted (``--force`` or a new pipeline version): it is rewritten without them
``errors``    the input errors already written, by (source, code), so a rerun does not repeat them
``part_rows`` how many rows each table of a part holds (``tbl``, ``n``), so that recovery can tell a
              table's missing file that held rows (lost data) from one that held none. Parts
              recorded before it have no rows here: their ``articles`` and ``errors`` counts are the
              part's ``n_articles`` / ``n_errors``, the other tables' are unknown

A ``source`` is stored losslessly: as text, or as its bytes (a BLOB) when the file name is not
UTF-8 (:func:`qpdp_nlp.ingest.names.db_key`).
``minhash`` / ``lsh``  the near-duplicate index (:mod:`qpdp_nlp.ingest.dedup`)

The protocol (:mod:`qpdp_nlp.ingest.batch`): write a part's files under temporary names, rename them,
then record the part and its articles in one transaction. A run killed anywhere leaves either a
recorded part whose files are all in place, or files that no transaction recorded, which the next
run deletes (:meth:`Manifest.unrecorded_files`) before it starts. A recorded part's file that is
missing all the same (a table added after the part was written, a file deleted by hand) is found
by :meth:`Manifest.missing_files`; when its table held rows (or may have), the part's articles
are forgotten (:meth:`Manifest.forget_articles`), so that a rerun extracts them again.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from .names import db_key, from_db

MANIFEST_FILE = "manifest.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    pipeline_version TEXT NOT NULL,
    part TEXT NOT NULL,
    run TEXT NOT NULL,
    seen INTEGER NOT NULL,
    source TEXT,
    duplicate_of TEXT
);
CREATE INDEX IF NOT EXISTS articles_part ON articles(part);
CREATE INDEX IF NOT EXISTS articles_seen ON articles(seen);
CREATE TABLE IF NOT EXISTS parts (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    created REAL NOT NULL,
    n_articles INTEGER NOT NULL,
    n_errors INTEGER NOT NULL,
    dirty INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS errors (
    source TEXT NOT NULL,
    code TEXT NOT NULL,
    part TEXT NOT NULL,
    PRIMARY KEY (source, code)
);
CREATE INDEX IF NOT EXISTS errors_part ON errors(part);
CREATE TABLE IF NOT EXISTS part_rows (
    part TEXT NOT NULL,
    tbl TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (part, tbl)
);
CREATE TABLE IF NOT EXISTS minhash (
    seen INTEGER PRIMARY KEY, article_id TEXT NOT NULL, signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS lsh (band INTEGER NOT NULL, key INTEGER NOT NULL, seen INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_key ON lsh(band, key, seen);
CREATE INDEX IF NOT EXISTS lsh_seen ON lsh(seen);
"""


class Manifest:
    """One output folder's manifest. Not shared between processes: only the driver writes it.

    >>> import tempfile
    >>> m = Manifest(Path(tempfile.mkdtemp()) / "manifest.sqlite")
    >>> m.version_of("0123456789abcdef") is None
    True
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are opened and closed explicitly (begin/commit)
        self.db = sqlite3.connect(str(self.path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against a killed process (what the kill test checks); FULL would
        # add an fsync per commit for power loss.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.run_id = uuid.uuid4().hex[:12]

    def close(self) -> None:
        self.db.close()

    # -- transactions ---------------------------------------------------------------------------
    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    # -- settings ---------------------------------------------------------------------------------
    # (named so, not get/set: a method ``set`` would shadow the builtin in this class's annotations)
    def get_setting(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- articles ---------------------------------------------------------------------------------
    def version_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT pipeline_version FROM articles WHERE article_id=?",
                              (article_id,)).fetchone()
        return row[0] if row else None

    def entry(self, article_id: str) -> tuple[str, str, str, int] | None:
        """(pipeline_version, part, run, seen) of a committed article, or None."""
        row = self.db.execute("SELECT pipeline_version, part, run, seen FROM articles WHERE article_id=?",
                              (article_id,)).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3])

    def is_done(self, article_id: str, version: str, *, force: bool) -> bool:
        """Already extracted: by this version (without ``--force``), or in this very run."""
        row = self.db.execute("SELECT pipeline_version, run FROM articles WHERE article_id=?",
                              (article_id,)).fetchone()
        if row is None:
            return False
        return row[1] == self.run_id or (not force and row[0] == version)

    def next_seen(self) -> int:
        row = self.db.execute("SELECT max(seen) FROM articles").fetchone()
        return (row[0] or 0) + 1

    def record_article(self, article_id: str, version: str, part: str, seen: int, source: str | None,
                       duplicate_of: str | None) -> None:
        """Record (or re-record) an article in ``part``; the part that held it before becomes dirty."""
        old = self.db.execute("SELECT part FROM articles WHERE article_id=?", (article_id,)).fetchone()
        if old is not None and old[0] != part:
            self.db.execute("UPDATE parts SET dirty=1 WHERE name=?", (old[0],))
        self.db.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (article_id, version, part, self.run_id, seen,
                         None if source is None else db_key(source), duplicate_of))

    def articles_in(self, part: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM articles WHERE part=?", (part,))}

    def count_articles(self) -> int:
        count: int = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return count

    # -- errors -----------------------------------------------------------------------------------
    def error_is_new(self, source: str, code: str) -> bool:
        row = self.db.execute("SELECT 1 FROM errors WHERE source=? AND code=?",
                              (db_key(source), code)).fetchone()
        return row is None

    def record_error(self, source: str, code: str, part: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO errors VALUES (?, ?, ?)", (db_key(source), code, part))

    def forget_errors(self, source: str) -> None:
        """The input now reads well: its old error rows go (their parts are rewritten without them)."""
        key = db_key(source)
        parts = [r[0] for r in self.db.execute("SELECT DISTINCT part FROM errors WHERE source=?", (key,))]
        if parts:
            self.db.execute("DELETE FROM errors WHERE source=?", (key,))
            self.db.executemany("UPDATE parts SET dirty=1 WHERE name=?", [(p,) for p in parts])

    def errors_in(self, part: str) -> set[tuple[str, str]]:
        """(source, code) of the part's error rows, the source as the dataset stores it."""
        rows = self.db.execute("SELECT source, code FROM errors WHERE part=?", (part,))
        return {(from_db(r[0]), r[1]) for r in rows}

    # -- parts ------------------------------------------------------------------------------------
    def next_part_seq(self) -> int:
        row = self.db.execute("SELECT max(seq) FROM parts").fetchone()
        return (row[0] or 0) + 1

    def record_part(self, name: str, seq: int, n_articles: int, n_errors: int,
                    rows: Mapping[str, int] | None = None) -> None:
        """Record a part; ``rows``: the number of rows of each of its tables."""
        self.db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, 0)",
                        (name, seq, time.time(), n_articles, n_errors))
        self.db.execute("DELETE FROM part_rows WHERE part=?", (name,))
        if rows:
            self.db.executemany("INSERT INTO part_rows VALUES (?, ?, ?)",
                                [(name, table, n) for table, n in rows.items()])

    def rows_of(self, part: str) -> dict[str, int]:
        """The known row count of each table of ``part`` (a table not in it: unknown)."""
        rows: dict[str, int] = {}
        counts = self.db.execute("SELECT n_articles, n_errors FROM parts WHERE name=?", (part,)).fetchone()
        if counts is not None:
            rows["articles"], rows["errors"] = counts
        rows.update({r[0]: r[1] for r in self.db.execute("SELECT tbl, n FROM part_rows WHERE part=?", (part,))})
        return rows

    def set_rows(self, part: str, table: str, n: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO part_rows VALUES (?, ?, ?)", (part, table, n))

    def forget_articles(self, part: str) -> int:
        """Inside a transaction: the part's articles are no longer done (their pipeline version and
        run are cleared), so any run extracts them again, and the new rows replace the part's (the
        part becomes dirty then, as for any re-extracted article). Returns how many there are."""
        cursor = self.db.execute("UPDATE articles SET pipeline_version='', run='' WHERE part=? "
                                 "AND pipeline_version != ''", (part,))
        return cursor.rowcount

    def forget_part_errors(self, part: str) -> int:
        """Inside a transaction: the part's error rows are no longer written, so a rerun that reads
        the same bad inputs writes them again. Returns how many there were."""
        cursor = self.db.execute("DELETE FROM errors WHERE part=?", (part,))
        return cursor.rowcount

    def parts(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM parts ORDER BY seq")]

    def dirty_parts(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM parts WHERE dirty=1 ORDER BY seq")]

    def replace_part(self, old: str, new: str | None, seq: int, n_articles: int, n_errors: int,
                     rows: Mapping[str, int] | None = None) -> None:
        """Inside a transaction: ``new`` (or nothing, when no row is left) takes ``old``'s place."""
        self.db.execute("DELETE FROM parts WHERE name=?", (old,))
        self.db.execute("DELETE FROM part_rows WHERE part=?", (old,))
        if new is not None:
            self.record_part(new, seq, n_articles, n_errors, rows)
            self.db.execute("UPDATE articles SET part=? WHERE part=?", (new, old))
            self.db.execute("UPDATE errors SET part=? WHERE part=?", (new, old))

    def unrecorded_files(self, out_dir: Path, tables: Iterable[str], suffixes: Iterable[str]) -> list[Path]:
        """Files under ``OUT/<table>/`` that no committed part owns: temporary files and parts
        written by a run that was killed before it recorded them."""
        recorded = set(self.parts())
        stray = []
        for table in tables:
            folder = out_dir / table
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                stem = next((path.name[: -len(s)] for s in suffixes if path.name.endswith(s)), None)
                if stem is None or stem not in recorded:
                    stray.append(path)
        return stray

    def missing_files(self, out_dir: Path, tables: Iterable[str], suffix: str = ".parquet") -> list[tuple[str, str]]:
        """(part, table) of every committed part whose ``OUT/<table>/<part><suffix>`` is not there."""
        parts = self.parts()
        missing = []
        for table in tables:
            folder = out_dir / table
            present = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
            missing += [(part, table) for part in parts if part + suffix not in present]
        return missing
