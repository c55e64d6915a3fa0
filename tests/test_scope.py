"""Scope, report year and rule topic: table cases written for these tests (the gold floors: the quality gate)."""

from __future__ import annotations

import doctest

import pytest

from qpdp_nlp import gazetteer as gz
from qpdp_nlp.extractors import places, scope
from qpdp_nlp.records import LEVELS, TOPICS
from qpdp_nlp.text import analyse


def run(text: str, url: str | None = None) -> scope.ScopeResult:
    doc = analyse(text, meta={"url": url})
    return scope.extract(doc, places.extract(doc))


SCOPES = [
    # text, url, level, province, district, district_type, commune
    (
        "Ba Bể tổng kết công tác quốc phòng\n\nNăm 2023, huyện Ba Bể hoàn thành chỉ tiêu giao quân.",
        None,
        "district",
        "Bắc Kạn",
        "Ba Bể",
        "huyện",
        None,
    ),
    (
        "Ban CHQS huyện tổng kết công tác quân sự\n\nSáng nay, Ban CHQS huyện tổ chức hội nghị tổng kết.",
        "https://babe.backan.gov.vn/tin-tuc/1",
        "district",
        "Bắc Kạn",
        "Ba Bể",
        "huyện",
        None,
    ),
    (
        "Huyện Châu Thành giao quân\n\nSáng 12/2, huyện Châu Thành, tỉnh Long An tổ chức lễ giao quân.",
        None,
        "district",
        "Long An",
        "Châu Thành",
        "huyện",
        None,
    ),
    (
        "Lễ giao quân tại TX. Tân Châu\n\nSáng nay, thị xã Tân Châu tổ chức lễ giao nhận quân.",
        None,
        "district",
        "An Giang",
        "Tân Châu",
        "thị xã",
        None,
    ),
    (
        "Khai giảng lớp bồi dưỡng\n\nQuận 1 khai giảng lớp bồi dưỡng kiến thức quốc phòng và an ninh.",
        None,
        "district",
        "Hồ Chí Minh",
        "1",
        "quận",
        None,
    ),
    (
        "Thành phố Yên Bái: 80 thanh niên lên đường\n\nTại thành phố Yên Bái, 80 thanh niên nhập ngũ.",
        None,
        "district",
        "Yên Bái",
        "Yên Bái",
        "thành phố",
        None,
    ),
    (
        "Diễn tập chiến đấu phòng thủ\n\n"
        "Ủy ban nhân dân xã Minh Đức (huyện Ứng Hòa, Hà Nội) tổ chức diễn tập.",
        None,
        "commune",
        "Hà Nội",
        "Ứng Hòa",
        "huyện",
        "Minh Đức",
    ),
    (
        "Xã Tây Ninh Hòa tổng kết công tác quân sự năm 2025\n\n"
        "Sáng 20/12/2025, xã Tây Ninh Hòa tổ chức hội nghị.",
        None,
        "commune",
        "Khánh Hòa",
        None,
        None,
        "Tây Ninh Hòa",
    ),
    (
        "Tỉnh Lâm Đồng kiểm tra công tác quốc phòng\n\nĐoàn kiểm tra làm việc với Bộ CHQS tỉnh Lâm Đồng.",
        None,
        "province",
        "Lâm Đồng",
        None,
        None,
        None,
    ),
    (
        "Đảng ủy Quân khu 7 ra nghị quyết lãnh đạo\n\nSáng nay, Đảng ủy Quân khu 7 tổ chức hội nghị.",
        None,
        "military_region",
        None,
        None,
        None,
        None,
    ),
    (
        "Bộ Quốc phòng tổng kết công tác năm\n\nSáng nay, Bộ Quốc phòng tổ chức hội nghị tổng kết.",
        None,
        "national",
        None,
        None,
        None,
        None,
    ),
    (
        "Hội nghị quán triệt nghị quyết\n\nThị xã Hương Trà quán triệt nghị quyết về quốc phòng.",
        "https://huongtra.thuathienhue.gov.vn/?gd=1",
        "district",
        "Thừa Thiên Huế",
        "Hương Trà",
        "thị xã",
        None,
    ),
    ("Tin vắn\n\nGiá rau tăng nhẹ trong tuần qua.", None, "unknown", None, None, None, None),
]


@pytest.mark.parametrize("text, url, level, province, district, district_type, commune", SCOPES)
def test_scope(text, url, level, province, district, district_type, commune):
    s = run(text, url).scope
    assert (s.level, s.province, s.district, s.district_type, s.commune) == (
        level,
        province,
        district,
        district_type,
        commune,
    )
    assert s.level in LEVELS


def test_scope_after_2025_takes_the_new_units():
    # Lào Cai is code 15 after 2025; before, 15 was Yên Bái's.
    s = run(
        "Xã Y Tý tổng kết công tác quân sự năm 2025\n\nSáng 12/12/2025, UBND xã Y Tý, tỉnh Lào Cai "
        "tổ chức hội nghị tổng kết."
    ).scope
    assert (s.level, s.province, s.province_code, s.district, s.commune) == (
        "commune",
        "Lào Cai",
        "15",
        None,
        "Y Tý",
    )


