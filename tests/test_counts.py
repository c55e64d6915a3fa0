"""The counts extractor: table-driven cases written for the project (the gold floors: the quality gate), the span
invariant on every gold record, and the adversarial-regex guard."""

from __future__ import annotations

import re

import pytest

from conftest import hang_guard
from qpdp_nlp.classify import indicators
from qpdp_nlp.extractors import count_nouns, counts, numbers
from qpdp_nlp.text import Analysis, analyse

# sentence -> every count in it as (text, value, unit, qualifier)
CASES: list[tuple[str, list[tuple[str, float, str | None, str | None]]]] = [
    ("Huyện đã khen thưởng cho 06 tập thể và 18 cá nhân có thành tích xuất sắc.",
     [("06 tập thể", 6, "tập thể", None), ("18 cá nhân", 18, "cá nhân", None)]),
    ("Lớp bồi dưỡng có hơn 300 người là cán bộ, công chức.", [("hơn 300 người", 300, "người", "more_than")]),
    ("Năm học này có hơn 1.100 học sinh tham gia.", [("hơn 1.100 học sinh", 1100, "học sinh", "more_than")]),
    ("Số người tham gia đạt gần 2.500 lượt người.", [("gần 2.500 lượt người", 2500, "lượt người", "nearly")]),
    ("Huyện hoàn thành 100% chỉ tiêu giao quân.", [("100% chỉ tiêu", 100, "%", None)]),
    ("Kinh phí đầu tư gần 2 tỷ đồng.", [("gần 2 tỷ đồng", 2_000_000_000, "đồng", "nearly")]),
    ("Tổng giá trị là 10,5 triệu đồng.", [("10,5 triệu đồng", 10_500_000, "đồng", None)]),
    ("Diễn tập được tổ chức ở 33 xã, thị trấn trong huyện.", [("33 xã, thị trấn", 33, "xã, thị trấn", None)]),
    ("Biểu dương 25 tập thể và cá nhân tiêu biểu.", [("25 tập thể và cá nhân", 25, "tập thể và cá nhân", None)]),
    ("Đơn vị có 120 cán bộ, chiến sĩ tham gia.", [("120 cán bộ, chiến sĩ", 120, "cán bộ, chiến sĩ", None)]),
    ("Toàn tỉnh có 141/145 xã đạt chuẩn.", [("141/145 xã", 141, "xã", None)]),
    ("Tỷ lệ đạt khoảng 80- 85% kế hoạch.", [("khoảng 80- 85% kế hoạch", 80, "%", "about")]),
    ("Trong 4 ngày, học viên được học 9 chuyên đề.", [("4 ngày", 4, "ngày", None), ("9 chuyên đề", 9, "chuyên đề", None)]),
    ("Huyện trồng mới 1.480ha cây ăn quả.", [("1.480ha", 1480, "ha", None)]),
    ("Nâng cấp 75km đường giao thông nông thôn.", [("75km", 75, "km", None)]),
    ("Nội dung gồm hai phần và sáu nội dung chính.", [("hai phần", 2, "phần", None), ("sáu nội dung", 6, "nội dung", None)]),
    ("Có 3 nghìn 650 học sinh được học.", [("3 nghìn 650 học sinh", 3650, "học sinh", None)]),
    ("Số lượng dưới 50 người mỗi lớp.", [("dưới 50 người", 50, "người", "less_than")]),
    ("Tỷ lệ gần như 100% đạt yêu cầu.", [("100%", 100, "%", None)]),
    ("Trên 640 nam công dân đăng ký.", [("Trên 640 nam công dân", 640, "nam công dân", "more_than")]),
    ("Chỉ tiêu giao gồm 140 chính thức và 8 dự phòng.",
     [("140 chính thức", 140, "chính thức", None), ("8 dự phòng", 8, "dự phòng", None)]),
    ("Nhận 9 trong số 28 sản phẩm được công nhận lại.",
     [("9", 9, "sản phẩm", None), ("28 sản phẩm", 28, "sản phẩm", None)]),
    ("Thành phố được giao chỉ tiêu 170, Xuân Phong 80, Đồng Lạc 115.",
     [("chỉ tiêu 170", 170, "chỉ tiêu", None), ("80", 80, None, None), ("115", 115, None, None)]),
    ("Trong số 60 thanh niên (45 gia nhập Quân đội; 15 gia nhập Công an).",
     [("60 thanh niên", 60, "thanh niên", None), ("45", 45, None, None), ("15", 15, None, None)]),
    ("Trong 2 ngày 28 và 29/9, xã tổ chức diễn tập.", [("2 ngày", 2, "ngày", None)]),
    ("Trong 10 năm qua, huyện đã làm tốt nhiệm vụ.", [("10 năm", 10, "năm", None)]),
    ("Mỗi xã khoảng chừng 20 người.", [("khoảng chừng 20 người", 20, "người", "about")]),
    ("Có năm xã tham gia diễn tập.", [("năm xã", 5, "xã", None)]),
    ("Đơn vị có mười lăm chiến sĩ.", [("mười lăm chiến sĩ", 15, "chiến sĩ", None)]),
    ("Dự án được cấp 1,2 triệu USD.", [("1,2 triệu USD", 1_200_000, "USD", None)]),
    ("Trong 2 ngày (18 và 19/12), hội đồng họp.", [("2 ngày", 2, "ngày", None)]),
    ("Năm nay xã được cấp 500 thẻ bảo hiểm.", [("500 thẻ", 500, "thẻ", None)]),
    ("Dự có Quân khu 5 và 296 thanh niên.", [("296 thanh niên", 296, "thanh niên", None)]),
    ("Có 4 người bị thương (Mường Tè 2, Phong Thổ 1, Tam Đường 1).",
     [("4 người", 4, "người", None), ("2", 2, None, None), ("1", 1, None, None), ("1", 1, None, None)]),
]

