"""Local emulator of the LINE platform (Messaging API + webhooks) with a chat page.

Run with `python -m emulator`; see README.md in this folder.
"""
from .app import create_emulator_app
from .config import EmulatorConfig

__all__ = ["create_emulator_app", "EmulatorConfig"]
