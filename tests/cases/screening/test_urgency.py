"""Triage: one test per urgency rule, their order and sources, the response windows, then realistic scenarios."""
from __future__ import annotations

import pytest

from cases.screening import URGENCY_RULES, URGENCY_WINDOWS_DEFAULT, screen, urgency_windows
from tests.cases.screening.support import SOURCE_TAG

# ---- "unsure" and "no" about danger now ----------------------------------------------------------


def test_unsure_danger_with_violence_or_confinement_is_urgent():
    assert screen({"in_danger": "unsure", "threats_violence": "yes"}).urgency_rule == "danger_unsure_with_signs"
    assert screen({"in_danger": "unsure", "free_to_leave": "no"}).urgency_rule == "danger_unsure_with_signs"


def test_unsure_danger_alone_or_with_weaker_signs_does_not_escalate():
    assert screen({"in_danger": "unsure"}).urgency_rule == "no_indicator"
    result = screen({"in_danger": "unsure", "wages_withheld": "yes", "deceived": "yes"})
    assert (result.urgency, result.urgency_rule) == ("standard", "other_indicators_only")
    # documents kept is a high sign but not "danger now" as §4.6 spells it out
    assert screen({"in_danger": "unsure", "documents_kept": "yes"}).urgency == "high"


def test_clear_no_on_danger_with_violence_is_high_not_urgent():
    result = screen({"in_danger": "no", "threats_violence": "yes"})
    assert (result.urgency, result.urgency_rule) == ("high", "ilo_core")



# ---- each urgency rule ---------------------------------------------------------------------------


def test_rule_danger_now():
    result = screen({"in_danger": "yes"})
    assert (result.urgency, result.urgency_rule) == ("urgent", "danger_now")


def test_rule_medical_emergency():
    result = screen({"medical_emergency": "yes"})
    assert (result.urgency, result.urgency_rule) == ("urgent", "medical_emergency")
    assert screen({"medical_emergency": "unsure"}).urgency == "standard"


def test_rule_child_exploitation_needs_a_purpose_not_means():
    result = screen({"under_18": "yes", "sector": "sex_work"})
    assert result.names("palermo.means") == ()
    assert (result.urgency, result.urgency_rule) == ("urgent", "child_exploitation")
    assert screen({"under_18": "yes", "debt": "yes"}).urgency_rule == "child_exploitation"


def test_child_with_labour_rights_problems_only_is_not_the_child_rule():
    result = screen({"under_18": "yes", "excessive_hours": "yes", "wages_withheld": "yes"})
    assert (result.urgency, result.urgency_rule) == ("standard", "labour_rights_only")


def test_rule_emergency_path_with_danger_signs():
    for signs in ({"threats_violence": "yes"}, {"free_to_leave": "no"}, {"in_danger": "unsure"}):
        result = screen({"urgent": True} | signs)
        assert (result.urgency, result.urgency_rule) == ("urgent", "emergency_path_danger_signs")


def test_emergency_flag_alone_does_not_decide():
    assert screen({"urgent": True}).urgency_rule == "no_indicator"
    assert screen({"urgent": True, "documents_kept": "yes"}).urgency_rule == "ilo_core"
    assert screen({"urgent": "yes", "threats_violence": "yes"}).urgency_rule == "ilo_core"


def test_rule_palermo_complete():
    result = screen({"recruited": "broker", "deceived": "yes", "sector": "sex_work"})
    assert result.names("ilo") == ("deception",)  # an ILO indicator, but not a core one
    assert (result.urgency, result.urgency_rule) == ("high", "palermo_complete")


@pytest.mark.parametrize("answers", [
    {"free_to_leave": "no"}, {"threats_violence": "yes"}, {"documents_kept": "yes"},
])
def test_rule_ilo_core(answers):
    result = screen(answers)
    assert not result.palermo_complete
    assert (result.urgency, result.urgency_rule) == ("high", "ilo_core")


def test_rule_thai_law_coercion_for_debt_bondage():
    result = screen({"debt": "yes"})
    assert (result.urgency, result.urgency_rule) == ("high", "thai_law_coercion")


@pytest.mark.parametrize("key", ["wages_withheld", "excessive_hours", "bad_living"])
def test_rule_labour_rights_only(key):
    result = screen({key: "yes", "recruited": "broker", "moved_across_border": "yes"})
    assert (result.urgency, result.urgency_rule) == ("standard", "labour_rights_only")


def test_rule_other_indicators_only():
    result = screen({"deceived": "yes", "wages_withheld": "yes"})
    assert (result.urgency, result.urgency_rule) == ("standard", "other_indicators_only")


def test_rule_order_first_match_wins():
    everything = {"in_danger": "yes", "medical_emergency": "yes", "under_18": "yes",
                  "free_to_leave": "no", "urgent": True, "recruited": "broker"}
    assert screen(everything).urgency_rule == "danger_now"
    assert screen(everything | {"in_danger": "no"}).urgency_rule == "medical_emergency"
    assert screen(everything | {"in_danger": "no", "medical_emergency": "no"}).urgency_rule == (
        "child_exploitation")
    assert screen(everything | {"in_danger": "no", "medical_emergency": "no", "under_18": "no"}
                  ).urgency_rule == "emergency_path_danger_signs"


