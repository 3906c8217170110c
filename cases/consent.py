"""The reporter's consent to be contacted: what the intake's answers grant, and whether a
message may be pushed to them now. Pure rules (no database: the rows come from
storage/consents.py, passed in as plain objects with channel, granted, safe_time, revoked_at).

What the intake asks (flows/data/report.yaml, tip.yaml): contact_ok yes|no, contact_how
line|phone, contact_phone, contact_when anytime|morning|evening|only_i_write_first.

Safe times, in Bangkok time (our choice: the intake's buttons say only "morning", "evening";
a committee that knows better changes SAFE_HOURS here):
  anytime             any hour
  morning             06:00-12:00
  evening             17:00-21:00
  only_i_write_first  never pushed (the officer is told; `status REF` shows the case's state).
A message that may not be pushed now waits (push_after: the next safe moment); nothing is ever
pushed without a LINE consent that was granted and not revoked, nor to a chat that blocked
the bot, nor while the person is inside a report (bot/conversation.may_push).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from .roster import BANGKOK

CHANNELS = ("line", "phone")
ANYTIME, MORNING, EVENING, WRITE_FIRST = "anytime", "morning", "evening", "only_i_write_first"
# [from, to) in Bangkok time.
SAFE_HOURS: dict[str, tuple[time, time]] = {
    ANYTIME: (time(0, 0), time(23, 59, 59)),
    MORNING: (time(6, 0), time(12, 0)),
    EVENING: (time(17, 0), time(21, 0)),
}

# Why a message to the reporter was not pushed (the officer is told which).
NO_CONSENT, REVOKED, NOT_NOW, WAITS_FOR_THEM, BLOCKED, IN_REPORT = (
    "no_consent", "revoked", "not_now", "waits_for_them", "blocked", "in_report")


def from_answers(answers: dict) -> dict[str, dict]:
    """{channel: {"granted", "safe_time"}} the intake's answers give, for both channels."""
    ok = answers.get("contact_ok") == "yes"
    how = answers.get("contact_how")
    when = answers.get("contact_when")
    when = when if when in (ANYTIME, MORNING, EVENING, WRITE_FIRST) else None
    grants = {}
    for channel in CHANNELS:
        granted = ok and how == channel and (channel != "phone" or bool(answers.get("contact_phone")))
        grants[channel] = {"granted": granted, "safe_time": when if granted else None}
    return grants


def line_consent(consents) -> object | None:
    """The LINE consent row among a case's rows, or None."""
    return next((c for c in consents if c.channel == "line"), None)


@dataclass(frozen=True)
class PushDecision:
    """May we push now? If not, why, and (not_now only) when it becomes safe."""
    allowed: bool
    why: str | None = None
    after: datetime | None = None


def may_push(consent, now: datetime, *, blocked: bool = False, in_report: bool = False) -> PushDecision:
    """Whether a message may be pushed to the reporter at `now` (aware datetime)."""
    if consent is None or not consent.granted:
        return PushDecision(False, NO_CONSENT)
    if consent.revoked_at is not None:
        return PushDecision(False, REVOKED)
    if blocked:
        return PushDecision(False, BLOCKED)
    if consent.safe_time == WRITE_FIRST:
        return PushDecision(False, WAITS_FOR_THEM)
    if in_report:
        return PushDecision(False, IN_REPORT)
    after = next_safe(consent.safe_time or ANYTIME, now)
    if after > now:
        return PushDecision(False, NOT_NOW, after)
    return PushDecision(True)


def next_safe(safe_time: str, now: datetime) -> datetime:
    """`now` if it is inside the safe hours, else the start of the next safe window (UTC)."""
    start, end = SAFE_HOURS.get(safe_time, SAFE_HOURS[ANYTIME])
    local = now.astimezone(BANGKOK)
    if start <= local.time() < end:
        return now
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return datetime.combine(day, start, tzinfo=BANGKOK).astimezone(UTC)


def summary(consents) -> dict[str, str]:
    """{channel: "granted:<safe_time>" | "refused" | "revoked"} for the case details (officers)."""
    shown = {}
    for consent in consents:
        if consent.revoked_at is not None:
            shown[consent.channel] = "revoked"
        elif consent.granted:
            shown[consent.channel] = f"granted:{consent.safe_time or ANYTIME}"
        else:
            shown[consent.channel] = "refused"
    return shown
