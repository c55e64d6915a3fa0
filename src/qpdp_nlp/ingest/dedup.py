"""Near-duplicates: syndicated copies of one story, found with MinHash over word shingles.

A provincial paper's report is often republished by the district portal, with a new headline,
a line added or a sentence trimmed. Such a copy would count its district's figures twice in a
comparison, so the later copy gets ``duplicate_of`` = the ``article_id`` of the earliest article
it copies (the one that entered the dataset first). Only originals are indexed, so a copy of a
copy points to the first too, when it is still similar enough to it.

Signatures are MinHash (:mod:`datasketch`) over shingles of :data:`SHINGLE` lower-cased
syllables, computed where the article is extracted (the batch workers). Candidates are found by
LSH banding (bands and rows from datasketch's own optimiser for :data:`THRESHOLD`) and confirmed
by the estimated Jaccard similarity. The index lives in the manifest's SQLite file rather than in
datasketch's in-memory ``MinHashLSH``: it then survives across runs and stays on disk however
large the archive grows.

>>> a = ("Sáng 12/2, huyện Ba Bể tổ chức lễ giao nhận quân năm 2024. "
...      "152 thanh niên lên đường nhập ngũ, đạt 100% chỉ tiêu.")
>>> b = "Huyện Ba Bể: " + a
>>> similarity(signature(a), signature(b)) > THRESHOLD
True
>>> other = "Huyện Chợ Đồn tổng kết công tác quốc phòng năm 2023."
>>> similarity(signature(a), signature(other)) < 0.2
True
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from functools import lru_cache
from typing import Any

import numpy as np

NUM_PERM = 128
SHINGLE = 5  # syllables: about two Vietnamese words, long enough to skip stock phrases
THRESHOLD = 0.7  # estimated Jaccard of shingle sets at which a later article is a copy
SEED = 7
_PER_BAND = 32

_SYLLABLE = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _template() -> Any:  # a datasketch MinHash (datasketch ships no type information)
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED)


@lru_cache(maxsize=1)
def bands() -> tuple[int, int]:
    """(bands, rows per band) that datasketch finds best for :data:`THRESHOLD`."""
    from datasketch.lsh import _optimal_param

    b, r = _optimal_param(THRESHOLD, NUM_PERM, 0.5, 0.5)
    return int(b), int(r)


def shingles(text: str) -> set[bytes]:
    """Overlapping runs of :data:`SHINGLE` lower-cased syllables (the whole text when shorter)."""
    syllables = _SYLLABLE.findall(text.lower())
    if len(syllables) <= SHINGLE:
        return {" ".join(syllables).encode("utf-8")} if syllables else set()
    return {" ".join(syllables[i:i + SHINGLE]).encode("utf-8") for i in range(len(syllables) - SHINGLE + 1)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature of ``text``: :data:`NUM_PERM` unsigned 32-bit values."""
    from datasketch import MinHash

    template = _template()
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=template.permutations, scheme=template.scheme)
    parts = shingles(text)
    if parts:
        mh.update_batch(list(parts))
    values: np.ndarray = mh.hashvalues.astype(np.uint32)
    return values


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def _band_keys(sig: np.ndarray) -> list[tuple[int, int]]:
    b, r = bands()
    keys = []
    for band in range(b):
        digest = hashlib.blake2b(sig[band * r:(band + 1) * r].tobytes(), digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "big", signed=True)))
    return keys


class DuplicateIndex:
    """The LSH index in the manifest database (tables ``minhash`` and ``lsh``).

    ``seen`` orders articles: an article may only be a copy of one seen before it.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def find(self, sig: np.ndarray, seen: int) -> str | None:
        """The ``article_id`` this signature copies (the earliest original), or None."""
        candidates: set[int] = set()
        for band, key in _band_keys(sig):
            # the earliest few per band: the index holds originals only, so a long list means
            # stock phrasing shared by unrelated reports, not more copies
            for (other,) in self.db.execute("SELECT seen FROM lsh WHERE band=? AND key=? AND seen<? "
                                            "ORDER BY seen LIMIT ?", (band, key, seen, _PER_BAND)):
                candidates.add(other)
        for other in sorted(candidates):
            row = self.db.execute("SELECT article_id, signature FROM minhash WHERE seen=?",
                                  (other,)).fetchone()
            if row is not None and similarity(sig, np.frombuffer(row[1], dtype=np.uint32)) >= THRESHOLD:
                original: str = row[0]
                return original
        return None

    def add(self, article_id: str, sig: np.ndarray, seen: int) -> None:
        """Index an original (copies are not indexed: a later copy matches their original, and
        heavy syndication does not grow the index). Re-indexing keeps the article's place."""
        self.db.execute("INSERT OR REPLACE INTO minhash VALUES (?, ?, ?)",
                        (seen, article_id, sig.astype(np.uint32).tobytes()))
        self.db.execute("DELETE FROM lsh WHERE seen=?", (seen,))
        self.db.executemany("INSERT INTO lsh VALUES (?, ?, ?)",
                            [(band, key, seen) for band, key in _band_keys(sig)])

    def remove(self, seen: int) -> None:
        """An article that is now a copy leaves the index (after ``--force`` or a new version)."""
        self.db.execute("DELETE FROM minhash WHERE seen=?", (seen,))
        self.db.execute("DELETE FROM lsh WHERE seen=?", (seen,))
