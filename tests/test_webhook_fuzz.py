"""Fuzz: thousands of mutated LINE events through the webhook and the worker.

Events of every type the bot handles are built from the shapes of LINE's webhook.yml
(tests/support/events.py; checked against the spec below), mutated (wrong types, missing
fields, lone surrogates, impossible timestamps, deep nesting, numbers JSON cannot convert,
unknown types, extra fields, long strings, Zawgyi/Thai/Khmer/Lao text...) and posted in
signed batches that mix good and bad events. Then every chat is processed in-process by
the real responder. Each mutation knows what it did: an unmutated or harmlessly changed
event must be stored and processed; one the spec forbids must be dropped; one whose fate
depends on the field it hit may go either way, but never answer 500 nor block its chat.
Deterministic (a fixed seed).
"""
from __future__ import annotations

import json
import random
import uuid

import pytest
from sqlalchemy import select

from app import create_app
from storage.models import InboxEvent, OutboxMessage
from tests.language.samples import EN_UDHR, KM_UDHR, LO_UDHR, MY_UDHR, STRONG_ZAWGYI, TH_UDHR
from tests.support import events as build
from tests.support.fake_line import FakeLine
from tests.support.webhook import sign, user_id

pytestmark = pytest.mark.integration

SEED = 20261207
EVENTS = 2400
BATCH = (1, 12)          # events per signed body
GOOD, BAD, EITHER = "good", "bad", "either"
DAY_MS = 24 * 3600 * 1000

TEXTS = [MY_UDHR, STRONG_ZAWGYI, TH_UDHR, KM_UDHR, LO_UDHR, EN_UDHR, "help", "ช่วยด้วย", "menu", "1", "๑๒๓",
         "１２３", "link ABC-123", "group ๑๒๓๔๕๖", "case ABC-234", "hi 😀", "", " ", "\u200b", "a\nb\tc"]
WRONG_VALUES = [None, True, 0, -1, 1.5, "", "x", [], {}, [1, "a"], {"a": {"b": []}}]


def _base(rng: random.Random, users: list[str], groups: list[str], now: int) -> dict:
    user, group = rng.choice(users), rng.choice(groups)
    source = build.user_source(user) if rng.random() < 0.8 else build.group_source(group, user)
    timestamp = now - rng.randrange(0, 2 * DAY_MS)
    kind = rng.choice(["text", "text", "text", "sticker", "image", "location", "postback", "follow",
                       "unfollow", "join", "leave", "memberJoined", "memberLeft"])
    if kind == "text":
        return build.message_event(source, build.text_message(rng.choice(TEXTS)), timestamp)
    if kind == "sticker":
        return build.message_event(source, build.sticker_message(), timestamp)
    if kind == "image":
        return build.message_event(source, build.image_message(), timestamp)
    if kind == "location":
        return build.message_event(source, build.location_message(
            rng.uniform(-90, 90), rng.uniform(-180, 180), rng.choice(["", TH_UDHR, "Mae Sai"])), timestamp)
    if kind == "postback":
        return build.postback_event(source, rng.choice(["menu", "lang:my", "x", "", "ack:ABC-234", "選"]), timestamp)
    if kind == "follow":
        return build.follow_event(user, timestamp)
    if kind == "unfollow":
        return build.unfollow_event(user, timestamp)
    if kind == "join":
        return build.join_event(group, timestamp)
    if kind == "leave":
        return build.leave_event(group, timestamp)
    if kind == "memberJoined":
        return build.member_joined_event(group, [rng.choice(users)], timestamp)
    return build.member_left_event(group, [rng.choice(users)], timestamp)


