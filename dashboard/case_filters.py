"""The case list's query string read into CaseFilters, and written back for links: a value the
list does not know (a state, a date, a committee outside the viewer's scope) is dropped and
named to the viewer, never an error page, so an old or hand-edited link still opens the list."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from werkzeug.datastructures import MultiDict

from cases.lifecycle import STATES
from cases.officer_text import OFFICER_MESSAGE_IDS
from cases.screening import URGENCY_LEVELS
from storage.dashboard_cases import SORTS, CaseFilters

from .text import N_

KINDS = ("self", "tip")
SECTOR_PREFIX = "value.sector."
SECTORS = tuple(key[len(SECTOR_PREFIX):] for key in OFFICER_MESSAGE_IDS if key.startswith(SECTOR_PREFIX))
REFERENCE_CHARS = 16          # the reference column's width
MAX_PAGE = 100_000

# query-string name -> the message naming it when its value was dropped
UNKNOWN = {"state": N_("dashboard.cases.filter.unknown.state"),
           "urgency": N_("dashboard.cases.filter.unknown.urgency"),
           "committee": N_("dashboard.cases.filter.unknown.committee"),
           "kind": N_("dashboard.cases.filter.unknown.kind"),
           "sector": N_("dashboard.cases.filter.unknown.sector"),
           "from": N_("dashboard.cases.filter.unknown.date"),
           "to": N_("dashboard.cases.filter.unknown.date"),
           "ref": N_("dashboard.cases.filter.unknown.reference"),
           "sort": N_("dashboard.cases.filter.unknown.sort"),
           "page": N_("dashboard.cases.filter.unknown.page")}


def parse(args: MultiDict, committees: tuple[str, ...]) -> tuple[CaseFilters, list[str]]:
    """(the filters, the message ids of what was dropped, each once). `committees`: the ids the
    viewer may filter by."""
    dropped: list[str] = []

    def drop(name: str) -> None:
        if UNKNOWN[name] not in dropped:
            dropped.append(UNKNOWN[name])

    def several(name: str, known: tuple[str, ...]) -> tuple[str, ...]:
        chosen = [v for v in args.getlist(name) if v]
        if any(v not in known for v in chosen):
            drop(name)
        return tuple(v for v in known if v in chosen)        # the table's order, each once

    def one(name: str, known: tuple[str, ...]) -> str | None:
        value = args.get(name, "")
        if value and value not in known:
            drop(name)
            return None
        return value or None

    def day(name: str) -> date | None:
        value = args.get(name, "")
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            drop(name)
            return None

    reference = args.get("ref", "").strip().upper()
    if reference and (len(reference) > REFERENCE_CHARS or not reference.replace("-", "").isalnum()
                      or not reference.isascii()):
        drop("ref")
        reference = ""
    page_text = str(args.get("page", "1") or "1")
    page = int(page_text) if page_text.isdigit() and 1 <= int(page_text) <= MAX_PAGE else 0
    if not page:
        drop("page")
    filters = CaseFilters(states=several("state", STATES), urgencies=several("urgency", URGENCY_LEVELS),
                          committee_id=one("committee", committees), kind=one("kind", KINDS),
                          sector=one("sector", SECTORS), date_from=day("from"), date_to=day("to"),
                          reference=reference, sort=one("sort", SORTS) or "newest", page=page or 1)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters = replace(filters, date_from=filters.date_to, date_to=filters.date_from)
    return filters, dropped


def query(filters: CaseFilters, **changes) -> dict:
    """The filters as query-string arguments (for url_for), with `changes` applied; page 1 and the
    default sort are left out."""
    filters = replace(filters, **changes)
    args: dict = {"state": list(filters.states), "urgency": list(filters.urgencies),
                  "committee": filters.committee_id, "kind": filters.kind, "sector": filters.sector,
                  "from": filters.date_from.isoformat() if filters.date_from else None,
                  "to": filters.date_to.isoformat() if filters.date_to else None,
                  "ref": filters.reference or None, "sort": filters.sort if filters.sort != "newest" else None,
                  "page": filters.page if filters.page != 1 else None}
    return {k: v for k, v in args.items() if v not in (None, [], "")}


def described(filters: CaseFilters) -> dict:
    """The filters for the access log: ids and dates only."""
    return query(filters, page=1)
