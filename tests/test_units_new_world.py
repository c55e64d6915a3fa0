"""Units after the 1 July 2025 reform (issue 16): defence-zone commands, parents, commune bodies,
bodies of a whole tier, TP.HCM / Thủ đô / Roman numerals, former units.

Every sentence here is written for these tests (none comes from the gold corpus).
"""

from __future__ import annotations

import pytest

from qpdp_nlp.extractors import units as U
from qpdp_nlp.records import Scope
from qpdp_nlp.text import analyse, normalize

ZONE = "Ban Chỉ huy Phòng thủ khu vực"


def _units(sentence: str):
    return U.extract(analyse(normalize(sentence)))


# (sentence, zone as written, canonical)
ZONE_SPELLINGS = [
    ("Ban Chỉ huy Phòng thủ khu vực 2 – Thống Nhất tổng kết năm.", "Ban Chỉ huy Phòng thủ khu vực 2 – Thống Nhất",
     f"{ZONE} 2 – Thống Nhất"),
    ("Ban chỉ huy phòng thủ khu vực 5 - Tuy An ra quân.", "Ban chỉ huy phòng thủ khu vực 5 - Tuy An",
     f"{ZONE} 5 – Tuy An"),
    ("Sáng nay, Ban CHPTKV2 tổ chức giao quân.", "Ban CHPTKV2", f"{ZONE} 2"),
    ("BCH PTKV 4 - Chư Prông chủ trì hội nghị.", "BCH PTKV 4 - Chư Prông", f"{ZONE} 4 – Chư Prông"),
    ("Ban Chỉ huy PTKV số 3 kiểm tra các xã.", "Ban Chỉ huy PTKV số 3", f"{ZONE} 3"),
    ("Ban Chỉ huy Phòng thủ khu vực 4 (PTKV) - Măng Đen huấn luyện.",
     "Ban Chỉ huy Phòng thủ khu vực 4 (PTKV) - Măng Đen", f"{ZONE} 4 – Măng Đen"),
    ("Ban Chỉ huy phòng thủ khu vực (PTKV) 6-Sơn Hòa mở lớp.", "Ban Chỉ huy phòng thủ khu vực (PTKV) 6-Sơn Hòa",
     f"{ZONE} 6 – Sơn Hòa"),
    ("Ban Chỉ huy Phòng thủ khu vực 1, Hoài Nhơn Nam tổ chức diễn tập.",
     "Ban Chỉ huy Phòng thủ khu vực 1, Hoài Nhơn Nam", f"{ZONE} 1 – Hoài Nhơn Nam"),
    ("Ban Chỉ huy PTKV3 - Bảo Lâm giúp dân.", "Ban Chỉ huy PTKV3 - Bảo Lâm", f"{ZONE} 3 – Bảo Lâm"),
    ("Ban Chỉ huy Phòng thủ Khu vực 2 Hưng Hà ra quân huấn luyện.", "Ban Chỉ huy Phòng thủ Khu vực 2 Hưng Hà",
     f"{ZONE} 2 – Hưng Hà"),
    ("Ban CHPTKV 4 - Vĩnh Yên họp hiệp đồng.", "Ban CHPTKV 4 - Vĩnh Yên", f"{ZONE} 4 – Vĩnh Yên"),
    ("Ban Chỉ huy PTKV 5 - Đồng Xuân ra quân.", "Ban Chỉ huy PTKV 5 - Đồng Xuân", f"{ZONE} 5 – Đồng Xuân"),
    ("Ban Chỉ huy Phòng thủ Khu vực II - Long Xuyên ra quân.", "Ban Chỉ huy Phòng thủ Khu vực II - Long Xuyên",
     f"{ZONE} 2 – Long Xuyên"),
    # a headline in capitals, and a zone named alone (numbered and named after a dash)
    ("BAN CHỈ HUY PHÒNG THỦ KHU VỰC 4 – MƯỜNG ẢNG RA MẮT", "BAN CHỈ HUY PHÒNG THỦ KHU VỰC 4 – MƯỜNG ẢNG",
     f"{ZONE} 4 – Mường Ảng"),
    ("Trợ lý Dân quân tự vệ Khu vực III - Tân Châu dự.", "Khu vực III - Tân Châu", f"{ZONE} 3 – Tân Châu"),
]


@pytest.mark.parametrize("sentence, written, canonical", ZONE_SPELLINGS)
def test_defence_zone_is_one_unit(sentence, written, canonical):
    found = _units(sentence)
    zone = next(u for u in found if u.type == "military_command")
    assert (zone.text, zone.canonical, zone.level, zone.rule) == (written, canonical, "district", "defence_zone")
    assert not any(u is not zone and zone.start <= u.start < zone.end for u in found), found


