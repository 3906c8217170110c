"""What makes a catalog entry right: present, not fuzzy, in the language's script, not
Zawgyi, with the English placeholders, short enough for where it is shown.

Used by `python -m locales check` and tests/catalogs (one definition of each rule).
"""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from line_limits import MAX_ACTION_LABEL_CHARS, MAX_TEXT_CHARS

from . import ROOT, languages_for, po_path

EXPECTED_SCRIPT = {"my": "Myanmar", "km": "Khmer", "lo": "Lao", "th": "Thai", "en": "Latin"}
_BLOCKS = (  # (first, last, script): the Unicode blocks of our five scripts
    (0x0041, 0x005A, "Latin"), (0x0061, 0x007A, "Latin"), (0x00C0, 0x024F, "Latin"), (0x1E00, 0x1EFF, "Latin"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x1000, 0x109F, "Myanmar"), (0xA9E0, 0xA9FF, "Myanmar"), (0xAA60, 0xAA7F, "Myanmar"),
    (0x1780, 0x17FF, "Khmer"), (0x19E0, 0x19FF, "Khmer"),
)
# Not counted when deciding a text's script: placeholders, web addresses, acronyms and codes
# in capitals (THB, LINE, MOU, TM.47), and names written the same in every language.
NAMES = ("Issara", "Zawgyi", "Unicode")
_IGNORED = re.compile(
    r"\{[^{}]*\}"                          # {placeholder}
    r"|(?:https?://|www\.)\S+"             # URL
    r"|\b[\w.-]+@[\w-]+\.[\w.]+\b"          # e-mail
    r"|\b[A-Z][A-Z0-9.\-]*[A-Z0-9]\b"       # THB, LINE, MOU, TM.47, L-A
    r"|\b(?:" + "|".join(NAMES) + r")\b"
)
# Ours: the title of a card of phone numbers stays one short line (LINE would take 160 there).
MAX_CARD_TITLE = 40
# Readable on a small phone: one message is one short point, in short sentences, without
# officials' jargon. Measured on the English (the translations follow it); see readability().
MAX_SHORT_MESSAGE = 200
MAX_SENTENCE_WORDS = 20
JARGON = ("TM.47", "TM47", "section 64", "s.64", "OWIC", "PJ", "PV", "Cabinet resolution", "L-A")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
AIM_MESSAGE = 500    # one phone screen: longer is reported as a warning


def _script_of_char(char: str) -> str:
    code = ord(char)
    for first, last, script in _BLOCKS:
        if first <= code <= last:
            return script
    return "Other"


def script_counts(text: str) -> dict[str, int]:
    """Letters (and combining marks) per script, ignoring digits, punctuation, placeholders,
    URLs, capitalised acronyms (THB, LINE) and the NAMES."""
    counts: dict[str, int] = {}
    for char in _IGNORED.sub(" ", text):
        if unicodedata.category(char)[0] in "LM":
            script = _script_of_char(char)
            counts[script] = counts.get(script, 0) + 1
    return counts


def script_of(text: str) -> str | None:
    """The script most of the text's letters are in ("Myanmar", "Khmer", "Lao", "Thai",
    "Latin", "Other"), or None when it has no letters that count."""
    counts = script_counts(text)
    if not counts:
        return None
    return max(counts, key=counts.get)


def sentences(text: str) -> list[str]:
    """The sentences of an English text (split after . ! ? and at line breaks)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def readability(text: str) -> list[str]:
    """What makes an English message hard to read on a small phone: over MAX_SHORT_MESSAGE
    characters, a sentence over MAX_SENTENCE_WORDS words, or jargon (JARGON) left unexplained.
    One rule for every domain (tests/catalogs/test_readable.py applies it)."""
    found = []
    if len(text) > MAX_SHORT_MESSAGE:
        found.append(f"{len(text)} characters (at most {MAX_SHORT_MESSAGE})")
    for sentence in sentences(text):
        words = len(sentence.split())
        if words > MAX_SENTENCE_WORDS:
            found.append(f"a sentence of {words} words (at most {MAX_SENTENCE_WORDS}): {sentence[:50]!r}")
    for term in JARGON:
        if re.search(rf"(?<![\w.]){re.escape(term)}(?![\w])", text, re.IGNORECASE if " " in term else 0):
            found.append(f"jargon {term!r}: say it in plain words, or leave it out")
    return found


def placeholders(text: str) -> set[str]:
    """The {names} of a brace-format string. Raises ValueError on broken braces."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@lru_cache(maxsize=1)
def _zawgyi_detector():
    from myanmartools import ZawgyiDetector
    return ZawgyiDetector()


def zawgyi_probability(text: str) -> float:
    return _zawgyi_detector().get_zawgyi_probability(text)


ZAWGYI_LIMIT = 0.05


def encoding_neutral(text: str) -> bool:
    """True if the text reads the same in Zawgyi and Unicode (converting it from Zawgyi
    changes nothing): short words without medials or stacked letters, like "ဘာသာစကား".
    myanmartools cannot tell such texts apart (it gives "ဘာသာစကား" 0.95), nor need it."""
    from myanmar import converter
    return converter.convert(text, "zawgyi", "unicode") == text


def looks_zawgyi(text: str) -> bool:
    """The catalog rule for Burmese: Zawgyi probability below ZAWGYI_LIMIT, unless the
    text is encoding-neutral."""
    return zawgyi_probability(text) >= ZAWGYI_LIMIT and not encoding_neutral(text)


