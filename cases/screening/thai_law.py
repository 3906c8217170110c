"""Thai law (DOMAIN.md §4.3, §4.5 [S43][S45]): the definitions DOMAIN.md gives, not the NRM's
Ror.Bor. 1 form, whose items were not found (THAI_NRM_ROR_BOR_1_ITEMS is None to say so).
"""
from __future__ import annotations

from collections.abc import Mapping

from .indicators import matching, rule

# The s.6 means (2008 text) and the s.4 forced-labour coercion (with the 2017 additions).
# Not claimed: not free to leave (Thai s.6 makes confinement an act; it is covered by
# palermo.act harbouring and ilo restriction_of_movement), and the s.4 items the questions
# cannot tell apart (intimidation / use_of_force / fear_of_injury...: threat_or_use_of_force
# records that answer exactly).


@rule("thai_law", "threat_or_use_of_force", "DOMAIN.md §4.3 s.6 [S43]")
def thai_threat_or_use_of_force(a: Mapping) -> tuple[str, ...]:
    """Threatened, hit, or family threatened: s.6 "threat or use of force" covers both."""
    return matching(a, threats_violence="yes")


@rule("thai_law", "deception", "DOMAIN.md §4.3 s.6 [S43]")
def thai_deception(a: Mapping) -> tuple[str, ...]:
    """Lied to about the job, the pay or the conditions (s.6 means "deception")."""
    return matching(a, deceived="yes")


@rule("thai_law", "seizure_of_identity_documents", "DOMAIN.md §4.3 s.4 [S43][S45]; §2.3 [S45]")
def thai_seizure_of_identity_documents(a: Mapping) -> tuple[str, ...]:
    """Documents kept by someone else: coercion in "forced labour or service" since 2017."""
    return matching(a, documents_kept="yes")


@rule("thai_law", "debt_bondage", "DOMAIN.md §4.3 s.4 [S43][S45]; §2.3 [S45]")
def thai_debt_bondage(a: Mapping) -> tuple[str, ...]:
    """A debt the person cannot leave because of: coercion in "forced labour or service"
    since 2017."""
    return matching(a, debt="yes")
