"""news/reminders.py: the deadline of each kind, the reminders before it, which one is due."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from news import reminders as rules
from news.choices import REMINDER_KINDS

LAST_REPORT = date(2026, 1, 1)
DUE = date(2026, 4, 1)            # 90 days after 1 January 2026


def names(stages):
    return [stage.name for stage in stages]


def test_a_ninety_day_report_is_due_ninety_days_after_the_last_one():
    assert rules.deadline("ninety_day", LAST_REPORT) == DUE
    assert rules.report_window(LAST_REPORT) == (DUE - timedelta(days=15), DUE + timedelta(days=7))


@pytest.mark.parametrize("kind", ["visa", "work_permit", "pink_card"])
def test_an_expiry_is_the_date_given(kind):
    assert rules.deadline(kind, date(2027, 3, 7)) == date(2027, 3, 7)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        rules.deadline("passport", LAST_REPORT)


def test_the_stages_of_a_ninety_day_report_are_15_and_1_days_before_then_the_ask():
    stages = rules.stages("ninety_day", LAST_REPORT)
    assert [(s.name, s.day) for s in stages] == [("before_15", date(2026, 3, 17)), ("before_1", date(2026, 3, 31)),
                                                 ("ask", date(2026, 4, 2))]
    assert [s.asks_new_date for s in stages] == [False, False, True]


@pytest.mark.parametrize("kind", ["visa", "work_permit", "pink_card"])
def test_the_stages_of_an_expiry_are_60_30_and_7_days_before_then_the_ask(kind):
    ends = date(2027, 3, 7)
    stages = rules.stages(kind, ends)
    assert [s.days_before for s in stages] == [60, 30, 7, -1]
    assert [s.day for s in stages] == [ends - timedelta(days=d) for d in (60, 30, 7, -1)]


def test_nothing_is_due_before_the_first_stage():
    assert rules.due("ninety_day", LAST_REPORT, date(2026, 3, 16), ()) is None


def test_a_stage_is_due_on_its_day_and_after_until_sent():
    on_day = rules.due("ninety_day", LAST_REPORT, date(2026, 3, 17), ())
    assert on_day.name == "before_15"
    assert rules.due("ninety_day", LAST_REPORT, date(2026, 3, 20), ()).name == "before_15"   # a run postponed
    assert rules.due("ninety_day", LAST_REPORT, date(2026, 3, 20), ("before_15",)) is None


def test_never_two_at_once_a_missed_stage_is_replaced_by_the_next():
    late = rules.due("ninety_day", LAST_REPORT, date(2026, 3, 31), ())
    assert late.name == "before_1"
    assert rules.due("ninety_day", LAST_REPORT, date(2026, 4, 1), ("before_1",)) is None   # 15 never comes after


def test_the_day_after_the_deadline_asks_for_the_new_date_once():
    ask = rules.due("visa", date(2027, 3, 7), date(2027, 3, 8), ("before_60", "before_30", "before_7"))
    assert ask.asks_new_date
    assert rules.finished(["before_7", "ask"]) and not rules.finished(["before_7"])


def test_the_first_reminder_still_to_come_counts_today():
    assert rules.first_reminder("ninety_day", LAST_REPORT, date(2026, 3, 1)).name == "before_15"
    assert rules.first_reminder("ninety_day", LAST_REPORT, date(2026, 3, 17)).name == "before_15"
    assert rules.first_reminder("ninety_day", LAST_REPORT, date(2026, 3, 18)).name == "before_1"
    assert rules.first_reminder("ninety_day", LAST_REPORT, date(2026, 3, 31)).name == "before_1"


def test_a_date_whose_deadline_is_today_or_past_gives_no_reminder():
    assert rules.first_reminder("ninety_day", LAST_REPORT, DUE) is None
    assert rules.first_reminder("visa", date(2027, 3, 7), date(2027, 3, 1)) is None     # 6 days: after the 7-day one
    assert rules.first_reminder("visa", date(2027, 3, 7), date(2027, 2, 28)).name == "before_7"


def test_stages_over_when_a_date_is_set_are_recorded_as_done():
    assert rules.passed("visa", date(2027, 3, 7), date(2027, 2, 10)) == ["before_60", "before_30"]
    assert rules.passed("visa", date(2027, 3, 7), date(2027, 1, 6)) == []          # 60 days before is today
    sent = rules.passed("visa", date(2027, 3, 7), date(2027, 2, 10))
    assert rules.due("visa", date(2027, 3, 7), date(2027, 2, 10), sent) is None     # yesterday's never fires


def test_every_kind_has_its_stages():
    assert set(rules.DAYS_BEFORE) == set(REMINDER_KINDS)
