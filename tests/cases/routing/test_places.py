"""Places from plain data, the approximate district points, and the distance between points."""
from __future__ import annotations

import geothai
import pytest

from cases.routing import PickedArea, SharedLocation, haversine_km, locate, place_from_dict, route
from cases.routing.geo_points import POINTS
from tests.cases.routing.support import DIRECTORY, MAE_SAI


# ---- plain data in -------------------------------------------------------------------------------
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



# ---- the point table -----------------------------------------------------------------------------
def test_the_point_table_covers_chiang_rai_and_phanom_with_real_codes():
    codes = {point.district_code for point in POINTS}
    assert codes == {d.code for d in geothai.districts("57")} | {"8410"}
    assert all(geothai.district(code) is not None for code in codes)
    for point in POINTS:   # every point decides its own district
        assert locate(SharedLocation(point.latitude, point.longitude)).district_code == point.district_code


def test_haversine():
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(*MAE_SAI, *MAE_SAI) == 0

