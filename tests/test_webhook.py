"""POST /callback: signature, body checks, durable storage before 200."""
from __future__ import annotations

import pytest

import json
import logging

from sqlalchemy import func, select

from app import create_app
from storage.models import InboxEvent
from tests.conftest import post_events, sign, user_id
from tests.support.events import beacon_event, text_event

pytestmark = pytest.mark.integration


def _count(app) -> int:
    with app.extensions["hotline"].db.sessions() as session:
        return session.scalar(select(func.count()).select_from(InboxEvent))


def _jobs(app) -> int:
    """Jobs in the RQ queue: the webhook enqueues none (the dispatcher does, tests/test_dispatcher.py)."""
    return app.extensions["hotline"].queue.queue.count


def test_missing_or_wrong_signature_is_refused_and_nothing_is_stored(settings):
    app = create_app(settings)
    client = app.test_client()
    body = json.dumps({"destination": "U0", "events": [text_event(user_id(), "hi")]})
    assert client.post("/callback", data=body).status_code == 400
    assert client.post("/callback", data=body, headers={"X-Line-Signature": sign(body, "other")}).status_code == 400
    assert post_events(client, [text_event(user_id(), "hi")], secret="wrong").status_code == 400
    assert _count(app) == 0
    assert _jobs(app) == 0


def test_verify_call_with_no_events_answers_200(settings):
    client = create_app(settings).test_client()
    assert post_events(client, []).status_code == 200


def test_malformed_json_is_400_with_a_log_line(settings, caplog):
    app = create_app(settings)
    body = '{"events": [ not json'
    response = app.test_client().post("/callback", data=body, headers={"X-Line-Signature": sign(body)})
    assert response.status_code == 400
    assert "malformed JSON" in caplog.text
    body = '{"destination": "U0"}'
    assert app.test_client().post("/callback", data=body,
                                  headers={"X-Line-Signature": sign(body)}).status_code == 400


def test_unhandled_event_types_are_logged_and_answered_200(settings, caplog):
    caplog.set_level(logging.INFO, logger="bot.webhook")
    app = create_app(settings)
    response = post_events(app.test_client(), [beacon_event(user_id())])
    assert response.status_code == 200
    assert "beacon event not handled" in caplog.text
    assert _count(app) == 0


def test_oversized_body_is_refused(settings):
    from dataclasses import replace

    app = create_app(replace(settings, max_body_bytes=2000))
    response = post_events(app.test_client(), [text_event(user_id(), "x" * 3000)])
    assert response.status_code == 413
    assert _count(app) == 0


def test_signed_events_are_committed_before_200(settings):
    app = create_app(settings)
    alice, bob = user_id(), user_id()
    response = post_events(app.test_client(), [text_event(alice, "one"), text_event(alice, "two"),
                                               text_event(bob, "three")])
    assert response.status_code == 200
    assert _count(app) == 3     # committed: a new connection sees them
    assert _jobs(app) == 0


def test_redelivered_event_is_stored_once(settings):
    app = create_app(settings)
    event = text_event(user_id(), "hello")
    client = app.test_client()
    assert post_events(client, [event]).status_code == 200
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    assert post_events(client, [redelivered]).status_code == 200
    assert _count(app) == 1
