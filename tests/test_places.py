"""Places: gazetteer look-ups, mentions resolved in context, source domains, the 2025 mapping.

The sentences are written for these tests (not taken from the gold corpus)."""

from __future__ import annotations

import doctest
import json
from importlib.util import find_spec
from pathlib import Path

import pytest

from qpdp_nlp import gazetteer as gz
from qpdp_nlp.extractors import places
from qpdp_nlp.text import Analysis, normalize


def light_doc(text: str, url: str | None = None) -> Analysis:
    """An article without underthesea words: the places extractor reads only text and meta."""
    text = normalize(text)
    return Analysis(text=text, original=text, words=[], sentences=[], meta={"url": url})


def only(found, text):
    hits = [p for p in found if p.text == text]
    assert hits, f"{text!r} not found among {[p.text for p in found]}"
    return hits[0]


# --- gazetteer -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, level, province, unit_type",
    [
        ("Ba Bể", "district", "Bắc Kạn", "huyện"),
        ("1", "district", "Hồ Chí Minh", "quận"),
        ("Ngũ Hành Sơn", "district", "Đà Nẵng", "quận"),
        ("Hương Trà", "district", "Huế", "thị xã"),
        ("ba bể", "district", "Bắc Kạn", "huyện"),  # keys are case-folded
        ("Bà Rịa – Vũng Tàu", "province", "Bà Rịa - Vũng Tàu", "tỉnh"),  # any dash
        ("Thừa Thiên Huế", "province", "Huế", "thành phố"),  # former name
        ("Cửa Lò", "district", "Nghệ An", "thị xã"),  # dissolved, from the former-units table
    ],
)
def test_lookup(name, level, province, unit_type):
    units = [u for u in gz.lookup(name, level, era="legacy") if u.province == province]
    assert units and units[0].type == unit_type


@pytest.mark.parametrize(
    "written, level, unit_type, name, province",
    [
        ("huyện Ba Bể", "district", "huyện", "Ba Bể", "Bắc Kạn"),
        ("Huyện Ba Bể", "district", "huyện", "Ba Bể", "Bắc Kạn"),
        ("TP. Hồ Chí Minh", "province", "thành phố", "Hồ Chí Minh", "Hồ Chí Minh"),
        ("Tp.Hồ Chí Minh", "province", "thành phố", "Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP Yên Bái", "district", "thành phố", "Yên Bái", "Yên Bái"),
        ("Quận 1", "district", "quận", "1", "Hồ Chí Minh"),
        ("Q.1", "district", "quận", "1", "Hồ Chí Minh"),
        ("thị xã Tân Châu", "district", "thị xã", "Tân Châu", "An Giang"),
        ("tỉnh Thừa Thiên Huế", "province", "thành phố", "Huế", "Huế"),
    ],
)
def test_lookup_with_type_word(written, level, unit_type, name, province):
    units = gz.lookup(written, era="legacy")
    if not units:  # a type that changed ("tỉnh Thừa Thiên Huế"): the name still finds it
        units = gz.lookup(gz.split_type(written)[1], level, era="legacy")
    assert [(u.level, u.type, u.name, u.province) for u in units] == [(level, unit_type, name, province)]


