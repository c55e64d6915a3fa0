"""Scope on both maps (issues 15 and 16): era, defence zones, actor vs venue, former units,
report-year conventions and a count's own year. Every sentence here is written for these tests;
the gold floors are in the quality gate (tests/gate/floors.json)."""

from __future__ import annotations

import pytest

from qpdp_nlp import extract
from qpdp_nlp.extractors import places, scope, zones
from qpdp_nlp.records import Count
from qpdp_nlp.text import analyse


def decide(text: str, url: str | None = None, published: str | None = None) -> scope.ScopeResult:
    doc = analyse(text, meta={"url": url, "published": published})
    era = places.article_era(doc)
    return scope.extract(doc, places.extract(doc, era), (), era)


# --- which map ------------------------------------------------------------------------------------

ERAS = [
    # text, published, era, evidence
    ("Xã Yên Lập tổ chức hội nghị quân sự.", "2025-10-02", "2025", "published"),
    ("Xã Yên Lập tổ chức hội nghị quân sự.", "2024-10", "legacy", "published"),
    (" date 2025-09-14 Xã Yên Lập tổ chức hội nghị quân sự.", None, "2025", "dateline"),
    ("Cập nhật lúc : 03/02/2024 08:15\nXã Yên Lập tổ chức hội nghị quân sự.", None, "legacy", "dateline"),
    # A site's clock with a two-digit year is not the article's date.
    ("Thứ hai, 2-3-26 07:10:11\n\nSau sáp nhập, xã Yên Lập họp.", None, "2025", "text:two_level"),
    ("Thực hiện chính quyền địa phương hai cấp, phường Tân An họp bàn.", None, "2025", "text:two_level"),
    ("Ban Chỉ huy Phòng thủ khu vực 5 họp giao ban tháng.", None, "2025", "text:defence_zone"),
    ("Lực lượng dân quân xã Tân Lập, huyện Sóc Sơn (cũ) dọn bùn.", None, "2025", "text:former"),
    # A district written with its type word is the old system.
    ("UBND huyện Ba Bể tổ chức hội nghị.", "2025-11-20", "legacy", "text:district"),
    ("Dân quân tham gia huấn luyện.", None, "legacy", "default"),
]


@pytest.mark.parametrize("text, published, era, evidence", ERAS)
def test_article_era(text, published, era, evidence):
    found = places.article_era(analyse(text, meta={"published": published}))
    assert (found.era, found.evidence) == (era, evidence)


def test_scope_records_its_era_and_places_theirs():
    result = decide("Xã Yên Lập tổng kết công tác quân sự năm 2025.", published="2025-12-01")
    assert (result.scope.era, result.scope.era_evidence) == ("2025", "published")
    doc = analyse("UBND xã Minh Đức, huyện Ứng Hòa tổ chức diễn tập.")
    (commune,) = [p for p in places.extract(doc) if p.name == "Minh Đức"]
    assert commune.era == "legacy" and commune.code_2025 is not None


# --- defence zones ---------------------------------------------------------------------------------

