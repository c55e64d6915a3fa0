"""Scope rules that follow the language and the page (issue 15 section 3, issue 16): the source's
host and the URL's slug as evidence, venues that do not narrow a scope, abbreviated type words,
names echoed bare, unnamed bodies of a level, roundups. Every sentence and URL here is written for
these tests (made-up sites and stories); none is taken from the gold corpora."""

from __future__ import annotations

import pytest

from qpdp_nlp.extractors import places, scope
from qpdp_nlp.text import analyse


def decide(text: str, url: str | None = None, published: str | None = None, title: str | None = None):
    doc = analyse(text, title=title, meta={"url": url, "published": published})
    era = places.article_era(doc)
    return scope.extract(doc, places.extract(doc, era), (), era)


def triple(result) -> tuple:
    s = result.scope
    return (s.level, s.province, s.district, s.commune)


# --- the host: labels joined by hyphens, a digit after a name, a media centre's suffix ----------

HOSTS = [
    # url, provinces, districts, communes
    ("http://portal-chuprong.vnptgialai.vn/tin", {"Gia Lai"}, {"Chư Prông"}, set()),
    ("http://tanan2.tphoian.quangnam.gov.vn/tin", {"Quảng Nam"}, {"Hội An"}, {"Tân An"}),
    ("http://chodonrt.vn/tin", set(), {"Chợ Đồn"}, set()),
    ("http://yendungtv.vn/tin", set(), {"Yên Dũng"}, set()),
    # negative: a short label with a media suffix is not a district
    ("http://vtv.vn/tin", set(), set(), set()),
]


@pytest.mark.parametrize("url, provinces, districts, communes", HOSTS)
def test_host_labels(url, provinces, districts, communes):
    got = places.url_places(url)
    assert {u.name for u in got.province} == provinces
    assert {u.name for u in got.district} == districts
    assert {u.name for u in got.commune} == communes


# --- the slug: the headline without diacritics ------------------------------------------------------

SLUGS = [
    # url, era, [(level, name, venue)]
    (
        "https://baobacgiang.vn/yen-dung-ra-quan-huan-luyen-dan-quan-post12345.html",
        "legacy",
        [("district", "Yên Dũng", False)],
    ),
    (
        "https://tin.vn/thai-nguyen-tong-ket-cong-tac-quan-su-tai-xa-phu-binh-185250912.htm",
        "2025",
        [("province", "Thái Nguyên", False), ("commune", "Phú Bình", True)],
    ),
    (
        "https://baoquangnam.vn/hoi-nghi-giao-quan-tai-tam-ky-va-nui-thanh-a12345.html",
        "legacy",
        [("district", "Tam Kỳ", True), ("district", "Núi Thành", True)],
    ),
    (
        "https://tin.vn/thanh-nien-tphcm-len-duong-nhap-ngu-104355.html",
        "legacy",
        [("province", "Hồ Chí Minh", False)],
    ),
    # negatives: no province to read names in; a short path; no URL at all
    ("https://tin.vn/yen-dung-ra-quan-huan-luyen-dan-quan-post12345.html", "legacy", []),
    ("https://baobacgiang.vn/tin/12345", "legacy", []),
    (None, "legacy", []),
]


@pytest.mark.parametrize("url, era, expected", SLUGS)
def test_slug_places(url, era, expected):
    assert [(p.unit.level, p.unit.name, p.venue) for p in places.slug_places(url, era)] == expected


def test_slug_words_drop_the_site_id():
    assert places._slug_words("https://x.vn/a/ba-be-tong-ket-nam-2024-post998877.html") == [
        "ba",
        "be",
        "tong",
        "ket",
        "nam",
        "2024",
    ]


SLUG_SCOPES = [
    # text (no headline), url, published, (level, province, district, commune)
    (
        "Chiều 15/12, huyện họp tổng kết nhiệm vụ quân sự, quốc phòng địa phương năm 2023.",
        "https://baobacgiang.vn/yen-dung-tong-ket-cong-tac-quoc-phong-post12345.html",
        "2023-12",
        ("district", "Bắc Giang", "Yên Dũng", None),
    ),
    (
        # A province heading the slug while a national body speaks in the lead: still the province.
        "Theo Bộ Công an, trên cả nước đã triệt phá nhiều đường dây; tại thành phố, công an đã bắt 5 đối tượng.",
        "https://tin.vn/ha-noi-triet-pha-duong-day-ma-tuy-185251006.htm",
        "2025-10-06",
        ("province", "Hà Nội", None, None),
    ),
    (
        # Two districts side by side in the slug: the province is the smallest common unit.
        "Trong hai ngày 3 và 4/1, hai địa phương tổ chức hội nghị hiệp đồng giao, nhận quân năm 2024.",
        "https://baoquangnam.vn/hoi-nghi-giao-quan-tai-tam-ky-va-nui-thanh-a12345.html",
        "2024-01",
        ("province", "Quảng Nam", None, None),
    ),
]


