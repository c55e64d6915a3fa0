"""Table tests of the documents extractor. Sentences written for the project (not from the gold).

Each positive case is one sentence citing one document, with every field expected, the doc_id
included: the same document cited in different forms must get the same id. The negative table
holds generic mentions that must give nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from conftest import hang_guard
from qpdp_nlp.extractors import document_tables
from qpdp_nlp.extractors.documents import extract, find
from qpdp_nlp.text import analyse, normalize

BCH = "Ban Chấp hành Trung ương"
NQ28_2013 = "nghi-quyet/28/2013/NQ-TW"
NQ28_2008 = "nghi-quyet/28/2008/NQ-TW"
NQ44_2022 = "nghi-quyet/44/2022/NQ-TW"
CHIEN_LUOC = "Chiến lược bảo vệ Tổ quốc trong tình hình mới"
LUAT_QP = "luat/22/2018/QH14"
LUAT_NVQS = "luat/78/2015/QH13"
LUAT_DQTV = "luat/48/2019/QH14"
LUAT_GDQPAN = "luat/30/2013/QH13"
NTM = "chuong-trinh/muc-tieu-quoc-gia-xay-dung-nong-thon-moi"

# (sentence, span, kind, number, symbol, year, date, issuer, term, title, doc_id)
CASES = [
    # --- Nghị quyết 28 (2013, Trung ương 8 khóa XI): every way the press writes it
    (("Các cấp ủy tiếp tục quán triệt Nghị quyết số 28 ngày 25/10/2013 của Ban Chấp hành Trung ương Đảng "
     "(khóa XI) về “Chiến lược bảo vệ Tổ quốc trong tình hình mới” tới mọi đảng viên."),
     ("Nghị quyết số 28 ngày 25/10/2013 của Ban Chấp hành Trung ương Đảng (khóa XI) về “Chiến lược bảo vệ "
     "Tổ quốc trong tình hình mới”"),
     "Nghị quyết", "28", None, 2013, "2013-10-25", "Ban Chấp hành Trung ương Đảng", "XI", CHIEN_LUOC, NQ28_2013),
    ("Huyện ủy tổ chức sơ kết Nghị quyết số 28-NQ/TW ngày 25-10-2013 trong toàn Đảng bộ.",
     "Nghị quyết số 28-NQ/TW ngày 25-10-2013", "Nghị quyết", "28", "NQ/TW", 2013, "2013-10-25", BCH, None, None,
     NQ28_2013),
    ("Văn kiện dẫn Nghị quyết 28/NQ-TW ngày 25 tháng 10 năm 2013 làm căn cứ.",
     "Nghị quyết 28/NQ-TW ngày 25 tháng 10 năm 2013", "Nghị quyết", "28", "NQ-TW", 2013, "2013-10-25", BCH, None,
     None, NQ28_2013),
    ("Theo nghị quyết số 28 – NQ/TƯ ký ngày 25.10.2013, nhiệm vụ bảo vệ Tổ quốc được xác định rõ.",
     "nghị quyết số 28 – NQ/TƯ ký ngày 25.10.2013", "Nghị quyết", "28", "NQ/TƯ", 2013, "2013-10-25", BCH, None, None,
     NQ28_2013),
    ("Đảng ủy học tập Nghị quyết 28-NQ/T.Ư khóa XI trong tháng 3.",
     "Nghị quyết 28-NQ/T.Ư khóa XI", "Nghị quyết", "28", "NQ/T.Ư", None, None, BCH, "XI", None, NQ28_2013),
    ("Nghị quyết Trung ương 8 (khóa XI) về Chiến lược bảo vệ Tổ quốc trong tình hình mới đã đi vào cuộc sống.",
     "Nghị quyết Trung ương 8 (khóa XI) về Chiến lược bảo vệ Tổ quốc trong tình hình mới", "Nghị quyết", None, None,
     None, None, None, "XI", CHIEN_LUOC, NQ28_2013),
    ("Mười năm thực hiện Nghị quyết TW8 khóa XI, thế trận lòng dân được củng cố.",
     "Nghị quyết TW8 khóa XI", "Nghị quyết", None, None, None, None, None, "XI", None, NQ28_2013),
    ("Báo cáo tổng kết NQ TW 8 khóa XI được thông qua.",
     "NQ TW 8 khóa XI", "Nghị quyết", None, None, None, None, None, "XI", None, NQ28_2013),
    ("Tiếp tục thực hiện Nghị quyết Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa XI.",
     "Nghị quyết Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa XI", "Nghị quyết", None, None, None, None,
     None, "XI", None, NQ28_2013),
    ("Hội nghị quán triệt Nghị quyết số 28-NQ/TW của Hội nghị Trung ương 8 khóa XI.",
     "Nghị quyết số 28-NQ/TW của Hội nghị Trung ương 8 khóa XI", "Nghị quyết", "28", "NQ/TW", None, None,
     "Hội nghị Trung ương 8", "XI", None, NQ28_2013),
    ("Kế hoạch bám sát tinh thần 28-NQ/TW ngày 25/10/2013 của Trung ương.",
     "28-NQ/TW ngày 25/10/2013", "Nghị quyết", "28", "NQ/TW", 2013, "2013-10-25", BCH, None, None, NQ28_2013),
    # --- the same number, another document: Nghị quyết 28 of the Politburo (2008)
    ("Cửa Lò sơ kết Nghị quyết số 28-NQ/TW, ngày 22/9/2008, của Bộ Chính trị trong tháng này.",
     "Nghị quyết số 28-NQ/TW, ngày 22/9/2008, của Bộ Chính trị", "Nghị quyết", "28", "NQ/TW", 2008, "2008-09-22",
     "Bộ Chính trị", None, None, NQ28_2008),
    ("Tổng kết 15 năm thực hiện Nghị quyết số 28-NQ/TW ngày 22/9/2008 của Bộ Chính trị (khóa X).",
     "Nghị quyết số 28-NQ/TW ngày 22/9/2008 của Bộ Chính trị (khóa X)", "Nghị quyết", "28", "NQ/TW", 2008,
     "2008-09-22", "Bộ Chính trị", "X", None, NQ28_2008),
    ("Thị xã thực hiện tốt Nghị quyết số 28 của Bộ chính trị về xây dựng khu vực phòng thủ.",
     "Nghị quyết số 28 của Bộ chính trị về xây dựng khu vực phòng thủ", "Nghị quyết", "28", None, None, None,
     "Bộ chính trị", None, "xây dựng khu vực phòng thủ", NQ28_2008),
    # --- a bare number says nothing about which one: its own id
    ("Sơ kết NQ 28 tại các xã biên giới.",
     "NQ 28", "Nghị quyết", "28", None, None, None, None, None, None, "nghi-quyet/28"),
    ("Huyện đẩy mạnh thực hiện Nghị quyết 28-NQ/TW trong năm nay.",
     "Nghị quyết 28-NQ/TW", "Nghị quyết", "28", "NQ/TW", None, None, BCH, None, None, "nghi-quyet/28/NQ-TW"),
    # --- Nghị quyết 44 (2022, Trung ương 8 khóa XIII)
    ("Quán triệt Nghị quyết số 44-NQ/TW ngày 24/11/2022 của Ban Chấp hành Trung ương Đảng khóa XIII.",
     "Nghị quyết số 44-NQ/TW ngày 24/11/2022 của Ban Chấp hành Trung ương Đảng khóa XIII", "Nghị quyết", "44",
     "NQ/TW", 2022, "2022-11-24", "Ban Chấp hành Trung ương Đảng", "XIII", None, NQ44_2022),
    ("Chương trình hành động thực hiện Nghị quyết Trung ương 8 khóa XIII được ban hành.",
     "Nghị quyết Trung ương 8 khóa XIII", "Nghị quyết", None, None, None, None, None, "XIII", None, NQ44_2022),
    ("Đảng bộ xã học tập nghị quyết TƯ 8 (khóa XIII).",
     "nghị quyết TƯ 8 (khóa XIII)", "Nghị quyết", None, None, None, None, None, "XIII", None, NQ44_2022),
    ("Cán bộ nghiên cứu NQ 44-NQ/TW.",
     "NQ 44-NQ/TW", "Nghị quyết", "44", "NQ/TW", None, None, BCH, None, None, NQ44_2022),
    # --- a plenum the table does not know; a title shared by two resolutions
    ("Đảng ủy quán triệt nghị quyết TW4 khóa XII về xây dựng, chỉnh đốn Đảng.",
     "nghị quyết TW4 khóa XII về xây dựng, chỉnh đốn Đảng", "Nghị quyết", None, None, None, None, None, "XII",
     "xây dựng, chỉnh đốn Đảng", "nghi-quyet/tw4/XII"),
    ("Pác Nặm học tập Nghị quyết về “Chiến lược bảo vệ Tổ quốc trong tình hình mới”.",
     "Nghị quyết về “Chiến lược bảo vệ Tổ quốc trong tình hình mới”", "Nghị quyết", None, None, None, None, None,
     None, CHIEN_LUOC, "nghi-quyet/chien-luoc-bao-ve-to-quoc-trong-tinh-hinh-moi"),
    # --- no number, but a quoted title or a full date singles the document out
    ("Quán triệt Nghị quyết của Bộ Chính trị về “Chiến lược bảo vệ biên giới quốc gia” trong toàn quân.",
     "Nghị quyết của Bộ Chính trị về “Chiến lược bảo vệ biên giới quốc gia”", "Nghị quyết", None, None, None,
     None, "Bộ Chính trị", None, "Chiến lược bảo vệ biên giới quốc gia", "nghi-quyet/33/2018/NQ-TW"),
    ("Nghị quyết ngày 25/10/2013 của Ban Chấp hành Trung ương Đảng khóa XI là văn kiện quan trọng.",
     "Nghị quyết ngày 25/10/2013 của Ban Chấp hành Trung ương Đảng khóa XI", "Nghị quyết", None, None, 2013,
     "2013-10-25", "Ban Chấp hành Trung ương Đảng", "XI", None, NQ28_2013),
    ("Chỉ thị của Thủ tướng Chính phủ về “tăng cường công tác tuyển quân” được quán triệt.",
     "Chỉ thị của Thủ tướng Chính phủ về “tăng cường công tác tuyển quân”", "Chỉ thị", None, None, None, None,
     "Thủ tướng Chính phủ", None, "tăng cường công tác tuyển quân", "chi-thi/tang-cuong-cong-tac-tuyen-quan"),
    ("Quyết định ngày 12/3/2023 của UBND tỉnh Cao Bằng giao chỉ tiêu cho các huyện.",
     "Quyết định ngày 12/3/2023 của UBND tỉnh Cao Bằng", "Quyết định", None, None, 2023, "2023-03-12",
     "UBND tỉnh Cao Bằng", None, None, "quyet-dinh/2023-03-12/uy-ban-nhan-dan-tinh-cao-bang"),
    # --- other Party resolutions
    ("Học tập Nghị quyết số 29-NQ/TW về Chiến lược bảo vệ Tổ quốc trên không gian mạng.",
     "Nghị quyết số 29-NQ/TW về Chiến lược bảo vệ Tổ quốc trên không gian mạng", "Nghị quyết", "29", "NQ/TW",
     None, None, BCH, None, "Chiến lược bảo vệ Tổ quốc trên không gian mạng", "nghi-quyet/29/2018/NQ-TW"),
    (("Quán triệt Nghị quyết 33-NQ/TW ngày 28/9/2018 của Bộ Chính trị về Chiến lược bảo vệ biên giới quốc gia; "
     "đồng thời triển khai kế hoạch năm."),
     "Nghị quyết 33-NQ/TW ngày 28/9/2018 của Bộ Chính trị về Chiến lược bảo vệ biên giới quốc gia", "Nghị quyết",
     "33", "NQ/TW", 2018, "2018-09-28", "Bộ Chính trị", None, "Chiến lược bảo vệ biên giới quốc gia",
     "nghi-quyet/33/2018/NQ-TW"),
    ("Tổng kết Nghị quyết số 765-NQ/QUTW của Quân ủy Trung ương về nâng cao chất lượng huấn luyện.",
     "Nghị quyết số 765-NQ/QUTW của Quân ủy Trung ương về nâng cao chất lượng huấn luyện", "Nghị quyết", "765",
     "NQ/QUTW", None, None, "Quân ủy Trung ương", None, "nâng cao chất lượng huấn luyện",
     "nghi-quyet/765/2012/NQ-QUTW"),
    ("Triển khai Nghị quyết 1657-NQ/QUTW ngày 20/12/2022 trong lực lượng vũ trang huyện.",
     "Nghị quyết 1657-NQ/QUTW ngày 20/12/2022", "Nghị quyết", "1657", "NQ/QUTW", 2022, "2022-12-20",
     "Quân ủy Trung ương", None, None, "nghi-quyet/1657/2022/NQ-QUTW"),
    ("Ra Nghị quyết số 05-NQ/ĐU ngày 10/01/2024 của Đảng ủy Quân sự huyện về lãnh đạo nhiệm vụ năm.",
     "Nghị quyết số 05-NQ/ĐU ngày 10/01/2024 của Đảng ủy Quân sự huyện về lãnh đạo nhiệm vụ năm", "Nghị quyết",
     "05", "NQ/ĐU", 2024, "2024-01-10", "Đảng ủy Quân sự huyện", None, "lãnh đạo nhiệm vụ năm",
     "nghi-quyet/5/2024/NQ-DU"),
    ("Thực hiện Nghị quyết số 07/NQ-HĐND ngày 15/7/2023 của HĐND tỉnh, các huyện bố trí kinh phí.",
     "Nghị quyết số 07/NQ-HĐND ngày 15/7/2023 của HĐND tỉnh", "Nghị quyết", "07", "NQ-HĐND", 2023, "2023-07-15",
     "HĐND tỉnh", None, None, "nghi-quyet/7/2023/NQ-HDND"),
    ("Bám sát Nghị quyết Đại hội XIII của Đảng, huyện xây dựng kế hoạch.",
     "Nghị quyết Đại hội XIII của Đảng", "Nghị quyết", None, None, None, None, None, "XIII", None,
     "nghi-quyet/dai-hoi/XIII"),
    ("Cụ thể hóa Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng vào nhiệm vụ quân sự.",
     "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", "Nghị quyết", None, None, None, None, None,
     "XIII", None, "nghi-quyet/dai-hoi/XIII"),
    # --- directives and conclusions
    ("Tiếp tục thực hiện Chỉ thị số 16-CT/TW ngày 5/10/2002 của Ban Bí thư (khóa IX).",
     "Chỉ thị số 16-CT/TW ngày 5/10/2002 của Ban Bí thư (khóa IX)", "Chỉ thị", "16", "CT/TW", 2002, "2002-10-05",
     "Ban Bí thư", "IX", None, "chi-thi/16/2002/CT-TW"),
    ("Lực lượng dân quân tự vệ được xây dựng theo Chỉ thị 16-CT/TW.",
     "Chỉ thị 16-CT/TW", "Chỉ thị", "16", "CT/TW", None, None, BCH, None, None, "chi-thi/16/2002/CT-TW"),
    ("Thực hiện Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ, xã dừng các cuộc họp đông người.",
     "Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ", "Chỉ thị", "16", "CT-TTg", None, None,
     "Thủ tướng Chính phủ", None, None, "chi-thi/16/2020/CT-TTg"),
    ("Các xã nghiêm túc thực hiện Chỉ thị 16 trong đợt dịch.",
     "Chỉ thị 16", "Chỉ thị", "16", None, None, None, None, None, None, "chi-thi/16"),
    ("Ban Thường vụ ban hành Chỉ thị số 05-CT/TU ngày 20 tháng 5 năm 2021 của Ban Thường vụ Tỉnh ủy Lạng Sơn.",
     "Chỉ thị số 05-CT/TU ngày 20 tháng 5 năm 2021 của Ban Thường vụ Tỉnh ủy Lạng Sơn", "Chỉ thị", "05", "CT/TU",
     2021, "2021-05-20", "Ban Thường vụ Tỉnh ủy Lạng Sơn", None, None, "chi-thi/5/2021/CT-TU"),
    ("Quán triệt Kết luận số 31-KL/TW của Ban Bí thư tới chi bộ.",
     "Kết luận số 31-KL/TW của Ban Bí thư", "Kết luận", "31", "KL/TW", None, None, "Ban Bí thư", None, None,
     "ket-luan/31/2018/KL-TW"),
    ("Theo Kết luận 05-KL/TU, huyện rà soát quy hoạch.",
     "Kết luận 05-KL/TU", "Kết luận", "05", "KL/TU", None, None, "Tỉnh ủy", None, None, "ket-luan/5/KL-TU"),
    # --- decrees and circulars
    (("Triển khai Nghị định số 168/2018/NĐ-CP ngày 28/12/2018 của Chính phủ về công tác quốc phòng ở bộ, ngành "
     "Trung ương, địa phương."),
     ("Nghị định số 168/2018/NĐ-CP ngày 28/12/2018 của Chính phủ về công tác quốc phòng ở bộ, ngành Trung ương, "
     "địa phương"), "Nghị định", "168", "NĐ-CP", 2018, "2018-12-28", "Chính phủ", None,
     "công tác quốc phòng ở bộ, ngành Trung ương, địa phương", "nghi-dinh/168/2018/ND-CP"),
    ("Cơ quan quân sự tham mưu thực hiện NĐ 168/2018/NĐ-CP.",
     "NĐ 168/2018/NĐ-CP", "Nghị định", "168", "NĐ-CP", 2018, None, "Chính phủ", None, None,
     "nghi-dinh/168/2018/ND-CP"),
    ("Tập huấn Nghị định 02/2019/NĐ-CP về phòng thủ dân sự cho cán bộ xã.",
     "Nghị định 02/2019/NĐ-CP về phòng thủ dân sự", "Nghị định", "02", "NĐ-CP", 2019, None, "Chính phủ", None,
     "phòng thủ dân sự", "nghi-dinh/2/2019/ND-CP"),
    ("Nghị định 117 của Chính phủ ngày 14/11/2008 đã hết hiệu lực.",
     "Nghị định 117 của Chính phủ ngày 14/11/2008", "Nghị định", "117", None, 2008, "2008-11-14", "Chính phủ", None,
     None, "nghi-dinh/117/2008/ND-CP"),
    ("Khu vực phòng thủ được xây dựng theo Nghị định số 21/2019/NĐ-CP.",
     "Nghị định số 21/2019/NĐ-CP", "Nghị định", "21", "NĐ-CP", 2019, None, "Chính phủ", None, None,
     "nghi-dinh/21/2019/ND-CP"),
    ("Học viên học theo Thông tư số 172/2020/TT-BQP ngày 30/12/2020 của Bộ Quốc phòng trong 4 ngày.",
     "Thông tư số 172/2020/TT-BQP ngày 30/12/2020 của Bộ Quốc phòng", "Thông tư", "172", "TT-BQP", 2020,
     "2020-12-30", "Bộ Quốc phòng", None, None, "thong-tu/172/2020/TT-BQP"),
    ("Áp dụng Thông tư 13/2021/TT-BQP cho lực lượng dân quân.",
     "Thông tư 13/2021/TT-BQP", "Thông tư", "13", "TT-BQP", 2021, None, "Bộ Quốc phòng", None, None,
     "thong-tu/13/2021/TT-BQP"),
    ("Hai bộ ban hành Thông tư liên tịch số 50/2016/TTLT-BQP-BCA để phối hợp.",
     "Thông tư liên tịch số 50/2016/TTLT-BQP-BCA", "Thông tư", "50", "TTLT-BQP-BCA", 2016, None,
     "Bộ Quốc phòng, Bộ Công an", None, None, "thong-tu/50/2016/TTLT-BQP-BCA"),
    ("Căn cứ Thông tư số 02 ngày 08/01/2016 của Bộ Quốc phòng và Bộ Công an, xã rà soát danh sách.",
     "Thông tư số 02 ngày 08/01/2016 của Bộ Quốc phòng và Bộ Công an", "Thông tư", "02", None, 2016, "2016-01-08",
     "Bộ Quốc phòng và Bộ Công an", None, None, "thong-tu/2/2016"),
    # --- decisions, plans, guidance, official letters, notices, rules
    ("Quyết định số 1234/QĐ-UBND ngày 12/3/2023 của UBND tỉnh Cao Bằng về việc giao chỉ tiêu tuyển quân.",
     "Quyết định số 1234/QĐ-UBND ngày 12/3/2023 của UBND tỉnh Cao Bằng về việc giao chỉ tiêu tuyển quân",
     "Quyết định", "1234", "QĐ-UBND", 2023, "2023-03-12", "UBND tỉnh Cao Bằng", None, "giao chỉ tiêu tuyển quân",
     "quyet-dinh/1234/2023/QD-UBND"),
    ("Đơn vị hành động theo Quyết định 567/QĐ-BCH ngày 01/02/2024.",
     "Quyết định 567/QĐ-BCH ngày 01/02/2024", "Quyết định", "567", "QĐ-BCH", 2024, "2024-02-01", None, None, None,
     "quyet-dinh/567/2024/QD-BCH"),
    ("Thủ tướng ký QĐ số 102/QĐ-TTg giao chỉ tiêu gọi công dân nhập ngũ.",
     "QĐ số 102/QĐ-TTg", "Quyết định", "102", "QĐ-TTg", None, None, "Thủ tướng Chính phủ", None, None,
     "quyet-dinh/102/QD-TTg"),
    (("UBND huyện ban hành Kế hoạch số 45/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân huyện về tuyển chọn và gọi "
     "công dân nhập ngũ năm 2025."),
     ("Kế hoạch số 45/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân huyện về tuyển chọn và gọi công dân nhập ngũ "
     "năm 2025"), "Kế hoạch", "45", "KH-UBND", 2024, "2024-01-10", "Ủy ban nhân dân huyện", None,
     "tuyển chọn và gọi công dân nhập ngũ năm 2025", "ke-hoach/45/2024/KH-UBND"),
    ("Huyện ban hành Kế hoạch số 215/KH-UBND về tuyển quân năm 2026, tổ chức khám tuyển chu đáo.",
     "Kế hoạch số 215/KH-UBND về tuyển quân năm 2026", "Kế hoạch", "215", "KH-UBND", None, None,
     "Ủy ban nhân dân", None, "tuyển quân năm 2026", "ke-hoach/215/KH-UBND"),
    # a date that contradicts the known document: not linked to it, the title still ends where its title does
    (("Quán triệt Nghị quyết số 44-NQ/TW ngày 24/11/2023 về Chiến lược bảo vệ Tổ quốc trong tình hình mới, "
     "xây dựng kế hoạch thực hiện."),
     "Nghị quyết số 44-NQ/TW ngày 24/11/2023 về Chiến lược bảo vệ Tổ quốc trong tình hình mới", "Nghị quyết",
     "44", "NQ/TW", 2023, "2023-11-24", BCH, None, CHIEN_LUOC, "nghi-quyet/44/2023/NQ-TW"),
    ("Thực hiện Hướng dẫn số 09-HD/BTGTW, các chi bộ tổ chức học tập.",
     "Hướng dẫn số 09-HD/BTGTW", "Hướng dẫn", "09", "HD/BTGTW", None, None, "Ban Tuyên giáo Trung ương", None,
     None, "huong-dan/9/HD-BTGTW"),
    ("Bộ Chỉ huy gửi Công văn số 1520/BQP-TM tới các huyện.",
     "Công văn số 1520/BQP-TM", "Công văn", "1520", "BQP-TM", None, None, "Bộ Quốc phòng", None, None,
     "cong-van/1520/BQP-TM"),
    ("Theo Công văn số 88-CV/HU của Huyện ủy Lục Yên về việc kiện toàn chi bộ quân sự.",
     "Công văn số 88-CV/HU của Huyện ủy Lục Yên về việc kiện toàn chi bộ quân sự", "Công văn", "88", "CV/HU",
     None, None, "Huyện ủy Lục Yên", None, "kiện toàn chi bộ quân sự", "cong-van/88/CV-HU"),
    ("Thông báo số 123-TB/TU ngày 6/6/2022 của Ban Thường vụ Tỉnh ủy nêu rõ yêu cầu.",
     "Thông báo số 123-TB/TU ngày 6/6/2022 của Ban Thường vụ Tỉnh ủy", "Thông báo", "123", "TB/TU", 2022,
     "2022-06-06", "Ban Thường vụ Tỉnh ủy", None, None, "thong-bao/123/2022/TB-TU"),
    ("Cán bộ thực hiện nghiêm Quy định số 41-QĐ/TW.",
     "Quy định số 41-QĐ/TW", "Quy định", "41", "QĐ/TW", None, None, BCH, None, None, "quy-dinh/41/QD-TW"),
    ("Đảng ủy ban hành Quy chế số 03-QC/ĐU làm việc của Ban Thường vụ.",
     "Quy chế số 03-QC/ĐU", "Quy chế", "03", "QC/ĐU", None, None, "Đảng ủy", None, None, "quy-che/3/QC-DU"),
    ("Xã triển khai Đề án số 06/ĐA-UBND của UBND huyện.",
     "Đề án số 06/ĐA-UBND của UBND huyện", "Đề án", "06", "ĐA-UBND", None, None, "UBND huyện", None, None,
     "de-an/6/DA-UBND"),
    ("Tỉnh ủy ban hành Chương trình hành động số 15-CTr/TU để thực hiện nghị quyết.",
     "Chương trình hành động số 15-CTr/TU", "Chương trình", "15", "CTr/TU", None, None, "Tỉnh ủy", None, None,
     "chuong-trinh/15/CTr-TU"),
    ("Xã đặc biệt khó khăn được hưởng Chương trình 135.",
     "Chương trình 135", "Chương trình", "135", None, None, None, None, None, None, "chuong-trinh/135"),
    ("Thực hiện Quyết định số 12/QĐ-BCĐ ngày 3/3/2024 của Ban Chỉ đạo 35 Bộ Quốc phòng về kiện toàn tổ chức.",
     "Quyết định số 12/QĐ-BCĐ ngày 3/3/2024 của Ban Chỉ đạo 35 Bộ Quốc phòng về kiện toàn tổ chức", "Quyết định",
     "12", "QĐ-BCĐ", 2024, "2024-03-03", "Ban Chỉ đạo 35 Bộ Quốc phòng", None, "kiện toàn tổ chức",
     "quyet-dinh/12/2024/QD-BCD"),
    # a date after a comma that belongs to the sentence, not to the document
    ("Thực hiện Nghị quyết 12-NQ/HU, ngày 5/9/2023, UBND huyện tổ chức hội nghị.",
     "Nghị quyết 12-NQ/HU", "Nghị quyết", "12", "NQ/HU", None, None, "Huyện ủy", None, None, "nghi-quyet/12/NQ-HU"),
    # headlines in capitals
    ("TUYÊN TRUYỀN LUẬT NGHĨA VỤ QUÂN SỰ NĂM 2015 CHO THANH NIÊN",
     "LUẬT NGHĨA VỤ QUÂN SỰ NĂM 2015", "Luật", None, None, 2015, None, None, None, None, LUAT_NVQS),
    ("QUÁN TRIỆT NGHỊ QUYẾT SỐ 44-NQ/TW",
     "NGHỊ QUYẾT SỐ 44-NQ/TW", "Nghị quyết", "44", "NQ/TW", None, None, BCH, None, None, NQ44_2022),
    # --- named programmes
    ("Huyện về đích Chương trình mục tiêu quốc gia xây dựng nông thôn mới.",
     "Chương trình mục tiêu quốc gia xây dựng nông thôn mới", "Chương trình", None, None, None, None, None, None,
     None, NTM),
    ("Dân quân tham gia chương trình xây dựng nông thôn mới ở thôn.",
     "chương trình xây dựng nông thôn mới", "Chương trình", None, None, None, None, None, None, None, NTM),
    # --- laws named, with or without year and number
    ("Người dân hiểu rõ Luật Quốc phòng.",
     "Luật Quốc phòng", "Luật", None, None, None, None, None, None, None, LUAT_QP),
    ("Tuyên truyền Luật Quốc phòng năm 2018 tới học sinh.",
     "Luật Quốc phòng năm 2018", "Luật", None, None, 2018, None, None, None, None, LUAT_QP),
    ("Phổ biến Luật Quốc phòng số 22/2018/QH14 trên loa truyền thanh.",
     "Luật Quốc phòng số 22/2018/QH14", "Luật", "22", "QH14", 2018, None, "Quốc hội", "XIV", None, LUAT_QP),
    ("Quốc hội thông qua Luật số 22/2018/QH14 ngày 08/6/2018.",
     "Luật số 22/2018/QH14 ngày 08/6/2018", "Luật", "22", "QH14", 2018, "2018-06-08", "Quốc hội", "XIV", None,
     LUAT_QP),
    ("Thanh niên chấp hành Luật Nghĩa vụ quân sự năm 2015.",
     "Luật Nghĩa vụ quân sự năm 2015", "Luật", None, None, 2015, None, None, None, None, LUAT_NVQS),
    ("Các trường tạo điều kiện cho học sinh thực hiện Luật nghĩa vụ quân sự.",
     "Luật nghĩa vụ quân sự", "Luật", None, None, None, None, None, None, None, LUAT_NVQS),
    ("Công dân đủ 17 tuổi đăng ký theo Luật NVQS 2015.",
     "Luật NVQS 2015", "Luật", None, None, 2015, None, None, None, None, LUAT_NVQS),
    ("Huyện tuyên truyền luật nghĩa vụ quân sự (năm 2015) qua hệ thống loa.",
     "luật nghĩa vụ quân sự (năm 2015)", "Luật", None, None, 2015, None, None, None, None, LUAT_NVQS),
    ("Triển khai Luật Dân quân tự vệ năm 2019 và các văn bản hướng dẫn.",
     "Luật Dân quân tự vệ năm 2019", "Luật", None, None, 2019, None, None, None, None, LUAT_DQTV),
    ("Ban CHQS xã quán triệt Luật DQTV cho chiến sĩ mới.",
     "Luật DQTV", "Luật", None, None, None, None, None, None, None, LUAT_DQTV),
    ("Hội đồng quán triệt và thực hiện tốt Luật Giáo dục quốc phòng và an ninh; hoàn thành chỉ tiêu.",
     "Luật Giáo dục quốc phòng và an ninh", "Luật", None, None, None, None, None, None, None, LUAT_GDQPAN),
    ("Sinh viên học Luật GDQP&AN trong học phần 1.",
     "Luật GDQP&AN", "Luật", None, None, None, None, None, None, None, LUAT_GDQPAN),
    ("Quân nhân dự bị nắm vững Luật Lực lượng dự bị động viên.",
     "Luật Lực lượng dự bị động viên", "Luật", None, None, None, None, None, None, None, "luat/53/2019/QH14"),
    ("Từ ngày 1/7/2024, Luật Phòng thủ dân sự năm 2023 có hiệu lực.",
     "Luật Phòng thủ dân sự năm 2023", "Luật", None, None, 2023, None, None, None, None, "luat/18/2023/QH15"),
    ("Đoàn viên tìm hiểu Luật An ninh mạng trên không gian số.",
     "Luật An ninh mạng", "Luật", None, None, None, None, None, None, None, "luat/24/2018/QH14"),
    ("Người dân được giải thích Luật Đất đai năm 2024 cho rõ.",
     "Luật Đất đai năm 2024", "Luật", None, None, 2024, None, None, None, None, "luat/dat-dai/2024"),
    ("Cán bộ tư pháp phổ biến Luật Hôn nhân và gia đình cho đồng bào.",
     "Luật Hôn nhân và gia đình", "Luật", None, None, None, None, None, None, None, "luat/hon-nhan-va-gia-dinh"),
    ("Hành vi trốn tránh bị xử lý theo Bộ luật Hình sự năm 2015.",
     "Bộ luật Hình sự năm 2015", "Bộ luật", None, None, 2015, None, None, None, None, "bo-luat/hinh-su/2015"),
    ("Trước năm 2009, lực lượng tổ chức theo Pháp lệnh Dân quân tự vệ.",
     "Pháp lệnh Dân quân tự vệ", "Pháp lệnh", None, None, None, None, None, None, None,
     "phap-lenh/dan-quan-tu-ve"),
]

# Generic mentions and look-alikes: nothing here names a specific document.
NEGATIVE = [
    "Quán triệt đầy đủ các chỉ thị, nghị quyết của cấp trên.",
    "Tiếp tục thực hiện Nghị quyết Đại hội Đảng các cấp.",
    "Theo Quyết định của Bộ Quốc phòng, đơn vị được điều động.",
    "Mọi việc làm đúng theo quy định của pháp luật.",
    "Chiến sĩ chấp hành nghiêm kỷ luật quân đội.",
    "Đảng ủy Quân sự ra nghị quyết lãnh đạo nhiệm vụ năm 2024.",
    "Hội nghị quán triệt 06 nghị quyết chuyên đề.",
    "Huyện xây dựng kế hoạch 5 năm về quốc phòng.",
    "Kế hoạch tổ chức lễ giao nhận quân năm 2025 được thông qua.",
    "Đoàn kiểm tra làm việc theo chương trình 2 ngày.",
    "Chương trình làm việc của đoàn kết thúc lúc 11 giờ.",
    "Luật sư Nguyễn Văn Hùng tư vấn miễn phí cho người dân.",
    "Hoàn thiện hệ thống pháp luật Việt Nam là yêu cầu cấp bách.",
    "Thông tư này có hiệu lực kể từ ngày ký.",
    "Nghị định này quy định chi tiết một số điều.",
    "Hai nhiệm vụ chiến lược xây dựng và bảo vệ Tổ quốc được thực hiện tốt.",
    "Công dân được gọi nhập ngũ đúng luật định.",
    "Kết luận hội nghị, đồng chí Bí thư yêu cầu các đơn vị khắc phục hạn chế.",
    "Học viên nghiên cứu nội dung cơ bản của các luật: quốc phòng, an ninh quốc gia.",
    "QĐND Việt Nam luôn trung thành với Tổ quốc.",
    "CT UBND huyện phát biểu chỉ đạo.",
    "Ký hiệu NQ/TW dùng cho văn bản của Trung ương.",
    "Các địa phương hoàn thành kế hoạch năm 2024.",
    "Quyết định 2024 là năm bản lề, Chủ tịch xã nói.",
    "Nghị quyết của Đảng về công tác quân sự đi vào cuộc sống.",
    "Triển khai Đề án tái cơ cấu ngành nông nghiệp.",
    "Lễ giao quân diễn ra ngày 25/10/2013 tại sân vận động.",
    "Dự luật Phòng thủ dân sự đang được lấy ý kiến nhân dân.",
    "Các văn bản quy phạm pháp luật về quốc phòng được rà soát.",
    "Thực hiện nghị quyết trung ương 10 năm qua, huyện đạt nhiều kết quả.",
    "Hướng dẫn 3 bước sơ cứu cho dân quân.",
    "Sư đoàn 316 và Quân khu 2 phối hợp huấn luyện.",
    "Đây là khóa học đầu tiên về kiến thức quốc phòng.",
    "Hội nghị quyết định 3 vấn đề lớn của năm.",
    "Theo kế hoạch, ngày 5/9/2023 huyện tổ chức diễn tập.",
    "Kế hoạch ngày 5/9 của huyện được triển khai.",
    "Giáo viên hướng dẫn 200 học sinh ôn tập.",
    "Ban tổ chức thông báo 5 điểm mới của cuộc thi.",
    "Đoàn kiểm tra kết luận 2 nội dung cần khắc phục.",
    "",
]

FIELDS = ("text", "kind", "number", "symbol", "year", "date", "issuer", "term", "title", "doc_id")


@pytest.mark.parametrize("case", CASES, ids=[c[1][:50] for c in CASES])
def test_reference_forms(case):
    sentence, *expected = case
    text = normalize(sentence)
    found = find(text)
    assert len(found) == 1, [d.text for d in found]
    doc = found[0]
    assert text[doc.start:doc.end] == doc.text
    got = tuple(getattr(doc, f) for f in FIELDS)
    assert got == tuple(normalize(e) if isinstance(e, str) else e for e in expected)


def test_table_is_large_enough():
    assert len(CASES) >= 60 and len(NEGATIVE) >= 20


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_generic_mentions_give_nothing(sentence):
    assert find(normalize(sentence)) == []


def test_doc_id_links_the_forms_of_one_document():
    """Every form of one document shares its id, and no two documents share one: the forms
    under one id never disagree on kind, number, year or date."""
    forms = defaultdict(set)
    facts = defaultdict(lambda: defaultdict(set))
    for _sentence, span, kind, number, _symbol, year, date, *_rest, doc_id in CASES:
        forms[doc_id].add(span)
        for name, value in (("kind", kind), ("number", number and number.lstrip("0")), ("year", year),
                            ("date", date)):
            if value is not None:
                facts[doc_id][name].add(value)
    assert len(forms[NQ28_2013]) >= 10 and len(forms[LUAT_NVQS]) >= 4 and len(forms[LUAT_QP]) >= 4
    for doc_id, by_field in facts.items():
        for name, values in by_field.items():
            assert len(values) == 1, (doc_id, name, values)


# Several references in one text: order, nesting, and short forms linked to a fuller mention.
ARTICLE_CASES = [
    ("Xã phổ biến Luật Đất đai và Luật Cư trú cho người dân.",
     [("Luật", None, "luat/dat-dai"), ("Luật", None, "luat/cu-tru")]),
    (("Thị xã tổng kết Nghị quyết số 28 ngày 25/10/2013 của Ban Chấp hành Trung ương Đảng khóa XI. "
     "Mười năm qua, Nghị quyết 28 đã đi vào cuộc sống; NQ 28 được cụ thể hóa bằng nhiều kế hoạch."),
     [("Nghị quyết", "28", NQ28_2013), ("Nghị quyết", "28", NQ28_2013), ("Nghị quyết", "28", NQ28_2013)]),
    (("Thực hiện Nghị quyết 28-NQ/TW, huyện ủy ra nghị quyết chuyên đề. Nghị quyết số 28-NQ/TW ngày "
     "22/9/2008 của Bộ Chính trị là căn cứ quan trọng."),
     [("Nghị quyết", "28", NQ28_2008), ("Nghị quyết", "28", NQ28_2008)]),
    (("Hội nghị quán triệt Công văn số 12-CV/ĐU ngày 3/4/2024 của Đảng ủy Quân sự tỉnh về việc thực hiện "
     "Hướng dẫn số 24-HD/BTCTW; sau đó triển khai kế hoạch."),
     [("Công văn", "12", "cong-van/12/2024/CV-DU"), ("Hướng dẫn", "24", "huong-dan/24/HD-BTCTW")]),
    (("Nghị định 02/2019/NĐ-CP thay thế Nghị định 117 của Chính phủ ngày 14/11/2008 về phòng thủ dân sự. "
     "Nghị định này có hiệu lực từ tháng 2/2019."),
     [("Nghị định", "02", "nghi-dinh/2/2019/ND-CP"), ("Nghị định", "117", "nghi-dinh/117/2008/ND-CP")]),
    (("Nghị quyết về “Chiến lược bảo vệ Tổ quốc trong tình hình mới” được tổng kết. Báo cáo nêu kết quả "
     "10 năm thực hiện Nghị quyết Trung ương 8 (khóa XI) về “Chiến lược bảo vệ Tổ quốc trong tình hình mới”."),
     [("Nghị quyết", None, NQ28_2013), ("Nghị quyết", None, NQ28_2013)]),
    ("Quán triệt Nghị quyết 765 của Quân ủy Trung ương và Nghị quyết 280 của Đảng ủy Quân khu về huấn luyện.",
     [("Nghị quyết", "765", "nghi-quyet/765/2012/NQ-QUTW"), ("Nghị quyết", "280", "nghi-quyet/280")]),
    ("Quyết định 15/QĐ-UBND, Kế hoạch 20/KH-UBND và Nghị quyết 03/NQ-HĐND cùng được ban hành.",
     [("Quyết định", "15", "quyet-dinh/15/QD-UBND"), ("Kế hoạch", "20", "ke-hoach/20/KH-UBND"),
      ("Nghị quyết", "03", "nghi-quyet/3/NQ-HDND")]),
    ("Nghị quyết về “Chương trình mục tiêu quốc gia xây dựng nông thôn mới” được thông qua.",
     [("Nghị quyết", None, "nghi-quyet/chuong-trinh-muc-tieu-quoc-gia-xay-dung-nong-thon-moi")]),
]


@pytest.mark.parametrize("sentence,expected", ARTICLE_CASES, ids=[c[0][:40] for c in ARTICLE_CASES])
def test_several_references(sentence, expected):
    text = normalize(sentence)
    found = find(text)
    assert [(d.kind, d.number, d.doc_id) for d in found] == expected
    assert [d.start for d in found] == sorted(d.start for d in found)
    for d in found:
        assert text[d.start:d.end] == d.text


def test_extract_reads_the_analysed_text():
    doc = analyse("Năm 2023, huyện Ba Bể tiếp tục thực hiện Luật Dân quân tự vệ năm 2019.")
    [found] = extract(doc)
    assert (found.kind, found.year, found.doc_id, found.rule) == ("Luật", 2019, LUAT_DQTV, "named_law")
    assert doc.text[found.start:found.end] == found.text


# --- tables ------------------------------------------------------------------------------------

def test_tables_load_and_agree():
    kinds = document_tables.kinds()
    assert {"nghị quyết", "luật", "nghị định", "chương trình", "thông báo"} <= set(kinds)
    assert all(k.named in ("law", "table", "plenum", "-") for k in kinds.values())
    assert document_tables.issuers()
    names = document_tables.document_names()
    assert set(names) <= set(kinds)
    known = document_tables.known_documents()
    assert len({k.doc_id for k in known}) == len(known)
    for k in known:
        assert k.note, k.doc_id
        if k.date:
            assert k.year == int(k.date[:4]), k.doc_id
        # an entry's id is the id the extractor builds from its number, year and symbol
        assert k.doc_id == "/".join(
            [document_tables.slug(k.kind), k.number.lstrip("0"), str(k.year), document_tables.fold_symbol(k.symbol)]
        ), k.doc_id


def test_every_known_document_is_found_by_its_full_citation():
    for k in document_tables.known_documents():
        date = ""
        if k.date:
            y, m, d = k.date.split("-")
            date = f" ngày {int(d)}/{int(m)}/{y}"
        sep = "/" if re.match(r"[A-ZĐ]+-", k.symbol) or k.symbol.startswith("QH") else "-"
        number = f"{k.number}/{k.year}/{k.symbol}" if sep == "/" and (
            k.kind in ("Luật", "Nghị định", "Thông tư") or k.symbol.startswith("CT-")
        ) else f"{k.number}{sep}{k.symbol}"
        if k.symbol.startswith("CT-"):
            number = f"{k.number}/{k.symbol}"
        text = f"Thực hiện {k.kind} số {number}{date}."
        found = find(normalize(text))
        assert [d.doc_id for d in found] == [k.doc_id], text


@pytest.mark.parametrize("symbol,issuer,term", [
    ("NQ/TW", "Ban Chấp hành Trung ương", None),
    ("NQ/T.Ư", "Ban Chấp hành Trung ương", None),
    ("NĐ-CP", "Chính phủ", None),
    ("TT-BQP", "Bộ Quốc phòng", None),
    ("QĐ-UBND", "Ủy ban nhân dân", None),
    ("QĐ-TTg", "Thủ tướng Chính phủ", None),
    ("NQ/QUTW", "Quân ủy Trung ương", None),
    ("QH14", "Quốc hội", "XIV"),
    ("KH-XYZ", None, None),
])
def test_issuer_of_symbol(symbol, issuer, term):
    assert document_tables.issuer_of_symbol(symbol) == (issuer, term)


@pytest.mark.parametrize("a,b", [("NQ/TW", "NQ-TW"), ("NQ/TW", "NQ/T.Ư"), ("NQ/TƯ", "NQ-TW"), ("NĐ-CP", "ND-CP")])
def test_fold_symbol(a, b):
    assert document_tables.fold_symbol(a) == document_tables.fold_symbol(b)


# --- speed: no backtracking blow-up ------------------------------------------------------------

ADVERSARIAL = {
    "kind words without numbers": "Nghị quyết số " * 8000,
    "an endless symbol": "1-" + "NQ/" * 40000,
    "an endless issuer": "Nghị quyết 28 của Ủy ban nhân dân tỉnh " + "Cao Bằng " * 12000,
    "an endless law name": "Luật " + "Ab " * 40000,
    "an unclosed quote": "Nghị quyết về “" + "a " * 50000,
    "an endless title": "Nghị quyết 28 về " + "xây dựng, " * 10000,
    "date-like runs": "Nghị quyết 28 ngày " + "1/1/" * 25000,
    "slashes and digits": "số " + "1/" * 50000,
    "spaces": "Nghị quyết" + " " * 100000,
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_100kb_input_finishes(name):
    """100 kB of adversarial text is read in milliseconds (bench/regex_linearity.py measures it);
    the guard only catches a regex that would backtrack for minutes."""
    text = ADVERSARIAL[name][:100_000]
    with hang_guard(30.0, f"documents.find on {name!r}"):
        find(text)
