"""qpdp_nlp.segment.word_tokenize is underthesea.word_tokenize, output for output.

Identity is the contract: every line of corpora/ and of ../shared/corpus (every .txt, the texts
and sentences of every .jsonl), thousands of hypothesis-generated sentences per run, and a table
of the pre-tokenizer's edge cases are compared with underthesea itself; any difference fails.
Speed is measured in bench/segment.py, never here.
"""

from __future__ import annotations

import json
import unicodedata
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, ROOT
from qpdp_nlp import segment
from qpdp_nlp.segment import word_tokenize

underthesea = pytest.importorskip("underthesea")
reference = underthesea.word_tokenize


def _same(sentence: str) -> None:
    for normalise_tokens in (False, True):
        expected = reference(sentence, use_token_normalize=normalise_tokens)
        got = word_tokenize(sentence, use_token_normalize=normalise_tokens)
        assert got == expected, (sentence, normalise_tokens)
        if not normalise_tokens:
            # word_spans has a pre-tokenizer path of its own; a word of adjacent tokens ("! b")
            # is "!b" in the text
            spans = segment.word_spans(sentence)
            if spans is not None:
                assert ["".join(sentence[a:b].split()) for a, b in spans] == ["".join(w.split()) for w in expected]


def _bounded(sentence: str) -> bool:
    """True when no segment falls under rule L (where the output may differ by design)."""
    return not any(segment._risky(sentence, m.start(), m.end()) for m in segment._SEGMENT.finditer(sentence))


def test_fast_path_is_on():
    # The comparison below would pass trivially if the module had fallen back to underthesea.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert segment._segmenter() is not None


# --- corpora ------------------------------------------------------------------------------------

def _corpus_lines(root) -> list[str]:
    lines: list[str] = []
    for path in sorted(root.rglob("*.txt")):
        lines += path.read_text(encoding="utf-8").split("\n")
    for path in sorted(root.rglob("*.jsonl")):
        for row in path.read_text(encoding="utf-8").splitlines():
            if row.strip():
                record = json.loads(row)
                for key in ("text", "sentence", "lead", "title", "count_text"):
                    if isinstance(record.get(key), str):
                        lines += record[key].split("\n")
    return lines


def test_identical_on_project_corpora():
    lines = _corpus_lines(ROOT / "corpora")
    assert len(lines) > 100
    for line in lines:
        _same(line)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"../shared/corpus not found at {CORPUS} (set QPDP_SHARED)")
def test_identical_on_shared_corpus():
    lines = _corpus_lines(CORPUS)
    assert len(lines) > 1000
    for line in lines:
        _same(line)


# --- edge cases of the pre-tokenizer (rules S, P, P' of segment.py) ----------------------------

EDGES = [
    "", " ", "\n", "\n\n  \t", "a", "Th S", "Th S là", "xTh S", "(Th S", "Th  S", "Th\tS", "Th\nS", "Th\u00a0s",
    "ThaS", "Thus", "Thus là", "Thusa", "ThS.", "ThS. Nguyễn", "Th.S Lê", "Th.s", "Tp. Hồ Chí Minh", "TP.HCM",
    "UBND.", "UBND. huyện", "UBND", "ĐB.", "Mr. Long", "Dr.", "v.v", "v.v.", "v.v...", "v.", "T.Ư", "NĐ-CP",
    "GDQP&AN", "Ban CHQS", "H'Mông", "N’Thôn Hạ", "e-mail", "43H-0530", "4K", "3x4", "30°C", "=>", "==>", "->",
    "...", "--", ">>", "1.100", "2,5", "25/10/2013", "10:20:50", "03-5730-2357", "60.542.000", "4.123,2",
    "100,000,000", "1_000", "2147483647", "2147483648", "-5", "+5", "2023.", "2023,", "10%", "(2023)",
    "http://abc.vn/x?y=1", "https://baoangiang.com.vn/a-b.html.", "www.qdnd.vn", "qdnd.vn/", "ftp://x",
    "(http://a.b/c)", "http:", "ban.chqs@gmail.com", "a+b@x-y.vn", ":)", ":))", "=))", ":D", ":Dương", "<3",
    "♥‿♥", "ʺ", "ʺa", "aʺ", "😀", "👍🏽 tốt", "🇻🇳", "❤️", "İstanbul", "ı", "ΑΣ x", "Σ", "ß", "ǅ", "ƛ", "ɤ",
    "\u1c89", "\ua7cb", "²", "٣", "a\u0301", unicodedata.normalize("NFD", "Thượng tá Nguyễn Quang Long"),
    "Ðời", "ðó", "UBND huyện.", "huyện,", "huyện;", "huyện:", "huyện)", "huyện!", "huyện?", "huyện%",
    "Cán bộ, chiến sĩ.", "BOS", "EOS", "T[0]=BOS", "a b c d e", "A. B", "A.\n", "A. \n", ":D\n", ":D ",
    "x\u2028y", "x\x85y", "a.a." * 60, "1.1." * 60,
]


