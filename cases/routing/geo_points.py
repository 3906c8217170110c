"""Approximate district points for routing a shared LINE location to a district.

APPROXIMATE; ROUGH ROUTING ONLY. There are no district boundary polygons with a clear
licence (DOMAIN.md §6), so a location is given the district of the nearest point below,
within a distance cap (cases/routing/locate.py).

Source: [S88] GitHub Tangol/Osclass-Locations, locations/TH-Thailand.sql
@5100278f5d0403007e17137285a5cd67b176c819 (licence not checked), as listed in DOMAIN.md
§5.2 (compiled 2026-11-24). "amphoe" points are GeoNames-style "Amphoe X" points, probably
area representative points, not the district office; "town" points are the district's
main town where [S88] has one. Phan's longitude equals Mueang Chiang Rai's (99.77299),
which is suspicious. District codes are DOPA codes (geothai 3.2.1, [S86]).

To cover another province, add its districts' points here (and a committee to the
directory); geocode the real district offices before relying on any of this.
"""
from __future__ import annotations

from typing import NamedTuple

SOURCE = "[S88] Tangol/Osclass-Locations TH-Thailand.sql @5100278f; approximate, rough routing only"


class DistrictPoint(NamedTuple):
    district_code: str   # 4-digit DOPA code
    kind: str            # "amphoe" (area point) or "town"
    latitude: float
    longitude: float


POINTS: tuple[DistrictPoint, ...] = (
    # Chiang Rai (57): all 18 districts
    DistrictPoint("5701", "amphoe", 19.90824, 99.77299),
    DistrictPoint("5701", "town", 19.90858, 99.83250),      # Chiang Rai town
    DistrictPoint("5702", "amphoe", 19.86360, 100.00065),
    DistrictPoint("5703", "amphoe", 20.13587, 100.36527),
    DistrictPoint("5703", "town", 20.26125, 100.40461),     # Chiang Khong town
    DistrictPoint("5704", "amphoe", 19.67650, 100.20095),
    DistrictPoint("5705", "amphoe", 19.57450, 99.77299),     # suspect longitude
    DistrictPoint("5706", "amphoe", 19.50643, 99.97615),
    DistrictPoint("5706", "town", 19.50489, 99.99241),
    DistrictPoint("5707", "amphoe", 20.19910, 99.88468),
    DistrictPoint("5707", "town", 20.14675, 99.85256),
    DistrictPoint("5708", "amphoe", 20.23572, 100.15537),
    DistrictPoint("5708", "town", 20.27511, 100.08689),     # Chiang Saen town
    DistrictPoint("5709", "amphoe", 20.36500, 99.92604),
    DistrictPoint("5709", "town", 20.43353, 99.87617),      # Mae Sai town
    DistrictPoint("5710", "amphoe", 19.69037, 99.48459),
    DistrictPoint("5711", "amphoe", 19.30460, 99.44925),
    DistrictPoint("5712", "amphoe", 19.87320, 100.16257),
    DistrictPoint("5713", "amphoe", 20.00874, 100.48641),
    DistrictPoint("5714", "amphoe", 19.86481, 100.28731),
    DistrictPoint("5715", "amphoe", 20.22228, 99.64147),
    DistrictPoint("5716", "amphoe", 19.77223, 99.71128),
    DistrictPoint("5717", "amphoe", 20.02208, 100.07472),
    DistrictPoint("5718", "amphoe", 20.14496, 100.15712),
    # Surat Thani (84)
    DistrictPoint("8410", "amphoe", 8.82254, 98.71709),     # Phanom
)
