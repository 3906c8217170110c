"""Which committee a report goes to: pure functions, plain data in and out.

`places.py` holds the place types and the approximate district points (`geo_points.py`),
`address.py` reads district and province names in address text, `locate.py` decides a place's
district and province, and `committees.py` chooses the committee (`route` does both).
"""
from __future__ import annotations

from .address import AddressMatch, locate_address
from .committees import REASONS, Route, choose_committee, route
from .locate import locate
from .places import (
    DEFAULT_MAX_DISTANCE_KM,
    METHODS,
    Located,
    PickedArea,
    Place,
    PlaceLike,
    SharedLocation,
    haversine_km,
    nearest_district,
    place_from_dict,
)

__all__ = [
    "DEFAULT_MAX_DISTANCE_KM", "METHODS", "REASONS", "AddressMatch", "Located", "PickedArea", "Place",
    "PlaceLike", "Route", "SharedLocation", "choose_committee", "haversine_km", "locate", "locate_address",
    "nearest_district", "place_from_dict", "route",
]