def test_zone_name_stops_before_a_rank_and_a_province():
    assert [u.canonical for u in _units("Ban Chỉ huy PTKV 2, Trung tá Lê Văn Tám báo cáo.")] == [f"{ZONE} 2"]
    (zone, command) = _units("Ban Chỉ huy PTKV 3 - Đắk Đoa (Bộ CHQS tỉnh Gia Lai) họp.")
    assert zone.canonical == f"{ZONE} 3 – Đắk Đoa"
    assert (zone.parent, zone.place) == ("Bộ Chỉ huy Quân sự tỉnh Gia Lai", "Gia Lai")
    assert command.text == "Bộ CHQS tỉnh Gia Lai"


ZONE_NEGATIVES = [
    "Các Ban Chỉ huy Phòng thủ khu vực phân công cán bộ hướng dẫn.",
    "Sau sắp xếp, Ban Chỉ huy PTKV làm tốt công tác tham mưu.",
    "Tỉnh tổ chức diễn tập khu vực phòng thủ năm nay.",
    "Lực lượng khu vực phòng thủ 3 - Tân Kỳ sẵn sàng.",
]


@pytest.mark.parametrize("sentence", ZONE_NEGATIVES)
def test_not_a_zone(sentence):
    assert not [u for u in _units(sentence) if U.ZONE_COMMAND in u.canonical]


GIA_LAI_ZONE = Scope(level="district", province="Gia Lai", district="Thống Nhất", era="2025",
                     defence_zone="Thống Nhất", defence_zone_number=2)
PHU_THO = Scope(level="province", province="Phú Thọ", era="2025")
COMMUNE_2025 = Scope(level="commune", province="Gia Lai", commune="Ia Hrung", era="2025")


def _filled(sentence: str, scope: Scope):
    found = _units(sentence)
    U.fill_place(found, scope)
    return [(u.text, u.canonical, u.type, u.level, u.place, u.parent) for u in found]


def test_zone_gets_the_province_of_the_scope():
    assert _filled("Ban Chỉ huy PTKV 2 – Thống Nhất tổng kết.", GIA_LAI_ZONE) == [
        ("Ban Chỉ huy PTKV 2 – Thống Nhất", f"{ZONE} 2 – Thống Nhất", "military_command", "district",
         "Gia Lai", None),
    ]


# (sentence, scope, (text, canonical, type, level, place, parent) of the first unit)
PARENTS = [
    # a bare Party committee coordinated with a command is that command's, never the province's
    ("Đảng ủy, Ban Chỉ huy PTKV 2 – Thống Nhất tổ chức hội nghị.", PHU_THO,
     ("Đảng ủy", f"Đảng ủy {ZONE} 2 – Thống Nhất", "party_committee", "district", "Phú Thọ",
      f"{ZONE} 2 – Thống Nhất")),
    ("Đảng ủy - Bộ CHQS tỉnh ra nghị quyết lãnh đạo.", PHU_THO,
     ("Đảng ủy", "Đảng ủy Quân sự tỉnh Phú Thọ", "party_committee", "province", "Phú Thọ",
      "Bộ Chỉ huy Quân sự tỉnh Phú Thọ")),
    # a bare "Đảng ủy" in a zone's own article is the zone command's
    ("Đảng ủy lãnh đạo hoàn thành nhiệm vụ.", GIA_LAI_ZONE,
     ("Đảng ủy", f"Đảng ủy {ZONE} 2 – Thống Nhất", "party_committee", "district", "Gia Lai",
      f"{ZONE} 2 – Thống Nhất")),
    # joined names: the rest is the parent
    ("Đảng bộ Ban Chỉ huy PTKV 5 - Kbang ra mắt.", PHU_THO,
     ("Đảng bộ Ban Chỉ huy PTKV 5 - Kbang", f"Đảng bộ {ZONE} 5 – Kbang", "party_committee", "district",
      "Phú Thọ", f"{ZONE} 5 – Kbang")),
    ("Ban Thường vụ Đảng ủy xã Ia Hrung họp.", COMMUNE_2025,
     ("Ban Thường vụ Đảng ủy xã Ia Hrung", "Ban Thường vụ Đảng ủy xã Ia Hrung", "party_committee", "commune",
      "Ia Hrung", "Đảng ủy xã Ia Hrung")),
    ("Ban Thường vụ Đảng ủy chỉ đạo sát sao.", COMMUNE_2025,
     ("Ban Thường vụ Đảng ủy", "Ban Thường vụ Đảng ủy xã Ia Hrung", "party_committee", "commune",
      "Ia Hrung", "Đảng ủy xã Ia Hrung")),
    # a military Party body belongs to its command
    ("Đảng ủy Quân sự xã đề ra nghị quyết.", COMMUNE_2025,
     ("Đảng ủy Quân sự xã", "Đảng ủy Quân sự xã Ia Hrung", "party_committee", "commune", "Ia Hrung",
      "Ban Chỉ huy Quân sự xã Ia Hrung")),
    ("Chi bộ Quân sự của Ban CHQS xã Ia Hrung đạt trong sạch vững mạnh.", COMMUNE_2025,
     ("Chi bộ Quân sự", "Chi bộ Quân sự xã Ia Hrung", "party_committee", "commune", "Ia Hrung",
      "Ban Chỉ huy Quân sự xã Ia Hrung")),
    ("Trung đoàn 996 (Bộ CHQS tỉnh) huấn luyện.", PHU_THO,
     ("Trung đoàn 996", "Trung đoàn 996", "military_unit", None, None, "Bộ Chỉ huy Quân sự tỉnh Phú Thọ")),
    ("Đại đội 17 thuộc Ban Chỉ huy PTKV 1 diễn tập.", PHU_THO,
     ("Đại đội 17", "Đại đội 17", "military_unit", None, None, f"{ZONE} 1")),
]


