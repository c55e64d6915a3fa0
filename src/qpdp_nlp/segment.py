"""Vietnamese word segmentation identical to ``underthesea.word_tokenize``, several times faster.

>>> word_tokenize("Thượng tá Nguyễn Quang Long, Chỉ huy trưởng Ban CHQS huyện")
['Thượng tá', 'Nguyễn Quang Long', ',', 'Chỉ huy', 'trưởng', 'Ban', 'CHQS', 'huyện']

underthesea segments words with a linear-chain CRF over syllables (labels B-W, I-W). Its model
directory, in the installed package, holds the CRFsuite weights (``models.bin``), the 43 feature
templates (``features.bin``) and the dictionary (``dictionary.bin``). For every syllable it builds
43 feature *strings* ("T[-1,0].lower=bác sĩ", ...) in Rust, looks each up in the model, sums the
weights per label and runs Viterbi. Building the strings is most of its cost. Here the same sum is
computed without any feature string, from the same files, read at run time:

1. **Pre-tokenizer.** underthesea's own regex (compiled from its module, checked by hash), applied
   to each whitespace-free *segment* of the line on its own instead of to the whole line. That is
   exactly the same token list (rule S below), it lets a plain word skip the regex (rule P), and it
   bounds the cost of pathological lines (rule L, the only place where the output may differ).
   By rule S the tokens of a segment followed by more text depend on the segment alone, so they
   are memoised per segment (the model's syllables at load): most segments cost one look-up.
2. **Features per template, memoised.** Every template reads one syllable (T[k]), a pair
   (T[k,k+1]) or a triple (T[k,k+2]). The weights of the model are regrouped by template into
   dicts ``value -> (w_B, w_I)``. The weights a syllable gets from each template at each offset
   -2..2 (a pair at -2..1, a triple at -2..0) make a row of cells, found by a dict (syllable, or
   tuple of syllables, -> first cell of its row). Every syllable, pair and triple the model has a
   raw or lower-cased weight for has its row built at load. Any other key's weights depend only
   on its lower-cased value and its flags (isdigit, istitle, is_in_dict), and the rows of every
   such combination are built at load too (vectorised, 21 MB in all): a new key costs a few
   string look-ups and no NumPy work, so a process's first article is nearly as fast as the
   next ones. The row of each new key is memoised up to a cap. A sentence is then three dict
   look-ups per syllable and one NumPy gather of its 43 x n weights. BOS/EOS are rows of their
   own (value "BOS"/"EOS", the same rules as underthesea_core: a window starting before the
   sentence is BOS, one reaching past its end EOS).
3. **Scores in underthesea_core's order.** The 43 weights of a syllable are added one by one in
   template order (``np.cumsum``, strictly sequential): floating-point addition is not
   associative, and exact ties between two paths occur (two unknown tokens in a row, e.g. an
   emoji and its skin tone), which the last bit decides. A cell holds (w_B, w_I) as one complex
   number, whose addition adds the two parts on their own: exactly the two float sums. Then
   Viterbi over two labels with the model's 2x2 transitions, ties to the lower label (B-W).

The attribute functions are those of underthesea_core (Rust), measured on every code point:
``lower`` is Unicode lower case; ``isdigit`` is "parses as a 32-bit signed integer" ("+5" yes,
"²" and "2147483648" no); ``istitle`` is "every space-separated part starts with a character
equal to its own upper case" (so "12" is title); ``is_in_dict`` is "the lower-cased text is in
the dictionary". Python's Unicode tables (3.11) and Rust's differ on 110 newer code points, so a
token with a character outside the ranges checked by the tests (Latin, combining marks,
Vietnamese, punctuation and symbols) gets its three attribute values from underthesea_core
itself, once (memoised).

Pre-tokenizer rules (underthesea's pattern, compiled with VERBOSE: only the unescaped "." of its
"Th.S"/"Th.s" abbreviations can match a whitespace character, no alternative can start on
whitespace, and the lookarounds see one character at most: ``\\b``, ``(?<!@)``, ``(?!@)``,
``(?=\\s)``, ``$``):

- **S (split).** Tokenising each whitespace-free segment as its own string, followed by one space
  (or by the text's final character when the segment is followed by the last character of the
  text), gives the same tokens as the whole line: no token spans whitespace except "Th S", so two
  segments separated by one non-newline whitespace character are kept together when the first
  ends with "Th" and the second starts with "S" or "s"; the start of a string looks like a
  preceding whitespace to ``\\b`` and ``(?<!@)``; and ``$`` behaves the same one character on.
- **P (plain word).** A segment that is letters only (``str.isalpha``), has no "ʺ" (a letter that
  the punct rule takes first) and does not start "Th?S"/"Th?s" is one ``\\w+`` token: every
  earlier alternative of the pattern needs a digit, a mark, "&", "'", "-", ":", "@", "/" or ".".
  So is a one-character segment, and an ASCII number (every rule that could take more needs a
  letter, "x", "-", "/", ":", ".", "," or "_" after the digits). **P'**: such a word or number
  followed by one of ``, ; : . ) ! ? %`` is those two tokens, except a word that an abbreviation
  rule takes with its dot ("UBND.", "Tp.", "ThS."): no rule reads past that last character
  (a URL scheme needs "/" or a letter after ":", a domain letters after ".").
- **L (long or explosive segments).** underthesea's regex is quadratic in the length of a
  whitespace-free run ("a.a." x 12,500: 57 s) and exponential after a URL prefix followed by
  characters a URL may contain but not end with ("http://a" + "!" x 24: 12 s, doubling with each
  "!"). A segment longer than ``MAX_SEGMENT`` characters is cut into pieces of at most
  ``PIECE`` characters (after punctuation where possible), and a segment with ":" or "/" is cut
  around each run of ``EXPLOSIVE_RUN`` or more such characters. Only there can the tokens differ
  from underthesea's (which would take minutes); offsets stay exact, since every token is a
  slice of the text. No sentence of the corpora comes near either limit (the longest run is a
  122-character URL).

A call with ``fixed_words`` is handed to underthesea. (underthesea then keeps that call's regex
in a module global, so its later calls without ``fixed_words`` still keep those words whole;
this module's do not. The project never passes ``fixed_words``.)

``QPDP_SEGMENTER=underthesea`` in the environment forces underthesea itself (to compare scores).
When the model files or the regex are not the ones described here, underthesea is used too, with
one warning.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import struct
import threading
import warnings
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, cast

import numpy as np

__all__ = ["word_tokenize", "word_spans", "memo_stats", "clear_memo", "MAX_SEGMENT", "PIECE", "EXPLOSIVE_RUN"]

# --- what this module knows ------------------------------------------------------------------

MODEL_DIR = ("pipeline", "word_tokenize", "models", "ws_crf_vlsp2013_20230727")
KNOWN_TEMPLATES = (
    "T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]",
    "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]", "T[-2,0]", "T[-1,1]", "T[0,2]",
    "T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower",
    "T[-2,-1].lower", "T[-1,0].lower", "T[0,1].lower", "T[1,2].lower",
    "T[-1].isdigit", "T[0].isdigit", "T[1].isdigit",
    "T[-2].istitle", "T[-1].istitle", "T[0].istitle", "T[1].istitle", "T[2].istitle",
    "T[0,1].istitle", "T[0,2].istitle",
    "T[-2].is_in_dict", "T[-1].is_in_dict", "T[0].is_in_dict", "T[1].is_in_dict", "T[2].is_in_dict",
    "T[-2,-1].is_in_dict", "T[-1,0].is_in_dict", "T[0,1].is_in_dict", "T[1,2].is_in_dict",
    "T[-2,0].is_in_dict", "T[-1,1].is_in_dict", "T[0,2].is_in_dict",
)
KNOWN_LABELS = ("B-W", "I-W")
# sha256 of underthesea 9.5's regex_tokenize.regex_patterns_combine: rules S and P were derived
# from that pattern; another pattern means underthesea itself is used.
KNOWN_PATTERN_SHA256 = "ed7f6df4bba1133b1fd2baf02d612b7ef6912f0460f7a8166bd6b4aa8f072d25"
# The underthesea_core versions whose featurizer was measured (see the module docstring).
KNOWN_CORE_VERSIONS = ("3.3.2",)

# Rule L. At 256 characters the regex takes ~1.5 ms on the worst run measured ("a.a."), 0.3 ms
# at 64; real text never has a whitespace-free run that long (longest URL in the corpora: 122).
MAX_SEGMENT = 256
PIECE = 64
EXPLOSIVE_RUN = 8

# Memo tables: key -> row (its first cell) of the keys the model does not know, kept between
# sentences; past its cap a memo is emptied and starts again. The rows themselves are bounded by the model
# (bench/segment.py gives the size and memory after 100,000 articles).
TOKEN_CAP = 1 << 15
PAIR_CAP = 1 << 16
TRIPLE_CAP = 1 << 16
# Segments (whitespace-free runs) whose tokens are memoised: at most SEGMENT_CAP, of at most
# SEGMENT_KEY characters (longer ones are rare: URLs, long numbers).
SEGMENT_CAP = 1 << 15
SEGMENT_KEY = 32

_ENV = "QPDP_SEGMENTER"

# --- the pre-tokenizer (rules S, P, L) ---------------------------------------------------------

# A whitespace-free run; a run ending in "Th" swallows one non-newline whitespace character and
# the next run when that starts with S/s ("Th S" is one of underthesea's tokens).
_SEGMENT = re.compile(r"\S+(?:(?<=Th)[^\S\n](?=[Ss])\S+)*")
# Characters a URL body may hold but not end with (underthesea's url rule): long runs of them
# after a URL prefix make its backtracking explode.
_EXPLOSIVE = re.compile("[`!;:'\".,?«»“”‘’]{" + str(EXPLOSIVE_RUN) + ",}")


# Rule P': a plain word or ASCII number followed by one of these is two tokens, except a word
# that underthesea's abbreviation rules take with its dot ("UBND.", "Tp.", "ThS.").
_TRAILING = frozenset(",;:.)!?%")
_DOT_ABBREVIATIONS = frozenset({"Tp", "Mr", "Mrs", "Ms", "Dr", "ThS"})
_CAPS = re.compile(r"[A-ZĐ]+\Z")


def _plain(segment: str) -> bool:
    """Rule P: one ``\\w+`` token whatever the rest of the pattern says."""
    return (segment.isalpha() and "ʺ" not in segment
            and not (segment.startswith("Th") and len(segment) > 3 and segment[3] in "Ss"))


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Rule L: pieces of a segment that the regex can take in bounded time."""
    seg = text[start:end]
    bounds: list[tuple[int, int]] = []
    if ":" in seg or "/" in seg:
        pos = 0
        for m in _EXPLOSIVE.finditer(seg):
            if m.start() > pos:
                bounds.append((pos, m.start()))
            bounds.append(m.span())
            pos = m.end()
        if pos < len(seg):
            bounds.append((pos, len(seg)))
    else:
        bounds.append((0, len(seg)))
    pieces: list[tuple[int, int]] = []
    for a, b in bounds:
        while b - a > MAX_SEGMENT:
            stop = a + PIECE
            # Prefer to cut after a non-word character in the second half of the piece.
            for k in range(stop - 1, a + PIECE // 2, -1):
                if not seg[k].isalnum():
                    stop = k + 1
                    break
            pieces.append((start + a, start + stop))
            a = stop
        pieces.append((start + a, start + b))
    return pieces


def _risky(text: str, start: int, end: int) -> bool:
    if end - start > MAX_SEGMENT:
        return True
    seg = text[start:end]
    return (":" in seg or "/" in seg) and _EXPLOSIVE.search(seg) is not None


def _segment_spans(pattern: re.Pattern[str], seg: str, tail: str) -> list[tuple[int, int]]:
    """Spans, in ``seg`` (a whitespace-free segment of a character-normalised text), of
    underthesea's regex tokens. ``tail``: what follows the segment for the regex, "" at the end of
    the text, the text's last character when only that follows (it decides ``$``), else " "."""
    n = len(seg)
    if n <= MAX_SEGMENT:
        if n == 1 or _plain(seg) or (seg.isdigit() and seg.isascii()):
            return [(0, n)]
        if seg[-1] in _TRAILING:
            word = seg[:-1]
            if (word.isdigit() and word.isascii()) or (
                    _plain(word) and not (seg[-1] == "." and (word in _DOT_ABBREVIATIONS or _CAPS.match(word)))):
                return [(0, n - 1), (n - 1, n)]
    spans: list[tuple[int, int]] = []
    for a, b in _cut(seg, 0, n) if _risky(seg, 0, n) else [(0, n)]:
        piece = seg[a:b] + (tail if b == n else " ")
        for m in pattern.finditer(piece):
            s, e = m.span()
            if s < b - a:
                spans.append((a + s, a + min(e, b - a)))
    return spans


# --- the model -----------------------------------------------------------------------------------

class ModelMismatch(Exception):
    """The installed model files are not the ones this module knows."""


def _read_cqdb(buf: bytes, off: int) -> list[str]:
    """Strings of a CRFsuite CQDB chunk, by id (from its backward array)."""
    cid, _size, _flag, _order, bwd_size, bwd_off = struct.unpack_from("<4sIIIII", buf, off)
    if cid != b"CQDB":
        raise ModelMismatch("CQDB chunk expected")
    out: list[str | None] = [None] * bwd_size
    for rec in np.frombuffer(buf, "<u4", bwd_size, off + bwd_off).tolist():
        if rec:
            rid, ksize = struct.unpack_from("<iI", buf, off + rec)
            out[rid] = buf[off + rec + 8: off + rec + 7 + ksize].decode("utf-8")
    if any(s is None for s in out):
        raise ModelMismatch("CQDB with holes")
    return out  # type: ignore[return-value]


def read_crfsuite(path: Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Labels, attributes, state weights (attributes x labels) and transitions of a CRFsuite
    first-order model file (format "lCRF"/"FOMC" version 100)."""
    buf = path.read_bytes()
    try:
        return _parse_crfsuite(buf)
    except (struct.error, UnicodeDecodeError, IndexError, ValueError) as exc:
        raise ModelMismatch(f"unreadable CRFsuite model: {exc}") from exc


def _parse_crfsuite(buf: bytes) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    if len(buf) < 48:
        raise ModelMismatch("not a CRFsuite model: too short")
    (magic, size, kind, version, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs,
     _off_lrefs, _off_arefs) = struct.unpack_from("<4sI4sIIIIIIIII", buf, 0)
    if magic != b"lCRF" or kind != b"FOMC" or version != 100 or size != len(buf):
        raise ModelMismatch(f"not a CRFsuite FOMC v100 model: {magic!r} {kind!r} {version}")
    labels = _read_cqdb(buf, off_labels)
    attrs = _read_cqdb(buf, off_attrs)
    if len(labels) != n_labels or len(attrs) != n_attrs:
        raise ModelMismatch("label or attribute count does not match the header")
    cid, _csize, num = struct.unpack_from("<4sII", buf, off_feat)
    if cid != b"FEAT":
        raise ModelMismatch("FEAT chunk expected")
    feats = np.frombuffer(buf, np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")]),
                          num, off_feat + 12)
    state = np.zeros((n_attrs, n_labels))
    trans = np.zeros((n_labels, n_labels))
    is_state = feats["type"] == 0
    is_trans = feats["type"] == 1
    if not (is_state | is_trans).all():
        raise ModelMismatch("unknown feature type")
    np.add.at(state, (feats["src"][is_state], feats["dst"][is_state]), feats["w"][is_state])
    np.add.at(trans, (feats["src"][is_trans], feats["dst"][is_trans]), feats["w"][is_trans])
    return labels, attrs, state, trans


class _PlainUnpickler(pickle.Unpickler):
    """Lists and sets of strings only: nothing in these files may name another class."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in ("list", "set", "frozenset"):
            return super().find_class(module, name)
        raise ModelMismatch(f"unexpected object in a model file: {module}.{name}")


def _read_pickle(path: Path) -> Any:
    """A joblib file of plain Python containers (what underthesea writes), read with the C
    unpickler: joblib.load would use the pure-Python one (1 s here)."""
    import io

    try:
        return _PlainUnpickler(io.BytesIO(path.read_bytes())).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
        raise ModelMismatch(f"{path.name} is not a plain pickle: {exc}") from exc


def _model_path() -> Path:
    from importlib.resources import files

    folder = files("underthesea")
    for part in MODEL_DIR:  # Traversable.joinpath takes one part at a time on Python 3.10
        folder = folder.joinpath(part)
    return Path(str(folder))


def _i32(s: str) -> bool:
    """Rust's ``s.parse::<i32>().is_ok()``."""
    body = s[1:] if s[:1] in "+-" else s
    if not body or not body.isascii() or not body.isdigit():
        return False
    return -(1 << 31) <= int(s) <= (1 << 31) - 1


# Code points whose lower case and upper case Python and underthesea_core agree on (tested on
# every one of them in tests/test_segment.py); ƛ and ɤ got an upper case in Unicode 16 only.
_PLAIN_CHARS = re.compile(r"[\x00-\u019a\u019c-\u0263\u0265-\u036f\u1e00-\u1eff\u2000-\u2bff]*\Z")


@dataclass
class _Table:
    """Rows of weights, and the memo: key -> row.

    A row holds, for each window offset and each kind of template reading that window (raw,
    lower, isdigit, istitle, is_in_dict), the weights (w_B, w_I) that template gives a key. A
    key the model has no raw weight for gets the weights of its lower-cased value and of its
    flags only, so such keys share the row of their (lower value, flags): those rows are built
    at load for every lower value of the model. A key's own row exists only for the keys the
    model has a raw weight for (built at load too, except the rare key whose raw value holds a
    space, "Th S"). The rows are thus bounded by the model; only the memo grows, up to ``cap``
    keys beyond the ones known at load (``kept``), and is then emptied. One dict (``ids``)
    holds both, so that a sentence's keys are looked up by ``map`` (no Python loop).
    """

    offsets: int
    kinds: int
    cap: int

    def __post_init__(self) -> None:
        # Keys map to the index, in the segmenter's ``cells``, of their row's first cell.
        self.kept: dict[Any, int] = {}  # the keys of the model, never dropped
        self.ids: dict[Any, int] = {}  # the kept keys and the memoised ones
        self.extra: dict[tuple[int, int, int], int] = {}  # (raw, lower, flags) -> cell, built lazily
        self.cpr = self.offsets * self.kinds  # cells per row
        self.base = 0  # cell of row 0 (BOS); row 1 is EOS
        self.shared = 0  # cell of row 2, the first shared row
        self.lowered = 0  # cell such that lowered + (lower * V + variant) * cpr is a shared row

    def reserve(self, extra: int) -> None:
        """Empty the memo when ``extra`` new keys could take it past its cap."""
        if len(self.ids) - len(self.kept) + extra > self.cap:
            self.clear()

    def shrink(self) -> None:
        # A giant sentence may have taken the memo past its cap: give that memory back.
        if len(self.ids) - len(self.kept) > self.cap:
            self.clear()

    def clear(self) -> None:
        self.ids = dict(self.kept)

    def nbytes(self) -> int:
        import sys

        size = sys.getsizeof(self.kept) + sys.getsizeof(self.ids)
        for key in self.ids:
            if isinstance(key, tuple):
                size += sys.getsizeof(key) + sum(sys.getsizeof(s) for s in key)
            else:
                size += sys.getsizeof(key)
        return size


# Kinds of template, in the order of a row's second axis.
_UNI_KINDS = ("", ".lower", ".isdigit", ".istitle", ".is_in_dict")
_GRAM_KINDS = ("", ".lower", ".istitle", ".is_in_dict")
_UNI_OFFSETS = (-2, -1, 0, 1, 2)
_PAIR_OFFSETS = (-2, -1, 0, 1)
_TRIPLE_OFFSETS = (-2, -1, 0)


def _template_slot(template: str) -> tuple[str, int, int]:
    """(table, offset index, kind index) of a template: "T[-1,0].lower" -> ("pair", 1, 1)."""
    window, _, kind = template.partition("]")
    ends = [int(x) for x in window[2:].split(",")]
    if len(ends) == 1:
        return "uni", _UNI_OFFSETS.index(ends[0]), _UNI_KINDS.index(kind)
    if ends[1] - ends[0] == 1:
        return "pair", _PAIR_OFFSETS.index(ends[0]), _GRAM_KINDS.index(kind)
    return "triple", _TRIPLE_OFFSETS.index(ends[0]), _GRAM_KINDS.index(kind)


class _Segmenter:
    """underthesea's CRF word segmenter, evaluated per template with memo tables."""

    def __init__(self, model_dir: Path) -> None:
        import underthesea_core
        from underthesea.pipeline.text_normalize import token_normalize
        from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
        from underthesea.pipeline.word_tokenize import regex_tokenize

        version = getattr(underthesea_core, "__version__", None) or _dist_version("underthesea_core")
        if version not in KNOWN_CORE_VERSIONS:
            raise ModelMismatch(f"underthesea_core {version} (known: {', '.join(KNOWN_CORE_VERSIONS)})")
        combined = regex_tokenize.regex_patterns_combine
        if hashlib.sha256(combined.encode()).hexdigest() != KNOWN_PATTERN_SHA256:
            raise ModelMismatch("underthesea's pre-tokenizer regex changed")
        self.pattern = re.compile(combined, re.VERBOSE | re.UNICODE)
        self.char_normalize = normalize_characters_in_text
        self.token_normalize = token_normalize

        templates = _read_pickle(model_dir / "features.bin")
        if tuple(templates) != KNOWN_TEMPLATES:
            raise ModelMismatch("feature templates changed")
        dictionary = _read_pickle(model_dir / "dictionary.bin")
        if not isinstance(dictionary, set):
            raise ModelMismatch("dictionary is not a set of lower-case words")
        # one lower() for 72,000 words: lower() maps each character on its own, except a capital
        # sigma, which is not lower case either way
        words = "\n".join(w for w in dictionary if isinstance(w, str))
        if words != words.lower():
            raise ModelMismatch("dictionary is not a set of lower-case words")
        self.dictionary = frozenset(dictionary)
        labels, attrs, state, trans = read_crfsuite(model_dir / "models.bin")
        if tuple(labels) != KNOWN_LABELS:
            raise ModelMismatch(f"labels {labels}")
        known = set(KNOWN_TEMPLATES)
        self.weights: dict[str, dict[str, tuple[float, float]]] = {t: {} for t in KNOWN_TEMPLATES}
        for attr, (w_b, w_i) in zip(attrs, state.tolist()):
            template, sep, value = attr.partition("=")
            if not sep or template not in known:
                raise ModelMismatch(f"attribute of an unknown template: {attr!r}")
            self.weights[template][value] = (w_b, w_i)
        self.trans = trans.tolist()
        self._oracle = underthesea_core.CRFFeaturizer(["T[0].lower", "T[0].isdigit", "T[0].istitle"], set())

        self.tokens = _Table(len(_UNI_OFFSETS), len(_UNI_KINDS), TOKEN_CAP)
        self.pairs = _Table(len(_PAIR_OFFSETS), len(_GRAM_KINDS), PAIR_CAP)
        self.triples = _Table(len(_TRIPLE_OFFSETS), len(_GRAM_KINDS), TRIPLE_CAP)
        self.attrs: dict[str, tuple[str, bool, bool]] = {}  # token -> (lower, isdigit, istitle)
        self.attrs_kept: dict[str, tuple[str, bool, bool]] = {}
        self.normalized: dict[str, str] = {}  # token -> underthesea's token_normalize(token)
        # segment -> its tokens, and their spans in the segment, when followed by " " (rule S):
        # the syllables of the model at load (``*_kept``), the others memoised up to
        # SEGMENT_CAP; a segment that ends the text, by (segment, what follows it: "" or the
        # text's last character)
        self.segment_tokens_kept: dict[Any, tuple[str, ...]] = {}
        self.segment_spans_kept: dict[Any, tuple[tuple[int, int], ...]] = {}
        self.segment_tokens: dict[Any, tuple[str, ...]] = {}
        self.segment_spans: dict[Any, tuple[tuple[int, int], ...]] = {}
        self.lock = threading.Lock()
        self._prepare()
        self._load_rows()

    # --- rows: the weights of a token, a pair or a triple, per offset and kind ---------------------
    #
    # Templates whose value is a boolean (isdigit, istitle, is_in_dict) are looked up in advance
    # for each combination of flags ("base" rows); only the raw and lower-cased values are looked
    # up per new key. BOS and EOS rows give every template the value "BOS" or "EOS".

    def _prepare(self) -> None:
        w = self.weights
        shapes = {"uni": (_UNI_OFFSETS, _UNI_KINDS), "pair": (_PAIR_OFFSETS, _GRAM_KINDS),
                  "triple": (_TRIPLE_OFFSETS, _GRAM_KINDS)}
        slots = {t: _template_slot(t) for t in KNOWN_TEMPLATES}

        def templates_of(table: str, kind: str) -> list[tuple[int, str]]:
            k_index = shapes[table][1].index(kind)
            return [(off, t) for t, (tab, off, kd) in slots.items() if tab == table and kd == k_index]

        def base(table: str, flag_values: list[dict[str, bool]]) -> np.ndarray:
            offsets, kinds = shapes[table]
            out = np.zeros((len(flag_values), len(offsets), len(kinds), 2))
            for f, values in enumerate(flag_values):
                for kind, value in values.items():
                    if kind in kinds:
                        for off, t in templates_of(table, kind):
                            out[f, off, kinds.index(kind)] = w[t].get(str(value), (0.0, 0.0))
            return out

        def edge(table: str, value: str) -> np.ndarray:
            offsets, kinds = shapes[table]
            out = np.zeros((len(offsets), len(kinds), 2))
            for t, (tab, off, kd) in slots.items():
                if tab == table:
                    out[off, kd] = w[t].get(value, (0.0, 0.0))
            return out

        def value_rows(table: str, kind: str) -> tuple[dict[str, int], np.ndarray]:
            """value -> row of a matrix holding its weights for every template of that kind."""
            offsets, kinds = shapes[table]
            index: dict[str, int] = {}
            found = templates_of(table, kind)
            for _, t in found:
                for value in w[t]:
                    index.setdefault(value, len(index) + 1)
            matrix = np.zeros((len(index) + 1, len(offsets), len(kinds), 2))
            for off, t in found:
                if w[t]:
                    matrix[[index[value] for value in w[t]], off, kinds.index(kind)] = list(w[t].values())
            return index, matrix

        # flags index: isdigit * 4 + istitle * 2 + is_in_dict (tokens); istitle * 2 + is_in_dict (n-grams)
        tok_flags = [{".isdigit": bool(f & 4), ".istitle": bool(f & 2), ".is_in_dict": bool(f & 1)}
                     for f in range(8)]
        gram_flags = [{".istitle": bool(f & 2), ".is_in_dict": bool(f & 1)} for f in range(4)]
        self.uni_base = base("uni", tok_flags)
        self.pair_base = base("pair", gram_flags)
        self.triple_base = base("triple", gram_flags)
        self.uni_raw = value_rows("uni", "")
        self.uni_lower = value_rows("uni", ".lower")
        self.pair_raw = value_rows("pair", "")
        self.pair_lower = value_rows("pair", ".lower")
        self.triple_raw = value_rows("triple", "")
        self.triple_lower = value_rows("triple", ".lower")
        self.edge_rows = {name: (edge(name, "BOS"), edge(name, "EOS")) for name in shapes}
        self._gram_model = {2: (self.pair_base, self.pair_raw, self.pair_lower),
                            3: (self.triple_base, self.triple_raw, self.triple_lower)}

        # For each template, in template order: its table (0 uni, 1 pair, 2 triple), the position
        # of its window in that table's padded row of ids (offset + 2), and its cell in a row.
        tables = ("uni", "pair", "triple")
        self.template_table = np.array([tables.index(slots[t][0]) for t in KNOWN_TEMPLATES])
        self.template_offset = np.array([slots[t][1] for t in KNOWN_TEMPLATES])
        self.template_cell = np.array([off * len(shapes[tab][1]) + kd for tab, off, kd in
                                       (slots[t] for t in KNOWN_TEMPLATES)])
        self.positions: dict[int, np.ndarray] = {}

    def _load_rows(self) -> None:
        """The rows of every table, in one array of (w_B, w_I) cells (a sentence's 43 x n weights
        are then one gather). Each table: BOS, EOS, then the shared rows, then the rows of every
        syllable, pair and triple the model has a raw or lower-cased weight for (the kept keys:
        a first article finds most of its keys).

        Shared rows: the F combinations of flags for a key whose lower-cased value the model does
        not know (row 2 + flags), then for each lower-cased value it knows (ids 1, 2, ...) the V
        = F / 2 variants of the other flags: is_in_dict is that value's own (row 2 + F + (lower
        - 1) * V + (flags >> 1))."""
        tokens = sorted({*self.uni_raw[0], *self.uni_lower[0]})
        pairs, triples = (sorted({tuple(parts) for parts in (v.split(" ") for v in values)
                                  if len(parts) == size and all(parts)})
                          for size, values in ((2, {*self.pair_raw[0], *self.pair_lower[0]}),
                                               (3, self.triple_raw[0])))
        parts: list[tuple[_Table, str, np.ndarray, tuple[dict[str, int], np.ndarray], list[Any], np.ndarray]] = [
            (self.tokens, "uni", self.uni_base, self.uni_lower, tokens, self._token_rows(tokens)),
            (self.pairs, "pair", self.pair_base, self.pair_lower, pairs, self._gram_rows(2, pairs)),
            (self.triples, "triple", self.triple_base, self.triple_lower, triples, self._gram_rows(3, triples))]
        sizes = [2 + len(flags) + len(lower_index) * len(flags) // 2 + len(keys)
                 for _, _, flags, (lower_index, _), keys, _ in parts]
        cells = np.empty((sum(size * table.cpr for size, (table, *_) in zip(sizes, parts)), 2))
        start = 0
        for size, (table, name, flags, (lower_index, lower), keys, rows) in zip(sizes, parts):
            region = cells[start: start + size * table.cpr].reshape(size, table.offsets, table.kinds, 2)
            region[0], region[1] = self.edge_rows[name]
            # The parts of a row fill different slots (the others are 0.0): the sums are exact.
            region[2: 2 + len(flags)] = lower[0] + flags
            variants = len(flags) // 2
            values = list(lower_index)  # in the order of their ids, 1, 2, ...
            in_dict = np.array([v in self.dictionary for v in values], dtype=int)
            which = (np.arange(variants) * 2)[None, :] + in_dict[:, None]  # flags of each variant
            known = region[2 + len(flags): 2 + len(flags) + len(values) * variants]
            np.add(lower[1:, None], flags[which], out=known.reshape(len(values), variants, *flags.shape[1:]))
            region[2 + len(flags) + len(values) * variants:] = rows
            table.base = start
            table.shared = start + 2 * table.cpr
            table.lowered = start + (2 + len(flags) - variants) * table.cpr
            first = start + (size - len(keys)) * table.cpr
            table.kept = {key: first + i * table.cpr for i, key in enumerate(keys)}
            table.clear()
            start += size * table.cpr
        # (w_B, w_I) as one complex number: a gather moves one item per weight, and complex
        # addition adds the real and imaginary parts on their own, exactly as two float sums.
        self.cells = cells.view(np.complex128).ravel()
        self.attrs_kept = dict(self.attrs)
        for tok in tokens:
            if len(tok) == 1 or _plain(tok) or (tok.isdigit() and tok.isascii()):
                self.segment_tokens_kept[tok] = (tok,)
                self.segment_spans_kept[tok] = ((0, len(tok)),)
        self._clear_segments()

    # --- attribute values of one token -------------------------------------------------------

    def _attrs(self, tok: str) -> tuple[str, bool, bool]:
        """(lower, isdigit, istitle) as underthesea_core computes them."""
        got = self.attrs.get(tok)
        if got is not None:
            return got
        if _PLAIN_CHARS.match(tok):
            if " " in tok:
                istitle = all(part[:1].upper() == part[:1] for part in tok.split(" "))
            else:
                istitle = tok[:1].upper() == tok[:1]
            isdigit = (tok.isdigit() and tok.isascii() and (len(tok) < 10 or int(tok) < 1 << 31)) or (
                tok[:1] in "+-" and _i32(tok))
            got = (tok.lower(), isdigit, istitle)
        else:
            lower, isdigit, istitle = (v.partition("=")[2] for v in self._oracle.process([[[tok]]])[0][0])
            got = (lower, isdigit == "True", istitle == "True")
        if len(self.attrs) >= 2 * TOKEN_CAP:
            self.attrs = dict(self.attrs_kept)
        self.attrs[tok] = got
        return got

    def _token_rows(self, keys: list[str]) -> np.ndarray:
        values = [self._attrs(key) for key in keys]
        flags = [a[1] * 4 + a[2] * 2 + (a[0] in self.dictionary) for a in values]
        raw_index, raw = self.uni_raw
        lower_index, lower = self.uni_lower
        # The three parts fill different slots (the others are 0.0): the sum is exact.
        rows: np.ndarray = (self.uni_base[flags] + raw[[raw_index.get(k, 0) for k in keys]]
                            + lower[[lower_index.get(a[0], 0) for a in values]])
        return rows

    def _gram_rows(self, size: int, keys: list[tuple[str, ...]]) -> np.ndarray:
        base, (raw_index, raw), (lower_index, lower) = self._gram_model[size]
        attrs = self._attrs
        values = [[attrs(t) for t in key] for key in keys]
        lows = [" ".join([a[0] for a in v]) for v in values]
        flags = [all([a[2] for a in v]) * 2 + (low in self.dictionary) for v, low in zip(values, lows)]
        # The three parts fill different slots (the others are 0.0): the sum is exact.
        rows: np.ndarray = (base[flags] + raw[[raw_index.get(" ".join(key), 0) for key in keys]]
                            + lower[[lower_index.get(low, 0) for low in lows]])
        return rows

    def _gram_code(self, size: int, key: tuple[str, ...]) -> tuple[int, int, int]:
        """(raw value, lower-cased value, flags) of a pair or triple: indices into the model."""
        _, (raw_index, _), (lower_index, _) = self._gram_model[size]
        attrs = [self._attrs(t) for t in key]
        low = " ".join(a[0] for a in attrs)
        flags = all(a[2] for a in attrs) * 2 + (low in self.dictionary)
        return raw_index.get(" ".join(key), 0), lower_index.get(low, 0), flags

    # --- one sentence -------------------------------------------------------------------------

    def _new_tokens(self, toks: list[str], found: list[int | None]) -> None:
        """Fill the row ids of the tokens that are neither known nor memoised."""
        memo = self.tokens.ids
        shared, lowered, cpr = self.tokens.shared, self.tokens.lowered, self.tokens.cpr
        raw_index = self.uni_raw[0]
        lower_index = self.uni_lower[0]
        dictionary = self.dictionary
        for j in [j for j, got in enumerate(found) if got is None]:
            tok = toks[j]
            if tok in raw_index:  # never: every such token is kept
                got = self._add_extra(self.tokens, tok)
            else:
                low, isdigit, istitle = self._attrs(tok)
                lower = lower_index.get(low)
                if lower:
                    got = lowered + (lower * 4 + isdigit * 2 + istitle) * cpr
                else:
                    got = shared + (isdigit * 4 + istitle * 2 + (low in dictionary)) * cpr
            memo[tok] = found[j] = got

    def _new_grams(self, toks: list[str], pair: list[int | None], tri: list[int | None]) -> None:
        """Fill the row ids of the pairs and triples that are neither known nor memoised."""
        cache = self.attrs
        attrs = [cache.get(t) or self._attrs(t) for t in toks]
        lows = [a[0] for a in attrs]
        spaced_lows = [a[0] + " " for a in attrs]
        titles = [a[2] for a in attrs]
        dictionary = self.dictionary
        # A key whose raw value the model knows is kept, unless a token holds a space ("Th S"):
        # then the key is not that value split at its spaces, and gets a row of its own.
        spaced = " " in "".join(toks)
        if None in pair:
            memo = self.pairs.ids
            shared, lowered, cpr = self.pairs.shared, self.pairs.lowered, self.pairs.cpr
            lower_index = self.pair_lower[0]
            for j in [j for j, got in enumerate(pair) if got is None]:
                key = (toks[j], toks[j + 1])
                if spaced and toks[j] + " " + toks[j + 1] in self.pair_raw[0]:
                    got = self._add_extra(self.pairs, key)
                else:
                    low = spaced_lows[j] + lows[j + 1]
                    lower = lower_index.get(low)
                    if lower:
                        got = lowered + (lower * 2 + (titles[j] and titles[j + 1])) * cpr
                    else:
                        got = shared + ((titles[j] and titles[j + 1]) * 2 + (low in dictionary)) * cpr
                memo[key] = pair[j] = got
        if None in tri:
            memo = self.triples.ids
            shared, cpr = self.triples.shared, self.triples.cpr
            for j in [j for j, got in enumerate(tri) if got is None]:
                key3 = (toks[j], toks[j + 1], toks[j + 2])
                if spaced and " ".join(key3) in self.triple_raw[0]:
                    got = self._add_extra(self.triples, key3)
                else:
                    # triples have no lower-cased template: 4 shared rows
                    got = shared + ((titles[j] and titles[j + 1] and titles[j + 2]) * 2
                                    + (spaced_lows[j] + spaced_lows[j + 1] + lows[j + 2] in dictionary)) * cpr
                memo[key3] = tri[j] = got

    def _add_extra(self, table: _Table, key: Any) -> int:
        if table is self.tokens:
            row = self._token_rows([key])
            low, isdigit, istitle = self._attrs(key)
            code = (self.uni_raw[0][key], self.uni_lower[0].get(low, 0),
                    isdigit * 4 + istitle * 2 + (low in self.dictionary))
        else:
            size = len(key)
            row = self._gram_rows(size, [key])
            code = self._gram_code(size, key)
        got = table.extra.get(code)
        if got is None:
            got = table.extra[code] = len(self.cells)
            self.cells = np.concatenate([self.cells, row.reshape(-1, 2).view(np.complex128).ravel()])
        return got

    def tags(self, toks: list[str]) -> list[int]:
        """0 (B-W) or 1 (I-W) for each token."""
        n = len(toks)
        if n == 0:
            return []
        with self.lock:
            tokens, pairs, triples = self.tokens, self.pairs, self.triples
            tokens.reserve(n)
            pairs.reserve(n)
            triples.reserve(n)
            uni = list(map(tokens.ids.get, toks))
            if None in uni:
                self._new_tokens(toks, uni)
            pair = list(map(pairs.ids.get, zip(toks, toks[1:])))
            tri = list(map(triples.ids.get, zip(toks, toks[1:], toks[2:])))
            if None in pair or None in tri:
                self._new_grams(toks, pair, tri)
            # every id is filled in now: casts, not copies (this runs for every sentence)
            emit = self._emissions(n, cast(list[int], uni), cast(list[int], pair), cast(list[int], tri))
            tokens.shrink()
            pairs.shrink()
            triples.shrink()
        return _viterbi(emit.real.tolist(), emit.imag.tolist(), self.trans)

    def _emissions(self, n: int, uni: list[int], pair: list[int], tri: list[int]) -> np.ndarray:
        """n scores (w_B + w_I j): for syllable i, the weights of its 43 features summed in
        template order."""
        # One padded row of first cells per table (n + 4 each): BOS BOS keys... EOS EOS (EOS
        # also where a pair or triple would reach past the end).
        t, p, r = self.tokens, self.pairs, self.triples
        eos = r.base + r.cpr
        firsts = np.array([t.base, t.base, *uni, t.base + t.cpr, t.base + t.cpr,
                           p.base, p.base, *pair, *[p.base + p.cpr] * (n + 2 - len(pair)),
                           r.base, r.base, *tri, *[eos] * (n + 2 - len(tri))])
        # positions[i, k]: where in ``firsts`` template k finds the key it reads at syllable i
        positions = self.positions.get(n)
        if positions is None:
            positions = np.arange(min(n, _BLOCK))[:, None] + (self.template_table * (n + 4) + self.template_offset)
            if n <= 256:
                self.positions[n] = positions
        if n <= _BLOCK:
            # cumsum adds strictly left to right, as underthesea_core does (np.sum: pairwise)
            scores: np.ndarray = self.cells.take(firsts.take(positions) + self.template_cell).cumsum(axis=1)[:, -1]
            return scores
        out = np.empty(n, np.complex128)
        for start in range(0, n, _BLOCK):
            stop = min(n, start + _BLOCK)
            gathered = self.cells.take(firsts.take(positions[: stop - start] + start) + self.template_cell)
            # underthesea_core adds a syllable's 43 weights one by one, in template order;
            # floating-point addition is not associative and ties between two paths do occur (two
            # unknown tokens in a row): cumsum adds strictly left to right (np.sum, pairwise).
            out[start:stop] = np.cumsum(gathered, axis=1)[:, -1]
        return out

    # --- pre-tokenizer with a memo per segment ------------------------------------------------

    def _clear_segments(self) -> None:
        self.segment_tokens = dict(self.segment_tokens_kept)
        self.segment_spans = dict(self.segment_spans_kept)

    def _split(self, seg: str, tail: str = " ") -> tuple[str, ...]:
        """Tokens of a segment followed by ``tail``, memoised (short segments only)."""
        n = len(seg)
        if n == 1 or _plain(seg) or (seg.isdigit() and seg.isascii()):
            toks: tuple[str, ...] = (seg,)
        else:
            toks = tuple([seg[a:b] for a, b in _segment_spans(self.pattern, seg, tail)])
        if n <= SEGMENT_KEY:
            if len(self.segment_tokens) - len(self.segment_tokens_kept) >= SEGMENT_CAP:
                self._clear_segments()
            self.segment_tokens[seg if tail == " " else (seg, tail)] = toks
        return toks

    def _split_spans(self, seg: str, tail: str) -> tuple[tuple[int, int], ...]:
        """Spans of the tokens of a segment followed by ``tail``, memoised (short segments only)."""
        spans = tuple(_segment_spans(self.pattern, seg, tail))
        if len(seg) <= SEGMENT_KEY:
            if len(self.segment_spans) - len(self.segment_spans_kept) >= SEGMENT_CAP:
                self._clear_segments()
            self.segment_spans[seg if tail == " " else (seg, tail)] = spans
        return spans

    @staticmethod
    def _segments(text: str) -> list[Any]:
        """The segments of ``text``, the last one as (segment, what follows it) when that is the
        end of the text or its last character (then it decides ``$``)."""
        segs: list[Any] = _SEGMENT.findall(text)
        if segs:
            end = len(text.rstrip())
            if end >= len(text) - 1:
                segs[-1] = (segs[-1], text[end:])
        return segs

    def _tokens(self, text: str) -> list[str]:
        """underthesea's regex tokens of ``text`` (already character-normalised)."""
        segs = self._segments(text)
        found = list(map(self.segment_tokens.get, segs))
        if None in found:
            for j, got in enumerate(found):
                if got is None:
                    key = segs[j]
                    found[j] = self._split(*key) if isinstance(key, tuple) else self._split(key)
        # every segment has its tokens now: a cast, not a copy
        return list(chain.from_iterable(cast(list[tuple[str, ...]], found)))

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of underthesea's regex tokens in ``text`` (already character-normalised)."""
        segs = self._segments(text)
        found = list(map(self.segment_spans.get, segs))
        if None in found:
            for j, got in enumerate(found):
                if got is None:
                    key = segs[j]
                    found[j] = self._split_spans(*key) if isinstance(key, tuple) else self._split_spans(key, " ")
        starts = [m.start() for m in _SEGMENT.finditer(text)]
        return [(start + a, start + b) for start, spans in zip(starts, cast(list[tuple[tuple[int, int], ...]], found))
                for a, b in spans]

    def spans(self, text: str) -> list[tuple[int, int]] | None:
        """Word spans in ``text``; None when character normalisation would change the text."""
        if self.char_normalize(text) != text:
            return None
        pieces = self._spans(text)
        tags = self.tags([text[a:b] for a, b in pieces])
        out: list[tuple[int, int]] = []
        for (a, b), tag in zip(pieces, tags):
            if tag and out:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        return out

    def word_tokenize(self, sentence: str, use_token_normalize: bool) -> list[str]:
        toks = self._tokens(self.char_normalize(sentence))
        if use_token_normalize:
            memo = self.normalized
            if len(memo) > TOKEN_CAP:
                memo.clear()
            toks = [memo.get(t) or memo.setdefault(t, self.token_normalize(t)) for t in toks]
        out: list[str] = []
        for tok, tag in zip(toks, self.tags(toks)):
            if tag and out:
                out[-1] = out[-1] + " " + tok
            else:
                out.append(tok)
        return out


# Syllables whose 43 weights are gathered at once (bounds the memory of a giant line).
_BLOCK = 2048
_BOS = ("\x00BOS",)
_EOS = ("\x00EOS",)


def _viterbi(emit_b: list[float], emit_i: list[float], trans: list[list[float]]) -> list[int]:
    """Best label path (0 = B-W, 1 = I-W); ties go to the lower label, as in CRFsuite."""
    (t_bb, t_bi), (t_ib, t_ii) = trans
    d_b = emit_b[0]
    d_i = emit_i[0]
    back: list[int] = []  # bit 0: best predecessor of B-W, bit 1: of I-W
    append = back.append
    for e_b, e_i in zip(emit_b[1:], emit_i[1:]):
        x = d_b + t_bb
        y = d_i + t_ib
        if x >= y:
            nb = x + e_b
            code = 0
        else:
            nb = y + e_b
            code = 1
        x = d_b + t_bi
        y = d_i + t_ii
        if x >= y:
            d_i = x + e_i
        else:
            d_i = y + e_i
            code += 2
        d_b = nb
        append(code)
    label = 0 if d_b >= d_i else 1
    path = [label]
    for code in reversed(back):
        label = (code >> label) & 1
        path.append(label)
    path.reverse()
    return path


def _dist_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


# --- the public functions ------------------------------------------------------------------------

_STATE: dict[str, _Segmenter | None] = {}
_LOAD_LOCK = threading.Lock()


def _segmenter() -> _Segmenter | None:
    """The fast segmenter, or None when underthesea itself is to be used."""
    try:
        return _STATE["seg"]
    except KeyError:
        pass
    with _LOAD_LOCK:
        if "seg" not in _STATE:
            seg = None
            if os.environ.get(_ENV, "").lower() != "underthesea":
                try:
                    seg = _Segmenter(_model_path())
                except (ModelMismatch, OSError, ImportError, ValueError) as exc:
                    warnings.warn(f"qpdp_nlp.segment: using underthesea.word_tokenize ({exc})",
                                  RuntimeWarning, stacklevel=3)
            _STATE["seg"] = seg
    return _STATE["seg"]


def word_tokenize(sentence: str, format: str | None = None, use_token_normalize: bool = True,
                  fixed_words: list[str] | None = None) -> Any:
    """``underthesea.word_tokenize``, the same output, faster.

    >>> word_tokenize("Bác sĩ bây giờ có thể thản nhiên báo tin bệnh nhân bị ung thư")
    ['Bác sĩ', 'bây giờ', 'có thể', 'thản nhiên', 'báo', 'tin', 'bệnh nhân', 'bị', 'ung thư']
    >>> word_tokenize("Ban CHQS huyện tổ chức lớp GDQP&AN", format="text")
    'Ban CHQS huyện tổ_chức lớp GDQP&AN'
    """
    seg = _segmenter()
    if seg is None or fixed_words:
        from underthesea import word_tokenize as reference

        return reference(sentence, format=format, use_token_normalize=use_token_normalize,
                         fixed_words=fixed_words)
    out = seg.word_tokenize(sentence, use_token_normalize)
    if format == "text":
        return " ".join(w.replace(" ", "_") for w in out)
    return out


def word_spans(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of each word of ``text`` (one line), as ``word_tokenize(text,
    use_token_normalize=False)`` cuts it; None when the fast path is off or underthesea's
    character normalisation would change ``text`` (then align the words instead).

    >>> word_spans("Thượng tá Nguyễn Quang Long")
    [(0, 9), (10, 27)]
    """
    seg = _segmenter()
    if seg is None:
        return None
    return seg.spans(text)


def memo_stats() -> dict[str, int]:
    """Memoised keys per table (the keys known at load: ``*_kept``), attribute entries,
    memoised segments, and the bytes of the tables (weights, dicts, keys; a string shared by
    several keys is counted for each)."""
    seg = _segmenter()
    if seg is None:
        return {}
    tables = {"tokens": seg.tokens, "pairs": seg.pairs, "triples": seg.triples}
    out = {name: len(t.ids) - len(t.kept) for name, t in tables.items()}
    out.update({f"{name}_kept": len(t.kept) for name, t in tables.items()})
    out["attrs"] = len(seg.attrs)
    out["segments"] = len(seg.segment_tokens) - len(seg.segment_tokens_kept)
    out["bytes"] = sum(t.nbytes() for t in tables.values()) + seg.cells.nbytes
    return out


def clear_memo() -> None:
    """Forget every memoised key, as in a new process (benchmarks use it to measure a first
    article); what is built at load stays."""
    seg = _segmenter()
    if seg is not None:
        with seg.lock:
            for table in (seg.tokens, seg.pairs, seg.triples):
                table.clear()
            seg.attrs = dict(seg.attrs_kept)
            seg.normalized = {}
            seg._clear_segments()
