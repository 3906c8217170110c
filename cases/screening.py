"""Trafficking screening and triage of the intake answers: which indicators, how urgent, and why.

`screen(answers)` reads the intake questionnaire's answers (a plain mapping, any key may be
missing) and returns a `Screening`: the indicators found, each with the answer keys that
triggered it, whether the Palermo elements are complete, and the urgency with the id of the
one rule that decided it. Ids only: the bot's catalogs turn them into words. Pure standard
library, no I/O, deterministic.

What this is NOT: a legal identification. Formal identification of a victim is done by a
multidisciplinary team under Thailand's NRM (DOMAIN.md §4.4 [S46][S47]); this module only
flags a report for a human to look at, and how soon.

Sources. Every indicator rule and every urgency rule names its DOMAIN.md section and source
tag (/work/shared/domain/DOMAIN.md; the tags resolve in its source register):

- §4.1 Palermo Protocol art. 3, act / means / purpose, and the child rule [S40][S41].
- §4.2 the ILO's 11 indicators of forced labour (SAP-FL booklet, 2012) [S42].
- §4.3 Thai Anti-Trafficking in Persons Act B.E. 2551, s.4 and s.6 [S43] (unofficial
  translation of the 2008 text; the 2019 s.6 text was not retrieved [S44]) and the 2017
  amendment adding seizure of identity documents and debt bondage to "forced labour or
  service" [S45].
- §4.4 / §4.5 Thailand's NRM screening form Ror.Bor. 1 (ร.บ.1): its items are NOT FOUND in
  DOMAIN.md, so none are invented here. The "thai_law" framework below is the Thai-law
  definitions DOMAIN.md does give (§4.3 / §4.5), not the official NRM form;
  `THAI_NRM_ROR_BOR_1_ITEMS` is None to say so.
- §0 forced criminality (scam centre) indicators seen, from the project's seed document 002
  (tagged [002] here). DOMAIN.md gives these as phrases, not identifiers; the snake_case
  names in FORCED_CRIMINALITY are ours, one per phrase, in DOMAIN.md's order.
- §4.6 triage. DOMAIN.md labels its urgency rule "my own design suggestion, not an official
  protocol", and says an official Thai hotline triage protocol was NOT FOUND. URGENCY_RULES
  implements that suggestion (plus the decisions documented there); it is a design choice
  to be reviewed, not an official protocol.
- URGENCY_WINDOWS_DEFAULT: 15 minutes for "urgent" comes from the project brief, not from
  DOMAIN.md; "high" and "standard" are configurable defaults we picked, not sourced rules
  (DOMAIN.md §4.6 only says "high" should reach the focal point "the same day").

Answers. "yes" / "no" / "unsure" questions trigger only on the answer that states the sign
("yes", or "no" for free_to_leave). "unsure", a missing key or any unexpected value never
triggers an indicator by itself; "unsure" on in_danger can raise the urgency, see
URGENCY_RULES. `kind` ("self" or "tip"), `people_count` and `nationality` are not used: the
same rules apply to a worker speaking for themselves and to a volunteer's tip, and no
DOMAIN.md source makes a count or a nationality an indicator.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

# --------------------------------------------------------------------------------------------
# Vocabulary: the identifiers, in their source's order (this order is also the output order)
# --------------------------------------------------------------------------------------------

#: The questionnaire's keys, in the order `Indicator.because` lists them.
ANSWER_KEYS: tuple[str, ...] = (
    "kind", "in_danger", "free_to_leave", "documents_kept", "debt", "deceived",
    "threats_violence", "wages_withheld", "excessive_hours", "bad_living", "under_18",
    "medical_emergency", "sector", "recruited", "moved_across_border", "people_count",
    "nationality", "urgent",
)

FRAMEWORKS: tuple[str, ...] = (
    "palermo.act", "palermo.means", "palermo.purpose", "ilo", "thai_law", "forced_criminality",
)

# DOMAIN.md §4.5 palermo_art3 [S40][S41]
PALERMO_ACT = ("recruitment", "transportation", "transfer", "harbouring", "receipt")
PALERMO_MEANS = (
    "threat_of_force", "use_of_force", "other_coercion", "abduction", "fraud", "deception",
    "abuse_of_power", "abuse_of_position_of_vulnerability",
    "payments_or_benefits_to_person_in_control",
)
PALERMO_PURPOSE = (
    "exploitation_of_prostitution", "other_sexual_exploitation", "forced_labour_or_services",
    "slavery_or_similar_practices", "servitude", "removal_of_organs",
)
# DOMAIN.md §4.5 ilo_forced_labour_indicators_2012 [S42]
ILO = (
    "abuse_of_vulnerability", "deception", "restriction_of_movement", "isolation",
    "physical_and_sexual_violence", "intimidation_and_threats",
    "retention_of_identity_documents", "withholding_of_wages", "debt_bondage",
    "abusive_working_and_living_conditions", "excessive_overtime",
)
# DOMAIN.md §4.5 thai_atpa_2008_s6_means [S43], then thai_forced_labour_definition_s4
# coercion_by [S43][S45] (use_of_force appears in both lists; kept once).
THAI_LAW = (
    "threat_or_use_of_force", "abduction", "fraud", "deception", "abuse_of_power",
    "giving_money_or_benefits_to_person_in_control",
    "fear_of_injury_to_life_body_liberty_reputation_property", "intimidation", "use_of_force",
    "state_of_being_unable_to_resist", "seizure_of_identity_documents", "debt_bondage",
)
# DOMAIN.md §0, "Forced criminality indicators seen" [002], one name per phrase, same order.
FORCED_CRIMINALITY = (
    "online_job_offer_recruitment",  # "recruitment ... through Facebook and TikTok job offers"
    "transported",                   # "transport via Mae Sot and Chiang Saen"
    "scam_call_centre",              # "scam call centres in SEZs with sales targets"
    "document_retention",            # "document retention"
    "threats_and_violence",          # "threats and violence"
    "movement_restricted",           # "movement restricted"
    "travel_debt",                   # "'travel debt' up to 100,000 THB"
    "arbitrary_fines",               # "arbitrary fines"
    "resale_to_other_operations",    # "resale to other operations"
    "forced_drug_use",               # "forced drug use"
    "sexual_exploitation",           # "sexual exploitation"
)

VOCABULARY: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "palermo.act": PALERMO_ACT,
    "palermo.means": PALERMO_MEANS,
    "palermo.purpose": PALERMO_PURPOSE,
    "ilo": ILO,
    "thai_law": THAI_LAW,
    "forced_criminality": FORCED_CRIMINALITY,
})

#: DOMAIN.md §4.4 / §4.5: "thai_nrm_ror_bor_1_items: UNVERIFIED_NOT_FOUND". Deliberately None:
#: fill it only from the official form, never from memory.
THAI_NRM_ROR_BOR_1_ITEMS: tuple[str, ...] | None = None

URGENCY_LEVELS: tuple[str, ...] = ("urgent", "high", "standard")

#: Seconds within which a report at each urgency should reach a human. "urgent" (15 min) is
#: from the project brief, not DOMAIN.md; "high" and "standard" are configurable defaults, not
#: sourced rules (DOMAIN.md §4.6 only asks that "high" reach the focal point the same day).
URGENCY_WINDOWS_DEFAULT: Mapping[str, int] = MappingProxyType({
    "urgent": 15 * 60,
    "high": 60 * 60,
    "standard": 24 * 60 * 60,
})


def urgency_windows(overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """The response windows: the defaults, with any configured overrides (positive seconds)."""
    windows = dict(URGENCY_WINDOWS_DEFAULT)
    for level, seconds in (overrides or {}).items():
        if level not in URGENCY_LEVELS:
            raise ValueError(f"unknown urgency level {level!r}")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
            raise ValueError(f"window for {level!r} must be a positive number of seconds")
        windows[level] = seconds
    return windows


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One indicator found. framework: one of FRAMEWORKS; name: an id from VOCABULARY[framework];
    because: the answer keys that triggered it, in ANSWER_KEYS order."""

    framework: str
    name: str
    because: tuple[str, ...]


