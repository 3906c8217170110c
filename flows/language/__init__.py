"""Language handling for incoming chat messages: detect, de-Zawgyi, choose.

Pure Python (no Flask, LINE or database): give it text, get answers.

    text, detection = normalise_input(message_text)
    lang = choose_language(detection, profile.get("language"), conversation.language)
    if lang is None: ask, listing language_names()
"""
from flows.language.detect import (
    Detection,
    detect_language,
    normalise_input,
    script_counts,
    warm_up,
)
from flows.language.policy import choose_language, from_line_language, language_names
from flows.language.zawgyi import ZAWGYI_THRESHOLD, to_unicode, to_zawgyi, zawgyi_probability

__all__ = [
    "ZAWGYI_THRESHOLD",
    "Detection",
    "choose_language",
    "detect_language",
    "from_line_language",
    "language_names",
    "normalise_input",
    "script_counts",
    "to_unicode",
    "to_zawgyi",
    "warm_up",
    "zawgyi_probability",
]
