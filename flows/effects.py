"""The effects a flow may name, each with the arguments it takes (goflow's actions by name).

One registry read by the loader, which refuses an unknown effect or a wrong argument at
start, and by the bot, which has one handler per name: a misspelled effect cannot
load and then silently drop what a person sent (tests/flows/test_effects.py).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EffectSpec:
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    # May not happen (nothing to send, nothing to cancel): its choice names `go` and `failed`.
    outcome: bool = False


EFFECTS: dict[str, EffectSpec] = {
    "set_language": EffectSpec(required=frozenset({"language"}), optional=frozenset({"zawgyi"})),
    "mark_urgent": EffectSpec(),
    "submit_report": EffectSpec(required=frozenset({"kind"}), outcome=True),
    "cancel_report": EffectSpec(outcome=True),
    "delete_my_data": EffectSpec(),
    # The person's "stop": every consent to contact them withdrawn (flows/data/contact.yaml).
    "revoke_consent": EffectSpec(),
    # News and reminders (issue 15; flows/data/news.yaml, reminders.yaml; the bot's handlers in
    # bot/news_effects.py and bot/reminder_effects.py).
    "news_subscribe": EffectSpec(outcome=True),   # the answers become the chat's subscription
    "news_show": EffectSpec(),                    # the subscription, as words, into the answers
    "news_stop": EffectSpec(),                    # news and reminders end (the same as "stop" does for them)
    "reminder_set": EffectSpec(outcome=True),     # the kind and date answered become a reminder
    "reminder_show": EffectSpec(),                # the reminders, as words, into the answers
    "reminder_remove": EffectSpec(outcome=True),  # every reminder of this chat removed
}

OUTCOME_EFFECTS = frozenset(name for name, spec in EFFECTS.items() if spec.outcome)


def problem(name, args) -> str | None:
    """What is wrong with this effect and its arguments, or None when it can be done."""
    spec = EFFECTS.get(name)
    if spec is None:
        return f"unknown effect {name!r} (known: {sorted(EFFECTS)})"
    if args is not None and not isinstance(args, dict):
        return f"{name}: args is a mapping"
    given = set(args or {})
    if spec.required - given:
        return f"{name} needs argument(s) {sorted(spec.required - given)}"
    if given - spec.required - spec.optional:
        return f"{name} takes no argument(s) {sorted(given - spec.required - spec.optional)}"
    return None
