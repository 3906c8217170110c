"""Issue 15: starting and sending a broadcast (worker/broadcasts.py), on a scripted LINE and a recording queue.

The clock is moved by hand, so retries and schedules take no time; the pacing on Redis, the
order of the queues and the whole path through the emulator have tests of their own
(test_broadcasts_pacing.py, test_broadcasts_end_to_end.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.line_api import LineError
from bot.news_messages import NewsMessages
from flows.language import to_zawgyi
from locales.catalogs import catalogs
from news.audience import Audience
from storage import broadcast_batches, broadcasts
from storage.models import BroadcastBatch
from tests.support.clock import Clock
from tests.support.news import (
    TEXTS,
    BroadcastQueue,
    NewsLine,
    OpenPacer,
    block,
    new_broadcast,
    subscribe,
    subscribe_many,
    unsubscribe,
)
from worker.broadcasts import (
    DONE,
    FAILED,
    NO_SUBSCRIBER,
    NOT_DUE,
    PACED,
    PLANNED,
    REFUSED,
    RETRY,
    SENT,
    SKIPPED,
    STARTED,
    WAITING,
    Broadcasts,
    NewsDesk,
    sweep_broadcasts,
)

LINE_500 = LineError(500, '{"message":"Internal server error"}')
LINE_429 = LineError(429, '{"message":"The API rate limit has been exceeded. Try again later."}')
LINE_400 = LineError(400, '{"message":"The request body has 1 error(s)"}')
LINE_409 = LineError(409, '{"message":"The retry key is already accepted"}')


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def line():
    return NewsLine(limit=10_000, used=0)


@pytest.fixture
def queue():
    return BroadcastQueue()


@pytest.fixture
def sender(db, line, queue, clock):
    return Broadcasts(db, line, queue, NewsMessages(catalogs(), to_zawgyi), calls_per_second=5,
                      quota_reserve=0, max_attempts=3, clock=clock, pacer=OpenPacer())


def _broadcast(db, broadcast_id):
    with db.sessions() as session:
        return broadcasts.get(session, broadcast_id)


def _batches(db, broadcast_id):
    with db.sessions() as session:
        return list(session.query(BroadcastBatch).filter_by(broadcast_id=broadcast_id).order_by(BroadcastBatch.id))


def _cut(sender, queue) -> list[str]:
    """Run the queued jobs that cut broadcasts into batches, a slice each, as a worker would."""
    outcomes = []
    while queue.plans:
        outcomes.append(sender.plan(queue.plans.pop(0)))
    return outcomes


def _started(sender, queue, broadcast_id) -> None:
    """Started and cut into batches, its first send queued."""
    assert sender.start(broadcast_id) == STARTED
    _cut(sender, queue)


def _send_all(sender, queue, clock, broadcast_id, limit=50) -> list[str]:
    """Run the cutting, then the send jobs as a worker would, the clock moved to each delayed one."""
    _cut(sender, queue)
    outcomes = []
    while queue.sends and len(outcomes) < limit:
        _, when, slot = queue.sends.pop(0)
        if when is not None:
            clock.to(when)
        outcomes.append(sender.send(broadcast_id, slot))
    return outcomes


# -- the start ----------------------------------------------------------------------------
def test_start_makes_a_batch_per_language_and_script_and_queues_the_first_send(db, sender, queue, clock):
    subscribe(db, "my")
    subscribe(db, "my", zawgyi=True)
    subscribe(db, "my")
    subscribe(db, "th")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == STARTED
    found = _broadcast(db, broadcast_id)
    assert (found.state, found.recipients) == ("sending", 4)
    assert found.started_at is not None
    assert queue.plans == [broadcast_id] and not queue.sends and not _batches(db, broadcast_id)
    assert _cut(sender, queue) == [DONE]
    assert sorted((b.language, b.zawgyi, b.size) for b in _batches(db, broadcast_id)) == [
        ("my", False, 2), ("my", True, 1), ("th", False, 1)]
    assert queue.sends == [(broadcast_id, None, None)]


def test_a_big_audience_is_cut_a_slice_per_job_and_sending_begins_after_the_first(db, sender, line, queue,
                                                                                   clock):
    users = subscribe_many(db, 1200, "en") + subscribe_many(db, 30, "th")
    sender.plan_slice = 500                       # a slice: 500 subscribers by subscription id
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == STARTED
    assert sender.plan(queue.plans.pop(0)) == PLANNED
    assert [b.size for b in _batches(db, broadcast_id)] == [500]
    assert queue.sends == [(broadcast_id, None, None)] and queue.plans == [broadcast_id]
    assert sender.send(*queue.sends.pop(0)[::2]) == SENT         # sending began while the rest is cut
    queue.sends.clear()
    assert sender.send(broadcast_id) == WAITING                  # nothing due yet: looks again soon
    assert queue.sends == [(broadcast_id, clock.now + timedelta(seconds=1), None)]
    queue.sends.clear()
    assert _cut(sender, queue) == [PLANNED, DONE]
    assert sender.plan(broadcast_id) == SKIPPED                  # a second job for a cut broadcast: nothing
    assert sorted(b.size for b in _batches(db, broadcast_id)) == [30, 200, 500, 500]
    assert _broadcast(db, broadcast_id).recipients == 1230
    queue.sends.append((broadcast_id, None, None))
    _send_all(sender, queue, clock, broadcast_id)
    sent = [u for _, to, _, _ in line.multicasts for u in to]
    assert sorted(sent) == sorted(users)                         # each subscriber once
    assert _broadcast(db, broadcast_id).state == "done"


def test_a_start_is_taken_once(db, sender, queue, clock):
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == STARTED
    assert sender.start(broadcast_id) == SKIPPED
    assert queue.plans == [broadcast_id]
    _cut(sender, queue)
    assert len(_batches(db, broadcast_id)) == 1 and len(queue.sends) == 1


def test_a_broadcast_for_later_is_not_started_before_its_time(db, sender, queue, clock):
    subscribe(db, "en")
    later = clock.now + timedelta(hours=2)
    broadcast_id = new_broadcast(db, send_at=later)
    assert sender.start(broadcast_id) == NOT_DUE
    assert _broadcast(db, broadcast_id).state == "scheduled"
    assert queue.starts == [(broadcast_id, later)]
    clock.to(later)
    assert sender.start(broadcast_id) == STARTED


def test_a_cancelled_broadcast_is_not_started(db, sender, queue, clock):
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    with db.transaction() as session:
        assert broadcasts.cancel(session, broadcast_id)
    assert sender.start(broadcast_id) == SKIPPED
    assert not _batches(db, broadcast_id) and not queue.sends


def test_nobody_to_send_to_is_a_refusal(db, sender, line, clock):
    subscribe(db, "en", country="kh")
    blocked = subscribe(db, "en", country="mm", blocked=True)
    assert blocked
    broadcast_id = new_broadcast(db, Audience(countries=("mm",)), now=clock())
    assert sender.start(broadcast_id) == REFUSED
    found = _broadcast(db, broadcast_id)
    assert (found.state, found.error) == ("refused", NO_SUBSCRIBER)
    assert not line.multicasts


def test_over_the_quota_is_refused_naming_the_numbers(db, sender, line, queue, clock):
    line.limit, line.used = 1000, 998
    for _ in range(3):
        subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == REFUSED
    found = _broadcast(db, broadcast_id)
    assert found.state == "refused"
    assert "3 recipients" in found.error and "998" in found.error and "1001" in found.error and "1000" in found.error
    assert found.quota == {"limit": 1000, "used": 998, "needed": 3, "reserve": 0, "allowed": False, "warn": True}
    assert not _batches(db, broadcast_id) and not queue.sends


def test_the_reserve_for_alerts_is_kept_back(db, sender, line, clock):
    line.limit, line.used = 1000, 900
    sender.quota_reserve = 99
    for _ in range(2):
        subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == REFUSED
    assert "99 kept back" in _broadcast(db, broadcast_id).error


def test_at_80_percent_it_goes_with_the_warning_kept(db, sender, line, clock):
    line.limit, line.used = 10, 6
    for _ in range(2):
        subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == STARTED
    assert _broadcast(db, broadcast_id).quota == {"limit": 10, "used": 6, "needed": 2, "reserve": 0,
                                                  "allowed": True, "warn": True}


def test_below_80_percent_there_is_no_warning(db, sender, line, clock):
    line.limit, line.used = 100, 10
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == STARTED
    assert _broadcast(db, broadcast_id).quota["warn"] is False


def test_no_limit_set_by_line_is_no_refusal(db, sender, line, clock):
    line.limit, line.used = None, 10**9
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == STARTED


def test_when_line_cannot_say_its_quota_the_start_waits(db, sender, line, queue, clock):
    line.quota_failures = [LINE_500]
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.start(broadcast_id) == WAITING
    assert _broadcast(db, broadcast_id).state == "scheduled"
    [(started, when)] = queue.starts
    assert started == broadcast_id and when > clock.now
    assert sender.start(broadcast_id) == STARTED


# -- sending ------------------------------------------------------------------------------
def test_each_job_sends_one_multicast_in_the_readers_language_then_queues_the_next(db, sender, line, queue,
                                                                                   clock):
    burmese = subscribe(db, "my")
    zawgyi = subscribe(db, "my", zawgyi=True)
    thai = subscribe(db, "th")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    queue.sends.clear()
    assert sender.send(broadcast_id) == SENT
    assert len(line.multicasts) == 1 and queue.sends == [(broadcast_id, None, None)]
    assert _send_all(sender, queue, clock, broadcast_id) == [SENT, SENT]
    got = {tuple(to): messages[0]["text"] for _, to, messages, _ in line.multicasts}
    footer = {language: catalogs().text(language, "news.footer") for language in ("my", "th")}
    assert got[(burmese,)] == f"{TEXTS['my']}\n\n{footer['my']}"
    assert got[(zawgyi,)] == to_zawgyi(f"{TEXTS['my']}\n\n{footer['my']}") != got[(burmese,)]
    assert got[(thai,)] == f"{TEXTS['th']}\n\n{footer['th']}"
    found = _broadcast(db, broadcast_id)
    assert (found.state, found.accepted, found.failed) == ("done", 3, 0)
    assert found.finished_at is not None
    assert not queue.sends       # nothing more to do


def test_1200_recipients_go_in_three_multicasts_with_distinct_retry_keys(db, sender, line, queue, clock):
    users = subscribe_many(db, 1200, "en")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    assert _send_all(sender, queue, clock, broadcast_id) == [SENT, SENT, SENT]
    sizes = [len(to) for _, to, _, _ in line.multicasts]
    assert sizes == [500, 500, 200]
    assert len({key for *_, key in line.multicasts}) == 3
    assert [u for _, to, _, _ in line.multicasts for u in to] == users
    with db.sessions() as session:
        progress = broadcast_batches.progress(session, broadcast_id)
    assert (progress.batches, progress.sent, progress.pending, progress.accepted) == (3, 3, 0, 1200)


def test_who_stopped_or_blocked_after_the_start_is_not_sent_to(db, sender, line, queue, clock):
    stays = subscribe(db, "en")
    stops = subscribe(db, "en")
    blocks = subscribe(db, "en", wrote=True)
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    unsubscribe(db, stops)
    block(db, blocks)
    _send_all(sender, queue, clock, broadcast_id)
    assert [to for _, to, _, _ in line.multicasts] == [[stays]]
    found = _broadcast(db, broadcast_id)
    assert (found.recipients, found.accepted, found.state) == (3, 1, "done")


def test_a_batch_nobody_still_wants_is_not_sent_at_all(db, sender, line, queue, clock):
    only = subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    unsubscribe(db, only)
    assert _send_all(sender, queue, clock, broadcast_id) == [SENT]
    assert not line.multicasts
    assert _broadcast(db, broadcast_id).state == "done"


def test_409_means_line_already_has_the_batch(db, sender, line, queue, clock):
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    line.failures = [LINE_409]
    assert _send_all(sender, queue, clock, broadcast_id) == [SENT]
    found = _broadcast(db, broadcast_id)
    assert (found.state, found.accepted, found.failed) == ("done", 1, 0)


@pytest.mark.parametrize("error", [LINE_500, LINE_429, LineError(None, "ReadTimeoutError: timed out")])
def test_429_5xx_and_no_answer_are_retried_later_with_the_same_retry_key(db, sender, line, queue, clock, error):
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    line.failures = [error]
    first = clock.now
    assert sender.send(*queue.sends.pop(0)[::2]) == RETRY
    [batch] = _batches(db, broadcast_id)
    assert batch.state == "pending" and batch.attempts == 1 and batch.next_attempt_at is not None
    # the next job finds nothing due yet and comes back when the batch is
    assert _send_all(sender, queue, clock, broadcast_id) == [WAITING, SENT]
    assert clock.now > first
    [(_, _, _, key)] = line.multicasts
    assert key == batch.retry_key
    assert _broadcast(db, broadcast_id).accepted == 1


def test_retries_end_at_the_limit_and_the_batch_counts_as_failed(db, sender, line, queue, clock):
    subscribe_many(db, 2, "en")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    line.failures = [LINE_500] * 3
    outcomes = _send_all(sender, queue, clock, broadcast_id)
    assert outcomes.count(RETRY) == 2 and outcomes[-1] == FAILED
    [batch] = _batches(db, broadcast_id)
    assert (batch.state, batch.attempts) == ("failed", 3)
    assert "500" in batch.last_error
    found = _broadcast(db, broadcast_id)
    assert (found.state, found.accepted, found.failed) == ("done", 0, 2)


def test_400_is_not_retried(db, sender, line, queue, clock):
    subscribe(db, "en")
    subscribe(db, "th")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    line.failures = [LINE_400]
    assert _send_all(sender, queue, clock, broadcast_id) == [FAILED, SENT]
    found = _broadcast(db, broadcast_id)
    assert (found.state, found.accepted, found.failed) == ("done", 1, 1)
    failed = [b for b in _batches(db, broadcast_id) if b.state == "failed"]
    assert len(failed) == 1 and "request body" in failed[0].last_error


def test_a_batch_held_by_another_worker_is_left_alone(db, sender, line, queue, clock):
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    with db.transaction() as session:    # another worker took it and is sending it
        assert broadcast_batches.claim_next(session, broadcast_id, clock.now, clock.now + timedelta(seconds=30))
    queue.sends.clear()
    assert sender.send(broadcast_id) == WAITING
    assert not line.multicasts
    [(_, when, _)] = queue.sends           # back when the hold ends (that worker died)
    assert when == clock.now + timedelta(seconds=30)
    assert _send_all(sender, queue, clock, broadcast_id) == [SENT]


def test_a_job_whose_slot_is_later_is_put_back_not_slept(db, line, queue, clock):
    class LaterPacer:
        def reserve(self, now):
            return now + 3

    sender = Broadcasts(db, line, queue, NewsMessages(catalogs(), to_zawgyi), calls_per_second=5,
                        clock=clock, pacer=LaterPacer())
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    _started(sender, queue, broadcast_id)
    queue.sends.clear()
    assert sender.send(broadcast_id) == PACED
    assert not line.multicasts
    [(_, when, slot)] = queue.sends
    assert slot == clock.now.timestamp() + 3 and when.timestamp() == slot
    clock.to(when)
    assert sender.send(broadcast_id, slot) == SENT     # its slot is held: it does not ask for another


def test_a_job_for_a_broadcast_not_sending_does_nothing(db, sender, line, clock):
    subscribe(db, "en")
    broadcast_id = new_broadcast(db, now=clock())
    assert sender.send(broadcast_id) == SKIPPED
    assert not line.multicasts


# -- the news desk the dashboard is handed ------------------------------------------------
def test_the_news_desk_queues_now_or_at_the_time_and_says_the_quota(line, queue, clock):
    desk = NewsDesk(line, queue)
    line.limit, line.used = 500, 20
    assert desk.quota() == (500, 20)
    later = clock.now + timedelta(days=1)
    desk.queue(7, later)
    desk.queue(8, None)
    desk.queue(9, clock.now - timedelta(minutes=1))     # already past: now
    assert queue.starts == [(7, later), (8, None), (9, None)]
    line.quota_failures = [LINE_500]
    with pytest.raises(LookupError):
        desk.quota()


# -- the sweeper --------------------------------------------------------------------------
def test_the_sweeper_starts_due_broadcasts_and_restarts_stalled_ones(db, sender, queue, clock):
    subscribe_many(db, 2, "en")
    subscribe(db, "th")
    now = clock.now
    lost = new_broadcast(db, send_at=now - timedelta(minutes=1))          # its start job was lost
    new_broadcast(db, send_at=now + timedelta(hours=1))                   # not due
    just_queued = new_broadcast(db, send_at=now)                          # its job may still be on its way
    assert sweep_broadcasts(db, queue, 10, now=now) == 1
    assert queue.starts == [(lost, None)]
    assert sender.start(lost) == STARTED
    queue.plans.clear()
    assert sweep_broadcasts(db, queue, 10, now=now + timedelta(minutes=5)) == 2   # lost's cutting never ran
    assert queue.plans == [lost] and queue.starts[-1] == (just_queued, None)
    _cut(sender, queue)
    queue.sends.clear()
    assert sweep_broadcasts(db, queue, 10, now=now + timedelta(minutes=5)) == 2   # then its sends never ran
    assert queue.sends == [(lost, None, None)] and not queue.plans
    queue.sends.clear()
    clock.advance(300)
    assert sender.send(lost) == SENT                  # its chain goes on: one batch sent now
    queue.sends.clear()
    sweep_broadcasts(db, queue, 10, now=clock.now + timedelta(seconds=5))
    assert not queue.sends                            # it sent lately: alive, left alone
    sweep_broadcasts(db, queue, 10, now=clock.now + timedelta(seconds=30))
    assert queue.sends == [(lost, None, None)]        # quiet since: its next job was lost


# -- the message ----------------------------------------------------------------------------
def test_the_footer_fits_the_room_news_leaves_in_one_text():
    from news.compose import FOOTER_ROOM, MAX_NEWS_CHARS
    messages = NewsMessages(catalogs(), to_zawgyi)
    for language in TEXTS:
        longest = {language: "x" * MAX_NEWS_CHARS}
        [message] = messages.messages(longest, language, zawgyi=language == "my")
        footer = catalogs().text(language, "news.footer")
        assert footer != "news.footer" and len(footer) + 2 <= FOOTER_ROOM
        assert message["text"].endswith(to_zawgyi(footer) if language == "my" else footer)
