"""All emulator state, in memory behind one lock.

The emulator is served threaded: the bot calls the Messaging API (reply) while the
emulator is still waiting for the bot's webhook answer, so every read/write goes
through `lock`. Methods here only store and look up; the HTTP layers decide.
"""
from __future__ import annotations

import copy
import itertools
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

RETRY_KEY_WINDOW_SECONDS = 24 * 60 * 60

# A few people to pick on the chat page right away (stable ids so bookmarks keep working).
SEED_USERS = [
    {"userId": "U" + "a1" * 16, "displayName": "Aung Aung", "language": "my"},
    {"userId": "U" + "b2" * 16, "displayName": "Sokha", "language": "km"},
    {"userId": "U" + "c3" * 16, "displayName": "Noy", "language": "lo"},
    {"userId": "U" + "d4" * 16, "displayName": "Somchai", "language": "th"},
    {"userId": "U" + "e5" * 16, "displayName": "Alex", "language": "en"},
]


class EmulatorState:
    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or time.time
        self.reset()

    def reset(self) -> None:
        """Forget everything (tests call this between cases); reseed the sample users."""
        with self.lock:
            self.users: dict[str, dict] = {}
            self.groups: dict[str, dict] = {}
            self.reply_tokens: dict[str, dict] = {}
            self.retry_keys: dict[str, dict] = {}
            self.received: list[dict] = []
            self.events: list[dict] = []
            self.transcripts: dict[str, list[dict]] = {}
            self.contents: dict[str, tuple[bytes, str]] = {}
            self.rich_menus: dict[str, dict] = {}
            self.default_rich_menu: str | None = None
            self.user_rich_menus: dict[str, str] = {}
            self.loading: dict[str, float] = {}
            self.calls: list[dict] = []
            self.faults: list[dict] = []
            self.quota: dict = {"type": "none", "value": None, "totalUsage": 0, "month": ""}   # quota_api.py
            self._seq = itertools.count(1)
            for user in SEED_USERS:
                self.upsert_user(dict(user))

    # -- time and sequence -------------------------------------------------
    def now(self) -> float:
        return float(self.clock())

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def next_seq(self) -> int:
        """One counter for every log/transcript entry so `since=<id>` works everywhere."""
        with self.lock:
            return next(self._seq)

    # -- users and groups --------------------------------------------------
    def upsert_user(self, data: dict) -> dict:
        with self.lock:
            user = self.users.setdefault(data["userId"], {"userId": data["userId"], "isFriend": False})
            for key in ("displayName", "language", "pictureUrl", "statusMessage"):
                if data.get(key) is not None:
                    user[key] = data[key]
            user.setdefault("displayName", "User " + data["userId"][1:7])
            user.setdefault("language", "en")
            return dict(user)

    def get_user(self, user_id: str) -> dict | None:
        with self.lock:
            user = self.users.get(user_id)
            return dict(user) if user else None

    def set_friend(self, user_id: str, is_friend: bool) -> bool:
        """Returns whether the user had followed before (LINE's follow.isUnblocked)."""
        with self.lock:
            user = self.users[user_id]
            was_known = user.get("everFollowed", False)
            user["isFriend"] = is_friend
            if is_friend:
                user["everFollowed"] = True
            return was_known

    def upsert_group(self, group_id: str, name: str | None = None) -> dict:
        with self.lock:
            group = self.groups.setdefault(
                group_id, {"groupId": group_id, "groupName": name or "Group " + group_id[1:7],
                           "members": [], "botInGroup": False})
            if name:
                group["groupName"] = name
            return copy.deepcopy(group)

    def add_group_member(self, group_id: str, user_id: str) -> None:
        with self.lock:
            members = self.groups[group_id]["members"]
            if user_id not in members:
                members.append(user_id)

    def set_bot_in_group(self, group_id: str, present: bool) -> None:
        with self.lock:
            self.groups[group_id]["botInGroup"] = present

    def get_group(self, group_id: str) -> dict | None:
        with self.lock:
            group = self.groups.get(group_id)
            return copy.deepcopy(group) if group else None

    # -- reply tokens -------------------------------------------------------
    def issue_reply_token(self, token: str, chat: str) -> None:
        with self.lock:
            self.reply_tokens[token] = {"chat": chat, "issued": self.now(), "used": False}

    def reply_token_chat(self, token: str) -> str | None:
        with self.lock:
            info = self.reply_tokens.get(token)
            return info["chat"] if info else None

    def claim_reply_token(self, token: str, ttl: float) -> str | None:
        """Mark a token used and return its chat; None if unknown, used or expired."""
        with self.lock:
            info = self.reply_tokens.get(token)
            if not info or info["used"] or self.now() - info["issued"] > ttl:
                return None
            info["used"] = True
            return info["chat"]

    # -- retry keys ---------------------------------------------------------
    def accepted_retry_key(self, key: str) -> dict | None:
        with self.lock:
            info = self.retry_keys.get(key)
            if info and self.now() - info["time"] <= RETRY_KEY_WINDOW_SECONDS:
                return info
            return None

    def accept_retry_key(self, key: str, request_id: str, sent_messages: list[dict]) -> None:
        with self.lock:
            self.retry_keys[key] = {"requestId": request_id, "time": self.now(),
                                    "sentMessages": sent_messages}

    # -- logs ---------------------------------------------------------------
    def _stamp(self, record: dict, now: float | None = None) -> dict:
        record.setdefault("id", self.next_seq())
        record.setdefault("time", self.now() if now is None else now)
        return record

    def add_received(self, record: dict) -> dict:
        with self.lock:
            self.received.append(self._stamp(record))
            return record

    def add_event_record(self, record: dict) -> dict:
        with self.lock:
            self.events.append(self._stamp(record))
            return record

    def add_call(self, record: dict) -> None:
        with self.lock:
            self.calls.append(self._stamp(record))
            del self.calls[:-1000]

    def add_transcript(self, chat: str, item: dict) -> dict:
        with self.lock:
            self.transcripts.setdefault(chat, []).append(self._stamp(item))
            return item

    def deliver(self, chats: Iterable[str], items: Iterable[tuple[str, dict]]) -> None:
        """The bot's messages arrive: each chat's loading indicator stops, and each (chat, item)
        joins that chat's transcript, in order, under one taking of the lock."""
        with self.lock:
            for chat in chats:
                self.loading.pop(chat, None)
            now = self.now()
            for chat, item in items:
                self.transcripts.setdefault(chat, []).append(self._stamp(item, now))

    def snapshot(self, items: Iterable[dict]) -> list[dict]:
        with self.lock:
            return copy.deepcopy(list(items))

    # -- message content (images the person sent) ---------------------------
    def put_content(self, message_id: str, data: bytes, content_type: str) -> None:
        with self.lock:
            self.contents[message_id] = (data, content_type)

    def get_content(self, message_id: str) -> tuple[bytes, str] | None:
        with self.lock:
            return self.contents.get(message_id)

    # -- loading indicator --------------------------------------------------
    def start_loading(self, chat: str, seconds: int) -> None:
        with self.lock:
            self.loading[chat] = self.now() + seconds

    def stop_loading(self, chat: str) -> None:
        with self.lock:
            self.loading.pop(chat, None)

    def loading_until(self, chat: str) -> float | None:
        with self.lock:
            until = self.loading.get(chat)
            return until if until and until > self.now() else None

    # -- fault injection ----------------------------------------------------
    def add_fault(self, fault: dict) -> None:
        with self.lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, path: str) -> dict | None:
        """Consume one use of the first fault rule matching `path`."""
        with self.lock:
            for fault in self.faults:
                if fault["remaining"] > 0 and any(_path_matches(p, path) for p in fault["paths"]):
                    fault["remaining"] -= 1
                    taken = dict(fault)
                    self.faults = [f for f in self.faults if f["remaining"] > 0]
                    return taken
            return None

    def list_faults(self) -> list[dict[str, Any]]:
        return self.snapshot(self.faults)


def _path_matches(pattern: str, path: str) -> bool:
    """Exact path, or a prefix when the pattern ends with '*'."""
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern
