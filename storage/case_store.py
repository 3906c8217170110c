"""What casework (cases/casework.py) needs of the database, handed to it by app.py.

Casework decides; this object reads and writes. Keeping the two apart lets cases/ stay free
of SQL, so its rules read without the tables and a dashboard can reuse them. The session is
the caller's: everything happens in the caller's transaction.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session

from . import cases, directory, outbox
from .models import Case, CaseEvent, CaseReferral, Committee, Officer, OutboxMessage


class CaseStore:
    """The database operations of Casework, one method each."""

    # -- cases ---------------------------------------------------------------------------------
    @staticmethod
    def new_case(session: Session, **fields) -> Case:
        """A new case with a fresh reference, flushed (it has its id)."""
        return cases.add(session, reference=cases.new_reference(session), **fields)

    @staticmethod
    def record(session: Session, case: Case, kind: str, actor: str, committee_id: str | None = None,
               **detail) -> CaseEvent:
        return cases.record(session, case, kind, actor, committee_id, **detail)

    @staticmethod
    def by_reference(session: Session, reference: str) -> Case | None:
        return cases.by_reference(session, reference)

    @staticmethod
    def due_escalations(session: Session, now: datetime) -> Iterator[Case]:
        return cases.due_escalations(session, now)

    @staticmethod
    def claim_escalation(session: Session, case: Case) -> bool:
        return cases.claim_escalation(session, case)

    @staticmethod
    def due_reminders(session: Session, now: datetime) -> Iterator[Case]:
        return cases.due_reminders(session, now)

    @staticmethod
    def get_case(session: Session, case_id: int) -> Case | None:
        return session.get(Case, case_id)

    # -- referrals and read access ---------------------------------------------------------------
    @staticmethod
    def add_referral(session: Session, case: Case, **fields) -> CaseReferral:
        return cases.add_referral(session, case, **fields)

    @staticmethod
    def get_referral(session: Session, referral_id: int) -> CaseReferral | None:
        return cases.get_referral(session, referral_id)

    @staticmethod
    def grant_read(session: Session, case: Case, committee_id: str) -> None:
        cases.grant_read(session, case, committee_id)

    @staticmethod
    def get_officer(session: Session, officer_id: str | None) -> Officer | None:
        return session.get(Officer, officer_id) if officer_id else None

    # -- the directory -------------------------------------------------------------------------
    @staticmethod
    def directory_snapshot(session: Session) -> list[dict]:
        return directory.directory_snapshot(session)

    @staticmethod
    def escalation_chain(session: Session, committee_id: str) -> list[Committee]:
        return directory.escalation_chain(session, committee_id)

    @staticmethod
    def get_committee(session: Session, committee_id: str | None) -> Committee | None:
        return directory.get_committee(session, committee_id)

    @staticmethod
    def on_duty_officers(session: Session, committee_id: str, now: datetime) -> list[Officer]:
        """Who can be alerted now: on duty and linked to a LINE account."""
        return directory.on_duty_officers(session, committee_id, now, linked_only=True)

    # -- messages ------------------------------------------------------------------------------
    @staticmethod
    def push(session: Session, target: str, messages: list[dict]) -> OutboxMessage:
        """One outbox row pushing `messages` to an officer's or a group's chat; rows pushed
        until the next flush with the same messages to several officers become one multicast."""
        row = outbox.add(session, chat_key=target, messages=messages, push_to=target, push_allowed=True)
        session.info.setdefault(_PUSHED, []).append(row)
        return row

    @staticmethod
    def flush(session: Session) -> None:
        """Write what casework added; the officers' rows pushed since the last flush with the
        same messages (a case's alert to the committee's on-duty officers) first get one send
        group (storage/outbox.group_alike): they go as ONE multicast, the group chat's by push."""
        pushed, new = session.info.pop(_PUSHED, []), session.new
        outbox.group_alike([row for row in pushed if row in new])   # not already flushed (an autoflush)
        session.flush()


_PUSHED = "case_store.pushed"   # session.info: the rows push() added since the last flush
