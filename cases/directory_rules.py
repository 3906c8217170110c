"""The committee directory's rules: what a valid directory file says.

Committees form escalation chains, district → province → national focal point, and each
covers a DOPA area; a file that breaks this would route reports nowhere or in a loop, so
every mistake is found and listed before anything is written.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import geothai

from .roster import RosterError, normalize_roster

LEVELS = ("district", "province", "national")
PARENT_LEVEL = {"district": "province", "province": "national", "national": None}

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class DirectoryError(ValueError):
    """The directory file has mistakes; `problems` lists every one found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("the committee directory has problems:\n" + "\n".join(f"- {p}" for p in problems))


COMMITTEE_KEYS = {"id", "level", "name_th", "name_en", "province_code", "district_code", "parent", "officers"}
OFFICER_KEYS = {"id", "name", "role", "roster", "admin"}


def _code(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value).strip()


def _entry_id(raw: Any, where: str, problems: list[str], taken: dict[str, dict],
              duplicate: Callable[[str], str]) -> str | None:
    """The id of a committee or officer entry, or None with the problem noted when the entry is no mapping,
    its id is not one the directory accepts, or an entry before it has the id (`duplicate` says so)."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping")
        return None
    found = _code(raw.get("id"))
    if not found or not ID_PATTERN.match(found):
        problems.append(f"{where}: id {raw.get('id')!r} must be 1-40 letters, digits, '-', '_' or '.'")
        return None
    if found in taken:
        problems.append(duplicate(found))
        return None
    return found


def validate_directory(data: Any) -> tuple[list[dict], list[dict]]:
    """Check a directory (as read from YAML) and return (committees, officers) as plain rows.
    Raises DirectoryError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("committees"), list):
        raise DirectoryError(["expected a mapping with a 'committees' list"])
    unknown_top = set(data) - {"version", "committees"}
    if unknown_top:
        problems.append(f"unknown top-level keys: {sorted(unknown_top)}")
    if data.get("version", 1) != 1:
        problems.append(f"version {data.get('version')!r} is not supported (expected 1)")

    committees: dict[str, dict] = {}
    officers: dict[str, dict] = {}
    for index, raw in enumerate(data["committees"], 1):
        cid = _entry_id(raw, f"committee #{index}", problems, committees,
                        lambda cid: f"committee {cid}: duplicate committee id")
        if cid is None:
            continue
        where = f"committee {cid}"
        extra = set(raw) - COMMITTEE_KEYS
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        level = raw.get("level")
        if level not in LEVELS:
            problems.append(f"{where}: level {level!r} must be one of {', '.join(LEVELS)}")
        row = {"id": cid, "level": level, "parent_id": _code(raw.get("parent")),
               "province_code": _code(raw.get("province_code")), "district_code": _code(raw.get("district_code"))}
        for key in ("name_th", "name_en"):
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: {key} is required")
            row[key] = value.strip() if isinstance(value, str) else value
        problems.extend(f"{where}: {p}" for p in _area_problems(row))
        committees[cid] = row

        raw_officers = raw.get("officers") or []
        if not isinstance(raw_officers, list):
            problems.append(f"{where}: officers must be a list")
            raw_officers = []
        for position, raw_officer in enumerate(raw_officers, 1):
            oid = _entry_id(raw_officer, f"{where}, officer #{position}", problems, officers,
                            lambda oid: f"officer {oid}: duplicate officer id "
                                        f"(also in committee {officers[oid]['committee_id']})")
            if oid is None:
                continue
            owhere = f"officer {oid}"
            extra = set(raw_officer) - OFFICER_KEYS
            if extra:
                problems.append(f"{owhere}: unknown keys {sorted(extra)}"
                                + (" (LINE accounts are linked with a code, not in this file)"
                                   if "line_user_id" in extra else ""))
            name = raw_officer.get("name")
            if not isinstance(name, str) or not name.strip():
                problems.append(f"{owhere}: name is required")
            role = raw_officer.get("role")
            if role is not None and not isinstance(role, str):
                problems.append(f"{owhere}: role must be text")
            admin = raw_officer.get("admin", False)
            if not isinstance(admin, bool):
                problems.append(f"{owhere}: admin must be true or false (YAML read {admin!r})")
            try:
                roster = normalize_roster(raw_officer.get("roster"))
            except RosterError as error:
                problems.append(f"{owhere}: {error}")
                roster = None
            officers[oid] = {"id": oid, "committee_id": cid, "name": name.strip() if isinstance(name, str) else name,
                             "role": role.strip() if isinstance(role, str) and role.strip() else None,
                             "roster": roster, "admin": admin is True}

    problems.extend(_structure_problems(committees))
    if problems:
        raise DirectoryError(problems)
    return list(committees.values()), list(officers.values())


