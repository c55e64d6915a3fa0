"""The Vietnamese number reader, Duckling style: each value with every surface form that must give
it, and a negative corpus that must give nothing. Surface forms are written for the project."""

from __future__ import annotations

import pytest

from conftest import hang_guard
from qpdp_nlp.extractors.numbers import find_numbers, parse

# value <- every surface form that must read as exactly that value (the whole string is one number)
CORPUS: list[tuple[float, list[str]]] = [
    (1, ["1", "01", "001"]),
    (2, ["2", "02", "hai"]),
    (3, ["3", "03", "ba", "Ba"]),
    (4, ["4", "04", "bốn"]),
    (5, ["5", "05", "năm"]),
    (6, ["6", "06", "sáu", "Sáu"]),
    (7, ["7", "07", "bảy", "bẩy"]),
    (8, ["8", "08", "tám"]),
    (9, ["9", "09", "chín"]),
    (10, ["10", "mười", "Mười", "một chục"]),
    (11, ["11", "mười một"]),
    (14, ["14", "mười bốn", "mười tư"]),
    (15, ["15", "mười lăm", "mười nhăm"]),
    (18, ["18", "mười tám"]),
    (20, ["20", "hai mươi", "hai chục"]),
    (21, ["21", "hai mươi mốt", "hai mươi một"]),
    (24, ["24", "hai mươi tư", "hai mươi bốn"]),
    (25, ["25", "hai mươi lăm", "hai mươi nhăm"]),
    (30, ["30", "ba mươi", "ba chục"]),
    (45, ["45", "bốn mươi lăm", "bốn mươi nhăm"]),
    (55, ["55", "năm mươi lăm"]),
    (99, ["99", "chín mươi chín"]),
    (100, ["100", "một trăm"]),
    (105, ["105", "một trăm lẻ năm", "một trăm linh năm"]),
    (110, ["110", "một trăm mười"]),
    (115, ["115", "một trăm mười lăm"]),
    (150, ["150", "một trăm năm mươi", "một trăm rưỡi"]),
    (204, ["204", "hai trăm linh tư", "hai trăm lẻ bốn"]),
    (250, ["250", "hai trăm năm mươi", "hai trăm rưỡi"]),
    (365, ["365", "ba trăm sáu mươi lăm"]),
    (999, ["999", "chín trăm chín mươi chín"]),
    (1000, ["1000", "1.000", "1 000", "một nghìn", "một ngàn", "1 nghìn", "1 ngàn"]),
    (1100, ["1100", "1.100", "1 100", "một nghìn một trăm"]),
    (1250, ["1.250", "1 250", "một nghìn hai trăm năm mươi"]),
    (1480, ["1.480", "1480"]),
    (1500, ["1.500", "một nghìn rưỡi", "1,5 nghìn", "một nghìn năm trăm"]),
    (2500, ["2.500", "2 500", "hai nghìn năm trăm", "2,5 nghìn", "hai ngàn rưỡi"]),
    (3155, ["3.155", "3 155", "ba nghìn một trăm năm mươi lăm"]),
    (3650, ["3.650", "3 nghìn 650", "ba nghìn sáu trăm năm mươi", "3 ngàn 650"]),
    (10_000, ["10.000", "10 000", "mười nghìn", "10 nghìn", "mười ngàn"]),
    (15_000, ["15.000", "mười lăm nghìn", "15 nghìn"]),
    (25_000, ["25.000", "hai mươi lăm nghìn", "25 ngàn"]),
    (100_000, ["100.000", "100 nghìn", "một trăm nghìn", "100 000"]),
    (500_000, ["500.000", "500 ngàn", "năm trăm nghìn", "500 nghìn"]),
    (1_000_000, ["1.000.000", "1 triệu", "một triệu"]),
    (1_200_000, ["1.200.000", "1,2 triệu", "1 triệu 200 nghìn", "một triệu hai trăm nghìn"]),
    (2_500_000, ["2.500.000", "2,5 triệu", "hai triệu rưỡi", "2 triệu 500 nghìn", "hai triệu năm trăm nghìn"]),
    (10_500_000, ["10.500.000", "10,5 triệu", "mười triệu rưỡi"]),
    (60_542_000, ["60.542.000", "60 542 000"]),
    (71_000_000, ["71 triệu", "71.000.000", "bảy mươi mốt triệu"]),
    (360_000_000, ["360 triệu", "360.000.000", "ba trăm sáu mươi triệu"]),
    (1_000_000_000, ["1 tỷ", "một tỷ", "1 tỉ", "1.000.000.000"]),
    (2_000_000_000, ["2 tỷ", "hai tỷ", "2 tỉ", "2.000.000.000"]),
    (2_500_000_000, ["2,5 tỷ", "2 tỷ 500 triệu", "hai tỷ rưỡi", "hai tỷ năm trăm triệu"]),
    (1.04, ["1,04"]),
    (2.5, ["2,5"]),
    (14.5, ["14,5"]),
    (18.97, ["18,97"]),
    (1234.5, ["1.234,5"]),
]

