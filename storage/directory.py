"""The committee directory: who answers a report, who is on duty, who comes next.

Committees form escalation chains: a district anti-trafficking committee (DL-ATIP) → its
province's committee (PL-ATIP) → one national focal point. Officers belong to one
committee; their roster says when they are on duty, in Bangkok time. An officer links
their LINE account, and a committee its LINE group, by sending the bot a one-time code
that an administrator printed with `flask committees link-code` / `group-code`.

The directory is loaded from a YAML file (config/committees.example.yaml shows the
format) with `load_directory`: an upsert by id; committees and officers missing from the
file are marked inactive, never deleted, because cases refer to them. District Chiefs
rotate every two years and staff turn over, so reloading is the normal way to update.

One-time codes
- Only sha256(code) is stored, with an expiry; a code works once. Redeeming compares the
  hash against every outstanding code with hmac.compare_digest (no early exit). Codes typed
  with Thai (๐-๙), full-width (０-９) or any other decimal digits read as ASCII (plain_digits).
- A group code alone links nothing: `group <code>` in a group only makes a PENDING link
  (pending_group_links); it takes effect when a linked, active officer of THAT committee
  confirms in the same group (confirm_group_link). So a leaked code cannot take the
  committee's alerts into a stranger's room; replacing a linked group is reported by the
  caller (bot/officers.py) to the old group and the committee's officers.
- Rate limit: failed redemptions (officer and group codes alike) are counted per LINE user
  ("user:U…", across every chat) AND per chat ("chat:C…", a group, room or 1:1 chat) in
  `link_code_attempts`. After MAX_FAILED_ATTEMPTS failures within ATTEMPT_WINDOW on either,
  every redemption by that user or in that chat is refused, even with the right code, until
  the window (counted from the first failure) has passed. A success clears both counts.
  With 8-digit codes, 5 tries an hour per account, guessing one outstanding code takes on
  the order of 10^6 account-hours. Counting is not atomic across concurrent requests; the
  bot handles one chat's events one at a time (per-chat lock), which serialises a chat's.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import geothai
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Committee, LinkCodeAttempt, Officer, PendingGroupLink, utcnow
from .timeutil import as_utc

try:
    from zoneinfo import ZoneInfo

    BANGKOK = ZoneInfo("Asia/Bangkok")
except Exception:  # no tz database on the machine: Thailand has had UTC+7 all year since 1920
    BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

LEVELS = ("district", "province", "national")
PARENT_LEVEL = {"district": "province", "province": "national", "national": None}

CODE_DIGITS = 8
LINK_CODE_TTL = timedelta(hours=24)
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(hours=1)

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


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
    return as_utc(now).astimezone(BANGKOK)


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


def describe_roster(roster: Any) -> str:
    if roster == "always":
        return "always"
    if not roster:
        return "never (no duty windows)"
    return "; ".join(f"{w['days']} {w['from']}-{w['to']}" for w in roster)


# -- queries -----------------------------------------------------------------------------------
def all_committees(session: Session, *, active_only: bool = True) -> list[Committee]:
    """Committees, districts first, then provinces, then national; by id within a level."""
    query = select(Committee)
    if active_only:
        query = query.where(Committee.active.is_(True))
    level_order = {level: index for index, level in enumerate(LEVELS)}
    return sorted(session.scalars(query), key=lambda c: (level_order.get(c.level, 9), c.id))


def active_committees(session: Session) -> list[Committee]:
    return all_committees(session)


def officers_of(session: Session, committee_id: str, *, active_only: bool = True) -> list[Officer]:
    query = select(Officer).where(Officer.committee_id == committee_id)
    if active_only:
        query = query.where(Officer.active.is_(True))
    return list(session.scalars(query.order_by(Officer.id)))


def on_duty_officers(session: Session, committee_id: str, now: datetime, *,
                     linked_only: bool = False) -> list[Officer]:
    """Active officers of an active committee whose roster covers `now` (Bangkok time),
    ordered by id. linked_only: only those who linked a LINE account (who can be alerted)."""
    committee = session.get(Committee, committee_id)
    if committee is None or not committee.active:
        return []
    return [officer for officer in officers_of(session, committee_id)
            if roster_covers(officer.roster, now) and (officer.line_user_id or not linked_only)]


def national_committee(session: Session) -> Committee | None:
    return session.scalars(select(Committee).where(Committee.level == "national", Committee.active.is_(True))
                           .order_by(Committee.id)).first()


def escalation_chain(session: Session, committee_id: str) -> list[Committee]:
    """The committee (if active), then its parent, its parent's parent… skipping inactive ones,
    always ending at the active national focal point. Empty for an unknown id."""
    chain: list[Committee] = []
    seen: set[str] = set()
    committee = session.get(Committee, committee_id)
    if committee is None:
        return []
    while committee is not None and committee.id not in seen:
        seen.add(committee.id)
        if committee.active:
            chain.append(committee)
        committee = session.get(Committee, committee.parent_id) if committee.parent_id else None
    national = national_committee(session)
    if national is not None and national.id not in {c.id for c in chain}:
        chain.append(national)
    return chain


def committee_for_area(session: Session, province_code: str | None,
                       district_code: str | None) -> Committee | None:
    """The committee for a known place, the same rule as cases.routing.route for a picked
    area: the district's committee, else its province's, else the national focal point."""
    if district_code:
        province_code = province_code or district_code[:2]
        found = session.scalars(select(Committee).where(
            Committee.level == "district", Committee.district_code == district_code,
            Committee.active.is_(True)).order_by(Committee.id)).first()
        if found is not None:
            return found
    if province_code:
        found = session.scalars(select(Committee).where(
            Committee.level == "province", Committee.province_code == province_code,
            Committee.active.is_(True)).order_by(Committee.id)).first()
        if found is not None:
            return found
    return national_committee(session)


def directory_snapshot(session: Session) -> list[dict]:
    """Every committee as plain data for cases.routing.route (inactive ones included, flagged)."""
    return [c.as_route_entry() for c in session.scalars(select(Committee).order_by(Committee.id))]


snapshot = directory_snapshot


def get_committee(session: Session, committee_id: str | None) -> Committee | None:
    """A committee by id, active or not (cases keep pointing at inactive ones)."""
    return session.get(Committee, committee_id) if committee_id else None


def officer_name(session: Session, officer_id: str | None) -> str:
    """An officer's display name, or their id if the directory no longer has them."""
    officer = session.get(Officer, officer_id) if officer_id else None
    return officer.name if officer is not None else (officer_id or "")


