"""Palermo Protocol art. 3: one test per act, means and purpose rule, then completeness for adults and children."""
from __future__ import annotations

import pytest

from cases.screening import ANSWER_KEYS, screen
from tests.cases.screening.support import found

# ---- act -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("recruited", ["broker", "employer", "online", "friend_family", "mou"])
def test_act_recruitment_when_someone_recruited_the_person(recruited):
    assert found(screen({"recruited": recruited}))["palermo.act:recruitment"] == ("recruited",)


@pytest.mark.parametrize("recruited", ["other", "unsure", None, "nonsense"])
def test_no_recruitment_act_when_nobody_is_said_to_have_recruited(recruited):
    assert not screen({"recruited": recruited}).has("palermo.act", "recruitment")


def test_act_transportation_from_moved_across_border():
    assert found(screen({"moved_across_border": "yes"})) == {
        "palermo.act:transportation": ("moved_across_border",)}
    assert screen({"moved_across_border": "no"}).indicators == ()


def test_act_harbouring_from_not_free_to_leave_and_not_also_a_means():
    result = screen({"free_to_leave": "no"})
    assert result.has("palermo.act", "harbouring")
    assert result.names("palermo.means") == ()
    assert screen({"free_to_leave": "yes"}).indicators == ()


def test_act_alone_is_no_indicator_of_harm():
    result = screen({"recruited": "broker", "moved_across_border": "yes"})
    assert result.names("palermo.act") == ("recruitment", "transportation")
    assert (result.urgency, result.urgency_rule) == ("standard", "no_indicator")



# ---- means ---------------------------------------------------------------------------------------


def test_means_deception_only_not_fraud():
    result = screen({"deceived": "yes"})
    assert result.names("palermo.means") == ("deception",)


def test_means_threat_of_force_is_the_lesser_claim():
    result = screen({"threats_violence": "yes"})
    assert result.names("palermo.means") == ("threat_of_force",)


def test_means_other_coercion_from_documents_and_debt_combined_in_one_indicator():
    assert found(screen({"documents_kept": "yes"}))["palermo.means:other_coercion"] == ("documents_kept",)
    assert found(screen({"debt": "yes"}))["palermo.means:other_coercion"] == ("debt",)
    both = screen({"debt": "yes", "documents_kept": "yes"})
    assert both.names("palermo.means") == ("other_coercion",)
    assert found(both)["palermo.means:other_coercion"] == ("documents_kept", "debt")
    assert not both.has("palermo.means", "abuse_of_position_of_vulnerability")
    assert not both.has("palermo.means", "payments_or_benefits_to_person_in_control")



# ---- purpose -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key,value", [
    ("free_to_leave", "no"), ("threats_violence", "yes"), ("documents_kept", "yes"), ("debt", "yes"),
])
def test_purpose_forced_labour_from_each_coercion_sign(key, value):
    assert found(screen({key: value}))["palermo.purpose:forced_labour_or_services"] == (key,)


@pytest.mark.parametrize("key", ["deceived", "wages_withheld", "excessive_hours", "bad_living"])
def test_no_forced_labour_purpose_from_deception_or_labour_rights_alone(key):
    assert screen({key: "yes"}).names("palermo.purpose") == ()


def test_scam_centre_not_free_to_leave_is_forced_labour():
    result = screen({"sector": "scam_centre", "free_to_leave": "no"})
    assert found(result)["palermo.purpose:forced_labour_or_services"] == ("free_to_leave",)


@pytest.mark.parametrize("key,value", [
    ("free_to_leave", "no"), ("threats_violence", "yes"), ("documents_kept", "yes"),
    ("debt", "yes"), ("deceived", "yes"), ("under_18", "yes"),
])
def test_purpose_exploitation_of_prostitution_in_sex_work_with_a_sign(key, value):
    result = screen({"sector": "sex_work", key: value})
    assert found(result)["palermo.purpose:exploitation_of_prostitution"] == tuple(
        k for k in ANSWER_KEYS if k in (key, "sector"))


def test_adult_sex_work_without_any_sign_is_not_flagged():
    result = screen({"sector": "sex_work", "under_18": "no", "free_to_leave": "yes"})
    assert result.indicators == ()
    assert (result.urgency, result.urgency_rule) == ("standard", "no_indicator")


def test_prostitution_purpose_only_in_sex_work_sector():
    assert not screen({"sector": "factory", "deceived": "yes", "under_18": "yes"}).has(
        "palermo.purpose", "exploitation_of_prostitution")



# ---- completeness (adult vs child) ---------------------------------------------------------------


def test_adult_needs_act_means_and_purpose():
    # act (harbouring) + purpose (forced labour), no means
    assert not screen({"free_to_leave": "no"}).palermo_complete
    # + means (documents kept)
    assert screen({"free_to_leave": "no", "documents_kept": "yes"}).palermo_complete
    # means + purpose without an act
    assert not screen({"threats_violence": "yes"}).palermo_complete
    assert screen({"threats_violence": "yes", "recruited": "broker"}).palermo_complete


def test_child_needs_act_and_purpose_but_not_means():
    child = {"under_18": "yes", "sector": "sex_work", "recruited": "friend_family"}
    result = screen(child)
    assert result.names("palermo.means") == ()
    assert result.palermo_complete
    # the same answers for an adult: no purpose (no sign), not complete
    assert not screen(child | {"under_18": "no"}).palermo_complete
    # child, act + purpose from not free to leave alone: complete without means
    assert screen({"under_18": "yes", "free_to_leave": "no"}).palermo_complete
    assert not screen({"under_18": "unsure", "free_to_leave": "no"}).palermo_complete


def test_child_without_an_act_is_not_complete():
    assert not screen({"under_18": "yes", "threats_violence": "yes"}).palermo_complete