@pytest.mark.parametrize("sentence, scope, expected", PARENTS)
def test_parent_units(sentence, scope, expected):
    assert _filled(sentence, scope)[0] == expected


def test_commune_party_committee_is_not_a_command_s():
    # at the commune the Party committee is the commune's: "Đảng ủy, Ban CHQS xã" are two bodies
    first, second = _filled("Đảng ủy, Ban CHQS xã lãnh đạo tốt.", COMMUNE_2025)
    assert first[1:] == ("Đảng ủy xã Ia Hrung", "party_committee", "commune", "Ia Hrung", None)
    assert second[1] == "Ban Chỉ huy Quân sự xã Ia Hrung"


# (sentence, scope, canonical, type, level, place) — bodies of communes, wards, special zones
COMMUNE_BODIES = [
    ("Ban CHQS phường Pleiku ra quân huấn luyện.", PHU_THO,
     "Ban Chỉ huy Quân sự phường Pleiku", "military_command", "commune", "Pleiku"),
    ("Ban Chỉ huy Quân sự đặc khu Phú Quốc trực sẵn sàng.", PHU_THO,
     "Ban Chỉ huy Quân sự đặc khu Phú Quốc", "military_command", "commune", "Phú Quốc"),
    ("UBND xã giao chỉ tiêu cho các thôn.", COMMUNE_2025,
     "Ủy ban nhân dân xã Ia Hrung", "peoples_committee", "commune", "Ia Hrung"),
    ("HĐND phường Hội Phú thông qua nghị quyết.", PHU_THO,
     "Hội đồng nhân dân phường Hội Phú", "peoples_council", "commune", "Hội Phú"),
    ("Ủy ban MTTQ Việt Nam xã vận động nhân dân.", COMMUNE_2025,
     "Ủy ban Mặt trận Tổ quốc Việt Nam xã Ia Hrung", "mass_organisation", "commune", "Ia Hrung"),
    ("Công an xã Ia Hrung giữ gìn an ninh.", PHU_THO,
     "Công an xã Ia Hrung", "police", "commune", "Ia Hrung"),
    ("Đảng ủy phường lãnh đạo công tác quân sự.", COMMUNE_2025,
     "Đảng ủy phường Ia Hrung", "party_committee", "commune", "Ia Hrung"),
    ("Bộ CHQS tỉnh Gia Lai giao nhiệm vụ.", COMMUNE_2025,
     "Bộ Chỉ huy Quân sự tỉnh Gia Lai", "military_command", "province", "Gia Lai"),
]


@pytest.mark.parametrize("sentence, scope, canonical, unit_type, level, place", COMMUNE_BODIES)
def test_commune_bodies(sentence, scope, canonical, unit_type, level, place):
    (_, got_canonical, got_type, got_level, got_place, _) = _filled(sentence, scope)[0]
    assert (got_canonical, got_type, got_level, got_place) == (canonical, unit_type, level, place)


# Bodies of a whole tier and plurals are generic: no unit, so no place of their own.
GENERIC = [
    "Ban CHQS cấp xã được kiện toàn sau sắp xếp.",
    "Ban Chỉ huy Quân sự (CHQS) cấp xã tham mưu cho cấp ủy.",
    "Hội đồng nhân dân các cấp tăng cường giám sát.",
    "Hội đồng GDQP&AN các cấp hoạt động hiệu quả.",
    "UBND các xã, phường rà soát nguồn nhập ngũ.",
    "Hội đồng nghĩa vụ quân sự 12 xã, phường đồng loạt trao lệnh.",
    "Chi bộ Quân sự 9 xã được thành lập.",
]


