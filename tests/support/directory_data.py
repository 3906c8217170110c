"""The example committee directory as data, and Bangkok times, for the directory's tests."""
from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone

from storage.directory_file import read_directory_file
from tests.support.committees import EXAMPLE

BANGKOK = timezone(timedelta(hours=7))

# 2026-11-23 is a Monday.
MON, TUE, FRI, SAT, SUN = 23, 24, 27, 28, 29


def bkk(year, month, day, hour, minute=0) -> datetime:
    """A Bangkok wall-clock time, as the UTC instant callers pass in."""
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


NOW = bkk(2026, 11, MON, 10)


def example_data() -> dict:
    """config/committees.example.yaml as read from the file."""
    return read_directory_file(EXAMPLE)


def data_with(example, edit) -> dict:
    data = copy.deepcopy(example)
    edit(data)
    return data


def committee_row(data, cid) -> dict:
    return next(c for c in data["committees"] if c["id"] == cid)
