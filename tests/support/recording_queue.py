"""The job queue as delivery tests see it: the jobs asked for are recorded, never run, so a test
plays Redis (runs a job, or loses it as an outage or a restarted worker would)."""
from __future__ import annotations


class RecordingQueue:
    def __init__(self):
        self.delivers: list[tuple[int, float]] = []

    def deliver(self, outbox_id, delay_seconds=0):
        self.delivers.append((outbox_id, delay_seconds))
        return True

    def process_chat(self, chat_key):
        return True
