"""LINE's monthly message quota: GET /v2/bot/message/quota and /quota/consumption, and a control to set them.

LINE counts pushes and multicasts once per recipient (replies are free); the send path calls
`count(n)` for each one it delivered. Usage starts again each calendar month (UTC). Tests set the
quota, and the month's use so far, with POST /emulator/api/quota
{"type": "limited", "value": 1000, "totalUsage": 0}; GET shows it.
"""
from __future__ import annotations

import time

from flask import Blueprint, jsonify, request

from .context import get_emulator
from .platform_common import install_guard

bp = install_guard(Blueprint("line_quota", __name__, url_prefix="/v2/bot/message"))
control = Blueprint("emulator_quota", __name__, url_prefix="/emulator/api")

QUOTA_TYPES = ("none", "limited")


def _quota() -> dict:
    """The state's quota record (EmulatorState.quota), its use emptied at a new month (caller holds the lock)."""
    state = get_emulator().state
    month = time.strftime("%Y-%m", time.gmtime(state.now()))
    quota = state.quota
    if quota["month"] != month:
        quota.update(month=month, totalUsage=0)
    return quota


def count(recipients: int) -> None:
    """A push or multicast delivered to `recipients` people: this month's use grows by as many."""
    state = get_emulator().state
    with state.lock:
        _quota()["totalUsage"] += recipients


@bp.get("/quota")
def quota():
    with get_emulator().state.lock:
        found = dict(_quota())
    return jsonify({"type": "none"} if found["type"] == "none" else {"type": "limited", "value": found["value"]})


@bp.get("/quota/consumption")
def consumption():
    with get_emulator().state.lock:
        return jsonify({"totalUsage": _quota()["totalUsage"]})


@control.route("/quota", methods=["GET", "POST"])
def set_quota():
    """Read, or set, the quota and this month's use (tests; the chat page's developer)."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    state = get_emulator().state
    with state.lock:
        found = _quota()
        if request.method == "POST":
            kind = body.get("type", found["type"])
            value = body.get("value", found["value"])
            usage = body.get("totalUsage", found["totalUsage"])
            if kind not in QUOTA_TYPES:
                return jsonify({"error": "'type' must be none or limited"}), 400
            if kind == "limited" and (type(value) is not int or value < 0):
                return jsonify({"error": "'value' must be a non-negative integer when type is limited"}), 400
            if type(usage) is not int or usage < 0:
                return jsonify({"error": "'totalUsage' must be a non-negative integer"}), 400
            found.update(type=kind, value=value if kind == "limited" else None, totalUsage=usage)
        return jsonify({"type": found["type"], "value": found["value"], "totalUsage": found["totalUsage"]})
