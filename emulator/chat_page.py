"""The chat page at `/`: a small LINE-app look-alike to talk to the bot by hand or by browser tests."""
from __future__ import annotations

from flask import Blueprint, render_template

from .context import get_emulator

bp = Blueprint("chat_page", __name__, template_folder="templates",
               static_folder="static", static_url_path="/emulator/static")


@bp.get("/")
def index():
    return render_template("chat.html", bot_user_id=get_emulator().config.bot_user_id)