@pytest.mark.parametrize(
    "old, new",
    [
        ("Bắc Kạn", "Thái Nguyên"),
        ("Hà Giang", "Tuyên Quang"),
        ("Yên Bái", "Lào Cai"),
        ("Quảng Nam", "Đà Nẵng"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Bình Phước", "Đồng Nai"),
        ("Long An", "Tây Ninh"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Hải Dương", "Hải Phòng"),
        ("Quảng Trị", "Quảng Trị"),
        ("Huế", "Huế"),
    ],
)
def test_province_2025(old, new):
    (unit,) = gz.lookup(old, "province", era="legacy")
    assert unit.province_2025 == new


def _converter_provinces() -> dict[str, str]:
    """legacy province key -> 2025 province key, read from the package's own converter data."""
    spec = find_spec("vietnamadminunits")
    data = Path(next(iter(spec.submodule_search_locations))) / "data" / "converter_2025.json"
    mapping = json.loads(data.read_text(encoding="utf-8"))["DICT_PROVINCE"]
    return {old: new for new, olds in mapping.items() for old in olds}


def test_every_legacy_district_resolves_to_its_2025_province():
    merged_into = _converter_provinces()
    new_names = {gz.ascii_key(u.type + u.name): u.name for u in gz.units("province", "2025")}
    districts = [u for u in gz.units("district", "legacy") if u.code is not None]
    assert len(districts) > 690
    wrong = []
    for d in districts:
        expected = new_names[merged_into[gz.ascii_key(d.province_type + d.province)]]
        text = f"Ban Chỉ huy Quân sự {d.type} {d.name}, {d.province_type} {d.province} tổ chức hội nghị."
        found = places.extract(light_doc(text))
        first = found[0]
        if first.code != d.code or first.province_2025 != expected:
            wrong.append((d.type, d.name, d.province, first.code, first.province_2025, expected))
    assert not wrong, wrong[:10]


def test_codes_are_unique_per_era_and_level():
    for era in gz.ERAS:
        for level in gz.LEVELS:
            codes = [u.code for u in gz.units(level, era) if u.code is not None]
            assert len(codes) == len(set(codes)), (era, level)


# --- mentions in text -------------------------------------------------------------------------

RESOLVED = [
    # text, url, mention, name, type, province, district, province_2025
    (
        "Ban CHQS huyện Châu Thành, tỉnh Long An tổ chức huấn luyện.",
        None,
        "huyện Châu Thành",
        "Châu Thành",
        "huyện",
        "Long An",
        "Châu Thành",
        "Tây Ninh",
    ),
    (
        "Lễ giao quân tại TX. Tân Châu, tỉnh An Giang diễn ra sáng nay.",
        None,
        "TX. Tân Châu",
        "Tân Châu",
        "thị xã",
        "An Giang",
        "Tân Châu",
        "An Giang",
    ),
    (
        "Huyện Tân Châu tổ chức khám tuyển.",
        "https://tanchau.tayninh.gov.vn/tin-tuc/1",
        "Huyện Tân Châu",
        "Tân Châu",
        "huyện",
        "Tây Ninh",
        "Tân Châu",
        "Tây Ninh",
    ),
    (
        "Hội nghị có lãnh đạo tỉnh Tây Ninh. Huyện Châu Thành hoàn thành chỉ tiêu.",
        None,
        "Huyện Châu Thành",
        "Châu Thành",
        "huyện",
        "Tây Ninh",
        "Châu Thành",
        "Tây Ninh",
    ),
    (
        "Đoàn công tác làm việc tại huyện Gio Linh, tỉnh Quảng Trị.",
        None,
        "huyện Gio Linh",
        "Gio Linh",
        "huyện",
        "Quảng Trị",
        "Gio Linh",
        "Quảng Trị",
    ),
    (
        "Quận 1 khai giảng lớp bồi dưỡng kiến thức quốc phòng.",
        None,
        "Quận 1",
        "1",
        "quận",
        "Hồ Chí Minh",
        "1",
        "Hồ Chí Minh",
    ),
    (
        "Thanh niên TP.HCM hăng hái lên đường nhập ngũ.",
        None,
        "TP.HCM",
        "Hồ Chí Minh",
        "thành phố",
        "Hồ Chí Minh",
        None,
        "Hồ Chí Minh",
    ),
    (
        "Tại thành phố Yên Bái, 80 thanh niên lên đường.",
        None,
        "thành phố Yên Bái",
        "Yên Bái",
        "thành phố",
        "Yên Bái",
        "Yên Bái",
        "Lào Cai",
    ),
    (
        "Công an thành phố Hà Nội ra quân.",
        None,
        "thành phố Hà Nội",
        "Hà Nội",
        "thành phố",
        "Hà Nội",
        None,
        "Hà Nội",
    ),
    ("BA BỂ TỔNG KẾT CÔNG TÁC QUÂN SỰ", None, "BA BỂ", "Ba Bể", "huyện", "Bắc Kạn", "Ba Bể", "Thái Nguyên"),
    (
        "BAN THƯỜNG VỤ TỈNH ỦY BẮC KẠN HỌP PHIÊN THƯỜNG KỲ",
        None,
        "BẮC KẠN",
        "Bắc Kạn",
        "tỉnh",
        "Bắc Kạn",
        None,
        "Thái Nguyên",
    ),
    (
        "Ngân Sơn tổng kết công tác quốc phòng.",
        None,
        "Ngân Sơn",
        "Ngân Sơn",
        "huyện",
        "Bắc Kạn",
        "Ngân Sơn",
        "Thái Nguyên",
    ),
    (
        "Hộ kinh doanh ở xã Tam Xuân 1, huyện Núi Thành được hỗ trợ.",
        None,
        "xã Tam Xuân 1",
        "Tam Xuân I",
        "xã",
        "Quảng Nam",
        "Núi Thành",
        "Đà Nẵng",
    ),
    (
        "Lãnh đạo tỉnh Thừa Thiên Huế dự lễ.",
        None,
        "tỉnh Thừa Thiên Huế",
        "Thừa Thiên Huế",
        "tỉnh",
        "Thừa Thiên Huế",
        None,
        "Huế",
    ),
    (
        "Sau sáp nhập, xã Tây Ninh Hòa tổng kết công tác quân sự.",
        None,
        "xã Tây Ninh Hòa",
        "Tây Ninh Hòa",
        "xã",
        "Khánh Hòa",
        None,
        "Khánh Hòa",
    ),
    # Only the 2025 commune of this name is in the province the article names.
    (
        "Hà Nội: người cao tuổi được khám bệnh\n\nBí thư Đảng ủy xã Đa Phúc phát biểu.",
        None,
        "xã Đa Phúc",
        "Đa Phúc",
        "xã",
        "Hà Nội",
        None,
        "Hà Nội",
    ),
    (
        "Thị xã Cửa Lò tổng kết 10 năm thực hiện nghị quyết.",
        None,
        "Thị xã Cửa Lò",
        "Cửa Lò",
        "thị xã",
        "Nghệ An",
        "Cửa Lò",
        "Nghệ An",
    ),
]


@pytest.mark.parametrize("text, url, mention, name, unit_type, province, district, province_2025", RESOLVED)
def test_resolved(text, url, mention, name, unit_type, province, district, province_2025):
    doc = light_doc(text, url)
    place = only(places.extract(doc), mention)
    assert (place.name, place.type, place.province, place.district, place.province_2025) == (
        name,
        unit_type,
        province,
        district,
        province_2025,
    )
    assert doc.text[place.start : place.end] == place.text
    assert not place.candidates


@pytest.mark.parametrize(
    "text, mention, at_least",
    [
        ("Huyện Châu Thành tổ chức lễ giao nhận quân.", "Huyện Châu Thành", 5),
        ("Lãnh đạo huyện Phú Tân dự lễ.", "huyện Phú Tân", 2),  # An Giang or Cà Mau
        ("Xã Phú Tân tổ chức huấn luyện dân quân.", "Xã Phú Tân", 2),
    ],
)
def test_ambiguous_names_are_not_guessed(text, mention, at_least):
    place = only(places.extract(light_doc(text)), mention)
    assert place.code is None and place.province is None
    assert len(place.candidates) >= at_least


@pytest.mark.parametrize(
    "text",
    [
        "Học tập và làm theo tư tưởng Hồ Chí Minh.",  # the president, not the city
        "Đồng chí Nguyễn Văn Giang phát biểu tại hội nghị.",  # Văn Giang is a district of Hưng Yên
        "Ông Trần Thanh Hà, Chủ tịch UBND xã, chủ trì.",  # Thanh Hà is a district of Hải Dương
        "Các tỉnh bạn và các xã nghèo được hỗ trợ.",
        "",
    ],
)
def test_no_place(text):
    assert places.extract(light_doc(text)) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # "Tân Châu" is a district in An Giang and in Tây Ninh, and a commune in other provinces:
        # standing bare, it is a place only when the article says where.
        ("Tân Châu hoàn thành chỉ tiêu giao quân.", []),
        (
            "Tân Châu hoàn thành chỉ tiêu giao quân. Lãnh đạo tỉnh An Giang dự lễ.",
            [("Tân Châu", "An Giang"), ("An Giang", "An Giang")],
        ),
        # A name found only as a district stands bare without help.
        ("Pác Nặm tổng kết công tác quân sự.", [("Pác Nặm", "Bắc Kạn")]),
    ],
)
def test_bare_district_names(text, expected):
    assert [(p.name, p.province) for p in places.extract(light_doc(text))] == expected


