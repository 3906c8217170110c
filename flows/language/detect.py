"""Which of our languages a chat message is written in, from the message alone.

Rules first, because our languages each have their own Unicode block and that is
both exact and fast: count the characters of each script and let the majority
decide. Statistics (langdetect) only for Latin-script text, where the question is
"is this English?", and only when the text is long enough for the answer to mean
something. Burmese text is also checked for the Zawgyi font encoding.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from flows.language.romanised import greeting_language
from flows.language.zawgyi import encoding, is_zawgyi, to_unicode


@dataclass(frozen=True, slots=True)
class Detection:
    """What the text told us.

    language: "my" | "km" | "lo" | "th" | "en", or None when the text does not tell
        (empty, emoji, digits, "ok", one short Latin word, another language).
    zawgyi: the text is Burmese typed in the Zawgyi encoding (convert before use).
    confident: the evidence is strong enough to switch a conversation that is
        already going on in another language; a weak hint is not.
    unsure_encoding: Burmese too short to tell Zawgyi from Unicode (it reads well in
        both); zawgyi is then False, and the caller keeps what it knew or asks.
    """

    language: str | None
    zawgyi: bool = False
    confident: bool = False
    unsure_encoding: bool = False


UNKNOWN = Detection(None, False, False)

# --- script counting ------------------------------------------------------------
# Unicode blocks (Unicode Standard, Blocks.txt).
_BLOCKS = {
    "my": ((0x1000, 0x109F), (0xAA60, 0xAA7F), (0xA9E0, 0xA9FF)),  # Myanmar, Ext-A, Ext-B
    "km": ((0x1780, 0x17FF), (0x19E0, 0x19FF)),  # Khmer, Khmer Symbols
    "lo": ((0x0E80, 0x0EFF),),  # Lao
    "th": ((0x0E00, 0x0E7F),),  # Thai
}
# One pass of str.translate maps every character of a block to a marker and
# str.count tallies the markers, cheaper than one regex findall per block, since
# every message goes through here. The markers are control characters no one
# types; any already in the text are deleted first so they cannot be miscounted.
_MARK = {"my": "\x01", "km": "\x02", "lo": "\x03", "th": "\x04", "latin": "\x05"}
_TABLE: dict[int, str | None] = {}
for _lang, _ranges in _BLOCKS.items():
    for _lo, _hi in _ranges:
        for _cp in range(_lo, _hi + 1):
            _TABLE[_cp] = _MARK[_lang]
for _cp in list(range(0x41, 0x5B)) + list(range(0x61, 0x7B)) + list(range(0xC0, 0x250)):
    if chr(_cp).isalpha():
        _TABLE[_cp] = _MARK["latin"]
for _m in _MARK.values():
    _TABLE[ord(_m)] = None
_NATIVE = re.compile(
    "[" + "".join(f"{chr(lo)}-{chr(hi)}" for ranges in _BLOCKS.values() for lo, hi in ranges) + "]"
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")


def script_counts(text: str) -> dict[str, int]:
    """Characters per script: my, km, lo, th (whole blocks, digits and marks
    included) and latin (letters only)."""
    marked = text.translate(_TABLE)
    return {lang: marked.count(mark) for lang, mark in _MARK.items()}


# --- Latin script -----------------------------------------------------------------
# Below this, langdetect's answer is noise ("ok" -> Slovak, "hi" -> Swahili).
MIN_LATIN_WORDS = 3
MIN_LATIN_LETTERS = 15
# langdetect's probability for "en" needed to say English at all, and to be confident.
EN_ACCEPT = 0.70
EN_CONFIDENT = 0.90
LANGDETECT_MAX_CHARS = 400

_langdetect_lock = threading.Lock()
_langdetect_ready = False


def _load_langdetect():
    """Import langdetect and load its profiles once, seeded for repeatable answers."""
    global _langdetect_ready
    from langdetect import DetectorFactory, detect_langs

    if not _langdetect_ready:
        with _langdetect_lock:
            if not _langdetect_ready:
                DetectorFactory.seed = 0
                from langdetect.detector_factory import init_factory

                init_factory()
                _langdetect_ready = True
    return detect_langs


@lru_cache(maxsize=8192)
def english_probability(text: str) -> float:
    """langdetect's probability that text is English (0.0 when it finds nothing).

    langdetect is the costly step of detection, so this runs only for long-enough
    Latin text and is cached: the same phrases come back again and again in a hotline.
    """
    detect_langs = _load_langdetect()
    try:
        guesses = detect_langs(text)
    except Exception:  # noqa: BLE001 - LangDetectException: no usable features
        return 0.0
    return next((g.prob for g in guesses if g.lang == "en"), 0.0)


# English function words (closed-class: articles, pronouns, auxiliaries, prepositions).
# Ordinary English chat is full of them and romanised Burmese, Thai, Khmer or Lao has
# none, so they settle most English messages without calling langdetect.
ENGLISH_FUNCTION_WORDS = frozenset("""
    a an the i you he she we they it me him her us them my your his its our their
    am is are was were be been being do does did have has had can could will would should
    shall may might must to of in on at for with from by about into over under and or but
    not no if so than then this that these those there here what how where when why who
    which whom whose please
