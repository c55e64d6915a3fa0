"""Persons after the 1 July 2025 reform (issue 16, point 5): offices of defence zones, communes and
wards; namesakes of schools, streets and wards; names written as the Central Highlands write them.

Every sentence here is written for these tests (none comes from the gold corpus).
"""

from __future__ import annotations

import pytest

from qpdp_nlp.extractors import persons as P
from qpdp_nlp.extractors import units as U
from qpdp_nlp.records import Scope
from qpdp_nlp.text import analyse


def _people(sentence: str):
    return [(p.rank, p.name, p.position) for p in P.extract(analyse(sentence))]


# (sentence, [(rank, name, position), ...])
NEW_POSITIONS = [
    ("Đại tá Trần Văn Hùng, Chỉ huy trưởng Ban Chỉ huy Phòng thủ khu vực 2 – Thống Nhất phát biểu.",
     [("Đại tá", "Trần Văn Hùng", "Chỉ huy trưởng Ban Chỉ huy Phòng thủ khu vực 2 – Thống Nhất")]),
    ("Thượng tá Vũ Minh Đức - Chính ủy Ban CHPTKV 3 - Bảo Lâm cho biết đơn vị sẵn sàng.",
     [("Thượng tá", "Vũ Minh Đức", "Chính ủy Ban CHPTKV 3 - Bảo Lâm")]),
    ("Trung tá Lê Văn Tư, Phó Chỉ huy trưởng BCH PTKV 4 - Chư Prông chủ trì.",
     [("Trung tá", "Lê Văn Tư", "Phó Chỉ huy trưởng BCH PTKV 4 - Chư Prông")]),
    ("Thiếu tá Đinh Công Lực, Chỉ huy trưởng Ban Chỉ huy Phòng thủ khu vực 2 phát biểu.",
     [("Thiếu tá", "Đinh Công Lực", "Chỉ huy trưởng Ban Chỉ huy Phòng thủ khu vực 2")]),
    ("Ông Lê Văn Nam, Bí thư Đảng ủy xã Ia Hrung và bà Hà Thị Mai - Chủ tịch UBND phường Hội Phú dự.",
     [(None, "Lê Văn Nam", "Bí thư Đảng ủy xã Ia Hrung"), (None, "Hà Thị Mai", "Chủ tịch UBND phường Hội Phú")]),
    ("Chủ tịch UBND phường Phạm Thị Hoa trao quà cho tân binh.",
     [(None, "Phạm Thị Hoa", "Chủ tịch UBND phường")]),
    ("Bí thư Đảng ủy xã Nguyễn Văn Bình dự lễ.", [(None, "Nguyễn Văn Bình", "Bí thư Đảng ủy xã")]),
    # the holder after the office and a dash
    ("Buổi họp do Chủ tịch UBND xã, Chủ tịch Hội đồng nghĩa vụ quân sự xã – Trần Thị Lan chủ trì.",
     [(None, "Trần Thị Lan", "Chủ tịch UBND xã, Chủ tịch Hội đồng nghĩa vụ quân sự xã")]),
    # names without a Vietnamese family name, with an apostrophe, after a province
    ("Đồng chí Bun Xay Lào - Bí thư Đảng ủy xã phát biểu.",
     [(None, "Bun Xay Lào", "Bí thư Đảng ủy xã")]),
    ("Dự có đồng chí: K' Văn Bình - Chủ tịch UBND xã.", [(None, "K' Văn Bình", "Chủ tịch UBND xã")]),
    ("Bí thư Tỉnh ủy Đắk Lắk Y Thanh Niê K'đăm thăm tân binh.",
     [(None, "Y Thanh Niê K'đăm", "Bí thư Tỉnh ủy Đắk Lắk")]),
]


@pytest.mark.parametrize("sentence, expected", NEW_POSITIONS)
def test_new_positions(sentence, expected):
    assert _people(sentence) == expected


# Names of people given to schools, streets, wards and parks are not persons.
NAMESAKES = [
    "Học sinh Trường THCS Nguyễn Du và Trường THPT Lê Quý Đôn tham gia.",
    "Hiệu trưởng Trường THPT Lê Quý Đôn phát biểu tại buổi lễ.",
    "Bí thư Đoàn trường THCS Nguyễn Văn Trỗi chia sẻ kinh nghiệm.",
    "Chủ tịch UBND phường Trần Hưng Đạo phát biểu.",
    "Lễ ra quân tại đường Trần Phú, phường Lê Lợi, xã Nguyễn Trãi.",
    "Giáo viên Trường Tiểu học Võ Thị Sáu cho biết các em học tốt.",
    "Đồng chí Thanh Hóa phát biểu.",
    "Anh nói: 'Ba Bể' là quê tôi.",
]


@pytest.mark.parametrize("sentence", NAMESAKES)
def test_namesakes_are_not_persons(sentence):
    assert _people(sentence) == []


def test_a_person_after_a_namesake_is_still_found():
    assert _people("Hiệu trưởng Trường THPT Lê Quý Đôn Nguyễn Văn Hải phát biểu.") == [
        (None, "Nguyễn Văn Hải", "Hiệu trưởng Trường THPT Lê Quý Đôn")
    ]


def test_person_unit_from_a_new_position():
    found = P.extract(analyse("Trung tá Lê Văn Tư, Chỉ huy trưởng BCH PTKV 4 - Chư Prông; "
                              "ông Hà Văn Nam, Bí thư Đảng ủy xã."))
    U.assign_person_units(found, Scope(level="commune", province="Gia Lai", commune="Ia Hrung", era="2025"))
    assert [p.unit for p in found] == ["Ban Chỉ huy Phòng thủ khu vực 4 – Chư Prông", "Đảng ủy xã Ia Hrung"]


def test_apostrophe_tokens_keep_offsets():
    text = "Đồng chí: K' Văn Bình, Niê K'đăm và 'Ba Bể'."
    for tok in P.tokenize(text):
        assert text[tok.start:tok.end] == tok.text
