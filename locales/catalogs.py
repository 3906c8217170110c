"""Texts for people: message ids -> words in their language, plus numbers, money and dates.

Message ids are symbolic ("documents.work_permit.1"); their words live only in the gettext
catalogs locales/<lang>/LC_MESSAGES/<domain>.po. All domains of a language are merged into
one lookup table, loaded once, so every message sent costs a dict access, not a catalog search.
Nothing here is LINE's: the bot, the cases and the tools all read the same catalogs.

    from locales.catalogs import catalogs
    t = catalogs()
    t.text("th", "ui.source", sources="กรมการจัดหางาน, กุมภาพันธ์ 2569", checked=t.date("th", "2026-12-06"))
    t.every_language("language.choose")      # one line per language, in LANGUAGES order
    t.money("lo", 900)                       # "900 ບາດ"
    t.date("th", date(2026, 11, 24))         # "24 พฤศจิกายน 2569"  (Buddhist Era)

A compiled .mo is used when it is at least as new as its .po; otherwise the .po is compiled
in memory, so nothing depends on a prior `make catalogs`.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import re
import threading
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from . import BOT_DOMAIN, DOMAIN_LANGUAGES, LOCALES
from .languages import LANGUAGES

log = logging.getLogger(__name__)

FALLBACK = "en"

# Baht, the word people use in each language (Babel's currency names are formal: "ထိုင်း ဘတ်").
BAHT = {"my": "ဘတ်", "km": "បាត", "lo": "ບາດ", "th": "บาท", "en": "THB"}
BUDDHIST_ERA_OFFSET = 543


class _KeepMissing(dict):
    """format_map helper: an unknown {name} stays as it is instead of raising."""

    missing: list[str] | None = None

    def __missing__(self, key):
        self.missing = (self.missing or []) + [key]
        return "{" + key + "}"


class Catalogs:
    """All languages' catalogs, every domain merged per language, loaded once."""

    def __init__(self, locales_dir: Path | str = LOCALES, languages: tuple[str, ...] = LANGUAGES):
        self.locales_dir = Path(locales_dir)
        self.languages = tuple(languages)
        self._lock = threading.Lock()
        self._warned: set[tuple] = set()
        self._locales = {lang: Locale.parse(lang) for lang in self.languages}
        self.reload()

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        """(Re)read every catalog from disk."""
        translations = {lang: self._load_language(lang) for lang in self.languages}
        tables = {lang: _table(t) for lang, t in translations.items()}
        # Ids of domains kept in fewer languages (officer: th, en) fall back to those, in order.
        restricted: dict[str, tuple[str, ...]] = {}
        for domain, langs in DOMAIN_LANGUAGES.items():
            for lang in langs:
                loaded = self._load_domain(lang, domain) if lang in self.languages else None
                for message_id in (_table(loaded) if loaded is not None else ()):
                    restricted.setdefault(message_id, langs)
        with self._lock:
            self._translations, self._tables, self._restricted = translations, tables, restricted

    def domains(self, lang: str) -> list[str]:
        """The gettext domains present for a language (bot first, then alphabetical)."""
        folder = self.locales_dir / lang / "LC_MESSAGES"
        names = {p.stem for p in folder.glob("*.po")} | {p.stem for p in folder.glob("*.mo")}
        return sorted(names, key=lambda name: (name != BOT_DOMAIN, name))

    def _load_language(self, lang: str) -> Translations:
        merged: Translations | None = None
        for domain in self.domains(lang):
            loaded = self._load_domain(lang, domain)
            if loaded is None:
                continue
            if merged is None:
                merged = loaded
            else:
                merged.merge(loaded)
        return merged if merged is not None else Translations(io.BytesIO(_empty_mo()))

    def _load_domain(self, lang: str, domain: str) -> Translations | None:
        folder = self.locales_dir / lang / "LC_MESSAGES"
        po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
        try:
            if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
                with mo.open("rb") as handle:
                    return Translations(handle, domain=domain)
            if po.exists():
                return Translations(io.BytesIO(compile_po(po, lang, domain)), domain=domain)
        except Exception:  # a broken catalog must not take the bot down: fall back to English/ids
            log.exception("i18n: cannot load %s/%s", lang, domain)
        return None

    # -- lookups ----------------------------------------------------------------------------
    def translations(self, lang: str) -> Translations:
        """The merged babel Translations of a language (gettext/ngettext API)."""
        return self._translations[self._lang(lang)]

    def has(self, lang: str, message_id: str) -> bool:
        """True if the language's own catalogs translate the id (no fallback)."""
        return message_id in self._tables.get(lang, {})

    def raw(self, lang: str, message_id: str) -> str:
        """The translation with fallback (English, then the id), placeholders untouched."""
        lang = self._lang(lang)
        found = self._tables[lang].get(message_id)
        if found is None and lang not in self._restricted.get(message_id, (lang,)):
            # not expected in this language (an officer text asked for in Burmese): no warning
            found = next((self._tables[other][message_id] for other in self._restricted[message_id]
                          if message_id in self._tables.get(other, {})), None)
        if found is None:
            self._warn_missing(lang, message_id)
            found = self._tables.get(FALLBACK, {}).get(message_id)
            if found is None:
                found = message_id
        return found

    def text(self, lang: str, message_id: str, **params) -> str:
        """The message in `lang` with {placeholders} filled. Falls back to English, then to
        the id itself; never raises over a placeholder (a missing one is left as {name})."""
        found = self.raw(lang, message_id)
        if "{" not in found:
            return found
        values = _KeepMissing(params)
        try:
            result = found.format_map(values)
        except (ValueError, IndexError, AttributeError, KeyError, TypeError) as error:
            self._warn_once(("bad", lang, message_id), "i18n: bad placeholder in %s %r: %s", lang, message_id, error)
            return found
        if values.missing:
            self._warn_once(("value", lang, message_id), "i18n: no value for %s in %s %r",
                            values.missing, lang, message_id)
        return result

    def every_language(self, message_id: str, **params) -> str:
        """The message in all languages, one per line (in LANGUAGES order); a line equal to an
        earlier one (a missing translation falling back to English) is left out."""
        lines: list[str] = []
        for lang in self.languages:
            line = self.text(lang, message_id, **params)
            if line not in lines:
                lines.append(line)
        return "\n".join(lines)

    def _lang(self, lang: str | None) -> str:
        return lang if lang in self._tables else FALLBACK

    def _warn_missing(self, lang: str, message_id: str) -> None:
        self._warn_once(("missing", lang, message_id), "i18n: no %s translation for %r", lang, message_id)

    def _warn_once(self, key: tuple, message: str, *args) -> None:
        """Log a catalog problem once per process, not on every message sent."""
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)

    # -- numbers, money, dates ---------------------------------------------------------------
    def number(self, lang: str, n) -> str:
        """A number with the language's separators (Lao: 1.234,5), Western digits."""
        return format_decimal(n, locale=self._locale(lang))

    def money(self, lang: str, amount) -> str:
        """A baht amount: "1,500 บาท", "900 ဘတ်", "1,234.50 THB" (decimals only when there are any)."""
        lang = self._lang(lang)
        whole = float(amount).is_integer()
        figure = format_decimal(amount, format="#,##0" if whole else "#,##0.00", locale=self._locale(lang))
        return f"{figure} {BAHT.get(lang, BAHT[FALLBACK])}"

    def date(self, lang: str, value) -> str:
        """A date in the language's long form; Thai with the Buddhist Era year (C.E. + 543),
        e.g. "24 พฤศจิกายน 2569". Accepts a date, a datetime or an ISO string ("2026-11-24");
        a month ("2026-02": "February 2026", "กุมภาพันธ์ 2569") or a year ("2026"; Thai "2569")
        is shown as precisely as it is known; anything else is returned as text."""
        lang = self._lang(lang)
        partial = _PARTIAL_DATE.match(value) if isinstance(value, str) else None
        if partial and (not partial[2] or 1 <= int(partial[2]) <= 12):
            year = int(partial[1])
            if not partial[2]:
                return str(year + BUDDHIST_ERA_OFFSET if lang == "th" else year)
            return format_date(dt.date(year, int(partial[2]), 1), format=_date_pattern(lang, year, "yMMMM"),
                               locale=self._locale(lang))
        day = _as_date(value)
        if day is None:
            return str(value)
        return format_date(day, format=_date_pattern(lang, day.year), locale=self._locale(lang))

    def _locale(self, lang: str) -> Locale:
        return self._locales.get(lang) or self._locales.get(FALLBACK) or Locale.parse(FALLBACK)