# sentences with numbers but no count at all
NEGATIVE: list[str] = [
    "Năm 2023, huyện Ba Bể tổ chức hội nghị.",
    "Sáng ngày 25/10/2013, hội nghị khai mạc.",
    "Năm học 2022 – 2023 đã kết thúc.",
    "Thanh niên đủ 18 tuổi được gọi khám.",
    "Đăng ký nghĩa vụ quân sự cho công dân tuổi 17.",
    "Thực hiện Nghị quyết số 28 của Bộ Chính trị.",
    "Dự có đại diện Quân khu 5 và Sư đoàn 316.",
    "Bồi dưỡng cho cán bộ thuộc đối tượng 4, khóa 64.",
    "Hội nghị Trung ương 8 khóa XI đã ban hành nghị quyết.",
    "Lực lượng tự vệ Cụm số 3 năm 2024 khai mạc huấn luyện.",
    "Sản phẩm đạt chuẩn OCOP 3 sao.",
    "Sức khỏe loại 1 được ưu tiên.",
    "Kỷ niệm 79 năm Ngày thành lập Quân đội nhân dân.",
    "Chào mừng 70 năm chiến thắng Điện Biên Phủ.",
    "Chương trình bắt đầu lúc 7 giờ 30 phút.",
    "Lễ khai mạc diễn ra từ 7h30 đến 11h.",
    "Liên hệ số điện thoại 0912 345 678 để biết thêm.",
    "Trực sẵn sàng chiến đấu được duy trì 24/24.",
    "Có hàng trăm lượt người tham gia.",
    "Một cán bộ được cử đi học.",
    "Thực hiện tốt phương châm “3 gặp, 4 biết” ở cơ sở.",
    "Nhiệm vụ 6 tháng đầu năm 2024 được triển khai.",
    "Huyện Ba Bể và quận Hai Bà Trưng ký kết hợp tác.",
    "Bộ Tư lệnh Quân khu 7 chỉ đạo công tác tư tưởng.",
    "Đồng chí là con thứ 2 trong gia đình.",
    "Giai đoạn 1: chuyển địa phương vào trạng thái sẵn sàng.",
    "Trong đợt dịch Covid-19, lực lượng vũ trang tham gia chống dịch.",
    "Hội nghị lần thứ 3 diễn ra ngày 22-5.",
    "Văn bản Công văn số 997-CV/ĐU ngày 14/10/2023 đã được ban hành.",
    "Thông tư 172/2020/TT-BQP quy định chương trình bồi dưỡng.",
    "Chào mừng 50 năm giải phóng miền Nam.",
    "Tổ chức kỷ niệm 20 năm thành lập xã.",
    "Hàng năm đơn vị đều tổ chức hội thao.",
    "Học sinh cấp 3 tham gia hội thao.",
    "Công ty ở xã Tam Xuân 1, huyện Núi Thành.",
    "Lễ giao quân được tổ chức ở các quận 1, 4, 7 và 10.",
]


def test_tables_load_and_validate():
    t = counts.tables()
    assert {"người", "tập thể", "cá nhân", "xã", "ngày", "ha"} <= set(t.noun_group)
    assert set(t.noun_group.values()) <= count_nouns.NOUN_GROUPS
    # "none" in the table: a phrase that looks like a qualifier and is not one
    assert t.qualifiers["hơn"] == "more_than" and t.qualifiers["gần như"] is None
    assert t.contexts["quân khu"] == "label" and t.contexts["số"] == "number_word"
    assert "gia nhập" in t.not_units and t.money["vnđ"] == "đồng"


def _extract(text: str):
    return counts.extract(analyse(text))


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t[:40] for t, _ in CASES])
def test_counts(text, expected):
    found = _extract(text)
    assert [(c.text, c.value, c.unit, c.qualifier) for c in found] == expected


@pytest.mark.parametrize("text", NEGATIVE, ids=[t[:40] for t in NEGATIVE])
def test_not_counts(text):
    assert [c.text for c in _extract(text)] == []


