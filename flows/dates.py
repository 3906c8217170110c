"""A date typed by a person, in any of our scripts and calendars, as an ISO date (or None).

People type "15/3/2569" (Buddhist Era, as Thai papers print it), "15-03-2026", "2026-03-15",
or the same in Thai, Burmese, Khmer or Lao digits. Day first, as in Thailand and its
neighbours; a year of 2400 or more is the Buddhist Era (543 years ahead). Anything else is
None: the flow then asks again, with the calendar button (a LINE date picker) offered first.
"""
from __future__ import annotations

import re
from datetime import date

BUDDHIST_ERA_OFFSET = 543
_FIRST_BE_YEAR = 2400

# Thai ๐-๙, Burmese ၀-၉, Khmer ០-៩, Lao ໐-໙ → 0-9.
_DIGITS = {ord(zero) + i: str(i) for zero in "๐၀០໐" for i in range(10)}
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s*[./\-\s]\s*(\d{1,2})\s*[./\-\s]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")
_PICKED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)   # LINE's date picker: "2026-03-15"


def parse_typed(text: str) -> str | None:
    """The date as "YYYY-MM-DD" (Gregorian), or None when it is not one."""
    plain = (text or "").translate(_DIGITS)
    if match := _ISO.match(plain):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.match(plain):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    if year >= _FIRST_BE_YEAR:
        year -= BUDDHIST_ERA_OFFSET
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def is_iso_date(text: str) -> bool:
    """Whether a date picker's answer is a real date written "YYYY-MM-DD" (a forged postback may
    say anything; Python's fromisoformat also takes ISO week dates such as "2026-W10-1", which
    would be saved as they came)."""
    if not isinstance(text, str) or not _PICKED.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
