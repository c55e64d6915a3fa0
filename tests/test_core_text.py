"""Normalisation and underthesea words with exact offsets."""

from __future__ import annotations

import unicodedata

import pytest

from conftest import CORPUS, SAMPLES, needs_gold
from qpdp_nlp.text import analyse, normalize, sentences, split_title, words

NORMALISE = [
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ("hoà bình", "hòa bình"),
    ("Hoà An", "Hòa An"),
    ("khoẻ mạnh", "khỏe mạnh"),
    ("thuỷ lợi", "thủy lợi"),
    ("HOÀ", "HÒA"),
    ("hoàng", "hoàng"),  # closed syllable: one placement only
    ("thuyết", "thuyết"),
    ("quý", "quý"),  # qu + y: the mark stays on y
    ("Ðời", "Đời"),  # Latin Eth read as Đ
    ("a\u00a0b", "a b"),  # NBSP
    ("a\u200bb", "ab"),  # zero-width space
    ("a\u00adb", "ab"),  # soft hyphen
    ("a  \t b", "a b"),
    ("dòng 1\r\ndòng 2", "dòng 1\ndòng 2"),
    ("a\x07b", "ab"),  # bell
    (unicodedata.normalize("NFD", "Bộ Chỉ huy Quân sự"), "Bộ Chỉ huy Quân sự"),
    ("  \n tiêu đề \n\n thân bài  ", "tiêu đề\n\nthân bài"),
    ("", ""),
]


@pytest.mark.parametrize("raw,expected", NORMALISE)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_is_idempotent():
    for raw, _ in NORMALISE:
        once = normalize(raw)
        assert normalize(once) == once


NAUGHTY = [
    "",
    " ",
    "\n\n\t  \n",
    "🇻🇳🎖️ Lễ giao quân 🎉🎉",
    unicodedata.normalize("NFD", "Thượng tá Nguyễn Quang Long, Phó Tham mưu trưởng."),
    "Hội nghị 会议 конференция مؤتمر Bộ CHQS tỉnh",
    "a" * 10,
    "1.1.1.1.1.1.1.1.1.1.1.1.1",
    "<b>Huyện ủy</b> &amp; UBND",
    "Ð" * 50,
    "\x00\x01\x02 text \x7f",
    "null None undefined NaN",
    "'; DROP TABLE articles; --",
    "Ủy ban\u200b nhân\u00a0dân\u2028huyện",
]


def _assert_invariant(text: str) -> None:
    norm = normalize(text)
    ws = words(norm)
    for w in ws:
        assert norm[w.start:w.end] == w.text
    assert all(a.end <= b.start for a, b in zip(ws, ws[1:]))
    for s in sentences(norm):
        assert norm[s.start:s.end] == s.text


@pytest.mark.parametrize("text", NAUGHTY)
def test_invariant_naughty(text):
    _assert_invariant(text)