@pytest.mark.parametrize("sentence", EDGES)
def test_identical_on_edge_cases(sentence):
    _same(sentence)


def test_format_text_and_fixed_words(monkeypatch):
    from underthesea.pipeline.word_tokenize import regex_tokenize

    # underthesea keeps the fixed-words regex in its module global after such a call, for every
    # later call: restore it, or the tests after this one compare against another tokenizer.
    monkeypatch.setattr(regex_tokenize, "patterns", regex_tokenize.patterns)
    sentence = "Ban Chỉ huy Quân sự huyện tổ chức lớp GDQP&AN"
    assert word_tokenize(sentence, format="text") == reference(sentence, format="text")
    fixed = ["Ban Chỉ huy"]
    assert word_tokenize(sentence, fixed_words=fixed) == reference(sentence, fixed_words=fixed)


# --- generated sentences -------------------------------------------------------------------------

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p",
          "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
NUCLEI = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ia", "iê", "ua", "uô", "ưa", "ươ", "oa",
          "oe", "uy", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "iu", "oi", "ôi", "ơi", "ui", "ưi", "ưu"]
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # huyền, sắc, hỏi, ngã, nặng


@st.composite
def syllables(draw) -> str:
    nucleus = draw(st.sampled_from(NUCLEI))
    tone = draw(st.sampled_from(TONES))
    at = draw(st.integers(0, len(nucleus) - 1))
    syllable = draw(st.sampled_from(ONSETS)) + nucleus[: at + 1] + tone + nucleus[at + 1:] + draw(st.sampled_from(CODAS))
    syllable = unicodedata.normalize(draw(st.sampled_from(["NFC", "NFC", "NFC", "NFD"])), syllable)
    case = draw(st.sampled_from([str.lower, str.lower, str.lower, str.title, str.upper, str.swapcase]))
    return case(syllable)


WORDS = [
    "Thượng tá", "Nguyễn Quang Long", "Ban CHQS", "Bộ CHQS tỉnh", "GDQP&AN", "UBND", "HĐND", "TP.HCM", "Tp.",
    "ThS.", "Th.S", "Th S", "NĐ-CP", "QĐ-UBND", "v.v", "v.v...", "T.Ư", "H'Mông", "N’Thôn", "Ê-đê", "e-mail",
    "43H-0530", "4K", "3x4", "30°C", "1.100", "2,5", "25/10/2013", "02/2014", "20.08.2014", "2014/08/20",
    "10:20:50", "03-5730-2357", "60.542.000", "4.123,2", "100,000,000", "1_000", "2147483648", "12", "2025",
    "http://abc.vn/x?y=1", "https://baoangiang.com.vn/tin-tuc/a-b-2020.html", "www.qdnd.vn", "qdnd.vn/a",
    "ftp://files.x.org", "(http://a.b/(c))", "ban.chqs@gmail.com", "a+b@x-y.vn", ":)", ":))", "=))", ":D", "<3",
    "♥‿♥", "😀", "👍🏽", "🇻🇳", "❤️", "🎖️", "İ", "ı", "Σ", "ΑΣ", "ß", "²", "٣", "ʺ", "Ðời", "ðó", "会议", "мир",
    "BOS", "EOS", "=", "==>", "->", ">>", "...", "--", "—", "–", "…",
]
PUNCTUATION = list(".,;:!?()[]{}\"'“”‘’«»/\\|@#$%^&*_+=<>~`-") + ["...", "..", "--", "—", "–", "…"]
SEPARATORS = [" "] * 12 + ["", "", "  ", "\t", "\n", "\u00a0", " \n "]


