"""Link codes in the database: issuing them, redeeming them, counting wrong guesses.

The rules (hashing, digits in any script, the rate limit) are in cases/link_codes.py. A group
code alone links nothing: `group <code>` in a group only makes a pending link, which takes
effect when a linked, active officer of THAT committee confirms in the same group, so a leaked
code cannot take the committee's alerts into a stranger's room. Redeeming compares the hash
against every outstanding code with hmac.compare_digest, so timing tells nothing. Counting
failures is not atomic across concurrent requests; the bot handles one chat's events at a
time (per-chat lock), which serialises a chat's.
"""
from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import link_codes as codes
from cases.link_codes import LINK_CODE_TTL

from .directory import committee_for_group, link_group, officer_by_line_user
from .models import Committee, LinkCodeAttempt, Officer, PendingGroupLink
from .timeutil import as_utc


def _blocked(session: Session, subjects: list[str], now: datetime) -> bool:
    """Whether any of `subjects` failed too often within the window (cases.link_codes.blocked_until)."""
    attempts = [session.get(LinkCodeAttempt, subject) for subject in subjects]
    return any(codes.blocked_until(attempt.failures, as_utc(attempt.window_started_at), now)
               for attempt in attempts if attempt is not None)


def _record_failure(session: Session, subjects: list[str], now: datetime) -> None:
    for subject in subjects:
        attempt = session.get(LinkCodeAttempt, subject)
        if attempt is None:
            session.add(LinkCodeAttempt(subject=subject, failures=1, window_started_at=now, last_failure_at=now))
        else:
            if codes.window_expired(as_utc(attempt.window_started_at), now):
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


def _matching(rows: Iterable, attribute: str, wanted: str):
    """The row whose stored hash equals `wanted`, comparing every row in constant time."""
    found = None
    for row in rows:
        if hmac.compare_digest(getattr(row, attribute), wanted):
            found = row
    return found


def _new_code(session: Session, row, hash_column, expires_column, expires_at: datetime) -> str:
    """A code unlike every other live one in `hash_column`; `row` keeps only its hash, replacing any earlier
    code, and when it expires."""
    taken = set(session.scalars(select(hash_column).where(hash_column.is_not(None))))
    code = codes.new_code(taken)
    setattr(row, hash_column.key, codes.code_hash(code))
    setattr(row, expires_column.key, expires_at)
    session.flush()
    return code


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
    return _new_code(session, officer, Officer.link_code_hash, Officer.link_code_expires_at, now + ttl)


def redeem_link_code(session: Session, code: str, line_user_id: str, now: datetime, *,
                     chat_id: str | None = None) -> Officer | None:
    """Link `line_user_id` to the officer whose code this is. None when the code is wrong,
    used, expired, belongs to an inactive officer, or this user or chat (`chat_id`: where it
    was typed) failed too often (cases/link_codes.py). If
    the LINE account was linked to another officer row (the person changed committee), that
    link moves here."""
    now = as_utc(now)
    subjects = codes.subjects(line_user_id, chat_id)
    if _blocked(session, subjects, now):
        return None
    clean, wanted = codes.wanted_hash(code)
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
    return _new_code(session, committee, Committee.group_code_hash, Committee.group_code_expires_at, now + ttl)


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
    subjects = codes.subjects(user_id, group_id)
    if _blocked(session, subjects, now):
        return GroupRequest("failed")
    clean, wanted = codes.wanted_hash(code)
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
