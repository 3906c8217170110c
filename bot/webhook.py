"""POST /callback: LINE's webhook.

Checks the signature, commits every well-formed event to the inbox (bot/event_shape.py;
a malformed one is logged by id and type and dropped alone), and answers 200. Nothing else
happens here, not even a word to the workers (their dispatcher watches the inbox,
storage/inbox_watch.py): the webhook must stay fast, talks to the database only, and must
never lose an event that LINE believes it delivered.

It is a plain WSGI app in front of Flask (`WebhookEndpoint`, installed by app.py), not a
Flask view: Flask's request context, URL matching, hooks and response object cost about as
much CPU per event as everything the webhook itself does, and /callback needs none of them.
Every other path goes on to Flask.
"""
from __future__ import annotations

import logging
import time
from http import HTTPStatus

from linebot.v3.webhook import SignatureValidator
from werkzeug.wsgi import get_content_length, get_input_stream

from storage import inbox

from . import event_shape
from .webhook_body import MalformedBody, Unreadable, parse_events

log = logging.getLogger(__name__)

PATH = "/callback"


def _answer(code: int, body: bytes | None = None) -> tuple[str, list[tuple[str, str]], tuple[bytes]]:
    status = HTTPStatus(code)
    body = status.phrase.encode("ascii") if body is None else body
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    if code == 405:
        headers.append(("Allow", "POST"))
    return f"{code} {status.phrase}", headers, (body,)


# Every answer the webhook gives, made once.
_ANSWERS = {code: _answer(code) for code in (400, 405, 413, 500)} | {200: _answer(200, b"OK")}


class WebhookEndpoint:
    """WSGI: POST /callback answered here, any other request passed on to `next_app` (Flask's)."""

    def __init__(self, next_app, hotline):
        self.next_app = next_app
        self.hotline = hotline

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.next_app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            code = 405
        else:
            try:
                code = self.receive(environ)
            except Exception:  # noqa: BLE001 - not stored: a 500 makes LINE deliver the events again
                log.exception("webhook: events not stored; answered 500")
                code = 500
        status, headers, body = _ANSWERS[code]
        start_response(status, list(headers))
        return body

    def receive(self, environ) -> int:
        """The HTTP status for this request; 200 once its handled events are committed."""
        hotline = self.hotline
        max_bytes = hotline.settings.max_body_bytes
        length = get_content_length(environ)
        if length is not None and length > max_bytes:
            log.warning("webhook refused: body of %s bytes is over the limit", length)
            return 413
        if length is not None:    # WSGI: read no more than CONTENT_LENGTH
            raw = environ["wsgi.input"].read(length)
        else:   # chunked: read (as werkzeug guards it) to one byte past the limit, to tell
            raw = get_input_stream(environ, max_content_length=max_bytes + 1).read()
        if len(raw) > max_bytes:
            log.warning("webhook refused: body over the limit")
            return 413
        body = raw.decode("utf-8", "replace")
        signature = environ.get("HTTP_X_LINE_SIGNATURE", "")
        if not signature or not hotline.signature.validate(body, signature):
            log.warning("webhook refused: missing or wrong X-Line-Signature")
            return 400
        try:
            events = parse_events(body)
        except MalformedBody as exc:
            log.warning("webhook refused: malformed JSON body (%s)", exc)
            return 400
        wanted = well_formed(events, body, hotline.settings.event_max_age_seconds)
        if wanted:
            rows = inbox.prepare_events(wanted, hotline.db.engine.dialect.name)  # outside the write lock
            hotline.db.inbox_writer.store(rows)   # committed: LINE may have its 200; the dispatcher sees them
        return 200


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