def test_coordinated_communes():
    found = places.extract(light_doc("Các xã Minh Đức, Trầm Lộng của huyện Ứng Hòa diễn tập."))
    assert [(p.name, p.district) for p in found] == [
        ("Minh Đức", "Ứng Hòa"),
        ("Trầm Lộng", "Ứng Hòa"),
        ("Ứng Hòa", "Ứng Hòa"),
    ]


@pytest.mark.parametrize(
    "url, province, district, commune",
    [
        ("https://babe.backan.gov.vn/tin", "Bắc Kạn", "Ba Bể", None),
        ("https://baobackan.com.vn/bai-viet", "Bắc Kạn", None, None),
        ("http://vinhchan.hahoa.phutho.gov.vn/tin/1", "Phú Thọ", "Hạ Hòa", "Vĩnh Chân"),
        ("https://tplaocai.laocai.gov.vn/1/2", "Lào Cai", "Lào Cai", None),
        ("https://pacnam.gov.vn/tin", None, "Pác Nặm", None),
        ("https://backancity.gov.vn/tin", None, "Bắc Kạn", None),  # the provincial city
        ("https://huyendamha.vn/tin", None, "Đầm Hà", None),
        ("http://quansu.haiphong.gov.vn/tin", "Hải Phòng", None, None),
        ("https://hdndtuyenquang.gov.vn/tin", "Tuyên Quang", None, None),
        ("https://quan3.hochiminhcity.gov.vn/tin", "Hồ Chí Minh", "3", None),
        ("https://luatminhkhue.vn/bai-viet", None, None, None),  # not Huế for its last letters
        ("https://baomoi.net.vn/tin-c1.epi", None, None, None),
        ("https://tienphong.vn/bai-post1.tpo", None, None, None),
        (None, None, None, None),
        ("http://[broken/x", None, None, None),
        ("http://113.161.212.101:81/tin", None, None, None),
    ],
)
def test_url_places(url, province, district, commune):
    found = places.url_places(url)
    assert ({u.name for u in found.province} or {None}) == {province}
    assert ({u.name for u in found.district} or {None}) == {district}
    assert ({u.name for u in found.commune} or {None}) == {commune}


