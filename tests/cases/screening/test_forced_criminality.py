"""Forced criminality: each sign, and only in scam centres."""
from __future__ import annotations

import pytest

from cases.screening import VOCABULARY, screen
from tests.cases.screening.support import SECTORS, found


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

