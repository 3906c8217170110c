"""The indicator registry: the identifiers each framework may use, the rules registered for them, and
the `Indicator` / `Screening` results, so that a framework module only has to declare its rules.

Identifiers are DOMAIN.md's, in their source's order, which is also the output order; the bot's
catalogs turn them into words. A rule is a small pure function (answers) -> the answer keys that
triggered it (empty = not triggered), registered with `@rule(framework, name, source)`; the
registry refuses a name that is not in DOMAIN.md's vocabulary.

Answers. "yes" / "no" / "unsure" questions trigger only on the answer that states the sign ("yes",
or "no" for free_to_leave). "unsure", a missing key or any unexpected value never triggers an
indicator by itself (`matching`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

# ---- Vocabulary: the identifiers, in their source's order (this order is also the output order) ----

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


# ---- Output ------------------------------------------------------------------------------------------


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


# ---- Reading answers ---------------------------------------------------------------------------------


def matching(answers: Mapping, **expected: object) -> tuple[str, ...]:
    """The keys whose answer equals the expected value, in ANSWER_KEYS order. Anything else
    (missing, "unsure", an unexpected value) does not match."""
    return tuple(key for key in ANSWER_KEYS if key in expected and answers.get(key) == expected[key])


def ordered(*keys: str) -> tuple[str, ...]:
    """The keys in ANSWER_KEYS order, whatever order a rule found them in."""
    return tuple(key for key in ANSWER_KEYS if key in keys)


# ---- The registry ------------------------------------------------------------------------------------

IndicatorRule = Callable[[Mapping], tuple[str, ...]]

#: (framework, name, source, rule), in FRAMEWORKS then vocabulary order, whatever order the
#: framework modules are imported in.
INDICATOR_RULES: list[tuple[str, str, str, IndicatorRule]] = []

_ORDER = {(fw, name): (FRAMEWORKS.index(fw), names.index(name))
          for fw, names in VOCABULARY.items() for name in names}


def rule(framework: str, name: str, source: str) -> Callable[[IndicatorRule], IndicatorRule]:
    """Register the decorated function as the rule for framework:name, citing its source."""
    if name not in VOCABULARY[framework]:
        raise ValueError(f"{framework}:{name} is not in DOMAIN.md's vocabulary")

    def register(fn: IndicatorRule) -> IndicatorRule:
        INDICATOR_RULES.append((framework, name, source, fn))
        INDICATOR_RULES.sort(key=lambda entry: _ORDER[(entry[0], entry[1])])
        return fn

    return register


def find_indicators(answers: Mapping) -> tuple[Indicator, ...]:
    """Every indicator rule that triggers, in FRAMEWORKS then vocabulary order."""
    found = []
    for framework, name, _source, indicator_rule in INDICATOR_RULES:
        because = indicator_rule(answers)
        if because:
            found.append(Indicator(framework, name, tuple(because)))
    return tuple(found)
