"""Which trigger of flows/data/triggers.yaml a typed message sets off: the one place for the rule.

A trigger fires on any of its `words` (danger: always), or on one of its `asks` (asking for
help) when the message names none of its `unless` words (an ordinary topic such as a visa,
or thanks): "help me, we are locked in" is an emergency, "can you help me with my visa" is
not (the step answers it as any other text; at the menu, the menu again).
Latin words match whole words, case-insensitively; a word ending in `*` matches any ending
("kill*": killed, killing). Words in Burmese, Khmer, Lao and Thai, written without spaces
between words, match anywhere, with the message's spaces and zero-width characters ignored
("ကယ် ပါ" is "ကယ်ပါ"). An `exact` trigger matches only a message that is just one word.
The message is already Unicode here (bot/conversation.py normalises Zawgyi first).
"""
from __future__ import annotations

import re

FIELDS = {"name", "interrupt", "go", "words", "asks", "unless", "exact", "when"}
NOT_UNDERSTOOD = "not_understood"   # `when`: fires only on a message the step would not understand
# What the people we serve may put between or inside words of scripts written without spaces.
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


class Triggers:
    """The triggers of triggers.yaml, compiled, in order: `first(text)` is the first that fires."""

    def __init__(self, triggers: list[dict]):
        self._matchers = [TriggerMatcher(trigger) for trigger in triggers]

    def first(self, text: str) -> dict | None:
        folded = text.casefold()
        joined = _INVISIBLE.sub("", folded)
        for matcher in self._matchers:
            if matcher.fires(folded, joined):
                return matcher.trigger
        return None


class TriggerMatcher:
    """One trigger, compiled: two or three regex searches a message."""

    def __init__(self, trigger: dict):
        self.trigger = trigger
        exact = bool(trigger.get("exact"))
        self._words = _Words(trigger.get("words") or [], exact)
        self._asks = _Words(trigger.get("asks") or [], exact)
        self._unless = _Words(trigger.get("unless") or [], False)

    def fires(self, folded: str, joined: str) -> bool:
        """`folded`: the message casefolded; `joined`: the same without spaces."""
        if self._words.search(folded, joined):
            return True
        return self._asks.search(folded, joined) and not self._unless.search(folded, joined)


class _Words:
    """Latin words against the text as written; other scripts against it without spaces."""

    def __init__(self, words: list[str], exact: bool):
        latin = [w for w in words if w.isascii()]
        other = [w for w in words if not w.isascii()]
        self.latin = _compile([_latin(w) for w in latin], exact)
        self.other = _compile([_trie({_INVISIBLE.sub("", w.casefold()) for w in other})] if other else [], exact)

    def search(self, folded: str, joined: str) -> bool:
        return bool((self.latin and self.latin.search(folded)) or (self.other and self.other.search(joined)))


def _latin(word: str) -> str:
    word = word.casefold().strip()
    stem = word.endswith("*")
    parts = [re.escape(part) for part in word.rstrip("*").split()]
    return r"\b" + r"\s+".join(parts) + (r"\w*" if stem else r"\b")


def _trie(words: set[str]) -> str:
    """One regex for many literal words, their common beginnings shared: a message is read
    once, a letter at a time, instead of once per word, so a longer word list costs little."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(tree)


def _compile(parts: list[str], exact: bool) -> re.Pattern | None:
    if not parts:
        return None
    pattern = "|".join(parts)
    return re.compile(rf"^\s*(?:{pattern})\s*$" if exact else pattern)


def check(trigger: dict) -> str | None:
    """What is wrong with a trigger of triggers.yaml, or None."""
    unknown = set(trigger) - FIELDS
    if unknown:
        return f"unknown field(s) {sorted(unknown)}"
    if not trigger.get("go"):
        return "names no step to go to (go)"
    if trigger.get("when") not in (None, NOT_UNDERSTOOD):
        return f"when: only {NOT_UNDERSTOOD!r}"
    if not (trigger.get("words") or trigger.get("asks")):
        return "has no words and no asks"
    if trigger.get("unless") and not trigger.get("asks"):
        return "`unless` only qualifies `asks` (danger `words` always fire)"
    for field in ("words", "asks", "unless"):
        if not all(isinstance(w, str) and w.strip() for w in trigger.get(field) or []):
            return f"{field}: every entry is a non-empty text"
    return None
