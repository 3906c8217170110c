"""Moments on the dashboard are written in Bangkok time, whatever the server's zone: date in the
viewer's language (Buddhist Era in Thai) and the 24-hour time, as Thai offices write them."""
from __future__ import annotations

from cases.roster import bangkok_time

from .text import date_text


def when_text(value) -> str:
    if value is None:
        return ""
    local = bangkok_time(value)
    return f"{date_text(local)} {local:%H:%M}"
