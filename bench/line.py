"""LINE's side of a benchmark: the emulator as a process, its API, and what the bot sent it.

The emulator only accepts replies with reply tokens it issued, so the events a benchmark
sends are made by the emulator; a Sink in the benchmark's own process takes them instead
of the bot when they must be re-sent on a schedule of the benchmark's choosing.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from bench.harness import ROOT, Stack, log_tail
from bench.procs import free_port

CASE_ID = re.compile(r"case\|ack\|(\d+)")


class Sink:
    """A webhook that only keeps what it is sent: how we get emulator-made events."""

    def __init__(self):
        self.bodies: list[bytes] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events_since(self, before: int) -> list[dict]:
        return [e for body in self.bodies[before:] for e in json.loads(body)["events"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def start_emulator(stack: Stack, webhook_url: str) -> tuple[str, subprocess.Popen]:
    """`python -m emulator` on a free port, its webhook pointed at `webhook_url`."""
    port = free_port()
    env = stack.env(EMULATOR_HOST="127.0.0.1", EMULATOR_PORT=str(port), EMULATOR_WEBHOOK_URL=webhook_url)
    log = stack.tmp / "emulator.log"
    with open(log, "wb") as out:
        proc = stack.procs.start([sys.executable, "-m", "emulator"], cwd=ROOT, env=env, stdout=out,
                                 stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"emulator exited at start:\n{log_tail(log)}")
        try:
            if requests.get(f"{url}/emulator/api/config", timeout=1).status_code == 200:
                return url, proc
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"emulator did not answer:\n{log_tail(log)}")


def api(emulator: str, method: str, path: str, **kw):
    answer = requests.request(method, f"{emulator}/emulator/api{path}", timeout=60, **kw)
    if answer.status_code != 200:
        raise RuntimeError(f"emulator {method} {path} answered {answer.status_code}: {answer.text[:500]}")
    return answer.json()


def set_webhook(emulator: str, url: str) -> None:
    api(emulator, "POST", "/config", json={"webhookUrl": url})


def new_user(emulator: str, name: str, language: str) -> str:
    return api(emulator, "POST", "/users", json={"displayName": name, "language": language})["userId"]


def captured(emulator: str, sink: Sink, specs: list[dict]) -> tuple[list[dict], str]:
    """The events the emulator makes of `specs` (one /send batch), caught by the sink, and
    the destination (the bot's user id) LINE sends them with."""
    before = len(sink.bodies)
    api(emulator, "POST", "/send", json={"batch": specs})
    return sink.events_since(before), json.loads(sink.bodies[before])["destination"]


def alert_case_ids(record: dict) -> set[int]:
    """The case ids in a sent record's flex cards (their buttons carry `case|ack|<id>`)."""
    return {int(x) for m in record.get("messages") or [] if m.get("type") == "flex"
            for x in CASE_ID.findall(json.dumps(m.get("contents")))}


class Received:
    """What the bot sent to the emulator since a point, fetched incrementally."""

    def __init__(self, emulator: str, since: int = 0):
        self.emulator, self.since = emulator, since
        self.replies: dict[str, dict] = {}                  # reply token -> record
        self.pushes: dict[str, dict] = {}                   # user -> first plain push (a reply refused)
        self.alerts: dict[int, list[dict]] = {}             # case id -> successful alert pushes
        self.alert_pushes = 0
        self.rejected: list[dict] = []

    def _records(self) -> list[dict]:
        return requests.get(f"{self.emulator}/emulator/api/received", params={"since": self.since},
                            timeout=30).json()

    def poll(self) -> None:
        for r in self._records():
            self.since = max(self.since, r["id"])
            if r.get("status") != 200:
                self.rejected.append(r)
            elif r.get("reply_token"):
                self.replies.setdefault(r["reply_token"], r)
            elif r["path"].endswith("/push") and (ids := alert_case_ids(r)):
                self.alert_pushes += 1
                for case_id in ids:
                    self.alerts.setdefault(case_id, []).append(r)
            elif r["path"].endswith("/push") and isinstance(r.get("to"), str):
                self.pushes.setdefault(r["to"], r)

    def skip_past(self) -> None:
        """Count only what is sent from now on."""
        self.since = max([self.since] + [r["id"] for r in self._records()])

    def answered_at(self, reply_token: str, user: str) -> tuple[float, str] | None:
        """When LINE accepted the answer to an event, and whether by reply or by push."""
        if reply_token in self.replies:
            return self.replies[reply_token]["time"], "reply"
        if user in self.pushes:
            return self.pushes[user]["time"], "push"
        return None

    def wait_for(self, reqs, timeout: float) -> None:
        """Until each signed request has an answer, at most `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            if all(self.answered_at(r.reply_token, r.user) for r in reqs):
                return
            time.sleep(0.2)
