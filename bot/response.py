"""The answer a responder gives to one event, which the chat processor stores and sends."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Response:
    """What the bot answers to one event: LINE message objects, and whether a push is fine.

    also: outbox rows the answer set off (e.g. alerts to officers), written in the same
    transaction and sent after the answer; escalating: cases the answer gave a new deadline,
    whose escalation check is scheduled once the transaction is committed; photos: ids of new
    cases whose photos are fetched from LINE once it is committed; emergency: an
    answer from an emergency flow, retried until delivered within EMERGENCY_DELIVERY_SECONDS
    instead of LINE_SEND_RETRIES attempts."""

    messages: list[dict] = field(default_factory=list)
    push_allowed: bool = True
    emergency: bool = False
    also: list = field(default_factory=list)
    escalating: list = field(default_factory=list)
    photos: list = field(default_factory=list)

    def schedule_escalation(self, case) -> None:
        """Check the case for escalation at its deadline, once this answer is committed
        (worker/escalations.schedule_checks)."""
        self.escalating.append(case)

    def fetch_photos(self, case_id: int) -> None:
        """Fetch the case's photos from LINE once this answer is committed (worker/photos.py)."""
        self.photos.append(case_id)