@pytest.mark.parametrize("text, url, published, expected", SLUG_SCOPES)
def test_slug_is_the_headline_when_the_text_has_none(text, url, published, expected):
    assert triple(decide(text, url, published)) == expected


def test_slug_is_not_read_when_the_text_has_a_headline():
    text = "Ba Bể tổng kết công tác quân sự\n\nNăm 2023, huyện Ba Bể hoàn thành chỉ tiêu giao quân."
    r = decide(text, "https://baobackan.vn/cho-don-tong-ket-post1.html", "2023-12")
    assert triple(r)[:3] == ("district", "Bắc Kạn", "Ba Bể")


# --- defence zones: a venue of a wider event; acting under a province-prefixed headline -------------


def test_zone_as_a_venue_of_a_province_event_does_not_narrow_it():
    text = (
        "Sáng 5/3, tỉnh Thái Nguyên tổ chức lễ giao nhận quân năm 2026 tại 9 điểm.\n\n"
        "Lãnh đạo tỉnh dự lễ tại điểm số 2: Ban Chỉ huy Phòng thủ khu vực 2 - Chợ Đồn, nơi 300 "
        "công dân lên đường nhập ngũ."
    )
    r = decide(
        text, "https://tin.vn/hon-3000-thanh-nien-thai-nguyen-len-duong-nhap-ngu-1722603.htm", "2026-03-05"
    )
    assert triple(r)[:2] == ("province", "Thái Nguyên")


def test_zone_acting_in_the_lead_under_a_province_prefixed_slug():
    text = (
        "Sáng 12/8, Ban Chỉ huy Phòng thủ khu vực 2 - Chợ Đồn (Bộ Chỉ huy Quân sự tỉnh Thái Nguyên) "
        "khai mạc lớp tập huấn cán bộ năm 2025."
    )
    r = decide(text, "https://baothainguyen.vn/thai-nguyen-tap-huan-can-bo-quan-su-post5633.html", "2025-08")
    assert r.scope.level == "district" and r.scope.defence_zone == "Chợ Đồn"


# --- who acts: echoes, venues, offices, bodies, addresses ------------------------------------------

ROLE_SCOPES = [
    # text, url, published, (level, province, district, commune)
    (
        # A commune's name opening the headline without its type word, typed in the lead.
        "Yên Trạch ra quân huấn luyện dân quân\n\nSáng 3/3, Ban CHQS xã Yên Trạch, huyện Phú Lương "
        "tổ chức lễ ra quân huấn luyện năm 2024 cho 60 chiến sĩ dân quân.",
        None,
        "2024-03",
        ("commune", "Thái Nguyên", "Phú Lương", "Yên Trạch"),
    ),
    (
        # One name of a list is not echoed into the scope: the district runs it for four communes.
        "Phú Lương diễn tập chiến đấu phòng thủ\n\nTừ ngày 5 đến 12/6, UBND huyện Phú Lương tổ chức "
        "diễn tập chiến đấu phòng thủ cho các xã: Yên Lạc, Ôn Lương, Hợp Thành và Yên Trạch. Cuộc diễn "
        "tập tại xã Yên Trạch kết thúc ngày 12/6.",
        None,
        "2024-06",
        ("district", "Thái Nguyên", "Phú Lương", None),
    ),
    (
        # The city acts; a district command's seat is only where its model ceremony is held.
        "Sáng 16/2, Hà Nội đồng loạt tổ chức lễ giao nhận quân năm 2024. Lễ giao quân điểm của "
        "thành phố được tổ chức tại Ban CHQS quận Long Biên. Toàn thành phố có 4.500 thanh niên lên đường.",
        None,
        "2024-02",
        ("province", "Hà Nội", None, None),
    ),
    (
        # A province heads the story; the body names a district only as an example's address.
        "Thái Nguyên đẩy mạnh xây dựng lực lượng dân quân\n\nNăm 2024, tỉnh Thái Nguyên tiếp tục kiện "
        "toàn lực lượng dân quân tự vệ. Chúng tôi đến xã Yên Trạch, huyện Phú Lương, nơi trung đội dân "
        "quân cơ động mới thành lập. Huyện Phú Lương có 14 xã.",
        None,
        "2024-05",
        ("province", "Thái Nguyên", None, None),
    ),
    (
        # No place at all, a nationwide reach in the body.
        "Lực lượng chức năng tăng cường kiểm tra trong dịp Tết. Theo kế hoạch, lực lượng cảnh sát "
        "giao thông toàn quốc đồng loạt ra quân từ mùng 1 Tết.",
        None,
        "2026-02",
        ("national", None, None, None),
    ),
]