def _area_problems(row: dict) -> list[str]:
    level, province, district = row["level"], row["province_code"], row["district_code"]
    problems = []
    if level == "district":
        if not district:
            return ["a district committee needs district_code (4-digit DOPA code)"]
        found = geothai.district(district)
        if found is None:
            return [f"district_code {district!r} is not a DOPA district code (geothai {geothai.DATA_VERSION})"]
        if province and province != found.province_code:
            problems.append(f"district {district} ({found.name_en}) is in province {found.province_code}, "
                            f"not {province}")
        row["province_code"] = found.province_code
    elif level == "province":
        if district:
            problems.append("a province committee has no district_code")
        if not province:
            problems.append("a province committee needs province_code (2-digit DOPA code)")
        elif geothai.province(province) is None:
            problems.append(f"province_code {province!r} is not a DOPA province code")
    elif level == "national" and (district or province):
        problems.append("the national committee has no province_code or district_code")
    return problems


def _structure_problems(committees: dict[str, dict]) -> list[str]:
    problems = []
    for cid, row in committees.items():
        parent = row["parent_id"]
        if parent and parent not in committees:
            problems.append(f"committee {cid}: parent {parent!r} is not a committee in this file")
    # cycles, before level rules so the message says what is wrong
    reported: set[str] = set()
    for start in committees:
        path, node = [], start
        while node in committees and node not in path:
            path.append(node)
            node = committees[node]["parent_id"]
        if node in path and node not in reported:
            cycle = path[path.index(node):] + [node]
            reported.update(cycle)
            problems.append(f"parents form a cycle: {' -> '.join(cycle)}")
    for cid, row in committees.items():
        level, parent = row["level"], committees.get(row["parent_id"] or "")
        wanted = PARENT_LEVEL.get(level)
        if level == "national":
            if row["parent_id"]:
                problems.append(f"committee {cid}: the national committee has no parent")
            continue
        if wanted is None:
            continue
        if parent is None:
            if not row["parent_id"]:
                problems.append(f"committee {cid}: a {level} committee needs a parent at {wanted} level")
            continue
        if parent["level"] != wanted:
            problems.append(f"committee {cid}: a {level} committee's parent must be a {wanted} committee, "
                            f"{parent['id']} is {parent['level']}")
        elif level == "district" and parent["province_code"] != row["province_code"]:
            problems.append(f"committee {cid}: its parent {parent['id']} is the committee of province "
                            f"{parent['province_code']}, but district {row['district_code']} is in "
                            f"province {row['province_code']}")
    seen: dict[tuple, str] = {}
    for cid, row in committees.items():
        key = {"district": ("district", row["district_code"]), "province": ("province", row["province_code"]),
               "national": ("national",)}.get(row["level"])
        if key is None:
            continue
        if key in seen:
            area = "the national level" if key == ("national",) else f"{key[0]} {key[1]}"
            problems.append(f"committees {seen[key]} and {cid} both cover {area}")
        else:
            seen[key] = cid
    if not any(row["level"] == "national" for row in committees.values()):
        problems.append("there is no national committee: escalation must end somewhere")
    return problems
