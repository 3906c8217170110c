"""flows/dates.py: a date typed in any of our scripts and calendars, and the date picker's answer."""
from __future__ import annotations

import pytest

from flows.dates import is_iso_date, parse_typed


@pytest.mark.parametrize("typed, expected", [
    ("15/3/2569", "2026-03-15"),           # Buddhist Era, as Thai papers print it
    ("15-03-2026", "2026-03-15"),
    ("15.3.2026", "2026-03-15"),
    ("15 3 2569", "2026-03-15"),
    (" 2026-03-15 ", "2026-03-15"),        # ISO
    ("2569-03-15", "2026-03-15"),          # ISO with a Buddhist Era year
    ("๑๕/๓/๒๕๖๙", "2026-03-15"),           # Thai digits
    ("၁၅/၃/၂၀၂၆", "2026-03-15"),           # Burmese digits
    ("១៥/៣/២០២៦", "2026-03-15"),           # Khmer digits
    ("໑໕/໓/໒໐໒໖", "2026-03-15"),           # Lao digits
    ("29/2/2567", "2024-02-29"),           # a leap day: BE 2567 is 2024
    ("1/12/2026", "2026-12-01"),           # day first, never month first
])
def test_typed_dates_in_any_script_and_calendar(typed, expected):
    assert parse_typed(typed) == expected


@pytest.mark.parametrize("typed", ["", "tomorrow", "31/2/2026", "3/15/2026", "15/3/26", "29/2/2568",
                                   "15/3/2026 10:00", "2026/15/03", None])
def test_anything_else_is_not_a_date(typed):
    assert parse_typed(typed) is None


def test_the_pickers_answer_is_a_real_date_written_year_month_day():
    assert is_iso_date("2026-03-15")
    for forged in ("2026-02-30", "2026-3-15", "2026-W11-7", "2026-074", "20260315", "２０２６-０３-１５", "", None):
        assert not is_iso_date(forged), forged
