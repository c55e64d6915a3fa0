"""The HTML report (issue 18 §5): self-contained, every string from the web escaped, and checked
in a real browser (headless Chromium) where one is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from tests.synthetic_dataset import NAUGHTY_TITLES, generated_records

from qpdp_nlp import dataset
from qpdp_nlp.report import sentence_around, write_report


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def naughty_report(tmp_path_factory):
    """A report over generated articles whose titles, URLs and texts carry markup and scripts."""
    folder = tmp_path_factory.mktemp("report")
    records = generated_records(120)
    records[0].text = records[0].text.replace("Năm", "<script>document.title='PWNED'</script>Năm", 1)
    shift = len("<script>document.title='PWNED'</script>")
    for count in records[0].counts:
        count.start += shift
        count.end += shift
    dataset.write(records, folder / "data", "parquet")
    path = write_report(folder / "data", folder / "report.html", charts=False)
    return path, path.read_text(encoding="utf-8")


def test_only_the_report_s_own_script_and_no_live_markup_from_the_data(naughty_report):
    _, page = naughty_report
    parser = _Tags()
    parser.feed(page)
    assert [t for t, _ in parser.tags].count("script") == 1
    assert not [(t, a) for t, a in parser.tags if any(k.startswith("on") for k in a)]
    assert not [a for t, a in parser.tags if t == "a" and not a.get("href", "").startswith(("#", "http"))]
    assert not [t for t, _ in parser.tags if t in ("b", "i", "img", "iframe", "object")]
    assert "javascript:document.title" in page  # shown as text
    assert "&lt;script&gt;document.title=&#x27;PWNED&#x27;&lt;/script&gt;" in page
    assert NAUGHTY_TITLES[1] not in page  # unbalanced tags escaped
    assert re.search(r'http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;', page)


def test_self_contained(naughty_report):
    _, page = naughty_report
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not (tag in ("script", "link", "img") and value and not value.startswith("data:")), (tag, attrs)


def test_the_sentence_is_shown_with_the_figure_marked(naughty_report):
    _, page = naughty_report
    assert re.search(r"giao <mark>\d+ công dân</mark> nhập ngũ", page)
    assert "không dùng" in page or "dùng" in page


@pytest.mark.parametrize("text, start, end", [("", 0, 0), ("Một câu không có dấu chấm", 4, 7),
                                               ("A. " + "x" * 2000 + " 150 công dân " + "y" * 2000, 2005, 2017)])
def test_sentence_around_keeps_the_span(text, start, end):
    sentence, s, e, *_ = sentence_around(text, start, end)
    assert sentence[s:e] == text[start:end] and len(sentence) <= 700


def _browser() -> str | None:
    for name in ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.skipif(_browser() is None, reason="no headless Chromium here (apt-get install chromium-headless-shell)")
def test_renders_in_headless_chromium(naughty_report, tmp_path):
    path, _ = naughty_report
    browser = _browser()
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000",
                          "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-ready="1"' in dom  # the sorting script ran (CSP allowed it by its hash)
    assert "<title>So sánh chỉ tiêu" in dom and "PWNED</title>" not in dom
    assert dom.count("<script") == 1
    assert len(re.findall(r'<tr id="row-c-', dom)) > 100
    shot = tmp_path / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1200,900", f"--screenshot={shot}", path.as_uri()],
                   capture_output=True, timeout=120, cwd=tmp_path)
    assert shot.read_bytes()[:4] == b"\x89PNG"
