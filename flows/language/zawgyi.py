"""Zawgyi: detect it (Google's myanmartools model) and convert it (python-myanmar).

Many Burmese phones still type in the Zawgyi font encoding, which reuses Myanmar
code points with different meanings. Text must be converted to real Unicode
before anything downstream (keyword matching, storage, staff reading it on
another device) can work with it.
"""
from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# myanmar-tools' README: "If over-predicting Zawgyi is bad (e.g., when conversion
# will take place automatically), set a high threshold like 0.95. This threshold
# guarantees that fewer than 1% of Unicode strings will be wrongly flagged."
# We convert automatically, so 0.95 it is.
ZAWGYI_THRESHOLD = 0.95

_lock = threading.Lock()
_model: tuple[dict[str, int], list[float], int] | None = None  # (state per character, parameters, row size)


def _load_model() -> tuple[dict[str, int], list[float], int]:
    """Load myanmartools' Markov model once, flattened for speed.

    ZawgyiDetector.get_zawgyi_probability walks the string twice with a bisect per
    character, too slow to run on every Burmese message. We use
    its parameters (the detector's _chars and _params) with the same arithmetic,
    looking states up in a dict instead; a test checks both give the same results
    on the library's own compatibility data, and fails loudly if a new version of
    the library renames those attributes.
    """
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from myanmartools import ZawgyiDetector

                detector = ZawgyiDetector()
                chars, params = detector._chars, detector._params
                states = {c: i + 1 for i, c in enumerate(chars)}
                flat = list(params)
                flat[0] = 0.0  # the library marks this pair NaN and skips it: adding 0.0 is the same
                _model = (states, flat, len(chars) + 1)
    return _model


CACHE_MAX_CHARS = 300


def _cached_if_short(text: str, cached: Callable[[str], T], uncached: Callable[[str], T]) -> T:
    """Message-sized texts go through the cache (chat repeats itself: "ဟုတ်ကဲ့", "ok ပါ"); longer ones are
    worked out each time so the cache's memory stays bounded."""
    return cached(text) if len(text) <= CACHE_MAX_CHARS else uncached(text)


def zawgyi_probability(text: str) -> float:
    """P(text is Zawgyi) per myanmartools; -inf when there is no Myanmar character."""
    return _cached_if_short(text, _cached_probability, _probability)


@lru_cache(maxsize=16384)
def _cached_probability(text: str) -> float:
    return _probability(text)


def _probability(text: str) -> float:
    """Same maths as ZawgyiDetector.get_zawgyi_probability, same result: sum the
    log-likelihood ratios of consecutive character-state pairs (characters the
    model does not know are state 0, the string is padded with state 0 at both
    ends, the pair of two state-0 characters scores 0 — the library skips it),
    then turn the total into a probability, in one pass with dict look-ups instead
    of the library's two passes with a bisect per character."""
    states, params, size = _load_model()
    get = states.get
    total = 0.0
    row = 0  # state of the previous character times the row size
    known = False
    for c in text:
        state = get(c, 0)
        if state:
            known = True
        total += params[row + state]
        row = state * size
    if not known:
        return -math.inf
    total += params[row]
    # Pz/(Pu+Pz) = 1/(1+exp(lnPu-lnPz)), computed without overflow, as the library does
    if total >= 0:
        z = math.exp(-total)
        return z / (z + 1)
    return 1 / (1 + math.exp(total))


def is_zawgyi(text: str) -> bool:
    """True when the text is Zawgyi, surely enough to convert it (see encoding)."""
    return encoding(text) is True


# --- short messages ------------------------------------------------------------------
#
# On a word or two the model is unsure ("မဂၤလာပါ", Zawgyi: 0.54), yet one character often
# settles it: an encoding cannot spell some things the other must. The rules below read
# those spellings (python-myanmar's tables: myanmar/data/zawgyi.json, unicode.json); the
# model decides only when the rules find nothing, or find both. Measured on
# bench/data/short_burmese.tsv (bench/bench_language.py prints it).
# Code points python-myanmar's Zawgyi table uses for Burmese and its Unicode table never
# (stacked letters, kinzi, ligatures, glyph variants), and the reverse (ha-htoe, great sa).
_ZAWGYI_ONLY = "\u1033\u1034\u105a\u1060-\u1097"
_CONSONANT = "\u1000-\u1021"
_ZAWGYI_SPELLING = re.compile(
    f"[{_ZAWGYI_ONLY}]"
    # Unicode stores the e-vowel and ya-yit after their consonant (ya-pin after a killed
    # one: ယောက်ျား); Zawgyi types them first
    f"|(?:^|[^{_CONSONANT}\u103a-\u103f\u1040])[\u1031\u103b]"
    # Unicode's virama stacks a letter; Zawgyi's U+1039 is asat, often before nothing
    f"|\u1039(?![{_CONSONANT}])"
)
_MYANMAR = re.compile("[\u1000-\u109f]")
_UNICODE_SPELLING = re.compile("[\u103e\u103f]|\u1004\u103a\u1039")
_STACK = re.compile(f"([{_CONSONANT}])\u1039([{_CONSONANT}])")
# Letters Burmese stacks in Unicode (Pali orthography): in each row of five, the 1st over
# the 1st or 2nd, the 3rd over the 3rd or 4th, the nasal over any; and ll, ss. Zawgyi's
# asat before the next syllable's letter ("ဟုတ္ကဲ့") makes other pairs.
_ROWS = ("\u1000\u1001\u1002\u1003\u1004", "\u1005\u1006\u1007\u1008\u1009",
         "\u100b\u100c\u100d\u100e\u100f", "\u1010\u1011\u1012\u1013\u1014",
         "\u1015\u1016\u1017\u1018\u1019")
