"""Property tests over the public API (issue 11, point 7): whatever text comes in, ``extract``
never raises, every fact's span spells its text, and the record survives a JSON round trip.

The generated text mixes the characters a press archive really holds (Vietnamese letters, digits,
number words, counted nouns, punctuation, line breaks) with the ones fuzzing found dangerous:
dotless ı, dotted İ and long ſ (a case-insensitive regex equates them with i and s, a plain
``lower()`` does not), other scripts' digits, superscripts, combining marks and control
characters.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qpdp_nlp
from qpdp_nlp.records import ArticleRecord

# Words of the domain, so that generated text reaches the counts, units and persons rules.
_WORDS = [
    "có", "hơn", "gần", "khoảng", "trên", "dưới", "100", "1.100", "2,5", "06", "45%", "141/145", "80-85%",
    "hai", "ba", "mười", "lăm", "năm", "triệu", "tỷ", "nghìn", "đồng", "người", "cái", "ghế", "công dân",
    "thanh niên", "lượt", "cán bộ", "xã", "phường", "tập thể", "cá nhân", "chỉ tiêu", "nhập ngũ",
    "giao quân", "dân quân", "tự vệ", "quốc phòng", "huyện", "tỉnh", "Ban", "Chỉ", "huy", "Quân", "sự",
    "UBND", "Đại", "tá", "Nguyễn", "Văn", "An", "Nghị", "quyết", "số", "28-NQ/TW", "năm 2023",
    "ngày", "15/10", "chính thức", "dự phòng", "(", ")", ",", ".", ";", ":", "-", "–", "\n", "“", "”",
]
_DANGEROUS = "ıİſ" + "٣۵߂०" + "²³¹" + "\u0301\u0323\u0309" + "\x00\x0b\x1f\u200b\ufeff" + "ẞßKÅ"
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))

_pieces = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(list(_DANGEROUS)),
    st.text(alphabet=_CHARS, max_size=6),
)
_texts = st.lists(_pieces, max_size=40).map(" ".join)
# "Có 100 cáı ghế.": a known count with one letter swapped for a dangerous look-alike
_swapped = st.builds(
    lambda word, k, c: word[:k] + c + word[k + 1:] if word else c,
    st.sampled_from(_WORDS), st.integers(0, 8), st.sampled_from(list("ıİſ")),
).map(lambda w: f"Có 100 {w} và 5 triệu đồng.")


def _check(text: str) -> None:
    rec = qpdp_nlp.extract(text)
    for fact in rec.facts():
        assert rec.text[fact.start:fact.end] == fact.text, (type(fact).__name__, fact)
    data = json.loads(json.dumps(rec.to_dict(), ensure_ascii=False))
    assert ArticleRecord.from_dict(data).to_dict() == rec.to_dict()


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_extract_never_raises_and_keeps_spans(text):
    _check(text)


@settings(max_examples=100, deadline=None)
@given(_swapped)
def test_dangerous_look_alikes(text):
    _check(text)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "Có 100 cáı ghế.", "5 trıệu đồng", "Có haİ xã", "ſố 5"])
def test_known_crashers(text):
    _check(text)


@pytest.mark.parametrize(("text", "value"), [("Hỗ trợ 5 trıệu đồng.", 5_000_000), ("Cấp 2 TRİỆU đồng.", 2_000_000)])
def test_multiplier_survives_look_alikes(text, value):
    found = qpdp_nlp.extract(text).counts
    assert [c.value for c in found] == [value]
