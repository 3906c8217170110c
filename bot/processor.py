"""Work through one chat's pending events, oldest first, one worker at a time.

The per-chat Redis lock keeps a chat's events in LINE's order across any number of
workers; the conditional mark_done keeps their effects to one even if the lock lapsed.
Each event is decided and recorded (state, outbox rows, event done) in one transaction,
then its messages are sent while the lock is still held, so replies keep their order.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from redis.exceptions import LockError, RedisError

from storage import conversations, inbox, outbox
from storage.models import InboxEvent, utcnow
from storage.timeutil import as_utc

log = logging.getLogger(__name__)

MAX_EVENT_ATTEMPTS = 3


@dataclass
class Response:
    """What the bot answers to one event: LINE message objects, and whether a push is fine.

    also: outbox rows the answer set off (e.g. alerts to officers), written in the same
    transaction and sent after the answer; after_commit: calls to make once it is committed
    (e.g. scheduling an escalation check); emergency: an answer from an emergency flow, retried
    until delivered within EMERGENCY_DELIVERY_SECONDS instead of LINE_SEND_RETRIES attempts."""

    messages: list[dict] = field(default_factory=list)
    push_allowed: bool = True
    emergency: bool = False
    also: list = field(default_factory=list)
    after_commit: list = field(default_factory=list)


class ChatProcessor:
    def __init__(self, db, queue, delivery, responder, reply_token_ttl: float = 50,
                 emergency_delivery: float = 900):
        self.db = db
        self.queue = queue
        self.delivery = delivery
        self.responder = responder
        self.reply_token_ttl = timedelta(seconds=reply_token_ttl)
        self.emergency_delivery = timedelta(seconds=emergency_delivery)

    def process_chat(self, chat_key: str) -> int:
        """Process what is pending for the chat; returns how many events were handled."""
        self.db.inbox_writer.promote()   # whoever queued this job promoted already; a read if so
        handled = 0
        lock = self.queue.chat_lock(chat_key)
        while True:
            if not lock.acquire(blocking=False):
                return handled  # another worker has the chat; it re-checks before leaving
            try:
                while (outbox_ids := self._process_next(chat_key)) is not None:
                    handled += 1
                    for outbox_id in outbox_ids:
                        self.delivery.deliver(outbox_id)
            finally:
                try:
                    lock.release()
                except (LockError, RedisError):
                    pass
            with self.db.sessions() as session:
                if not inbox.has_pending(session, chat_key):
                    return handled

    def _process_next(self, chat_key: str) -> list[int] | None:
        """Handle the chat's oldest pending event; None when there is none."""
        with self.db.sessions() as session:
            event = inbox.next_pending(session, chat_key)
            if event is None:
                return None
            try:
                return self._decide(session, event)
            except Exception as exc:  # a bug must not lose the event nor block the chat
                session.rollback()
                log.exception("event %s failed", event.webhook_event_id)
                return self._after_failure(session, event.id, exc)

    def _decide(self, session, event: InboxEvent) -> list[int]:
        payload = event.payload
        user_id = (payload.get("source") or {}).get("userId")
        conversation = conversations.load(session, event.chat_key, user_id)
        response = self.responder.respond(payload, conversation, session)
        rows = self._queue_messages(session, event, response) + list(response.also)
        if not inbox.mark_done(session, event.id):
            session.rollback()
            return []
        session.commit()
        for call in response.after_commit:
            try:
                call()
            except Exception:  # the sweeper does it later
                log.exception("after-commit step failed for event %s", event.webhook_event_id)
        return [row.id for row in rows]

    def _queue_messages(self, session, event: InboxEvent, response: Response):
        if not response.messages:
            return []
        reply_token = event.payload.get("replyToken")
        received = as_utc(event.received_at) or utcnow()
        row = outbox.add(
            session, chat_key=event.chat_key, messages=response.messages[:5],
            push_to=None if event.chat_key == inbox.SYSTEM_CHAT else event.chat_key,
            push_allowed=response.push_allowed, reply_token=reply_token,
            reply_deadline=received + self.reply_token_ttl if reply_token else None,
            inbox_event_id=event.id,
            deliver_until=received + self.emergency_delivery if response.emergency else None,
        )
        session.flush()
        return [row]

    def _after_failure(self, session, event_id: int, exc: Exception) -> list[int]:
        attempts = inbox.record_failure(session, event_id, f"{type(exc).__name__}: {exc}")
        rows = []
        if attempts >= MAX_EVENT_ATTEMPTS:
            event = session.get(InboxEvent, event_id)
            inbox.mark_done(session, event_id, status="failed")
            apology = self._apology(session, event)
            if apology is not None:
                rows = self._queue_messages(session, event, apology)
        session.commit()
        return [row.id for row in rows]

    def _apology(self, session, event: InboxEvent) -> Response | None:
        try:
            user_id = (event.payload.get("source") or {}).get("userId")
            conversation = conversations.load(session, event.chat_key, user_id)
            return self.responder.apology(conversation)
        except Exception:
            log.exception("no apology for event %s", event.webhook_event_id)
            return None
