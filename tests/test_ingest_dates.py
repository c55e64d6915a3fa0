"""Issue 17, point 3: ``published`` parsed once at ingestion with dateparser (Vietnamese and
numeric day-first forms), stored as ISO ``YYYY-MM-DD`` with the raw string kept, and the outlet
(site) stored per article, through every reader and into the dataset."""

from __future__ import annotations

import json

import pytest

from qpdp_nlp import dataset
from qpdp_nlp.ingest import batch
from qpdp_nlp.ingest.sources import read_paths
from qpdp_nlp.provenance import iso_date


@pytest.mark.parametrize("raw, iso", [
    ("15/01/2024 09:00", "2024-01-15"),
    ("Thứ Sáu, 22/12/2023 - 15:45", "2023-12-22"),
    ("ngày 25 tháng 10 năm 2013", "2013-10-25"),
    ("Thứ hai, 5/2/2024, 07:00 (GMT+7)", "2024-02-05"),
    ("05-02-2024 07:00", "2024-02-05"),
    ("22.12.2023", "2023-12-22"),
    ("02/03/2024", "2024-03-02"),  # day first, never March 2nd read as February 3rd
    ("2024-02-15T08:30:00+07:00", "2024-02-15"),
    ("2024-02-15", "2024-02-15"),
    ("2024-02-15T01:30:00Z", "2024-02-15"),
])
def test_dates_parse_day_first(raw, iso):
    assert iso_date(raw) == iso


@pytest.mark.parametrize("raw", ["", "   ", "hôm qua", "2 ngày trước", "=NOW()", "=1+2", "2024-13-01",
                                 "31/02/2024", "năm 2023", "12/2", "1706000000", "x" * 500])
def test_what_is_not_a_date_gives_none(raw):
    assert iso_date(raw) is None


def test_jsonl_and_csv_dates_become_iso_with_the_raw_string_kept(tmp_path):
    text = "Huyện Ba Bể tổ chức lễ giao nhận quân\n\nSáng 12/2, 152 thanh niên lên đường nhập ngũ."
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": text, "date": "Thứ Sáu, 22/12/2023 - 15:45",
                                                  "url": "https://babe.backan.gov.vn/tin/1"},
                                                 ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text('text;published\n"' + text.replace("\n", " ") + '";15/01/2024 09:00\n',
                                    encoding="utf-8")
    a, b = list(read_paths([str(tmp_path)]))
    assert (a.published, a.meta["published_raw"], a.meta["site"]) == (
        "2023-12-22", "Thứ Sáu, 22/12/2023 - 15:45", "babe.backan.gov.vn")
    assert (b.published, b.meta["published_raw"]) == ("2024-01-15", "15/01/2024 09:00")
    out = tmp_path / "out"
    summary = batch.run([str(tmp_path / "a.jsonl")], batch.RunOptions(out=out, workers=1, quiet=True))
    assert summary.exit_code == 0
    row = dataset.read(out, tables=["articles"], fmt="parquet")["articles"].iloc[0]
    assert (row["published"], row["published_raw"], row["site"]) == (
        "2023-12-22", "Thứ Sáu, 22/12/2023 - 15:45", "babe.backan.gov.vn")


def test_no_hand_written_date_regex_left_in_the_readers():
    from pathlib import Path

    import qpdp_nlp.ingest.sources as sources

    code = Path(sources.__file__).read_text(encoding="utf-8")
    assert "_VN_DATE" not in code and "_ISO_DATE" not in code
