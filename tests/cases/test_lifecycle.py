"""The lifecycle's one transition table, every action in every state, and its data file."""
from __future__ import annotations

import pytest
import yaml

from cases import lifecycle
from cases.lifecycle import ACTIONS, STATES, NotAllowed, allowed, parse, target

# What the issue asks, written out by hand (state -> where each action leads; absent: refused).
EXPECTED = {
    "new": {"acknowledged": "acknowledged", "taken": "taken", "moved": "new", "closed": "closed",
            "cancelled": "cancelled"},
    "acknowledged": {"taken": "taken", "moved": "new", "closed": "closed", "cancelled": "cancelled"},
    "taken": {"taken": "taken", "started": "in_progress", "referred": "referred", "referral_updated": "taken",
              "moved": "new", "closed": "closed", "cancelled": "cancelled"},
    "in_progress": {"taken": "taken", "started": "in_progress", "referred": "referred",
                    "referral_updated": "in_progress", "moved": "new", "closed": "closed",
                    "cancelled": "cancelled"},
    "referred": {"taken": "taken", "started": "in_progress", "referred": "referred",
                 "referral_updated": "referred", "moved": "new", "closed": "closed", "cancelled": "cancelled"},
    "closed": {"reopened": "taken", "referral_updated": "closed"},
    "cancelled": {},
}


def test_the_states_and_actions_are_the_contract():
    assert STATES == ("new", "acknowledged", "taken", "in_progress", "referred", "closed", "cancelled")
    assert lifecycle.OPEN_STATES == ("new", "acknowledged", "taken", "in_progress", "referred")
    assert set(ACTIONS) == {"acknowledged", "taken", "started", "referred", "referral_updated", "moved", "closed",
                            "reopened", "cancelled"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_in_every_state(action, state):
    expected = EXPECTED[state].get(action)
    assert allowed(action, state) is (expected is not None)
    if expected is None:
        with pytest.raises(NotAllowed) as refused:
            target(action, state, "ABC-234")
        assert (refused.value.action, refused.value.state, refused.value.reference) == (action, state, "ABC-234")
    else:
        assert target(action, state) == expected


def test_nothing_leaves_a_cancelled_case_and_a_closed_one_only_reopens():
    assert [a for a in ACTIONS if allowed(a, "cancelled")] == []
    assert {a for a in ACTIONS if allowed(a, "closed")} == {"reopened", "referral_updated"}


def test_the_data_file_has_the_issues_lists():
    data = lifecycle.load()
    assert {"nrm_referred", "labour_referred", "assisted_otherwise", "not_a_case", "unreachable", "duplicate",
            "moved"} <= set(data.outcomes)
    assert {"police", "labour_protection", "social_welfare", "immigration", "ngo", "embassy"} <= set(data.services)
    assert data.referral_states == ("sent", "accepted", "done", "declined")
    for state in ("acknowledged", "taken", "in_progress", "referred"):
        assert all(data.timer(state, u) > 0 for u in ("urgent", "high", "standard"))
    assert data.timer("closed", "urgent") is None and data.timer("new", "urgent") is None
    assert "to be confirmed with psdhs" in lifecycle.DATA_FILE.read_text(encoding="utf-8").lower()


def test_every_outcome_and_service_has_officer_words():
    from cases.officer_text import OFFICER_MESSAGE_IDS
    data = lifecycle.load()
    assert all(f"outcome.{o}" in OFFICER_MESSAGE_IDS for o in data.outcomes)
    assert all(f"service.{s}" in OFFICER_MESSAGE_IDS for s in data.services)


def _raw() -> dict:
    return yaml.safe_load(lifecycle.DATA_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, words", [
    (lambda r: r.update(outcomes=[]), "outcomes"),
    (lambda r: r.update(outcomes=["not_a_case", "moved"]), "lacks duplicate"),
    (lambda r: r.update(services=["police", "police"]), "twice"),
    (lambda r: r.update(services=["bad id!"]), "services"),
    (lambda r: r["timers"].update(closed={"urgent": 5}), "closed"),
    (lambda r: r["timers"].update(new={"urgent": 5}), "new"),
    (lambda r: r["timers"]["taken"].update(urgent=0), "positive"),
    (lambda r: r["timers"]["taken"].update(someday=5), "urgencies"),
    (lambda r: r.update(referral_states=["accepted"]), "sent"),
])
def test_a_wrong_data_file_is_refused_at_start_saying_what(change, words):
    raw = _raw()
    change(raw)
    with pytest.raises(ValueError, match=words):
        parse(raw)
