"""Units extractor: surface forms -> canonical name, type, level; negatives; scope completion.

Every sentence here is written for these tests (none comes from the gold corpus).
"""

from __future__ import annotations

import pytest

from qpdp_nlp.extractors import units as U
from qpdp_nlp.records import LEVELS, UNIT_TYPES, Scope
from qpdp_nlp.text import analyse, normalize

# (sentence, unit as written, canonical, type, level)
SURFACE_FORMS = [
    # military commands
    ("Lãnh đạo Bộ Chỉ huy Quân sự tỉnh Lạng Sơn dự lễ.", "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn",
     "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn", "military_command", "province"),
    ("Đoàn công tác của Bộ CHQS tỉnh đã kiểm tra.", "Bộ CHQS tỉnh",
     "Bộ Chỉ huy Quân sự tỉnh", "military_command", "province"),
    ("BCHQS tỉnh Cao Bằng giao chỉ tiêu.", "BCHQS tỉnh Cao Bằng",
     "Bộ Chỉ huy Quân sự tỉnh Cao Bằng", "military_command", "province"),
    ("BCHQS huyện Hòa An chuẩn bị lực lượng.", "BCHQS huyện Hòa An",
     "Ban Chỉ huy Quân sự huyện Hòa An", "military_command", "district"),
    ("Ban Chỉ huy Quân sự huyện Bảo Lạc tổ chức huấn luyện.", "Ban Chỉ huy Quân sự huyện Bảo Lạc",
     "Ban Chỉ huy Quân sự huyện Bảo Lạc", "military_command", "district"),
    ("Ban CHQS huyện tham mưu cho cấp ủy.", "Ban CHQS huyện",
     "Ban Chỉ huy Quân sự huyện", "military_command", "district"),
    ("ban chỉ huy quân sự xã Đông Khê họp.", "ban chỉ huy quân sự xã Đông Khê",
     "Ban Chỉ huy Quân sự xã Đông Khê", "military_command", "commune"),
    ("BCH Quân sự thị trấn Nước Hai trực sẵn sàng.", "BCH Quân sự thị trấn Nước Hai",
     "Ban Chỉ huy Quân sự thị trấn Nước Hai", "military_command", "commune"),
    ("Ban CHQS TX. Quảng Yên báo cáo.", "Ban CHQS TX. Quảng Yên",
     "Ban Chỉ huy Quân sự thị xã Quảng Yên", "military_command", "district"),
    ("Ban CHQS Quận 3 tổ chức giao quân.", "Ban CHQS Quận 3",
     "Ban Chỉ huy Quân sự Quận 3", "military_command", "district"),
    ("Ban CHQS phường 5 ra quân.", "Ban CHQS phường 5",
     "Ban Chỉ huy Quân sự Phường 5", "military_command", "commune"),
    ("Các đơn vị thuộc Quân khu 1 tham gia.", "Quân khu 1", "Quân khu 1", "military_command", "military_region"),
    ("Bộ Tư lệnh Quân khu 9 chỉ đạo.", "Bộ Tư lệnh Quân khu 9",
     "Bộ Tư lệnh Quân khu 9", "military_command", "military_region"),
    ("Bộ Tham mưu Quân khu 4 hướng dẫn.", "Bộ Tham mưu Quân khu 4",
     "Bộ Tham mưu Quân khu 4", "military_command", "military_region"),
    ("Bộ Tư lệnh Thủ đô Hà Nội kiểm tra.", "Bộ Tư lệnh Thủ đô Hà Nội",
     "Bộ Tư lệnh Thủ đô Hà Nội", "military_command", "military_region"),
    ("Thiếu tướng dẫn đoàn của Bộ Tổng Tham mưu.", "Bộ Tổng Tham mưu",
     "Bộ Tổng Tham mưu", "military_command", "national"),
    ("Tổng cục Chính trị QĐND Việt Nam phát động.", "Tổng cục Chính trị QĐND Việt Nam",
     "Tổng cục Chính trị Quân đội nhân dân Việt Nam", "military_command", "national"),
    ("Trường Quân sự tỉnh mở lớp bồi dưỡng.", "Trường Quân sự tỉnh",
     "Trường Quân sự tỉnh", "military_command", "province"),
    # military units
    ("Sư đoàn 312 nhận nhiệm vụ.", "Sư đoàn 312", "Sư đoàn 312", "military_unit", None),
    ("Lữ đoàn Công binh 279 bắc cầu phao.", "Lữ đoàn Công binh 279",
     "Lữ đoàn Công binh 279", "military_unit", None),
    ("Trung đoàn Bộ binh 48 diễn tập.", "Trung đoàn Bộ binh 48", "Trung đoàn Bộ binh 48", "military_unit", None),
    ("Sư đoàn 3 Quân khu 1 đón tân binh.", "Sư đoàn 3 Quân khu 1",
     "Sư đoàn 3 Quân khu 1", "military_unit", "military_region"),
    ("Tiểu đoàn 14 hành quân dã ngoại.", "Tiểu đoàn 14", "Tiểu đoàn 14", "military_unit", None),
    ("Quân đoàn 12 tổ chức hội thao.", "Quân đoàn 12", "Quân đoàn 12", "military_unit", None),
    ("Lữ đoàn TTG202 bắn đạn thật.", "Lữ đoàn TTG202", "Lữ đoàn TTG202", "military_unit", None),
    ("Trung đội dân quân cơ động xã Tân Lập luyện tập.", "Trung đội dân quân cơ động xã Tân Lập",
     "Trung đội dân quân cơ động xã Tân Lập", "force", "commune"),
    # border guard
    ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh Quảng Ninh phối hợp.", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Quảng Ninh",
     "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Quảng Ninh", "border_guard", "province"),
    ("Bộ Tư lệnh Bộ đội Biên phòng khen thưởng.", "Bộ Tư lệnh Bộ đội Biên phòng",
     "Bộ Tư lệnh Bộ đội Biên phòng", "border_guard", "national"),
    ("Đồn Biên phòng Pò Peo tuần tra.", "Đồn Biên phòng Pò Peo", "Đồn Biên phòng Pò Peo", "border_guard", "commune"),
    ("Cán bộ BĐBP tỉnh Hà Giang giúp dân.", "BĐBP tỉnh Hà Giang",
     "Bộ đội Biên phòng tỉnh Hà Giang", "border_guard", "province"),
    # Party
    ("Ban Thường vụ Tỉnh ủy ban hành kế hoạch.", "Ban Thường vụ Tỉnh ủy",
     "Ban Thường vụ Tỉnh ủy", "party_committee", "province"),
    ("BTV Huyện ủy Trùng Khánh chỉ đạo.", "BTV Huyện ủy Trùng Khánh",
     "Ban Thường vụ Huyện ủy Trùng Khánh", "party_committee", "district"),
    ("Ông là Bí thư Tỉnh ủy Bắc Giang.", "Tỉnh ủy Bắc Giang", "Tỉnh ủy Bắc Giang", "party_committee", "province"),
    ("Thị ủy Sơn Tây họp phiên thường kỳ.", "Thị ủy Sơn Tây", "Thị ủy Sơn Tây", "party_committee", "district"),
    ("Thường trực Huyện ủy làm việc với xã.", "Thường trực Huyện ủy",
     "Thường trực Huyện ủy", "party_committee", "district"),
    ("Đảng ủy Quân sự tỉnh ra nghị quyết.", "Đảng ủy Quân sự tỉnh",
     "Đảng ủy Quân sự tỉnh", "party_committee", "province"),
    ("ĐUQS huyện Quảng Hòa sơ kết.", "ĐUQS huyện Quảng Hòa",
     "Đảng ủy Quân sự huyện Quảng Hòa", "party_committee", "district"),
    ("Đảng ủy xã Lăng Hiếu lãnh đạo.", "Đảng ủy xã Lăng Hiếu", "Đảng ủy xã Lăng Hiếu", "party_committee", "commune"),
    ("Quân ủy Trung ương đã ban hành nghị quyết.", "Quân ủy Trung ương",
     "Quân ủy Trung ương", "party_committee", "national"),
    ("Kết luận của Bộ Chính trị được quán triệt.", "Bộ Chính trị", "Bộ Chính trị", "party_committee", "national"),
    ("Nghị quyết của Ban Chấp hành Trung ương Đảng khóa XIII.", "Ban Chấp hành Trung ương Đảng",
     "Ban Chấp hành Trung ương Đảng", "party_committee", "national"),
    ("Hướng dẫn của Ban Tổ chức Trung ương được triển khai.", "Ban Tổ chức Trung ương",
     "Ban Tổ chức Trung ương", "party_committee", "national"),
    ("Thường vụ Quân ủy Trung ương quyết định.", "Thường vụ Quân ủy Trung ương",
     "Thường vụ Quân ủy Trung ương", "party_committee", "national"),
    ("Đảng ủy Quân khu 2 lãnh đạo.", "Đảng ủy Quân khu 2", "Đảng ủy Quân khu 2", "party_committee", "military_region"),
    # state bodies
    ("UBND tỉnh Bắc Kạn tặng bằng khen.", "UBND tỉnh Bắc Kạn",
     "Ủy ban nhân dân tỉnh Bắc Kạn", "peoples_committee", "province"),
    ("Ủy ban nhân dân huyện Na Rì ban hành quyết định.", "Ủy ban nhân dân huyện Na Rì",
     "Ủy ban nhân dân huyện Na Rì", "peoples_committee", "district"),
    ("Uỷ ban nhân dân xã tổ chức lễ.", "Ủy ban nhân dân xã", "Ủy ban nhân dân xã", "peoples_committee", "commune"),
    ("UBND TP Hà Nội chỉ đạo.", "UBND TP Hà Nội", "Ủy ban nhân dân thành phố Hà Nội", "peoples_committee", "province"),
    ("UBND thành phố Cao Bằng khen thưởng.", "UBND thành phố Cao Bằng",
     "Ủy ban nhân dân thành phố Cao Bằng", "peoples_committee", "district"),
    ("HĐND tỉnh thông qua nghị quyết.", "HĐND tỉnh", "Hội đồng nhân dân tỉnh", "peoples_council", "province"),
    ("Thường trực HĐND huyện giám sát.", "Thường trực HĐND huyện",
     "Thường trực Hội đồng nhân dân huyện", "peoples_council", "district"),
    ("Công an tỉnh Thái Nguyên phối hợp.", "Công an tỉnh Thái Nguyên",
     "Công an tỉnh Thái Nguyên", "police", "province"),
    ("Công an xã giữ gìn trật tự.", "Công an xã", "Công an xã", "police", "commune"),
    ("Phòng CSGT Công an TP Đà Nẵng phân luồng.", "Phòng CSGT Công an TP Đà Nẵng",
     "Phòng Cảnh sát giao thông Công an thành phố Đà Nẵng", "police", "province"),
    ("Bộ Công an giao chỉ tiêu.", "Bộ Công an", "Bộ Công an", "police", "national"),
    ("Bộ Quốc phòng phê duyệt.", "Bộ Quốc phòng", "Bộ Quốc phòng", "agency", "national"),
    ("Chính phủ ban hành nghị định.", "Chính phủ", "Chính phủ", "agency", "national"),
    ("Hội đồng GDQP&AN tỉnh họp.", "Hội đồng GDQP&AN tỉnh",
     "Hội đồng Giáo dục quốc phòng và an ninh tỉnh", "council", "province"),
    ("Hội đồng giáo dục quốc phòng an ninh huyện kiện toàn.", "Hội đồng giáo dục quốc phòng an ninh huyện",
     "Hội đồng Giáo dục quốc phòng và an ninh huyện", "council", "district"),
    ("Hội đồng NVQS huyện Hà Quảng xét duyệt.", "Hội đồng NVQS huyện Hà Quảng",
     "Hội đồng Nghĩa vụ quân sự huyện Hà Quảng", "council", "district"),
    ("Hội đồng nghĩa vụ quân sự (NVQS) xã Cần Yên họp.", "Hội đồng nghĩa vụ quân sự (NVQS) xã Cần Yên",
     "Hội đồng Nghĩa vụ quân sự xã Cần Yên", "council", "commune"),
    ("Sở Giáo dục và Đào tạo phối hợp.", "Sở Giáo dục và Đào tạo",
     "Sở Giáo dục và Đào tạo", "agency", "province"),
    ("Phòng GD&ĐT huyện Thạch An tổ chức.", "Phòng GD&ĐT huyện Thạch An",
     "Phòng Giáo dục và Đào tạo huyện Thạch An", "agency", "district"),
    ("Trung tâm GDQP&AN tỉnh mở khóa học.", "Trung tâm GDQP&AN tỉnh",
     "Trung tâm Giáo dục quốc phòng và an ninh tỉnh", "agency", "province"),
    ("Đoàn ĐBQH tỉnh tiếp xúc cử tri.", "Đoàn ĐBQH tỉnh", "Đoàn Đại biểu Quốc hội tỉnh", "council", "province"),
    # mass organisations
    ("Ủy ban MTTQ Việt Nam huyện vận động.", "Ủy ban MTTQ Việt Nam huyện",
     "Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "mass_organisation", "district"),
    ("UBMTTQ xã Minh Khai tham gia.", "UBMTTQ xã Minh Khai",
     "Ủy ban Mặt trận Tổ quốc Việt Nam xã Minh Khai", "mass_organisation", "commune"),
    ("Đoàn Thanh niên xã tình nguyện.", "Đoàn Thanh niên xã",
     "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã", "mass_organisation", "commune"),
    ("Hội Cựu chiến binh huyện động viên.", "Hội Cựu chiến binh huyện",
     "Hội Cựu chiến binh huyện", "mass_organisation", "district"),
    ("Hội LHPN tỉnh trao quà.", "Hội LHPN tỉnh", "Hội Liên hiệp Phụ nữ tỉnh", "mass_organisation", "province"),
    ("Huyện đoàn Hạ Lang ra quân.", "Huyện đoàn Hạ Lang", "Huyện đoàn Hạ Lang", "mass_organisation", "district"),
    # schools, enterprises: a proper name keeps the lower-case halves of its words
    ("Học viện Lục quân đã đào tạo.", "Học viện Lục quân", "Học viện Lục quân", "agency", None),
    ("Trung tâm GDQP&AN Đại học Thái Nguyên khai giảng.", "Trung tâm GDQP&AN Đại học Thái Nguyên",
     "Trung tâm Giáo dục quốc phòng và an ninh Đại học Thái Nguyên", "agency", None),
    ("Đồn Biên phòng Cửa khẩu Quốc tế Lào Cai tuần tra.", "Đồn Biên phòng Cửa khẩu Quốc tế Lào Cai",
     "Đồn Biên phòng Cửa khẩu Quốc tế Lào Cai", "border_guard", "commune"),
    ("Công ty TNHH Minh Phát tài trợ.", "Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát", "enterprise", None),
    ("Công ty cổ phần Sông Đà đã ủng hộ.", "Công ty cổ phần Sông Đà", "Công ty cổ phần Sông Đà", "enterprise", None),
    # older and other names
    ("Huyện đội Ngân Sơn giao quân.", "Huyện đội Ngân Sơn", "Huyện đội Ngân Sơn", "military_command", "district"),
    ("Đoàn TNCS Hồ Chí Minh xã ra quân.", "Đoàn TNCS Hồ Chí Minh xã",
     "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã", "mass_organisation", "commune"),
    ("BTL TP Hồ Chí Minh kiểm tra.", "BTL TP Hồ Chí Minh",
     "Bộ Tư lệnh Thành phố Hồ Chí Minh", "military_command", "military_region"),
]


