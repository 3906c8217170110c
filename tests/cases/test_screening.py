"""Screening and triage of intake answers: one test per rule, then realistic scenarios."""
from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType

import pytest

from cases import screening
from cases.screening import (
    ANSWER_KEYS,
    FRAMEWORKS,
    INDICATOR_RULES,
    THAI_NRM_ROR_BOR_1_ITEMS,
    URGENCY_RULES,
    URGENCY_WINDOWS_DEFAULT,
    VOCABULARY,
    Indicator,
    Screening,
    screen,
    urgency_windows,
)

YES_NO_KEYS = (
    "in_danger", "free_to_leave", "documents_kept", "debt", "deceived", "threats_violence",
    "wages_withheld", "excessive_hours", "bad_living", "under_18", "medical_emergency",
    "moved_across_border",
)
SECTORS = ("fishing", "construction", "agriculture", "domestic", "factory", "scam_centre",
           "sex_work", "other")
RECRUITED = ("broker", "employer", "online", "friend_family", "mou", "other", "unsure")


def found(result: Screening) -> dict[str, tuple[str, ...]]:
    """{"framework:name": because} for compact assertions."""
    return {f"{i.framework}:{i.name}": i.because for i in result.indicators}


# ---- output shape --------------------------------------------------------------------------


def test_empty_answers_are_standard_with_no_indicator():
    result = screen({})
    assert result == Screening(indicators=(), urgency="standard", urgency_rule="no_indicator",
                               palermo_complete=False)


def test_screening_and_indicator_are_frozen():
    result = screen({"deceived": "yes"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.urgency = "urgent"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.indicators[0].name = "x"
    assert isinstance(result.indicators, tuple)
    assert all(isinstance(i, Indicator) and isinstance(i.because, tuple) for i in result.indicators)


def test_answers_must_be_a_mapping():
    with pytest.raises(TypeError):
        screen([("deceived", "yes")])
    assert screen(MappingProxyType({"deceived": "yes"})) == screen({"deceived": "yes"})


def test_helpers_has_names_ids():
    result = screen({"documents_kept": "yes"})
    assert result.has("ilo", "retention_of_identity_documents")
    assert not result.has("ilo", "debt_bondage")
    assert result.names("thai_law") == ("seizure_of_identity_documents",)
    assert "palermo.means:other_coercion" in result.ids()


# ---- Palermo act -----------------------------------------------------------------------------


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


# ---- Palermo means ---------------------------------------------------------------------------


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


# ---- Palermo purpose -------------------------------------------------------------------------


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


def test_unasked_purposes_and_means_are_never_found():
    everything = {key: "yes" for key in YES_NO_KEYS} | {"free_to_leave": "no", "urgent": True}
    for sector in SECTORS:
        for recruited in RECRUITED:
            result = screen(everything | {"sector": sector, "recruited": recruited})
            names = set(result.ids())
            assert not names & {
                "palermo.purpose:other_sexual_exploitation", "palermo.purpose:servitude",
                "palermo.purpose:slavery_or_similar_practices", "palermo.purpose:removal_of_organs",
                "palermo.means:abduction", "palermo.means:fraud", "palermo.means:use_of_force",
                "palermo.act:transfer", "palermo.act:receipt",
                "ilo:isolation", "ilo:abuse_of_vulnerability", "ilo:physical_and_sexual_violence",
            }


# ---- Palermo completeness (adult vs child) ---------------------------------------------------


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


# ---- ILO -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key,value,name", [
    ("deceived", "yes", "deception"),
    ("free_to_leave", "no", "restriction_of_movement"),
    ("threats_violence", "yes", "intimidation_and_threats"),
    ("documents_kept", "yes", "retention_of_identity_documents"),
    ("wages_withheld", "yes", "withholding_of_wages"),
    ("debt", "yes", "debt_bondage"),
    ("bad_living", "yes", "abusive_working_and_living_conditions"),
    ("excessive_hours", "yes", "excessive_overtime"),
])
def test_each_ilo_indicator(key, value, name):
    result = screen({key: value})
    assert result.names("ilo") == (name,)
    assert found(result)[f"ilo:{name}"] == (key,)


# ---- Thai law ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key,name", [
    ("threats_violence", "threat_or_use_of_force"),
    ("deceived", "deception"),
    ("documents_kept", "seizure_of_identity_documents"),
    ("debt", "debt_bondage"),
])
def test_each_thai_law_indicator(key, name):
    result = screen({key: "yes"})
    assert result.names("thai_law") == (name,)
    assert found(result)[f"thai_law:{name}"] == (key,)


def test_not_free_to_leave_is_not_claimed_under_thai_law():
    assert screen({"free_to_leave": "no"}).names("thai_law") == ()


def test_thai_nrm_form_items_are_not_invented():
    assert THAI_NRM_ROR_BOR_1_ITEMS is None
    assert "ror_bor" not in " ".join(" ".join(v) for v in VOCABULARY.values()).lower()


# ---- Forced criminality (scam centres) -----------------------------------------------------


@pytest.mark.parametrize("key,value,name", [
    ("recruited", "online", "online_job_offer_recruitment"),
    ("moved_across_border", "yes", "transported"),
    ("documents_kept", "yes", "document_retention"),
    ("threats_violence", "yes", "threats_and_violence"),
    ("free_to_leave", "no", "movement_restricted"),
    ("debt", "yes", "travel_debt"),
])
def test_each_forced_criminality_indicator_in_a_scam_centre(key, value, name):
    result = screen({"sector": "scam_centre", key: value})
    assert result.names("forced_criminality") == tuple(
        sorted(("scam_call_centre", name), key=VOCABULARY["forced_criminality"].index))
    assert set(found(result)[f"forced_criminality:{name}"]) == {key, "sector"}