pieces = st.one_of(
    syllables(), syllables(), syllables(), syllables(),
    st.sampled_from(WORDS), st.sampled_from(PUNCTUATION),
    st.integers(0, 10**12).map(str),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4),
)


@st.composite
def sentences(draw) -> str:
    parts = draw(st.lists(st.tuples(pieces, st.sampled_from(SEPARATORS)), max_size=40))
    return "".join(p + s for p, s in parts).strip(draw(st.sampled_from(["", " ", "\n"])))


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sentences())
def test_identical_on_generated_sentences(sentence):
    if _bounded(sentence):
        _same(sentence)
    else:
        _invariants(sentence)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(sentences(), min_size=20, max_size=60))
def test_identical_on_very_long_lines(parts):
    line = " ".join(parts)
    if _bounded(line):
        _same(line)
    else:
        _invariants(line)


# --- rule L: pathological segments, bounded ------------------------------------------------------

def _invariants(sentence: str) -> None:
    """What holds even where rule L cuts: each word is text of the sentence, in order, and the
    words cover every character that is not whitespace."""
    text = segment._STATE["seg"].char_normalize(sentence)
    spans = segment.word_spans(text)
    assert spans is not None
    assert all(a < b for a, b in spans) and all(b <= c for (_, b), (c, _) in zip(spans, spans[1:]))
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())
    words = word_tokenize(sentence, use_token_normalize=False)
    # A word of adjacent tokens ("!" "b") is "! b" in word_tokenize and "!b" in the text.
    assert ["".join(text[a:b].split()) for a, b in spans] == ["".join(w.split()) for w in words]


def test_long_line_of_a_dot_a_dot():
    # underthesea's regex is quadratic here (57 s for 50,000 characters); rule L cuts it into
    # pieces of at most PIECE characters. A shape check, not a timed one: see bench/segment.py
    # (and tests/test_core_text.py for a 2 MB article).
    line = "a.a." * 50_000
    words = word_tokenize(line, use_token_normalize=False)
    assert len(words) == 200_000
    assert set(words) == {"a", "."}
    assert segment.memo_stats()["tokens"] <= segment.TOKEN_CAP


@pytest.mark.parametrize("segment_text", [
    "a.a." * 100,
    "http://a" + "!" * 40,
    "http://a" + "!" * 40 + "b",
    "x.vn/" + "?" * 30 + "(",
    "1.1." * 1000,
])
def test_pathological_segments_keep_invariants(segment_text):
    assert not _bounded(segment_text)
    _invariants(segment_text)
    _invariants(f"Ban CHQS {segment_text} huyện")


def test_explosive_url_cut_where_underthesea_ends_the_url():
    # underthesea needs 2^40 steps to find this; its answer is the same.
    assert word_tokenize("http://a" + "!" * 40, use_token_normalize=False) == ["http://a"] + ["!"] * 40


# --- the attribute functions against underthesea_core ---------------------------------------------

def test_attributes_match_underthesea_core_on_every_plain_code_point():
    from underthesea_core import CRFFeaturizer

    oracle = CRFFeaturizer(["T[0].lower", "T[0].isdigit", "T[0].istitle"], set())
    seg = segment._segmenter()
    chars = [chr(c) for c in range(0x110000)
             if not 0xD800 <= c < 0xE000 and c != 0x20 and segment._PLAIN_CHARS.match(chr(c))]
    assert len(chars) > 4000
    tokens = chars + ["".join(chars[i:i + 7]) for i in range(0, len(chars), 7)] + [
        "2147483647", "-2147483648", "2147483648", "+5", "-", "+", "007", "1" * 30, "ß", "İ", "Th S", "th S"]
    got = oracle.process([[[t]] for t in tokens])
    for tok, features in zip(tokens, got):
        lower, isdigit, istitle = (f.partition("=")[2] for f in features[0])
        seg.attrs.pop(tok, None)
        assert seg._attrs(tok) == (lower, isdigit == "True", istitle == "True"), tok


def test_model_check_refuses_unknown_templates(monkeypatch, tmp_path):
    import shutil

    import joblib

    model = segment._model_path()
    for name in ("models.bin", "dictionary.bin"):
        shutil.copy(model / name, tmp_path / name)
    joblib.dump(list(segment.KNOWN_TEMPLATES[:-1]), tmp_path / "features.bin")
    with pytest.raises(segment.ModelMismatch):
        segment._Segmenter(tmp_path)
    (tmp_path / "models.bin").write_bytes(b"not a model")
    joblib.dump(list(segment.KNOWN_TEMPLATES), tmp_path / "features.bin")
    with pytest.raises(segment.ModelMismatch):
        segment._Segmenter(tmp_path)


