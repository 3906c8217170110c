"""The privacy promise says what the service does (issue 11 point 4): the privacy screen and
the report intros name who gets a report (the district, then the province or the national
office), that it is stored encrypted, that the employer is never told, how to cancel (the
buttons' own words in each language), how to delete one's data, and how long data is kept
(the settings' defaults). No reporter's screen names trafficking (test_terms.py)."""
from __future__ import annotations

import pytest

from flows.loader import load_flows
from locales import LANGUAGES
from locales.quality import translation
from settings import Settings

FLOWS = load_flows()


def _ids(step: str) -> list[str]:
    """The ids a step shows (its messages, and those behind More where it has them)."""
    found = FLOWS.step(step)
    return [s["id"] for s in found.say + list(getattr(found, "more", None) or [])]


PRIVACY = _ids("main.privacy")
INTROS = {"report.start": _ids("report.start"), "tip.start": _ids("tip.start")}


def _text(lang: str, ids) -> str:
    return "\n".join(translation(lang, "bot" if i.startswith("main.") else "intake", i) or "" for i in ids)


def test_the_english_promise_names_what_the_service_does():
    privacy = _text("en", PRIVACY)
    for words in ("never tell your employer", "district", "province", "national", "encrypted",
                  f"{Settings.retention_days:.0f} days",
                  f"{Settings.case_retention_days / 365:.0f} year"):
        assert words in privacy, words
    for entry, ids in INTROS.items():
        intro = _text("en", ids)
        for words in ("district", "province", "national", "locked", "never tell your employer"):
            assert words in intro, (entry, words)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_promise_quotes_the_buttons_it_names(lang):
    """'tap Cancel', 'tap Cancel what I sent', 'tap Delete my data' in the buttons' words."""
    cancel = translation(lang, "bot", "ui.nav.cancel")
    cancel_sent = translation(lang, "intake", "intake.cancel_report")
    delete = translation(lang, "bot", "main.menu.delete")
    privacy = _text(lang, PRIVACY)
    assert cancel and cancel in privacy
    assert cancel_sent and cancel_sent in privacy
    assert delete and delete in privacy
    for ids in INTROS.values():
        assert cancel in _text(lang, ids)


def test_the_privacy_screen_offers_delete_my_data():
    assert "main.menu.delete" in [c["label"] for c in FLOWS.step("main.privacy").choices]
