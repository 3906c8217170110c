"""Officers' rosters: when someone is on duty, read in Bangkok time.

A roster is "always" or a list of {days, from, to} windows as an administrator writes them
in the directory file; officers are alerted only inside their windows, so a night shift has
to read the same way on every machine whatever its time zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

try:
    from zoneinfo import ZoneInfo

    BANGKOK = ZoneInfo("Asia/Bangkok")
except Exception:  # no tz database on the machine: Thailand has had UTC+7 all year since 1920
    BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = {name: day for day, name in zip(DAYS, ("monday", "tuesday", "wednesday", "thursday",
                                                    "friday", "saturday", "sunday"))}
_EVERY_DAY = {"daily", "all", "every day", "everyday"}
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class RosterError(ValueError):
    pass


def _day(token: str) -> int:
    token = token.strip().lower()
    token = _FULL_DAYS.get(token, token)
    if token not in DAYS:
        raise RosterError(f"unknown day {token!r} (use mon, tue, wed, thu, fri, sat, sun)")
    return DAYS.index(token)


def parse_days(spec: str) -> frozenset[int]:
    """"mon-fri", "sat,sun", "fri-mon" (wraps), "mon,wed-fri", "daily" → weekday numbers (Mon=0)."""
    if not isinstance(spec, str) or not spec.strip():
        raise RosterError("days must be text such as \"mon-fri\" or \"sat,sun\"")
    if spec.strip().lower() in _EVERY_DAY:
        return frozenset(range(7))
    days: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day(first), _day(last)
            days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
        else:
            days.add(_day(part))
    return frozenset(days)


def _minutes(value: Any, what: str) -> int:
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 16:30 as the number 990
        raise RosterError(f"{what} time must be quoted text, e.g. \"16:30\" (YAML read {value!r})")
    if value == "24:00" and what == "to":
        return 24 * 60
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match:
        raise RosterError(f"{what} time {value!r} is not HH:MM (00:00-23:59; \"to\" may be 24:00)")
    return int(match.group(1)) * 60 + int(match.group(2))


@dataclass(frozen=True)
class DutyWindow:
    """From `start` to `end` minutes after midnight on each of `days`; end <= start crosses
    midnight (the window belongs to the day it starts on)."""

    days: frozenset[int]
    start: int
    end: int

    def covers(self, weekday: int, minute: int) -> bool:
        if self.start < self.end:
            return weekday in self.days and self.start <= minute < self.end
        return ((weekday in self.days and minute >= self.start)
                or ((weekday - 1) % 7 in self.days and minute < self.end))


def parse_roster(roster: Any) -> list[DutyWindow] | str:
    """"always" or a list of {"days", "from", "to"} → "always" or windows; RosterError if wrong."""
    if isinstance(roster, str):
        if roster.strip().lower() == "always":
            return "always"
        raise RosterError(f"roster {roster!r}: use \"always\" or a list of {{days, from, to}} windows")
    if not isinstance(roster, list):
        raise RosterError("roster must be \"always\" or a list of {days, from, to} windows")
    windows = []
    for index, window in enumerate(roster, 1):
        if not isinstance(window, dict) or set(window) != {"days", "from", "to"}:
            raise RosterError(f"roster window {index} must have exactly days, from and to")
        try:
            days = parse_days(window["days"])
            start, end = _minutes(window["from"], "from"), _minutes(window["to"], "to")
        except RosterError as error:
            raise RosterError(f"roster window {index}: {error}") from None
        if start == end:
            raise RosterError(f"roster window {index}: from and to are equal; "
                              "a whole day is \"00:00\" to \"24:00\"")
        windows.append(DutyWindow(days, start, end))
    return windows


def normalize_roster(roster: Any) -> Any:
    """The roster as stored: "always", or windows with lower-case days and HH:MM strings."""
    parsed = parse_roster(roster)
    if parsed == "always":
        return "always"
    return [{"days": window["days"].strip().lower(), "from": window["from"], "to": window["to"]}
            for window in roster]


def bangkok_time(now: datetime) -> datetime:
    """`now` in Bangkok; a naive datetime is taken as UTC (as SQLite hands them back)."""
    return (now if now.tzinfo is not None else now.replace(tzinfo=UTC)).astimezone(BANGKOK)


def roster_covers(roster: Any, now: datetime) -> bool:
    """Is someone with this roster on duty at `now`? Windows are read in Bangkok time.
    A roster that cannot be read counts as never on duty (the loader refuses those)."""
    try:
        parsed = parse_roster(roster)
    except RosterError:
        return False
    if parsed == "always":
        return True
    local = bangkok_time(now)
    minute = local.hour * 60 + local.minute
    return any(window.covers(local.weekday(), minute) for window in parsed)


def next_duty_start(roster: Any, now: datetime) -> datetime | None:
    """When someone with this roster next comes on duty after `now` (a window's start, in Bangkok time,
    returned as UTC): for the directory's "who is next". None for "always", no windows, or a roster that
    cannot be read."""
    try:
        parsed = parse_roster(roster)
    except RosterError:
        return None
    if parsed == "always":
        return None
    local = bangkok_time(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [midnight + timedelta(days=offset, minutes=window.start)
              for offset in range(8) for window in parsed
              if (local.weekday() + offset) % 7 in window.days]
    later = [start for start in starts if start > local]
    return min(later).astimezone(UTC) if later else None


def describe_roster(roster: Any) -> str:
    """A roster in one line, for the administrator's `flask committees` listings."""
    if roster == "always":
        return "always"
    if not roster:
        return "never (no duty windows)"
    return "; ".join(f"{w['days']} {w['from']}-{w['to']}" for w in roster)