@dataclass(frozen=True)
class Screening:
    """The result of `screen`. urgency: "urgent" | "high" | "standard"; urgency_rule: the id of
    the URGENCY_RULES entry that decided it; palermo_complete: adult act AND means AND
    purpose, child act AND purpose (DOMAIN.md §4.1 [S40])."""

    indicators: tuple[Indicator, ...]
    urgency: str
    urgency_rule: str
    palermo_complete: bool

    def has(self, framework: str, name: str) -> bool:
        return any(i.framework == framework and i.name == name for i in self.indicators)

    def names(self, framework: str) -> tuple[str, ...]:
        return tuple(i.name for i in self.indicators if i.framework == framework)

    def ids(self) -> tuple[str, ...]:
        """"framework:name" for each indicator, e.g. for storing with the case."""
        return tuple(f"{i.framework}:{i.name}" for i in self.indicators)


# --------------------------------------------------------------------------------------------
# Reading answers
# --------------------------------------------------------------------------------------------


def _matching(answers: Mapping, **expected: object) -> tuple[str, ...]:
    """The keys whose answer equals the expected value, in ANSWER_KEYS order. Anything else
    (missing, "unsure", an unexpected value) does not match."""
    return tuple(key for key in ANSWER_KEYS if key in expected and answers.get(key) == expected[key])


