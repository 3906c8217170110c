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

from .directory import committees_below
from .models import Committee, Officer, utcnow
from .timeutil import as_utc

OUTCOMES = ("created", "changed", "unchanged", "deactivated")


@dataclass(frozen=True)
class Change:
    """One committee or officer a load touched: `outcome` is one of OUTCOMES; `fields` names what a change
    changed (the model's column names), so an administrator sees more than "changed"."""

    outcome: str
    kind: str                       # committee | officer
    id: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.kind} {self.id}" + (f" ({', '.join(self.fields)})" if self.fields else "")


@dataclass
class LoadSummary:
    """What a load did, item by item, for the administrator to check before and after."""

    changes: list[Change] = field(default_factory=list)

    def add(self, outcome: str, kind: str, key: str, fields: Collection[str] = ()) -> None:
        self.changes.append(Change(outcome, kind, key, tuple(fields)))

    def of(self, outcome: str) -> list[Change]:
        return [change for change in self.changes if change.outcome == outcome]

    def _items(self, outcome: str) -> list[str]:
        return [f"{change.kind} {change.id}" for change in self.of(outcome)]

    @property
    def created(self) -> list[str]:       # "committee CRI-5709", "officer CRI-5709-1"
        return self._items("created")

    @property
    def changed(self) -> list[str]:
        return self._items("changed")

    @property
    def unchanged(self) -> list[str]:
        return self._items("unchanged")

    @property
    def deactivated(self) -> list[str]:
        return self._items("deactivated")

    def __str__(self) -> str:
        return ", ".join(f"{len(self.of(outcome))} {outcome}" for outcome in OUTCOMES)


def parse_directory_text(text: str, name: str) -> dict:
    """A directory file's text as data (`name` says where it came from in the problems); one that is not YAML
    or not a mapping is refused like any other mistake."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DirectoryError([f"{name}: not valid YAML: {error}"]) from None
    if not isinstance(data, dict):
        raise DirectoryError([f"{name}: expected a mapping with a 'committees' list"])
    return data


def read_directory_file(path: str | Path) -> dict:
    """The file at `path` as data (parse_directory_text)."""
    return parse_directory_text(Path(path).read_text(encoding="utf-8"), str(path))


def _depth(committees: dict[str, dict], cid: str) -> int:
    depth, node = 0, committees[cid]["parent_id"]
    while node:
        depth, node = depth + 1, committees[node]["parent_id"]
    return depth


def _apply(row: Any, values: dict) -> list[str]:
    """Set what differs; the names of the fields that did."""
    changed = []
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed.append(key)
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
    touched: dict[str, list[str]] = {}
    created: set[str] = set()
    for row in parents_first:
        values = {k: row[k] for k in ("level", "name_th", "name_en", "province_code", "district_code")}
        values["active"] = True
        committee = existing.get(row["id"])
        if committee is None:
            committee = Committee(id=row["id"], created_at=now, updated_at=now, **values)
            session.add(committee)
            existing[row["id"]] = committee
            created.add(row["id"])
        else:
            touched[row["id"]] = _apply(committee, values)
    session.flush()
    # 2) parents
    for row in parents_first:
        committee = existing[row["id"]]
        fields = _apply(committee, {"parent_id": row["parent_id"]})
        if row["id"] in created:
            summary.add("created", "committee", row["id"])
        elif fields or touched[row["id"]]:
            committee.updated_at = now
            summary.add("changed", "committee", row["id"], touched[row["id"]] + fields)
        else:
            summary.add("unchanged", "committee", row["id"])
    _deactivate_missing(existing, by_id, "committee", ("group_code_hash", "group_code_expires_at"), now, summary)
    session.flush()

    known = {o.id: o for o in session.scalars(select(Officer))}
    wanted = {row["id"] for row in officers}
    for row in officers:
        values = {"committee_id": row["committee_id"], "name": row["name"], "role": row["role"],
                  "roster": row["roster"], "admin": row["admin"], "active": True}
        officer = known.get(row["id"])
        if officer is None:
            session.add(Officer(id=row["id"], created_at=now, updated_at=now, **values))
            summary.add("created", "officer", row["id"])
        elif fields := _apply(officer, values):
            officer.updated_at = now
            summary.add("changed", "officer", row["id"], fields)
        else:
            summary.add("unchanged", "officer", row["id"])
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
            summary.add("deactivated", kind, key)


def load_directory_within(session: Session, data: Any, committee_id: str, now: datetime | None = None) -> LoadSummary:
    """Load the file as an administrator of `committee_id` may: every committee and officer it creates,
    changes or deactivates must be theirs (their committee or one below it, before and after the load), so a
    provincial administrator cannot touch another province or the national level. Raises DirectoryError
    listing what is outside; the caller's transaction then writes nothing."""
    before = set(committees_below(session, committee_id))
    homes: dict[str, str] = dict(session.execute(select(Officer.id, Officer.committee_id)).all())
    summary = load_directory(session, data, now)
    after = set(committees_below(session, committee_id))
    problems = []
    for change in summary.changes:
        if change.outcome == "unchanged":
            continue
        if change.kind == "committee":
            inside = change.id in after and (change.id in before or change.outcome == "created")
        else:
            old_home = homes.get(change.id)
            inside = (session.get(Officer, change.id).committee_id in after
                      and (old_home is None or old_home in before))
        if not inside:
            problems.append(f"{change.kind} {change.id} would be {change.outcome}: it is not under {committee_id}, "
                            "the committee whose directory you manage")
    if problems:
        raise DirectoryError(problems)
    return summary
