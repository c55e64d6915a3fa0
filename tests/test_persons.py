"""Table tests of the persons extractor: sentences written for the project (not from the gold)."""

from __future__ import annotations

import pytest

from qpdp_nlp.extractors.persons import extract, lexicon, tokenize
from qpdp_nlp.text import analyse

# (sentence, [(rank, name, position), ...]) — every person the sentence names, in order.
CASES = [
    ("Dự hội nghị có Đại tá Lương Văn Khánh, Phó Chỉ huy trưởng Bộ CHQS tỉnh Bắc Kạn.",
     [("Đại tá", "Lương Văn Khánh", "Phó Chỉ huy trưởng Bộ CHQS tỉnh Bắc Kạn")]),
    ("Đồng chí Thượng tá Hà Đức Mạnh - Phó Chính ủy Bộ Chỉ huy Quân sự tỉnh phát biểu chỉ đạo.",
     [("Thượng tá", "Hà Đức Mạnh", "Phó Chính ủy Bộ Chỉ huy Quân sự tỉnh")]),
    ("đ/c Trung tá Triệu Văn Lâm – Chỉ huy trưởng Ban CHQS huyện trình bày báo cáo.",
     [("Trung tá", "Triệu Văn Lâm", "Chỉ huy trưởng Ban CHQS huyện")]),
    ("Cùng dự có thiếu tướng Phan Văn Lực– Phó Tư lệnh Quân khu 4; đại diện lãnh đạo các sở.",
     [("thiếu tướng", "Phan Văn Lực", "Phó Tư lệnh Quân khu 4")]),
    ("TRUNG TÁ Đỗ Minh Trí kiểm tra công tác chuẩn bị.",
     [("TRUNG TÁ", "Đỗ Minh Trí", None)]),
    ("Chuẩn Đô đốc Ngô Văn Phát, Phó Tư lệnh Hải quân dự buổi lễ.",
     [("Chuẩn Đô đốc", "Ngô Văn Phát", "Phó Tư lệnh Hải quân")]),
    ("Binh nhì Lò Văn Pọm được khen thưởng.", [("Binh nhì", "Lò Văn Pọm", None)]),
    ("Thượng úy Quàng Văn Dũng, Đồn Biên phòng Mường Lói báo cáo.", [("Thượng úy", "Quàng Văn Dũng", None)]),
    # civil officials, before and after the name
    ("Bà Nông Thị Hạnh, Phó Bí thư Thường trực Huyện ủy chủ trì hội nghị.",
     [(None, "Nông Thị Hạnh", "Phó Bí thư Thường trực Huyện ủy")]),
    ("ông Ma Văn Tuấn - Phó Chủ tịch UBND huyện Chợ Đồn, Chủ tịch Hội đồng GDQP&AN huyện phát biểu.",
     [(None, "Ma Văn Tuấn", "Phó Chủ tịch UBND huyện Chợ Đồn, Chủ tịch Hội đồng GDQP&AN huyện")]),
    ("Chủ tịch UBND huyện Trần Văn Thạnh trao quà cho tân binh.",
     [(None, "Trần Văn Thạnh", "Chủ tịch UBND huyện")]),
    ("Bí thư Huyện ủy, Chủ tịch HĐND huyện Đại Lộc Nguyễn Hồng Quang dự lễ.",
     [(None, "Nguyễn Hồng Quang", "Bí thư Huyện ủy, Chủ tịch HĐND huyện Đại Lộc")]),
    ("Phó Chủ tịch UBND tỉnh Quảng Nam Hồ Quang Bửu và Đại tá Phạm Văn Dũng dự lễ.",
     [(None, "Hồ Quang Bửu", "Phó Chủ tịch UBND tỉnh Quảng Nam"), ("Đại tá", "Phạm Văn Dũng", None)]),
    ("Võ Thanh Sang, Chủ tịch UBND huyện kiêm Chủ tịch Hội đồng Nghĩa vụ quân sự huyện, tặng hoa.",
     [(None, "Võ Thanh Sang", "Chủ tịch UBND huyện kiêm Chủ tịch Hội đồng Nghĩa vụ quân sự huyện")]),
    ("Các đồng chí: Lục Văn Hoàn, Bí thư Huyện ủy; Hà Thị Liễu, Phó Chủ tịch UBND huyện đến dự.",
     [(None, "Lục Văn Hoàn", "Bí thư Huyện ủy"), (None, "Hà Thị Liễu", "Phó Chủ tịch UBND huyện")]),
    ("Đồng chí Phan Đình Tuệ - TUV, Bí thư Huyện ủy Anh Sơn biểu dương các tập thể.",
     [(None, "Phan Đình Tuệ", "TUV, Bí thư Huyện ủy Anh Sơn")]),
    ("Ông Nguyễn Văn Tâm, Giám đốc Sở Giáo dục và Đào tạo, dự lễ khai giảng.",
     [(None, "Nguyễn Văn Tâm", "Giám đốc Sở Giáo dục và Đào tạo")]),
    ("Trung tá Lê Quang Vinh, Chỉ huy trưởng Ban CHQS huyện và Thiếu tá Trương Công Định, Chính trị viên.",
     [("Trung tá", "Lê Quang Vinh", "Chỉ huy trưởng Ban CHQS huyện"),
      ("Thiếu tá", "Trương Công Định", "Chính trị viên")]),
    # one person, several mentions: listed once, the position from the mention that has one
    ("Thượng tá Lê Văn Sơn chủ trì. Thượng tá Lê Văn Sơn, Chỉ huy trưởng Ban CHQS huyện kết luận.",
     [("Thượng tá", "Lê Văn Sơn", "Chỉ huy trưởng Ban CHQS huyện")]),
    ("Trung tướng Nguyễn Văn An, Tư lệnh Bộ Tư lệnh Thủ đô Hà Nội; Thiếu tướng Lê Văn Bình, Phó Tư lệnh, "
     "Tham mưu trưởng Bộ Tư lệnh Thủ đô dự lễ.",
     [("Trung tướng", "Nguyễn Văn An", "Tư lệnh Bộ Tư lệnh Thủ đô Hà Nội"),
      ("Thiếu tướng", "Lê Văn Bình", "Phó Tư lệnh, Tham mưu trưởng Bộ Tư lệnh Thủ đô")]),
    ("Ông Vũ Văn Cường, Bí thư Huyện ủy, Chủ tịch HĐND huyện kiểm tra công tác chuẩn bị.",
     [(None, "Vũ Văn Cường", "Bí thư Huyện ủy, Chủ tịch HĐND huyện")]),
    ("Bà Lê Thị Hoa, Chủ tịch UBND xã chỉ đạo các thôn rà soát.",
     [(None, "Lê Thị Hoa", "Chủ tịch UBND xã")]),
    ("Đồng chí Hà Văn Tùng, Trưởng Ban chỉ đạo diễn tập huyện Đại Lộc phát biểu.",
     [(None, "Hà Văn Tùng", "Trưởng Ban chỉ đạo diễn tập huyện Đại Lộc")]),
    ("Ông Hoàng Trọng Lượng, UVBTV, Trưởng Ban Tổ chức Huyện ủy phát biểu.",
     [(None, "Hoàng Trọng Lượng", "UVBTV, Trưởng Ban Tổ chức Huyện ủy")]),
    # private citizens
    ("Tân binh Hoàng Văn Nam chia sẻ niềm vui khi lên đường nhập ngũ.", [(None, "Hoàng Văn Nam", None)]),
    ("Gia đình ông Lò Văn Sinh ở bản Nà Cà có hai con nhập ngũ.", [(None, "Lò Văn Sinh", None)]),
]