def _ordered(*keys: str) -> tuple[str, ...]:
    return tuple(key for key in ANSWER_KEYS if key in keys)


#: The answers that show someone is being made to stay or to work: the coercion named by the
#: Thai forced-labour definition (intimidation/force, seizure of documents, debt bondage
#: [S43][S45]) and ILO restriction of movement [S42].
_COERCION_SIGNS = {"free_to_leave": "no", "threats_violence": "yes", "documents_kept": "yes", "debt": "yes"}

# Who recruited: someone else brought the person to the job (any of these is the Palermo
# "recruitment" act, which is neutral on its own). "other" and "unsure" do not say that
# anyone recruited the person (they may have found the job themselves), so they don't count.
_RECRUITERS = ("broker", "employer", "online", "friend_family", "mou")

# --------------------------------------------------------------------------------------------
# Indicator rules: one small pure function per indicator, (answers) -> the triggering keys
# (empty tuple = not triggered). Registered in output order by @_rule.
# --------------------------------------------------------------------------------------------

IndicatorRule = Callable[[Mapping], tuple[str, ...]]

#: (framework, name, source, rule), in the order they were declared.
INDICATOR_RULES: list[tuple[str, str, str, IndicatorRule]] = []


def _rule(framework: str, name: str, source: str) -> Callable[[IndicatorRule], IndicatorRule]:
    if name not in VOCABULARY[framework]:
        raise ValueError(f"{framework}:{name} is not in DOMAIN.md's vocabulary")

    def register(fn: IndicatorRule) -> IndicatorRule:
        INDICATOR_RULES.append((framework, name, source, fn))
        return fn

    return register


# ---- Palermo: act (DOMAIN.md §4.1, §4.5 [S40][S41]; Thai s.6 acts [S43]) -------------------
# The act element alone is not a harm (nearly every migrant worker was recruited and moved);
# it only matters with means and purpose. The acts "transfer" and "receipt" are not asked.

@_rule("palermo.act", "recruitment", "DOMAIN.md §4.1 [S40][S41]")
def act_recruitment(a: Mapping) -> tuple[str, ...]:
    """Recruited by a broker, an employer, online, through friends or family, or through the
    MOU channel: someone recruited the person ("recruitment", Thai s.6 "procures")."""
    return ("recruited",) if a.get("recruited") in _RECRUITERS else ()


