"""`make run`'s script: web, worker and emulator come up on the embedded defaults and the bot answers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


def _call(url: str, body: dict | None = None):
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read() or b"null")


def test_run_local_serves_a_chat_that_gets_an_answer(tmp_path):
    web, emulator = free_port(), free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "DATABASE_URL", "LINE_API_BASE", "LINE_API_DATA_BASE",
                          "EMULATOR_WEBHOOK_URL", "HOTLINE_ENCRYPTION_KEYS", "HOTLINE_ENV")}
    env.update(PORT=str(web), EMULATOR_PORT=str(emulator), HOTLINE_INSTANCE_DIR=str(tmp_path / "instance"),
               PYTHONUNBUFFERED="1")
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "scripts/run_local.py"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: "Chat with the bot" in log.read_text() or process.poll() is not None,
                 timeout=60, message="run_local up")
        assert process.poll() is None, log.read_text()[-3000:]
        base = f"http://127.0.0.1:{emulator}/emulator/api"
        user = "U" + "5" * 32

        def answered() -> bool:
            try:
                _call(f"{base}/send", {"type": "text", "userId": user, "text": "hello"}) if not answered.sent else None
                answered.sent = True
                return bool(_call(f"{base}/received?chat={user}"))
            except OSError:          # web or emulator not listening yet
                return False
        answered.sent = False
        wait_for(answered, timeout=30, interval=0.5, message="the bot's answer at the emulator")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, log.read_text()[-3000:]
