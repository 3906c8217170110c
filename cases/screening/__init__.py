"""Trafficking screening and triage of the intake answers: which indicators, how urgent, and why.

`screen(answers)` reads the intake questionnaire's answers (a plain mapping, any key may be
missing) and returns a `Screening`: the indicators found, each with the answer keys that
triggered it, whether the Palermo elements are complete, and the urgency with the id of the
one rule that decided it. Ids only: the bot's catalogs turn them into words. Pure standard
library, no I/O, deterministic.

What this is NOT: a legal identification. Formal identification of a victim is done by a
multidisciplinary team under Thailand's NRM (DOMAIN.md §4.4 [S46][S47]); this package only
flags a report for a human to look at, and how soon.

One module per framework, each declaring its rules in `indicators.py`'s registry; every indicator
rule and every urgency rule names its DOMAIN.md section and source tag
(/work/shared/domain/DOMAIN.md; the tags resolve in its source register):

- `palermo.py`: §4.1 Palermo Protocol art. 3, act / means / purpose, and the child rule [S40][S41].
- `ilo.py`: §4.2 the ILO's 11 indicators of forced labour (SAP-FL booklet, 2012) [S42].
- `thai_law.py`: §4.3 Thai Anti-Trafficking in Persons Act B.E. 2551, s.4 and s.6 [S43]
  (unofficial translation of the 2008 text; the 2019 s.6 text was not retrieved [S44]) and the
  2017 amendment adding seizure of identity documents and debt bondage to "forced labour or
  service" [S45]. §4.4 / §4.5 Thailand's NRM screening form Ror.Bor. 1 (ร.บ.1): its items are
  NOT FOUND in DOMAIN.md, so none are invented here. The "thai_law" framework is the Thai-law
  definitions DOMAIN.md does give (§4.3 / §4.5), not the official NRM form;
  `THAI_NRM_ROR_BOR_1_ITEMS` is None to say so.
- `forced_criminality.py`: §0 forced criminality (scam centre) indicators seen, from the
  project's seed document 002 (tagged [002] here). DOMAIN.md gives these as phrases, not
  identifiers; the snake_case names in FORCED_CRIMINALITY are ours, one per phrase, in
  DOMAIN.md's order.
- `urgency.py`: §4.6 triage. DOMAIN.md labels its urgency rule "my own design suggestion, not
  an official protocol", and says an official Thai hotline triage protocol was NOT FOUND.
  URGENCY_RULES implements that suggestion (plus the decisions documented there); it is a
  design choice to be reviewed, not an official protocol. URGENCY_WINDOWS_DEFAULT: the
  "urgent" window comes from the project brief, not from DOMAIN.md; "high" and "standard" are
  configurable defaults we picked, not sourced rules (DOMAIN.md §4.6 only says "high" should
  reach the focal point "the same day").

`kind` ("self" or "tip"), `people_count` and `nationality` are not used: the same rules apply
to a worker speaking for themselves and to a volunteer's tip, and no DOMAIN.md source makes a
count or a nationality an indicator.
"""
from __future__ import annotations

from collections.abc import Mapping

# The framework modules register their rules on import; the registry keeps them in
# FRAMEWORKS then vocabulary order whatever the import order.
from . import forced_criminality, ilo, thai_law  # noqa: F401
from .indicators import (
    ANSWER_KEYS,
    FRAMEWORKS,
    INDICATOR_RULES,
    THAI_NRM_ROR_BOR_1_ITEMS,
    VOCABULARY,
    Indicator,
    Screening,
    find_indicators,
)
from .palermo import is_child, palermo_is_complete
from .urgency import (
    URGENCY_LEVELS,
    URGENCY_RULES,
    URGENCY_WINDOWS_DEFAULT,
    Facts,
    triage,
    urgency_windows,
)

__all__ = [
    "ANSWER_KEYS", "FRAMEWORKS", "INDICATOR_RULES", "THAI_NRM_ROR_BOR_1_ITEMS", "URGENCY_LEVELS",
    "URGENCY_RULES", "URGENCY_WINDOWS_DEFAULT", "VOCABULARY", "Indicator", "Screening", "screen",
    "urgency_windows",
]


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