def _paths(value, prefix=()):
    """Every (path) to a value inside an event, objects and arrays included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield prefix + (key,)
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield prefix + (index,)
            yield from _paths(item, prefix + (index,))


def _parent(event, path):
    for key in path[:-1]:
        event = event[key]
    return event


def _strings(event):
    return [path for path in _paths(event) if isinstance(_parent(event, path)[path[-1]], str)]


class Raw:
    """JSON text put into the body as it is (json.dumps could not write it)."""

    def __init__(self, text: str):
        self.marker, self.text = f"@raw-{uuid.uuid4().hex}@", text


def _mutate(rng: random.Random, event: dict, now: int) -> tuple[dict, str, Raw | None]:
    """The event, changed or not, what that makes it, and raw JSON text to splice in."""
    roll = rng.randrange(34)
    if roll < 10:
        return event, GOOD, None
    if roll == 10:
        event["somethingNew"] = {"nested": [1, 2, {"x": "y"}], "s": "z" * 50}
        return event, GOOD, None
    if roll == 11:
        if event["type"] == "message" and event["message"]["type"] == "text":
            event["message"]["text"] = rng.choice(TEXTS[:6]) * 200      # long, still well-formed
        return event, GOOD, None
    if roll == 12:
        event["deliveryContext"]["isRedelivery"] = True
        return event, GOOD, None
    if roll == 13:
        event["source"] = rng.choice(WRONG_VALUES[:8])
        return event, BAD, None
    if roll == 14:
        event["deliveryContext"] = rng.choice([None, "x", 1, [], True])
        return event, BAD, None
    if roll == 15:
        event["type"] = rng.choice([None, 1, [], {}, True])
        return event, BAD, None
    if roll == 16:
        event["type"] = rng.choice(["beacon", "unsend", "things", "", "MESSAGE"])   # not handled
        return event, BAD, None
    if roll == 17:
        choice = rng.randrange(4)
        if choice == 0:
            del event["webhookEventId"]
        else:
            event["webhookEventId"] = [123, None, "W" * 65][choice - 1]
        return event, BAD, None
    if roll == 18:
        path = rng.choice(_strings(event))
        parent = _parent(event, path)
        value = parent[path[-1]]
        cut = rng.randrange(len(value) + 1)
        parent[path[-1]] = value[:cut] + rng.choice(["\ud800", "\udfff", "\udc00x"]) + value[cut:]
        return event, BAD, None
    if roll == 19:
        event["timestamp"] = rng.choice([2 ** 63, 2 ** 64 + 5, -1, -now, float(now), str(now), True, None,
                                         now - 4 * DAY_MS, now - 30 * DAY_MS, now + 2 * 3600 * 1000])
        return event, BAD, None
    if roll == 20:
        if "replyToken" not in event:
            return event, GOOD, None
        event["replyToken"] = rng.choice([1, None, [], {"t": "x"}, "r" * 65, ""])
        return event, BAD, None
    if roll == 21:
        if event["type"] == "message":
            event["message"] = rng.choice(WRONG_VALUES[:9])
        elif event["type"] == "postback":
            event["postback"] = rng.choice(WRONG_VALUES[:9])
        elif event["type"] in ("memberJoined", "memberLeft"):
            key = "joined" if event["type"] == "memberJoined" else "left"
            event[key] = rng.choice([None, "x", {"members": "all"}, {"members": [1]}, {}])
        else:
            event["timestamp"] = "soon"
        return event, BAD, None
    if roll == 22:
        depth = rng.choice([20, 40, 3000, 50_000])
        if depth <= 40:
            event["extra"] = json.loads("[" * depth + "]" * depth)
            return event, BAD, None
        raw = Raw("[" * depth + "]" * depth if rng.random() < 0.5 else '{"a":' * depth + "1" + "}" * depth)
        event["extra"] = raw.marker
        return event, BAD, raw
    if roll == 23:
        raw = Raw(rng.choice(["1" + "0" * 5000, "-" + "9" * 4400]))
        event[rng.choice(["extra", "timestamp"])] = raw.marker
        return event, BAD, raw
    if roll == 24:
        if isinstance(event.get("source"), dict):
            key = {"user": "userId", "group": "groupId", "room": "roomId"}[event["source"]["type"]]
            event["source"][key] = rng.choice([12, "U" + "f" * 70, "C\x00", "", None])
            return event, BAD, None
        return event, GOOD, None
    if roll == 25:
        if event["type"] == "message" and event["message"]["type"] == "location":
            event["message"]["latitude"] = rng.choice(["20.1", None, True, [1]])
            return event, BAD, None
        return event, GOOD, None
    # The rest: a random field gets a random value, or goes. Whether that is malformed depends
    # on the field (message.quoteToken is not read; message.text is).
    path = rng.choice(list(_paths(event)))
    parent = _parent(event, path)
    if rng.random() < 0.5 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(WRONG_VALUES + ["ဇော်ဂျီ " + STRONG_ZAWGYI, "x" * 3000])
    return event, EITHER, None


def _body(events: list[dict], raws: list[Raw], ascii_only: bool) -> str:
    body = json.dumps({"destination": "U" + "0" * 32, "events": events}, ensure_ascii=ascii_only)
    for raw in raws:
        body = body.replace(json.dumps(raw.marker), raw.text)
    return body


def _readable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def test_the_base_events_have_webhook_yml_shapes():
    from tests.emulator.openapi_schemas import schema_errors

    rng = random.Random(SEED)
    users, groups = [user_id() for _ in range(3)], ["C" + uuid.uuid4().hex for _ in range(2)]
    seen = set()
    for _ in range(300):
        event = _base(rng, users, groups, build.now_ms())
        seen.add((event["type"], event.get("message", {}).get("type")))
        assert schema_errors("webhook.yml", "Event", event) == [], event["type"]
    assert len(seen) == 11     # text, sticker, image, location and the seven other types


def test_mutated_events_never_answer_500_and_every_well_formed_one_is_processed(settings):
    rng = random.Random(SEED)
    line = FakeLine()
    app = create_app(settings, line=line)
    hotline = app.extensions["hotline"]
    client = app.test_client()
    users = [user_id() for _ in range(60)]
    groups = ["C" + uuid.uuid4().hex for _ in range(6)]
    now = build.now_ms()
    labels: dict[str, str] = {}
    statuses = []
    made = 0
    while made < EVENTS:
        batch, raws = [], []
        for _ in range(rng.randint(*BATCH)):
            event = _base(rng, users, groups, now)
            event_id = event["webhookEventId"]
            event, label, raw = _mutate(rng, event, now)
            labels[event_id] = label
            batch.append(event)
            raws += [raw] if raw else []
            made += 1
        body = _body(batch, raws, ascii_only=rng.random() < 0.5)
        if not _readable(body):
            body = _body(batch, raws, ascii_only=True)     # lone surrogates travel as escapes
        response = client.post("/callback", data=body.encode("utf-8"),
                               headers={"X-Line-Signature": sign(body), "Content-Type": "application/json"})
        statuses.append(response.status_code)

    assert set(statuses) == {200}
    assert sum(1 for label in labels.values() if label == GOOD) > EVENTS // 3
    assert sum(1 for label in labels.values() if label == BAD) > EVENTS // 4

    with hotline.db.sessions() as session:
        stored = {row.webhook_event_id: row for row in session.scalars(select(InboxEvent))}
    assert [i for i, label in labels.items() if label == GOOD and i not in stored] == []
    assert [i for i, label in labels.items() if label == BAD and i in stored] == []

    for chat in sorted({row.chat_key for row in stored.values()}):
        hotline.processor.process_chat(chat)

    with hotline.db.sessions() as session:
        rows = {row.webhook_event_id: row for row in session.scalars(select(InboxEvent))}
        apologised = set(session.scalars(select(OutboxMessage.inbox_event_id)))
    assert [i for i, row in rows.items() if row.status not in ("done", "failed")] == []   # no chat left pending
    failed = [i for i, row in rows.items() if row.status == "failed"]
    assert [i for i in failed if rows[i].id not in apologised] == []   # failed only with its apology written
    assert len(failed) < len(rows) // 20, [rows[i].error for i in failed][:5]