def test_commune_scope_has_the_commune_coordinates():
    s = run(
        "Diễn tập chiến đấu phòng thủ\n\n"
        "Ủy ban nhân dân xã Minh Đức (huyện Ứng Hòa, Hà Nội) tổ chức diễn tập."
    ).scope
    unit = gz.by_code(s.commune_code, "commune", "legacy")
    assert unit is not None and unit.name == "Minh Đức" and (s.lat, s.lon) == (unit.lat, unit.lon)
    assert s.district_code == unit.district_code


def test_scope_codes_and_coordinates():
    s = run("Ba Bể tổng kết công tác quốc phòng\n\nHuyện Ba Bể, tỉnh Bắc Kạn hoàn thành chỉ tiêu.").scope
    assert s.province_code == "06" and s.district_code is not None
    assert s.lat is not None and s.lon is not None
    assert s.province_2025 == "Thái Nguyên"


YEARS = [
    ("Năm 2023, huyện Ba Bể đã hoàn thành 100% chỉ tiêu giao quân.", 2023),
    ("Hội nghị tổng kết công tác quốc phòng năm 2022, triển khai nhiệm vụ năm 2023.", 2022),
    ("Huyện tổ chức lễ giao nhận quân năm 2024 tại hội trường.", 2024),
    ("Lớp học quán triệt Luật Nghĩa vụ quân sự năm 2015 cho thanh niên.", None),
    ("Hơn 1.000 học sinh năm học 2022 – 2023 được học giáo dục quốc phòng.", None),
    ("Thực hiện Nghị quyết số 28 ngày 25/10/2013 của Ban Chấp hành Trung ương.", None),
    ("Hội nghị quán triệt nghị quyết về quốc phòng.", None),
    ("Đại hội thi đua quyết thắng giai đoạn 2019-2024 biểu dương 30 tập thể.", None),
    ("", None),
]


@pytest.mark.parametrize("text, year", YEARS)
def test_report_year(text, year):
    assert run(text).report_year == year


TOPIC_CASES = [
    (
        "Huyện tổ chức lễ giao nhận quân năm 2024\n\nSáng nay, 200 thanh niên lên đường nhập ngũ.",
        "enlistment",
    ),
    ("Diễn tập khu vực phòng thủ huyện năm 2023\n\nHuyện tổ chức diễn tập khu vực phòng thủ.", "exercise"),
    ("Khai mạc huấn luyện dân quân năm 2024\n\nBan CHQS xã khai mạc huấn luyện dân quân.", "militia"),
    (
        "Khám tuyển nghĩa vụ quân sự năm 2024\n\nHội đồng nghĩa vụ quân sự huyện tổ chức khám tuyển.",
        "recruitment",
    ),
    ("Khen thưởng tập thể, cá nhân trong công tác quân sự\n\nUBND huyện khen thưởng 10 tập thể.", "award"),
    ("Tổng kết công tác quốc phòng, quân sự địa phương\n\nHuyện tổ chức hội nghị tổng kết.", "review"),
    (
        "Bồi dưỡng kiến thức quốc phòng và an ninh cho đối tượng 4\n\nHuyện khai giảng lớp bồi dưỡng.",
        "training",
    ),
    (
        "Bộ CHQS tỉnh kiểm tra công tác quân sự tại huyện\n\nĐoàn kiểm tra làm việc với Ban CHQS huyện.",
        "inspection",
    ),
    (
        "Hội nghị quán triệt nghị quyết của Quân ủy Trung ương\n\nĐảng ủy Quân sự tỉnh tổ chức hội nghị.",
        "other-defense",
    ),
    ("Giá lúa tăng mạnh\n\nNông dân phấn khởi vì giá lúa tăng.", "not-defense"),
    ("Thực tập phương án chữa cháy tại chợ\n\nCông an và dân quân diễn tập chữa cháy.", "not-defense"),
    ("Phát lệnh gọi công dân nhập ngũ năm 2024\n\nHội đồng nghĩa vụ quân sự huyện phát lệnh.", "recruitment"),
]


@pytest.mark.parametrize("text, topic", TOPIC_CASES)
def test_rule_topic(text, topic):
    assert run(text).topic == topic


def test_topic_rules_table_loads():
    rules = scope.topic_rules()
    assert set(rules.topics) <= set(TOPICS)
    assert {
        "review",
        "enlistment",
        "exercise",
        "training",
        "militia",
        "award",
        "recruitment",
        "inspection",
    } <= set(rules.topics)


def test_docstring_examples():
    result = doctest.testmod(scope)
    assert result.failed == 0 and result.attempted > 0


# --- gold ---------------------------------------------------------------------------------------



def test_gold_places_span_invariant(gold_records):
    for record in gold_records:
        for place in record.places:
            assert record.text[place.start : place.end] == place.text, (record.source, place)
        assert record.scope.level in LEVELS