def test_scam_centre_sector_alone():
    result = screen({"sector": "scam_centre"})
    assert found(result) == {"forced_criminality:scam_call_centre": ("sector",)}
    assert (result.urgency, result.urgency_rule) == ("standard", "other_indicators_only")


def test_forced_criminality_only_in_scam_centres():
    answers = {"recruited": "online", "moved_across_border": "yes", "documents_kept": "yes",
               "threats_violence": "yes", "free_to_leave": "no", "debt": "yes"}
    for sector in SECTORS:
        if sector != "scam_centre":
            assert screen(answers | {"sector": sector}).names("forced_criminality") == ()


# ---- "unsure", missing and unexpected answers ----------------------------------------------


def test_unsure_never_triggers_an_indicator():
    result = screen({key: "unsure" for key in YES_NO_KEYS} | {"recruited": "unsure"})
    assert result.indicators == ()
    assert (result.urgency, result.urgency_rule) == ("standard", "no_indicator")


def test_unexpected_values_do_not_trigger():
    result = screen({key: value for key, value in zip(YES_NO_KEYS, ["YES", True, 1, "y", "", None] * 2)})
    assert result.indicators == ()
    assert result.urgency_rule == "no_indicator"


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


# ---- each urgency rule ---------------------------------------------------------------------


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


# ---- self and tip -----------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [
    {}, {"free_to_leave": "no", "documents_kept": "yes"}, {"under_18": "yes", "sector": "sex_work"},
    {"wages_withheld": "yes"}, {"in_danger": "unsure", "threats_violence": "yes"},
])
def test_tip_and_self_follow_the_same_rules(answers):
    tip = screen(answers | {"kind": "tip", "people_count": 12, "nationality": "myanmar"})
    own = screen(answers | {"kind": "self", "nationality": "cambodia"})
    assert tip == own == screen(answers)


# ---- determinism ------------------------------------------------------------------------------


def test_output_order_does_not_depend_on_answer_order():
    answers = {"sector": "scam_centre", "debt": "yes", "recruited": "online", "deceived": "yes",
               "threats_violence": "yes", "documents_kept": "yes", "free_to_leave": "no",
               "moved_across_border": "yes", "wages_withheld": "yes", "under_18": "yes"}
    reversed_answers = dict(reversed(list(answers.items())))
    assert screen(answers) == screen(reversed_answers) == screen(answers)


def test_indicators_follow_framework_then_vocabulary_order_and_because_follows_answer_keys():
    everything = {key: "yes" for key in YES_NO_KEYS} | {
        "free_to_leave": "no", "sector": "scam_centre", "recruited": "online"}
    result = screen(everything)
    keys = [(FRAMEWORKS.index(i.framework), VOCABULARY[i.framework].index(i.name))
            for i in result.indicators]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for indicator in result.indicators:
        assert list(indicator.because) == sorted(indicator.because, key=ANSWER_KEYS.index)


# ---- traceability ---------------------------------------------------------------------------

SOURCE_TAG = re.compile(r"DOMAIN\.md §\d(\.\d)?.*(\[S\d+\]|\[00\d\]|design suggestion)")


def test_every_indicator_rule_names_a_domain_source_and_a_known_identifier():
    assert INDICATOR_RULES
    for framework, name, source, rule in INDICATOR_RULES:
        assert name in VOCABULARY[framework]
        assert SOURCE_TAG.search(source), (framework, name, source)
        assert rule.__doc__


def test_every_urgency_rule_names_a_domain_source():
    for rule in URGENCY_RULES:
        assert rule.urgency in ("urgent", "high", "standard")
        assert SOURCE_TAG.search(rule.source), rule


def test_module_docstring_says_the_triage_is_not_an_official_protocol():
    doc = " ".join(screening.__doc__.split())
    assert "my own design suggestion, not an official protocol" in doc
    assert "NOT FOUND" in doc


def test_no_imports_beyond_the_standard_library():
    with open(screening.__file__, encoding="utf-8") as handle:
        source = handle.read()
    imported = set(re.findall(r"^(?:from|import) ([\w.]+)", source, re.MULTILINE))
    assert imported <= {"__future__", "collections.abc", "dataclasses", "types"}


# ---- response windows ----------------------------------------------------------------------


def test_urgency_windows_defaults_and_overrides():
    assert URGENCY_WINDOWS_DEFAULT == {"urgent": 15 * 60, "high": 60 * 60, "standard": 24 * 60 * 60}
    with pytest.raises(TypeError):
        URGENCY_WINDOWS_DEFAULT["urgent"] = 1  # read-only: configure through urgency_windows()
    assert urgency_windows({"high": 4 * 3600}) == {"urgent": 900, "high": 14400, "standard": 86400}
    assert urgency_windows() == dict(URGENCY_WINDOWS_DEFAULT)
    for bad in ({"soon": 60}, {"high": 0}, {"high": -5}, {"high": True}, {"high": "60"}):
        with pytest.raises(ValueError):
            urgency_windows(bad)


# ---- realistic scenarios: the urgency rule each one lands on ----------------------------

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
