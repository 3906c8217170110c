"""A report's place as plain data, and the approximate district points a shared location is measured
against: the types every other routing module speaks, kept apart from how a place is decided.

A report's place is one of
- a shared LINE location: `SharedLocation(latitude, longitude, address, title)`;
- an area the person picked: `PickedArea(province_code, district_code)` (DOPA codes);
- text they typed about where they are (a `str`), matched against district names;
- all of these at once: `Place(latitude, longitude, address, title, province_code,
  district_code)`, any of them None (a picked district wins, then the location);
- nothing (`None`).
`place_from_dict` builds one of these from stored conversation state or a LINE location
message (a plain dict is accepted wherever a place is).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .geo_points import POINTS, DistrictPoint

DEFAULT_MAX_DISTANCE_KM = 30.0
# Thailand's rough bounding box (lat, lon); coordinates outside it are not matched to points.
THAILAND_BOX = (5.5, 20.6, 97.2, 105.8)

METHODS = ("picked", "address_name", "nearest_point", "none")


@dataclass(frozen=True)
class SharedLocation:
    latitude: float
    longitude: float
    address: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class PickedArea:
    province_code: str | None
    district_code: str | None = None


@dataclass(frozen=True)
class Place:
    """Everything a report may say about its place at once (e.g. from a finished intake):
    a picked district wins; then a shared location (a picked province fills in if the
    location decides nothing); then a picked province; then the address text alone."""

    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    title: str | None = None
    province_code: str | None = None
    district_code: str | None = None


PlaceLike = Place | SharedLocation | PickedArea | str | Mapping | None


@dataclass(frozen=True)
class Located:
    """Where a place turned out to be, and `method` (one of METHODS): how that was decided."""

    province_code: str | None
    district_code: str | None
    method: str
    distance_km: float | None = None


def place_from_dict(data: Any) -> SharedLocation | PickedArea | Place | str | None:
    """A place from plain data: a LINE location message or {"latitude", "longitude",
    "address", "title"} (also "lat"/"lon"); {"province_code", "district_code"}; {"text"}; or
    a string. Anything else is None."""
    if data is None or isinstance(data, (SharedLocation, PickedArea, Place)):
        return data
    if isinstance(data, str):
        return data.strip() or None
    if not isinstance(data, Mapping):
        return None
    lat, lon = data.get("latitude", data.get("lat")), data.get("longitude", data.get("lon"))
    if lat is not None and lon is not None:
        try:
            return SharedLocation(float(lat), float(lon), data.get("address"), data.get("title"))
        except (TypeError, ValueError):
            return None
    if data.get("province_code") or data.get("district_code"):
        return PickedArea(as_code(data.get("province_code")), as_code(data.get("district_code")))
    text = data.get("text") or data.get("address")
    return (text.strip() or None) if isinstance(text, str) else None


def as_code(value: Any) -> str | None:
    """A DOPA code as stored and compared here: a stripped string, None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km: plenty for choosing the nearest of a few points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def in_thailand_box(latitude: float, longitude: float) -> bool:
    south, north, west, east = THAILAND_BOX
    return south <= latitude <= north and west <= longitude <= east


def valid_coordinates(latitude: Any, longitude: Any) -> bool:
    return (isinstance(latitude, (int, float)) and isinstance(longitude, (int, float))
            and math.isfinite(latitude) and math.isfinite(longitude)
            and -90 <= latitude <= 90 and -180 <= longitude <= 180)


def nearest_district(latitude: float, longitude: float,
                     points: Iterable[DistrictPoint] = POINTS) -> tuple[DistrictPoint, float] | None:
    """The nearest approximate district point and its distance in km (None if no points)."""
    best = None
    for point in points:
        km = haversine_km(latitude, longitude, point.latitude, point.longitude)
        if best is None or km < best[1]:
            best = (point, km)
    return best


def distance_to_district(latitude: float, longitude: float, district_code: str) -> float | None:
    """How far a location is from a district's point (km, one decimal), as a hint for the alert."""
    found = nearest_district(latitude, longitude, [p for p in POINTS if p.district_code == district_code])
    return round(found[1], 1) if found else None