@cache
def _load(path: Path, mtime: float, lang: str, domain: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain)


def load_po(lang: str, domain: str) -> Catalog | None:
    """The catalog of a language and domain as Babel reads it, or None if there is no .po."""
    path = po_path(lang, domain)
    if not path.exists():
        return None
    return _load(path, path.stat().st_mtime, lang, domain)


def translation(lang: str, domain: str, message_id: str) -> str | None:
    """msgstr of an id ('' if empty or fuzzy), None if the id is not in the catalog."""
    catalog = load_po(lang, domain)
    message = catalog.get(message_id) if catalog is not None else None
    if message is None:
        return None
    return "" if message.fuzzy or not isinstance(message.string, str) else message.string


@dataclass(frozen=True)
class Problem:
    domain: str
    lang: str
    message_id: str
    kind: str       # no_catalog, missing, empty, fuzzy, obsolete, script, zawgyi, placeholders, too_long,
                    # long, readability (the last two are warnings)
    detail: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.lang}/{self.domain}.po"
        return f"{'warning' if self.warning else 'error'}: {where}: {self.message_id or '-'}: {self.kind}" + \
            (f" ({self.detail})" if self.detail else "")


def entry_problems(domain: str, lang: str, message_id: str, *, label: bool = False,
                   card_title: bool = False) -> list[Problem]:
    """Everything wrong with one id's translation in one language."""
    def problem(kind: str, detail: str = "", warning: bool = False) -> Problem:
        return Problem(domain, lang, message_id, kind, detail, warning)

    catalog = load_po(lang, domain)
    if catalog is None:
        return [problem("no_catalog", f"no {po_path(lang, domain).relative_to(ROOT)}")]
    message = catalog.get(message_id)
    if message is None:
        return [problem("missing", "the id is not in the .po: run `python -m locales update`")]
    text = message.string if isinstance(message.string, str) else ""
    if message.fuzzy:
        return [problem("fuzzy", "a fuzzy translation is not used: check it and remove the fuzzy flag")]
    if not text.strip():
        return [problem("empty")]
    found: list[Problem] = []
    script = script_of(text)
    if script != EXPECTED_SCRIPT[lang]:
        english = translation("en", domain, message_id) or ""
        if not (script is None and script_of(english) is None):  # "191" in every language is fine
            found.append(problem("script", f"mostly {script or 'no letters'}, expected {EXPECTED_SCRIPT[lang]}: "
                                           f"{text[:60]!r}"))
    if lang == "my" and looks_zawgyi(text):
        found.append(problem("zawgyi", f"Zawgyi probability {zawgyi_probability(text):.2f}: use Unicode"))
    try:
        names = placeholders(text)
    except ValueError as error:
        found.append(problem("placeholders", f"broken braces: {error}"))
    else:
        english = translation("en", domain, message_id)
        if lang != "en" and english:
            try:
                wanted = placeholders(english)
            except ValueError:
                wanted = names
            if names != wanted:
                found.append(problem("placeholders", f"has {sorted(names)}, English has {sorted(wanted)}"))
    if label and len(text) > MAX_ACTION_LABEL_CHARS:
        found.append(problem("too_long",
                             f"button label of {len(text)} characters (max {MAX_ACTION_LABEL_CHARS}): {text!r}"))
    if card_title and len(text) > MAX_CARD_TITLE:
        found.append(problem("too_long", f"card title of {len(text)} characters (max {MAX_CARD_TITLE})"))
    if lang == "en" and not (label or card_title):
        found += [problem("readability", detail, True) for detail in readability(text)]
    if len(text) > MAX_TEXT_CHARS:
        found.append(problem("too_long", f"{len(text)} characters (LINE max {MAX_TEXT_CHARS})"))
    elif len(text) > AIM_MESSAGE:
        found.append(problem("long", f"{len(text)} characters (aim {AIM_MESSAGE}: one phone screen)", True))
    return found


def catalog_problems(domain: str, lang: str) -> list[Problem]:
    """Problems of a whole .po not tied to a required id: obsolete (#~) and fuzzy entries."""
    catalog = load_po(lang, domain)
    if catalog is None:
        return []
    found = [Problem(domain, lang, str(m.id), "obsolete",
                     "an obsolete (#~) entry: move its translation to the new id, then delete it")
             for m in catalog.obsolete.values()]
    found += [Problem(domain, lang, str(m.id), "fuzzy", "remove the fuzzy flag once checked")
              for m in catalog if m.id and m.fuzzy]
    return found


def all_problems(required: dict[str, set[str]], labels: set[str], card_titles: set[str],
                 languages: tuple[str, ...] | None = None) -> list[Problem]:
    """Every problem of the required ids, in each domain's languages (languages_for), or only
    in `languages` among them when given."""
    found: list[Problem] = []
    for domain in sorted(required, key=lambda d: (d != "bot", d)):
        for lang in languages_for(domain):
            if languages is not None and lang not in languages:
                continue
            if load_po(lang, domain) is None:
                found.append(Problem(domain, lang, "", "no_catalog", str(po_path(lang, domain))))
                continue
            for message_id in sorted(required[domain]):
                found += [p for p in entry_problems(domain, lang, message_id, label=message_id in labels,
                                                    card_title=message_id in card_titles)
                          if p.kind != "fuzzy"]  # reported once, below
            found += catalog_problems(domain, lang)
    return found