@_rule("palermo.act", "transportation", "DOMAIN.md §4.1 [S40][S41]; §4.3 s.6 [S43]")
def act_transportation(a: Mapping) -> tuple[str, ...]:
    """Brought across a border or to another province for the job ("transportation"; Thai
    s.6 "brings from or sends to")."""
    return _matching(a, moved_across_border="yes")


@_rule("palermo.act", "harbouring", "DOMAIN.md §4.1 [S40][S41]; §4.3 s.6 [S43]")
def act_harbouring(a: Mapping) -> tuple[str, ...]:
    """Not free to leave the workplace or living place: the person is kept there
    ("harbouring"; Thai s.6 "detains or confines, harbours"). Following Thai s.6, confinement
    counts as the act and NOT also as a means, so one answer cannot complete two elements."""
    return _matching(a, free_to_leave="no")


# ---- Palermo: means (DOMAIN.md §4.1, §4.5 [S40][S41]) ---------------------------------------
# Not asked, so never found: abduction, abuse_of_power, abuse_of_position_of_vulnerability,
# payments_or_benefits_to_person_in_control (that means paying someone who controls the
# victim, e.g. a parent, for consent; a worker's own debt is not that).

@_rule("palermo.means", "threat_of_force", "DOMAIN.md §4.1 [S40][S41]")
def means_threat_of_force(a: Mapping) -> tuple[str, ...]:
    """Threatened, hit, or family threatened. The question does not separate threats from
    blows, so we claim the lesser, threat_of_force, which is enough for the means element;
    use_of_force is left for an intake that asks about blows separately."""
    return _matching(a, threats_violence="yes")


@_rule("palermo.means", "other_coercion", "DOMAIN.md §4.1 [S40][S41]; §4.3 [S43][S45]")
def means_other_coercion(a: Mapping) -> tuple[str, ...]:
    """Documents kept by someone else, or a debt the person cannot leave because of. Thai law
    names both as coercion in "forced labour or service" (2017 amendment [S45]), so they are
    "other forms of coercion". We do not file documents under
    abuse_of_position_of_vulnerability: that is exploiting a vulnerability the person already
    has, while holding their passport is an act of control."""
    return _matching(a, documents_kept="yes", debt="yes")


@_rule("palermo.means", "deception", "DOMAIN.md §4.1 [S40][S41]")
def means_deception(a: Mapping) -> tuple[str, ...]:
    """Lied to about the job, the pay or the conditions. One answer, one means: we do not add
    "fraud" as well (a legal characterisation the answer alone cannot support)."""
    return _matching(a, deceived="yes")


# ---- Palermo: purpose (DOMAIN.md §4.1, §4.5 [S40][S41]; Thai s.4 "exploitation" [S43]) -----
# Not asked, so never found: other_sexual_exploitation, slavery_or_similar_practices,
# servitude, removal_of_organs.

@_rule("palermo.purpose", "exploitation_of_prostitution",
       "DOMAIN.md §4.1 [S40][S41]; §4.3 s.4 [S43]")
def purpose_exploitation_of_prostitution(a: Mapping) -> tuple[str, ...]:
    """Works in the sex trade AND is a child, or shows a sign of coercion or deception (not
    free to leave, threats, documents kept, debt, lied to). For a child, consent and means do
    not matter [S40] (Thai s.6(2) [S43]). An adult sex worker with no such sign is not flagged:
    the purpose needs someone exploiting the person, and the answers give no sign of it."""
    if a.get("sector") != "sex_work":
        return ()
    signs = _matching(a, under_18="yes", deceived="yes", **_COERCION_SIGNS)
    return _ordered("sector", *signs) if signs else ()


@_rule("palermo.purpose", "forced_labour_or_services",
       "DOMAIN.md §4.1 [S40][S41]; §4.3 s.4 [S43][S45]; §0 [002]")
