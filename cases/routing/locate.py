"""Deciding a report's place: its district and province, and how they were decided.

A shared location's district: first a district name in LINE's address text; else the nearest
approximate district point (geo_points.py, [S88] — APPROXIMATE, ROUGH ROUTING ONLY: there are no
boundary polygons with a clear licence, DOMAIN.md §6) within `max_distance_km`. Farther than that
from every known point, the district and province are unknown (unless the address names the
province). Points exist only for Chiang Rai's 18 districts and Phanom (Surat Thani), so a location
elsewhere in Thailand routes by its address text or goes national. Near a province border the
nearest point can be in the wrong province.
"""
from __future__ import annotations

import geothai

from .address import AddressMatch, locate_address
from .places import (
    DEFAULT_MAX_DISTANCE_KM,
    Located,
    PickedArea,
    Place,
    PlaceLike,
    SharedLocation,
    as_code,
    distance_to_district,
    in_thailand_box,
    nearest_district,
    place_from_dict,
    valid_coordinates,
)


def locate(place: PlaceLike, *, max_distance_km: float = DEFAULT_MAX_DISTANCE_KM) -> Located:
    """The district and province of a report's place, and how they were decided."""
    place = place_from_dict(place)
    if isinstance(place, Place):
        return _combined(place, max_distance_km)
    if isinstance(place, PickedArea):
        return _picked(place)
    if isinstance(place, str):
        match = locate_address(place)
        if match.district_code:
            return Located(match.district_code[:2], match.district_code, "address_name")
        if len(match.province_codes) == 1:
            return Located(next(iter(match.province_codes)), None, "address_name")
        return Located(None, None, "none")
    if isinstance(place, SharedLocation):
        return _shared(place, max_distance_km)
    return Located(None, None, "none")


def _combined(place: Place, max_distance_km: float) -> Located:
    picked = _picked(PickedArea(place.province_code, place.district_code))
    if picked.district_code:
        return picked
    if place.latitude is not None and place.longitude is not None:
        try:
            shared = SharedLocation(float(place.latitude), float(place.longitude), place.address, place.title)
        except (TypeError, ValueError):
            shared = None
        if shared is not None:
            located = _shared(shared, max_distance_km)
            if located.method != "none" or picked.method == "none":
                return located
            return Located(picked.province_code, None, "picked", located.distance_km)
    if picked.method != "none":
        return picked
    text = " ".join(part for part in (place.title, place.address) if isinstance(part, str) and part.strip())
    return locate(text or None)


def _picked(place: PickedArea) -> Located:
    district, province = as_code(place.district_code), as_code(place.province_code)
    found = geothai.district(district) if district else None
    if found is not None and (not province or province == found.province_code):
        return Located(found.province_code, found.code, "picked")
    if province and geothai.province(province) is not None:
        return Located(province, None, "picked")
    return Located(None, None, "none")


def _shared(place: SharedLocation, max_distance_km: float) -> Located:
    lat, lon = place.latitude, place.longitude
    usable = valid_coordinates(lat, lon) and in_thailand_box(lat, lon)
    nearest = nearest_district(lat, lon) if usable else None
    near = nearest is not None and nearest[1] <= max_distance_km
    near_province = nearest[0].district_code[:2] if near else None
    nearest_km = round(nearest[1], 1) if nearest else None

    text = " ".join(part for part in (place.title, place.address) if isinstance(part, str) and part.strip())
    match = locate_address(text, province_hint=near_province) if text else AddressMatch(None, frozenset())
    if match.district_code:
        km = distance_to_district(lat, lon, match.district_code) if usable else None
        return Located(match.district_code[:2], match.district_code, "address_name", km)
    if near and (not match.province_codes or near_province in match.province_codes):
        return Located(near_province, nearest[0].district_code, "nearest_point", nearest_km)
    if len(match.province_codes) == 1:
        return Located(next(iter(match.province_codes)), None, "address_name", nearest_km)
    return Located(None, None, "none", nearest_km)
