"""The committee directory file (YAML, config/committees.example.yaml shows the format),
loaded into the database.

Loading is an upsert by id, and committees and officers missing from the file are marked
inactive, never deleted, because cases refer to them. District Chiefs rotate every two years
and staff turn over, so reloading the file is the normal way to update the directory.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.directory_rules import DirectoryError, validate_directory

from .models import Committee, Officer, utcnow
from .timeutil import as_utc


@dataclass
class LoadSummary:
    """What a load did, item by item, for the administrator to check before and after."""

    created: list[str] = field(default_factory=list)       # "committee CRI-5709", "officer CRI-5709-1"
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{len(self.created)} created, {len(self.changed)} changed, "
                f"{len(self.unchanged)} unchanged, {len(self.deactivated)} deactivated")


def read_directory_file(path: str | Path) -> dict:
    """The file as data; one that is not YAML or not a mapping is refused like any other mistake."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DirectoryError([f"{path}: not valid YAML: {error}"]) from None
    if not isinstance(data, dict):
        raise DirectoryError([f"{path}: expected a mapping with a 'committees' list"])
    return data


def _depth(committees: dict[str, dict], cid: str) -> int:
    depth, node = 0, committees[cid]["parent_id"]
    while node:
        depth, node = depth + 1, committees[node]["parent_id"]
    return depth


def _apply(row: Any, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def load_directory(session: Session, data: Any, now: datetime | None = None) -> LoadSummary:
    """Upsert the directory by id; what the file no longer has is marked inactive. Links
    (officers' LINE accounts, committees' groups) are kept. Raises DirectoryError (nothing
    written) if the file has mistakes."""
    committees, officers = validate_directory(data)
    now = as_utc(now) or utcnow()
    summary = LoadSummary()
    by_id = {row["id"]: row for row in committees}
    parents_first = sorted(committees, key=lambda row: _depth(by_id, row["id"]))

    existing = {c.id: c for c in session.scalars(select(Committee))}
    # 1) every committee exists (new ones without a parent yet, so foreign keys hold)
    touched: dict[str, bool] = {}
    for row in parents_first:
        values = {k: row[k] for k in ("level", "name_th", "name_en", "province_code", "district_code")}
        values["active"] = True
        committee = existing.get(row["id"])
        if committee is None:
            committee = Committee(id=row["id"], created_at=now, updated_at=now, **values)
            session.add(committee)
            existing[row["id"]] = committee
            summary.created.append(f"committee {row['id']}")
            touched[row["id"]] = True
        else:
            touched[row["id"]] = _apply(committee, values)
    session.flush()
    # 2) parents
    for row in parents_first:
        committee = existing[row["id"]]
        if _apply(committee, {"parent_id": row["parent_id"]}) or touched[row["id"]]:
            committee.updated_at = now
            if f"committee {row['id']}" not in summary.created:
                summary.changed.append(f"committee {row['id']}")
        else:
            summary.unchanged.append(f"committee {row['id']}")
    _deactivate_missing(existing, by_id, "committee", ("group_code_hash", "group_code_expires_at"), now, summary)
    session.flush()

    known = {o.id: o for o in session.scalars(select(Officer))}
    wanted = {row["id"] for row in officers}
    for row in officers:
        values = {"committee_id": row["committee_id"], "name": row["name"], "role": row["role"],
                  "roster": row["roster"], "active": True}
        officer = known.get(row["id"])
        if officer is None:
            session.add(Officer(id=row["id"], created_at=now, updated_at=now, **values))
            summary.created.append(f"officer {row['id']}")
        elif _apply(officer, values):
            officer.updated_at = now
            summary.changed.append(f"officer {row['id']}")
        else:
            summary.unchanged.append(f"officer {row['id']}")
    _deactivate_missing(known, wanted, "officer", ("link_code_hash", "link_code_expires_at"), now, summary)
    session.flush()
    return summary


def _deactivate_missing(existing: dict[str, Any], wanted: Collection[str], kind: str, code_fields: tuple[str, ...],
                        now: datetime, summary: LoadSummary) -> None:
    """Rows the file no longer lists become inactive and lose their unused code, which must not link anyone to
    what is gone."""
    for key, row in sorted(existing.items()):
        if key not in wanted and row.active:
            row.active = False
            for name in code_fields:
                setattr(row, name, None)
            row.updated_at = now
            summary.deactivated.append(f"{kind} {key}")
