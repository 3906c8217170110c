"""Choosing the committee for a decided place, and `route`, the whole decision in one call, so that
callers get one answer with the reason an alert can show its reader.

`route(place, directory)` decides the place's district/province (`locate`) and then the
committee (`choose_committee`):
- "district_committee": a committee covers the district;
- "uncovered_district": the district is known but has no committee → its province's;
- "province_only": the province is known but not the district → the province's committee;
- "no_province": nothing is known, or the province has no committee → the national focal point.
The Route also says how the place was decided (`method`: "picked", "address_name",
"nearest_point", "none") and `distance_km` (from the location to the point that decided,
or to the nearest known point), so an alert can say why it came to its reader.

The directory is a plain snapshot: a list of dicts with id, level ("district" | "province" |
"national"), province_code, district_code, parent_id, active (storage.directory.directory_snapshot).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from .locate import locate
from .places import DEFAULT_MAX_DISTANCE_KM, PlaceLike, as_code

REASONS = ("district_committee", "uncovered_district", "province_only", "no_province")


@dataclass(frozen=True)
class Route:
    committee_id: str | None     # None only when the directory has no active national committee
    reason: str                  # one of REASONS
    district_code: str | None
    province_code: str | None
    method: str                  # one of METHODS
    distance_km: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _entries(directory: Iterable[Mapping]) -> list[dict]:
    rows = []
    for entry in directory:
        if not entry.get("active", True):
            continue
        rows.append({"id": str(entry["id"]), "level": entry.get("level"),
                     "province_code": as_code(entry.get("province_code")),
                     "district_code": as_code(entry.get("district_code"))})
    return sorted(rows, key=lambda row: row["id"])


def _first(rows: list[dict], **wanted) -> str | None:
    for row in rows:
        if all(row.get(key) == value for key, value in wanted.items()):
            return row["id"]
    return None


def choose_committee(directory: Iterable[Mapping], province_code: str | None,
                     district_code: str | None) -> tuple[str | None, str]:
    """(committee id, reason) for a district and/or province; inactive committees don't count."""
    rows = _entries(directory)
    if district_code:
        found = _first(rows, level="district", district_code=district_code)
        if found:
            return found, "district_committee"
        found = _first(rows, level="province", province_code=province_code or district_code[:2])
        if found:
            return found, "uncovered_district"
    elif province_code:
        found = _first(rows, level="province", province_code=province_code)
        if found:
            return found, "province_only"
    return _first(rows, level="national"), "no_province"


def route(place: PlaceLike, directory: Iterable[Mapping], *,
          max_distance_km: float = DEFAULT_MAX_DISTANCE_KM) -> Route:
    """Where a report goes, and why (see the module's notes)."""
    located = locate(place, max_distance_km=max_distance_km)
    committee_id, reason = choose_committee(directory, located.province_code, located.district_code)
    return Route(committee_id, reason, located.district_code, located.province_code,
                 located.method, located.distance_km)
