"""Rich menu endpoints: create, upload image, set default / per user, list, delete.

The chat page shows the rich menu that applies to the selected person, so the
bot's menu can be tapped like in the LINE app.
"""
from __future__ import annotations

import copy

from flask import Blueprint, jsonify, request

from . import validation
from .context import get_emulator
from .ids import new_rich_menu_id
from .platform_common import install_guard, line_error, with_valid_body

bp = install_guard(Blueprint("line_richmenu", __name__, url_prefix="/v2/bot"))

IMAGE_TYPES = ("image/png", "image/jpeg")
MAX_IMAGE_BYTES = 1024 * 1024


def applied_rich_menu(user_id: str) -> dict | None:
    """The menu a person sees: their linked one, else the default (only once it has an image)."""
    state = get_emulator().state
    with state.lock:
        menu_id = state.user_rich_menus.get(user_id) or state.default_rich_menu
        entry = state.rich_menus.get(menu_id) if menu_id else None
        if not entry or entry["image"] is None:
            return None
        return copy.deepcopy(entry["menu"])


def _entry(rich_menu_id: str) -> dict | None:
    return get_emulator().state.rich_menus.get(rich_menu_id)


@bp.post("/richmenu")
@with_valid_body(validation.validate_rich_menu)
def create_rich_menu(body: dict):
    rich_menu_id = new_rich_menu_id()
    menu = {"richMenuId": rich_menu_id, **body}
    state = get_emulator().state
    with state.lock:
        state.rich_menus[rich_menu_id] = {"menu": menu, "image": None, "imageType": None}
    return jsonify({"richMenuId": rich_menu_id})


@bp.get("/richmenu/list")
def list_rich_menus():
    state = get_emulator().state
    with state.lock:
        menus = [copy.deepcopy(entry["menu"]) for entry in state.rich_menus.values()]
    return jsonify({"richmenus": menus})


@bp.get("/richmenu/<rich_menu_id>")
def get_rich_menu(rich_menu_id: str):
    with get_emulator().state.lock:
        entry = _entry(rich_menu_id)
        return jsonify(copy.deepcopy(entry["menu"])) if entry else line_error(404, "Not found")


@bp.delete("/richmenu/<rich_menu_id>")
def delete_rich_menu(rich_menu_id: str):
    state = get_emulator().state
    with state.lock:
        if state.rich_menus.pop(rich_menu_id, None) is None:
            return line_error(404, "Not found")
        if state.default_rich_menu == rich_menu_id:
            state.default_rich_menu = None
        state.user_rich_menus = {u: m for u, m in state.user_rich_menus.items() if m != rich_menu_id}
    return jsonify({})


@bp.post("/richmenu/<rich_menu_id>/content")
def upload_rich_menu_image(rich_menu_id: str):
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type not in IMAGE_TYPES:
        return line_error(415, "Unsupported Media Type: use image/png or image/jpeg")
    data = request.get_data()
    if not data:
        return line_error(400, "The request body must contain an image")
    if len(data) > MAX_IMAGE_BYTES:
        return line_error(413, "The image must be 1 MB or smaller")
    with get_emulator().state.lock:
        entry = _entry(rich_menu_id)
        if entry is None:
            return line_error(404, "Not found")
        if entry["image"] is not None:
            return line_error(400, "An image has already been uploaded to the richmenu")
        entry["image"], entry["imageType"] = data, content_type
    return jsonify({})


@bp.get("/richmenu/<rich_menu_id>/content")
def download_rich_menu_image(rich_menu_id: str):
    with get_emulator().state.lock:
        entry = _entry(rich_menu_id)
        if entry is None or entry["image"] is None:
            return line_error(404, "Not found")
        return entry["image"], 200, {"Content-Type": entry["imageType"]}


def _linkable(rich_menu_id: str):
    entry = _entry(rich_menu_id)
    if entry is None:
        return line_error(404, "Not found")
    if entry["image"] is None:
        return line_error(400, "must upload richmenu image before applying it to user")
    return None


@bp.post("/user/all/richmenu/<rich_menu_id>")
def set_default_rich_menu(rich_menu_id: str):
    state = get_emulator().state
    with state.lock:
        problem = _linkable(rich_menu_id)
        if problem:
            return problem
        state.default_rich_menu = rich_menu_id
    return jsonify({})


@bp.get("/user/all/richmenu")
def get_default_rich_menu():
    menu_id = get_emulator().state.default_rich_menu
    return jsonify({"richMenuId": menu_id}) if menu_id else line_error(404, "no default richmenu")


@bp.delete("/user/all/richmenu")
def cancel_default_rich_menu():
    get_emulator().state.default_rich_menu = None
    return jsonify({})


@bp.post("/user/<user_id>/richmenu/<rich_menu_id>")
def link_rich_menu(user_id: str, rich_menu_id: str):
    state = get_emulator().state
    with state.lock:
        problem = _linkable(rich_menu_id)
        if problem:
            return problem
        state.user_rich_menus[user_id] = rich_menu_id
    return jsonify({})


@bp.get("/user/<user_id>/richmenu")
def get_user_rich_menu(user_id: str):
    menu_id = get_emulator().state.user_rich_menus.get(user_id)
    return jsonify({"richMenuId": menu_id}) if menu_id else line_error(404, "the user has no richmenu")


@bp.delete("/user/<user_id>/richmenu")
def unlink_rich_menu(user_id: str):
    with get_emulator().state.lock:
        get_emulator().state.user_rich_menus.pop(user_id, None)
    return jsonify({})
