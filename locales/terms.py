"""The term lists (locales/<lang>/TERMS.md): one word per thing in each language, so a worker
never meets two names for the same office or paper, and the variants a review found wrong
never come back. Read by tests/catalogs/test_terms.py, which checks every catalog.

A TERMS.md is for translators first. Its table rows are also read here:

    | Term (en) | Write | Never write | Only in | Note |
    | fine      | `ປັບໃໝ` | `ປັບໄໝ`  |         | ...  |

- "Write": the preferred form(s), in backticks. They are cut out of a text before the
  "Never write" forms are looked for, so a forbidden form that is part of a preferred one
  (Khmer `នាយកដ្ឋានការងារ` inside `នាយកដ្ឋានការងារធ្វើ`) is not flagged there.
- "Never write": literal forms in backticks, or `/regular expression/`.
- "Only in": `domain:message-id` patterns (fnmatch) the rule applies to; empty: everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from . import LOCALES

_TICKED = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Term:
    term: str                      # the English name, the same key in every language's list
    preferred: tuple[str, ...]
    forbidden: tuple[str, ...]     # literal strings
    patterns: tuple[re.Pattern, ...]
    scope: tuple[str, ...]         # domain:id patterns; () = every message

    def applies_to(self, domain: str, message_id: str) -> bool:
        key = f"{domain}:{message_id}"
        return not self.scope or any(fnmatchcase(key, pattern) for pattern in self.scope)

    def violations(self, text: str) -> list[str]:
        """The forbidden forms found in a text, once its preferred forms are cut out."""
        for preferred in sorted(self.preferred, key=len, reverse=True):
            text = text.replace(preferred, "\x00")
        found = [form for form in self.forbidden if form in text]
        found += [pattern.pattern for pattern in self.patterns if pattern.search(text)]
        return found


def terms_path(lang: str) -> Path:
    return LOCALES / lang / "TERMS.md"


def load_terms(lang: str) -> list[Term]:
    """The rows of a language's TERMS.md table (the table whose header starts with "Term")."""
    terms: list[Term] = []
    in_table = False
    for line in terms_path(lang).read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0].lower().startswith("term"):
            in_table = True
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        cells += [""] * (5 - len(cells))
        never = _TICKED.findall(cells[2])
        terms.append(Term(
            term=cells[0],
            preferred=tuple(_TICKED.findall(cells[1])),
            forbidden=tuple(f for f in never if not (len(f) > 2 and f.startswith("/") and f.endswith("/"))),
            patterns=tuple(re.compile(f[1:-1]) for f in never if len(f) > 2 and f.startswith("/") and f.endswith("/")),
            scope=tuple(_TICKED.findall(cells[3]))))
    return terms
