"""What a person does in the LINE app, turned into signed webhook deliveries.

Used by the control API (and so by the chat page and tests): check the specs,
update the emulated world (friends, groups, reply tokens, image bytes, transcript),
then POST one webhook request carrying all the events.
"""
from __future__ import annotations

import base64
import binascii
import copy
import threading

from . import events as ev
from .config import EmulatorConfig
from .state import EmulatorState
from .webhook_sender import WebhookResult, WebhookSender

# 1x1 transparent PNG, used when an image event is sent without bytes.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def _decode_image(spec: dict) -> tuple[bytes, str]:
    raw = spec.get("imageBase64")
    content_type = spec.get("contentType") or "image/jpeg"
    if not raw:
        return BLANK_PNG, "image/png"
    if isinstance(raw, str) and raw.startswith("data:"):
        header, _, raw = raw.partition(",")
        content_type = header[5:].split(";")[0] or content_type
    try:
        return base64.b64decode(raw, validate=True), content_type
    except (binascii.Error, TypeError, ValueError):
        raise ev.SpecError("'imageBase64' is not valid base64") from None


class UserActions:
    def __init__(self, state: EmulatorState, config: EmulatorConfig, sender: WebhookSender) -> None:
        self.state = state
        self.config = config
        self.sender = sender
        self._last_ms = 0
        self._clock_lock = threading.Lock()

    def _timestamp(self) -> int:
        """Strictly increasing event timestamps, even within one batch."""
        with self._clock_lock:
            self._last_ms = max(self.state.now_ms(), self._last_ms + 1)
            return self._last_ms

    def send(self, specs: list[dict]) -> tuple[list[dict], WebhookResult]:
        """Build, record and deliver events for the specs in one webhook request."""
        if not isinstance(specs, list) or not specs:
            raise ev.SpecError("nothing to send")
        checked = [ev.check_spec(spec) for spec in specs]
        images = [_decode_image(s) if s["type"] == "image" else None for s in checked]
        built = []
        with self.state.lock:
            for spec, image in zip(checked, images):
                built.append(self._apply(spec, image))
        result = self.sender.deliver(self.config.webhook_url, self.config.bot_user_id,
                                     [event for event, _ in built], self.config.webhook_timeout)
        self._record(built, result, redelivery=False)
        return [event for event, _ in built], result

    def _apply(self, spec: dict, image: tuple[bytes, str] | None) -> tuple[dict, str]:
        """Update the emulated world for one action and build its event (caller holds the lock)."""
        state, kind, user_id, group_id = self.state, spec["type"], spec["userId"], spec.get("groupId")
        user = state.get_user(user_id) or state.upsert_user({"userId": user_id})
        is_unblocked = False
        if kind == "follow":
            is_unblocked = state.set_friend(user_id, True)
        elif kind == "unfollow":
            state.set_friend(user_id, False)
        if group_id:
            state.upsert_group(group_id)
            if kind == "join":
                state.set_bot_in_group(group_id, True)
            elif kind == "leave":
                state.set_bot_in_group(group_id, False)
            else:
                state.add_group_member(group_id, user_id)
        event = ev.build_event(spec, self._timestamp(), is_unblocked=is_unblocked)
        chat = ev.chat_key(spec)
        if "replyToken" in event:
            state.issue_reply_token(event["replyToken"], chat)
        item = {"side": "user", "kind": kind, "userId": user_id,
                "displayName": user["displayName"], "event": event}
        if image:
            message_id = event["message"]["id"]
            state.put_content(message_id, image[0], image[1])
            item["contentUrl"] = f"/emulator/api/content/{message_id}"
        if kind == "postback" and spec.get("displayText"):
            item["displayText"] = str(spec["displayText"])
        state.add_transcript(chat, item)
        return event, chat

    def redeliver(self, webhook_event_id: str) -> tuple[dict, WebhookResult]:
        """Re-post a past event alone, flagged isRedelivery, ids and replyToken unchanged."""
        with self.state.lock:
            original = next((r for r in self.state.events
                             if r["event"]["webhookEventId"] == webhook_event_id and not r["redelivery"]), None)
            if original is None:
                raise KeyError(webhook_event_id)
            event = copy.deepcopy(original["event"])
            chat = original["chat"]
        event["deliveryContext"] = {"isRedelivery": True}
        result = self.sender.deliver(self.config.webhook_url, self.config.bot_user_id,
                                     [event], self.config.webhook_timeout)
        self._record([(event, chat)], result, redelivery=True)
        return event, result

    def _record(self, built: list[tuple[dict, str]], result: WebhookResult, redelivery: bool) -> None:
        for event, chat in built:
            self.state.add_event_record({
                "event": copy.deepcopy(event), "chat": chat, "redelivery": redelivery,
                "status": result.status, "body": result.body, "error": result.error})
        failed = result.error or not (result.status and 200 <= result.status < 300)
        if failed:
            note = result.error or f"webhook answered HTTP {result.status}: {(result.body or '')[:200]}"
            for chat in dict.fromkeys(chat for _, chat in built):
                self.state.add_transcript(chat, {"side": "system", "text": note})
