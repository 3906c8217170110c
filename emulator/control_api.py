"""Control/test JSON API under /emulator/api: act as a person, inspect what the bot sent.

Used by the chat page and by integration tests. No auth: it is a local dev tool.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from flask import Blueprint, jsonify, request

from .context import get_emulator
from .events import SpecError
from .ids import GROUP_ID_RE, USER_ID_RE, new_group_id, new_user_id
from .platform_common import SEND_PATHS
from .richmenu_api import applied_rich_menu

bp = Blueprint("emulator_control", __name__, url_prefix="/emulator/api")

LANGUAGES = ("en", "th", "my", "km", "lo")


def _bad(message: str, status: int = 400):
    return jsonify({"error": message}), status


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _filtered(records: list[dict]) -> list[dict]:
    """Apply ?chat=<id> and ?since=<id> to a log (caller holds the state lock)."""
    chat = request.args.get("chat")
    since = request.args.get("since", type=int)
    out = []
    for record in records:
        if since is not None and record["id"] <= since:
            continue
        if chat and chat != record.get("chat") and chat not in (record.get("chats") or ()):
            continue
        out.append(record)
    return out


def _given_id(body: dict, key: str, pattern: re.Pattern, new_id: Callable[[], str]) -> str | None:
    """The id given at `key`, a new one when none is given, or None when the given one is not of LINE's form."""
    found = body.get(key) or new_id()
    return found if isinstance(found, str) and pattern.match(found) else None


def _webhook_answer(result, payload: dict):
    payload.update({"status": result.status, "body": result.body})
    if result.error:
        payload["error"] = result.error
        return jsonify(payload), 502
    return jsonify(payload)


# -- acting as a person ---------------------------------------------------------
@bp.post("/send")
def send():
    body = _body()
    specs = body.get("batch") if "batch" in body else [body]
    try:
        events, result = get_emulator().actions.send(specs)
    except SpecError as exc:
        return _bad(str(exc))
    payload = {"events": events}
    if "batch" not in body:
        payload["event"] = events[0]
    return _webhook_answer(result, payload)


@bp.post("/redeliver")
def redeliver():
    event_id = _body().get("webhookEventId")
    try:
        event, result = get_emulator().actions.redeliver(event_id)
    except KeyError:
        return _bad(f"no event with webhookEventId {event_id!r}", 404)
    return _webhook_answer(result, {"event": event})


# -- people and groups --------------------------------------------------------------
@bp.get("/users")
def list_users():
    state = get_emulator().state
    return jsonify(state.snapshot(state.users.values()))


@bp.post("/users")
def upsert_user():
    body = _body()
    user_id = _given_id(body, "userId", USER_ID_RE, new_user_id)
    if user_id is None:
        return _bad("'userId' must look like U + 32 lowercase hex chars")
    if body.get("language") is not None and body["language"] not in LANGUAGES:
        return _bad(f"'language' must be one of {', '.join(LANGUAGES)}")
    name = body.get("displayName")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        return _bad("'displayName' must be a non-empty string")
    data = {key: body.get(key) for key in ("displayName", "language", "pictureUrl", "statusMessage")}
    return jsonify(get_emulator().state.upsert_user({"userId": user_id, **data}))


@bp.get("/groups")
def list_groups():
    state = get_emulator().state
    return jsonify(state.snapshot(state.groups.values()))


@bp.post("/groups")
def upsert_group():
    body = _body()
    group_id = _given_id(body, "groupId", GROUP_ID_RE, new_group_id)
    if group_id is None:
        return _bad("'groupId' must look like C + 32 lowercase hex chars")
    return jsonify(get_emulator().state.upsert_group(group_id, body.get("groupName")))


# -- what happened ------------------------------------------------------------------
def _log(name: str):
    """One of the state's logs: GET lists it (after ?chat and ?since), DELETE empties it. The JSON is
    written under the lock, so it is the copy: no deep copy of every card first."""
    state = get_emulator().state
    with state.lock:
        records = getattr(state, name)
        if request.method == "DELETE":
            records.clear()
            return jsonify({})
        return jsonify(_filtered(records))


