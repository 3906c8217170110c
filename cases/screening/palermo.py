"""Palermo Protocol art. 3 (DOMAIN.md §4.1, §4.5 [S40][S41]): the act, means and purpose rules and
whether the three elements are complete, read together with Thai s.4/s.6 [S43], which follow it.
"""
from __future__ import annotations

from collections.abc import Mapping

from .indicators import Indicator, matching, ordered, rule

#: The answers that show someone is being made to stay or to work: the coercion named by the
#: Thai forced-labour definition (intimidation/force, seizure of documents, debt bondage
#: [S43][S45]) and ILO restriction of movement [S42].
_COERCION_SIGNS = {"free_to_leave": "no", "threats_violence": "yes", "documents_kept": "yes", "debt": "yes"}

# Who recruited: someone else brought the person to the job (any of these is the Palermo
# "recruitment" act, which is neutral on its own). "other" and "unsure" do not say that
# anyone recruited the person (they may have found the job themselves), so they don't count.
_RECRUITERS = ("broker", "employer", "online", "friend_family", "mou")


# ---- Palermo: act (DOMAIN.md §4.1, §4.5 [S40][S41]; Thai s.6 acts [S43]) -------------------
# The act element alone is not a harm (nearly every migrant worker was recruited and moved);
# it only matters with means and purpose. The acts "transfer" and "receipt" are not asked.

@rule("palermo.act", "recruitment", "DOMAIN.md §4.1 [S40][S41]")
def act_recruitment(a: Mapping) -> tuple[str, ...]:
    """Recruited by a broker, an employer, online, through friends or family, or through the
    MOU channel: someone recruited the person ("recruitment", Thai s.6 "procures")."""
    return ("recruited",) if a.get("recruited") in _RECRUITERS else ()


@rule("palermo.act", "transportation", "DOMAIN.md §4.1 [S40][S41]; §4.3 s.6 [S43]")
def act_transportation(a: Mapping) -> tuple[str, ...]:
    """Brought across a border or to another province for the job ("transportation"; Thai
    s.6 "brings from or sends to")."""
    return matching(a, moved_across_border="yes")


@rule("palermo.act", "harbouring", "DOMAIN.md §4.1 [S40][S41]; §4.3 s.6 [S43]")
def act_harbouring(a: Mapping) -> tuple[str, ...]:
    """Not free to leave the workplace or living place: the person is kept there
    ("harbouring"; Thai s.6 "detains or confines, harbours"). Following Thai s.6, confinement
    counts as the act and NOT also as a means, so one answer cannot complete two elements."""
    return matching(a, free_to_leave="no")


# ---- Palermo: means (DOMAIN.md §4.1, §4.5 [S40][S41]) ---------------------------------------
# Not asked, so never found: abduction, abuse_of_power, abuse_of_position_of_vulnerability,
# payments_or_benefits_to_person_in_control (that means paying someone who controls the
# victim, e.g. a parent, for consent; a worker's own debt is not that).

@rule("palermo.means", "threat_of_force", "DOMAIN.md §4.1 [S40][S41]")
def means_threat_of_force(a: Mapping) -> tuple[str, ...]:
    """Threatened, hit, or family threatened. The question does not separate threats from
    blows, so we claim the lesser, threat_of_force, which is enough for the means element;
    use_of_force is left for an intake that asks about blows separately."""
    return matching(a, threats_violence="yes")


@rule("palermo.means", "other_coercion", "DOMAIN.md §4.1 [S40][S41]; §4.3 [S43][S45]")
def means_other_coercion(a: Mapping) -> tuple[str, ...]:
    """Documents kept by someone else, or a debt the person cannot leave because of. Thai law
    names both as coercion in "forced labour or service" (2017 amendment [S45]), so they are
    "other forms of coercion". We do not file documents under
    abuse_of_position_of_vulnerability: that is exploiting a vulnerability the person already
    has, while holding their passport is an act of control."""
    return matching(a, documents_kept="yes", debt="yes")


@rule("palermo.means", "deception", "DOMAIN.md §4.1 [S40][S41]")
def means_deception(a: Mapping) -> tuple[str, ...]:
    """Lied to about the job, the pay or the conditions. One answer, one means: we do not add
    "fraud" as well (a legal characterisation the answer alone cannot support)."""
    return matching(a, deceived="yes")


# ---- Palermo: purpose (DOMAIN.md §4.1, §4.5 [S40][S41]; Thai s.4 "exploitation" [S43]) -----
# Not asked, so never found: other_sexual_exploitation, slavery_or_similar_practices,
# servitude, removal_of_organs.

@rule("palermo.purpose", "exploitation_of_prostitution",
       "DOMAIN.md §4.1 [S40][S41]; §4.3 s.4 [S43]")
def purpose_exploitation_of_prostitution(a: Mapping) -> tuple[str, ...]:
    """Works in the sex trade AND is a child, or shows a sign of coercion or deception (not
    free to leave, threats, documents kept, debt, lied to). For a child, consent and means do
    not matter [S40] (Thai s.6(2) [S43]). An adult sex worker with no such sign is not flagged:
    the purpose needs someone exploiting the person, and the answers give no sign of it."""
    if a.get("sector") != "sex_work":
        return ()
    signs = matching(a, under_18="yes", deceived="yes", **_COERCION_SIGNS)
    return ordered("sector", *signs) if signs else ()


@rule("palermo.purpose", "forced_labour_or_services",
       "DOMAIN.md §4.1 [S40][S41]; §4.3 s.4 [S43][S45]; §0 [002]")
def purpose_forced_labour(a: Mapping) -> tuple[str, ...]:
    """Made to work under coercion: not free to leave, threatened or hit, documents kept, or a
    debt they cannot leave because of. Thai s.4 defines forced labour as compelling work by
    intimidation, force or any means leaving the person unable to resist, and since 2017 by
    seizing identity documents or debt bondage [S45]. In any sector; in a scam centre this is
    the forced criminality of §0 [002] (compelled work, here criminal work)."""
    return matching(a, **_COERCION_SIGNS)


# ---- Completeness (DOMAIN.md §4.1, §4.5 [S40][S41]; Thai s.6(1)/(2) [S43]) -------------------------


def is_child(answers: Mapping) -> bool:
    """Anyone involved is under 18 (answered "yes"; "unsure" is not enough)."""
    return answers.get("under_18") == "yes"


def palermo_is_complete(indicators: tuple[Indicator, ...], child: bool) -> bool:
    """Adult: act AND means AND purpose. Child (under 18): act AND purpose, the means are not
    required [S40] (Thai s.6(2) [S43])."""
    found = {i.framework for i in indicators}
    act, means, purpose = ("palermo.act" in found, "palermo.means" in found, "palermo.purpose" in found)
    return act and purpose and (means or child)