@pytest.mark.parametrize("sentence, written, canonical, unit_type, level", SURFACE_FORMS)
def test_surface_form(sentence, written, canonical, unit_type, level):
    text = normalize(sentence)
    found = U.find_units(text)
    assert found, f"no unit in {sentence!r}"
    unit = found[0]
    assert (unit.text, unit.canonical, unit.type, unit.level) == (written, canonical, unit_type, level)
    assert text[unit.start:unit.end] == unit.text


def test_table_has_enough_forms():
    assert len(SURFACE_FORMS) >= 60


# Sentences that name no unit: generic plurals, descriptive phrases, ad-hoc bodies, titles,
# service branches, bare Party/State, departments without their body.
NEGATIVES = [
    "Các cơ quan, ban ngành, đoàn thể đã phối hợp chặt chẽ.",
    "Cơ quan quân sự thành phố tham mưu kịp thời.",
    "LLVT huyện hoàn thành tốt nhiệm vụ.",
    "Ban Tổ chức trao giải cho các đội.",
    "Đoàn kiểm tra đánh giá cao kết quả.",
    "Thanh niên nhập ngũ vào Quân đội đúng chỉ tiêu.",
    "Sự lãnh đạo của Đảng và quản lý của Nhà nước.",
    "UBND các xã, thị trấn rà soát nguồn.",
    "Hội đồng nghĩa vụ quân sự xã, phường phối hợp.",
    "Các Ban CHQS xã huấn luyện dân quân.",
    "Ông là Tỉnh ủy viên, Bí thư chi bộ thôn.",
    "Công an viên thường trực tại xã.",
    "Lực lượng thường trực sẵn sàng chiến đấu.",
    "Quân khu tổ chức hội thao.",
    "Ban Thường vụ đã họp.",
    "Nghị quyết Trung ương 8 khóa XI.",
    "Công an tham gia bảo vệ.",
    "Ban CHQS các cơ quan, doanh nghiệp tự vệ.",
    "Sinh viên đại học, cao đẳng học giáo dục quốc phòng.",
    "Công ty đã hoàn thành kế hoạch.",
    # a body of a whole tier ("các cấp", "cấp xã") is generic (issue 16, point 7)
    "Hội đồng GDQP&AN các cấp hoạt động hiệu quả.",
    "Ban CHQS cấp xã được kiện toàn sau sắp xếp.",
    "Ban Chỉ huy Quân sự (CHQS) cấp xã tham mưu.",
    "Hội đồng nhân dân các cấp giám sát.",
    "UBND các xã, phường triển khai.",
    # a defence zone neither numbered nor named is the kind of body
    "Các Ban Chỉ huy Phòng thủ khu vực phân công cán bộ.",
    "Sau sắp xếp, Ban Chỉ huy PTKV làm tốt công tác tham mưu.",
    "Diễn tập khu vực phòng thủ tỉnh năm 2025.",
    "",
]


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_not_a_unit(sentence):
    assert U.find_units(normalize(sentence)) == []


