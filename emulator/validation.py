"""Request-body checks the real LINE platform makes, so the bot fails here and not in production.

Two layers: the line-bot-sdk v3 models must parse the body (shape and types), and
LINE's documented limits that those models don't encode (lengths, counts) must hold.
Each check returns LINE-style details: [{"message": ..., "property": "messages[0].text"}].
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from linebot.v3.messaging.models import (
    FlexContainer,
    Message,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
    ShowLoadingAnimationRequest,
)
from pydantic.v1 import ValidationError as PydanticV1ValidationError

from .ids import CHAT_ID_RE, USER_ID_RE

Details = list[dict[str, str]]

MESSAGE_TYPES = {"text", "textV2", "image", "video", "audio", "location", "sticker",
                 "imagemap", "template", "flex", "coupon"}
ACTION_TYPES = {"postback", "message", "uri", "datetimepicker", "camera", "cameraRoll",
                "location", "richmenuswitch", "clipboard"}
QUICK_REPLY_ONLY_ACTIONS = {"camera", "cameraRoll", "location"}
URI_SCHEMES = ("http://", "https://", "line://", "tel:")
SDK_ERRORS = (PydanticV1ValidationError, ValueError, TypeError, KeyError, AttributeError)


def error_body(details: Details) -> dict[str, Any]:
    """LINE's 400 body: {"message": "The request body has N error(s)", "details": [...]}."""
    return {"message": f"The request body has {len(details)} error(s)", "details": details}


