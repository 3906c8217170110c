"""Issue 15: a broadcast through the whole service and LINE's emulator: the right people, in their
language, in multicasts of at most 500 with their own retry keys, within LINE's quota."""
from __future__ import annotations

import pytest

from flows.language import to_zawgyi
from news.audience import Audience
from storage import broadcasts
from tests.support.news import TEXTS, new_broadcast, subscribe, subscribe_many
from tests.support.servers import wait_for

pytestmark = pytest.mark.integration


def _hotline(stack):
    return stack.app.extensions["hotline"]


def _finished(stack, broadcast_id, timeout=30):
    def ended():
        with _hotline(stack).db.sessions() as session:
            found = broadcasts.get(session, broadcast_id)
            return found if found.state in ("done", "refused") else None
    return wait_for(ended, timeout=timeout, message=f"broadcast {broadcast_id} to end\n{stack.worker_logs()}")


def _multicasts(stack):
    return [r for r in stack.received() if r["path"].endswith("/multicast")]


def test_a_mixed_audience_gets_it_exactly_once_each_in_their_own_language(stack):
    db = _hotline(stack).db
    stack.api("POST", "/quota", json={"type": "limited", "value": 1000, "totalUsage": 0})
    wanted = {
        subscribe(db, "my", country="mm", province="10"): "my",
        subscribe(db, "my", country="mm", province="all", zawgyi=True): "my-zawgyi",
        subscribe(db, "km", country="mm", province="10", document="mou"): "km",
        subscribe(db, "en", country="mm", province="10", wrote=True): "en",
        subscribe(db, "th", country="mm", province="all", document="unknown"): "th",
    }
    not_wanted = [
        subscribe(db, "my", country="kh", province="10"),            # another country
        subscribe(db, "lo", country="mm", province="50"),            # another province
        subscribe(db, "my", country="mm", province="10", blocked=True),   # blocked the bot
        subscribe(db, "km", country="mm", province="10", document="ci"),  # another document
    ]
    audience = Audience(countries=("mm",), provinces=("10",), documents=("mou", "pink_card", "unknown"))
    broadcast_id = new_broadcast(db, audience)
    _hotline(stack).news.queue(broadcast_id, None)
    done = _finished(stack, broadcast_id)
    assert done.state == "done", done.error
    assert (done.recipients, done.accepted, done.failed) == (5, 5, 0)

    sent = _multicasts(stack)
    assert all(r["status"] == 200 for r in sent)
    reached = {}
    for request in sent:
        for user in request["to"]:
            assert user not in reached, "a person got the news twice"
            reached[user] = request["messages"]
    assert set(reached) == set(wanted)
    assert not set(reached) & set(not_wanted)
    for user, kind in wanted.items():
        [message] = reached[user]
        language = kind.split("-")[0]
        news = to_zawgyi(TEXTS["my"]) if kind == "my-zawgyi" else TEXTS[language]
        assert message["type"] == "text" and message["text"].startswith(news)
        assert message["text"] != news        # the footer: how to stop the news
    assert stack.api("GET", "/quota")["totalUsage"] == 5


@pytest.mark.stack(broadcast_calls_per_second=50.0)
def test_1200_subscribers_go_in_multicasts_of_at_most_500_each_with_its_own_retry_key(stack):
    db = _hotline(stack).db
    users = subscribe_many(db, 1200, "km")
    broadcast_id = new_broadcast(db)
    _hotline(stack).news.queue(broadcast_id, None)
    done = _finished(stack, broadcast_id, timeout=60)
    assert (done.state, done.recipients, done.accepted) == ("done", 1200, 1200)
    sent = _multicasts(stack)
    assert len(sent) == 3 and all(len(r["to"]) <= 500 for r in sent)
    assert len({r["retry_key"] for r in sent}) == 3
    assert sorted(u for r in sent for u in r["to"]) == sorted(users)


def test_a_broadcast_over_the_quota_is_refused_and_nothing_is_sent(stack):
    db = _hotline(stack).db
    for _ in range(3):
        subscribe(db, "th")
    stack.api("POST", "/quota", json={"type": "limited", "value": 100, "totalUsage": 98})
    broadcast_id = new_broadcast(db)
    _hotline(stack).news.queue(broadcast_id, None)
    done = _finished(stack, broadcast_id)
    assert done.state == "refused"
    assert "3 recipients" in done.error and "98" in done.error and "100" in done.error
    assert done.quota["allowed"] is False
    assert not _multicasts(stack)
