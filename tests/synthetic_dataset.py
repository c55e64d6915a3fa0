"""Generated records for the published outputs (written for these tests; no extractor involved).

:func:`generated_records` makes ``n`` articles about real legacy districts, provinces and 2025
defence zones, each with counts of several indicators and measures (people and classes of one
training in one sentence, percentages, money), follow-ups that repeat or contradict a figure,
syndicated copies, and titles/URLs from the open web's worst (``<script>``, ``javascript:``,
unbalanced tags, formula starts). Every count's span is exact: ``text[start:end] == count.text``.
"""

from __future__ import annotations

import random

from qpdp_nlp.records import ArticleRecord, Count, Scope

NAUGHTY_TITLES = (
    "<script>document.title='PWNED'</script>Huyện giao quân",
    "Tổng kết <b>quốc phòng <i>địa phương",
    "=HYPERLINK(\"http://evil\",\"x\") năm 2024",
    "<img src=x onerror=\"document.title='PWNED'\"> diễn tập",
    "\" onmouseover=\"alert(1)",
)
NAUGHTY_URLS = ("javascript:document.title='PWNED'", "https://evil.example/a?<script>", "data:text/html,<b>x</b>")


def _places(rng: random.Random, k: int) -> list[tuple]:
    from qpdp_nlp.gazetteer import units

    districts = [(u.province, u.name, u.lat, u.lon) for u in units("district", "legacy") if u.code]
    rng.shuffle(districts)
    return districts[:k]


def _count(text: str, fragment: str, at: int, **fields) -> tuple[Count, int]:
    start = text.index(fragment, at)
    return Count(rule="test", text=fragment, start=start, end=start + len(fragment), **fields), start + len(fragment)


def generated_records(n: int = 3000, seed: int = 18) -> list[ArticleRecord]:
    rng = random.Random(seed)
    places = _places(rng, 120)
    records = []
    for i in range(n):
        province, district, lat, lon = places[i % len(places)]
        year = 2021 + (i // len(places)) % 5
        enlisted = 100 + (i * 7) % 200
        trainees, classes = 50 + i % 300, 1 + i % 4
        pct = 95 + i % 6
        money = (1 + i % 9) * 100_000_000
        conflict = i % 37 == 0  # a follow-up that disagrees
        if conflict:
            enlisted += 1
        text = (f"Năm {year}, huyện {district} giao {enlisted} công dân nhập ngũ, đạt {pct}% chỉ tiêu. "
                f"Huyện mở {classes} lớp bồi dưỡng kiến thức quốc phòng và an ninh cho {trainees} học viên. "
                f"Kinh phí {money // 1_000_000} triệu đồng.")
        counts, at = [], 0
        c, at = _count(text, f"{enlisted} công dân", at, value=enlisted, unit="công dân", indicator="enlisted",
                       confidence=0.9)
        counts.append(c)
        c, at = _count(text, f"{pct}%", at, value=pct, unit="%", is_percent=True,
                       indicator="enlistment_target_pct", confidence=0.8)
        counts.append(c)
        c, at = _count(text, f"{classes} lớp", at, value=classes, unit="lớp", indicator="qpan_training",
                       confidence=0.7)
        counts.append(c)
        c, at = _count(text, f"{trainees} học viên", at, value=trainees, unit="học viên",
                       indicator="qpan_training", confidence=0.8)
        counts.append(c)
        c, at = _count(text, f"{money // 1_000_000} triệu đồng", at, value=money, unit="triệu đồng",
                       indicator="budget", confidence=0.6)
        counts.append(c)
        naughty = i % 11 == 0
        title = NAUGHTY_TITLES[i % len(NAUGHTY_TITLES)] if naughty else f"Huyện {district} tổng kết năm {year}"
        url = NAUGHTY_URLS[i % len(NAUGHTY_URLS)] if naughty else f"https://{province.lower().replace(' ', '')}.example.vn/tin/{i}"
        records.append(ArticleRecord(
            article_id=f"g{i:05d}", title=title, url=url, text=text, published=f"{year + 1}-01-{1 + i % 28:02d}",
            scope=Scope(level="district", province=province, district=district, lat=lat, lon=lon), report_year=year,
            is_defense=True, topic="review", counts=counts,
            duplicate_of=f"g{i - 1:05d}" if i % 53 == 52 else None))
    return records