@pytest.mark.parametrize(
    "sentence, written",
    [
        # a person's name after a unit is not its place
        ("Chủ tịch UBND huyện Hà Duy Đạt phát biểu.", "UBND huyện"),
        ("Bí thư Huyện ủy Nông Văn Chí dự.", "Huyện ủy"),
        ("Bí thư Tỉnh ủy Bắc Kạn Hoàng Duy Chinh dự.", "Tỉnh ủy Bắc Kạn"),
        # a parent after a bracket or a dash is a unit of its own
        ("Trung đoàn 741 (Bộ CHQS tỉnh) đón quân.", "Trung đoàn 741"),
        ("Lữ đoàn 168 - Quân khu 2 tham gia.", "Lữ đoàn 168"),
        # the title around it is left out
        ("Phó Bí thư Thường trực Đảng ủy xã Quang Trung chủ trì.", "Đảng ủy xã Quang Trung"),
        ("Thành phố Hồ Chí Minh: Ban CHQS TP Hồ Chí Minh ra quân.", "Ban CHQS TP Hồ Chí Minh"),
    ],
)
def test_span_edges(sentence, written):
    found = U.find_units(normalize(sentence))
    assert found and found[0].text == written


def test_bracket_parent_listed_separately():
    found = U.find_units(normalize("Trung đoàn 741 (Bộ CHQS tỉnh) đón quân."))
    assert [u.text for u in found] == ["Trung đoàn 741", "Bộ CHQS tỉnh"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # once per unit, first wording; a different level or place is another unit
        ("UBND huyện Ba Bể, UBND huyện và Ủy ban nhân dân huyện Ba Bể.", ["UBND huyện Ba Bể"]),
        ("UBND huyện, UBND xã và UBND tỉnh dự.", ["UBND huyện", "UBND xã", "UBND tỉnh"]),
        ("Sư đoàn 316 Quân khu 2 và Sư đoàn 316 cùng Quân khu 2.", ["Sư đoàn 316 Quân khu 2", "Quân khu 2"]),
        ("Bộ đội Biên phòng và Biên phòng Tây Ninh.", ["Bộ đội Biên phòng", "Biên phòng Tây Ninh"]),
        ("Trung đoàn 28 và Trung đoàn 991.", ["Trung đoàn 28", "Trung đoàn 991"]),
    ],
)
def test_extract_lists_each_unit_once(text, expected):
    assert [u.text for u in U.extract(analyse(text))] == expected


