"""Messaging API read endpoints (profiles, groups, bot info) and the loading indicator."""
from __future__ import annotations

from flask import Blueprint, jsonify

from . import validation
from .context import get_emulator
from .platform_common import install_guard, line_error, with_valid_body

bp = install_guard(Blueprint("line_resources", __name__, url_prefix="/v2/bot"))


def _profile(user: dict, keys: tuple[str, ...]) -> dict:
    return {key: user[key] for key in keys if user.get(key) is not None}


@bp.get("/profile/<user_id>")
def profile(user_id: str):
    """`language` is the phone language picked for this person on the chat page."""
    user = get_emulator().state.get_user(user_id)
    if user is None:
        return line_error(404, "Not found")
    return jsonify(_profile(user, ("displayName", "userId", "pictureUrl", "statusMessage", "language")))


def _member(group_id: str, user_id: str) -> dict | None:
    state = get_emulator().state
    group = state.get_group(group_id)
    if group is None or user_id not in group["members"]:
        return None
    return state.get_user(user_id)


@bp.get("/group/<group_id>/member/<user_id>")
def group_member_profile(group_id: str, user_id: str):
    user = _member(group_id, user_id)
    if user is None:
        return line_error(404, "Not found")
    return jsonify(_profile(user, ("displayName", "userId", "pictureUrl")))


@bp.get("/group/<group_id>/summary")
def group_summary(group_id: str):
    group = get_emulator().state.get_group(group_id)
    if group is None:
        return line_error(404, "Not found")
    return jsonify({"groupId": group["groupId"], "groupName": group["groupName"]})


@bp.get("/group/<group_id>/members/count")
def group_member_count(group_id: str):
    group = get_emulator().state.get_group(group_id)
    if group is None:
        return line_error(404, "Not found")
    return jsonify({"count": len(group["members"])})


@bp.get("/info")
def bot_info():
    config = get_emulator().config
    return jsonify({"userId": config.bot_user_id, "basicId": "@emulator", "displayName": "Hotline (emulator)",
                    "chatMode": "bot", "markAsReadMode": "auto"})


@bp.post("/chat/loading/start")
@with_valid_body(validation.validate_loading)
def start_loading(body: dict):
    get_emulator().state.start_loading(body["chatId"], body.get("loadingSeconds", 20))
    return jsonify({}), 202
