"""Where an article comes from: its publication date as ISO, its outlet, its publisher.

One home for these, read by ingestion, the pipeline, the dataset and the cross-validation of
every learned part (folds are grouped by :func:`registered_domain`, so one newspaper never sits
on both sides).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urlsplit

# dateparser, set once: Vietnamese and English month names, numeric dates day first ("05/02/2024"
# is 5 February), a day, a month and a year all required, and only absolute dates: a relative
# "hôm qua" (yesterday) or a bare timestamp says nothing about an archived article.
DATEPARSER_LANGUAGES = ["vi", "en"]
DATEPARSER_SETTINGS = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"],
                       "PARSERS": ["custom-formats", "absolute-time"]}

# ISO 8601 of reduced precision ("2025-07", "2025"): an archive that knows only the month says so.
_ISO_REDUCED = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2}))?")


@functools.lru_cache(maxsize=8192)
def iso_date(value: str | None) -> str | None:
    """A publication date as ``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY`` when that is all the source
    gives): ISO 8601 by the standard library, everything else by dateparser, day first
    ("Thứ Sáu, 22/12/2023 - 15:45", "ngày 25 tháng 10 năm 2013", "15/01/2024 09:00"). What is not
    a date gives None, so no free text (``=HYPERLINK(…)``) reaches the ``published`` column.
    Cached: a dump repeats its date strings.

    >>> iso_date("2024-02-15T08:30:00+07:00"), iso_date("15/2/2024"), iso_date("=1+2"), iso_date("2024-13-01")
    ('2024-02-15', '2024-02-15', None, None)
    >>> iso_date("Thứ Sáu, 22/12/2023 - 15:45"), iso_date("ngày 25 tháng 10 năm 2013"), iso_date("2025-07")
    ('2023-12-22', '2013-10-25', '2025-07')
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    reduced = _ISO_REDUCED.fullmatch(value)
    if reduced:
        month = reduced.group("m")
        return value if month is None or 1 <= int(month) <= 12 else None
    if value[:4].isdigit() and value[4:5] == "-":  # ISO 8601: year first, never guessed
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            return None
    if len(value) > 200 or not any(c.isdigit() for c in value):
        return None
    import dateparser

    try:
        parsed = dateparser.parse(value, languages=DATEPARSER_LANGUAGES, settings=DATEPARSER_SETTINGS)
    except Exception:  # dateparser raises assorted errors on odd strings
        return None
    return parsed.date().isoformat() if parsed is not None else None


def outlet(url: str | None) -> str | None:
    """The outlet of an article: its URL's host name without ``www.``.

    >>> outlet("https://www.qdnd.vn/quoc-phong/1"), outlet(None), outlet("not a url")
    ('qdnd.vn', None, None)
    """
    if not url:
        return None
    try:
        host = urlsplit(str(url).strip()).hostname
    except ValueError:
        return None
    return host[4:] if host and host.startswith("www.") else host


# Second-level labels under which sites register ("baophutho.vn", but "angiang.gov.vn").
_GENERIC_SECOND_LEVEL = frozenset({"ac", "biz", "com", "edu", "gov", "health", "info", "int", "name", "net",
                                   "org", "pro"})


def registered_domain(url: str | None) -> str:
    """The registered domain of ``url``: the publisher, whose district portals are one site.

    >>> registered_domain("https://www.baonghean.vn/khen-thuong-213330.html"), registered_domain("http://vietnamnet.vn./x")
    ('baonghean.vn', 'vietnamnet.vn')
    >>> registered_domain("https://chauphu.angiang.gov.vn/wps/portal"), registered_domain(None)
    ('angiang.gov.vn', '')
    """
    if not url:
        return ""
    try:
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").strip(".").lower()
    except ValueError:
        return ""
    labels = [label for label in host.split(".") if label]
    if labels and labels[0] == "www":
        labels = labels[1:]
    generic = len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SECOND_LEVEL
    return ".".join(labels[-3:] if generic else labels[-2:])