class _Checker:
    """Collects details while walking a request body; with parse_parts False, LINE's limits only (no SDK
    parse of a message or flex container on its own)."""

    def __init__(self, parse_parts: bool = True) -> None:
        self.details: Details = []
        self.parse_parts = parse_parts

    def add(self, message: str, prop: str) -> None:
        self.details.append({"message": message, "property": prop})

    def _typed(self, obj: dict, key: str, prop: str, required: bool, kind: type, noun: str) -> tuple[Any, str]:
        """The value at `key` and its path; the value is None, with a detail where one is due, when it is
        missing or not a `kind` (`noun` names it)."""
        value = obj.get(key)
        path = f"{prop}.{key}" if prop else key
        if value is None:
            if required:
                self.add("Must be specified", path)
            return None, path
        if not isinstance(value, kind):
            self.add(f"Must be {noun}", path)
            return None, path
        return value, path

    def string(self, obj: dict, key: str, prop: str, lo: int = 1, hi: int | None = None,
               required: bool = True) -> str | None:
        value, path = self._typed(obj, key, prop, required, str, "a string")
        if value is None:
            return None
        if lo and not value:
            self.add("May not be empty", path)
        elif hi is not None and not lo <= len(value) <= hi:
            self.add(f"Length must be between {lo} and {hi}", path)
        return value

    def array(self, obj: dict, key: str, prop: str, lo: int, hi: int,
              required: bool = True) -> list | None:
        value, path = self._typed(obj, key, prop, required, list, "an array")
        if value is None:
            return None
        if not lo <= len(value) <= hi:
            self.add(f"Size must be between {lo} and {hi}", path)
            return None
        return value

    def url(self, obj: dict, key: str, prop: str, required: bool = True, https: bool = True) -> None:
        value = self.string(obj, key, prop, 1, 2000, required)
        if value and https and not value.startswith("https://"):
            self.add("Must be an HTTPS URL", f"{prop}.{key}")

    def part(self, parse: Callable[[Any], Any], obj: Any, prop: str) -> None:
        """`sdk` for a part of the body (a message, a flex container), when parts are parsed."""
        if self.parse_parts:
            self.sdk(parse, obj, prop)

    def sdk(self, parse: Callable[[Any], Any], obj: Any, prop: str) -> None:
        """Run an SDK model's from_dict; turn its exceptions into details."""
        try:
            parse(obj)
        except PydanticV1ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(part) for part in err.get("loc", ()) if part != "__root__")
                self.add(err.get("msg", "Invalid value"), f"{prop}.{loc}" if prop and loc else prop or loc)
        except SDK_ERRORS as exc:
            self.add(f"Invalid value: {exc}"[:300], prop)

    # -- actions -------------------------------------------------------------
    def action(self, action: Any, prop: str, label_max: int = 20, label_required: bool = True,
               allowed: set[str] | None = None) -> None:
        if not isinstance(action, dict):
            self.add("Must be an object", prop)
            return
        kind = action.get("type")
        if kind not in (allowed or ACTION_TYPES - QUICK_REPLY_ONLY_ACTIONS):
            self.add(f"Invalid action type: {kind!r}", f"{prop}.type")
            return
        self.string(action, "label", prop, 1, label_max, label_required)
        if kind == "postback":
            self.string(action, "data", prop, 1, 300)
            self.string(action, "displayText", prop, 1, 300, required=False)
            self.string(action, "fillInText", prop, 1, 300, required=False)
        elif kind == "message":
            self.string(action, "text", prop, 1, 300)
        elif kind == "uri":
            uri = self.string(action, "uri", prop, 1, 1000)
            if uri and not uri.startswith(URI_SCHEMES):
                self.add("Must be a http, https, line or tel URI", f"{prop}.uri")
        elif kind == "datetimepicker":
            self.string(action, "data", prop, 1, 300)
            if action.get("mode") not in ("date", "time", "datetime"):
                self.add("Must be one of date, time, datetime", f"{prop}.mode")
        elif kind == "clipboard":
            self.string(action, "clipboardText", prop, 1, 1000)
        elif kind == "richmenuswitch":
            self.string(action, "richMenuAliasId", prop, 1, 32)
            self.string(action, "data", prop, 1, 300)

    def quick_reply(self, quick_reply: Any, prop: str) -> None:
        if not isinstance(quick_reply, dict):
            self.add("Must be an object", prop)
            return
        items = self.array(quick_reply, "items", prop, 1, 13)
        for i, item in enumerate(items or []):
            path = f"{prop}.items[{i}]"
            if not isinstance(item, dict):
                self.add("Must be an object", path)
                continue
            self.url(item, "imageUrl", path, required=False)
            self.action(item.get("action"), f"{path}.action", allowed=ACTION_TYPES - {"richmenuswitch"})

    # -- templates -------------------------------------------------------------
    def template(self, template: Any, prop: str) -> None:
        if not isinstance(template, dict):
            self.add("Must be specified", prop)
            return
        kind = template.get("type")
        if kind == "buttons":
            self.url(template, "thumbnailImageUrl", prop, required=False)
            self.string(template, "title", prop, 1, 40, required=False)
            short = bool(template.get("thumbnailImageUrl") or template.get("title"))
            self.string(template, "text", prop, 1, 60 if short else 160)
            for i, action in enumerate(self.array(template, "actions", prop, 1, 4) or []):
                self.action(action, f"{prop}.actions[{i}]")
            if template.get("defaultAction") is not None:
                self.action(template["defaultAction"], f"{prop}.defaultAction", label_required=False)
        elif kind == "confirm":
            self.string(template, "text", prop, 1, 240)
            for i, action in enumerate(self.array(template, "actions", prop, 2, 2) or []):
                self.action(action, f"{prop}.actions[{i}]")
        elif kind == "carousel":
            columns = self.array(template, "columns", prop, 1, 10) or []
            counts = set()
            for i, column in enumerate(columns):
                path = f"{prop}.columns[{i}]"
                if not isinstance(column, dict):
                    self.add("Must be an object", path)
                    continue
                self.url(column, "thumbnailImageUrl", path, required=False)
                self.string(column, "title", path, 1, 40, required=False)
                short = bool(column.get("thumbnailImageUrl") or column.get("title"))
                self.string(column, "text", path, 1, 60 if short else 120)
                actions = self.array(column, "actions", path, 1, 3) or []
                counts.add(len(actions))
                for j, action in enumerate(actions):
                    self.action(action, f"{path}.actions[{j}]")
            if len(counts) > 1:
                self.add("All columns must have the same number of actions", f"{prop}.columns")
        elif kind == "image_carousel":
            for i, column in enumerate(self.array(template, "columns", prop, 1, 10) or []):
                path = f"{prop}.columns[{i}]"
                if isinstance(column, dict):
                    self.url(column, "imageUrl", path)
                    self.action(column.get("action"), f"{path}.action", label_max=12, label_required=False)
        else:
            self.add(f"Invalid template type: {kind!r}", f"{prop}.type")

    # -- flex --------------------------------------------------------------------
    def flex(self, contents: Any, prop: str) -> None:
        if not isinstance(contents, dict):
            self.add("Must be specified", prop)
            return
        if contents.get("type") == "carousel":
            self.array(contents, "contents", prop, 1, 12)
        self.part(FlexContainer.from_dict, contents, prop)
        self._flex_actions(contents, prop)

    def _flex_actions(self, node: Any, prop: str) -> None:
        """Walk the flex tree: buttons need a label (LINE allows 40 chars there)."""
        if isinstance(node, list):
            for i, child in enumerate(node):
                self._flex_actions(child, f"{prop}[{i}]")
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("action"), dict):
            is_button = node.get("type") == "button"
            self.action(node["action"], f"{prop}.action", label_max=40, label_required=is_button)
        for key in ("header", "hero", "body", "footer", "contents"):
            if key in node:
                self._flex_actions(node[key], f"{prop}.{key}")

    # -- messages ----------------------------------------------------------------
    def message(self, message: Any, prop: str) -> None:
        if not isinstance(message, dict):
            self.add("Must be an object", prop)
            return
        kind = message.get("type")
        before = len(self.details)
        if kind not in MESSAGE_TYPES:
            self.add(f"Invalid message type: {kind!r}", f"{prop}.type")
            return
        if kind in ("text", "textV2"):
            self.string(message, "text", prop, 1, 5000)
        elif kind in ("image", "video"):
            self.url(message, "originalContentUrl", prop)
            self.url(message, "previewImageUrl", prop)
        elif kind == "audio":
            self.url(message, "originalContentUrl", prop)
        elif kind == "location":
            self.string(message, "title", prop, 1, 100)
            self.string(message, "address", prop, 1, 100)
        elif kind == "sticker":
            self.string(message, "packageId", prop, 1, 100)
            self.string(message, "stickerId", prop, 1, 100)
        elif kind in ("template", "imagemap"):
            self.string(message, "altText", prop, 1, 400)
            if kind == "template":
                self.template(message.get("template"), f"{prop}.template")
        elif kind == "flex":
            self.string(message, "altText", prop, 1, 1500)
            self.flex(message.get("contents"), f"{prop}.contents")
        if message.get("quickReply") is not None:
            self.quick_reply(message["quickReply"], f"{prop}.quickReply")
        sender = message.get("sender")
        if isinstance(sender, dict):
            self.string(sender, "name", f"{prop}.sender", 1, 20, required=False)
            self.url(sender, "iconUrl", f"{prop}.sender", required=False)
        if len(self.details) == before:
            self.part(Message.from_dict, message, prop)

    def messages(self, body: dict) -> None:
        for i, message in enumerate(self.array(body, "messages", "", 1, 5) or []):
            self.message(message, f"messages[{i}]")