""".split())


def _english_by_function_words(words: list[str]) -> bool:
    hits = sum(word.lower() in ENGLISH_FUNCTION_WORDS for word in words)
    return hits >= 2 and hits * 4 >= len(words)


def _detect_latin(text: str, statistics: bool = True) -> Detection:
    words = _LATIN_WORD.findall(text)
    if not words:
        return UNKNOWN
    greeting = greeting_language(text)
    if greeting is not None:
        # A romanised greeting is a hint about the person, not proof.
        return Detection(greeting, False, False)
    if len(words) < MIN_LATIN_WORDS and sum(map(len, words)) < MIN_LATIN_LETTERS:
        return UNKNOWN
    if _english_by_function_words(words):
        return Detection("en", False, True)
    if not statistics:
        return UNKNOWN
    # langdetect needs no more than a few hundred characters to decide, and a
    # bounded key keeps the cache's memory bounded.
    p = english_probability(text[:LANGDETECT_MAX_CHARS])
    if p >= EN_ACCEPT:
        return Detection("en", False, p >= EN_CONFIDENT)
    return UNKNOWN


# --- the detector -----------------------------------------------------------------


def detect_language(text: str, statistics: bool = True) -> Detection:
    """Detect the language of one chat message.

    - Any Myanmar/Khmer/Lao/Thai characters: the most frequent of those scripts
      decides, however many Latin letters there are. English words (salary, visa,
      OT, boss) are routinely mixed into Burmese or Thai messages; the reverse is
      rare, and for us English is the fallback anyway. Confident when that script
      has at least 2 characters and ≥ 75% of the native-script characters, and
      native characters are at least half as many as Latin letters.
    - Burmese: also Zawgyi or Unicode by flows.language.zawgyi.encoding (a spelling
      only one encoding has, else myanmartools' model); unsure_encoding when a short
      text reads well in both.
    - Only Latin letters: a known romanised greeting gives a (non-confident) hint;
      otherwise langdetect, for ≥ 3 words or ≥ 15 letters, accepting only English.
    - Anything else (empty, emoji, digits, "hi", "ok", other scripts): None.

    statistics=False skips langdetect (English function words still count): for
    messages in a conversation whose language is known, where langdetect's cost for
    telling English from other Latin-script text is not worth it.
    """
    if not text:
        return UNKNOWN
    if _NATIVE.search(text) is None:
        return _detect_latin(text, statistics)
    counts = script_counts(text)
    native = {lang: counts[lang] for lang in ("my", "km", "lo", "th")}
    lang = max(native, key=native.__getitem__)  # ties: dict order my, km, lo, th
    top = native[lang]
    total = sum(native.values())
    # Confident needs the script to dominate the other native scripts, and the
    # native characters to be at least a third of all letters: "... my salary
    # this month ครับ" is Thai by the rule above, but English would do as well.
    confident = top >= 2 and top * 4 >= total * 3 and total * 2 >= counts["latin"]
    verdict = encoding(text) if lang == "my" else False
    return Detection(lang, verdict is True, confident, verdict is None)


def normalise_input(text: str, statistics: bool = True) -> tuple[str, Detection]:
    """Detect, then convert Zawgyi to Unicode, so all later steps see (and the
    database stores) one encoding. Returns (unicode_text, detection)."""
    detection = detect_language(text, statistics)
    if detection.zawgyi:
        return to_unicode(text), detection
    return text, detection


def warm_up() -> None:
    """Load the Zawgyi model and langdetect's profiles now rather than on the first
    user message, which would otherwise wait for them. Optional; call it when a worker starts."""
    is_zawgyi("\u1000")
    _load_langdetect()
