"""Work through one chat's pending events, oldest first, one worker at a time.

The per-chat Redis lock keeps a chat's events in LINE's order across any number of
workers; the conditional mark_done keeps their effects to one even if the lock lapsed.
Each event is decided and recorded (state, outbox rows, event done) in one transaction,
then its messages are sent while the lock is still held, so replies keep their order. The rows
just committed go to the delivery as they are, so it does not read them back.
"""
from __future__ import annotations

import logging
import traceback
from datetime import timedelta

from redis.exceptions import RedisError

from bot.response import Response
from storage import conversations, inbox, outbox
from storage.models import Conversation, InboxEvent, OutboxMessage, utcnow
from storage.timeutil import as_utc

from .escalations import schedule_checks
from .photos import schedule_fetches
from .promotion import promote_received

log = logging.getLogger(__name__)

MAX_EVENT_ATTEMPTS = 3


class ChatProcessor:
    def __init__(self, db, queue, delivery, responder, reply_token_ttl: float = 50,
                 emergency_delivery: float = 900):
        self.db = db
        self.queue = queue
        self.delivery = delivery
        self.responder = responder
        self.reply_token_ttl = timedelta(seconds=reply_token_ttl)
        self.emergency_delivery = timedelta(seconds=emergency_delivery)

    def process_chat(self, chat_key: str, held=None) -> int:
        """Process what is pending for the chat; returns how many events were handled. One session
        for all of it (each event's decision, its sends, the check after the lock), each event
        starting with none of the last one's objects, as a session of its own would.

        `held`: the chat's lock, taken by a drainer's look (worker/queue.py `HeldChat`); the drainer
        gives it back with its next look, which puts the chat back on the list if another worker
        found it locked meanwhile, so no check after the lock is needed here. Without it the lock
        is taken and given back here, and pending events are looked for after that."""
        promote_received(self.db)
        with self.db.sessions() as session:
            if held is not None:
                return self._work(session, chat_key, held)
            handled = 0
            while True:
                lock = self.queue.chats.take(chat_key)
                if lock is None:
                    return handled  # another worker has the chat; it puts the chat back on the list
                try:
                    handled += self._work(session, chat_key, lock)
                finally:
                    try:
                        self.queue.chats.give_back(lock)
                    except RedisError:
                        pass
                pending = inbox.has_pending(session, chat_key)
                session.rollback()   # nothing written: ends the read, which must not span the next lock
                if not pending:
                    return handled

    def _work(self, session, chat_key: str, lock) -> int:
        """The chat's pending events, one after another, while `lock` is kept alive."""
        handled = 0
        with self.queue.renewer.kept(lock):
            more = True
            while more and (found := self._process_next(session, chat_key)) is not None:
                rows, more = found
                handled += 1
                self.delivery.deliver_all(rows, session)
        return handled

    def _process_next(self, session, chat_key: str) -> tuple[list[OutboxMessage], bool] | None:
        """Handle the chat's oldest pending event; None when there is none. Returns the outbox
        rows it committed (detached, as written) and whether another event was pending behind
        it (one arriving later comes back through the chat list, or the check after the lock)."""
        session.rollback()       # no transaction left open by the previous event's sends
        session.expunge_all()    # and none of its objects: what this event reads is read afresh
        event, more = inbox.oldest_pending(session, chat_key)
        if event is None:
            return None
        event_id, reference = event.id, event.webhook_event_id
        try:
            return self._decide(session, event), more
        except Exception as exc:  # a bug must not lose the event nor block the chat
            session.rollback()
            error = exc
        log.error("event %s failed: %s\n%s", reference, type(error).__name__,
                  "".join(traceback.format_tb(error.__traceback__)))   # no message: it may quote the person
        return self._after_failure(event_id, reference, error), more

    def _decide(self, session, event: InboxEvent) -> list[OutboxMessage]:
        payload = event.payload
        conversation = conversations.load(session, event.chat_key, _user_of(payload))
        with outbox.sent_after_commit(session, self.delivery.hold_until()):   # the alerts go right after it
            response = self.responder.respond(payload, conversation, session)
        rows = self._queue_messages(session, event, payload, response) + list(response.also)
        conversations.save(session, conversation)
        if not inbox.mark_done(session, event.id):
            session.rollback()
            return []
        session.commit()
        try:
            schedule_checks(self.queue, response.escalating)
        except Exception:  # the sweeper escalates the case in time instead
            log.exception("escalation check not scheduled for event %s", event.webhook_event_id)
        schedule_fetches(self.queue, response.photos)    # never raises: the sweeper queues a lost one
        return rows

    def _queue_messages(self, session, event: InboxEvent, payload: dict, response: Response):
        if not response.messages:
            return []
        reply_token = outbox.usable_reply_token(payload.get("replyToken"))
        received = as_utc(event.received_at) or utcnow()
        row = outbox.insert_now(
            session, chat_key=event.chat_key, messages=response.messages[:5],
            push_to=None if event.chat_key == inbox.SYSTEM_CHAT else event.chat_key,
            push_allowed=response.push_allowed, reply_token=reply_token,
            reply_deadline=received + self.reply_token_ttl if reply_token else None,
            inbox_event_id=event.id,
            deliver_until=received + self.emergency_delivery if response.emergency else None,
            held_until=self.delivery.hold_until(),    # sent right after the commit: no claim of its own
        )
        return [row]

    def _after_failure(self, event_id: int, reference: str, exc: Exception) -> list[OutboxMessage]:
        """Count the failed attempt; after the last one the event is failed, with an apology
        if one can be written. Whatever stands in the apology's way (a payload that cannot be
        read, a broken conversation, a row the database refuses), the failure itself is then
        committed alone, so the chat moves on. Only the database being down stops that."""
        error = _error_of(exc)
        try:
            with self.db.sessions() as session:
                return self._record_failure(session, event_id, reference, error, apologise=True)
        except Exception as apology_error:
            log.error("event %s: no apology could be written (%s)", reference, type(apology_error).__name__)
        with self.db.sessions() as session:
            return self._record_failure(session, event_id, reference, error, apologise=False)

    def _record_failure(self, session, event_id: int, reference: str, error: str,
                        apologise: bool) -> list[OutboxMessage]:
        attempts = inbox.record_failure(session, event_id, error)
        rows = []
        if attempts >= MAX_EVENT_ATTEMPTS and inbox.mark_done(session, event_id, status="failed"):
            log.warning("event %s failed for good after %d attempts", reference, attempts)
            if apologise:
                rows = self._apology(session, session.get(InboxEvent, event_id))
        session.commit()
        return rows

    def _apology(self, session, event: InboxEvent) -> list:
        """The apology's outbox row. A conversation that cannot be loaded still gets one, in
        the fallback language and by reply only (whether a push is safe cannot be known)."""
        payload = event.payload            # raises if it cannot be read: then there is nobody to answer
        if type(payload) is not dict:
            return []
        try:
            conversation = conversations.load(session, event.chat_key, _user_of(payload))
            broken = False
        except Exception as exc:
            log.error("event %s: conversation unreadable (%s)", event.webhook_event_id, type(exc).__name__)
            conversation, broken = Conversation(chat_key=event.chat_key, state={}, zawgyi=False), True
        apology = self.responder.apology(conversation)
        if broken:
            apology.push_allowed = False
        return self._queue_messages(session, event, payload, apology)


def _user_of(payload) -> str | None:
    source = payload.get("source") if type(payload) is dict else None
    return source.get("userId") if type(source) is dict else None


def _error_of(exc: Exception) -> str:
    """What the inbox row keeps of a failure: the exception's type and where it was raised,
    never its message, which may quote what the person wrote (the row is not encrypted)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    return f"{type(exc).__name__}{where}"
