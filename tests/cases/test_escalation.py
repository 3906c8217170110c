"""Escalation rules, and Casework deciding them with a store that has no database behind it."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from cases.casework import Casework
from cases.escalation import NOBODY_ON_DUTY, deadline, next_up
from cases.reference import REFERENCE_ALPHABET, random_reference

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
CHAIN = [SimpleNamespace(id=cid, name_th=name, line_group_id=None)
         for cid, name in (("CRI-5709", "แม่สาย"), ("CRI-57", "เชียงราย"), ("TH-NATIONAL", "ชาติ"))]


def test_the_window_of_the_urgency_sets_the_deadline():
    assert deadline({"urgent": 900, "standard": 86400}, "urgent", NOW) == NOW + timedelta(minutes=15)
    assert deadline({"urgent": 900, "standard": 86400}, "standard", NOW) == NOW + timedelta(hours=24)


def test_the_next_committee_up_the_chain():
    assert next_up(CHAIN, "CRI-5709").id == "CRI-57"
    assert next_up(CHAIN[1:], "CRI-57").id == "TH-NATIONAL"
    assert next_up(CHAIN[1:], "CRI-5709").id == "CRI-57"      # an inactive committee is not in its own chain
    assert next_up(CHAIN[2:], "TH-NATIONAL") is None


def test_a_reference_has_nothing_to_misread():
    reference = random_reference()
    assert len(reference) == 7 and reference[3] == "-"
    assert set(reference.replace("-", "")) <= set(REFERENCE_ALPHABET)
    assert not set("01OI") & set(REFERENCE_ALPHABET)


class Store:
    """The operations Casework asks of storage.case_store.CaseStore, on plain lists."""

    def __init__(self, officers: dict[str, list[str]]):
        self.officers, self.events, self.pushed = officers, [], []

    def record(self, session, case, kind, actor, committee_id=None, **detail):
        self.events.append((kind, committee_id, detail))

    def record_all(self, session, case, lines):
        for kind, _actor, committee_id, detail, _at in lines:
            self.events.append((kind, committee_id, detail))

    def now(self):
        return NOW

    def escalation_chain(self, session, committee_id):
        return CHAIN[[c.id for c in CHAIN].index(committee_id):]

    def get_committee(self, session, committee_id):
        return next((c for c in CHAIN if c.id == committee_id), None)

    def alert_targets(self, session, committee_id, now):
        committee = self.get_committee(session, committee_id)
        return self.officers.get(committee_id, []), getattr(committee, "line_group_id", None)

    def claim_escalation(self, session, case):
        case.escalation_level += 1
        return True

    def push(self, session, target, messages):
        self.pushed.append(target)
        return target

    def push_all(self, session, targets, messages):
        return [self.push(session, target, messages) for target in targets]


class Alerts:
    def alert(self, case, reason, nobody_at=None):
        return [{"type": "text", "text": f"{reason} {nobody_at}"}]


def test_nobody_on_duty_sends_a_case_up_at_once_and_the_top_says_exhausted():
    store = Store({"CRI-57": ["U-province"]})
    casework = Casework(Alerts(), store, windows={"urgent": 900}, clock=lambda: NOW)
    case = SimpleNamespace(reference="ABC-234", committee_id="CRI-5709", status="new", escalation_level=0,
                           urgency="urgent", escalate_at=None)
    assert casework._alert(None, case, "CRI-5709", reason="district_committee") == ["U-province"]
    assert case.committee_id == "CRI-57" and case.escalation_level == 1
    assert case.escalate_at == NOW + timedelta(minutes=15)
    assert [(kind, committee) for kind, committee, _ in store.events] == [
        ("alerted", "CRI-5709"), ("escalated", "CRI-57"), ("alerted", "CRI-57")]
    assert store.events[1][2] == {"frm": "CRI-5709", "why": NOBODY_ON_DUTY}
    case.committee_id = "TH-NATIONAL"
    assert casework.escalate(None, case, "system", "no_acknowledgement") == []
    assert store.events[-1][0] == "escalation_exhausted" and case.escalate_at is None