# Sentences that name nobody: places after titles, bodies, bylines, generic words.
NEGATIVE = [
    "Chủ tịch UBND huyện Hà Quảng phát biểu tại hội nghị.",
    "Bí thư Tỉnh ủy Hà Tĩnh gửi thư khen.",
    "Đồng chí Phó Chủ tịch UBND tỉnh, Phó trưởng ban Ban Chỉ đạo đề nghị các địa phương rà soát.",
    "Ban Chỉ huy Quân sự huyện Đại Lộc tổ chức diễn tập.",
    "Huyện Trần Văn Thời hoàn thành chỉ tiêu giao quân.",
    "Các đồng chí lãnh đạo huyện dự buổi lễ.",
    "Văn Đình",
    "X.Trinh",
    "Hội đồng Nghĩa vụ quân sự huyện Núi Thành họp.",
    "Báo cáo viên của Bộ Tư lệnh thành phố Hồ Chí Minh và hơn 350 học viên dự lớp.",
    "Chủ tịch UBND huyện Trần Văn Thời phát biểu.",
    "",
    "   ",
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_persons_table(sentence, expected):
    doc = analyse(sentence)
    got = [(p.rank, p.name, p.position) for p in extract(doc)]
    assert got == expected
    for p in extract(doc):
        assert doc.text[p.start:p.end] == p.text
        assert p.name in p.text


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_persons_negative(sentence):
    assert extract(analyse(sentence)) == []


def test_all_ranks_any_case():
    lex = lexicon()
    assert len(lex.ranks) == 21
    for rank in lex.ranks.values():
        for written in (rank, rank.lower(), rank.upper()):
            doc = analyse(f"Dự lễ có {written} Nguyễn Văn An.")
            (person,) = extract(doc)
            assert person.rank == written
            assert person.name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    "text,tokens",
    [
        ("GDQP&AN", ["GDQP&AN"]),
        ("QP-AN", ["QP-AN"]),
        ("Thê-Phó", ["Thê", "-", "Phó"]),
        ("đ/c Lâm", ["đ/c", "Lâm"]),
    ],
)
def test_tokenize(text, tokens):
    assert [t.text for t in tokenize(text)] == tokens
