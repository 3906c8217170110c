"""Triage: how soon a screened report must reach a human, decided by one ordered table so that the
whole triage reads in one place and every decision names the rule that made it. The table is
DOMAIN.md §4.6's design suggestion, not an official protocol (see the package's notes).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

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
