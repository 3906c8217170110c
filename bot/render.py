"""Turn the flow engine's abstract outputs into LINE message objects.

Everything LINE would refuse is fixed here, once, within line_limits.py (messages a request,
quick replies, the length of a label, a text, an alt text). Texts are translated from the
catalogs, and converted to Zawgyi for a person who reads Zawgyi.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from flows.model import Ask, Dial, Say, Source, Summary
from line_limits import (
    MAX_ACTION_LABEL_CHARS,
    MAX_BUTTONS_TEMPLATE_ACTIONS,
    MAX_BUTTONS_TEMPLATE_TEXT_CHARS,
    MAX_MESSAGES_PER_REQUEST,
    MAX_QUICK_REPLY_ITEMS,
    MAX_TEMPLATE_ALT_TEXT_CHARS,
    MAX_TEXT_CHARS,
)
from locales.languages import LANGUAGES

log = logging.getLogger(__name__)


def fit(text: str, limit: int) -> str:
    """Cut text to LINE's limit (a label, a text) without leaving it empty. The log says
    how long, never what: the text may be someone's words, address or phone."""
    text = text.strip() or "…"
    if len(text) <= limit:
        return text
    log.warning("text of %s characters cut to %s", len(text), limit)
    return text[: limit - 1] + "…"


class Renderer:
    """Renders for one reader: their language, and whether they read Zawgyi."""

    def __init__(self, catalogs, to_zawgyi: Callable[[str], str]):
        self.catalogs = catalogs
        self._to_zawgyi = to_zawgyi

    def _every_language(self, message_id: str) -> str:
        """One line per language, Burmese twice (Unicode and Zawgyi): this is shown exactly
        when we do not yet know what the person reads."""
        lines = []
        for language in LANGUAGES:
            line = self.catalogs.text(language, message_id)
            lines.append(line)
            if language == "my":
                lines.append(self._to_zawgyi(line))
        return "\n".join(dict.fromkeys(lines))

    def _param(self, language: str, value):
        return self.catalogs.date(language, value) if isinstance(value, date) else value

    def render(self, outputs, language: str, zawgyi: bool = False) -> list[dict]:
        def tr(message_id: str, **params) -> str:
            params = {name: self._param(language, value) for name, value in params.items()}
            value = self.catalogs.text(language, message_id, **params)
            return self._to_zawgyi(value) if zawgyi and language == "my" else value

        messages: list[dict] = []
        for output in outputs:
            if isinstance(output, Say):
                body = self._every_language(output.message) if output.every_language else tr(output.message,
                                                                                              **output.params)
                messages.append({"type": "text", "text": fit(body, MAX_TEXT_CHARS)})
            elif isinstance(output, Dial):
                messages.extend(self._dial(output, tr, language))
            elif isinstance(output, Source):
                messages.append({"type": "text", "text": fit(self._source(output, language, tr), MAX_TEXT_CHARS)})
            elif isinstance(output, Summary):
                lines = [f"• {tr(a.title)}: {self._answer(a, tr)}" for a in output.answers]
                messages.append({"type": "text", "text": fit("\n".join(lines) or "-", MAX_TEXT_CHARS)})
            elif isinstance(output, Ask) and output.choices:
                if not messages:
                    messages.append({"type": "text", "text": fit(tr("ui.choose"), MAX_TEXT_CHARS)})
                messages[-1]["quickReply"] = {"items": [self._quick_reply(c, tr)
                                                        for c in output.choices[:MAX_QUICK_REPLY_ITEMS]]}
        return messages

    @staticmethod
    def finish(messages: list[dict]) -> list[dict]:
        """The last step before sending: LINE's five-message limit."""
        return _at_most_five(messages)

    def _dial(self, output: Dial, tr, language: str) -> list[dict]:
        """One card per four numbers, in the order given for the reader's language."""
        cards = []
        calls = list(output.calls_for(language))
        for start in range(0, len(calls), MAX_BUTTONS_TEMPLATE_ACTIONS):
            actions = [{"type": "uri", "label": fit(tr(call.label), MAX_ACTION_LABEL_CHARS),
                        "uri": f"tel:{call.number}"} for call in calls[start:start + MAX_BUTTONS_TEMPLATE_ACTIONS]]
            title = tr(output.title)
            cards.append({
                "type": "template",
                "altText": fit(tr("ui.hotlines_alt"), MAX_TEMPLATE_ALT_TEXT_CHARS),  # shows in notifications: discreet
                "template": {"type": "buttons", "text": fit(title, MAX_BUTTONS_TEMPLATE_TEXT_CHARS),
                             "actions": actions},
            })
        return cards

    def _source(self, source: Source, language: str, tr) -> str:
        """ "Source: Department of Employment, February 2026\nChecked on: December 6, 2026" in the
        reader's language (publisher names translated, dates in its calendar), then each link
        on its own line (LINE makes it tappable)."""
        cited = [self.catalogs.text(language, "ui.source.item", by=self.catalogs.text(language, c.by),
                                    date=self.catalogs.date(language, c.date) if c.date
                                    else self.catalogs.text(language, "ui.source.undated"))
                 for c in source.cited]
        text = tr("ui.source", sources="; ".join(cited), checked=source.checked)
        links = list(dict.fromkeys(c.url for c in source.cited if c.url))
        return "\n".join([text] + links)

    def summary_lines(self, summary: Summary, language: str) -> list[str]:
        """A summary as plain lines in one language (for officers' alerts)."""
        def tr(message_id: str) -> str:
            return self.catalogs.text(language, message_id)
        return [f"{tr(a.title)}: {self._answer(a, tr)}" for a in summary.answers]

    @staticmethod
    def _answer(answer, tr) -> str:
        if answer.kind == "label":
            return tr(answer.value)
        if answer.kind == "location":
            place = answer.value or {}
            return place.get("address") or f"📍 {place.get('latitude')}, {place.get('longitude')}"
        if answer.kind == "count":
            return str(answer.value)
        text = " ".join(str(answer.value).split())
        return text if len(text) <= 80 else text[:79] + "…"

    def _quick_reply(self, choice, tr) -> dict:
        label = choice.label if choice.literal else tr(choice.label)
        label = fit(label, MAX_ACTION_LABEL_CHARS)
        if choice.kind == "location":
            return {"type": "action", "action": {"type": "location", "label": label}}
        if choice.kind == "date":     # LINE's date picker; its postback carries params.date (bot/events.py)
            return {"type": "action", "action": {"type": "datetimepicker", "label": label, "data": choice.data,
                                                 "mode": "date"}}
        action = {"type": "postback", "label": label, "data": choice.data}
        if not choice.quiet:
            action["displayText"] = label
        return {"type": "action", "action": action}


def _at_most_five(messages: list[dict]) -> list[dict]:
    """Join neighbouring plain texts until LINE's five-message limit is met."""
    while len(messages) > MAX_MESSAGES_PER_REQUEST:
        for index in range(len(messages) - 1):
            first, second = messages[index], messages[index + 1]
            if first["type"] == "text" == second["type"] and "quickReply" not in first:
                joined = fit(first["text"] + "\n\n" + second["text"], MAX_TEXT_CHARS)
                messages[index:index + 2] = [{**second, "text": joined}]
                break
        else:
            log.warning("dropping %s messages over LINE's limit", len(messages) - MAX_MESSAGES_PER_REQUEST)
            quick = messages[-1].get("quickReply")
            messages = messages[:MAX_MESSAGES_PER_REQUEST]
            if quick:
                messages[-1] = {**messages[-1], "quickReply": quick}
    return messages
