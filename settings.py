"""Configuration read from the environment, in one place.

Every variable is listed in the README's table; defaults make a fresh checkout run
with SQLite, an embedded Redis and the local LINE emulator.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("HOTLINE_INSTANCE_DIR", ROOT / "instance"))

DEV_CHANNEL_SECRET = "dev-channel-secret"
DEV_ACCESS_TOKEN = "dev-channel-access-token"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    channel_secret: str = DEV_CHANNEL_SECRET
    access_token: str = DEV_ACCESS_TOKEN
    line_api_base: str = "https://api.line.me"
    line_api_data_base: str = "https://api-data.line.me"
    database_url: str = f"sqlite:///{INSTANCE / 'hotline.db'}"
    redis_url: str | None = None
    queue_name: str = "hotline"
    max_body_bytes: int = 1024 * 1024
    event_max_age_seconds: int = 3 * 24 * 60 * 60   # LINE's redelivery window: older events are refused
    sweep_after_seconds: float = 10.0
    sweep_interval_seconds: float = 5.0
    reply_token_ttl_seconds: float = 50.0
    send_retries: int = 5
    urgency_windows: dict = field(default_factory=dict)  # seconds before escalation, per urgency
    instance_dir: Path = field(default=INSTANCE)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = dict(
            channel_secret=env.get("LINE_CHANNEL_SECRET", DEV_CHANNEL_SECRET),
            access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN", DEV_ACCESS_TOKEN),
            line_api_base=env.get("LINE_API_BASE", cls.line_api_base).rstrip("/"),
            line_api_data_base=env.get("LINE_API_DATA_BASE", cls.line_api_data_base).rstrip("/"),
            database_url=env.get("DATABASE_URL", cls.database_url),
            redis_url=env.get("REDIS_URL") or None,
            queue_name=env.get("HOTLINE_QUEUE", cls.queue_name),
            max_body_bytes=_int("WEBHOOK_MAX_BYTES", cls.max_body_bytes),
            event_max_age_seconds=_int("EVENT_MAX_AGE_SECONDS", cls.event_max_age_seconds),
            sweep_after_seconds=_float("SWEEP_AFTER_SECONDS", cls.sweep_after_seconds),
            sweep_interval_seconds=_float("SWEEP_INTERVAL_SECONDS", cls.sweep_interval_seconds),
            reply_token_ttl_seconds=_float("REPLY_TOKEN_TTL_SECONDS", cls.reply_token_ttl_seconds),
            send_retries=_int("LINE_SEND_RETRIES", cls.send_retries),
            urgency_windows={level: _int(f"ESCALATE_{level.upper()}_SECONDS", 0)
                             for level in ("urgent", "high", "standard")
                             if env.get(f"ESCALATE_{level.upper()}_SECONDS")},
            instance_dir=INSTANCE,
        )
        values.update(overrides)
        return cls(**values)
