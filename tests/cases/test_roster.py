"""Rosters: days, duty windows read in Bangkok time, windows across midnight, mistakes."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.roster import RosterError, next_duty_start, parse_days, parse_roster, roster_covers
from tests.support.directory_data import FRI, MON, NOW, SAT, SUN, bkk


def test_days_read_ranges_lists_and_wrap_around():
    assert parse_days("mon-fri") == {0, 1, 2, 3, 4}
    assert parse_days("fri-mon") == {4, 5, 6, 0}
    assert parse_days("Sat, sun") == {5, 6}
    assert parse_days("mon,wed-fri") == {0, 2, 3, 4}
    assert parse_days("daily") == set(range(7))
    assert parse_days("tuesday") == {1}
    with pytest.raises(RosterError):
        parse_days("weekdays")


def test_roster_windows_are_read_in_bangkok_time():
    day_shift = [{"days": "mon-fri", "from": "08:30", "to": "16:30"}]
    assert roster_covers(day_shift, bkk(2026, 11, MON, 8, 30))
    assert roster_covers(day_shift, bkk(2026, 11, FRI, 16, 29))
    assert not roster_covers(day_shift, bkk(2026, 11, FRI, 16, 30))
    assert not roster_covers(day_shift, bkk(2026, 11, SAT, 10))
    # 02:00 UTC on Monday is 09:00 in Bangkok: on duty; 20:00 UTC on Monday is Tuesday 03:00: not.
    assert roster_covers(day_shift, datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    assert not roster_covers(day_shift, datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    assert roster_covers(day_shift, datetime(2026, 11, 23, 2, 0))   # naive = UTC


def test_a_window_crossing_midnight_belongs_to_the_day_it_starts():
    friday_night = [{"days": "fri", "from": "22:00", "to": "06:00"}]
    assert roster_covers(friday_night, bkk(2026, 11, FRI, 22))
    assert roster_covers(friday_night, bkk(2026, 11, SAT, 5, 59))
    assert not roster_covers(friday_night, bkk(2026, 11, SAT, 6))
    assert not roster_covers(friday_night, bkk(2026, 11, FRI, 5))        # that is Thursday's night
    assert not roster_covers(friday_night, bkk(2026, 11, SAT, 22))
    # Sunday night into Monday: the week wraps
    assert roster_covers([{"days": "sun", "from": "20:00", "to": "08:00"}], bkk(2026, 11, MON + 7, 7))


def test_always_whole_days_and_mistakes():
    assert roster_covers("always", bkk(2026, 11, SUN, 3))
    assert roster_covers([{"days": "sat,sun", "from": "00:00", "to": "24:00"}], bkk(2026, 11, SUN, 23, 59))
    assert not roster_covers([], NOW)
    assert not roster_covers("sometimes", NOW)        # unreadable counts as never, not always
    for bad in ("sometimes", {"days": "mon"}, [{"days": "mon", "from": "08:00", "to": "08:00"}],
                [{"days": "mon", "from": "24:00", "to": "08:00"}], [{"days": "mon", "from": "8:00", "to": "9:00"}],
                [{"days": "mon", "from": "08:00"}]):
        with pytest.raises(RosterError):
            parse_roster(bad)


def test_next_duty_start_is_the_next_window_start_in_bangkok_time():
    day_shift = [{"days": "mon-fri", "from": "08:30", "to": "16:30"}]
    assert next_duty_start(day_shift, bkk(2026, 11, MON, 7)) == bkk(2026, 11, MON, 8, 30)
    assert next_duty_start(day_shift, bkk(2026, 11, MON, 8, 30)) == bkk(2026, 11, MON + 1, 8, 30)  # started: next
    assert next_duty_start(day_shift, bkk(2026, 11, FRI, 17)) == bkk(2026, 11, MON + 7, 8, 30)    # over the weekend
    night = [{"days": "sat", "from": "22:00", "to": "06:00"}]
    assert next_duty_start(night, bkk(2026, 11, SUN, 1)) == bkk(2026, 12, 5, 22)                 # a week on
    assert next_duty_start(night, bkk(2026, 11, SAT, 21, 59)).tzinfo == UTC


def test_no_next_duty_start_for_always_no_windows_or_a_broken_roster():
    assert next_duty_start("always", NOW) is None
    assert next_duty_start([], NOW) is None
    assert next_duty_start("sometimes", NOW) is None
