"""Every call to LINE goes through here: sends as plain JSON, everything else through line-bot-sdk v3.

Reply, push and multicast carry messages the bot built itself as dicts, so they are posted
as JSON on kept-alive connections (bot/line_http.py) instead of being parsed into the SDK's
models and serialised back: that round trip cost more CPU than the rest of a reply's work.
LINE errors become LineError with LINE's own error body, and say whether trying again
can help (429, 5xx, no answer) so callers can back off and retry.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import quote

from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, MessagingApiBlob
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import HTTPError

from .line_http import LineHttp

log = logging.getLogger(__name__)


@dataclass
class LineError(Exception):
    status: int | None
    body: str

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500

    @property
    def invalid_reply_token(self) -> bool:
        return self.status == 400 and "reply token" in self.body.lower()

    @property
    def already_accepted(self) -> bool:
        """409 on a push with a retry key: LINE already has this push; it is delivered."""
        return self.status == 409

    def __str__(self) -> str:
        return f"LINE {self.status}: {self.body}"


def _body_of(exc: ApiException) -> str:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return body or str(exc.reason or "")


def call_line(logger: logging.Logger, what: str, fn, *args, timeout: float, **kwargs):
    """An SDK call whose failure, an answer from LINE or none at all, is logged on `logger` and raised as
    a LineError, so callers handle one kind of error."""
    try:
        return fn(*args, _request_timeout=timeout, **kwargs)
    except ApiException as exc:
        error = LineError(exc.status, _body_of(exc))
    except (HTTPError, OSError) as exc:
        error = LineError(None, f"{type(exc).__name__}: {exc}")
    logger.warning("LINE %s failed: status=%s body=%s", what, error.status, error.body)
    raise error


class LineClient:
    """One per process: the SDK's clients and the send connections stay open between calls."""

    def __init__(self, access_token: str, api_base: str, data_base: str, timeout: float = 10):
        self.timeout = timeout
        self._api_client = ApiClient(Configuration(host=api_base, access_token=access_token))
        self._data_client = ApiClient(Configuration(host=data_base, access_token=access_token))
        self.api = MessagingApi(self._api_client)
        self.blob = MessagingApiBlob(self._data_client)
        self._headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}
        self._http = LineHttp(api_base, timeout)

    def _call(self, what: str, fn, *args, **kwargs):
        return call_line(log, what, fn, *args, timeout=self.timeout, **kwargs)

    def _post(self, what: str, body: dict, retry_key: str | None = None) -> None:
        """POST a send request as JSON; any answer but 200 is raised as a LineError, logged."""
        headers = self._headers if retry_key is None else {**self._headers, "X-Line-Retry-Key": retry_key}
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            answer = self._http.request("POST", f"/v2/bot/message/{what}", headers, data)
        except OSError as exc:
            error = LineError(None, f"{type(exc).__name__}: {exc}")
        else:
            if 200 <= answer.status < 300:
                return
            error = LineError(answer.status, answer.data.decode("utf-8", "replace") or str(answer.reason or ""))
        log.warning("LINE %s failed: status=%s body=%s", what, error.status, error.body)
        raise error

    def reply(self, reply_token: str, messages: list[dict]) -> None:
        self._post("reply", {"replyToken": reply_token, "messages": messages})

    def push(self, to: str, messages: list[dict], retry_key: str) -> None:
        self._post("push", {"to": to, "messages": messages}, retry_key)

    def multicast(self, to: list[str], messages: list[dict], retry_key: str) -> None:
        """The same messages to several users (up to LINE's 500) in one call."""
        self._post("multicast", {"to": to, "messages": messages}, retry_key)

    def quota(self) -> tuple[int | None, int]:
        """LINE's monthly message quota and this month's use so far: (limit, used); limit None
        when LINE sets none (type "none"). Pushes and multicasts count per recipient, replies not."""
        quota = self._call("quota", self.api.get_message_quota)
        used = self._call("quota consumption", self.api.get_message_quota_consumption)
        kind = getattr(quota.type, "value", quota.type)
        limit = None if kind == "none" or quota.value is None else int(quota.value)
        return limit, int(used.total_usage or 0)

    def profile(self, user_id: str) -> dict | None:
        """The user's LINE profile (displayName, language, ...), or None if LINE won't say. Read
        on the send pool as plain JSON: every new person's first message asks, and the SDK's
        models cost more CPU than the rest of that message's handling."""
        try:
            answer = self._http.request("GET", f"/v2/bot/profile/{quote(user_id, safe='')}", self._headers)
        except OSError as exc:
            log.warning("LINE profile failed: status=None body=%s: %s", type(exc).__name__, exc)
            return None
        if answer.status != 200:
            log.warning("LINE profile failed: status=%s body=%s", answer.status,
                        answer.data.decode("utf-8", "replace"))
            return None
        try:
            profile = json.loads(answer.data)
        except ValueError:
            log.warning("LINE profile failed: status=200 body not JSON")
            return None
        return profile if type(profile) is dict else None

    def content(self, message_id: str) -> bytes:
        return self._call("content", self.blob.get_message_content, message_id)