def test_falls_back_to_underthesea_with_one_warning(monkeypatch, tmp_path):
    monkeypatch.setattr(segment, "_STATE", {})
    monkeypatch.setattr(segment, "_model_path", lambda: tmp_path)
    with pytest.warns(RuntimeWarning, match="using underthesea"):
        assert word_tokenize("Bác sĩ bây giờ") == reference("Bác sĩ bây giờ")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert word_tokenize("Ban CHQS huyện") == reference("Ban CHQS huyện")
    assert segment.word_spans("Ban CHQS") is None


def test_environment_forces_underthesea(monkeypatch):
    monkeypatch.setattr(segment, "_STATE", {})
    monkeypatch.setenv("QPDP_SEGMENTER", "underthesea")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert segment._segmenter() is None
        assert word_tokenize("Thượng tá Nguyễn Quang Long") == ["Thượng tá", "Nguyễn Quang Long"]


def test_memo_tables_are_bounded(monkeypatch):
    seg = segment._segmenter()
    monkeypatch.setattr(seg.pairs, "cap", 64)
    monkeypatch.setattr(seg.triples, "cap", 64)
    for i in range(50):
        word_tokenize(" ".join(f"từ{i}{j}" for j in range(20)))
        assert len(seg.pairs.ids) - len(seg.pairs.kept) <= 64
        assert len(seg.triples.ids) - len(seg.triples.kept) <= 64
    segment.clear_memo()
    _same("Sau khi xóa bảng, kết quả vẫn như cũ.")


# --- rows: shared and memoised ids give each key its own weights --------------------------------

def _row(seg, table, key):
    first = table.ids[key]
    return seg.cells[first: first + table.cpr]


def _expected(seg, size, key):
    rows = seg._token_rows([key]) if size == 1 else seg._gram_rows(size, [key])
    return rows.reshape(-1, 2).view(complex).ravel()


@pytest.mark.parametrize("sentence", [
    "Thượng tá Nguyễn Quang Long, Chỉ huy trưởng Ban CHQS huyện",
    "TRONG KHI ĐÓ Xyzw qwe 2147483648 +5 ² 😀 Ban CHQS Huyện Bác Sĩ bác sĩ",
])
def test_new_keys_get_the_rows_of_their_own_weights(sentence):
    seg = segment._segmenter()
    segment.clear_memo()
    toks = seg._tokens(sentence)
    seg.tags(toks)
    for size, table in ((1, seg.tokens), (2, seg.pairs), (3, seg.triples)):
        keys = toks if size == 1 else list(zip(*(toks[k:] for k in range(size))))
        for key in keys:
            assert (_row(seg, table, key) == _expected(seg, size, key)).all(), key


def test_key_with_a_spaced_token_and_a_known_raw_value_gets_a_row_of_its_own(monkeypatch):
    # No value of the installed model holds a space beyond its window's, so this path is made
    # reachable by lending "Th S là" the weights of a pair the model knows.
    seg = segment._segmenter()
    monkeypatch.setattr(seg, "cells", seg.cells)
    monkeypatch.setattr(seg.pairs, "extra", {})
    monkeypatch.setattr(seg.pairs, "ids", dict(seg.pairs.kept))
    known = next(iter(seg.pair_raw[0].items()))[1]
    monkeypatch.setitem(seg.pair_raw[0], "Th S là", known)
    end = len(seg.cells)
    seg.tags(["Th S", "là"])
    assert seg.pairs.ids[("Th S", "là")] == end  # a row added after the others
    assert (_row(seg, seg.pairs, ("Th S", "là")) == _expected(seg, 2, ("Th S", "là"))).all()
    seg.pairs.clear()


def test_segment_memo_keeps_the_end_of_the_text_apart():
    # The same segment is tokenised at the end of a text with the text's last character ("$").
    lines = ["A. B", "A.", "A.\n", "x A.", "A. \n", "A.  ", ":D x", ":D", ":D\n", "Th.S", "Th.S x", "v.v.", "v.v. x"]
    for order in (lines, lines[::-1]):
        segment.clear_memo()
        for line in order:
            _same(line)