def purpose_forced_labour(a: Mapping) -> tuple[str, ...]:
    """Made to work under coercion: not free to leave, threatened or hit, documents kept, or a
    debt they cannot leave because of. Thai s.4 defines forced labour as compelling work by
    intimidation, force or any means leaving the person unable to resist, and since 2017 by
    seizing identity documents or debt bondage [S45]. In any sector; in a scam centre this is
    the forced criminality of §0 [002] (compelled work, here criminal work)."""
    return _matching(a, **_COERCION_SIGNS)


# ---- ILO indicators of forced labour (DOMAIN.md §4.2, §4.5 [S42]) -----------------------
# Not asked, so never found: abuse_of_vulnerability, isolation. physical_and_sexual_violence
# is not claimed because the threats question does not separate threats from blows (see
# means_threat_of_force); intimidation_and_threats is.

@_rule("ilo", "deception", "DOMAIN.md §4.2 [S42]")
def ilo_deception(a: Mapping) -> tuple[str, ...]:
    """Lied to about the job, the pay or the conditions."""
    return _matching(a, deceived="yes")


@_rule("ilo", "restriction_of_movement", "DOMAIN.md §4.2 [S42]")
def ilo_restriction_of_movement(a: Mapping) -> tuple[str, ...]:
    """Cannot leave the workplace or living place freely."""
    return _matching(a, free_to_leave="no")


@_rule("ilo", "intimidation_and_threats", "DOMAIN.md §4.2 [S42]")
def ilo_intimidation_and_threats(a: Mapping) -> tuple[str, ...]:
    """Threatened, hit, or family threatened (the lesser claim; see means_threat_of_force)."""
    return _matching(a, threats_violence="yes")


@_rule("ilo", "retention_of_identity_documents", "DOMAIN.md §4.2 [S42]")
def ilo_retention_of_identity_documents(a: Mapping) -> tuple[str, ...]:
    """Passport, work permit or ID kept by someone else."""
    return _matching(a, documents_kept="yes")


@_rule("ilo", "withholding_of_wages", "DOMAIN.md §4.2 [S42]")
def ilo_withholding_of_wages(a: Mapping) -> tuple[str, ...]:
    """Not paid, or pay kept back."""
    return _matching(a, wages_withheld="yes")


@_rule("ilo", "debt_bondage", "DOMAIN.md §4.2 [S42]")
def ilo_debt_bondage(a: Mapping) -> tuple[str, ...]:
    """A debt to the employer or broker that the person cannot leave because of."""
    return _matching(a, debt="yes")


@_rule("ilo", "abusive_working_and_living_conditions", "DOMAIN.md §4.2 [S42]")
def ilo_abusive_conditions(a: Mapping) -> tuple[str, ...]:
    """Very bad living conditions."""
    return _matching(a, bad_living="yes")


@_rule("ilo", "excessive_overtime", "DOMAIN.md §4.2 [S42]")
def ilo_excessive_overtime(a: Mapping) -> tuple[str, ...]:
    """Made to work very long hours, or no rest days."""
    return _matching(a, excessive_hours="yes")


# ---- Thai law (DOMAIN.md §4.3, §4.5 [S43][S45]) -----------------------------------------
# The definitions DOMAIN.md gives: the s.6 means (2008 text) and the s.4 forced-labour
# coercion (with the 2017 additions). NOT the NRM's Ror.Bor. 1 items, which were not found.
# Not claimed: not free to leave (Thai s.6 makes confinement an act; it is covered by
# palermo.act harbouring and ilo restriction_of_movement), and the s.4 items the questions
# cannot tell apart (intimidation / use_of_force / fear_of_injury...: threat_or_use_of_force
# records that answer exactly).

@_rule("thai_law", "threat_or_use_of_force", "DOMAIN.md §4.3 s.6 [S43]")
def thai_threat_or_use_of_force(a: Mapping) -> tuple[str, ...]:
    """Threatened, hit, or family threatened: s.6 "threat or use of force" covers both."""
    return _matching(a, threats_violence="yes")


