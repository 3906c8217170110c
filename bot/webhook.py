"""POST /callback: LINE's webhook.

Checks the signature, commits every event to the inbox, and answers 200. Nothing else
happens here, not even a word to the workers (their dispatcher watches the inbox,
storage/inbox_watch.py): the webhook must stay fast, talks to the database only, and must
never lose an event that LINE believes it delivered.
"""
from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, current_app, request
from linebot.v3.webhook import SignatureValidator

from storage import inbox

log = logging.getLogger(__name__)

webhook = Blueprint("webhook", __name__)

HANDLED_EVENTS = frozenset({"message", "postback", "follow", "unfollow", "join", "leave",
                            "memberJoined", "memberLeft"})


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
        events = json.loads(body)["events"]
        if not isinstance(events, list):
            raise TypeError("events is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("webhook refused: malformed JSON body (%s)", exc)
        abort(400)
    wanted = []
    for event in events:
        if isinstance(event, dict) and event.get("type") in HANDLED_EVENTS:
            wanted.append(event)
        else:
            log.info("webhook: %s event not handled", event.get("type") if isinstance(event, dict) else event)
    if not wanted:
        return "OK"
    rows = inbox.prepare_events(wanted, hotline.db.engine.dialect.name)  # outside the write lock
    hotline.db.inbox_writer.store(rows)   # committed: LINE may have its 200; the dispatcher sees them
    return "OK"


def make_signature_validator(channel_secret: str) -> SignatureValidator:
    return SignatureValidator(channel_secret)