_PARTIAL_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?\s*$")  # a year, or a year and month


@cache
def _date_pattern(lang: str, year: int, skeleton: str | None = None) -> str:
    """The long date pattern, or CLDR's pattern for a skeleton ("yMMMM": month and year)."""
    locale = Locale.parse(lang)
    pattern = (locale.datetime_skeletons[skeleton] if skeleton else locale.date_formats["long"]).pattern
    if lang != "th":
        return pattern
    # CLDR's Thai long date is "d MMMM G y" in the Gregorian calendar ("ค.ศ. 2026"); Thai
    # readers expect the Buddhist Era year, written without an era mark: "24 พฤศจิกายน 2569".
    pattern = re.sub(r"G+\s*", "", pattern)
    return re.sub(r"y+", f"'{year + BUDDHIST_ERA_OFFSET}'", pattern).strip()


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _table(translations: Translations) -> dict[str, str]:
    """Plain {id: text} of a merged Translations (singular messages; header left out)."""
    catalog = getattr(translations, "_catalog", {})
    return {key: value for key, value in catalog.items() if isinstance(key, str) and key and value}


def compile_po(po_path: Path, lang: str, domain: str) -> bytes:
    """A .po compiled to .mo bytes (fuzzy and empty entries left out, as msgfmt does)."""
    with Path(po_path).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _empty_mo() -> bytes:
    from babel.messages.catalog import Catalog
    buffer = io.BytesIO()
    write_mo(buffer, Catalog())
    return buffer.getvalue()


_default: Catalogs | None = None
_default_lock = threading.Lock()


def catalogs() -> Catalogs:
    """The process-wide Catalogs of ./locales (loaded on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Catalogs()
    return _default