ZONE_NAMES = [
    ("Ban Chỉ huy Phòng thủ khu vực 2 – Thống Nhất tổng kết.", (2, "Thống Nhất")),
    ("Ban Chỉ huy Phòng thủ khu vực số 3 - Bảo Lâm ra quân.", (3, "Bảo Lâm")),
    ("Đoàn công tác của Ban CHPTKV2 đến thăm.", (2, None)),
    ("BCH PTKV 4 - Chư Prông tổ chức hội nghị.", (4, "Chư Prông")),
    ("Ban Chỉ huy phòng thủ khu vực (PTKV) 6-An Nhơn Đông huấn luyện.", (6, "An Nhơn Đông")),
    ("Ban Chỉ huy Phòng thủ khu vực 1, Hoài Nhơn Nam giao quân.", (1, "Hoài Nhơn Nam")),
    ("Ban Chỉ huy Phòng thủ khu vực 3 Kỳ Anh giao quân.", (3, "Kỳ Anh")),
    ("Chỉ huy trưởng Ban Chỉ huy PTKV 3 Thượng tá Lê Văn Nam phát biểu.", (3, None)),
    # A name starting with a word that also begins titles ("Đồng chí", "Đại tá"), a Roman number,
    # a headline in capitals, a zone named alone after a dash, a province after a comma (the
    # zone's parent, not its name).
    ("Ban CHPTKV 5 - Đồng Xuân phát động thi đua.", (5, "Đồng Xuân")),
    ("Ban Chỉ huy PTKV 2 – Đại Lộc giao quân.", (2, "Đại Lộc")),
    ("Chỉ huy trưởng Ban CHPTKV 1, Đồng chí Lê Văn Ba phát biểu.", (1, None)),
    ("Ban Chỉ huy Phòng thủ Khu vực IV - Đắk Đoa huấn luyện.", (4, "Đắk Đoa")),
    ("KẾT NẠP ĐẢNG VIÊN TẠI BAN CHỈ HUY PHÒNG THỦ KHU VỰC 3 – BẢO LÂM", (3, "Bảo Lâm")),
    ("Thiếu tá Trần Văn Tư, Trợ lý Khu vực II - Long Xuyên báo cáo.", (2, "Long Xuyên")),
    ("Ban Chỉ huy Phòng thủ khu vực 2, Quảng Trị kiểm tra xã.", (2, None)),
    ("Ban Chỉ huy PTKV 3 Nghệ An hiệp đồng.", (3, None)),
    # Not a zone command: the defence-zone concept, a year.
    ("Diễn tập khu vực phòng thủ huyện năm 2023.", None),
    ("Xây dựng khu vực phòng thủ 2024 vững chắc.", None),
    # a region named with a number ("Khu vực 2 - Hà Nội"), capitals that are no Roman numeral
    ("Cụm thi đua Khu vực 2 - Hà Nội họp.", None),
    ("Ban Chỉ huy PTKV IIII - Tân An họp.", None),
]


@pytest.mark.parametrize("text, expected", ZONE_NAMES)
def test_defence_zone_in(text, expected):
    assert zones.defence_zone_in(text) == expected


ZONE_SCOPES = [
    # text, url, published, district, province, number, successor_of
    (
        "Ban Chỉ huy Phòng thủ khu vực 4 – Vĩnh Yên ra quân huấn luyện năm mới\n\n"
        "Ngày 9/1, Ban Chỉ huy Phòng thủ khu vực 4 – Vĩnh Yên triển khai nhiệm vụ huấn luyện.",
        "https://baophutho.vn/tin-1.html",
        "2026-02-05",
        "Vĩnh Yên",
        "Phú Thọ",  # the merged province, never the legacy Vĩnh Phúc
        4,
        "Vĩnh Yên",
    ),
    (
        "Sáng 14/8, Ban Chỉ huy PTKV 3 - Bảo Lâm (Bộ CHQS tỉnh Lâm Đồng) tổ chức huấn luyện dân quân. "
        "Tham gia có 120 chiến sĩ.",
        None,
        "2025-08-14",
        "Bảo Lâm",
        "Lâm Đồng",
        3,
        "Bảo Lâm",
    ),
    (
        # A ward portal reporting the zone's ceremony for nine wards: the zone is the scope.
        "Sáng 4/3, tại phường Tam Đảo, Ban Chỉ huy phòng thủ khu vực 2 - Hưng Hà tổ chức lễ giao "
        "nhận quân cho công dân của chín xã, phường.",
        "https://tamdao.hungyen.gov.vn/tin",
        "2026-03",
        "Hưng Hà",
        "Hưng Yên",
        2,
        "Hưng Hà",
    ),
]


@pytest.mark.parametrize("text, url, published, district, province, number, successor", ZONE_SCOPES)
def test_zone_scope(text, url, published, district, province, number, successor):
    s = decide(text, url, published).scope
    assert (s.level, s.district, s.district_type, s.province) == ("district", district, None, province)
    assert (s.defence_zone, s.defence_zone_number, s.successor_of) == (district, number, successor)
    assert s.successor_of_code is not None and s.rule.startswith("zone")


def test_zone_named_once_in_the_body_does_not_narrow_a_province_story():
    text = (
        "Hơn 5.000 thanh niên Gia Lai lên đường nhập ngũ\n\n"
        "Sáng 4/3, tỉnh Gia Lai tổ chức lễ giao nhận quân tại 12 điểm. Không khí phấn khởi.\n\n"
        "Tại điểm của Ban Chỉ huy Phòng thủ khu vực 6 - An Nhơn Đông, 300 thanh niên nhập ngũ."
    )
    s = decide(text, published="2026-03-04").scope
    assert (s.level, s.province, s.district) == ("province", "Gia Lai", None)


