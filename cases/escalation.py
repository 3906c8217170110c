"""When a case moves up the chain, and to whom.

A case waits at its committee for the urgency's window (cases.screening.urgency_windows);
nobody acknowledging in time sends it to the next committee up (district → province →
national). Once acknowledged or taken it is not escalated any more: each later state has its
own timer (state_deadline), which reminds instead. A committee with nobody on duty and no LINE
group passes it on at once: waiting out the window there would alert no one.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

NO_ACKNOWLEDGEMENT = "no_acknowledgement"   # the window passed (officer text escalated.no_acknowledgement)
NOBODY_ON_DUTY = "nobody_on_duty"           # why a case went up at once (officer text escalated.nobody_on_duty)


def deadline(windows: dict[str, int], urgency: str, now: datetime) -> datetime:
    """When a case of this urgency, alerted `now`, is escalated unless acknowledged."""
    return now + timedelta(seconds=windows[urgency])


def state_deadline(data, state: str, urgency: str, now: datetime) -> datetime | None:
    """When a worked case (acknowledged, taken, in progress, referred) that entered `state` now
    is due for a reminder: cases/data/casework.yaml's timer of the state for the urgency; None
    for a state without one (closed, cancelled). A reminder goes to the case's officer and its
    committee, never up the chain; then the timer starts again."""
    seconds = data.timer(state, urgency)
    return now + timedelta(seconds=seconds) if seconds else None


def next_up(chain: Sequence[Any], committee_id: str) -> Any | None:
    """The first committee in the escalation chain (storage's escalation_chain: the committee,
    its parents, the national focal point) other than `committee_id`, or None at the top."""
    return next((committee for committee in chain if committee.id != committee_id), None)
