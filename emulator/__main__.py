"""`python -m emulator`: serve the emulator with werkzeug's threaded server.

Threaded because the bot calls the reply API while the emulator still waits for
the bot's answer to the webhook POST.
"""
from __future__ import annotations

from werkzeug.serving import run_simple

from .app import create_emulator_app
from .config import EmulatorConfig


def main() -> None:
    config = EmulatorConfig.from_env()
    app = create_emulator_app(config)
    print(f"LINE emulator: chat page http://{config.host}:{config.port}/  "
          f"(webhook -> {config.webhook_url})", flush=True)
    run_simple(config.host, config.port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