def _request(model: Any) -> Callable[[Callable[[_Checker, dict], None]], Callable[[Any], Details]]:
    """A request's validator from the checks of its fields: the body must be a JSON object, and once the
    fields pass, LINE's SDK `model` must parse it.

    First LINE's limits and one parse by `model`: it parses each message and flex container with the
    very from_dict a part's own parse runs, so a body that passes has nothing more to find. A body
    refused by either is checked again parsing each part as well, so its details are those of a
    part-by-part walk, word for word."""
    def validator(check_fields: Callable[[_Checker, dict], None]) -> Callable[[Any], Details]:
        def walk(body: dict, parse_parts: bool) -> Details:
            check = _Checker(parse_parts)
            check_fields(check, body)
            if not check.details:
                check.sdk(model.from_dict, body, "")
            return check.details

        @functools.wraps(check_fields)
        def validate(body: Any) -> Details:
            if not isinstance(body, dict):
                return [{"message": "The request body must be a JSON object", "property": ""}]
            return walk(body, parse_parts=False) and walk(body, parse_parts=True)
        return validate
    return validator


@_request(ReplyMessageRequest)
def validate_reply(check: _Checker, body: dict) -> None:
    check.string(body, "replyToken", "", 1, 1000)
    check.messages(body)


@_request(PushMessageRequest)
def validate_push(check: _Checker, body: dict) -> None:
    to = check.string(body, "to", "", 1, 33)
    if to and not CHAT_ID_RE.match(to):
        check.add("Invalid user, group or room ID", "to")
    check.messages(body)


@_request(MulticastRequest)
def validate_multicast(check: _Checker, body: dict) -> None:
    for i, to in enumerate(check.array(body, "to", "", 1, 500) or []):
        if not isinstance(to, str) or not USER_ID_RE.match(to):
            check.add("Invalid user ID", f"to[{i}]")
    check.messages(body)


@_request(RichMenuRequest)
def validate_rich_menu(check: _Checker, body: dict) -> None:
    size = body.get("size")
    if not isinstance(size, dict):
        check.add("Must be specified", "size")
    else:
        width, height = size.get("width"), size.get("height")
        if not isinstance(width, int) or not 800 <= width <= 2500:
            check.add("Width must be between 800 and 2500", "size.width")
        if not isinstance(height, int) or height < 250:
            check.add("Height must be at least 250", "size.height")
        elif isinstance(width, int) and width / height < 1.45:
            check.add("Aspect ratio (width / height) must be at least 1.45", "size")
    if not isinstance(body.get("selected"), bool):
        check.add("Must be specified", "selected")
    check.string(body, "name", "", 1, 300)
    check.string(body, "chatBarText", "", 1, 14)
    for i, area in enumerate(check.array(body, "areas", "", 0, 20) or []):
        path = f"areas[{i}]"
        if not isinstance(area, dict) or not isinstance(area.get("bounds"), dict):
            check.add("Must be specified", f"{path}.bounds")
            continue
        check.action(area.get("action"), f"{path}.action", label_required=False,
                     allowed=ACTION_TYPES - QUICK_REPLY_ONLY_ACTIONS)


@_request(ShowLoadingAnimationRequest)
def validate_loading(check: _Checker, body: dict) -> None:
    chat_id = check.string(body, "chatId", "", 1, 33)
    if chat_id and not USER_ID_RE.match(chat_id):
        check.add("Only user IDs (one-on-one chats) are supported", "chatId")
    seconds = body.get("loadingSeconds", 20)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 5 <= seconds <= 60 or seconds % 5:
        check.add("Must be a multiple of 5 between 5 and 60", "loadingSeconds")
