"""Emulator settings, read from the same env variables the bot uses so both agree on secrets."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field


def _default_bot_user_id(channel_secret: str) -> str:
    """A stable bot userId per channel, so webhook `destination` doesn't change between runs."""
    return "U" + hashlib.sha256(("bot:" + channel_secret).encode()).hexdigest()[:32]


@dataclass
class EmulatorConfig:
    host: str = "127.0.0.1"
    port: int = 5001
    webhook_url: str = "http://127.0.0.1:5000/callback"
    channel_secret: str = "dev-channel-secret"
    channel_access_token: str = "dev-channel-access-token"
    reply_token_ttl: float = 60.0
    webhook_timeout: float = 30.0
    bot_user_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.bot_user_id:
            self.bot_user_id = _default_bot_user_id(self.channel_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> EmulatorConfig:
        env = os.environ if env is None else env
        return cls(
            host=env.get("EMULATOR_HOST", cls.host),
            port=int(env.get("EMULATOR_PORT", cls.port)),
            webhook_url=env.get("EMULATOR_WEBHOOK_URL", cls.webhook_url),
            channel_secret=env.get("LINE_CHANNEL_SECRET") or cls.channel_secret,
            channel_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN") or cls.channel_access_token,
            reply_token_ttl=float(env.get("EMULATOR_REPLY_TOKEN_TTL", cls.reply_token_ttl)),
            webhook_timeout=float(env.get("EMULATOR_WEBHOOK_TIMEOUT", cls.webhook_timeout)),
            bot_user_id=env.get("EMULATOR_BOT_USER_ID", ""),
        )
