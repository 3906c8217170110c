"""LINE's side of the fault benchmark: every event made, signed and POSTed by the emulator
on schedule, and redelivered with back-off while the webhook does not answer 200, as LINE does."""
from __future__ import annotations

import heapq
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests


class Line:
    """Plays LINE: each event is made, signed and POSTed to the webhook by the emulator at
    its time; an event not answered 200 is redelivered with back-off for `window` seconds."""

    BACKOFF = (2, 4, 8, 10)

    def __init__(self, emulator: str, window: float):
        self.emulator, self.window = emulator, window
        self.pool = ThreadPoolExecutor(max_workers=32)
        self.local = threading.local()
        self.lock = threading.Lock()
        self.events: list[dict | None] = []       # index -> the event as LINE sent it
        self.first_status: dict[str, int | None] = {}
        self.ok: set[str] = set()                  # events answered 200 at least once
        self.first_sent: dict[str, float] = {}
        self.redeliveries = 0
        self.given_up: set[str] = set()
        self.due: list[tuple[float, str, int]] = []   # (when, webhookEventId, attempt)
        self.in_flight = 0
        self.errors: list[str] = []

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def _post(self, path: str, body: dict) -> dict:
        answer = self._session().post(f"{self.emulator}/emulator/api{path}", json=body, timeout=60)
        if answer.status_code not in (200, 502):      # 502: the webhook was unreachable
            raise RuntimeError(f"emulator {path} answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()

    def _outcome(self, event_id: str, status: int | None, attempt: int) -> None:
        with self.lock:
            if status == 200:
                self.ok.add(event_id)
            elif event_id not in self.ok:
                if time.time() - self.first_sent[event_id] > self.window:
                    self.given_up.add(event_id)
                else:
                    delay = self.BACKOFF[min(attempt, len(self.BACKOFF) - 1)]
                    heapq.heappush(self.due, (time.monotonic() + delay, event_id, attempt + 1))

    def _send(self, index: int, spec: dict) -> None:
        answer = self._post("/send", spec)
        event = answer["event"]
        event_id = event["webhookEventId"]
        with self.lock:
            self.events[index] = event
            self.first_sent[event_id] = time.time()
            self.first_status[event_id] = answer.get("status")
        self._outcome(event_id, answer.get("status"), 0)

    def _redeliver(self, event_id: str, attempt: int) -> None:
        answer = self._post("/redeliver", {"webhookEventId": event_id})
        with self.lock:
            self.redeliveries += 1
        self._outcome(event_id, answer.get("status"), attempt)

    def _submit(self, what: str, fn, *args) -> None:
        with self.lock:
            self.in_flight += 1
        self.pool.submit(self._in_flight, what, fn, *args)

    def _in_flight(self, what: str, fn, *args) -> None:
        """One send or redelivery on the pool: an error is kept against `what` for the report, and either
        way it is no longer in flight."""
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001
            with self.lock:
                self.errors.append(f"{what}: {type(exc).__name__}: {exc}")
        finally:
            with self.lock:
                self.in_flight -= 1

    def pump(self) -> None:
        """Start the redeliveries that are due."""
        now = time.monotonic()
        while True:
            with self.lock:
                if not self.due or self.due[0][0] > now:
                    return
                _, event_id, attempt = heapq.heappop(self.due)
            self._submit(f"redeliver {event_id}", self._redeliver, event_id, attempt)

    def send_all(self, specs: list[dict], rate: float, started: threading.Event) -> float:
        """Send the specs on schedule (open loop); returns the wall time the last one left."""
        self.events = [None] * len(specs)
        t0 = time.monotonic()
        started.set()
        for i, spec in enumerate(specs):
            while (wait := t0 + i / rate - time.monotonic()) > 0:
                self.pump()
                time.sleep(min(wait, 0.02))
            self._submit(f"send #{i}", self._send, i, spec)
        return time.time()

    def busy(self) -> bool:
        self.pump()
        with self.lock:
            return bool(self.in_flight or self.due)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
