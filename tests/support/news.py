"""News subscribers and broadcasts in tests: rows written straight into the database (the
subscribe flow is another part's), and the texts of a broadcast in every language."""
from __future__ import annotations

from sqlalchemy import update

from bot.line_api import LineError
from news.audience import Audience
from storage import broadcasts
from storage.models import Conversation, NewsSubscription, utcnow
from tests.support.fake_line import FakeLine
from tests.support.webhook import user_id

# One text per language, each naming its language so a test sees who got which.
TEXTS = {language: f"News in {language}: the office at the district hall is open on Saturday."
         for language in ("my", "km", "lo", "th", "en")}
TEXTS["my"] = "သတင်း - စနေနေ့တွင် ရုံးဖွင့်သည်။"


def subscribe(db, language="en", country="mm", document="pink_card", province="all", zawgyi=False,
              blocked=False, wrote=False, user=None) -> str:
    """A subscriber (a new LINE user id unless `user`); `wrote`/`blocked` add their conversation row."""
    user = user or user_id()
    with db.transaction() as session:
        session.add(NewsSubscription(chat_key=user, user_id=user, country=country, document=document,
                                     province=province, language=language, zawgyi=zawgyi))
        if wrote or blocked:
            session.add(Conversation(chat_key=user, user_id=user, language=language, zawgyi=zawgyi, state={},
                                     blocked_at=utcnow() if blocked else None))
    return user


def subscribe_many(db, count: int, language="en", **fields) -> list[str]:
    """`count` subscribers in one transaction (a big audience)."""
    users = [user_id() for _ in range(count)]
    with db.transaction() as session:
        session.add_all([NewsSubscription(chat_key=u, user_id=u, language=language, zawgyi=fields.get("zawgyi", False),
                                          country=fields.get("country", "mm"),
                                          document=fields.get("document", "mou"),
                                          province=fields.get("province", "all")) for u in users])
    return users


def block(db, user: str) -> None:
    with db.transaction() as session:
        if session.get(Conversation, user) is None:
            session.add(Conversation(chat_key=user, user_id=user, state={}, blocked_at=utcnow()))
        else:
            session.execute(update(Conversation).where(Conversation.chat_key == user).values(blocked_at=utcnow()))


def unsubscribe(db, user: str) -> None:
    with db.transaction() as session:
        session.query(NewsSubscription).filter_by(user_id=user).delete()


def new_broadcast(db, audience: Audience | None = None, texts: dict | None = None, send_at=None, now=None) -> int:
    """A scheduled broadcast, made at `now` (a test's hand clock; the real time when None)."""
    with db.transaction() as session:
        return broadcasts.create(session, texts or TEXTS, audience or Audience(), "test", send_at=send_at,
                                 now=now).id


class NewsLine(FakeLine):
    """FakeLine with LINE's multicast and quota: records each multicast, raises the scripted failures."""

    def __init__(self, limit: int | None = None, used: int = 0):
        super().__init__()
        self.limit, self.used = limit, used
        self.quota_failures: list[LineError] = []

    def multicast(self, to, messages, retry_key):
        self._maybe_fail()
        self.sent.append(("multicast", list(to), messages, retry_key))
        self.used += len(to)

    def quota(self):
        if self.quota_failures:
            raise self.quota_failures.pop(0)
        return self.limit, self.used

    @property
    def multicasts(self) -> list[tuple]:
        return [s for s in self.sent if s[0] == "multicast"]


class BroadcastQueue:
    """The job queue as broadcast tests see it: jobs asked for are recorded, never run."""

    def __init__(self):
        self.starts: list[tuple] = []
        self.plans: list[int] = []
        self.sends: list[tuple] = []

    def start_broadcast(self, broadcast_id, when=None):
        self.starts.append((broadcast_id, when))
        return True

    def plan_broadcast(self, broadcast_id):
        self.plans.append(broadcast_id)
        return True

    def send_broadcast(self, broadcast_id, when=None, slot=None):
        self.sends.append((broadcast_id, when, slot))
        return True


class OpenPacer:
    """A pacer that always lets the call go now (the real one, on Redis, has tests of its own)."""

    def reserve(self, now: float) -> float:
        return now
