"""POST /callback: signature, body checks, durable storage before 200."""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from app import create_app
from storage.models import InboxEvent
from tests.support.events import (
    beacon_event,
    group_source,
    member_left_event,
    message_event,
    now_ms,
    postback_event,
    text_event,
)
from tests.support.webhook import post_events, sign, user_id

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


def test_a_body_without_a_length_is_read_only_up_to_the_limit(settings):
    """A chunked body (no Content-Length; the server terminates the stream) over the limit is a 413."""
    import io
    from dataclasses import replace

    app = create_app(replace(settings, max_body_bytes=2000))
    body = json.dumps({"destination": "U0", "events": [text_event(user_id(), "x" * 3000)]}).encode()
    answers = []
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/callback", "wsgi.input": io.BytesIO(body),
               "wsgi.input_terminated": True, "HTTP_X_LINE_SIGNATURE": sign(body.decode())}
    app.wsgi_app(environ, lambda status, headers: answers.append(status))
    assert answers == ["413 Request Entity Too Large"]
    assert _count(app) == 0


def test_callback_takes_post_only_and_every_other_path_goes_on_to_flask(settings):
    app = create_app(settings)
    client = app.test_client()
    response = client.get("/callback")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.post("/callback/", data="{}").status_code == 404
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


SECRET_WORDS = "my address is 12 Moo 3"   # what a person wrote: never in a log


def _stored_ids(app) -> set[str]:
    with app.extensions["hotline"].db.sessions() as session:
        return set(session.scalars(select(InboxEvent.webhook_event_id)))


def _bad(change) -> dict:
    event = text_event(user_id(), SECRET_WORDS)
    change(event)
    return event


def _set(path: str, value):
    def change(event):
        *parents, last = path.split(".")
        target = event
        for key in parents:
            target = target[key]
        target[last] = value
    return change


def _drop(key: str):
    return lambda event: event.pop(key)