# --- actor, venue, former unit, several districts --------------------------------------------------

SCOPES = [
    # text, url, published, level, province, district, commune
    (  # a commune of a merged province acts
        "Xã Lương Sơn nhìn lại nhiệm vụ quân sự, quốc phòng năm 2025\n\n"
        "Chiều 18/12, UBND xã Lương Sơn họp tổng kết nhiệm vụ quân sự, quốc phòng.",
        "https://baophutho.vn/x.html",
        "2025-12-02",
        "commune",
        "Phú Thọ",
        None,
        "Lương Sơn",
    ),
    (  # the ward is only the venue of the province's ceremony
        "Ngày 5/3, tại điểm giao quân phường Nam Định, tỉnh Ninh Bình tiễn tân binh lên đường "
        "năm 2026. Cả tỉnh có khoảng 5.500 công dân nhập ngũ.",
        None,
        "2026-03-04",
        "province",
        "Ninh Bình",
        None,
        None,
    ),
    (  # a former district is history: the new commune acts
        "Sáng 11/10, bộ đội giúp dân xã Trung Giã (huyện Sóc Sơn cũ, Hà Nội) dọn bùn sau lũ. "
        "UBND xã Trung Giã huy động 200 dân quân.",
        None,
        "2025-10-11",
        "commune",
        "Hà Nội",
        None,
        "Trung Giã",
    ),
    (  # two districts side by side in the title: the province
        "Các huyện Khoái Châu, Yên Mỹ tổ chức khám tuyển\n\n"
        "Ngày 3/12, các huyện Khoái Châu và Yên Mỹ tổ chức khám tuyển nghĩa vụ quân sự.",
        None,
        "2018-12",
        "province",
        "Hưng Yên",
        None,
        None,
    ),
    (  # a nationwide lead with a province named only as an example in the body
        "Sáng 4/3, thanh niên trên phạm vi cả nước lên đường nhập ngũ. Lễ giao nhận quân diễn ra "
        "trang trọng ở nhiều địa phương.\n\nTại tỉnh Cao Bằng, 900 thanh niên lên đường.",
        None,
        "2026-03-04",
        "national",
        None,
        None,
        None,
    ),
    (  # after the reform no legacy district is a scope
        "Dân quân giúp dân sau lũ\n\nSáng 12/10, lực lượng dân quân tỉnh Thái Nguyên giúp người dân "
        "huyện Đại Từ cũ khắc phục hậu quả lũ.",
        None,
        "2025-10-12",
        "province",
        "Thái Nguyên",
        None,
        None,
    ),
]


@pytest.mark.parametrize("text, url, published, level, province, district, commune", SCOPES)
def test_scope_cases(text, url, published, level, province, district, commune):
    s = decide(text, url, published).scope
    assert (s.level, s.province, s.district, s.commune) == (level, province, district, commune)
    assert 0.0 < s.confidence <= 1.0


def test_commune_of_a_merged_province_has_its_2025_code():
    s = decide(
        "UBND xã Lương Sơn họp tổng kết nhiệm vụ quân sự, quốc phòng.", "https://baophutho.vn/x",
        "2025-12-02",
    ).scope
    assert s.commune == "Lương Sơn" and s.commune_code_2025 == s.commune_code is not None
    assert s.province_2025 == "Phú Thọ" and s.province_2025_code is not None


# --- report year -------------------------------------------------------------------------------------

