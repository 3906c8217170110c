"""The app's settings in a test: the test channel, a queue of its own, and LINE's API at an
address nothing answers, so a test that neither fakes LINE nor starts the emulator never reaches LINE."""
from __future__ import annotations

import uuid
from pathlib import Path

from settings import Settings
from tests.support.webhook import SECRET, TOKEN

NOWHERE = "http://127.0.0.1:9"


def settings_for(tmp_path: Path, database_url: str, redis_url: str) -> Settings:
    return Settings(channel_secret=SECRET, access_token=TOKEN, database_url=database_url,
                    redis_url=redis_url, queue_name=f"test-{uuid.uuid4().hex[:8]}",
                    instance_dir=tmp_path, line_api_base=NOWHERE, line_api_data_base=NOWHERE)
