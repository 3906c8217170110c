"""cases/consent.py: what the intake's answers grant, and when a push to the reporter may go."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from cases import consent as rules


def row(channel="line", granted=True, safe_time="anytime", revoked_at=None):
    return SimpleNamespace(channel=channel, granted=granted, safe_time=safe_time, revoked_at=revoked_at)


def bangkok(hour: int, minute: int = 0) -> datetime:
    """2026-12-07 at hour:minute Bangkok time (UTC+7), as UTC."""
    return datetime(2026, 12, 7, hour, minute, tzinfo=rules.BANGKOK).astimezone(UTC)


def test_line_consent_only_when_the_person_said_yes_and_chose_line():
    assert rules.from_answers({"contact_ok": "yes", "contact_how": "line", "contact_when": "evening"}) == {
        "line": {"granted": True, "safe_time": "evening"}, "phone": {"granted": False, "safe_time": None}}
    assert rules.from_answers({"contact_ok": "no", "contact_how": "line"})["line"]["granted"] is False
    assert rules.from_answers({})["line"]["granted"] is False
    phone = rules.from_answers({"contact_ok": "yes", "contact_how": "phone", "contact_phone": "0812345678",
                                "contact_when": "morning"})
    assert phone == {"line": {"granted": False, "safe_time": None}, "phone": {"granted": True, "safe_time": "morning"}}
    # a phone consent without a number grants nothing; an unknown time is not kept
    assert rules.from_answers({"contact_ok": "yes", "contact_how": "phone"})["phone"]["granted"] is False
    assert rules.from_answers({"contact_ok": "yes", "contact_how": "line", "contact_when": "x"})["line"] == {
        "granted": True, "safe_time": None}


@pytest.mark.parametrize("consent, why", [
    (None, rules.NO_CONSENT),
    (row(granted=False), rules.NO_CONSENT),
    (row(revoked_at=bangkok(9)), rules.REVOKED),
    (row(safe_time="only_i_write_first"), rules.WAITS_FOR_THEM),
])
def test_no_push_without_a_live_consent(consent, why):
    decision = rules.may_push(consent, bangkok(10))
    assert (decision.allowed, decision.why, decision.after) == (False, why, None)


def test_blocked_and_inside_a_report_hold_the_push():
    assert rules.may_push(row(), bangkok(10), blocked=True).why == rules.BLOCKED
    assert rules.may_push(row(), bangkok(10), in_report=True).why == rules.IN_REPORT


def test_anytime_pushes_now():
    assert rules.may_push(row(), bangkok(3)).allowed


@pytest.mark.parametrize("safe_time, now, after", [
    ("morning", bangkok(7), None),
    ("morning", bangkok(12), datetime(2026, 12, 8, 6, tzinfo=rules.BANGKOK)),
    ("morning", bangkok(4), datetime(2026, 12, 7, 6, tzinfo=rules.BANGKOK)),
    ("evening", bangkok(18), None),
    ("evening", bangkok(10), datetime(2026, 12, 7, 17, tzinfo=rules.BANGKOK)),
    ("evening", bangkok(21, 30), datetime(2026, 12, 8, 17, tzinfo=rules.BANGKOK)),
])
def test_outside_the_safe_hours_it_waits_for_the_next_safe_moment(safe_time, now, after):
    decision = rules.may_push(row(safe_time=safe_time), now)
    if after is None:
        assert decision.allowed
    else:
        assert (decision.allowed, decision.why, decision.after) == (False, rules.NOT_NOW, after)


def test_summary_for_the_case_details():
    assert rules.summary([row(safe_time="evening"), row("phone", granted=False)]) == {
        "line": "granted:evening", "phone": "refused"}
    assert rules.summary([row(revoked_at=bangkok(1))]) == {"line": "revoked"}