BA_BE = Scope(level="district", province="Bắc Kạn", district="Ba Bể", district_type="huyện")
VINH_YEN = Scope(level="district", province="Vĩnh Phúc", district="Vĩnh Yên", district_type="thành phố")
NGU_HANH_SON = Scope(level="district", province="Đà Nẵng", district="Ngũ Hành Sơn", district_type="quận")
COMMUNE = Scope(level="commune", province="Phú Thọ", district="Hạ Hòa", district_type="huyện", commune="Vĩnh Chân")


@pytest.mark.parametrize(
    "written, scope, canonical, place, level",
    [
        ("Ban CHQS huyện", BA_BE, "Ban Chỉ huy Quân sự huyện Ba Bể", "Ba Bể", "district"),
        ("Bộ CHQS tỉnh", BA_BE, "Bộ Chỉ huy Quân sự tỉnh Bắc Kạn", "Bắc Kạn", "province"),
        ("Huyện ủy", BA_BE, "Huyện ủy Ba Bể", "Ba Bể", "district"),
        ("Tỉnh ủy", BA_BE, "Tỉnh ủy Bắc Kạn", "Bắc Kạn", "province"),
        ("UBND", BA_BE, "Ủy ban nhân dân huyện Ba Bể", "Ba Bể", "district"),
        ("Bộ Chỉ huy Quân sự", BA_BE, "Bộ Chỉ huy Quân sự tỉnh Bắc Kạn", "Bắc Kạn", "province"),
        ("Ban CHQS thành phố", VINH_YEN, "Ban Chỉ huy Quân sự thành phố Vĩnh Yên", "Vĩnh Yên", "district"),
        ("UBND thành phố", NGU_HANH_SON, "Ủy ban nhân dân thành phố Đà Nẵng", "Đà Nẵng", "province"),
        ("Bộ Chỉ huy Quân sự thành phố", NGU_HANH_SON, "Bộ Chỉ huy Quân sự thành phố Đà Nẵng", "Đà Nẵng",
         "province"),
        ("Ban CHQS quận", NGU_HANH_SON, "Ban Chỉ huy Quân sự quận Ngũ Hành Sơn", "Ngũ Hành Sơn", "district"),
        ("HĐND xã", COMMUNE, "Hội đồng nhân dân xã Vĩnh Chân", "Vĩnh Chân", "commune"),
        ("Đảng ủy", COMMUNE, "Đảng ủy xã Vĩnh Chân", "Vĩnh Chân", "commune"),
        # a place already written, or a level the scope does not name, is left alone
        ("UBND huyện Na Rì", BA_BE, "Ủy ban nhân dân huyện Na Rì", "Na Rì", "district"),
        ("UBND xã", BA_BE, "Ủy ban nhân dân xã", None, "commune"),
        ("Quân khu 1", BA_BE, "Quân khu 1", None, "military_region"),
        ("Ban CHQS huyện", Scope(), "Ban Chỉ huy Quân sự huyện", None, "district"),
    ],
)
def test_fill_place(written, scope, canonical, place, level):
    (unit,) = U.find_units(normalize(written))
    U.fill_place([unit], scope)
    assert (unit.canonical, unit.place, unit.level) == (canonical, place, level)


