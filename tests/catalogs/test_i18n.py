"""locales.catalogs.Catalogs: lookups with fallback and placeholders, all domains merged, .po
compiled in memory when the .mo is missing or stale; numbers, money and dates per locale."""
from __future__ import annotations

import datetime as dt
import logging
import os
import time

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from bot.ui_text import BOT_MESSAGE_IDS
from locales import LANGUAGES
from locales.catalogs import Catalogs, catalogs
from locales.message_ids import required_message_ids


def write_catalog(root, lang, domain, messages, mo=False):
    folder = root / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale=lang, domain=domain)
    for message_id, text in messages.items():
        catalog.add(message_id, text)
    with (folder / f"{domain}.po").open("wb") as handle:
        write_po(handle, catalog)
    if mo:
        with (folder / f"{domain}.mo").open("wb") as handle:
            write_mo(handle, catalog)
    return folder


@pytest.fixture
def small(tmp_path):
    write_catalog(tmp_path, "en", "bot", {"greet": "Hello {name}", "only.en": "English only",
                                          "broken": "Oops {name", "menu": "Menu"})
    write_catalog(tmp_path, "th", "bot", {"greet": "สวัสดี {name}", "broken": "ขอโทษ {name",
                                          "menu": "เมนู"})
    write_catalog(tmp_path, "th", "documents", {"documents.x": "เอกสาร"})
    write_catalog(tmp_path, "km", "bot", {"greet": "សួស្ដី {name}", "menu": "ម៉ឺនុយ"})
    write_catalog(tmp_path, "my", "bot", {"menu": "မီနူး"})
    write_catalog(tmp_path, "lo", "bot", {"menu": "ເມນູ"})
    return Catalogs(tmp_path)


def test_text_substitutes_placeholders(small):
    assert small.text("th", "greet", name="Aung") == "สวัสดี Aung"


def test_falls_back_to_english_then_to_the_id(small, caplog):
    with caplog.at_level(logging.WARNING):
        assert small.text("th", "only.en") == "English only"
        assert small.text("th", "no.such.id") == "no.such.id"
        assert small.text("xx", "greet", name="A") == "Hello A"          # unknown language: English
        assert small.text(None, "menu") == "Menu"
    assert "only.en" in caplog.text


def test_never_raises_on_placeholders(small, caplog):
    with caplog.at_level(logging.WARNING):
        assert small.text("th", "greet") == "สวัสดี {name}"              # value missing: left as is
        assert small.text("th", "broken", name="A") == "ขอโทษ {name"      # broken braces: text as is
        assert small.text("th", "menu", extra="ignored") == "เมนู"
    assert "broken" in caplog.text


def test_domains_are_merged(small):
    assert small.text("th", "documents.x") == "เอกสาร"
    assert small.domains("th") == ["bot", "documents"]
    assert small.translations("th").gettext("documents.x") == "เอกสาร"


def test_every_language_in_order(small):
    assert small.every_language("menu").split("\n") == ["မီနူး", "ម៉ឺនុយ", "ເມນູ", "เมนู", "Menu"]
    # a missing translation falls back to English, which is shown once
    assert small.every_language("greet", name="A").split("\n") == ["Hello A", "សួស្ដី A", "สวัสดี A"]


def test_mo_used_when_fresh_po_when_stale(tmp_path):
    folder = write_catalog(tmp_path, "en", "bot", {"x": "from mo"}, mo=True)
    write_catalog(tmp_path, "en", "bot", {"x": "from po"})
    po, mo = folder / "bot.po", folder / "bot.mo"
    os.utime(po, (1_000, 1_000))
    os.utime(mo, (2_000, 2_000))
    assert Catalogs(tmp_path).text("en", "x") == "from mo"
    os.utime(po, (3_000, 3_000))                       # .po edited after the last compile
    assert Catalogs(tmp_path).text("en", "x") == "from po"
    mo.unlink()
    assert Catalogs(tmp_path).text("en", "x") == "from po"


def test_fuzzy_entries_are_not_used(tmp_path):
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="en", domain="bot")
    catalog.add("x", "guessed", flags=["fuzzy"])
    with (folder / "bot.po").open("wb") as handle:
        write_po(handle, catalog)
    assert Catalogs(tmp_path).text("en", "x") == "x"