def names_of(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Officer and committee ids → their names (a committee's Thai name), for audit trails."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    names = {c.id: c.name_th for c in session.scalars(select(Committee).where(Committee.id.in_(ids)))}
    names.update({o.id: o.name for o in session.scalars(select(Officer).where(Officer.id.in_(ids)))})
    return names


def committees_below(session: Session, committee_id: str) -> list[str]:
    """The committee's id and the ids of every committee that escalates to it, directly or
    not (a province: its districts; national: everything), active or not."""
    children: dict[str, list[str]] = {}
    for cid, parent in session.execute(select(Committee.id, Committee.parent_id)):
        if parent:
            children.setdefault(parent, []).append(cid)
    found, todo = [], [committee_id]
    while todo:
        cid = todo.pop(0)
        if cid in found:
            continue
        found.append(cid)
        todo.extend(sorted(children.get(cid, ())))
    return found


def officer_by_line_user(session: Session, user_id: str, *, active_only: bool = True) -> Officer | None:
    officer = session.scalars(select(Officer).where(Officer.line_user_id == user_id)).first()
    if officer is None or (active_only and not officer.active):
        return None
    return officer


def committee_for_group(session: Session, group_id: str, *, active_only: bool = True) -> Committee | None:
    committee = session.scalars(select(Committee).where(Committee.line_group_id == group_id)).first()
    if committee is None or (active_only and not committee.active):
        return None
    return committee


def link_group(session: Session, committee_id: str, group_id: str) -> Committee:
    """Make `group_id` the committee's LINE group (taking it from any other committee)."""
    committee = session.get(Committee, committee_id)
    if committee is None:
        raise LookupError(f"no committee {committee_id!r}")
    for other in session.scalars(select(Committee).where(Committee.line_group_id == group_id,
                                                         Committee.id != committee_id)):
        other.line_group_id = None
    session.flush()
    committee.line_group_id = group_id
    committee.updated_at = utcnow()
    session.flush()
    return committee


def forget_group(session: Session, group_id: str) -> list[str]:
    """The bot left or was removed from a group: no committee uses it any more, and a link
    waiting for confirmation there is dropped. Returns the ids of the committees unlinked."""
    unlinked = []
    for committee in session.scalars(select(Committee).where(Committee.line_group_id == group_id)):
        committee.line_group_id = None
        committee.updated_at = utcnow()
        unlinked.append(committee.id)
    pending = session.get(PendingGroupLink, group_id)
    if pending is not None:
        session.delete(pending)
    session.flush()
    return unlinked


def forget_line_user(session: Session, user_id: str) -> None:
    """An officer unlinked (or blocked the bot): alerts no longer go to that account."""
    for officer in session.scalars(select(Officer).where(Officer.line_user_id == user_id)):
        officer.line_user_id = None
        officer.linked_at = None


# -- one-time codes ----------------------------------------------------------------------------
def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def plain_digits(text: Any) -> str:
    """The text with every decimal digit as ASCII 0-9: Thai ๐-๙, full-width ０-９, Burmese,
    Khmer, Lao… (and full-width letters and spaces as plain ones, NFKC), so a code reads the
    same from any keyboard. The one place codes' digits are normalised."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def _clean_code(code: Any) -> str | None:
    text = re.sub(r"[\s\-‐‑‒–—]", "", plain_digits(code))
    return text if re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", text) else None


def _new_code(taken: set[str]) -> str:
    while True:
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if code_hash(code) not in taken:
            return code


def _subjects(user_id: str | None, chat_id: str | None) -> list[str]:
    """Whose failures count: the person (across every chat) and the chat (a 1:1 chat is the person)."""
    subjects = [f"user:{user_id}"] if user_id else []
    if chat_id and chat_id != user_id:
        subjects.append(f"chat:{chat_id}")
    return subjects


def _subject_blocked_until(session: Session, subject: str, now: datetime) -> datetime | None:
    attempt = session.get(LinkCodeAttempt, subject)
    if attempt is None or attempt.failures < MAX_FAILED_ATTEMPTS:
        return None
    until = as_utc(attempt.window_started_at) + ATTEMPT_WINDOW
    return until if now < until else None


def _blocked_until(session: Session, subjects: list[str], now: datetime) -> datetime | None:
    blocked = [until for subject in subjects if (until := _subject_blocked_until(session, subject, now))]
    return max(blocked) if blocked else None


def _record_failure(session: Session, subjects: list[str], now: datetime) -> None:
    for subject in subjects:
        attempt = session.get(LinkCodeAttempt, subject)
        if attempt is None:
            session.add(LinkCodeAttempt(subject=subject, failures=1, window_started_at=now, last_failure_at=now))
        else:
            if now >= as_utc(attempt.window_started_at) + ATTEMPT_WINDOW:
                attempt.failures, attempt.window_started_at = 0, now
            attempt.failures += 1
            attempt.last_failure_at = now
    session.flush()


def _clear_failures(session: Session, subjects: list[str]) -> None:
    for subject in subjects:
        attempt = session.get(LinkCodeAttempt, subject)
        if attempt is not None:
            session.delete(attempt)
    session.flush()


def link_blocked_until(session: Session, now: datetime, *, line_user_id: str | None = None,
                       chat_id: str | None = None) -> datetime | None:
    """When a user or a chat that failed too often may try codes again; None if they may
    try now. For telling the person why their code was refused."""
    return _blocked_until(session, _subjects(line_user_id, chat_id), as_utc(now))


def _matching(rows: Iterable, attribute: str, wanted: str):
    """The row whose stored hash equals `wanted`, comparing every row in constant time."""
    found = None
    for row in rows:
        if hmac.compare_digest(getattr(row, attribute), wanted):
            found = row
    return found


def issue_link_code(session: Session, officer_id: str, now: datetime,
                    ttl: timedelta = LINK_CODE_TTL) -> str:
    """A new one-time code for an officer to link their LINE account; replaces any earlier
    code. Only its hash is kept: the plain code is returned once, here."""
    now = as_utc(now)
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.active:
        raise LookupError(f"no active officer {officer_id!r}")
    committee = session.get(Committee, officer.committee_id)
    if committee is None or not committee.active:
        raise LookupError(f"officer {officer_id!r} belongs to inactive committee {officer.committee_id!r}")
    taken = set(session.scalars(select(Officer.link_code_hash).where(Officer.link_code_hash.is_not(None))))
    code = _new_code(taken)
    officer.link_code_hash = code_hash(code)
    officer.link_code_expires_at = now + ttl
    session.flush()
    return code


def redeem_link_code(session: Session, code: str, line_user_id: str, now: datetime, *,
                     chat_id: str | None = None) -> Officer | None:
    """Link `line_user_id` to the officer whose code this is. None when the code is wrong,
    used, expired, belongs to an inactive officer, or this user or chat (`chat_id`: where it
    was typed) failed too often (see the module's notes; link_blocked_until tells which). If
    the LINE account was linked to another officer row (the person changed committee), that
    link moves here."""
    now = as_utc(now)
    subjects = _subjects(line_user_id, chat_id)
    if _blocked_until(session, subjects, now):
        return None
    clean = _clean_code(code)
    wanted = code_hash(clean) if clean else "-" * 64
    rows = session.scalars(select(Officer).where(Officer.link_code_hash.is_not(None))).all()
    officer = _matching(rows, "link_code_hash", wanted)
    if officer is None or clean is None:
        _record_failure(session, subjects, now)
        return None
    committee = session.get(Committee, officer.committee_id)
    expired = (as_utc(officer.link_code_expires_at) or now) <= now
    if expired or not officer.active or committee is None or not committee.active:
        officer.link_code_hash = officer.link_code_expires_at = None   # a dead code is forgotten
        _record_failure(session, subjects, now)
        return None
    for other in session.scalars(select(Officer).where(Officer.line_user_id == line_user_id,
                                                       Officer.id != officer.id)):
        other.line_user_id = None
        other.linked_at = None
    session.flush()
    officer.line_user_id = line_user_id
    officer.linked_at = now
    officer.link_code_hash = officer.link_code_expires_at = None
    officer.updated_at = now
    _clear_failures(session, subjects)
    session.flush()
    return officer


def issue_group_code(session: Session, committee_id: str, now: datetime,
                     ttl: timedelta = LINK_CODE_TTL) -> str:
    """A new one-time code to link a LINE group to a committee (sent as "group CODE" in the
    group, then confirmed there by one of the committee's officers)."""
    now = as_utc(now)
    committee = session.get(Committee, committee_id)
    if committee is None or not committee.active:
        raise LookupError(f"no active committee {committee_id!r}")
    taken = set(session.scalars(select(Committee.group_code_hash).where(Committee.group_code_hash.is_not(None))))
    code = _new_code(taken)
    committee.group_code_hash = code_hash(code)
    committee.group_code_expires_at = now + ttl
    session.flush()
    return code


def pending_group_links_of(session: Session, committee_id: str) -> list[PendingGroupLink]:
    return list(session.scalars(select(PendingGroupLink).where(PendingGroupLink.committee_id == committee_id)))


@dataclass
class GroupRequest:
    """What `group <code>` in a group did: outcome "pending" (waits for an officer's
    confirmation), "in_use" (the group already serves another committee), or "failed"
    (wrong, used or expired code, or too many wrong guesses)."""

    outcome: str
    committee: Committee | None = None


def request_group_link(session: Session, code: str, group_id: str, now: datetime, *,
                       user_id: str | None = None) -> GroupRequest:
    """A group code typed in `group_id` by `user_id`: a pending link to the code's committee,
    which an officer of that committee confirms there (confirm_group_link). Failures count
    against the person and the group. The code stays valid until it is confirmed."""
    now = as_utc(now)
    subjects = _subjects(user_id, group_id)
    if _blocked_until(session, subjects, now):
        return GroupRequest("failed")
    clean = _clean_code(code)
    wanted = code_hash(clean) if clean else "-" * 64
    rows = session.scalars(select(Committee).where(Committee.group_code_hash.is_not(None))).all()
    committee = _matching(rows, "group_code_hash", wanted)
    if committee is None or clean is None:
        _record_failure(session, subjects, now)
        return GroupRequest("failed")
    if (as_utc(committee.group_code_expires_at) or now) <= now or not committee.active:
        committee.group_code_hash = committee.group_code_expires_at = None
        _record_failure(session, subjects, now)
        return GroupRequest("failed")
    _clear_failures(session, subjects)
    owner = committee_for_group(session, group_id)
    if owner is not None and owner.id != committee.id:
        return GroupRequest("in_use", owner)
    pending = session.get(PendingGroupLink, group_id)
    if pending is None:
        pending = PendingGroupLink(group_id=group_id)
        session.add(pending)
    pending.committee_id, pending.code_hash = committee.id, committee.group_code_hash
    pending.requested_by, pending.requested_at = user_id, now
    session.flush()
    return GroupRequest("pending", committee)


@dataclass
class GroupConfirmation:
    """What "confirm group" did: outcome "linked", "refused" (the sender is not a linked,
    active officer of the committee), "in_use" (the group serves another committee now) or
    "nothing" (no code waiting in this group, or it expired or was replaced). `replaced`: the
    group that had the committee's alerts until now."""

    outcome: str
    committee: Committee | None = None
    officer: Officer | None = None
    replaced: str | None = None


def confirm_group_link(session: Session, group_id: str, user_id: str | None, now: datetime) -> GroupConfirmation:
    """An officer confirms, in the group, the link a group code asked for; it takes effect now."""
    now = as_utc(now)
    pending = session.get(PendingGroupLink, group_id)
    if pending is None:
        return GroupConfirmation("nothing")
    committee = session.get(Committee, pending.committee_id)
    alive = (committee is not None and committee.active and committee.group_code_hash is not None
             and hmac.compare_digest(committee.group_code_hash, pending.code_hash)
             and (as_utc(committee.group_code_expires_at) or now) > now)
    if not alive:
        session.delete(pending)
        session.flush()
        return GroupConfirmation("nothing")
    officer = officer_by_line_user(session, user_id) if user_id else None
    if officer is None or officer.committee_id != committee.id:
        return GroupConfirmation("refused", committee)
    owner = committee_for_group(session, group_id)
    if owner is not None and owner.id != committee.id:
        return GroupConfirmation("in_use", owner)
    replaced = committee.line_group_id if committee.line_group_id not in (None, group_id) else None
    link_group(session, committee.id, group_id)
    committee.group_code_hash = committee.group_code_expires_at = None
    for stale in session.scalars(select(PendingGroupLink).where(PendingGroupLink.committee_id == committee.id)):
        session.delete(stale)
    session.flush()
    return GroupConfirmation("linked", committee, officer, replaced)


# -- loading from YAML -------------------------------------------------------------------------
class DirectoryError(ValueError):
    """The directory file has mistakes; `problems` lists every one found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("the committee directory has problems:\n" + "\n".join(f"- {p}" for p in problems))


COMMITTEE_KEYS = {"id", "level", "name_th", "name_en", "province_code", "district_code", "parent", "officers"}
OFFICER_KEYS = {"id", "name", "role", "roster"}


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)       # "committee CRI-5709", "officer CRI-5709-1"
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{len(self.created)} created, {len(self.changed)} changed, "
                f"{len(self.unchanged)} unchanged, {len(self.deactivated)} deactivated")


def read_directory_file(path: str | Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DirectoryError([f"{path}: not valid YAML: {error}"]) from None
    if not isinstance(data, dict):
        raise DirectoryError([f"{path}: expected a mapping with a 'committees' list"])
    return data


def _code(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value).strip()


def validate_directory(data: Any) -> tuple[list[dict], list[dict]]:
    """Check a directory (as read from YAML) and return (committees, officers) as plain rows.
    Raises DirectoryError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("committees"), list):
        raise DirectoryError(["expected a mapping with a 'committees' list"])
    unknown_top = set(data) - {"version", "committees"}
    if unknown_top:
        problems.append(f"unknown top-level keys: {sorted(unknown_top)}")
    if data.get("version", 1) != 1:
        problems.append(f"version {data.get('version')!r} is not supported (expected 1)")

    committees: dict[str, dict] = {}
    officers: dict[str, dict] = {}
    for index, raw in enumerate(data["committees"], 1):
        where = f"committee #{index}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        cid = _code(raw.get("id"))
        if not cid or not ID_PATTERN.match(cid):
            problems.append(f"{where}: id {raw.get('id')!r} must be 1-40 letters, digits, '-', '_' or '.'")
            continue
        where = f"committee {cid}"
        if cid in committees:
            problems.append(f"{where}: duplicate committee id")
            continue
        extra = set(raw) - COMMITTEE_KEYS
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        level = raw.get("level")
        if level not in LEVELS:
            problems.append(f"{where}: level {level!r} must be one of {', '.join(LEVELS)}")
        row = {"id": cid, "level": level, "parent_id": _code(raw.get("parent")),
               "province_code": _code(raw.get("province_code")), "district_code": _code(raw.get("district_code"))}
        for key in ("name_th", "name_en"):
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: {key} is required")
            row[key] = value.strip() if isinstance(value, str) else value
        problems.extend(f"{where}: {p}" for p in _area_problems(row))
        committees[cid] = row

        raw_officers = raw.get("officers") or []
        if not isinstance(raw_officers, list):
            problems.append(f"{where}: officers must be a list")
            raw_officers = []
        for position, raw_officer in enumerate(raw_officers, 1):
            owhere = f"{where}, officer #{position}"
            if not isinstance(raw_officer, dict):
                problems.append(f"{owhere}: expected a mapping")
                continue
            oid = _code(raw_officer.get("id"))
            if not oid or not ID_PATTERN.match(oid):
                problems.append(f"{owhere}: id {raw_officer.get('id')!r} must be 1-40 letters, digits, '-', '_' or '.'")
                continue
            owhere = f"officer {oid}"
            if oid in officers:
                problems.append(f"{owhere}: duplicate officer id (also in committee {officers[oid]['committee_id']})")
                continue
            extra = set(raw_officer) - OFFICER_KEYS
            if extra:
                problems.append(f"{owhere}: unknown keys {sorted(extra)}"
                                + (" (LINE accounts are linked with a code, not in this file)"
                                   if "line_user_id" in extra else ""))
            name = raw_officer.get("name")
            if not isinstance(name, str) or not name.strip():
                problems.append(f"{owhere}: name is required")
            role = raw_officer.get("role")
            if role is not None and not isinstance(role, str):
                problems.append(f"{owhere}: role must be text")
            try:
                roster = normalize_roster(raw_officer.get("roster"))
            except RosterError as error:
                problems.append(f"{owhere}: {error}")
                roster = None
            officers[oid] = {"id": oid, "committee_id": cid, "name": name.strip() if isinstance(name, str) else name,
                             "role": role.strip() if isinstance(role, str) and role.strip() else None,
                             "roster": roster}

    problems.extend(_structure_problems(committees))
    if problems:
        raise DirectoryError(problems)
    return list(committees.values()), list(officers.values())


def _area_problems(row: dict) -> list[str]:
    level, province, district = row["level"], row["province_code"], row["district_code"]
    problems = []
    if level == "district":
        if not district:
            return ["a district committee needs district_code (4-digit DOPA code)"]
        found = geothai.district(district)
        if found is None:
            return [f"district_code {district!r} is not a DOPA district code (geothai {geothai.DATA_VERSION})"]
        if province and province != found.province_code:
            problems.append(f"district {district} ({found.name_en}) is in province {found.province_code}, "
                            f"not {province}")
        row["province_code"] = found.province_code
    elif level == "province":
        if district:
            problems.append("a province committee has no district_code")
        if not province:
            problems.append("a province committee needs province_code (2-digit DOPA code)")
        elif geothai.province(province) is None:
            problems.append(f"province_code {province!r} is not a DOPA province code")
    elif level == "national" and (district or province):
        problems.append("the national committee has no province_code or district_code")
    return problems


def _structure_problems(committees: dict[str, dict]) -> list[str]:
    problems = []
    for cid, row in committees.items():
        parent = row["parent_id"]
        if parent and parent not in committees:
            problems.append(f"committee {cid}: parent {parent!r} is not a committee in this file")
    # cycles, before level rules so the message says what is wrong
    reported: set[str] = set()
    for start in committees:
        path, node = [], start
        while node in committees and node not in path:
            path.append(node)
            node = committees[node]["parent_id"]
        if node in path and node not in reported:
            cycle = path[path.index(node):] + [node]
            reported.update(cycle)
            problems.append(f"parents form a cycle: {' -> '.join(cycle)}")
    for cid, row in committees.items():
        level, parent = row["level"], committees.get(row["parent_id"] or "")
        wanted = PARENT_LEVEL.get(level)
        if level == "national":
            if row["parent_id"]:
                problems.append(f"committee {cid}: the national committee has no parent")
            continue
        if wanted is None:
            continue
        if parent is None:
            if not row["parent_id"]:
                problems.append(f"committee {cid}: a {level} committee needs a parent at {wanted} level")
            continue
        if parent["level"] != wanted:
            problems.append(f"committee {cid}: a {level} committee's parent must be a {wanted} committee, "
                            f"{parent['id']} is {parent['level']}")
        elif level == "district" and parent["province_code"] != row["province_code"]:
            problems.append(f"committee {cid}: its parent {parent['id']} is the committee of province "
                            f"{parent['province_code']}, but district {row['district_code']} is in "
                            f"province {row['province_code']}")
    seen: dict[tuple, str] = {}
    for cid, row in committees.items():
        key = {"district": ("district", row["district_code"]), "province": ("province", row["province_code"]),
               "national": ("national",)}.get(row["level"])
        if key is None:
            continue
        if key in seen:
            area = "the national level" if key == ("national",) else f"{key[0]} {key[1]}"
            problems.append(f"committees {seen[key]} and {cid} both cover {area}")
        else:
            seen[key] = cid
    if not any(row["level"] == "national" for row in committees.values()):
        problems.append("there is no national committee: escalation must end somewhere")
    return problems


def _depth(committees: dict[str, dict], cid: str) -> int:
    depth, node = 0, committees[cid]["parent_id"]
    while node:
        depth, node = depth + 1, committees[node]["parent_id"]
    return depth


def _apply(row: Any, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def load_directory(session: Session, data: Any, now: datetime | None = None) -> LoadSummary:
    """Upsert the directory by id; what the file no longer has is marked inactive. Links
    (officers' LINE accounts, committees' groups) are kept. Raises DirectoryError (nothing
    written) if the file has mistakes."""
    committees, officers = validate_directory(data)
    now = as_utc(now) or utcnow()
    summary = LoadSummary()
    by_id = {row["id"]: row for row in committees}
    parents_first = sorted(committees, key=lambda row: _depth(by_id, row["id"]))

    existing = {c.id: c for c in session.scalars(select(Committee))}
    # 1) every committee exists (new ones without a parent yet, so foreign keys hold)
    touched: dict[str, bool] = {}
    for row in parents_first:
        values = {k: row[k] for k in ("level", "name_th", "name_en", "province_code", "district_code")}
        values["active"] = True
        committee = existing.get(row["id"])
        if committee is None:
            committee = Committee(id=row["id"], created_at=now, updated_at=now, **values)
            session.add(committee)
            existing[row["id"]] = committee
            summary.created.append(f"committee {row['id']}")
            touched[row["id"]] = True
        else:
            touched[row["id"]] = _apply(committee, values)
    session.flush()
    # 2) parents
    for row in parents_first:
        committee = existing[row["id"]]
        if _apply(committee, {"parent_id": row["parent_id"]}) or touched[row["id"]]:
            committee.updated_at = now
            if f"committee {row['id']}" not in summary.created:
                summary.changed.append(f"committee {row['id']}")
        else:
            summary.unchanged.append(f"committee {row['id']}")
    for cid, committee in sorted(existing.items()):
        if cid not in by_id and committee.active:
            committee.active = False
            committee.group_code_hash = committee.group_code_expires_at = None
            committee.updated_at = now
            summary.deactivated.append(f"committee {cid}")
    session.flush()

    known = {o.id: o for o in session.scalars(select(Officer))}
    wanted = {row["id"] for row in officers}
    for row in officers:
        values = {"committee_id": row["committee_id"], "name": row["name"], "role": row["role"],
                  "roster": row["roster"], "active": True}
        officer = known.get(row["id"])
        if officer is None:
            session.add(Officer(id=row["id"], created_at=now, updated_at=now, **values))
            summary.created.append(f"officer {row['id']}")
        elif _apply(officer, values):
            officer.updated_at = now
            summary.changed.append(f"officer {row['id']}")
        else:
            summary.unchanged.append(f"officer {row['id']}")
    for oid, officer in sorted(known.items()):
        if oid not in wanted and officer.active:
            officer.active = False
            officer.link_code_hash = officer.link_code_expires_at = None
            officer.updated_at = now
            summary.deactivated.append(f"officer {oid}")
    session.flush()
    return summary
