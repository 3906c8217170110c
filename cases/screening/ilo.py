"""The ILO's indicators of forced labour (DOMAIN.md §4.2, §4.5 [S42]): the rules the intake's
questions can answer.
"""
from __future__ import annotations

from collections.abc import Mapping

from .indicators import matching, rule

# Not asked, so never found: abuse_of_vulnerability, isolation. physical_and_sexual_violence
# is not claimed because the threats question does not separate threats from blows (see
# palermo.means_threat_of_force); intimidation_and_threats is.

@rule("ilo", "deception", "DOMAIN.md §4.2 [S42]")
def ilo_deception(a: Mapping) -> tuple[str, ...]:
    """Lied to about the job, the pay or the conditions."""
    return matching(a, deceived="yes")


@rule("ilo", "restriction_of_movement", "DOMAIN.md §4.2 [S42]")
def ilo_restriction_of_movement(a: Mapping) -> tuple[str, ...]:
    """Cannot leave the workplace or living place freely."""
    return matching(a, free_to_leave="no")


@rule("ilo", "intimidation_and_threats", "DOMAIN.md §4.2 [S42]")
def ilo_intimidation_and_threats(a: Mapping) -> tuple[str, ...]:
    """Threatened, hit, or family threatened (the lesser claim; see palermo.means_threat_of_force)."""
    return matching(a, threats_violence="yes")


@rule("ilo", "retention_of_identity_documents", "DOMAIN.md §4.2 [S42]")
def ilo_retention_of_identity_documents(a: Mapping) -> tuple[str, ...]:
    """Passport, work permit or ID kept by someone else."""
    return matching(a, documents_kept="yes")


@rule("ilo", "withholding_of_wages", "DOMAIN.md §4.2 [S42]")
def ilo_withholding_of_wages(a: Mapping) -> tuple[str, ...]:
    """Not paid, or pay kept back."""
    return matching(a, wages_withheld="yes")


@rule("ilo", "debt_bondage", "DOMAIN.md §4.2 [S42]")
def ilo_debt_bondage(a: Mapping) -> tuple[str, ...]:
    """A debt to the employer or broker that the person cannot leave because of."""
    return matching(a, debt="yes")


@rule("ilo", "abusive_working_and_living_conditions", "DOMAIN.md §4.2 [S42]")
def ilo_abusive_conditions(a: Mapping) -> tuple[str, ...]:
    """Very bad living conditions."""
    return matching(a, bad_living="yes")


@rule("ilo", "excessive_overtime", "DOMAIN.md §4.2 [S42]")
def ilo_excessive_overtime(a: Mapping) -> tuple[str, ...]:
    """Made to work very long hours, or no rest days."""
    return matching(a, excessive_hours="yes")
