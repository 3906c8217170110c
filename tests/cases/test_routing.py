"""Routing a report's place to a committee: picked areas, shared locations (address names,
nearest approximate district point), typed text, nothing; and the committee chosen for it."""
from __future__ import annotations

import geothai
import pytest

from cases.geo_points import POINTS
from cases.routing import (
    METHODS,
    REASONS,
    Located,
    PickedArea,
    Place,
    Route,
    SharedLocation,
    choose_committee,
    haversine_km,
    locate,
    locate_address,
    place_from_dict,
    route,
)


def committee(cid, level, province=None, district=None, parent=None, active=True) -> dict:
    return {"id": cid, "level": level, "province_code": province, "district_code": district,
            "parent_id": parent, "active": active}


DIRECTORY = [
    committee("TH-NATIONAL", "national"),
    committee("CRI-57", "province", "57", parent="TH-NATIONAL"),
    *(committee(f"CRI-{code}", "district", "57", code, "CRI-57")
      for code in ("5709", "5708", "5703", "5713", "5715", "5704")),
]

MAE_SAI = (20.4335, 99.8762)
CHIANG_KHONG_TOWN = (20.2640, 100.4060)     # by the Mekong, a few hundred metres from [S88]'s town point
BANGKOK = (13.7563, 100.5018)


# -- the four reasons --------------------------------------------------------------------------
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


# -- picked areas --------------------------------------------------------------------------------
def test_picked_codes_are_checked_against_geothai():
    assert locate(PickedArea("57", "5799")).district_code is None          # no such district
    assert locate(PickedArea("57", "5799")).province_code == "57"
    assert locate(PickedArea("50", "5709")).district_code is None          # Mae Sai is not in Chiang Mai
    assert locate(PickedArea(None, "5708")).province_code == "57"
    assert locate(PickedArea("99")).method == "none"


# -- shared locations ----------------------------------------------------------------------------
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


# -- district names in text ----------------------------------------------------------------------
@pytest.mark.parametrize("text, district", [
    ("อำเภอเชียงแสน", "5708"),
    ("อ.แม่สาย จ.เชียงราย", "5709"),
    ("อ. เชียงของ", "5703"),
    ("Amphoe Mae Fa Luang", "5715"),
    ("Mae Fah Luang District", "5715"),
    ("I work in Mae Sai", "5709"),
    ("ถนนสะพานขาว อ.เมือง จ.เชียงราย", "5701"),
    ("บ้านเลขที่ 5 อ.พาน", "5705"),
    ("Phan, Chiang Rai", "5705"),
    ("เวียงแก่น เชียงราย", "5713"),
    ("Pathum Wan, Bangkok 10330", "1007"),
])
def test_district_names_in_text(text, district):
    assert locate_address(text).district_code == district
    assert locate(text).method == "address_name"


@pytest.mark.parametrize("text", [
    "I sing a song",          # Song is a district in Phrae
    "บ้าน สอง ชั้น",            # so is สอง ("two")
    "สะพาน",                  # contains พาน (Phan)
    "Phan",                   # a short name alone: which Phan?
    "help me please",
    "ตำบลแม่สาย",              # a subdistrict, not a district
    "อำเภอเมือง",              # which province's Mueang?
])
def test_words_that_are_not_a_district(text):
    assert locate_address(text).district_code is None


def test_province_names_and_postal_codes_narrow_the_choice():
    assert locate_address("Chiang Rai 57150").province_codes == {"57"}
    assert locate_address("เชียงราย").province_codes == {"57"}
    assert locate("Surat Thani") == Located("84", None, "address_name")
    assert locate_address("Chom Thong").district_code is None                  # in Bangkok and Chiang Mai
    assert locate_address("Chom Thong, Chiang Mai").district_code == "5002"
    assert locate_address("Chom Thong", province_hint="10").district_code == "1035"


# -- plain data in -------------------------------------------------------------------------------
def test_places_from_plain_data():
    line_message = {"type": "location", "title": "Mae Sai", "address": "Mae Sai District",
                    "latitude": 20.4335, "longitude": 99.8762}
    assert place_from_dict(line_message) == SharedLocation(20.4335, 99.8762, "Mae Sai District", "Mae Sai")
    assert place_from_dict({"lat": "20.1", "lon": "100.2"}) == SharedLocation(20.1, 100.2)
    assert place_from_dict({"province_code": 57, "district_code": 5709}) == PickedArea("57", "5709")
    assert place_from_dict({"text": " Chiang Saen "}) == "Chiang Saen"
    assert place_from_dict({}) is None and place_from_dict(42) is None
    assert place_from_dict({"latitude": "x", "longitude": 1}) is None
    assert route({"province_code": "57", "district_code": "5709"}, DIRECTORY).committee_id == "CRI-5709"
    assert route(line_message, DIRECTORY).as_dict() == {
        "committee_id": "CRI-5709", "reason": "district_committee", "district_code": "5709",
        "province_code": "57", "method": "address_name", "distance_km": 0.0}


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


# -- the point table -----------------------------------------------------------------------------
def test_the_point_table_covers_chiang_rai_and_phanom_with_real_codes():
    codes = {point.district_code for point in POINTS}
    assert codes == {d.code for d in geothai.districts("57")} | {"8410"}
    assert all(geothai.district(code) is not None for code in codes)
    for point in POINTS:   # every point decides its own district
        assert locate(SharedLocation(point.latitude, point.longitude)).district_code == point.district_code


def test_haversine():
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(*MAE_SAI, *MAE_SAI) == 0
