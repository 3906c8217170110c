"""The indicator registry and results: frozen results, their helpers, how answers match, order, sources."""
from __future__ import annotations

import dataclasses

import pytest

from cases.screening import ANSWER_KEYS, FRAMEWORKS, INDICATOR_RULES, VOCABULARY, Indicator, screen
from tests.cases.screening.support import SOURCE_TAG, YES_NO_KEYS

# ---- results -------------------------------------------------------------------------------------


def test_screening_and_indicator_are_frozen():
    result = screen({"deceived": "yes"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.urgency = "urgent"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.indicators[0].name = "x"
    assert isinstance(result.indicators, tuple)
    assert all(isinstance(i, Indicator) and isinstance(i.because, tuple) for i in result.indicators)


def test_helpers_has_names_ids():
    result = screen({"documents_kept": "yes"})
    assert result.has("ilo", "retention_of_identity_documents")
    assert not result.has("ilo", "debt_bondage")
    assert result.names("thai_law") == ("seizure_of_identity_documents",)
    assert "palermo.means:other_coercion" in result.ids()



# ---- "unsure", missing and unexpected answers ----------------------------------------------------


def test_unsure_never_triggers_an_indicator():
    result = screen({key: "unsure" for key in YES_NO_KEYS} | {"recruited": "unsure"})
    assert result.indicators == ()
    assert (result.urgency, result.urgency_rule) == ("standard", "no_indicator")


def test_unexpected_values_do_not_trigger():
    result = screen({key: value for key, value in zip(YES_NO_KEYS, ["YES", True, 1, "y", "", None] * 2)})
    assert result.indicators == ()
    assert result.urgency_rule == "no_indicator"



# ---- order ---------------------------------------------------------------------------------------


def test_indicators_follow_framework_then_vocabulary_order_and_because_follows_answer_keys():
    everything = {key: "yes" for key in YES_NO_KEYS} | {
        "free_to_leave": "no", "sector": "scam_centre", "recruited": "online"}
    result = screen(everything)
    keys = [(FRAMEWORKS.index(i.framework), VOCABULARY[i.framework].index(i.name))
            for i in result.indicators]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for indicator in result.indicators:
        assert list(indicator.because) == sorted(indicator.because, key=ANSWER_KEYS.index)



# ---- traceability --------------------------------------------------------------------------------


def test_every_indicator_rule_names_a_domain_source_and_a_known_identifier():
    assert INDICATOR_RULES
    for framework, name, source, rule in INDICATOR_RULES:
        assert name in VOCABULARY[framework]
        assert SOURCE_TAG.search(source), (framework, name, source)
        assert rule.__doc__