def test_url_domain_names_former_province():
    assert places.url_places("https://huongtra.thuathienhue.gov.vn/?a=1").province_name == "Thừa Thiên Huế"


# --- invariants --------------------------------------------------------------------------------


def _confirmed(place) -> bool:
    level = places.place_level(place)
    if place.code is None:
        # A dissolved district: no code of its own, but the gazetteer knows it by name.
        return any(u.code is None for u in gz.lookup(place.name, "district", province=place.province))
    for era in gz.ERAS:
        unit = gz.by_code(place.code, level, era)
        if unit is not None and unit.province_code == place.province_code:
            return True
    return False


@pytest.mark.parametrize("text, url", [(t, u) for t, u, *_ in RESOLVED])
def test_every_resolved_place_has_a_confirmed_code(text, url):
    for place in places.extract(light_doc(text, url)):
        if not place.candidates:
            assert _confirmed(place), place


def test_gold_places_have_confirmed_codes_and_spans(gold_records):
    for record in gold_records:
        for place in record.places:
            assert record.text[place.start : place.end] == place.text
            if place.candidates:
                assert place.code is None
            else:
                assert _confirmed(place), (record.source, place)


@pytest.mark.parametrize("module", [gz, places], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(
    "text, published, era_2025",
    [
        ("Xã Bình Chương tổng kết công tác quân sự.", "2025-11-25", True),
        ("Xã Bình Chương tổng kết công tác quân sự.", "2023-12-20", False),
        ("Xã Bình Chương tổng kết công tác quân sự.", "25/11/2025", True),
        ("Sáng 25/11/2025, UBND xã Bình Chương tổ chức hội nghị.", None, True),
        ("Sáng 25/11/2023, UBND xã Bình Chương tổ chức hội nghị.", None, False),
        ("Sau sáp nhập, xã Bình Chương tổ chức hội nghị.", None, True),
        # A district written with its type word is the old system, whatever the date.
        ("UBND xã Bình Chương, huyện Bình Sơn tổ chức hội nghị.", "2025-11-25", False),
    ],
)
def test_two_level_era(text, published, era_2025):
    doc = light_doc(text)
    doc.meta["published"] = published
    found = places.extract(doc)
    (commune,) = [p for p in found if p.name == "Bình Chương"]
    assert (commune.district is None) == era_2025


# Abbreviated type words before a district name ("H." huyện, "Q." quận); an initial is not one.
ABBREVIATED_TYPES = [
    ("Ban CHQS H.Thống Nhất kết thúc diễn tập.", [("H.Thống Nhất", "huyện", "Đồng Nai")]),
    ("Tại Q.Bình Thạnh có 300 thanh niên lên đường.", [("Q.Bình Thạnh", "quận", "Hồ Chí Minh")]),
    ("Ảnh: H. Nam", []),
]


@pytest.mark.parametrize("text, expected", ABBREVIATED_TYPES)
def test_abbreviated_district_types(text, expected):
    from qpdp_nlp.text import analyse

    assert [(p.text, p.type, p.province) for p in places.extract(analyse(text))] == expected


# --- spelling variants: one key for the spellings of one name, the official name as output ------

SPELLINGS = [
    # sentence (own wording), mention as written, official name, type, province
    ("Sáng 2/3, UBND huyện Đăk Mil tổ chức lễ giao quân.", "huyện Đăk Mil", "Đắk Mil", "huyện", "Đắk Nông"),
    ("Ban CHQS huyện Đắc Mil huấn luyện dân quân.", "huyện Đắc Mil", "Đắk Mil", "huyện", "Đắk Nông"),
    ("Dân quân xã Đắk Pxi tuần tra biên giới.", "xã Đắk Pxi", "Đăk Pxi", "xã", "Kon Tum"),
    ("Huyện Krông Pắk giao 250 thanh niên.", "Huyện Krông Pắk", "Krông Pắc", "huyện", "Đắk Lắk"),
    ("Hội nghị tại tỉnh Đăk Lăk bàn về diễn tập.", "tỉnh Đăk Lăk", "Đắk Lắk", "tỉnh", "Đắk Lắk"),
    ("Ban CHQS huyện Lăk ra quân.", "huyện Lăk", "Lắk", "huyện", "Đắk Lắk"),
    ("Lực lượng vũ trang huyện Ea H’leo diễn tập.", "huyện Ea H’leo", "Ea H'leo", "huyện", "Đắk Lắk"),
    ("Ban CHQS huyện Đăk Rlấp tổng kết.", "huyện Đăk Rlấp", "Đắk R'Lấp", "huyện", "Đắk Nông"),
    ("UBND thành phố Phan Rang-Tháp Chàm tổ chức lễ.", "thành phố Phan Rang-Tháp Chàm", "Phan Rang - Tháp Chàm",
     "thành phố", "Ninh Thuận"),
    ("UBND thành phố Phan Rang Tháp Chàm tổ chức lễ.", "thành phố Phan Rang Tháp Chàm", "Phan Rang - Tháp Chàm",
     "thành phố", "Ninh Thuận"),
    ("Đoàn công tác đến tỉnh Bà Rịa-Vũng Tàu.", "tỉnh Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu", "tỉnh",
     "Bà Rịa - Vũng Tàu"),
]


@pytest.mark.parametrize("text, mention, name, unit_type, province", SPELLINGS)
def test_spelling_variants_resolve_to_the_official_name(text, mention, name, unit_type, province):
    place = only(places.extract(light_doc(text)), mention)
    assert (place.name, place.type, place.province) == (name, unit_type, province)


def test_spelling_class_keys():
    same = [("Đăk Tô", "Đắk Tô"), ("Đak Đoa", "Đăk Đoa"), ("Đắc Nông", "Đắk Nông"), ("Krông Păk", "Krông Pắc"),
            ("Cư M'gar", "Cư Mgar"), ("Phan Rang - Tháp Chàm", "Phan Rang Tháp Chàm")]
    assert all(gz.name_key(a) == gz.name_key(b) for a, b in same)
    # Vietnamese syllables in -ắc of other onsets stay apart; a dash at a name's end is kept.
    assert gz.name_key("Bắc Sơn") != gz.name_key("Băk Sơn")
    assert gz.name_key("Hòa Vang -") != gz.name_key("Hòa Vang")


def test_scan_copies_are_replace_copies_with_lists_of_their_own():
    from dataclasses import replace

    from qpdp_nlp.extractors.places import _copy, _scan_once

    for m in _scan_once("Huyện Ba Bể và các xã Quảng Khê, Nam Mẫu thuộc tỉnh Bắc Kạn."):
        copied = _copy(m)
        assert copied == replace(m) and copied is not m
        assert all(getattr(copied, f) is not getattr(m, f) for f in ("candidates", "typed", "every", "follows"))