_STACKS = frozenset(
    [row[i] + row[j] for row in _ROWS for i, js in ((0, (0, 1)), (2, (2, 3)), (4, range(5))) for j in js]
    + ["\u101c\u101c", "\u101e\u101e"]
)
# Text with fewer Myanmar characters than this is short: the model's probability is
# read with a wider margin (most short Unicode words score below 0.5, most short Zawgyi
# ones above 0.8), and between the two the text is "unsure" (None).
SHORT = 12
SHORT_UNICODE_BELOW = 0.5
SHORT_ZAWGYI_ABOVE = 0.8
# Shan, Mon, Karen and Pali in Unicode use the code points Zawgyi takes for Burmese; the
# model scores them ~0 (myanmartools' compatibility data), Zawgyi a good deal higher.
SPELLING_FLOOR = 0.001


def zawgyi_spelling(text: str) -> bool:
    """Something only Zawgyi spells: its own code points, a vowel or medial typed
    before its letter, an asat written with U+1039, or a stack Burmese never writes."""
    if _ZAWGYI_SPELLING.search(text):
        return True
    return any(m.group(1) + m.group(2) not in _STACKS for m in _STACK.finditer(text))


def unicode_spelling(text: str) -> bool:
    """Something only Unicode spells: ha-htoe (U+103E), great sa, its kinzi sequence."""
    return _UNICODE_SPELLING.search(text) is not None


@lru_cache(maxsize=16384)
def _cached_encoding(text: str) -> bool | None:
    return _encoding(text)


def encoding(text: str) -> bool | None:
    """True: Zawgyi; False: Unicode (or no Burmese); None: a short text that reads well
    in both (the caller keeps what it knew, or asks: see bot/conversation.py).

    A spelling only one encoding has decides, unless the text has both; then the model
    does, as it always does on longer text (myanmar-tools' 0.95 for Zawgyi)."""
    return _cached_if_short(text, _cached_encoding, _encoding)


def _encoding(text: str) -> bool | None:
    probability = zawgyi_probability(text)
    if probability < SPELLING_FLOOR:  # no Burmese, or Unicode beyond doubt (most messages)
        return False
    zawgyi, unicode = zawgyi_spelling(text), unicode_spelling(text)
    if zawgyi != unicode:
        return zawgyi
    if len(text) >= SHORT and len(_MYANMAR.findall(text)) >= SHORT:
        return probability > ZAWGYI_THRESHOLD
    if probability > SHORT_ZAWGYI_ABOVE:
        return True
    if probability < SHORT_UNICODE_BELOW:
        return False
    return None


# --- conversion -------------------------------------------------------------------
#
# python-myanmar's converter does the heavy lifting. A few fixes around it bring its
# output closer to Google's reference conversions (myanmar-tools' converter test data,
# see tests/language/test_zawgyi.py): each rule below fixes a case it gets wrong.

