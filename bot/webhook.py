"""POST /callback: LINE's webhook.

Checks the signature, commits every well-formed event to the inbox (bot/event_shape.py;
a malformed one is logged by id and type and dropped alone), and answers 200. Nothing else
happens here, not even a word to the workers (their dispatcher watches the inbox,
storage/inbox_watch.py): the webhook must stay fast, talks to the database only, and must
never lose an event that LINE believes it delivered.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, abort, current_app, request
from linebot.v3.webhook import SignatureValidator

from storage import inbox

from . import event_shape
from .webhook_body import MalformedBody, Unreadable, parse_events

log = logging.getLogger(__name__)

webhook = Blueprint("webhook", __name__)


@webhook.post("/callback")
def callback():
    hotline = current_app.extensions["hotline"]
    length = request.content_length
    if length is not None and length > hotline.settings.max_body_bytes:
        log.warning("webhook refused: body of %s bytes is over the limit", length)
        abort(413)
    body = request.get_data(as_text=True, cache=False)
    if len(body) > hotline.settings.max_body_bytes:
        abort(413)
    signature = request.headers.get("X-Line-Signature", "")
    if not signature or not hotline.signature.validate(body, signature):
        log.warning("webhook refused: missing or wrong X-Line-Signature")
        abort(400)
    try:
        events = parse_events(body)
    except MalformedBody as exc:
        log.warning("webhook refused: malformed JSON body (%s)", exc)
        abort(400)
    wanted = well_formed(events, body, hotline.settings.event_max_age_seconds)
    if not wanted:
        return "OK"
    rows = inbox.prepare_events(wanted, hotline.db.engine.dialect.name)  # outside the write lock
    hotline.db.inbox_writer.store(rows)   # committed: LINE may have its 200; the dispatcher sees them
    return "OK"


def well_formed(events: list, body: str, max_age_seconds: float) -> list[dict]:
    """The events the inbox takes; each other one is logged by id and type (never its
    content) and dropped, so that it cannot cost the others their place."""
    deep, surrogates = event_shape.deep_checks_needed(body)
    now_ms = int(time.time() * 1000)
    max_age_ms = int(max_age_seconds * 1000)
    wanted = []
    for event in events:
        if type(event) is Unreadable:
            log.warning("webhook dropped malformed %s event %s: %s", event_shape.loggable(event.kind),
                        event_shape.loggable(event.event_id), event.reason)
            continue
        reason = event_shape.problem(event)
        if reason is None and (deep or surrogates):
            reason = event_shape.deep_problem(event, surrogates)
        if reason is not None:
            kind = event_shape.loggable(event.get("type")) if type(event) is dict else "?"
            if reason is event_shape.UNHANDLED:
                log.info("webhook: %s event not handled", kind)
            else:
                log.warning("webhook dropped malformed %s event %s: %s", kind,
                            event_shape.loggable(event.get("webhookEventId") if type(event) is dict else None),
                            reason)
            continue
        too_old = event_shape.age_problem(event["timestamp"], now_ms, max_age_ms)
        if too_old is not None:
            log.warning("webhook refused %s event %s: %s (age %d s)", event_shape.loggable(event["type"]),
                        event_shape.loggable(event["webhookEventId"]), too_old,
                        (now_ms - event["timestamp"]) // 1000)
            continue
        wanted.append(event)
    return wanted


def make_signature_validator(channel_secret: str) -> SignatureValidator:
    return SignatureValidator(channel_secret)
