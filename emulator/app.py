"""Flask app factory for the LINE platform emulator (a separate process from the bot)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, jsonify, request

from . import chat_page, control_api, platform_api, platform_resources, quota_api, richmenu_api
from .config import EmulatorConfig
from .context import EXTENSION_KEY, Emulator
from .state import EmulatorState
from .user_actions import UserActions
from .webhook_sender import WebhookSender


def create_emulator_app(config: EmulatorConfig | Mapping[str, Any] | None = None, *,
                        clock: Callable[[], float] | None = None,
                        http_post: Callable[..., Any] | None = None) -> Flask:
    """Build the emulator.

    config: EmulatorConfig, or a dict of its fields, or None to read the environment.
    clock: seconds-since-epoch callable (tests pass a fake to expire reply tokens instantly).
    http_post: replaces requests.post for webhook delivery (tests may call the bot in-process).
    """
    if config is None:
        config = EmulatorConfig.from_env()
    elif not isinstance(config, EmulatorConfig):
        config = EmulatorConfig(**dict(config))
    state = EmulatorState(clock=clock)
    sender = WebhookSender(config.channel_secret, **({"post": http_post} if http_post else {}))
    app = Flask(__name__, static_folder=None)
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep LINE's field order in answers
    app.extensions[EXTENSION_KEY] = Emulator(config, state, UserActions(state, config, sender))
    for module in (platform_api, platform_resources, richmenu_api, control_api, chat_page, quota_api):
        app.register_blueprint(module.bp)
    app.register_blueprint(quota_api.control)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def _json_errors(error):
        """LINE answers unknown API paths with JSON, not an HTML page."""
        if request.path.startswith(("/v2/", "/emulator/api/")):
            return jsonify({"message": error.name}), error.code
        return error

    return app
