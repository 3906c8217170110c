"""Issue 15: a broadcast through the whole service and LINE's emulator: the right people, in their
language, in multicasts of at most 500 with their own retry keys, within LINE's quota."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from flows.language import to_zawgyi
from news.audience import Audience
from storage import broadcast_batches, broadcasts
from storage.models import BroadcastBatch, utcnow
from tests.support.news import TEXTS, block, new_broadcast, subscribe, subscribe_many, unsubscribe
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


def _planned(stack, broadcast_id):
    """The broadcast started by hand (its batches made, no job queued): the test acts before its sends."""
    db = _hotline(stack).db
    with db.transaction() as session:
        broadcast = broadcasts.get(session, broadcast_id)
        needed = broadcast_batches.count(session, Audience.from_dict(broadcast.audience))
        assert broadcast_batches.claim_start(session, broadcast_id, utcnow(), recipients=needed)
        assert broadcast_batches.plan_slice(session, broadcast_id, 10_000).done
    with db.sessions() as session:
        return list(session.scalars(select(BroadcastBatch).where(BroadcastBatch.broadcast_id == broadcast_id)))


def test_a_batch_line_already_took_is_not_delivered_twice(stack):
    db = _hotline(stack).db
    users = [subscribe(db, "en") for _ in range(3)]
    broadcast_id = new_broadcast(db)
    [batch] = _planned(stack, broadcast_id)
    # an earlier attempt reached LINE, but the worker died before it could record it
    _hotline(stack).line.multicast(batch.recipients, [{"type": "text", "text": "first attempt"}], batch.retry_key)
    _hotline(stack).queue.send_broadcast(broadcast_id)
    done = _finished(stack, broadcast_id)
    assert (done.state, done.accepted, done.failed) == ("done", 3, 0)
    sent = _multicasts(stack)
    assert [r["status"] for r in sent] == [200, 409]
    assert {r["retry_key"] for r in sent} == {batch.retry_key}
    for user in users:
        assert len(stack.delivered(user)) == 1


def test_a_multicast_line_answers_500_is_sent_again_and_delivered_once(stack):
    db = _hotline(stack).db
    users = [subscribe(db, "lo") for _ in range(2)]
    stack.api("POST", "/faults", json={"status": 500, "count": 1, "paths": ["/v2/bot/message/multicast"]})
    broadcast_id = new_broadcast(db)
    _hotline(stack).news.queue(broadcast_id, None)
    done = _finished(stack, broadcast_id)
    assert (done.state, done.accepted) == ("done", 2)
    assert [r["status"] for r in _multicasts(stack)] == [500, 200]
    for user in users:
        [delivery] = stack.delivered(user)
        assert delivery["messages"][0]["text"].startswith(TEXTS["lo"])


def test_who_stops_or_blocks_after_the_start_is_not_sent_to(stack):
    db = _hotline(stack).db
    stays, stops, blocks = (subscribe(db, "km") for _ in range(3))
    broadcast_id = new_broadcast(db)
    _planned(stack, broadcast_id)
    unsubscribe(db, stops)
    block(db, blocks)
    _hotline(stack).queue.send_broadcast(broadcast_id)
    done = _finished(stack, broadcast_id)
    assert (done.recipients, done.accepted) == (3, 1)
    assert [r["to"] for r in _multicasts(stack)] == [[stays]]
    assert not stack.delivered(stops) and not stack.delivered(blocks)


@pytest.mark.stack(broadcast_calls_per_second=0.5)   # paced slowly: the reply's window is what is left of it
def test_a_reply_is_not_kept_waiting_behind_a_broadcast(stack):
    db = _hotline(stack).db
    subscribe_many(db, 2000, "th")                       # 4 multicasts, one every 2 seconds
    broadcast_id = new_broadcast(db)
    _hotline(stack).news.queue(broadcast_id, None)
    wait_for(lambda: _multicasts(stack), timeout=15, message="the first multicast")
    person = stack.user("en")
    stack.say(person, "hello")
    [reply] = stack.wait_delivered(person, 1)
    assert reply["path"].endswith("/reply")
    done = _finished(stack, broadcast_id)
    assert done.accepted == 2000
    multicasts = _multicasts(stack)
    assert len(multicasts) == 4
    assert reply["id"] < multicasts[-1]["id"]            # answered while the broadcast was still going
    times = [r["time"] for r in multicasts]
    assert times[-1] - times[0] >= 2                     # paced: not all at once


def test_the_sweeper_starts_a_due_broadcast_whose_job_was_lost(stack):
    db = _hotline(stack).db
    user = subscribe(db, "en")
    broadcast_id = new_broadcast(db)                     # stored, never queued: as if Redis lost the job
    done = _finished(stack, broadcast_id)
    assert done.state == "done"
    assert len(stack.delivered(user)) == 1