@_rule("thai_law", "deception", "DOMAIN.md §4.3 s.6 [S43]")
def thai_deception(a: Mapping) -> tuple[str, ...]:
    """Lied to about the job, the pay or the conditions (s.6 means "deception")."""
    return _matching(a, deceived="yes")


@_rule("thai_law", "seizure_of_identity_documents", "DOMAIN.md §4.3 s.4 [S43][S45]; §2.3 [S45]")
def thai_seizure_of_identity_documents(a: Mapping) -> tuple[str, ...]:
    """Documents kept by someone else: coercion in "forced labour or service" since 2017."""
    return _matching(a, documents_kept="yes")


@_rule("thai_law", "debt_bondage", "DOMAIN.md §4.3 s.4 [S43][S45]; §2.3 [S45]")
def thai_debt_bondage(a: Mapping) -> tuple[str, ...]:
    """A debt the person cannot leave because of: coercion in "forced labour or service"
    since 2017."""
    return _matching(a, debt="yes")


# ---- Forced criminality, scam centres (DOMAIN.md §0 [002]) -----------------------------------
# Only in the scam-centre sector: these are the signs seen in scam operations, and they add
# that context to the ILO / Palermo indicators the same answers already raise (they do not
# change the urgency on their own). Not asked: arbitrary_fines, resale_to_other_operations,
# forced_drug_use, sexual_exploitation.

def _in_scam_centre(a: Mapping, **expected: object) -> tuple[str, ...]:
    """("sector", matching keys...) if the sector is scam_centre and every expected answer
    matches (no expected answer: the sector alone); () otherwise."""
    if a.get("sector") != "scam_centre":
        return ()
    keys = _matching(a, **expected)
    if len(keys) != len(expected):
        return ()
    return _ordered("sector", *keys)


@_rule("forced_criminality", "online_job_offer_recruitment", "DOMAIN.md §0 [002]")
def fc_online_job_offer_recruitment(a: Mapping) -> tuple[str, ...]:
    """Recruited online (Facebook / TikTok job offers) into a scam centre."""
    return _in_scam_centre(a, recruited="online")


@_rule("forced_criminality", "transported", "DOMAIN.md §0 [002]")
def fc_transported(a: Mapping) -> tuple[str, ...]:
    """Brought across a border or to another province for the scam-centre job."""
    return _in_scam_centre(a, moved_across_border="yes")


@_rule("forced_criminality", "scam_call_centre", "DOMAIN.md §0 [002]")
def fc_scam_call_centre(a: Mapping) -> tuple[str, ...]:
    """Works in a scam centre."""
    return _in_scam_centre(a)


@_rule("forced_criminality", "document_retention", "DOMAIN.md §0 [002]")
def fc_document_retention(a: Mapping) -> tuple[str, ...]:
    """Documents kept, in a scam centre."""
    return _in_scam_centre(a, documents_kept="yes")


@_rule("forced_criminality", "threats_and_violence", "DOMAIN.md §0 [002]")
def fc_threats_and_violence(a: Mapping) -> tuple[str, ...]:
    """Threatened or hit, in a scam centre."""
    return _in_scam_centre(a, threats_violence="yes")


@_rule("forced_criminality", "movement_restricted", "DOMAIN.md §0 [002]")
def fc_movement_restricted(a: Mapping) -> tuple[str, ...]:
    """Not free to leave, in a scam centre."""
    return _in_scam_centre(a, free_to_leave="no")


@_rule("forced_criminality", "travel_debt", "DOMAIN.md §0 [002]")
def fc_travel_debt(a: Mapping) -> tuple[str, ...]:
    """A debt to the employer or broker that keeps the person there, in a scam centre (§0's
    "travel debt"; the question asks about any such debt, not only travel costs)."""
    return _in_scam_centre(a, debt="yes")


