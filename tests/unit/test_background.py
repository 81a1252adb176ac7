"""The worker's protocol: each event is one line, and reads back as it was written."""

from __future__ import annotations

from reader.background import Failed, Noted, Progress, Reported, Said, decode, encode
from reader.model import FetchReport


def test_every_event_is_one_line_and_reads_back() -> None:
    report = FetchReport(feeds=3, ok=2, failed=1, new=5, errors=[{"url": "http://x/", "error": "HTTP 500"}], alerts=[{"search": "s"}])
    for event in (
        Progress(3, 10),
        Said("a.md: not UTF-8\nnext line\x1b[31m"),
        Noted("Лента: «Без даты»", "no date; the time it was first seen is used"),
        Reported(report),
        Failed("the disk is full (/data): the fetch stopped"),
    ):
        line = encode(event)
        assert line.endswith("\n") and line.count("\n") == 1
        assert decode(line) == event


def test_a_line_that_is_no_event_is_none() -> None:
    assert decode('{"something": 1}') is None
    assert decode("[1, 2]") is None
    assert decode('{"progress": [1]}') is None