def test_every_urgency_rule_is_reachable_and_ids_are_unique():
    ids = [rule.id for rule in URGENCY_RULES]
    assert len(ids) == len(set(ids))
    assert URGENCY_RULES[-1].id == "no_indicator"
    reached = {screen(answers).urgency_rule for answers, _, _ in SCENARIOS} | {
        screen(a).urgency_rule for a in (
            {}, {"in_danger": "yes"}, {"medical_emergency": "yes"}, {"debt": "yes"},
            {"urgent": True, "threats_violence": "yes"}, {"deceived": "yes"},
            {"in_danger": "unsure", "free_to_leave": "no"},
        )}
    assert reached == set(ids)


def test_every_urgency_rule_names_a_domain_source():
    for rule in URGENCY_RULES:
        assert rule.urgency in ("urgent", "high", "standard")
        assert SOURCE_TAG.search(rule.source), rule



# ---- response windows ----------------------------------------------------------------------------


def test_urgency_windows_defaults_and_overrides():
    assert URGENCY_WINDOWS_DEFAULT == {"urgent": 15 * 60, "high": 60 * 60, "standard": 24 * 60 * 60}
    with pytest.raises(TypeError):
        URGENCY_WINDOWS_DEFAULT["urgent"] = 1  # read-only: configure through urgency_windows()
    assert urgency_windows({"high": 4 * 3600}) == {"urgent": 900, "high": 14400, "standard": 86400}
    assert urgency_windows() == dict(URGENCY_WINDOWS_DEFAULT)
    for bad in ({"soon": 60}, {"high": 0}, {"high": -5}, {"high": True}, {"high": "60"}):
        with pytest.raises(ValueError):
            urgency_windows(bad)



# ---- realistic scenarios: the urgency rule each one lands on -------------------------------------


SCENARIOS = [
    # (answers, expected urgency, expected rule)
    ({"kind": "self", "sector": "scam_centre", "recruited": "online", "moved_across_border": "yes",
      "free_to_leave": "no", "documents_kept": "yes", "in_danger": "no"},
     "high", "palermo_complete"),  # scam-centre worker, not free, passport taken, says not in danger now
    ({"kind": "self", "sector": "scam_centre", "recruited": "online", "free_to_leave": "no",
      "documents_kept": "yes", "in_danger": "unsure"},
     "urgent", "danger_unsure_with_signs"),  # same, cannot say they are safe right now
    ({"kind": "self", "sector": "scam_centre", "free_to_leave": "no", "documents_kept": "yes",
      "threats_violence": "yes", "in_danger": "yes"},
     "urgent", "danger_now"),
    ({"kind": "self", "sector": "fishing", "recruited": "broker", "wages_withheld": "yes",
      "free_to_leave": "yes", "in_danger": "no"},
     "standard", "labour_rights_only"),  # fisherman, wages withheld only
    ({"kind": "tip", "sector": "sex_work", "under_18": "yes", "recruited": "friend_family",
      "people_count": 1, "nationality": "laos"},
     "urgent", "child_exploitation"),  # a 16-year-old in sex work
    ({"kind": "self", "sector": "construction", "recruited": "broker", "debt": "yes",
      "wages_withheld": "yes", "in_danger": "no"},
     "high", "palermo_complete"),  # broker debt keeps him there: act + means + purpose
    ({"kind": "self", "sector": "agriculture", "recruited": "other", "debt": "yes"},
     "high", "thai_law_coercion"),  # debt bondage, no recruiter named
    ({"kind": "self", "sector": "domestic", "recruited": "other", "documents_kept": "yes",
      "excessive_hours": "yes", "bad_living": "yes"},
     "high", "ilo_core"),  # domestic worker whose employer keeps her passport
    ({"kind": "self", "sector": "factory", "recruited": "mou", "excessive_hours": "yes",
      "bad_living": "yes", "free_to_leave": "yes", "in_danger": "no"},
     "standard", "labour_rights_only"),
    ({"kind": "self", "sector": "factory", "deceived": "yes", "wages_withheld": "yes"},
     "standard", "other_indicators_only"),  # lied to about pay, otherwise free
    ({"kind": "tip", "sector": "fishing", "people_count": 8, "nationality": "myanmar",
      "medical_emergency": "yes", "threats_violence": "unsure"},
     "urgent", "medical_emergency"),  # volunteer sees an injured crew member
    ({"kind": "self", "urgent": True, "threats_violence": "yes", "sector": "construction"},
     "urgent", "emergency_path_danger_signs"),  # came through the emergency words, being beaten
    ({"kind": "self", "urgent": True, "sector": "other", "in_danger": "no"},
     "standard", "no_indicator"),  # emergency button, then nothing wrong found
    ({"kind": "tip", "sector": "fishing", "under_18": "yes", "free_to_leave": "no",
      "people_count": 3, "in_danger": "no"},
     "urgent", "child_exploitation"),  # boys kept on a boat
    ({"kind": "self", "sector": "sex_work", "recruited": "online", "under_18": "no",
      "deceived": "yes", "moved_across_border": "yes"},
     "high", "palermo_complete"),  # adult lured by a fake job into sex work
    ({"kind": "self", "sector": "sex_work", "under_18": "no", "free_to_leave": "yes"},
     "standard", "no_indicator"),  # adult sex worker, no sign of exploitation
    ({"kind": "self", "sector": "scam_centre", "recruited": "online", "deceived": "yes",
      "free_to_leave": "yes"},
     "standard", "other_indicators_only"),  # lured into a scam centre but free to leave
    ({}, "standard", "no_indicator"),
]


@pytest.mark.parametrize("answers,urgency,rule", SCENARIOS,
                         ids=[f"{i:02d}-{rule}" for i, (_, _, rule) in enumerate(SCENARIOS)])
def test_scenarios(answers, urgency, rule):
    result = screen(answers)
    assert (result.urgency, result.urgency_rule) == (urgency, rule)

