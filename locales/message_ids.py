"""What must be translated: the message ids every catalog of a domain must hold, and which of
them are shown where a length is limited (buttons, card titles).

The registries stay next to what they describe (the flows' files and flows.engine.UI, the LINE
layer's bot.ui_text, the officers' cases.officer_text); this module only gathers them, for
`python -m locales check`, the start-up check in app.py and the catalog tests. They are imported
when asked for, so importing `locales` stays cheap and pulls in none of those packages.
"""
from __future__ import annotations

from functools import cache

from . import BOT_DOMAIN, DASHBOARD_DOMAIN, OFFICER_DOMAIN


def required_message_ids(flows=None) -> dict[str, set[str]]:
    """{domain: message ids} every catalog of that domain must translate: the flows' ids
    (all domains, hotline labels, input.invalid), flows.engine.UI and bot.ui_text.BOT_MESSAGE_IDS,
    the officers' texts (cases.officer_text, domain "officer": Thai and English only) and the
    dashboard's (domain "dashboard", Thai and English)."""
    from bot import reminder_effects, reminder_push
    from bot.officer_messages import OFFICER_MESSAGE_IDS as MSG_OFFICER_IDS
    from bot.ui_text import BOT_MESSAGE_IDS
    from cases.officer_text import OFFICER_MESSAGE_IDS
    from cases.reporter_notes import REPORTER_MESSAGE_IDS
    from flows.engine import UI
    from flows.loader import load_flows

    flows = flows or load_flows()
    ids = {domain: set(found) for domain, found in flows.message_ids().items()}
    for flow in flows.flows.values():
        for step in flow.steps.values():
            if step.input and step.input.get("invalid"):
                ids.setdefault(flow.domain, set()).add(step.input["invalid"])
    ids.setdefault(BOT_DOMAIN, set()).update(UI.values(), BOT_MESSAGE_IDS.values(), reminder_push.MESSAGE_IDS,
                                             reminder_effects.MESSAGE_IDS)   # issue 15: what reminders say
    ids.setdefault(OFFICER_DOMAIN, set()).update(OFFICER_MESSAGE_IDS.values(), MSG_OFFICER_IDS.values())
    ids.setdefault("intake", set()).update(REPORTER_MESSAGE_IDS.values())
    ids.setdefault(DASHBOARD_DOMAIN, set()).update(dashboard_message_ids())
    return ids


@cache
def dashboard_message_ids() -> frozenset[str]:
    """Every id the dashboard's templates and Python files mark: each must be translated
    (read once per process: the templates do not change under a running service)."""
    from .__main__ import extract
    return frozenset(message.id for message in extract(DASHBOARD_DOMAIN) if message.id)


def label_message_ids(flows=None) -> set[str]:
    """Ids shown as buttons (at most line_limits.MAX_ACTION_LABEL_CHARS characters): choice
    labels, hotline labels, the standard nav buttons, and any id ending in ".label"."""
    from flows.engine import UI
    from flows.loader import load_flows

    flows = flows or load_flows()
    labels = {h["label"] for h in flows.hotlines.values()}
    labels.update(message for key, message in UI.items() if key.startswith("nav."))
    for flow in flows.flows.values():
        for step in flow.steps.values():
            labels.update(c["label"] for c in step.choices if "label" in c)
    labels.update(i for ids in required_message_ids(flows).values() for i in ids if i.endswith(".label"))
    return labels


def card_title_ids(flows=None) -> set[str]:
    """Ids shown as the title of a card of phone numbers (locales.quality.MAX_CARD_TITLE)."""
    from flows.loader import load_flows

    flows = flows or load_flows()
    return {step.dial["title"] for flow in flows.flows.values() for step in flow.steps.values()
            if step.dial and step.dial.get("title")}