# --------------------------------------------------------------------------------------------
# Palermo completeness (DOMAIN.md §4.1, §4.5 [S40][S41]; Thai s.6(1)/(2) [S43])
# --------------------------------------------------------------------------------------------


def is_child(answers: Mapping) -> bool:
    """Anyone involved is under 18 (answered "yes"; "unsure" is not enough)."""
    return answers.get("under_18") == "yes"


def palermo_is_complete(indicators: tuple[Indicator, ...], child: bool) -> bool:
    """Adult: act AND means AND purpose. Child (under 18): act AND purpose, the means are not
    required [S40] (Thai s.6(2) [S43])."""
    found = {i.framework for i in indicators}
    act, means, purpose = ("palermo.act" in found, "palermo.means" in found, "palermo.purpose" in found)
    return act and purpose and (means or child)


# --------------------------------------------------------------------------------------------
# Urgency: THE triage, all of it, in one ordered table. The first rule that holds decides.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the urgency rules look at: the answers and the indicators found."""

    answers: Mapping
    indicators: frozenset[tuple[str, str]]  # (framework, name)
    palermo_complete: bool

    def said(self, key: str, value: object) -> bool:
        return self.answers.get(key) == value

    def any_of(self, framework: str, *names: str) -> bool:
        return any((framework, name) in self.indicators for name in names)

    def any_in(self, framework: str) -> bool:
        return any(f == framework for f, _ in self.indicators)


@dataclass(frozen=True)
class UrgencyRule:
    id: str
    urgency: str
    holds: Callable[[Facts], bool]
    source: str


#: Signs that someone is in danger now, as DOMAIN.md §4.6 spells danger out: "violence,
#: confinement, threat to life" = threatened or hit, or not free to leave.
def _danger_signs(f: Facts) -> bool:
    return f.said("threats_violence", "yes") or f.said("free_to_leave", "no")


#: Labour-rights problems (DOMAIN.md §4.6 "wages, hours, deductions"; §4.2 [S42] names): the
#: ILO indicators that, alone, are routed to labour services rather than to the ATIP focal point.
LABOUR_RIGHTS_ONLY = frozenset({
    ("ilo", "withholding_of_wages"), ("ilo", "excessive_overtime"),
    ("ilo", "abusive_working_and_living_conditions"),
})


def _problems(f: Facts) -> frozenset[tuple[str, str]]:
    """The indicators other than the Palermo act, which alone is no harm (see the act rules)."""
    return frozenset(i for i in f.indicators if i[0] != "palermo.act")


