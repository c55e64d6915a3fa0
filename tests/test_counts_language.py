"""Count language as classes (issues 15 §6 and 16 §6–7), each a table of sentences written for
these tests: counted nouns kept whole, the parts of a call-up found, names that are not counts,
and the indicators that follow the settled conventions (subsets, pools, classes and sites)."""

from __future__ import annotations

import pytest

import qpdp_nlp

# sentence -> every count as (text, unit)
NOUNS = [
    ("Năm qua có 128 lượt cán bộ tham gia tập huấn quân sự.", [("128 lượt cán bộ", "lượt cán bộ")]),
    ("Đã huy động 3.400 lượt cán bộ, chiến sĩ, dân quân tham gia.",
     [("3.400 lượt cán bộ, chiến sĩ, dân quân", "lượt cán bộ, chiến sĩ, dân quân")]),
    ("Khám sơ tuyển cho hơn 1.200 lượt thanh niên.", [("hơn 1.200 lượt thanh niên", "lượt thanh niên")]),
    ("Tuyên truyền đến 900 lượt người trên địa bàn.", [("900 lượt người", "lượt người")]),
    ("Tổng số có 400 lượt.", [("400 lượt", "lượt")]),
    ("Có 7 nữ tân binh lên đường nhập ngũ.", [("7 nữ tân binh", "nữ tân binh")]),
    ("Tỉnh có 96 xã, phường, đặc khu.", [("96 xã, phường, đặc khu", "xã, phường, đặc khu")]),
    ("Chia thành 9 cụm xã, phường để diễn tập.", [("9 cụm xã, phường", "cụm xã, phường")]),
]


@pytest.mark.parametrize(("text", "expected"), NOUNS, ids=[t[:40] for t, _ in NOUNS])
def test_counted_noun_stays_whole(text, expected):
    assert [(c.text, c.unit) for c in qpdp_nlp.extract(text).counts] == expected


PARTS = [
    ("Huyện giao 180 công dân (chính thức 172, dự phòng 8) cho các đơn vị nhập ngũ.",
     [("180 công dân", 180), ("chính thức 172", 172), ("dự phòng 8", 8)]),
    ("Chỉ tiêu năm nay gồm 60 chính thức và 4 dự phòng nhập ngũ.", [("60 chính thức", 60), ("4 dự phòng", 4)]),
]


@pytest.mark.parametrize(("text", "expected"), PARTS, ids=[t[:40] for t, _ in PARTS])
def test_parts_of_a_callup_are_found(text, expected):
    assert [(c.text, c.value) for c in qpdp_nlp.extract(text).counts] == expected


NOT_COUNTS = [
    "Từ khi vận hành chính quyền địa phương 2 cấp, công tác tuyển quân nhập ngũ có nhiều đổi mới.",
    "Mô hình chính quyền hai cấp giúp xã chủ động giao quân nhập ngũ.",
    "Các xã Sơn Hà 1, Sơn Hà 2 và Sơn Hà 3 tổ chức giao quân nhập ngũ.",
    "Phường Hòa Bình 1 và Phường Hòa Bình 2 ra quân huấn luyện dân quân.",
]


@pytest.mark.parametrize("text", NOT_COUNTS, ids=[t[:40] for t in NOT_COUNTS])
def test_names_of_the_new_world_are_not_counts(text):
    assert qpdp_nlp.extract(text).counts == []


# A short defence article around one marked count: (sentence with ⟦count⟧, indicator)
ARTICLE = "Ban Chỉ huy Quân sự huyện tổng kết công tác quân sự, quốc phòng địa phương năm 2024.\n{}\n"
INDICATORS = [
    ("Huyện tổ chức ⟦6 lớp⟧ bồi dưỡng kiến thức quốc phòng và an ninh cho cán bộ cấp xã.", "other"),
    ("Lễ giao quân được tổ chức tại ⟦4 điểm⟧ trên địa bàn, tiễn thanh niên lên đường nhập ngũ.", "other"),
    ("Huyện hiệp đồng giao nhận quân với ⟦7 đơn vị⟧ nhận quân của Quân khu.", "other"),
    ("Năm nay huyện giao ⟦95 thanh niên⟧ lên đường nhập ngũ, đạt 100% chỉ tiêu.", "enlisted"),
    ("Năm nay huyện giao 95 thanh niên lên đường nhập ngũ, đạt ⟦100% chỉ tiêu⟧.", "enlistment_target_pct"),
    ("Dịp này, huyện tặng ⟦95 suất quà⟧ cho tân binh lên đường nhập ngũ.", "policy_support"),
    ("Kinh phí hỗ trợ tân binh là ⟦285 triệu đồng⟧.", "budget"),
    ("Hội đồng nghĩa vụ quân sự khen thưởng ⟦5 tập thể⟧ và 9 cá nhân.", "awards_collective"),
    ("Các xã đã đăng ký nghĩa vụ quân sự cho ⟦412 công dân⟧ tuổi 17.", "registration"),
]


@pytest.mark.parametrize(("marked", "indicator"), INDICATORS, ids=[m[:40] for m, _ in INDICATORS])
def test_indicator_with_its_rule_and_confidence(marked, indicator):
    start = marked.index("⟦")
    count_text = marked[start + 1:marked.index("⟧")]
    rec = qpdp_nlp.extract(ARTICLE.format(marked.replace("⟦", "").replace("⟧", "")))
    found = [c for c in rec.counts if c.text == count_text]
    assert found, [c.text for c in rec.counts]
    count = found[0]
    assert count.indicator == indicator
    assert count.indicator_rule == "model" or count.indicator_rule.startswith("cue:")
    assert 0.0 < count.indicator_confidence <= 1.0


def test_not_defence_text_is_its_own_rule():
    rec = qpdp_nlp.extract("Huyện hỗ trợ 360 triệu đồng cho 5 sản phẩm OCOP. Hợp tác xã trồng 20 ha chè.")
    assert rec.counts and {(c.indicator, c.indicator_rule) for c in rec.counts} == {("other", "not-defence-text")}
