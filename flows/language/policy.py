"""Which language to answer in: the one policy, in one place."""
from __future__ import annotations

from flows.language.detect import Detection
from locales.languages import AUTONYMS, LANGUAGES


def language_names() -> dict[str, str]:
    """{code: name in its own script} for every supported language, in menu order."""
    return {code: AUTONYMS[code] for code in LANGUAGES}


def from_line_language(code: str | None) -> str | None:
    """Map a LINE profile `language` (BCP 47-ish: "th", "en", "en-US", "my-MM",
    "zh-Hant", "ja") to one of ours, or None when it is not one of ours."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def choose_language(
    detection: Detection | None,
    profile_language: str | None,
    current: str | None,
) -> str | None:
    """The language to reply in, or None meaning "ask the person".

    In order, the first that applies wins:
    1. The message tells, confidently (e.g. it is written in Khmer script) -> that.
       What people write beats anything we assumed before.
    2. The conversation already has a language (`current`) -> keep it. A message
       that does not tell ("ok", a sticker, "555") must not reset it, and a weak
       hint should not flip it.
    3. The message hints (a romanised greeting like "mingalaba", English that
       langdetect is only fairly sure of) -> that.
    4. The LINE profile's language, if it is one of ours -> that. It is only the
       phone's setting: migrants often use a Thai or English phone.
    5. None: ask, showing language_names().
    """
    if detection is not None and detection.language and detection.confident:
        return detection.language
    if current in LANGUAGES:
        return current
    if detection is not None and detection.language:
        return detection.language
    return from_line_language(profile_language)
