"""Where blueprints find the emulator's shared objects (one per Flask app)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .config import EmulatorConfig
from .state import EmulatorState
from .user_actions import UserActions

EXTENSION_KEY = "line_emulator"


@dataclass
class Emulator:
    config: EmulatorConfig
    state: EmulatorState
    actions: UserActions


def get_emulator() -> Emulator:
    return current_app.extensions[EXTENSION_KEY]
