"""A person's news subscription and reminders as the bot keeps them: set, read, ended, re-languaged.

The subscription is the person's own consent to news (issue 15), apart from any consent a
report gave (storage/consents.py): nothing here reads or writes consents, and nothing there
makes anyone a subscriber. "Stop", blocking the bot and "delete my data" all end it here
(`end_all`), the chat's reminders with it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from news.choices import ALL_PROVINCES, COUNTRIES, DOCUMENTS, NEWS_LANGUAGES, PROVINCE_CODES

from . import reminders
from .models import NewsSubscription, utcnow


def problems(country: str, document: str, province: str, language: str) -> list[str]:
    """What is not one of our codes, as "field:value" (empty when the subscription may be kept)."""
    wrong = [] if country in COUNTRIES else [f"country:{country}"]
    wrong += [] if document in DOCUMENTS else [f"document:{document}"]
    if province != ALL_PROVINCES and province not in PROVINCE_CODES:
        wrong.append(f"province:{province}")
    wrong += [] if language in NEWS_LANGUAGES else [f"language:{language}"]
    return wrong


def subscribe(session: Session, chat_key: str, user_id: str, *, country: str, document: str, province: str,
              language: str, zawgyi: bool = False, now: datetime | None = None) -> NewsSubscription:
    """The chat's one subscription, made or rewritten from the person's answers (codes only:
    a wrong one is a ValueError, never stored)."""
    wrong = problems(country, document, province, language)
    if wrong:
        raise ValueError(f"not a subscription: {', '.join(wrong)}")
    now = now or utcnow()
    row = get(session, chat_key)
    if row is None:
        row = NewsSubscription(chat_key=chat_key, created_at=now)
        session.add(row)
    row.user_id, row.country, row.document, row.province = user_id, country, document, province
    row.language, row.zawgyi, row.updated_at = language, bool(zawgyi and language == "my"), now
    session.flush()
    return row


def get(session: Session, chat_key: str) -> NewsSubscription | None:
    return session.scalar(select(NewsSubscription).where(NewsSubscription.chat_key == chat_key))


def end_all(session: Session, chat_key: str) -> int:
    """News and reminders end for this chat at once ("stop", a block, "delete my data"):
    the rows go, so no later broadcast or reminder run can find them. How many went."""
    gone = session.execute(delete(NewsSubscription).where(NewsSubscription.chat_key == chat_key)
                           .execution_options(synchronize_session="fetch")).rowcount
    return gone + reminders.forget_chat(session, chat_key)


def set_language(session: Session, chat_key: str, language: str, zawgyi: bool) -> bool:
    """The person chose another language: their news comes in it from now on. False when
    they have no subscription (or the language is not one news is written in)."""
    if language not in NEWS_LANGUAGES:
        return False
    result = session.execute(update(NewsSubscription).where(NewsSubscription.chat_key == chat_key)
                             .values(language=language, zawgyi=bool(zawgyi and language == "my"),
                                     updated_at=utcnow())
                             .execution_options(synchronize_session="fetch"))
    return result.rowcount == 1