# Zero-width characters typed between a consonant and its marks hide the marks from
# the converter; they carry no meaning there.
_ZW_BEFORE_MARK = re.compile("[\u200b\u200c\u200d\u2060\ufeff]+(?=[\u102b-\u103f\u105a\u1060-\u1097])")
# Zawgyi users type the digit zero (U+1040) for the letter wa (U+101D): they look
# the same. It is a letter when no digit is next to it and a Myanmar letter or
# mark is.
_ZERO_AS_WA = re.compile(
    "(?<![\u1040-\u10490-9])\u1040(?![\u1040-\u10490-9])"
    "(?:(?=[\u1000-\u103f\u105a-\u109f])|(?<=[\u1000-\u103f\u105a-\u109f]\u1040))"
)
# python-myanmar parses a Zawgyi syllable with its marks in one order (stacked
# consonants, then medials, then upper/lower vowels, then ai, then aa/asat/dot,
# then visarga) and leaves a syllable untouched when they come otherwise. Zawgyi
# is a visual encoding, so people type marks in any order that looks right
# ("ရိွ" for "ရွိ"); a stable sort of each run of marks by that order fixes it.
_MARK_RANK = {}
for _rank, _chars in enumerate(
    (
        "\u1064\u108b\u108c\u108d\u1060\u1061\u1062\u1063\u1065\u1066\u1067\u1068\u1069"
        "\u106c\u106d\u1070\u1071\u1073\u1074\u1075\u1076\u1077\u1078\u1079\u107a\u107b\u107c",
        "\u103a\u107d\u103c\u108a\u103d\u1087\u1088\u1089",
        "\u102d\u102e\u108e\u102f\u1033\u1030\u1034\u1036",
        "\u1032",
        "\u102c\u102b\u105a\u1037\u1094\u1095\u1039",
        "\u1038",
    )
):
    for _c in _chars:
        _MARK_RANK[_c] = _rank
_MARK_RUN = re.compile("[" + "".join(_MARK_RANK) + "]{2,}")


_U_VOWELS = "\u102f\u1030\u1033\u1034"


def _sort_marks(match: re.Match) -> str:
    run = match.group()
    if "\u1088" in run or "\u1089" in run:
        # ha-htoe+u ligatures already carry the u; a second u typed over them
        # makes python-myanmar drop the whole mark (and print to stdout).
        run = "".join(c for c in run if c not in _U_VOWELS)
    return "".join(sorted(run, key=_MARK_RANK.__getitem__))


_UNICODE_FIXES = (
    ("\u1025\u102e", "\u1026"),  # ဥ + ီ is the single letter ဦ
    ("\u1025\u103a", "\u1009\u103a"),  # ဥ် is written with ဉ
    ("\u103a\u1037", "\u1037\u103a"),  # Unicode stores dot-below before asat
    ("\u1005\u103b", "\u1008"),  # စျ is how Zawgyi spells ဈ
)


# python-myanmar turns Zawgyi's tall aa into the round one (ါ -> ာ), but Unicode
# spells the tall one after ခ ဂ င ဒ ပ ဝ when no medial sits under them (ပါ, ဒေါ်).
_TALL_AA = re.compile("(?<!\u1039)([\u1001\u1002\u1004\u1012\u1015\u101d])(\u1031?)\u102c")


def _zero_as_wa(text: str) -> str:
    return _ZERO_AS_WA.sub("\u101d", text) if "\u1040" in text else text


def to_unicode(text: str) -> str:
    """Convert Zawgyi-encoded text to Unicode. Non-Myanmar text passes unchanged.

    Never raises on user input: if the converter fails, the text is returned as is
    (and logged) — a garbled-looking message beats a lost one. Converting is the
    costly step and the same short messages recur, so message-sized results are cached.
    """
    if not text:
        return text
    return _cached_if_short(text, _cached_to_unicode, _to_unicode)


@lru_cache(maxsize=4096)
def _cached_to_unicode(text: str) -> str:
    return _to_unicode(text)


def _to_unicode(text: str) -> str:
    from myanmar.converter import convert

    prepared = _MARK_RUN.sub(_sort_marks, _zero_as_wa(_ZW_BEFORE_MARK.sub("", text)))
    try:
        out = convert(prepared, "zawgyi", "unicode")
    except Exception as exc:  # noqa: BLE001 - library bug on odd input; keep the message
        # the type only: an exception's text or traceback may quote the person's words
        log.warning("zawgyi->unicode conversion failed (%s)", type(exc).__name__)
        return text
    for old, new in _UNICODE_FIXES:
        if old in out:
            out = out.replace(old, new)
    if "\u102c" in out:
        out = _TALL_AA.sub("\\1\\2\u102b", out)
    return out


def to_zawgyi(text: str) -> str:
    """Convert Unicode text to Zawgyi, for replying to a user whose phone only
    renders Zawgyi. Returns the text unchanged if the converter fails."""
    if not text:
        return text
    from myanmar.converter import convert

    # Unicode stores dot-below before asat (င့်); python-myanmar's parser expects
    # the reverse and would otherwise turn the asat into a stray ya-pin.
    prepared = text.replace("\u1037\u103a", "\u103a\u1037") if "\u1037\u103a" in text else text
    try:
        return convert(prepared, "unicode", "zawgyi")
    except Exception as exc:  # noqa: BLE001
        log.warning("unicode->zawgyi conversion failed (%s)", type(exc).__name__)
        return text
