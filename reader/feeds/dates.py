"""Dates of feed items: ISO 8601, RFC 822 with its zone names, or what dateutil reads of a text with a year; a date that stands for none is none."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

YEAR = re.compile(r"(?<!\d)(?:1[89]|2[01])\d\d(?!\d)")  # a date written with its year
_CLOCK_12 = re.compile(r"\d\s*[AaPp]\.?[Mm]\b")
FIRST_YEAR = 1900  # an item dated before this has no date
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_YEAR_ZERO = re.compile(r"(?<![\d+-])0\d{3}(?!\d)")  # a year written 0001


def normalise_date(value: object) -> str | None:
    """An ISO 8601 (or RFC 822, or any shape dateutil reads) date as UTC
    ``YYYY-MM-DDTHH:MM:SSZ``; a bare date stays a date; None if unreadable
    or if it stands for no date (a year before :data:`FIRST_YEAR`: Hugo
    dates an undated page 0001-01-01; the Unix epoch itself)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        return day.isoformat() if day.year >= FIRST_YEAR else None
    moment = _read_date(text) if not _YEAR_ZERO.search(text) else None  # RFC 822 reads «0001» as 2001
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        moment = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    if moment.year < FIRST_YEAR or moment == _EPOCH:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def lenient_date(text: str) -> str | None:
    moment = _dateutil(text)
    return normalise_date(moment.isoformat()) if moment else None


# RFC 822's zone names (email.utils knows them; dateutil warns and reads the time as UTC)
_ZONES = {
    name: hours * 3600
    for name, hours in {
        "UT": 0,
        "UTC": 0,
        "GMT": 0,
        "Z": 0,
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
    }.items()
}  # seconds east of UTC


def _dateutil(text: str) -> dt.datetime | None:
    import warnings

    from dateutil import parser as dateutil_parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a zone it does not know: the time is read as UTC, and nothing is printed
        try:
            return dateutil_parser.parse(text, tzinfos=_ZONES)
        except (ValueError, OverflowError, TypeError):
            return None


def _read_date(text: str) -> dt.datetime | None:
    """ISO 8601 first, then RFC 822 (with its zone names: EST, PDT, ...),
    then whatever dateutil reads of a text with a year in it (it makes a
    date of «4» or «yesterday-ish» too)."""
    try:
        return dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        pass
    if not _CLOCK_12.search(text):  # RFC 822 has no AM/PM, and its parser drops them: 4:20 PM would be 04:20
        try:
            return email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            pass
    return _dateutil(text) if YEAR.search(text) else None