def test_a_broken_catalog_does_not_break_the_others(tmp_path):
    write_catalog(tmp_path, "en", "bot", {"x": "fine"})
    (tmp_path / "en" / "LC_MESSAGES" / "broken.mo").write_bytes(b"not a mo file")
    assert Catalogs(tmp_path).text("en", "x") == "fine"


def test_thai_dates_use_the_buddhist_era():
    t = catalogs()
    assert t.date("th", dt.date(2026, 11, 24)) == "24 พฤศจิกายน 2569"
    assert t.date("th", "2026-11-24") == "24 พฤศจิกายน 2569"
    assert t.date("th", dt.datetime(2025, 1, 1, 9, 30)) == "1 มกราคม 2568"
    assert "2026" not in t.date("th", "2026-11-24")


def test_other_dates_use_their_locale():
    t = catalogs()
    day = dt.date(2026, 11, 24)
    assert t.date("en", day) == "November 24, 2026"
    assert t.date("lo", day) == "24 ພະຈິກ 2026"
    assert t.date("km", day) == "24 វិច្ឆិកា 2026"
    assert t.date("my", day) == "2026 နိုဝင်ဘာ 24"
    assert t.date("en", "not a date") == "not a date"


def test_a_month_or_a_year_is_shown_as_precisely_as_it_is_known():
    """A source dated "2026-02" reads "February 2026", never a made-up day; Thai in the Buddhist Era."""
    t = catalogs()
    assert t.date("en", "2026-02") == "February 2026"
    assert t.date("th", "2026-02") == "กุมภาพันธ์ 2569"
    assert t.date("km", "2026-02") == "កុម្ភៈ 2026"
    assert t.date("lo", "2026-02") == "ກຸມພາ 2026"
    assert t.date("my", "2026-02") == "2026 ဖေဖော်ဝါရီ"
    assert t.date("en", "2026") == "2026" and t.date("th", "2026") == "2569"
    assert t.date("en", "2026-13") == "2026-13"


def test_numbers_per_locale():
    t = catalogs()
    assert t.number("en", 1234567.5) == "1,234,567.5"
    assert t.number("th", 1234567.5) == "1,234,567.5"
    assert t.number("lo", 1234567.5) == "1.234.567,5"          # Lao: dot groups, comma decimals
    assert t.number("my", 1500) == "1,500"                     # Western digits, as on payslips


def test_money_in_baht():
    t = catalogs()
    assert t.money("th", 900) == "900 บาท"
    assert t.money("en", 20000) == "20,000 THB"
    assert t.money("lo", 1234.5) == "1.234,50 ບາດ"
    assert t.money("my", 500) == "500 ဘတ်"
    assert t.money("km", 2100) == "2,100 បាត"


def test_real_catalogs_answer_every_bot_id():
    """The shipped catalogs, loaded as the bot loads them, translate every bot id."""
    t = Catalogs()
    for lang in LANGUAGES:
        for message_id in required_message_ids()["bot"]:
            assert t.has(lang, message_id), f"{lang}: {message_id}"
    assert t.text("th", "ui.source", sources="x", checked=t.date("th", "2026-11-24")) \
        .endswith("24 พฤศจิกายน 2569")
    assert set(BOT_MESSAGE_IDS.values()) <= required_message_ids()["bot"]


def test_lookup_takes_microseconds():
    t = catalogs()
    t.text("km", "main.menu.documents")
    rounds = 20_000
    start = time.perf_counter()
    for _ in range(rounds):
        t.text("km", "main.menu.documents")
        t.text("th", "ui.source", sources="x", checked="y")
    per_call = (time.perf_counter() - start) / (2 * rounds)
    assert per_call < 20e-6, f"{per_call * 1e6:.1f} µs a lookup"


def test_officer_texts_are_thai_and_english_only(caplog):
    """The officer domain has no my/km/lo catalog: asked for anyway, it falls back to Thai
    without a warning (a missing public text would warn)."""
    t = Catalogs()
    assert t.text("th", "officer.urgency.urgent") == "ด่วนมาก"
    assert t.text("en", "officer.urgency.urgent") == "Urgent"
    with caplog.at_level(logging.WARNING):
        assert t.text("my", "officer.urgency.urgent") == "ด่วนมาก"
    assert "officer.urgency.urgent" not in caplog.text
    assert not any(t.has(lang, "officer.urgency.urgent") for lang in ("my", "km", "lo"))
    assert set(required_message_ids()["officer"]) and all(
        t.has(lang, message_id) for lang in ("th", "en") for message_id in required_message_ids()["officer"])
