"""Choosing the committee for a place: the four reasons, inactive committees, determinism."""
from __future__ import annotations

import pytest

from cases.routing import METHODS, REASONS, PickedArea, Route, SharedLocation, choose_committee, route
from tests.cases.routing.support import DIRECTORY, MAE_SAI, committee


# ---- the four reasons ----------------------------------------------------------------------------
def test_a_district_with_a_committee_goes_to_it():
    result = route(PickedArea("57", "5709"), DIRECTORY)
    assert result == Route("CRI-5709", "district_committee", "5709", "57", "picked", None)


def test_a_district_without_a_committee_goes_to_its_province():
    result = route(PickedArea("57", "5705"), DIRECTORY)          # Phan
    assert (result.committee_id, result.reason, result.district_code) == ("CRI-57", "uncovered_district", "5705")


def test_a_province_without_a_district_goes_to_the_province():
    result = route(PickedArea("57"), DIRECTORY)
    assert (result.committee_id, result.reason, result.district_code) == ("CRI-57", "province_only", None)


@pytest.mark.parametrize("place", [None, PickedArea("10"), PickedArea("10", "1007"), PickedArea(None, None), ""])
def test_nothing_known_or_a_province_without_committee_goes_national(place):
    result = route(place, DIRECTORY)
    assert (result.committee_id, result.reason) == ("TH-NATIONAL", "no_province")


def test_a_province_committee_elsewhere_is_used_for_its_province():
    directory = DIRECTORY + [committee("BKK-10", "province", "10", parent="TH-NATIONAL")]
    assert route(PickedArea("10", "1007"), directory).committee_id == "BKK-10"
    assert route(PickedArea("10", "1007"), directory).reason == "uncovered_district"


def test_inactive_committees_do_not_count():
    directory = [dict(c, active=c["id"] != "CRI-5709") for c in DIRECTORY]
    assert route(PickedArea("57", "5709"), directory).committee_id == "CRI-57"
    directory = [dict(c, active=c["level"] == "district") for c in DIRECTORY]
    assert route(PickedArea("57", "5705"), directory) == Route(None, "no_province", "5705", "57", "picked")


def test_choose_committee_is_deterministic_and_every_route_uses_known_words():
    assert choose_committee(DIRECTORY, "57", "5708") == ("CRI-5708", "district_committee")
    assert choose_committee(list(reversed(DIRECTORY)), "57", "5708") == ("CRI-5708", "district_committee")
    for place in (None, PickedArea("57", "5705"), SharedLocation(*MAE_SAI), "อำเภอเชียงแสน"):
        result = route(place, DIRECTORY)
        assert result.reason in REASONS and result.method in METHODS