def test_invariant_one_megabyte_of_one_word():
    text = "quốc phòng " * (1_000_000 // 11)
    norm = normalize(text)
    ws = words(norm)
    assert len(ws) > 50_000
    assert all(norm[w.start:w.end] == w.text for w in ws)


def test_invariant_samples():
    files = sorted(SAMPLES.glob("*.txt"))
    for path in files:
        _assert_invariant(path.read_text(encoding="utf-8"))


@needs_gold
def test_invariant_gold_texts():
    files = sorted((CORPUS / "dev").glob("*.txt")) + sorted((CORPUS / "seed").glob("*.txt"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        norm = normalize(text)
        ws = words(norm)
        assert all(norm[w.start:w.end] == w.text for w in ws)
        # Nothing but spaces and punctuation underthesea drops may be left between words.
        covered = sum(w.end - w.start for w in ws)
        assert covered >= 0.8 * len(norm.replace(" ", "").replace("\n", ""))


def test_words_keep_multisyllable_words():
    assert [w.text for w in words("Thượng tá Nguyễn Quang Long")] == ["Thượng tá", "Nguyễn Quang Long"]


@pytest.mark.parametrize(
    "text,title",
    [
        ("Ba Bể tổng kết công tác quốc phòng\n\nNgày 02/12, huyện …", "Ba Bể tổng kết công tác quốc phòng"),
        ("Dự hội nghị có lãnh đạo huyện.\n\nNăm 2023 …", None),
        ("Một dòng duy nhất", None),
        ("Tiêu đề\nthân bài ngay sau", None),
    ],
)
def test_split_title(text, title):
    assert split_title(text) == title


def test_analyse_keeps_original():
    raw = "Uỷ ban\u00a0nhân dân"
    doc = analyse(raw)
    assert doc.original == raw
    assert doc.text == "Ủy ban nhân dân"
    assert doc.sentence_at(3).text == doc.text


# --- words from qpdp_nlp.segment: the same as underthesea's, realigned ------------------------------

def _words_both_ways(monkeypatch, texts):
    from qpdp_nlp import segment

    fast = [words(normalize(t)) for t in texts]
    monkeypatch.setattr(segment, "_STATE", {"seg": None})  # underthesea itself, words realigned
    slow = [words(normalize(t)) for t in texts]
    return fast, slow


def test_words_same_as_underthesea_path_on_samples(monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))] + NAUGHTY
    fast, slow = _words_both_ways(monkeypatch, texts)
    assert sum(map(len, fast)) > 1000
    assert fast == slow


@needs_gold
def test_words_same_as_underthesea_path_on_gold_texts(monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*.txt"))]
    fast, slow = _words_both_ways(monkeypatch, texts)
    assert fast == slow


@pytest.mark.slow
def test_two_megabyte_single_line_article_of_a_dot_a_dot():
    # underthesea is quadratic on this line in both its word regex (57 s for 50,000 characters)
    # and its sentence splitter (37 s for 20,000); words() and sentences() cut such runs. A shape
    # check, not a timed one: bench/segment.py times it.
    text = "a.a." * 500_000
    doc = analyse(text)
    assert len(doc.words) == 2_000_000
    assert {w.text for w in doc.words} == {"a", "."}
    assert all(doc.text[w.start:w.end] == w.text for w in doc.words[:1000] + doc.words[-1000:])
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)
    assert doc.sentences[0].start == 0 and doc.sentences[-1].end == len(text)
    assert all(a.end <= b.start for a, b in zip(doc.sentences, doc.sentences[1:]))


def test_sentences_untouched_below_the_run_limit():
    from qpdp_nlp.text import SENTENCE_RUN

    line = "Ông A.B. dự họp. " + "x" * (SENTENCE_RUN - 1) + ". Xong."
    from underthesea import sent_tokenize

    assert [s.text for s in sentences(line)] == [s.strip() for s in sent_tokenize(line)]


def test_first_chars_covers_every_match():
    # The look-ahead built from first_chars may only skip positions where nothing matches: every
    # match of every topic rule (and of a few shapes the parser handles) starts with one of them.
    import re

    from qpdp_nlp.lexicons import read_rows
    from qpdp_nlp.text import first_chars

    patterns = [row[2] for row in read_rows("topic_rules.tsv")[1]]
    patterns += [r"(?<=\n)x|[a-c]y", r"(?:ab)?c|d+", r"q*?r", r"(?:^|\n)năm"]
    texts = [normalize(p.read_text(encoding="utf-8")).lower() for p in sorted(SAMPLES.glob("*.txt"))]
    texts.append("ab c abc d dd\nx by qqr năm")
    for pattern in patterns:
        chars = first_chars(pattern)
        assert chars is not None, pattern
        compiled, first = re.compile(pattern), re.compile(f"[{chars}]")
        for text in texts:
            assert all(first.match(text, m.start()) for m in compiled.finditer(text))
    assert first_chars(r"\s*năm") == r"n\s" and first_chars(r"[^a]b") is None and first_chars("") is None


def test_compile_scan_finds_what_re_compile_finds():
    # Every pattern built by compile_scan, on the sample texts as written, lower-cased and
    # upper-cased (IGNORECASE patterns: the look-ahead must match each first letter in any case,
    # and the letters Python's case folding pairs with i and s).
    import re

    from qpdp_nlp.extractors import counts, documents, scope
    from qpdp_nlp.text import compile_scan

    texts = [normalize(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.txt"))]
    texts += [t.lower() for t in texts] + [t.upper() for t in texts]
    texts.append("İ ı ſ ſố KỶ NIỆM 2 Bộ quốc PHÒNG cả NƯỚC")
    built = [
        value
        for module in (scope, counts, documents)
        for value in vars(module).values()
        if isinstance(value, re.Pattern) and value.pattern.startswith("(?=[")
    ]
    assert len(built) >= 15
    for scanned in built:
        plain = re.compile(scanned.pattern.split("])(?:", 1)[1][:-1], scanned.flags)
        assert compile_scan(plain.pattern, plain.flags & ~re.UNICODE).pattern == scanned.pattern
        for text in texts:
            assert [m.span() for m in scanned.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_words_built_without_init_are_the_same_tokens():
    from qpdp_nlp.text import Token, _words_at

    text = "xx Thượng tá Nguyễn Quang Long"
    built = _words_at(text, 3, [(0, 9), (10, 27)])
    expected = [Token("Thượng tá", 3, 12), Token("Nguyễn Quang Long", 13, 30)]
    assert built == expected
    assert [hash(t) for t in built] == [hash(t) for t in expected]
    assert [repr(t) for t in built] == [repr(t) for t in expected]
    with pytest.raises(AttributeError):  # still frozen
        built[0].start = 0  # type: ignore[misc]