# value, and how it must read: percent flag, upper bound, denominator
SHAPES: list[tuple[str, float, bool, float | None, float | None]] = [
    ("100%", 100, True, None, None),
    ("100 %", 100, True, None, None),
    ("98,5%", 98.5, True, None, None),
    ("1,04%", 1.04, True, None, None),
    ("100 phần trăm", 100, True, None, None),
    ("chín mươi phần trăm", 90, True, None, None),
    ("80- 85%", 80, True, 85, None),
    ("80-85%", 80, True, 85, None),
    ("80% - 85%", 80, True, 85, None),
    ("80 – 85%", 80, True, 85, None),
    ("200 đến 300", 200, False, 300, None),
    ("200-300", 200, False, 300, None),
    ("2-3 tỷ", 2_000_000_000, False, 3_000_000_000, None),
    ("hai đến ba", 2, False, 3, None),
    ("1.000 - 1.200", 1000, False, 1200, None),
    ("141/145", 141, False, None, 145),
    ("18/20", 18, False, None, 20),
    ("3/5", 3, False, None, 5),
    ("24/24", 24, False, None, 24),
]

# must give nothing at all: no number anywhere in the string
NEGATIVE: list[str] = [
    "",
    " ",
    "một",
    "Một",
    "tư",
    "mốt",
    "lăm",
    "nhăm",
    "mươi",
    "trăm",
    "nghìn",
    "triệu",
    "tỷ",
    "linh",
    "lẻ",
    "rưỡi",
    "chục",
    "tư tưởng",
    "Bộ Tư lệnh",
    "một cán bộ",
    "hàng trăm lượt người",
    "hàng nghìn người",
    "vài chục người",
    "triệu tập",
    "linh hoạt",
    "lẻ loi",
    "25/10/2013",
    "20.6.2024",
    "10/05/2021",
    "8-12-2021",
    "tháng 9/2021",
    "22.7",
    "19:34",
    "7h30",
    "14h",
    "lúc 7h",
    "TTG416",
    "Covid-19",
    "COVID-19",
    "A1",
    "F88",
    "không",
    "29/9",
    "ngày 18/8",
    "Ba-na",
    "ngày",
    "chương trình",
]

POSITIVE_CASES = [(value, surface) for value, forms in CORPUS for surface in forms]


def test_corpus_size():
    assert len(POSITIVE_CASES) + len(SHAPES) >= 150
    assert len(NEGATIVE) >= 40


@pytest.mark.parametrize(("value", "surface"), POSITIVE_CASES, ids=[s for _, s in POSITIVE_CASES])
def test_value(value, surface):
    number = parse(surface)
    assert number is not None, surface
    assert number.value == pytest.approx(value)
    assert number.text == surface.strip()


@pytest.mark.parametrize(("surface", "value", "percent", "upper", "denominator"), SHAPES, ids=[s[0] for s in SHAPES])
def test_shape(surface, value, percent, upper, denominator):
    found = find_numbers(surface)
    assert found, surface
    number = found[0]
    assert number.value == pytest.approx(value)
    assert number.is_percent is percent
    assert number.upper == (pytest.approx(upper) if upper is not None else None)
    assert number.denominator == (pytest.approx(denominator) if denominator is not None else None)


@pytest.mark.parametrize("surface", NEGATIVE, ids=[repr(s) for s in NEGATIVE])
def test_negative(surface):
    assert parse(surface) is None
    assert find_numbers(surface) == []


# In running text: which numbers are read, with their surface text (span invariant checked).
IN_TEXT = [
    ("hơn 1.100 học sinh", [("1.100", 1100)]),
    ("06 tập thể và 18 cá nhân", [("06", 6), ("18", 18)]),
    ("Trong 2 ngày 28 và 29/9", [("2", 2), ("28", 28)]),
    ("hai trăm năm lịch sử", [("hai trăm", 200), ("năm", 5)]),
    ("mười năm qua", [("mười", 10), ("năm", 5)]),
    ("ngày 22-5, 30 xã", [("22-5", 22), ("30", 30)]),
    ("đạt 100% chỉ tiêu", [("100%", 100)]),
    ("hơn 1.480ha cam", [("1.480", 1480)]),
    ("75km đường", [("75", 75)]),
    ("(15 - 18/8), 136 học viên", [("15", 15), ("136", 136)]),
    ("gồm 5 chương, 43 điều", [("5", 5), ("43", 43)]),
    ("18,97 tiêu chí/xã", [("18,97", 18.97)]),
    ("từ 7 giờ đến 7 giờ 25 phút", [("7", 7), ("7", 7), ("25", 25)]),
    ("kinh phí 3,5 tỷ đồng", [("3,5 tỷ", 3_500_000_000)]),
]


@pytest.mark.parametrize(("text", "expected"), IN_TEXT, ids=[t for t, _ in IN_TEXT])
def test_in_text(text, expected):
    found = find_numbers(text)
    assert [(n.text, n.value) for n in found] == expected
    for n in found:
        assert text[n.start:n.end] == n.text


def test_day_month_is_flagged():
    (number,) = find_numbers("sáng 8-2")
    assert number.date_like
    (number,) = find_numbers("15-20 người")
    assert not number.date_like and number.upper == 20


ADVERSARIAL = {
    "digit run": "9" * 100_000,
    "dotted": "1." * 50_000,
    "dotted groups": "1.111" * 20_000,
    "spaced groups": "1 111 " * 16_000,
    "commas": "1,1" * 33_000,
    "spelled": "hai mươi " * 11_000,
    "multipliers": "2 tỷ " * 20_000,
    "slashes": "1/2/" * 25_000,
    "hyphens": "1-2-" * 25_000,
    "percent": "1% " * 33_000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_is_linear(name):
    text = ADVERSARIAL[name]
    with hang_guard(30.0, f"find_numbers on {name!r}"):  # linear is ~50 ms, quadratic minutes
        find_numbers(text)