YEARS = [
    # text, published, year, rule
    ("Huyện Yên Lạc tổng kết công tác quốc phòng năm 2023\n\nSáng 8/1, huyện tổng kết năm 2023.",
     "2024-01-08", 2023, "text"),
    ("Sơ kết 5 năm thực hiện Luật Dân quân tự vệ giai đoạn 2019 – 2024\n\nSáng 2/6, huyện sơ kết.",
     "2024-06", None, "period"),
    # Screening in late 2025 for the 2026 intake.
    ("Xã Tân An khám sơ tuyển nghĩa vụ quân sự năm 2026\n\nNgày 20/10, xã khám sơ tuyển cho 80 công dân.",
     "2025-10-20", 2026, "text"),
    # No year written: an event reported as it happens has its publication year.
    ("Bộ đội giúp dân dọn bùn\n\nChiều 11/10, dân quân xã Tân An giúp dân dọn bùn.",
     "2025-10-11", 2025, "published"),
    ("Bộ đội giúp dân dọn bùn\n\nChiều 11/10, dân quân xã Tân An giúp dân dọn bùn.", None, None, "none"),
    # A launch of next year's work that reviews this year: the results' year.
    ("Triển khai nhiệm vụ quốc phòng năm 2021\n\nNgày 29/12/2020, huyện tổ chức hội nghị tổng kết "
     "công tác quốc phòng năm 2020, triển khai nhiệm vụ năm 2021.", "2020-12", 2020, "text"),
    # ... also when the review is a sentence of its own ("Được biết, trong năm 2021, …"); a
    # ceremony that opens the year's work keeps the event's year.
    ("Triển khai nhiệm vụ quốc phòng năm 2022\n\nSáng 5/1, huyện Ba Bể tổ chức hội nghị triển khai "
     "nhiệm vụ quốc phòng năm 2022. Theo đó, trong năm 2022, huyện sẽ tập trung huấn luyện. Được biết, "
     "trong năm 2021, huyện đã hoàn thành 100% chỉ tiêu giao quân.", "2022-01", 2021, "text"),
    ("Huyện Ba Bể ra quân huấn luyện năm 2022\n\nSáng 5/1, huyện Ba Bể tổ chức lễ ra quân huấn luyện "
     "năm 2022. Trong năm 2021, huyện có 5 tập thể được khen thưởng.", "2022-01", 2022, "text"),
    # The results of a year's tasks are reviewed, the next year's deployed.
    ("Hội nghị quân chính toàn tỉnh\n\nHội nghị đánh giá kết quả thực hiện nhiệm vụ quân sự, quốc phòng "
     "năm 2024; đề ra giải pháp để triển khai thực hiện hoàn thành nhiệm vụ năm 2025.", "2024-12-20", 2024, "text"),
    # Screening in December for next year's intake; a December review that deploys next year's.
    ("Khám tuyển nghĩa vụ quân sự\n\nThực hiện kế hoạch tuyển chọn và gọi công dân nhập ngũ năm 2020, "
     "ngày 5/12, huyện Yên Lạc tổ chức khám tuyển cho thanh niên trong độ tuổi.", "2019-12", 2020, "text"),
    ("Tổng kết công tác tuyển quân\n\nNgày 20/12, huyện Yên Lạc tổng kết công tác tuyển quân năm 2019 "
     "và triển khai kế hoạch tuyển quân năm 2020.", "2019-12", 2019, "text"),
    # A review of several years with a one-year review beside it; a highlight is no such review.
    ("Huyện tổng kết 10 năm xây dựng khu vực phòng thủ và tổng kết diễn tập năm 2019\n\nSáng 4/9, huyện Ba Bể "
     "tổ chức hội nghị.", None, 2019, "text"),
    ("Đại hội thi đua quyết thắng giai đoạn 2019-2024\n\nNgày 20/5, huyện Ba Bể tổ chức Đại hội thi đua quyết "
     "thắng giai đoạn 2019-2024. Đặc biệt, năm 2023, huyện được tặng cờ thi đua.", "2024-05", None, "period"),
    # A festival named by its lunar year; this year's results so far; an anniversary's span.
    ("Tết ấm cho hộ nghèo\n\nDịp Tết Nguyên đán Giáp Thìn 2024, dân quân xã Tân An gói bánh chưng tặng "
     "hộ nghèo.", None, 2024, "text"),
    ("Tuần tra trên sông\n\nTừ đầu năm 2021 đến nay, công an huyện đã tuần tra 300 cuộc trên sông.",
     None, 2021, "text"),
    ("Kỷ niệm 75 năm thành lập xã Tân An (1948-2023)\n\nXã tổ chức lễ kỷ niệm trọng thể.", None, 2023, "text"),
    # No publication date: a date written in the text, not one to come.
    ("Khắc phục bão lũ\n\nTừ đầu tháng 10 đến cuối tháng 11/2024, bão lũ gây thiệt hại lớn cho người dân.",
     None, 2024, "text"),
    ("Tập huấn cán bộ\n\nCán bộ của huyện sẽ tham dự lớp tập huấn từ tháng 9/2024 tại Hà Nội.", None, None, "none"),
]


