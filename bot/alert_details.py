"""Everything about a case as LINE messages, for an officer's 1:1 chat: the facts, the
reporter's words, how to contact them and where they were, and the audit trail.

The lines come from cases.alert_text; this fits them into at most five messages LINE accepts,
cutting at line breaks and keeping the newest of a long trail.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from cases.alert_text import AlertText, Point
from line_limits import (
    MAX_LOCATION_ADDRESS_CHARS,
    MAX_LOCATION_TITLE_CHARS,
    MAX_MESSAGES_PER_REQUEST,
    MAX_TEXT_CHARS,
)

from .render import Renderer, fit

# Ours: the reporter's answers are shown as at most this many lines of at most this length.
SUMMARY_LINES_SHOWN = 25
SUMMARY_LINE_CHARS = 300


def details(text: AlertText, case, events: Iterable = (), names: Mapping[str, str] | None = None,
            consent: str | None = None) -> list[dict]:
    """Everything about the case, contact details included, and its audit trail: at most
    five messages. `names` maps officer and committee ids to names for the trail; `consent`,
    the reporter's consent line, goes with the contact details."""
    names, events = dict(names or {}), list(events or ())
    facts = text.facts(case, events, names)
    summary = summary_lines(text, case)
    if summary:
        facts += ["", text.t("row.summary") + ":"] + ["• " + line for line in summary]
    messages = text_messages(join_within(facts, MAX_TEXT_CHARS))

    words = text.words(case)
    if words:
        messages += text_messages(fit(f"{words[0]}:\n{words[1]}", MAX_TEXT_CHARS))

    point, place_line = text.location(case)
    contact = text.contact_lines(case) + ([consent] if consent else [])
    messages += text_messages(join_within(contact + [place_line], MAX_TEXT_CHARS))
    if point is not None:
        messages.append(_location(text, point))

    trail = _trail(text, events, names)
    if trail:
        messages += text_messages(trail)
    return Renderer.finish(messages)[:MAX_MESSAGES_PER_REQUEST]


def summary_lines(text: AlertText, case) -> list[str]:
    """The caller's summary of the reporter's answers, as much of it as the details show."""
    return [fit(line, SUMMARY_LINE_CHARS) for line in text.summary(case)[:SUMMARY_LINES_SHOWN]]


def _location(text: AlertText, point: Point) -> dict:
    """A map pin of the location the reporter shared."""
    return {"type": "location", "title": fit(text.t("location.title"), MAX_LOCATION_TITLE_CHARS),
            "address": fit(point.address or f"{point.latitude:.6f}, {point.longitude:.6f}",
                           MAX_LOCATION_ADDRESS_CHARS),
            "latitude": point.latitude, "longitude": point.longitude}


def _trail(text: AlertText, events: list, names: Mapping[str, str]) -> str:
    """The audit trail in one text; when it is too long, the oldest entries are left out."""
    lines = text.trail_lines(events, names)
    if not lines:
        return ""
    title = text.t("trail.title") + ":"
    kept: list[str] = []
    budget = MAX_TEXT_CHARS - len(title) - 60  # room for the "earlier entries" line
    for line in reversed(lines):  # the newest matter most: drop the oldest first
        if len(line) + 1 > budget:
            break
        kept.insert(0, line)
        budget -= len(line) + 1
    head = [title]
    if len(kept) < len(lines):
        head.append(text.t("trail.earlier", count=len(lines) - len(kept)))
    return fit("\n".join(head + kept), MAX_TEXT_CHARS)


def join_within(lines: list[str], limit: int) -> str:
    """Lines joined, cut to LINE's text limit at a line break where possible."""
    text = "\n".join(lines).strip("\n") or "…"
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut[: cut.rfind("\n")] if "\n" in cut else cut) + "\n…"


def text_messages(*texts: str) -> list[dict]:
    """One LINE text message per non-empty text, each within LINE's length."""
    return [{"type": "text", "text": fit(text, MAX_TEXT_CHARS)} for text in texts if text]
