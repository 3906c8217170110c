"""The case lifecycle: its states, the officers' actions, and the ONE table of which action
is allowed from which state (tests/cases/test_lifecycle.py checks every action in every state).

    new → acknowledged → taken → in_progress → referred → closed (with an outcome)
    reopen: closed → taken (or new when nobody has it);  cancel: by the reporter, any open state

The lists a committee may change (outcomes, referral services, referral states, the timer of
each state per urgency) are data: cases/data/casework.yaml, loaded and checked here once.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

from cases.screening import URGENCY_LEVELS

DATA_FILE = Path(__file__).parent / "data" / "casework.yaml"

NEW, ACKNOWLEDGED, TAKEN, IN_PROGRESS, REFERRED, CLOSED, CANCELLED = (
    "new", "acknowledged", "taken", "in_progress", "referred", "closed", "cancelled")
STATES = (NEW, ACKNOWLEDGED, TAKEN, IN_PROGRESS, REFERRED, CLOSED, CANCELLED)
FINISHED = (CLOSED, CANCELLED)
OPEN_STATES = tuple(s for s in STATES if s not in FINISHED)

# Actions (each is also the CaseEvent kind it writes).
ACKNOWLEDGE, TAKE, START, REFER, REFERRAL_UPDATE, MOVE, CLOSE, REOPEN, CANCEL = (
    "acknowledged", "taken", "started", "referred", "referral_updated", "moved", "closed", "reopened",
    "cancelled")
ACTIONS = (ACKNOWLEDGE, TAKE, START, REFER, REFERRAL_UPDATE, MOVE, CLOSE, REOPEN, CANCEL)

ACTIVITIES = ("screening_interview", "visit", "other")   # detail of "started"

_WORKED = (ACKNOWLEDGED, TAKEN, IN_PROGRESS, REFERRED)
# action -> {from state: to state}; None as the target: the state does not change.
# A move sends the case to another committee as a new case (alerted there like one).
# A reopened case goes back to whoever had it (taken) or, if nobody took it, to new (decided
# in casework: REOPEN_UNASSIGNED).
TRANSITIONS: Mapping[str, Mapping[str, str | None]] = MappingProxyType({
    ACKNOWLEDGE: {NEW: ACKNOWLEDGED},
    TAKE: {NEW: TAKEN, ACKNOWLEDGED: TAKEN, TAKEN: TAKEN, IN_PROGRESS: TAKEN, REFERRED: TAKEN},
    START: {TAKEN: IN_PROGRESS, REFERRED: IN_PROGRESS, IN_PROGRESS: IN_PROGRESS},
    REFER: {TAKEN: REFERRED, IN_PROGRESS: REFERRED, REFERRED: REFERRED},
    REFERRAL_UPDATE: {REFERRED: None, IN_PROGRESS: None, TAKEN: None, CLOSED: None},
    MOVE: {NEW: NEW, ACKNOWLEDGED: NEW, TAKEN: NEW, IN_PROGRESS: NEW, REFERRED: NEW},
    CLOSE: {s: CLOSED for s in OPEN_STATES},
    REOPEN: {CLOSED: TAKEN},
    CANCEL: {s: CANCELLED for s in OPEN_STATES},
})
REOPEN_UNASSIGNED = NEW


class NotAllowed(Exception):
    """An action the case's state does not allow; officers see it as a polite message."""

    def __init__(self, action: str, state: str, reference: str = ""):
        super().__init__(f"{action} not allowed from {state} ({reference})")
        self.action, self.state, self.reference = action, state, reference


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS.get(action, {})


def target(action: str, state: str, reference: str = "") -> str:
    """The state `action` leads to from `state`; NotAllowed if the table does not allow it."""
    if not allowed(action, state):
        raise NotAllowed(action, state, reference)
    to = TRANSITIONS[action][state]
    return state if to is None else to


def is_open(state: str) -> bool:
    return state in OPEN_STATES


@dataclass(frozen=True)
class CaseworkData:
    outcomes: tuple[str, ...]
    services: tuple[str, ...]
    referral_states: tuple[str, ...]
    timers: Mapping[str, Mapping[str, int]]   # state -> urgency -> seconds (states after new)

    def timer(self, state: str, urgency: str) -> int | None:
        """Seconds a case may sit in `state` before the reminder; None: no timer there."""
        return (self.timers.get(state) or {}).get(urgency)


def parse(raw) -> CaseworkData:
    """The checked contents of casework.yaml; ValueError naming what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("casework.yaml: not a mapping")

    def ids(name: str, required: tuple[str, ...] = ()) -> tuple[str, ...]:
        values = raw.get(name)
        if not isinstance(values, list) or not values or not all(
                isinstance(v, str) and v.isascii() and v.replace("_", "").isalnum() for v in values):
            raise ValueError(f"casework.yaml: {name} must be a list of ids (letters, digits, _)")
        if len(set(values)) != len(values):
            raise ValueError(f"casework.yaml: {name} has an id twice")
        missing = [r for r in required if r not in values]
        if missing:
            raise ValueError(f"casework.yaml: {name} lacks {', '.join(missing)}")
        return tuple(values)

    outcomes = ids("outcomes", ("moved", "duplicate"))
    services = ids("services")
    referral_states = ids("referral_states", ("sent",))
    timers = raw.get("timers") or {}
    if not isinstance(timers, dict):
        raise ValueError("casework.yaml: timers must be a mapping")
    checked: dict[str, Mapping[str, int]] = {}
    for state, per_urgency in timers.items():
        if state not in OPEN_STATES or state == NEW:
            raise ValueError(f"casework.yaml: timers: {state!r} is not an open state after new")
        if not isinstance(per_urgency, dict) or set(per_urgency) - set(URGENCY_LEVELS):
            raise ValueError(f"casework.yaml: timers.{state}: urgencies are {', '.join(URGENCY_LEVELS)}")
        for urgency, seconds in per_urgency.items():
            if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
                raise ValueError(f"casework.yaml: timers.{state}.{urgency} must be positive seconds")
        checked[state] = MappingProxyType(dict(per_urgency))
    return CaseworkData(outcomes, services, referral_states, MappingProxyType(checked))


def load(path: Path | str | None = None) -> CaseworkData:
    with open(path or DATA_FILE, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))