@pytest.mark.parametrize("text, url, published, expected", ROLE_SCOPES)
def test_scope_by_role(text, url, published, expected):
    assert triple(decide(text, url, published)) == expected


def _role_of(text: str, name: str) -> float:
    doc = analyse(text)
    place = next(p for p in places.extract(doc) if p.text.endswith(name))
    return scope._role(doc, place)


ROLES = [
    # text, place written, role
    ("Sáng 5/3, UBND huyện Phú Lương tổ chức hội nghị.", "Phú Lương", scope.ACTOR_FACTOR),
    ("Lễ được tổ chức tại Ban CHQS huyện Phú Lương.", "Phú Lương", scope.VENUE_FACTOR),
    ("Dự có ông Hà, Bí thư Tỉnh ủy Thái Nguyên.", "Thái Nguyên", 1.0),
    ("Tỉnh ủy Thái Nguyên ban hành nghị quyết.", "Thái Nguyên", scope.ACTOR_FACTOR),
    ("Đoàn đến ở tận cùng thôn bản, Thái Nguyên đang đổi mới.", "Thái Nguyên", 1.0),
    ("Lễ diễn ra tại xã Yên Trạch, huyện Phú Lương.", "Phú Lương", scope.VENUE_FACTOR),
    (" date 2024-02-16 Sáng 16/2, Hà Nội tổ chức lễ giao quân.", "Hà Nội", scope.SUBJECT_FACTOR),
]


@pytest.mark.parametrize("text, name, role", ROLES)
def test_role_of_a_mention(text, name, role):
    assert _role_of(text, name) == role


# --- page chrome, re-hosted stories, unnamed provincial bodies, roundups -----------------------------

MORE_SCOPES = [
    # text, url, published, (level, province, district, commune)
    (
        # An old story re-hosted on the merged province's site: the masthead and the weather widget
        # name the host, the district it names keeps its own (legacy) province.
        "Thứ hai, 2-3-26 08:00:01\nCà Mau, 31°C\nTheo dõi Báo điện tử Cà Mau trên\n\n"
        "Dịp Tết, Bộ CHQS tỉnh phối hợp với Ban CHQS huyện Hồng Dân tặng 200 phần quà cho gia đình chính sách.",
        "https://baocamau.vn/tang-qua-gia-dinh-chinh-sach-a11111.html",
        None,
        ("district", "Bạc Liêu", "Hồng Dân", None),
    ),
    (
        # A district portal reporting a provincial body's visit: the province acts.
        "Sáng 12/6, tại xã Chà Cang, huyện Nậm Pồ, đoàn công tác Hội Cựu chiến binh tỉnh đã trao quà "
        "cho các hộ bị ảnh hưởng bởi mưa đá.",
        "https://huyennampo.dienbien.gov.vn/tin/1",
        None,
        ("province", "Điện Biên", None, None),
    ),
    (
        # Four provinces side by side in the lead, a military region in the headline.
        "Bốn địa phương của Quân khu 2 hoàn thành giao quân\n\nSáng 10/2, các tỉnh Phú Thọ, Tuyên Quang, "
        "Lào Cai và Yên Bái đồng loạt tổ chức lễ giao nhận quân năm 2024.",
        None,
        "2024-02",
        ("military_region", None, None, None),
    ),
    (
        # Provinces listed as the origins of a nationwide festival's delegations: national.
        "Hơn 200 nghệ nhân đến từ 6 địa phương: Sơn La, Điện Biên, Lai Châu, Gia Lai, Kon Tum và Đắk Lắk "
        "tham gia ngày hội văn hóa các dân tộc.",
        None,
        "2024-04",
        ("national", None, None, None),
    ),
]


@pytest.mark.parametrize("text, url, published, expected", MORE_SCOPES)
def test_more_scopes(text, url, published, expected):
    assert triple(decide(text, url, published)) == expected


def test_a_named_province_body_is_not_unnamed():
    assert not scope._UNNAMED_PROVINCE_BODY.search("Hội Cựu chiến binh tỉnh Điện Biên đến thăm")
    assert scope._UNNAMED_PROVINCE_BODY.search("Hội Chữ thập đỏ tỉnh đã đến thăm")
    assert scope._UNNAMED_PROVINCE_BODY.search("Bộ Chỉ huy Quân sự tỉnh: Tổ chức Tết quân dân")
