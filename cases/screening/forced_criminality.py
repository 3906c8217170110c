"""Forced criminality in scam centres (DOMAIN.md §0 [002]): the signs seen in scam operations, as
context for the ILO / Palermo indicators the same answers already raise.
"""
from __future__ import annotations

from collections.abc import Mapping

from .indicators import matching, ordered, rule

# Only in the scam-centre sector, and they do not change the urgency on their own.
# Not asked: arbitrary_fines, resale_to_other_operations, forced_drug_use, sexual_exploitation.


def _in_scam_centre(a: Mapping, **expected: object) -> tuple[str, ...]:
    """("sector", matching keys...) if the sector is scam_centre and every expected answer
    matches (no expected answer: the sector alone); () otherwise."""
    if a.get("sector") != "scam_centre":
        return ()
    keys = matching(a, **expected)
    if len(keys) != len(expected):
        return ()
    return ordered("sector", *keys)


@rule("forced_criminality", "online_job_offer_recruitment", "DOMAIN.md §0 [002]")
def fc_online_job_offer_recruitment(a: Mapping) -> tuple[str, ...]:
    """Recruited online (Facebook / TikTok job offers) into a scam centre."""
    return _in_scam_centre(a, recruited="online")


@rule("forced_criminality", "transported", "DOMAIN.md §0 [002]")
def fc_transported(a: Mapping) -> tuple[str, ...]:
    """Brought across a border or to another province for the scam-centre job."""
    return _in_scam_centre(a, moved_across_border="yes")


@rule("forced_criminality", "scam_call_centre", "DOMAIN.md §0 [002]")
def fc_scam_call_centre(a: Mapping) -> tuple[str, ...]:
    """Works in a scam centre."""
    return _in_scam_centre(a)


@rule("forced_criminality", "document_retention", "DOMAIN.md §0 [002]")
def fc_document_retention(a: Mapping) -> tuple[str, ...]:
    """Documents kept, in a scam centre."""
    return _in_scam_centre(a, documents_kept="yes")


@rule("forced_criminality", "threats_and_violence", "DOMAIN.md §0 [002]")
def fc_threats_and_violence(a: Mapping) -> tuple[str, ...]:
    """Threatened or hit, in a scam centre."""
    return _in_scam_centre(a, threats_violence="yes")


@rule("forced_criminality", "movement_restricted", "DOMAIN.md §0 [002]")
def fc_movement_restricted(a: Mapping) -> tuple[str, ...]:
    """Not free to leave, in a scam centre."""
    return _in_scam_centre(a, free_to_leave="no")


@rule("forced_criminality", "travel_debt", "DOMAIN.md §0 [002]")
def fc_travel_debt(a: Mapping) -> tuple[str, ...]:
    """A debt to the employer or broker that keeps the person there, in a scam centre (§0's
    "travel debt"; the question asks about any such debt, not only travel costs)."""
    return _in_scam_centre(a, debt="yes")
