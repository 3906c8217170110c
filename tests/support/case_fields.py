"""The fields casework gives a new case, for tests that write one straight through storage."""
from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
CASE_FIELDS = dict(kind="self", chat_key="Ureporter", reporter_user_id="Ureporter", language="my",
                   answers={"phone": "0812345678"}, urgency="standard", urgency_rule="ilo_core",
                   committee_id="CRI-5709", status="new", escalation_level=0, escalate_at=NOW, created_at=NOW,
                   state_since=NOW)