def test_range_and_ratio_keep_their_other_part():
    (ratio,) = _extract("Có 141/145 xã đạt chuẩn.")
    assert ratio.denominator == 145 and ratio.upper is None
    (spread,) = _extract("Từ 200 đến 300 người tham gia.")
    assert (spread.value, spread.upper, spread.unit) == (200, 300, "người")
    (pct,) = _extract("Đạt 80- 85%.")
    assert pct.is_percent and (pct.value, pct.upper) == (80, 85)


def test_every_count_has_rule_indicator_and_span():
    doc = analyse("Năm nay, huyện giao 150 thanh niên nhập ngũ, đạt 100% chỉ tiêu; khen thưởng 3 tập thể.")
    found = counts.extract(doc)
    indicators.fill_indicators(doc, found)
    assert len(found) == 3
    for c in found:
        assert doc.text[c.start:c.end] == c.text
        assert c.rule and c.indicator


def test_empty_text():
    assert counts.extract(Analysis(text="", original="", words=[], sentences=[])) == []


# --- gold --------------------------------------------------------------------------------------

@pytest.mark.gold
def test_span_invariant_on_gold(gold_records):
    checked = 0
    for record in gold_records:
        for c in record.counts:
            assert record.text[c.start:c.end] == c.text, (record.source, c)
            assert c.value is not None and c.indicator is not None
            checked += 1
    assert checked > 100


# --- adversarial regexes -----------------------------------------------------------------------

ADVERSARIAL = {
    "digits": "7" * 100_000,
    "dotted": "1." * 50_000,
    "dotted groups": "1.111" * 20_000,
    "commas": "1,1" * 33_000,
    "spaced digits": "1 " * 50_000,
    "more than": "hơn " * 25_000,
    "nearly as": "gần như " * 12_500,
    "percent": "9% " * 33_000,
    "ranges": "1-2 " * 25_000,
    "slashes": "1/" * 50_000,
    "spelled": "hai mươi " * 11_000,
    "nouns": "cán bộ, " * 12_500,
    "quotes": "“3 " * 33_000,
}


def _patterns() -> list[tuple[str, re.Pattern]]:
    from qpdp_nlp.classify import indicators

    found = []
    for module in (numbers, counts, count_nouns, indicators):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value))
    for name, value in vars(counts.tables()).items():
        if isinstance(value, re.Pattern):
            found.append((f"counts.tables().{name}", value))
    found.append(("indicators._defence_terms()", indicators._defence_terms()))
    return found


# Patterns the extractor runs over a whole text; every other one is only ever matched at a
# position (``pattern.match(text, pos)``), so that is how it is exercised here.
SCANNERS = {"qpdp_nlp.extractors.numbers._SCAN", "qpdp_nlp.classify.indicators._SYLLABLE",
            "qpdp_nlp.classify.indicators._CLAUSE_BREAK", "indicators._defence_terms()"}
HANG_BUDGET = 30.0  # seconds: each case takes milliseconds; see conftest.hang_guard


@pytest.mark.parametrize("kind", list(ADVERSARIAL))
def test_no_regex_backtracks(kind):
    """Every regex of the counts path finishes on 100 kB of adversarial text (catastrophic
    backtracking would run for minutes); the per-regex times are in bench/regex_linearity.py."""
    text = ADVERSARIAL[kind]
    assert len(text) >= 99_000
    positions = range(0, len(text), len(text) // 50)
    for name, pattern in _patterns():
        with hang_guard(HANG_BUDGET, f"{name} on {kind!r}"):
            if name in SCANNERS:
                sum(1 for _ in pattern.finditer(text))
            else:
                [pattern.match(text, pos) for pos in positions]


@pytest.mark.parametrize("kind", list(ADVERSARIAL))
def test_extractor_on_adversarial_text(kind):
    text = ADVERSARIAL[kind]
    doc = Analysis(text=text, original=text, words=[], sentences=[])
    with hang_guard(HANG_BUDGET, f"counts.extract on {kind!r}"):
        found = counts.extract(doc)
    for c in found[:1000]:
        assert text[c.start:c.end] == c.text


def test_name_before_same_as_trying_every_position():
    # _NAME_BEFORE is tried only where a word starts; the pattern tried at every position of the
    # window (as it was) finds the same names before every position of the sample texts.
    from conftest import SAMPLES
    from qpdp_nlp.extractors.counts import _name_before
    from qpdp_nlp.text import normalize

    every_position = re.compile(r"((?:[^\W\d_]+ )*?[^\W\d_]+) $")

    def reference(text: str, start: int) -> str:
        m = every_position.search(text, max(0, start - 30), start)
        words = m.group(1).split() if m else []
        name: list[str] = []
        for w in reversed(words):
            if not w[:1].isupper():
                break
            name.insert(0, w)
        return " ".join(name)

    for path in sorted(SAMPLES.glob("*.txt"))[:8]:
        text = normalize(path.read_text(encoding="utf-8"))
        assert all(_name_before(text, start) == reference(text, start) for start in range(len(text)))
