"""Broadcasts as the compose page and the CLI see them: made, counted, listed, cancelled.

How they are sent (batches of 500, retry keys, counts) is storage/broadcast_batches.py; the
rules (who an audience is, what a broadcast must hold, the quota) are news/.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from news import compose
from news.audience import Audience
from news.choices import ALL_PROVINCES

from . import conversations
from .models import Broadcast, NewsSubscription, utcnow

# States a broadcast moves through (storage/models/news.py).
SCHEDULED, SENDING, DONE, REFUSED, CANCELLED = "scheduled", "sending", "done", "refused", "cancelled"


def reachable():
    """Subscribers whose chat has not blocked the bot (a block ends the subscription too, this
    guards the rows of any other path; a chat that never wrote has no conversation row). One list
    of blocked chats the audience is checked against: for 100,000 subscribers half the cost of one
    lookup each (bench.broadcast), in a start that replies wait for."""
    return NewsSubscription.chat_key.not_in(conversations.blocked_chats())


def audience_filter(audience: Audience) -> list:
    """The audience rule (news/audience.py) as SQL conditions on news_subscriptions: the count
    the page and the CLI show is the one the start sends to."""
    conditions = [reachable()]
    if audience.countries:
        conditions.append(NewsSubscription.country.in_(audience.countries))
    if audience.documents:
        conditions.append(NewsSubscription.document.in_(audience.documents))
    if audience.provinces:
        conditions.append(NewsSubscription.province.in_((*audience.provinces, ALL_PROVINCES)))
    if audience.languages:
        conditions.append(NewsSubscription.language.in_(audience.languages))
    return conditions


def count_recipients(session: Session, audience: Audience) -> dict[str, int]:
    """Subscribers the audience reaches, per language (languages with none are left out)."""
    rows = session.execute(select(NewsSubscription.language, func.count())
                           .where(*audience_filter(audience)).group_by(NewsSubscription.language))
    return {language: count for language, count in rows}


def create(session: Session, texts: dict, audience: Audience, created_by: str,
           send_at: datetime | None = None, now: datetime | None = None) -> Broadcast:
    """A broadcast waiting for its time (now when send_at is None). The caller checked
    news.compose.problems and the audience; the worker's start checks the quota again."""
    now = now or utcnow()
    if compose.problems(texts) or audience.problems():
        raise ValueError("a broadcast needs a text in every language and a valid audience")
    broadcast = Broadcast(texts=compose.cleaned(texts), audience=audience.to_dict(), created_by=created_by,
                          created_at=now, send_at=send_at or now, state=SCHEDULED, recipients=0, accepted=0,
                          failed=0)
    session.add(broadcast)
    session.flush()
    return broadcast


def get(session: Session, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id)


def recent(session: Session, limit: int = 50) -> list[Broadcast]:
    """Newest first: the compose page's list and `flask broadcast list`."""
    return list(session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)))


def cancel(session: Session, broadcast_id: int, now: datetime | None = None) -> bool:
    """Cancel one that has not started; False when it already started or does not exist."""
    result = session.execute(update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.state == SCHEDULED)
                             .values(state=CANCELLED, finished_at=now or utcnow())
                             .execution_options(synchronize_session="fetch"))
    return result.rowcount == 1


def due(session: Session, now: datetime | None = None) -> list[int]:
    """Scheduled broadcasts whose time has come (the sweeper starts those whose job was lost)."""
    return list(session.scalars(select(Broadcast.id).where(Broadcast.state == SCHEDULED,
                                                           Broadcast.send_at <= (now or utcnow()))))
