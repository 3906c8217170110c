"""What every emulated Messaging API endpoint shares: auth, fault injection, LINE headers.

`install_guard(bp)` is applied to each platform blueprint so that all of them
answer 401 without the channel token, honour injected faults, and send
`x-line-request-id` like the real API.
"""
from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from . import validation
from .context import get_emulator
from .ids import new_request_id

AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid."
SEND_PATHS = ("/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/message/multicast")
FAULT_MESSAGES = {
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


def line_error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"message": message, **extra}), status


def json_body() -> Any:
    """The request's JSON, or None when it isn't JSON at all."""
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except (ValueError, UnicodeDecodeError):
        return None


def with_valid_body(validate: Callable[[Any], list]) -> Callable[[Callable], Callable]:
    """A view given the request's JSON once `validate` finds nothing wrong with it; LINE's 400 answer otherwise."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            body = json_body()
            details = validate(body)
            if details:
                return jsonify(validation.error_body(details)), 400
            return view(body, *args, **kwargs)
        return checked
    return decorate


def record_send(status: int, error: str | None, body: Any, chats: list[str],
                sent: list[dict] | None = None) -> None:
    """Log one call to a send endpoint (success or not) for /emulator/api/received."""
    body = body if isinstance(body, dict) else {}
    get_emulator().state.add_received({
        "requestId": g.get("request_id"),
        "path": request.path,
        "chat": chats[0] if len(chats) == 1 else None,
        "chats": chats,
        "to": body.get("to"),
        "messages": body.get("messages"),
        "notificationDisabled": body.get("notificationDisabled", False),
        "retry_key": request.headers.get("X-Line-Retry-Key"),
        "reply_token": body.get("replyToken"),
        "status": status,
        "error": error,
        "injected": bool(g.get("injected_fault")),
        "sentMessages": sent,
    })
    if error and status != 409:  # show rejected sends on the chat page, where the developer looks
        for chat in chats[:20]:
            get_emulator().state.add_transcript(chat, {
                "side": "system", "text": f"Bot's {request.path.rsplit('/', 1)[-1]} was rejected "
                                          f"(HTTP {status}): {error}"[:500]})


def guess_chats(body: Any) -> list[str]:
    """Best-effort chat(s) a (possibly invalid) send request was aimed at."""
    if not isinstance(body, dict):
        return []
    to = body.get("to")
    if isinstance(to, str):
        return [to]
    if isinstance(to, list):
        return [t for t in to if isinstance(t, str)]
    token = body.get("replyToken")
    chat = get_emulator().state.reply_token_chat(token) if isinstance(token, str) else None
    return [chat] if chat else []


def _guard() -> tuple[Response, int] | None:
    emulator = get_emulator()
    g.request_id = new_request_id()
    if request.headers.get("Authorization", "") != f"Bearer {emulator.config.channel_access_token}":
        return _refuse(401, {"message": AUTH_FAILED}, "authentication failed")
    fault = emulator.state.take_fault(request.path)
    if not fault:
        return None
    if fault.get("delay_ms"):
        time.sleep(fault["delay_ms"] / 1000)
    status = fault.get("status")
    if not status:
        return None
    g.injected_fault = True
    message = fault.get("message") or FAULT_MESSAGES.get(status, "Injected fault")
    return _refuse(status, {"message": message}, f"injected fault: HTTP {status}")


def _refuse(status: int, body: dict, error: str) -> tuple[Response, int]:
    if request.path in SEND_PATHS:
        payload = json_body()
        record_send(status, error, payload, guess_chats(payload))
    return jsonify(body), status


def _after(response: Response) -> Response:
    response.headers["x-line-request-id"] = g.get("request_id") or new_request_id()
    get_emulator().state.add_call({
        "method": request.method, "path": request.path, "status": response.status_code,
        "requestId": response.headers["x-line-request-id"], "injected": bool(g.get("injected_fault"))})
    return response


def install_guard(bp: Blueprint) -> Blueprint:
    bp.before_request(_guard)
    bp.after_request(_after)
    return bp