def test_report_year_from_the_slug_when_the_page_has_no_headline():
    doc = analyse("Ngày 3/3, tỉnh đã tổ chức lễ giao nhận quân, đạt chỉ tiêu đề ra.",
                  meta={"url": "https://tin.vn/chuyen-muc/le-giao-nhan-quan-nam-2022-dat-chi-tieu/"})
    assert scope.decide_report_year(doc)[:2] == (2022, "text")
    assert scope.decide_report_year(analyse(doc.text))[:2] == (None, "none")


@pytest.mark.parametrize("text, published, year, rule", YEARS)
def test_report_year_conventions(text, published, year, rule):
    got, got_rule, confidence = scope.decide_report_year(analyse(text, meta={"published": published}))
    assert (got, got_rule) == (year, rule)
    assert 0.0 < confidence <= 1.0


COUNT_YEARS = [
    # sentence, count text, report year, the count's year
    ("Năm 2022 huyện giao 120 thanh niên, năm 2023 giao 135 thanh niên.", "120", 2023, 2022),
    ("Năm 2022 huyện giao 120 thanh niên, năm 2023 giao 135 thanh niên.", "135", 2023, None),
    ("Huyện giao 140 thanh niên nhập ngũ năm 2024.", "140", 2025, 2024),
    ("Năm 2025, huyện giao 150 thanh niên.", "150", 2025, None),
    # A document's year is not the count's.
    ("Thực hiện Kế hoạch số 12/KH-UBND năm 2023, huyện mở 5 lớp bồi dưỡng.", "5", 2024, None),
    ("Huyện khen thưởng 12 tập thể.", "12", 2024, None),
    ("Năm nay tỉnh nhận 1.200 chỉ tiêu, nhiều hơn 80 chỉ tiêu so với năm 2024.", "80", 2025, None),
    # A total over a period has no single year (the article's is used), however the period is
    # written; a year named for the count alone keeps it.
    ("Từ năm 2017 đến năm 2022, xã đã khám tuyển 410 lượt thanh niên.", "410", 2022, None),
    ("Từ năm 2017 đến năm 2022, xã đã khám tuyển 410 lượt thanh niên.", "410", 2023, None),
    ("Từ năm 2018 đến nay, thị xã đã bồi dưỡng 950 đối tượng.", "950", 2024, None),
    ("Kể từ năm 2018, thị xã đã bồi dưỡng 950 đối tượng.", "950", 2024, None),
    ("Giai đoạn 2020–2025, tỉnh giao 3.100 công dân nhập ngũ.", "3.100", 2025, None),
    ("Trong 5 năm (2020-2024), huyện khen thưởng 37 tập thể.", "37", 2024, None),
    ("Trong 4 năm qua, năm 2021 là năm huyện giao 95 công dân.", "95", 2024, 2021),
    ("Trong 3 năm qua, huyện đã tặng 210 suất quà.", "210", 2024, None),
    ("Trong năm 2021 đã có 7 tập thể được khen thưởng.", "7", 2022, 2021),
    ("Giai đoạn 2019-2023 huyện giao 600 thanh niên, riêng năm 2022 giao 130 thanh niên.", "130", 2023, 2022),
    ("Giai đoạn 2019-2023 huyện giao 600 thanh niên, riêng năm 2022 giao 130 thanh niên.", "600", 2023, None),
]


@pytest.mark.parametrize("text, number, report_year, year", COUNT_YEARS)
def test_count_years(text, number, report_year, year):
    doc = analyse(text)
    start = text.index(" " + number + " ") + 1
    count = Count(rule="test", text=number, start=start, end=start + len(number))
    scope.count_years(doc, [count], report_year)
    assert count.year == year


def test_pipeline_fills_year_rule_and_count_years():
    rec = extract("Năm 2022 huyện Ba Bể giao 120 thanh niên, năm 2023 giao 135 thanh niên.",
                  published="2024-01-10")
    assert rec.report_year_rule == "text" and rec.report_year_confidence is not None
    years = {c.value: c.year for c in rec.counts}
    assert years.get(120) == (2022 if rec.report_year != 2022 else None)