@bp.route("/received", methods=["GET", "DELETE"])
def received():
    return _log("received")


@bp.route("/events", methods=["GET", "DELETE"])
def events():
    return _log("events")


@bp.get("/calls")
def calls():
    """Every Messaging API request the bot made (method, path, status), for debugging."""
    return _log("calls")


@bp.get("/chat/<chat_id>")
def chat(chat_id: str):
    """The transcript the chat page shows, plus typing indicator and rich menu state."""
    state = get_emulator().state
    since = request.args.get("since", type=int) or 0
    with state.lock:
        items = state.snapshot(i for i in state.transcripts.get(chat_id, []) if i["id"] > since)
        until = state.loading_until(chat_id)
    menu = applied_rich_menu(chat_id) if USER_ID_RE.match(chat_id) else None
    if menu:
        menu["imageUrl"] = f"/emulator/api/richmenu/{menu['richMenuId']}/image"
    return jsonify({"chat": chat_id, "items": items,
                    "loadingUntil": int(until * 1000) if until else None, "richMenu": menu})


@bp.get("/content/<message_id>")
def content(message_id: str):
    found = get_emulator().state.get_content(message_id)
    if found is None:
        return _bad("unknown message id", 404)
    return found[0], 200, {"Content-Type": found[1]}


@bp.get("/richmenu/<rich_menu_id>/image")
def rich_menu_image(rich_menu_id: str):
    entry = get_emulator().state.rich_menus.get(rich_menu_id)
    if not entry or entry["image"] is None:
        return _bad("no image", 404)
    return entry["image"], 200, {"Content-Type": entry["imageType"]}


# -- test controls ------------------------------------------------------------------
@bp.route("/faults", methods=["GET", "POST", "DELETE"])
def faults():
    state = get_emulator().state
    if request.method == "DELETE":
        state.clear_faults()
    elif request.method == "POST":
        body = _body()
        status, count, delay = body.get("status"), body.get("count", 1), body.get("delay_ms", 0)
        paths = body.get("paths") or list(SEND_PATHS)
        if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
            return _bad("'status' must be an HTTP error status (400-599)")
        if not isinstance(count, int) or count < 1:
            return _bad("'count' must be a positive integer")
        if not isinstance(delay, (int, float)) or delay < 0:
            return _bad("'delay_ms' must be a non-negative number")
        if not status and not delay:
            return _bad("give 'status' and/or 'delay_ms'")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return _bad("'paths' must be a list of API paths")
        state.add_fault({"status": status, "count": count, "remaining": count, "delay_ms": delay,
                         "paths": paths, "message": body.get("message")})
    return jsonify({"faults": state.list_faults()})


@bp.post("/reset")
def reset():
    get_emulator().state.reset()
    return jsonify({})


@bp.route("/config", methods=["GET", "POST"])
def config():
    """Read, or change at run time, where webhooks go and how long reply tokens live."""
    cfg = get_emulator().config
    if request.method == "POST":
        body = _body()
        if "webhookUrl" in body:
            if not isinstance(body["webhookUrl"], str) or not body["webhookUrl"].startswith(("http://", "https://")):
                return _bad("'webhookUrl' must be an http(s) URL")
            cfg.webhook_url = body["webhookUrl"]
        if "replyTokenTtl" in body:
            if not isinstance(body["replyTokenTtl"], (int, float)) or body["replyTokenTtl"] <= 0:
                return _bad("'replyTokenTtl' must be a positive number of seconds")
            cfg.reply_token_ttl = float(body["replyTokenTtl"])
    return jsonify({"webhookUrl": cfg.webhook_url, "replyTokenTtl": cfg.reply_token_ttl,
                    "botUserId": cfg.bot_user_id, "languages": list(LANGUAGES)})
