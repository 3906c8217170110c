"""The whole service for end-to-end tests: the LINE emulator and the web app in threads,
real `flask worker` processes, a real Redis and database."""
from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

import requests

from app import create_app
from emulator import create_emulator_app
from settings import Settings
from tests.support.committees import load_example
from tests.support.servers import ServerThread, free_port, start_worker, stop_process_group, wait_for


class Stack:
    def __init__(self, settings: Settings, tmp_path: Path, workers: int = 1):
        emulator_port = free_port()
        web_port = free_port()
        self.emulator_url = f"http://127.0.0.1:{emulator_port}"
        self.web_url = f"http://127.0.0.1:{web_port}"
        # The dashboard's sign-in links (made by the workers) point at this web app.
        self.settings = replace(settings, line_api_base=self.emulator_url, line_api_data_base=self.emulator_url,
                                public_base_url=self.web_url)
        self.emulator = ServerThread(create_emulator_app({
            "port": emulator_port, "webhook_url": f"http://127.0.0.1:{web_port}/callback",
            "channel_secret": settings.channel_secret, "channel_access_token": settings.access_token,
        }), port=emulator_port).start()
        self.app = create_app(self.settings)
        self.web = ServerThread(self.app, port=web_port).start()
        self.tmp_path = tmp_path
        self.workers: list[subprocess.Popen] = []
        for _ in range(workers):
            self.add_worker()

    @property
    def worker_env(self) -> dict:
        s = self.settings
        return {
            "LINE_CHANNEL_SECRET": s.channel_secret, "LINE_CHANNEL_ACCESS_TOKEN": s.access_token,
            "LINE_API_BASE": s.line_api_base, "LINE_API_DATA_BASE": s.line_api_data_base,
            "DATABASE_URL": s.database_url, "REDIS_URL": s.redis_url or "", "HOTLINE_QUEUE": s.queue_name,
            "HOTLINE_INSTANCE_DIR": str(self.tmp_path), "SWEEP_AFTER_SECONDS": "1",
            "SWEEP_INTERVAL_SECONDS": "0.5", "PUBLIC_BASE_URL": s.public_base_url,
            "DASHBOARD_LINK_SECONDS": str(s.dashboard_link_seconds),
            "BROADCAST_CALLS_PER_SECOND": str(s.broadcast_calls_per_second),
            **{f"ESCALATE_{level.upper()}_SECONDS": str(seconds) for level, seconds in s.urgency_windows.items()},
        }

    def add_worker(self) -> subprocess.Popen:
        worker = start_worker(self.worker_env, self.tmp_path / f"worker{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def worker_logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp_path.glob("worker*.log")))

    # -- the emulator's control API --------------------------------------------------------
    def api(self, method: str, path: str, **kwargs):
        response = requests.request(method, f"{self.emulator_url}/emulator/api{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def user(self, language: str = "en", name: str = "Test user") -> str:
        return self.api("POST", "/users", json={"displayName": name, "language": language})["userId"]

    def send(self, user_id: str, **event) -> dict:
        return self.api("POST", "/send", json={"userId": user_id, **event})

    def say(self, user_id: str, text: str) -> dict:
        return self.send(user_id, type="text", text=text)

    def received(self, chat: str | None = None) -> list[dict]:
        return self.api("GET", "/received", params={"chat": chat} if chat else None)

    def delivered(self, chat: str) -> list[dict]:
        """What reached the person: successful reply/push/multicast requests to that chat."""
        return [r for r in self.received(chat) if r.get("status") == 200]

    def wait_delivered(self, chat: str, count: int, timeout: float = 15) -> list[dict]:
        return wait_for(lambda: (lambda d: d if len(d) >= count else None)(self.delivered(chat)),
                        timeout=timeout, message=f"{count} deliveries to {chat}\n{self.worker_logs()}")

    def close(self) -> None:
        for worker in self.workers:
            stop_process_group(worker)
        self.web.stop()
        self.emulator.stop()
        self.app.extensions["hotline"].db.dispose()


def start_stack(settings: Settings, tmp_path: Path, *, workers: int = 1, example_directory: bool = False,
                **changes) -> Stack:
    """A Stack on `settings` with `changes` (Settings fields), the example committee directory
    loaded if asked: the options of the `stack` fixture's marker."""
    running = Stack(replace(settings, **changes), tmp_path, workers=workers)
    if example_directory:
        load_example(running.app.extensions["hotline"].db)
    return running


def texts(delivery: dict) -> list[str]:
    return [m.get("text", "") for m in delivery.get("messages", []) if m.get("type") == "text"]


os.environ.setdefault("PYTHONUNBUFFERED", "1")