URGENCY_RULES: tuple[UrgencyRule, ...] = (
    # ---- urgent: show 191 / 1669 at once and escalate to a human (§4.6 "Immediate") --------
    UrgencyRule(
        "danger_now", "urgent",
        lambda f: f.said("in_danger", "yes"),
        "DOMAIN.md §4.6 (design suggestion): in danger now",
    ),
    UrgencyRule(
        "medical_emergency", "urgent",
        lambda f: f.said("medical_emergency", "yes"),
        "DOMAIN.md §4.6 (design suggestion): a medical emergency; 1669 [S29]",
    ),
    UrgencyRule(
        "child_exploitation", "urgent",
        # A child with ANY exploitation purpose; means not required [S40].
        lambda f: f.said("under_18", "yes") and f.any_in("palermo.purpose"),
        "DOMAIN.md §4.6 (design suggestion); §4.1 child rule [S40]",
    ),
    UrgencyRule(
        "emergency_path_danger_signs", "urgent",
        # Came through the emergency button or words, and reports violence/threats or
        # confinement, or cannot say they are safe right now. The flag alone does not decide
        # (a mis-tap is possible; the emergency flow has already shown 191 / 1669).
        lambda f: f.answers.get("urgent") is True and (_danger_signs(f) or f.said("in_danger", "unsure")),
        "DOMAIN.md §4.6 (design suggestion): in danger now = violence, confinement, threat to life",
    ),
    UrgencyRule(
        "danger_unsure_with_signs", "urgent",
        # "unsure" about danger now, while reporting the very signs §4.6 calls danger
        # (violence, confinement): treated as danger now. A clear "no" is the reporter's own
        # judgement and falls through to "high" below; "unsure" alone never escalates.
        lambda f: f.said("in_danger", "unsure") and _danger_signs(f),
        "DOMAIN.md §4.6 (design suggestion): in danger now = violence, confinement, threat to life",
    ),
    # ---- high: route to the DL-ATIP / provincial ATIP focal point the same day ------------
    UrgencyRule(
        "palermo_complete", "high",
        lambda f: f.palermo_complete,
        "DOMAIN.md §4.6 (design suggestion); §4.1 [S40][S41]",
    ),
    UrgencyRule(
        "ilo_core", "high",
        lambda f: f.any_of(
            "ilo", "restriction_of_movement", "physical_and_sexual_violence",
            "intimidation_and_threats", "retention_of_identity_documents",
        ),
        "DOMAIN.md §4.6 (design suggestion); §4.2 [S42]",
    ),
    UrgencyRule(
        "thai_law_coercion", "high",
        # Debt bondage (and document seizure, already caught by ilo_core) are coercion in Thai
        # law's "forced labour or service" since 2017, so they are treated like the §4.6 signs.
        lambda f: f.any_of("thai_law", "debt_bondage", "seizure_of_identity_documents"),
        "DOMAIN.md §4.3 [S43][S45]; §4.6 (design suggestion)",
    ),
    # ---- standard: refer to 1546 (DLPW), 1694 (DOE) or an NGO ------------------------------
    UrgencyRule(
        "labour_rights_only", "standard",
        lambda f: bool(_problems(f)) and _problems(f) <= LABOUR_RIGHTS_ONLY,
        "DOMAIN.md §4.6 (design suggestion): labour-rights problems only; §4.2 [S42]",
    ),
    UrgencyRule(
        "other_indicators_only", "standard",
        # Some indicator below the "high" bar that is not only a labour-rights problem, e.g.
        # deception alone, or working in a scam centre while free to leave.
        lambda f: bool(_problems(f)),
        "DOMAIN.md §4.6 (design suggestion): nothing meets the high bar",
    ),
    UrgencyRule(
        "no_indicator", "standard",
        # Nothing, or only the Palermo act (e.g. "recruited by a broker"), which alone is no harm.
        lambda f: True,
        "DOMAIN.md §4.6 (design suggestion)",
    ),
)


def triage(facts: Facts) -> UrgencyRule:
    """The first rule in URGENCY_RULES that holds (the last one always does)."""
    for rule in URGENCY_RULES:
        if rule.holds(facts):
            return rule
    raise AssertionError("URGENCY_RULES must end with a rule that always holds")


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

_ORDER = {(fw, name): (FRAMEWORKS.index(fw), names.index(name))
          for fw, names in VOCABULARY.items() for name in names}


def find_indicators(answers: Mapping) -> tuple[Indicator, ...]:
    """Every indicator rule that triggers, in FRAMEWORKS then vocabulary order."""
    found = []
    for framework, name, _source, rule in INDICATOR_RULES:
        because = rule(answers)
        if because:
            found.append(Indicator(framework, name, tuple(because)))
    return tuple(sorted(found, key=lambda i: _ORDER[(i.framework, i.name)]))


def screen(answers: Mapping) -> Screening:
    """Screen the intake answers: indicators, Palermo completeness, urgency and its rule."""
    if not isinstance(answers, Mapping):
        raise TypeError("answers must be a mapping of question key -> answer")
    indicators = find_indicators(answers)
    complete = palermo_is_complete(indicators, is_child(answers))
    facts = Facts(answers, frozenset((i.framework, i.name) for i in indicators), complete)
    rule = triage(facts)
    return Screening(indicators=indicators, urgency=rule.urgency, urgency_rule=rule.id,
                     palermo_complete=complete)
