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
from .models import Case, CaseReferral, Committee, Officer, OutboxMessage, utcnow


class CaseStore:
    """The database operations of Casework, one method each."""

    # -- cases ---------------------------------------------------------------------------------
    @staticmethod
    def new_case(session: Session, **fields) -> Case:
        """A new case with a fresh reference, written at once (it has its id)."""
        return cases.insert_new(session, **fields)

    @staticmethod
    def record(session: Session, case: Case, kind: str, actor: str, committee_id: str | None = None,
               **detail) -> None:
        return cases.record(session, case, kind, actor, committee_id, **detail)

    @staticmethod
    def now() -> datetime:
        """The trail's clock (record's "at"), for a line written later by record_all."""
        return utcnow()

    @staticmethod
    def record_all(session: Session, case: Case, lines: list[tuple]) -> None:
        """Several trail lines, (kind, actor, committee_id, detail, at) each, written at once."""
        return cases.record_all(session, case, lines)

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
    def alert_targets(session: Session, committee_id: str, now: datetime) -> directory.AlertTargets:
        """Who can be alerted now: the LINE users of the officers on duty and linked, and the
        committee's LINE group chat (None without one)."""
        return directory.alert_targets(session, committee_id, now)

    # -- messages ------------------------------------------------------------------------------
    @staticmethod
    def push(session: Session, target: str, messages: list[dict]) -> OutboxMessage:
        """One outbox row pushing `messages` to an officer's or a group's chat, written at once."""
        return outbox.insert_pushes(session, [target], messages)[0]

    @staticmethod
    def push_all(session: Session, targets: list[str], messages: list[dict]) -> list[OutboxMessage]:
        """One row per target with the same `messages` (a case's alert to the committee's on-duty
        officers and its group chat), written at once; the officers' rows get one send group
        (storage/outbox.group_alike): they go as ONE multicast, the group chat's by push."""
        return outbox.insert_pushes(session, targets, messages)