@pytest.mark.parametrize("sentence", GENERIC)
def test_generic_bodies_are_not_units(sentence):
    assert _units(sentence) == []


def test_no_legacy_district_is_filled_on_the_2025_map():
    (unit,) = _units("Ban CHQS huyện bàn giao nhiệm vụ.")
    U.fill_place([unit], GIA_LAI_ZONE)
    assert (unit.canonical, unit.place) == ("Ban Chỉ huy Quân sự huyện", None)


# (sentence, written, canonical, level)
CITIES_AND_REGIONS = [
    ("Bộ Tư lệnh TP.HCM tổ chức diễn tập.", "Bộ Tư lệnh TP.HCM", "Bộ Tư lệnh Thành phố Hồ Chí Minh", "military_region"),
    ("Bộ Tư lệnh TPHCM giao quân.", "Bộ Tư lệnh TPHCM", "Bộ Tư lệnh Thành phố Hồ Chí Minh", "military_region"),
    ("Bộ Tư lệnh Thủ đô kiểm tra.", "Bộ Tư lệnh Thủ đô", "Bộ Tư lệnh Thủ đô Hà Nội", "military_region"),
    ("Quân khu II chỉ đạo diễn tập.", "Quân khu II", "Quân khu 2", "military_region"),
    ("Phó Tư lệnh Quân Khu I dự lễ.", "Quân Khu I", "Quân khu 1", "military_region"),
    ("UBND TPHCM khen thưởng.", "UBND TPHCM", "Ủy ban nhân dân thành phố Hồ Chí Minh", "province"),
    ("Công an TP.HCM phân luồng.", "Công an TP.HCM", "Công an thành phố Hồ Chí Minh", "province"),
    ("Thành ủy TPHCM ban hành chỉ thị.", "Thành ủy TPHCM", "Thành ủy Hồ Chí Minh", None),
]


@pytest.mark.parametrize("sentence, written, canonical, level", CITIES_AND_REGIONS)
def test_cities_and_regions(sentence, written, canonical, level):
    unit = _units(sentence)[0]
    assert (unit.text, unit.canonical, unit.level) == (written, canonical, level)


@pytest.mark.parametrize(
    "sentence, written, canonical",
    [
        ("Ban CHQS huyện Krông Pa (cũ) bàn giao vũ khí.", "Ban CHQS huyện Krông Pa (cũ)",
         "Ban Chỉ huy Quân sự huyện Krông Pa (cũ)"),
        ("Ban CHQS huyện (cũ) bàn giao hồ sơ.", "Ban CHQS huyện (cũ)", "Ban Chỉ huy Quân sự huyện (cũ)"),
    ],
)
def test_former_units_keep_their_former_name(sentence, written, canonical):
    (unit,) = _units(sentence)
    U.fill_place([unit], GIA_LAI_ZONE)
    assert (unit.text, unit.canonical) == (written, canonical)


@pytest.mark.parametrize(
    "position, scope, unit",
    [
        ("Chỉ huy trưởng Ban Chỉ huy Phòng thủ khu vực 2 – Thống Nhất", PHU_THO, f"{ZONE} 2 – Thống Nhất"),
        ("Chính ủy Ban CHPTKV 3 - Bảo Lâm", PHU_THO, f"{ZONE} 3 – Bảo Lâm"),
        ("Bí thư Đảng ủy xã", COMMUNE_2025, "Đảng ủy xã Ia Hrung"),
        ("Chủ tịch UBND phường", Scope(level="commune", province="Gia Lai", commune="Pleiku"),
         "Ủy ban nhân dân phường Pleiku"),
        ("Phó Tư lệnh Quân khu II", PHU_THO, "Quân khu 2"),
    ],
)
def test_unit_of_a_new_position(position, scope, unit):
    assert U.unit_of_position(position, scope) == unit


def test_spans_and_parents_are_consistent():
    text = normalize(
        "Đảng ủy, Ban Chỉ huy PTKV 2 – Thống Nhất (Bộ CHQS tỉnh Gia Lai) và Ban Thường vụ Đảng ủy xã Ia Hrung, "
        "Chi bộ Quân sự của Ban CHQS xã Ia Hrung, Ban CHQS cấp xã."
    )
    found = U.extract(analyse(text))
    U.fill_place(found, GIA_LAI_ZONE)
    for unit in found:
        assert text[unit.start:unit.end] == unit.text
        assert unit.parent != unit.canonical
