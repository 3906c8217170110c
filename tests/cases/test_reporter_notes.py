"""cases/reporter_notes.py: the neutral state a reporter is told for each case state."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from cases.reporter_notes import REPORTER_MESSAGE_IDS, status_message_id


@pytest.mark.parametrize("state, key", [
    ("new", "status.received"), ("open", "status.received"), ("acknowledged", "status.received"),
    ("taken", "status.looked_at"), ("in_progress", "status.looked_at"), ("referred", "status.looked_at"),
    ("closed", "status.finished"), ("cancelled", "status.finished"), ("something new", "status.received")])
def test_each_case_state_reads_as_one_neutral_state(state, key):
    assert status_message_id(SimpleNamespace(status=state)) == REPORTER_MESSAGE_IDS[key]
