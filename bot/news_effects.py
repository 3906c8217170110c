"""The news flow's effects (flows/data/news.yaml): the person's subscription kept, shown, stopped.

Handlers take (responder, conversation, data, state, effect, session, response) like the others
in bot/conversation.py, which registers them by name (flows/effects.py). The province a person
shares or types is resolved here with the reports' own place rules (cases/routing.locate: a
province or district name in Thai or English, a location's address, the nearest district
point), so news and reports read places the same way.
"""
from __future__ import annotations

import logging

import geothai

from cases.routing import locate
from locales.languages import FALLBACK_LANGUAGE, LANGUAGES
from news.choices import ALL_PROVINCES, COUNTRIES, DOCUMENTS
from storage import news as news_store

from .ui_text import BOT_MESSAGE_IDS

log = logging.getLogger(__name__)

# The answers the subscribe steps save (news.yaml `save`), and the words news_show writes.
ANSWERS = ("country", "document", "province")
MINE, CHOSEN = "news_mine", "news_chosen"
# Where the words of each code live: the flow's own button labels.
COUNTRY_LABEL, DOCUMENT_LABEL, ALL_LABEL = "news.country.{}", "news.document.{}", "news.province.all"
NOT_SUBSCRIBED = BOT_MESSAGE_IDS["news_none"]
UNKNOWN_PROVINCE = "?"


def province_of(answer, all_words: set[str]) -> str | None:
    """A two-digit DOPA province code, ALL_PROVINCES, or None when the place says no province.
    `answer` is what the province step saved: "all" (the button), {"text"} (typed; the button's
    words typed in any language count as the button) or {latitude, longitude, address}."""
    if answer == ALL_PROVINCES:
        return ALL_PROVINCES
    if not isinstance(answer, dict):
        return None
    if _fold(answer.get("text") or "") in all_words:
        return ALL_PROVINCES
    return locate(answer).province_code


def province_words(code: str, language: str, catalogs) -> str:
    """A province as the reader knows it: Thai readers its Thai name, English readers its English
    one, the others both (the English one, then the Thai on the signs)."""
    if code == ALL_PROVINCES:
        return catalogs.text(language, ALL_LABEL)
    province = geothai.province(code)
    if province is None:
        return UNKNOWN_PROVINCE
    return {"th": province.name_th, "en": province.name_en}.get(language,
                                                                  f"{province.name_en} ({province.name_th})")


def words(country: str, document: str, province: str | None, language: str, catalogs) -> str:
    """One line each: the country, the document, the province (a "?" for one not found)."""
    return "\n".join((f"• {catalogs.text(language, COUNTRY_LABEL.format(country))}",
                      f"• {catalogs.text(language, DOCUMENT_LABEL.format(document))}",
                      f"• {province_words(province, language, catalogs) if province else UNKNOWN_PROVINCE}"))


def news_subscribe(responder, conversation, data, state, effect, session, response) -> bool:
    """The answers become the chat's subscription; False (nothing kept) when the province
    cannot be found or an answer is missing (an old Subscribe button)."""
    if session is None or data.get("country") not in COUNTRIES or data.get("document") not in DOCUMENTS:
        return False
    province = province_of(data.get("province"), _all_words(responder.catalogs))
    if province is None:
        log.info("news subscription: province not found")
        return False
    language = conversation.language or FALLBACK_LANGUAGE
    row = news_store.subscribe(session, conversation.chat_key, conversation.user_id or conversation.chat_key,
                               country=data["country"], document=data["document"], province=province,
                               language=language, zawgyi=bool(conversation.zawgyi))
    for name in (*ANSWERS, CHOSEN):
        data.pop(name, None)
        (data.get("_labels") or {}).pop(name, None)
    data[MINE] = words(row.country, row.document, row.province, language, responder.catalogs)
    log.info("news subscription kept: id %s", row.id)
    return True


def news_show(responder, conversation, data, state, effect, session, response) -> bool:
    """Words into the answers: the stored subscription (news_mine) and, while choosing, the
    answers so far (news_chosen), each in the reader's language."""
    language = conversation.language or FALLBACK_LANGUAGE
    row = news_store.get(session, conversation.chat_key) if session is not None else None
    data[MINE] = (words(row.country, row.document, row.province, language, responder.catalogs) if row
                  else responder.catalogs.text(language, NOT_SUBSCRIBED))
    if data.get("country") in COUNTRIES and data.get("document") in DOCUMENTS:
        province = province_of(data.get("province"), _all_words(responder.catalogs))
        data[CHOSEN] = words(data["country"], data["document"], province, language, responder.catalogs)
    return True


def news_stop(responder, conversation, data, state, effect, session, response) -> bool:
    """News and reminders end at once (the same as "stop" and blocking do)."""
    ended = news_store.end_all(session, conversation.chat_key) if session is not None else 0
    log.info("news and reminders stopped by the person: %s rows", ended)
    return True


def _all_words(catalogs) -> set[str]:
    """"Whole country" in every language: typed instead of tapped, it is the same answer."""
    return {_fold(catalogs.text(language, ALL_LABEL)) for language in LANGUAGES}


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


HANDLERS = {"news_subscribe": news_subscribe, "news_show": news_show, "news_stop": news_stop}
