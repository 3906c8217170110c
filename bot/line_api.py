"""Every call to LINE goes through here, through line-bot-sdk v3.

LINE errors become LineError with LINE's own error body, and say whether trying again
can help (429, 5xx, no answer) so callers can back off and retry.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import HTTPError

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
    """One per process: the SDK's clients keep HTTP connections open between calls."""

    def __init__(self, access_token: str, api_base: str, data_base: str, timeout: float = 10):
        self.timeout = timeout
        self._api_client = ApiClient(Configuration(host=api_base, access_token=access_token))
        self._data_client = ApiClient(Configuration(host=data_base, access_token=access_token))
        self.api = MessagingApi(self._api_client)
        self.blob = MessagingApiBlob(self._data_client)

    def _call(self, what: str, fn, *args, **kwargs):
        return call_line(log, what, fn, *args, timeout=self.timeout, **kwargs)

    def reply(self, reply_token: str, messages: list[dict]) -> None:
        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        self._call("reply", self.api.reply_message, request)

    def push(self, to: str, messages: list[dict], retry_key: str) -> None:
        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        self._call("push", self.api.push_message, request, x_line_retry_key=retry_key)

    def profile(self, user_id: str) -> dict | None:
        """The user's LINE profile (displayName, language, ...), or None if LINE won't say."""
        try:
            profile = self._call("profile", self.api.get_profile, user_id)
        except LineError:
            return None
        return json.loads(profile.to_json())

    def content(self, message_id: str) -> bytes:
        return self._call("content", self.blob.get_message_content, message_id)