@pytest.mark.parametrize(
    "position, scope, unit",
    [
        ("Chỉ huy trưởng Bộ CHQS tỉnh", Scope(level="province", province="Bắc Kạn"),
         "Bộ Chỉ huy Quân sự tỉnh Bắc Kạn"),
        ("Phó Tham mưu Trưởng Bộ Chỉ huy Quân sự tỉnh Bắc Kạn", BA_BE, "Bộ Chỉ huy Quân sự tỉnh Bắc Kạn"),
        ("Chủ tịch UBND huyện", BA_BE, "Ủy ban nhân dân huyện Ba Bể"),
        ("Chính trị viên Ban CHQS huyện", BA_BE, "Ban Chỉ huy Quân sự huyện Ba Bể"),
        ("Bí thư Huyện uỷ", BA_BE, "Huyện ủy Ba Bể"),
        ("Tư lệnh Quân khu 1", BA_BE, "Quân khu 1"),
        ("Phó Bí thư Thường trực Đảng ủy", COMMUNE, "Đảng ủy xã Vĩnh Chân"),
        # the office held, not a membership; a named body before a bare "Đảng ủy"
        ("Ủy viên Ban Thường vụ Tỉnh ủy, Chỉ huy trưởng Bộ CHQS tỉnh", BA_BE, "Bộ Chỉ huy Quân sự tỉnh Bắc Kạn"),
        ("Bí thư Đảng ủy, Chính ủy Quân khu 1", BA_BE, "Quân khu 1"),
        ("Phó Bí thư Đảng ủy, Chính trị viên Ban CHQS huyện", BA_BE, "Ban Chỉ huy Quân sự huyện Ba Bể"),
        ("Chính trị viên phó Ban CHQS quận", NGU_HANH_SON, "Ban Chỉ huy Quân sự quận Ngũ Hành Sơn"),
        ("Phó Trưởng phòng GD&ĐT quận", Scope(level="district", province="Hồ Chí Minh", district="3",
                                             district_type="quận"), "Phòng Giáo dục và Đào tạo Quận 3"),
        ("Chủ tịch Hội đồng giáo dục QPAN huyện", BA_BE, "Hội đồng Giáo dục quốc phòng và an ninh huyện Ba Bể"),
        ("Trưởng thôn", BA_BE, None),
        ("Phó Giám đốc", BA_BE, None),
        ("", BA_BE, None),
    ],
)
def test_unit_of_position(position, scope, unit):
    assert U.unit_of_position(position, scope) == unit


