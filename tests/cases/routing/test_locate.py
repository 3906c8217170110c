"""Deciding a report's place: picked areas, shared locations (address names, nearest approximate
district point), and a place with everything a report may say."""
from __future__ import annotations

import pytest

from cases.routing import PickedArea, Place, SharedLocation, locate, route
from tests.cases.routing.support import BANGKOK, CHIANG_KHONG_TOWN, DIRECTORY, MAE_SAI


# ---- picked areas --------------------------------------------------------------------------------
def test_picked_codes_are_checked_against_geothai():
    assert locate(PickedArea("57", "5799")).district_code is None          # no such district
    assert locate(PickedArea("57", "5799")).province_code == "57"
    assert locate(PickedArea("50", "5709")).district_code is None          # Mae Sai is not in Chiang Mai
    assert locate(PickedArea(None, "5708")).province_code == "57"
    assert locate(PickedArea("99")).method == "none"



# ---- shared locations ----------------------------------------------------------------------------
def test_mae_sai_coordinates_route_to_mae_sai():
    result = route(SharedLocation(*MAE_SAI), DIRECTORY)
    assert (result.committee_id, result.district_code, result.method) == ("CRI-5709", "5709", "nearest_point")
    assert result.distance_km < 1


def test_chiang_khong_town_routes_to_chiang_khong():
    result = route(SharedLocation(*CHIANG_KHONG_TOWN), DIRECTORY)
    assert (result.committee_id, result.district_code, result.method) == ("CRI-5703", "5703", "nearest_point")


def test_a_point_in_bangkok_goes_national():
    result = route(SharedLocation(*BANGKOK), DIRECTORY)
    assert (result.committee_id, result.reason, result.method) == ("TH-NATIONAL", "no_province", "none")
    assert result.province_code is None and result.distance_km > 500


def test_bangkok_with_its_address_is_known_but_still_national_without_a_committee():
    place = SharedLocation(*BANGKOK, address="ถนนพระราม 1 แขวงปทุมวัน เขตปทุมวัน กรุงเทพมหานคร 10330")
    result = route(place, DIRECTORY)
    assert (result.committee_id, result.reason) == ("TH-NATIONAL", "no_province")
    assert (result.province_code, result.district_code, result.method) == ("10", "1007", "address_name")


def test_the_distance_cap():
    # ~40 km south-west of Wiang Pa Pao, the southernmost Chiang Rai point: too far to say
    far = SharedLocation(19.0, 99.2)
    assert locate(far).method == "none" and locate(far).distance_km > 30
    assert route(far, DIRECTORY).committee_id == "TH-NATIONAL"
    assert locate(far, max_distance_km=60).district_code == "5711"
    assert locate(SharedLocation(0.0, 0.0)) == locate(None)              # outside Thailand's box
    assert locate(SharedLocation(float("nan"), 99.0)).method == "none"


def test_a_district_name_in_the_address_beats_the_nearest_point():
    # Between Mae Chan and Mae Sai, but LINE's address says Chiang Saen
    place = SharedLocation(20.15, 99.86, address="ตำบลเวียง อำเภอเชียงแสน เชียงราย 57150 ประเทศไทย")
    result = route(place, DIRECTORY)
    assert (result.committee_id, result.district_code, result.method) == ("CRI-5708", "5708", "address_name")
    assert result.distance_km == pytest.approx(27.5, abs=1)             # how far its point is: a hint


def test_english_addresses_and_subdistrict_names():
    english = SharedLocation(20.15, 99.86, address="Wiang, Chiang Saen District, Chiang Rai 57150, Thailand")
    assert locate(english).district_code == "5708"
    # Tambon Mae Sai is a subdistrict name here; the district is Mae Chan (no committee)
    tambon = SharedLocation(20.15, 99.86, address="Tambon Mae Sai, Mae Chan District, Chiang Rai")
    assert route(tambon, DIRECTORY).district_code == "5707"
    assert route(tambon, DIRECTORY).reason == "uncovered_district"


def test_an_address_in_another_province_overrides_a_near_point():
    # 38 km from Pa Daet, but the address is in Phayao
    place = SharedLocation(19.17, 99.90, address="พะเยา 56000")
    result = route(place, DIRECTORY)
    assert (result.province_code, result.district_code, result.committee_id) == ("56", None, "TH-NATIONAL")
    near_border = SharedLocation(19.40, 99.90, address="ถนนพหลโยธิน พะเยา 56000")   # near Pa Daet's point
    assert locate(near_border).province_code == "56"


def test_nearest_point_without_address_when_the_address_agrees_on_the_province():
    place = SharedLocation(20.36, 99.92, address="Chiang Rai, Thailand")
    assert (locate(place).district_code, locate(place).method) == ("5709", "nearest_point")



# ---- everything at once --------------------------------------------------------------------------
def test_a_place_with_everything_a_report_may_say():
    # a picked district wins over a shared location
    assert route(Place(*MAE_SAI, province_code="57", district_code="5703"), DIRECTORY).district_code == "5703"
    # then the location
    result = route(Place(*MAE_SAI, address="", province_code="57"), DIRECTORY)
    assert (result.district_code, result.method) == ("5709", "nearest_point")
    # a location that decides nothing: the picked province fills in
    result = route(Place(*BANGKOK, province_code="57"), DIRECTORY)
    assert (result.committee_id, result.reason, result.method) == ("CRI-57", "province_only", "picked")
    # only text
    assert route(Place(address="อำเภอเชียงแสน"), DIRECTORY).committee_id == "CRI-5708"
    assert route(Place(), DIRECTORY) == route(None, DIRECTORY)
    assert route(Place(latitude=None, longitude=None, address="", province_code=None, district_code=None),
                 DIRECTORY).reason == "no_province"

