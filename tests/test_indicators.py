"""Indicators: the cue table, the classifier (rebuilt byte for byte from the repo's data), and
decisions on sentences written for the project."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from qpdp_nlp.classify import indicators
from qpdp_nlp.extractors import count_nouns, counts
from qpdp_nlp.records import INDICATORS
from qpdp_nlp.text import analyse


@pytest.fixture(scope="module")
def rebuilt(indicator_rebuild):
    """(model file, metrics) of one fresh training (conftest); its cross-validated accuracy is held
    by the quality gate (tests/gate/floors.json, "cv")."""
    return indicator_rebuild


@pytest.mark.slow
@pytest.mark.gold
def test_rebuild_is_byte_identical(rebuilt):
    path, _ = rebuilt
    shipped = files("qpdp_nlp").joinpath("models", indicators.MODEL_FILE).read_bytes()
    assert path.read_bytes() == shipped, "run `qpdp train --only indicator` and commit the model"


def test_without_shared_the_shipped_model_is_kept(tmp_path, capsys):
    metrics = indicators.train(tmp_path, shared=None)
    assert metrics["kept"] is True
    assert not (tmp_path / indicators.MODEL_FILE).exists()
    assert "shipped model is kept" in capsys.readouterr().out


def test_model_file_is_plain_json():
    data = json.loads(files("qpdp_nlp").joinpath("models", indicators.MODEL_FILE).read_text(encoding="utf-8"))
    assert set(data["classes"]) <= set(INDICATORS)
    assert len(data["features"]) == len(data["idf"]) == len(data["coef"])
    assert all(len(row) == len(data["classes"]) for row in data["coef"])


def test_tables_load():
    cues = indicators._cues()
    assert {c.indicator for c in cues} <= set(INDICATORS)
    contexts, labels = indicators.training_examples()
    assert len(contexts) == len(labels) >= 200
    assert set(labels) == set(INDICATORS) - {"other"} | {"other"}


def _context(marked: str) -> indicators.Context:
    start = marked.index("⟦")
    end = marked.index("⟧") - 1
    plain = marked.replace("⟦", "").replace("⟧", "")
    unit, is_percent = count_nouns.read_unit(plain[start:end])
    return indicators.context_of(plain, start, end, unit, is_percent)


# Sentences written for these tests (not in the training table): the count is marked ⟦…⟧.
DECISIONS = [
    ("Xã đã bàn giao ⟦37 thanh niên⟧ lên đường nhập ngũ trong sáng nay.", "enlisted"),
    ("Qua khám sơ tuyển, có ⟦254 công dân⟧ đủ điều kiện.", "registration"),
    ("Tập huấn bồi dưỡng kiến thức quốc phòng cho ⟦66 người⟧ là trưởng các đoàn thể.", "qpan_training"),
    ("Trường phối hợp giáo dục quốc phòng và an ninh cho ⟦520 học sinh⟧ khối 10.", "qpan_students"),
    ("UBND thị trấn tặng giấy khen cho ⟦5 tập thể⟧ xuất sắc.", "awards_collective"),
    ("UBND thị trấn tặng giấy khen cho 5 tập thể và ⟦9 cá nhân⟧ xuất sắc.", "awards_individual"),
    ("Huyện hoàn thành ⟦100% chỉ tiêu⟧ giao quân hai năm liền.", "enlistment_target_pct"),
    ("Năm nay ⟦12 xã, thị trấn⟧ tổ chức diễn tập chiến đấu phòng thủ.", "exercises"),
    ("Huyện hỗ trợ ⟦100 gia đình⟧ có con lên đường nhập ngũ.", "policy_support"),
    ("Năm nay xã có ⟦4 xã⟧ diễn tập chiến đấu phòng thủ.", "exercises"),
    ("Tỉnh trích ngân sách ⟦700 triệu đồng⟧ cho huấn luyện.", "budget"),
    ("Đơn vị trao ⟦60 suất quà⟧ cho gia đình chính sách.", "policy_support"),
    ("Hội nghị đề ra ⟦6 nhóm nhiệm vụ⟧ trọng tâm.", "key_tasks"),
    ("Tuyên truyền kiến thức quốc phòng đến ⟦hơn 4.000 lượt người⟧.", "qpan_outreach"),
    ("Huấn luyện cho ⟦58 chiến sĩ dân quân⟧ năm thứ nhất.", "militia"),
    ("Huấn luyện cho ⟦120 quân nhân dự bị⟧ thuộc tiểu đoàn dự bị động viên.", "reserve"),
    ("Thời gian huấn luyện là ⟦10 ngày⟧ tại thao trường.", "other"),
    ("Hội nghị gồm ⟦4 nội dung⟧ chính.", "other"),
    ("Đón ⟦80 quân nhân⟧ xuất ngũ trở về địa phương.", "other"),
    # the standard abbreviation of reservists (QNDB) names the reserve like the words in full
    ("Tiểu đoàn gọi ⟦215 QNDB⟧ tập trung huấn luyện trong tuần này.", "reserve"),
    # being called to the medical check, or the pool ready for call-up, is the registration step
    ("Hội đồng xã đã gọi khám sức khỏe nghĩa vụ quân sự cho ⟦96 thanh niên⟧.", "registration"),
    ("Nguồn sẵn sàng nhập ngũ của phường có ⟦410 công dân⟧.", "registration"),
    # houses built or handed over for families are support, whatever the sentence else speaks of
    ("Bộ đội biên phòng bàn giao ⟦3 ngôi nhà⟧ cho hộ nghèo.", "policy_support"),
    # people given medals (not "cá nhân" by name) are awarded individuals
    ("Nhà nước truy tặng Huân chương Chiến công cho ⟦4 chiến sĩ⟧ hy sinh khi làm nhiệm vụ.", "awards_individual"),
    # propaganda and extracurricular talks reach people: outreach, even when they are pupils or recruits
    ("Đồn biên phòng tuyên truyền pháp luật về biên giới cho ⟦350 học sinh⟧ của trường.", "qpan_outreach"),
    ("Xã tổ chức tuyên truyền Luật Nghĩa vụ quân sự cho ⟦27 thanh niên⟧ chuẩn bị nhập ngũ.", "qpan_outreach"),
    # propaganda on another subject (fire safety) reaches people, but not with defence knowledge
    ("Công an xã tuyên truyền phòng cháy, chữa cháy cho ⟦150 hộ kinh doanh⟧ trên địa bàn.", "other"),
    # an application names enlistment as its goal: the applicants are not yet recruits
    ("Tuần qua có ⟦19 thanh niên⟧ viết đơn tình nguyện nhập ngũ.", "registration"),
    # support given to recruits is support
    ("Hội Cựu chiến binh hỗ trợ 2 triệu đồng cho ⟦41 tân binh⟧ của xã.", "policy_support"),
    # defence education for pupils, however the knowledge is named
    ("Năm qua, quận giáo dục kiến thức QP&AN cho ⟦8.400 học sinh⟧ các trường.", "qpan_students"),
]


@pytest.mark.parametrize(("marked", "indicator"), DECISIONS, ids=[m[:40] for m, _ in DECISIONS])
def test_decision(marked, indicator):
    assert indicators.classify([_context(marked)]) == [indicator]


def test_batch_equals_one_by_one():
    contexts = [_context(m) for m, _ in DECISIONS]
    assert indicators.classify(contexts) == [indicators.classify([c])[0] for c in contexts]


def test_model_agrees_with_sklearn(tmp_path):
    """The JSON model scores exactly as the scikit-learn pipeline it was exported from."""
    examples = indicators.written_examples()
    contexts, labels = [e.context for e in examples], [e.label for e in examples]
    pipe = indicators.fit_pipeline(contexts, labels)
    model = indicators._model_from(indicators.fit(examples))
    ours = indicators._scores(model, contexts[:40])
    theirs = pipe.decision_function(contexts[:40])
    assert list(model.classes) == list(pipe.classes_)
    assert abs(ours - theirs).max() < 1e-3


DEFENCE = [
    ("Ban Chỉ huy Quân sự huyện tổ chức huấn luyện dân quân.", True),
    ("Lễ giao nhận quân diễn ra sáng nay, 120 thanh niên lên đường nhập ngũ.", True),
    ("Huyện trồng mới 200ha chè và hỗ trợ 5 sản phẩm OCOP.", False),
    ("Đội văn nghệ biểu diễn cồng chiêng tại nhà rông.", False),
]


@pytest.mark.parametrize(("text", "expected"), DEFENCE, ids=[t[:30] for t, _ in DEFENCE])
def test_is_defence_text(text, expected):
    assert indicators.is_defence_text(text) is expected


def test_counts_outside_defence_are_other():
    doc = analyse("Huyện hỗ trợ 360 triệu đồng cho 5 sản phẩm OCOP và 20 hộ dân trồng chè.")
    found = counts.extract(doc)
    indicators.fill_indicators(doc, found)
    assert found and {c.indicator for c in found} == {"other"}


# What an indicator counts (DESIGN.md, data/indicator_measures.tsv): whatever the cues and the model
# say, a count is never given an indicator its measure rules out.
MEASURE_RULED_OUT = [
    ("Cuộc diễn tập huy động ⟦350 người⟧ cùng nhiều phương tiện.", "exercises"),  # drills count communes
    ("Lễ giao nhận quân có ⟦trên 100 gia đình⟧ tân binh đến dự.", "enlisted"),     # households
    ("Huyện lập ⟦1 danh sách⟧ công dân nhập ngũ năm 2026.", "enlisted"),          # a list
    ("Tổng kinh phí tuyển quân là ⟦2 tỷ đồng⟧.", "enlisted"),                     # money is a budget
    ("Huyện giao ⟦150 thanh niên⟧ nhập ngũ.", "budget"),                           # people are no money
    # objects are no people: leaflets, books and trenches are never people reached or trained
    ("Xã phát ⟦1.200 tờ rơi⟧ tuyên truyền tuyển quân.", "qpan_outreach"),
    ("Thư viện nhận thêm ⟦80 đầu sách⟧ về giáo dục quốc phòng cho học sinh.", "qpan_students"),
    ("Trung đội dân quân đào ⟦16 công sự⟧ chiến đấu tại thao trường.", "militia"),
    ("Trường trao ⟦200 cuốn vở⟧ cho học sinh khó khăn, con em quân nhân nhập ngũ.", "enlisted"),
    # books and leaflets for a library are material, not support to people
    ("Đồn tặng thư viện trường ⟦60 đầu sách⟧ pháp luật.", "policy_support"),
    # representatives are people, whatever the money beside them
    ("Mỗi suất quà trị giá 500.000 đồng, trao cho ⟦35 đại diện⟧ gia đình chính sách.", "budget"),
    # comrades ("đồng đội") are people, not the currency their first syllable spells
    ("Quỹ hỗ trợ sửa nhà cho ⟦12 đồng đội⟧ có hoàn cảnh khó khăn.", "budget"),
]


@pytest.mark.parametrize("marked, ruled_out", MEASURE_RULED_OUT, ids=[m[:40] for m, _ in MEASURE_RULED_OUT])
def test_measure_rules_an_indicator_out(marked, ruled_out):
    ctx = _context(marked)
    assert ruled_out not in indicators.measure_allows(ctx)
    assert indicators.classify([ctx]) != [ruled_out]