@pytest.mark.parametrize(
    "surface, variant",
    [
        ("Ban Chỉ huy Quân sự", "Ban CHQS"),
        ("Bộ Chỉ huy Quân sự", "BCHQS"),
        ("Ủy ban nhân dân", "UBND"),
        ("Hội đồng nhân dân", "HĐND"),
        ("Hội đồng Giáo dục quốc phòng và an ninh", "Hội đồng GDQP&AN"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam", "Ủy ban MTTQ Việt Nam"),
        ("Đảng ủy Quân sự", "ĐUQS"),
    ],
)
def test_abbreviated_variants(surface, variant):
    assert variant in U.abbreviated_variants(surface)


def test_tables_load_and_are_valid():
    entries = U.head_entries()
    assert len(entries) > 100
    for entry in entries:
        assert entry.type in UNIT_TYPES
        assert entry.level is None or entry.level in LEVELS
        assert entry.canonical == normalize(entry.canonical)
    assert "UBND" in dict(U.abbreviations())
    assert U.level_words()["huyện"].level == "district"
    assert "Hà Nội" in U.central_cities()
    assert U.branches() and U.middle_names()


def test_abbreviations_are_case_sensitive():
    # "ca" is a shift ("ca trực"), only "CA" is Công an
    assert U.find_units(normalize("Trực ca huyện đảm bảo.")) == []
    assert [u.canonical for u in U.find_units(normalize("CA huyện phối hợp."))] == ["Công an huyện"]


def test_offsets_point_into_the_text():
    text = normalize("Hôm qua, Bộ CHQS tỉnh và UBND huyện Ba Bể, Huyện ủy, Sư đoàn 316 dự lễ.")
    found = U.find_units(text)
    assert len(found) == 4
    for unit in found:
        assert text[unit.start:unit.end] == unit.text
        assert unit.rule


def test_docstring_examples():
    import doctest

    result = doctest.testmod(U)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    "text, written, canonical",
    [
        ("Văn phòng HĐND và UBND huyện tổ chức.", "Văn phòng HĐND và UBND huyện",
         "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"),
        ("Ban CHQS Văn phòng HĐND&UBND huyện Na Rì huấn luyện.", "Ban CHQS Văn phòng HĐND&UBND huyện Na Rì",
         "Ban Chỉ huy Quân sự Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Na Rì"),
    ],
)
def test_unit_of_an_office(text, written, canonical):
    (unit,) = U.find_units(normalize(text))
    assert (unit.text, unit.canonical) == (written, canonical)
