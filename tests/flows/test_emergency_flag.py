"""Which answers are emergency answers is data: `emergency: true` on a flow file."""
from __future__ import annotations

import pytest

from flows.loader import FlowError, load_flows
from tests.support.flow_files import BASE, write_flows


def test_the_shipped_emergency_flow_is_marked_and_no_other():
    flows = load_flows()
    assert {name for name, flow in flows.flows.items() if flow.emergency} == {"emergency"}
    help_trigger = next(t for t in flows.triggers if "help" in (t.get("words") or []) + (t.get("asks") or []))
    assert flows.flow_of(help_trigger["go"]).emergency


def _write(tmp_path, extra: str):
    write_flows(tmp_path, {**BASE, "sos.yaml": extra})


def test_a_flow_can_be_marked_emergency(tmp_path):
    _write(tmp_path, """
        flow: sos
        domain: bot
        emergency: true
        steps:
          now:
            say: [s.now]
    """)
    assert load_flows(tmp_path).flows["sos"].emergency


def test_an_emergency_flow_cannot_be_a_report(tmp_path):
    _write(tmp_path, """
        flow: sos
        domain: bot
        emergency: true
        resumable: true
        steps:
          now:
            say: [s.now]
    """)
    with pytest.raises(FlowError, match="never"):
        load_flows(tmp_path)