MALFORMED = {
    "source not an object": _set("source", "U123"),
    "source a list": _set("source", [1]),
    "source type unknown": _set("source.type", "planet"),
    "group without groupId": _set("source", {"type": "group"}),
    "userId not a string": _set("source.userId", 12),
    "userId over 64": _set("source.userId", "U" + "a" * 80),
    "groupId with a NUL": _set("source", {"type": "group", "groupId": "C12\x00"}),
    "deliveryContext not an object": _set("deliveryContext", "yes"),
    "deliveryContext missing": _drop("deliveryContext"),
    "isRedelivery not a boolean": _set("deliveryContext.isRedelivery", "no"),
    "message not an object": _set("message", SECRET_WORDS),
    "message.text not a string": _set("message.text", {"words": SECRET_WORDS}),
    "message.type not a string": _set("message.type", 1),
    "type not a string": _set("type", ["message"]),
    "type missing": _drop("type"),
    "webhookEventId missing": _drop("webhookEventId"),
    "webhookEventId a number": _set("webhookEventId", 12345),
    "webhookEventId too long": _set("webhookEventId", "E" * 65),
    "webhookEventId empty": _set("webhookEventId", ""),
    "lone surrogate in the text": _set("message.text", SECRET_WORDS + "\ud800"),
    "lone surrogate in a key": _set("message.\udfff", "x"),
    "lone surrogate deep inside": _set("message.emojis", [{"productId": "\udc00"}]),
    "timestamp a string": _set("timestamp", "1700000000000"),
    "timestamp a float": _set("timestamp", 1.7e12),
    "timestamp a boolean": _set("timestamp", True),
    "timestamp negative": _set("timestamp", -1),
    "timestamp 2^63": _set("timestamp", 2 ** 63),
    "timestamp missing": _drop("timestamp"),
    "replyToken a number": _set("replyToken", 7),
    "replyToken over 64": _set("replyToken", "r" * 65),
    "mode not a string": _set("mode", 0),
    "nested deeper than the limit": _set("message.extra", json.loads("[" * 40 + "]" * 40)),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_event_is_dropped_alone_and_the_rest_of_its_batch_is_stored(settings, caplog, name):
    caplog.set_level(logging.INFO)
    app = create_app(settings)
    good = [text_event(user_id(), "one"), text_event(user_id(), "two")]
    bad = _bad(MALFORMED[name])
    response = post_events(app.test_client(), [good[0], bad, good[1]])
    assert response.status_code == 200
    assert _stored_ids(app) == {good[0]["webhookEventId"], good[1]["webhookEventId"]}
    assert "webhook dropped malformed" in caplog.text
    event_id = bad.get("webhookEventId")
    if isinstance(event_id, str) and event_id.isalnum() and len(event_id) <= 64:
        assert event_id in caplog.text        # logged by id ...
    assert SECRET_WORDS not in caplog.text and "12 Moo" not in caplog.text  # ... never by content


def test_every_handled_type_with_its_own_bad_part_is_dropped(settings):
    app = create_app(settings)
    group = "C" + "0" * 32
    good = message_event(group_source(group, user_id()), {"type": "text", "text": "hi", "quoteToken": "q"})
    bad_postback = {**postback_event(group_source(group), "x"), "postback": ["data"]}
    bad_left = {**member_left_event(group, [user_id()]), "left": {"members": "all"}}
    bad_location = message_event(group_source(group), {"type": "location", "latitude": "20.4", "longitude": 99.8})
    assert post_events(app.test_client(), [bad_postback, good, bad_left, bad_location]).status_code == 200
    assert _stored_ids(app) == {good["webhookEventId"]}


def _signed_post(client, body: str):
    return client.post("/callback", data=body.encode("utf-8"), headers={"X-Line-Signature": sign(body),
                                                                        "Content-Type": "application/json"})


@pytest.mark.parametrize("raw", ["[" * 100_000 + "]" * 100_000, "1" + "0" * 5000], ids=["deep", "huge int"])
def test_an_event_json_cannot_parse_does_not_lose_its_batch(settings, caplog, raw):
    """json.loads of the whole body raises (RecursionError, or ValueError for the number):
    the body is then read event by event."""
    app = create_app(settings)
    first, last = text_event(user_id(), "one"), text_event(user_id(), "two")
    bad = text_event(user_id(), SECRET_WORDS)
    bad_json = json.dumps(bad)[:-1] + ', "extra": ' + raw + "}"
    body = '{"destination": "U0", "events": [' + json.dumps(first) + ", " + bad_json + ", " + json.dumps(last) + "]}"
    response = _signed_post(app.test_client(), body)
    assert response.status_code == 200
    assert _stored_ids(app) == {first["webhookEventId"], last["webhookEventId"]}
    assert bad["webhookEventId"] in caplog.text and SECRET_WORDS not in caplog.text


def test_an_unbalanced_body_is_still_400(settings):
    app = create_app(settings)
    body = '{"destination": "U0", "events": [' + json.dumps(text_event(user_id(), "x")) + ", " + "[" * 5000
    assert _signed_post(app.test_client(), body).status_code == 400
    assert _count(app) == 0


def test_events_past_the_redelivery_window_or_from_the_future_are_refused_with_a_log_line(settings, caplog):
    app = create_app(settings)
    day = 24 * 3600 * 1000
    fresh = text_event(user_id(), "fresh", timestamp=now_ms() - 2 * day)
    old = text_event(user_id(), SECRET_WORDS, timestamp=now_ms() - 4 * day)
    future = text_event(user_id(), "from tomorrow", timestamp=now_ms() + 2 * 3600 * 1000)
    assert post_events(app.test_client(), [old, fresh, future]).status_code == 200
    assert _stored_ids(app) == {fresh["webhookEventId"]}
    line = next(r.getMessage() for r in caplog.records if old["webhookEventId"] in r.getMessage())
    assert "older than the redelivery window" in line and "age 34560" in line   # 4 days, in seconds
    assert any(future["webhookEventId"] in r.getMessage() and "in the future" in r.getMessage()
               for r in caplog.records)


def test_the_age_limit_is_a_setting(settings, monkeypatch):
    from dataclasses import replace

    from settings import Settings

    monkeypatch.setenv("EVENT_MAX_AGE_SECONDS", "60")
    assert Settings.from_env().event_max_age_seconds == 60
    app = create_app(replace(settings, event_max_age_seconds=60))
    minutes_old = text_event(user_id(), "x", timestamp=now_ms() - 120_000)
    assert post_events(app.test_client(), [minutes_old]).status_code == 200
    assert _count(app) == 0


def test_only_a_database_that_cannot_store_answers_500_so_line_redelivers(settings):
    from sqlalchemy import text

    app = create_app(settings)
    with app.extensions["hotline"].db.transaction() as session:
        session.execute(text("ALTER TABLE inbox_events RENAME TO inbox_events_gone"))
    response = post_events(app.test_client(), [text_event(user_id(), "hello")])
    assert response.status_code == 500
