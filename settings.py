"""Configuration read from the environment, in one place.

Every variable is listed in the README's table; defaults make a fresh checkout run
with SQLite, an embedded Redis and the local LINE emulator, but only with an explicit
HOTLINE_ENV=development: anywhere else the channel's secrets and the encryption keys must
be real (`Settings.missing`), since the dev values let anyone forge events.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Absolute, so web and worker started from the same checkout share one instance dir (and dev key).
INSTANCE = Path(os.environ.get("HOTLINE_INSTANCE_DIR", ROOT / "instance")).resolve()

DEVELOPMENT = "development"
DEV_CHANNEL_SECRET = "dev-channel-secret"
DEV_ACCESS_TOKEN = "dev-channel-access-token"
DEV_DASHBOARD_SECRET = "dev-dashboard-secret"
DEV_PUBLIC_BASE_URL = "http://127.0.0.1:5000"
MIN_DASHBOARD_SECRET_CHARS = 32     # outside development (`Settings.missing`)


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


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
    send_retries: int = 10     # 1+2+4+8 s, then every 15 s: rides out about 90 s of LINE 429/5xx
    emergency_delivery_seconds: float = 900.0   # emergency answers and officers' alerts keep trying this long
    urgency_windows: dict = field(default_factory=dict)  # seconds before escalation, per urgency
    # Case work's lists and per-state timers (outcomes, services, referral states; seconds a worked
    # case may sit in a state per urgency before a reminder): a committee's copy of
    # cases/data/casework.yaml, or None for that file. Checked at start (cases/lifecycle.py).
    casework_file: str | None = None
    retention_days: float = 90.0        # inbox events, outbox rows, conversations (storage/retention.py)
    case_retention_days: float = 365.0  # personal content of closed or cancelled cases
    instance_dir: Path = field(default=INSTANCE)
    # The committees' dashboard (issue 14): where its links point, the key that signs its cookie,
    # how long a sign-in link lives, and a session's idle and absolute limits.
    public_base_url: str = DEV_PUBLIC_BASE_URL
    dashboard_secret_key: str = DEV_DASHBOARD_SECRET
    dashboard_link_seconds: int = 300
    dashboard_idle_seconds: int = 30 * 60
    dashboard_absolute_seconds: int = 12 * 60 * 60
    # News and reminders (issue 15): multicast calls a broadcast may make per second (its own
    # queue, taken after replies and alerts), messages of LINE's monthly quota a broadcast must
    # leave for alerts and case messages, and the hour (Bangkok) personal reminders go out.
    broadcast_calls_per_second: float = 5.0
    broadcast_quota_reserve: int = 0
    reminder_hour: int = 9
    # gunicorn's web workers (WEB_CONCURRENCY, read by gunicorn.conf.py); None: by database (web_workers).
    web_concurrency: int | None = None
    # Read from the environment even when Settings is built directly, so that a Settings(...)
    # cannot skip the start-up check by leaving it out (the tests set HOTLINE_ENV=development).
    environment: str = field(default_factory=lambda: _env("HOTLINE_ENV") or "production")

    @property
    def development(self) -> bool:
        return self.environment == DEVELOPMENT

    @property
    def web_workers(self) -> int:
        """WEB_CONCURRENCY when set (a platform sizes it); else by database, as measured: on SQLite
        more than two sync workers queue on its one writer's lock, on PostgreSQL four keep the
        cores busy while each commit waits for its WAL flush."""
        if self.web_concurrency:
            return self.web_concurrency
        return 2 if self.database_url.startswith("sqlite") else 4

    def missing(self) -> list[str]:
        """Outside development, the variables that are unset, blank or the dev placeholders, or too
        weak: a dashboard key anyone could guess would let them forge its cookies, and links sent
        over plain http could be read on the way (HOTLINE_ENCRYPTION_KEYS, read by storage/crypto.py,
        is checked with them in app.py)."""
        if self.development:
            return []
        required = {"LINE_CHANNEL_SECRET": (self.channel_secret, DEV_CHANNEL_SECRET),
                    "LINE_CHANNEL_ACCESS_TOKEN": (self.access_token, DEV_ACCESS_TOKEN)}
        missing = [name for name, (value, placeholder) in required.items() if value.strip() in ("", placeholder)]
        secret = self.dashboard_secret_key.strip()
        if secret == DEV_DASHBOARD_SECRET or len(secret) < MIN_DASHBOARD_SECRET_CHARS:
            missing.append(f"DASHBOARD_SECRET_KEY ({MIN_DASHBOARD_SECRET_CHARS} characters or more)")
        if not self.public_base_url.strip().lower().startswith("https://"):
            missing.append("PUBLIC_BASE_URL (an https:// address)")
        return missing

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        values = dict(
            channel_secret=_env("LINE_CHANNEL_SECRET") or DEV_CHANNEL_SECRET,  # blank = unset
            access_token=_env("LINE_CHANNEL_ACCESS_TOKEN") or DEV_ACCESS_TOKEN,
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
            emergency_delivery_seconds=_float("EMERGENCY_DELIVERY_SECONDS", cls.emergency_delivery_seconds),
            urgency_windows={level: _int(f"ESCALATE_{level.upper()}_SECONDS", 0)
                             for level in ("urgent", "high", "standard")
                             if env.get(f"ESCALATE_{level.upper()}_SECONDS")},
            casework_file=env.get("CASEWORK_FILE") or None,
            retention_days=_float("RETENTION_DAYS", cls.retention_days),
            case_retention_days=_float("CASE_RETENTION_DAYS", cls.case_retention_days),
            instance_dir=INSTANCE,   # environment: its default reads HOTLINE_ENV
            public_base_url=(_env("PUBLIC_BASE_URL") or DEV_PUBLIC_BASE_URL).rstrip("/"),
            dashboard_secret_key=_env("DASHBOARD_SECRET_KEY") or DEV_DASHBOARD_SECRET,
            dashboard_link_seconds=_int("DASHBOARD_LINK_SECONDS", cls.dashboard_link_seconds),
            dashboard_idle_seconds=_int("DASHBOARD_IDLE_SECONDS", cls.dashboard_idle_seconds),
            dashboard_absolute_seconds=_int("DASHBOARD_ABSOLUTE_SECONDS", cls.dashboard_absolute_seconds),
            broadcast_calls_per_second=_float("BROADCAST_CALLS_PER_SECOND", cls.broadcast_calls_per_second),
            broadcast_quota_reserve=_int("BROADCAST_QUOTA_RESERVE", cls.broadcast_quota_reserve),
            reminder_hour=_int("REMINDER_HOUR", cls.reminder_hour),
            web_concurrency=int(_env("WEB_CONCURRENCY") or 0) or None,   # blank = unset
        )
        values.update(overrides)
        return cls(**values)
