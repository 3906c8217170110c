"""Consent queries: written at submit, revoked by the person, read before anything is sent to them.

The rules (what the answers grant, may we push now) are cases/consent.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from cases import consent as rules

from . import cases, outbox
from .driver_statements import DriverStatement
from .models import Case, Consent, Conversation, OutboxMessage, utcnow

_RECORD = insert(Consent.__table__)   # built once; Core: the unit of work's flush at the report's commit was for these


def record_from_answers(session: Session, case: Case, answers: dict, now: datetime | None = None) -> None:
    """One row per channel for a new case, from the intake's answers, written at once by one
    INSERT (nothing else in the session is flushed)."""
    now = now or utcnow()
    rows = [{"case_id": case.id, "chat_key": case.chat_key, "channel": channel, "granted": grant["granted"],
             "safe_time": grant["safe_time"], "decided_at": now, "revoked_at": None, "talk_officer_id": None}
            for channel, grant in rules.from_answers(answers).items()]
    with session.no_autoflush:
        session.execute(_RECORD, rows)


def of_case(session: Session, case_id: int) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.case_id == case_id).order_by(Consent.channel)))


def revoke_chat(session: Session, chat_key: str, now: datetime | None = None) -> int:
    """Revoke every consent of the chat not revoked yet; how many were."""
    result = session.execute(update(Consent).where(Consent.chat_key == chat_key, Consent.revoked_at.is_(None))
                             .values(revoked_at=now or utcnow(), talk_officer_id=None)
                             .execution_options(synchronize_session="fetch"))
    return result.rowcount


_CONSENTS = Consent.__table__
_TALKING = DriverStatement(    # built once; plain tuples, not objects the session tracks
    select(_CONSENTS.c.case_id, _CONSENTS.c.talk_officer_id)
    .where(_CONSENTS.c.chat_key == bindparam("chat"), _CONSENTS.c.channel == "line",
           _CONSENTS.c.granted.is_(True), _CONSENTS.c.revoked_at.is_(None), _CONSENTS.c.talk_officer_id.is_not(None))
    .order_by(_CONSENTS.c.id.desc()).limit(1)
)
_END_TALK = DriverStatement(   # built once; no ORM synchronisation (a SELECT first) on every message at the menu
    update(_CONSENTS)
    .where(_CONSENTS.c.chat_key == bindparam("chat"), _CONSENTS.c.talk_officer_id.is_not(None))
    .values(talk_officer_id=None)
)


def talking(session: Session, chat_key: str) -> tuple | None:
    """The live LINE consent of this chat an officer is talking through, newest case first: its
    case_id and talk_officer_id. Asked on every text message, so it does not flush the chat's
    pending conversation first (that would write the conversation twice per message); consents
    are only ever changed by statements run at once, and one added in this transaction has no
    talk yet, so nothing pending can change the answer."""
    return _TALKING.first(session, chat=chat_key)   # runs without a flush


def start_talk(session: Session, case_id: int, officer_id: str) -> None:
    session.execute(update(Consent).where(Consent.case_id == case_id, Consent.channel == "line")
                    .values(talk_officer_id=officer_id).execution_options(synchronize_session="fetch"))


def end_talk(session: Session, chat_key: str) -> int:
    """The person is back at the menu: an official's talk with them is over. Asked on every
    message at the menu, so it neither flushes the chat's pending conversation first (that
    would write the conversation twice per message; a consent added in this transaction has
    no talk to end) nor reads the rows first; a consent loaded in this session is brought up
    to date when a talk did end (rarely)."""
    ended = _END_TALK.rowcount(session, chat=chat_key)   # runs without a flush
    if ended:
        for loaded in list(session.identity_map.values()):
            if isinstance(loaded, Consent) and loaded.chat_key == chat_key and loaded.talk_officer_id is not None:
                set_committed_value(loaded, "talk_officer_id", None)
    return ended


def forget_people(session: Session, people: list[str], erased: str, now: datetime | None = None) -> int:
    """"Delete my data" (storage/erasure.py): their consents are withdrawn and no longer name
    their chat, and the notes and officers' messages queued for them (pushes that answer no
    event, still pending) are not sent. Returns how many queued messages were dropped."""
    now = now or utcnow()
    session.execute(update(Consent).where(Consent.chat_key.in_(people))
                    .values(chat_key=erased, granted=False, revoked_at=func.coalesce(Consent.revoked_at, now),
                            talk_officer_id=None)
                    .execution_options(synchronize_session="fetch"))
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.push_to.in_(people), OutboxMessage.status == "pending",
               OutboxMessage.inbox_event_id.is_(None), OutboxMessage.reply_token.is_(None))
        .values(status="undeliverable", messages=[], last_error="not sent: the person erased their data")
        .execution_options(synchronize_session=False)).rowcount


def cases_of_chat(session: Session, chat_key: str) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.chat_key == chat_key).order_by(Case.id)))


class ConsentStore:
    """What cases/reporter_notes.ReporterNotes needs of the database (injected by app.py)."""

    @staticmethod
    def consents(session: Session, case_id: int) -> list[Consent]:
        return of_case(session, case_id)

    @staticmethod
    def conversation(session: Session, chat_key: str) -> Conversation | None:
        return session.get(Conversation, chat_key)

    @staticmethod
    def case(session: Session, case_id: int) -> Case | None:
        return session.get(Case, case_id)

    @staticmethod
    def push_later(session: Session, chat_key: str, messages: list[dict], not_before: datetime | None,
                   case_id: int | None = None):
        """A push to `chat_key`; not sent before `not_before` (their safe time): the row is due
        then (next_attempt_at), and the sweeper sends it. `case_id`: a push to that case's
        reporter, asked again when it is sent (bot/delivery.py, cases/reporter_notes.at_send)."""
        row = outbox.add(session, chat_key=chat_key, messages=messages, push_to=chat_key, push_allowed=True)
        row.next_attempt_at = not_before
        row.reporter_case_id = case_id
        session.flush()
        return row

    @staticmethod
    def record(session: Session, case: Case, kind: str, actor: str, committee_id: str | None = None, **detail):
        return cases.record(session, case, kind, actor, committee_id, **detail)
