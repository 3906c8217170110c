"""Issue 15: a broadcast's batches (storage/broadcast_batches.py): who is in them, how they are cut,
claimed once, counted without lost updates, finished, and found again by the sweeper."""
from __future__ import annotations

from datetime import timedelta

from news.audience import Audience
from storage import broadcast_batches as batches
from storage import broadcasts
from storage.models import Broadcast, BroadcastBatch, NewsSubscription, utcnow
from tests.support.news import block, new_broadcast, subscribe, subscribe_many, unsubscribe, user_id


def _start(db, broadcast_id, now=None, slice_size=100_000):
    """Started and cut into batches; how many recipients they hold."""
    now = now or utcnow()
    with db.transaction() as session:
        broadcast = broadcasts.get(session, broadcast_id)
        needed = batches.count(session, Audience.from_dict(broadcast.audience))
        assert batches.claim_start(session, broadcast_id, now, recipients=needed, quota={"limit": None})
    done = False
    while not done:
        with db.transaction() as session:
            done = batches.plan_slice(session, broadcast_id, slice_size).done
    with db.sessions() as session:
        return broadcasts.get(session, broadcast_id).recipients


def _rows(db, broadcast_id):
    with db.sessions() as session:
        return list(session.query(BroadcastBatch).filter_by(broadcast_id=broadcast_id).order_by(BroadcastBatch.id))


def test_recipients_follow_the_audience_rule_and_leave_out_who_blocked(db):
    in_10 = subscribe(db, "km", country="kh", province="10")
    everywhere = subscribe(db, "km", country="kh", province="all", zawgyi=False)
    subscribe(db, "km", country="kh", province="20")
    subscribe(db, "km", country="la", province="10")
    subscribe(db, "km", country="kh", province="10", blocked=True)
    wrote = subscribe(db, "en", country="kh", province="10", wrote=True)
    zawgyi = subscribe(db, "my", country="kh", province="10", zawgyi=True)
    broadcast_id = new_broadcast(db, audience=Audience(countries=("kh",), provinces=("10",)))
    assert _start(db, broadcast_id) == 4
    found = {(b.language, b.zawgyi): b.recipients for b in _rows(db, broadcast_id)}
    assert found == {("km", False): [in_10, everywhere], ("en", False): [wrote], ("my", True): [zawgyi]}


def test_the_audience_is_cut_a_slice_at_a_time_and_the_count_is_what_the_batches_hold(db):
    first = subscribe_many(db, 7, "th")
    subscribe_many(db, 3, "en")
    broadcast_id = new_broadcast(db)
    with db.transaction() as session:
        assert batches.count(session, Audience()) == 10
        assert batches.claim_start(session, broadcast_id, utcnow(), recipients=10)
    with db.transaction() as session:
        cut = batches.plan_slice(session, broadcast_id, 4)
    assert (cut.planned, cut.batches, cut.first, cut.done) == (4, 1, True, False)
    assert [b.recipients for b in _rows(db, broadcast_id)] == [first[:4]]
    unsubscribe(db, first[5])                         # stops while the rest is being cut: not in a batch
    with db.transaction() as session:
        assert batches.still_planning(session, broadcast_id)
        assert not batches.finish_if_done(session, broadcast_id, utcnow())   # not all cut: not done
        cut = batches.plan_slice(session, broadcast_id, 4)
    assert (cut.planned, cut.first, cut.done) == (4, False, False)
    with db.transaction() as session:
        cut = batches.plan_slice(session, broadcast_id, 4)
        assert (cut.planned, cut.done) == (1, True)
    with db.transaction() as session:
        assert batches.plan_slice(session, broadcast_id, 4) is None          # all cut: nothing more
        assert not batches.still_planning(session, broadcast_id)
    assert sum(b.size for b in _rows(db, broadcast_id)) == 9
    with db.sessions() as session:
        assert broadcasts.get(session, broadcast_id).recipients == 9


def test_a_second_job_for_the_same_broadcast_cuts_the_next_slice_never_the_same_one(db):
    """Two planning jobs (the sweeper's and the chain's): each reads the cursor afresh, and moves it
    only from where it read it, so no subscriber lands in two batches."""
    subscribe_many(db, 6, "en")
    broadcast_id = new_broadcast(db)
    with db.transaction() as session:
        assert batches.claim_start(session, broadcast_id, utcnow(), recipients=6)
    with db.sessions() as first_session, db.sessions() as second_session:
        assert second_session.get(Broadcast, broadcast_id).plan_cursor == 0     # a stale copy in its session
        assert batches.plan_slice(first_session, broadcast_id, 4).first is True
        first_session.commit()
        assert batches.plan_slice(second_session, broadcast_id, 4).first is False
        second_session.commit()
    assert sorted(b.size for b in _rows(db, broadcast_id)) == [2, 4]
    assert len({u for b in _rows(db, broadcast_id) for u in b.recipients}) == 6


def test_batches_hold_at_most_500_each_with_its_own_retry_key(db):
    subscribe_many(db, 1001, "th")
    subscribe_many(db, 3, "my", zawgyi=True)
    broadcast_id = new_broadcast(db)
    assert _start(db, broadcast_id) == 1004
    rows = _rows(db, broadcast_id)
    assert sorted((r.language, r.zawgyi, r.size) for r in rows) == [
        ("my", True, 3), ("th", False, 1), ("th", False, 500), ("th", False, 500)]
    assert all(len(r.recipients) == r.size for r in rows)
    assert len({r.retry_key for r in rows}) == len(rows)
    with db.sessions() as session:
        started = broadcasts.get(session, broadcast_id)
    assert (started.state, started.recipients, started.quota) == ("sending", 1004, {"limit": None})


def test_the_recipients_are_encrypted_at_rest(db):
    user = subscribe(db, "en")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    with db.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT recipients FROM broadcast_batches").scalar()
    assert user not in str(raw)


def test_a_start_is_claimed_only_once_and_only_when_due(db):
    subscribe(db, "en")
    now = utcnow()
    later = new_broadcast(db, send_at=now + timedelta(minutes=5))
    with db.transaction() as session:
        assert not batches.claim_start(session, later, now)
        assert batches.claim_start(session, later, now, due_by=now + timedelta(minutes=5))
        assert not batches.claim_start(session, later, now + timedelta(minutes=6))


def test_a_refusal_only_of_a_scheduled_broadcast(db):
    broadcast_id = new_broadcast(db)
    with db.transaction() as session:
        assert batches.refuse(session, broadcast_id, "why", utcnow(), quota={"warn": False})
        assert not batches.refuse(session, broadcast_id, "again", utcnow())
    with db.sessions() as session:
        found = broadcasts.get(session, broadcast_id)
    assert (found.state, found.error, found.quota) == ("refused", "why", {"warn": False})


def test_a_batch_is_claimed_by_one_worker_until_its_hold_ends(db):
    subscribe_many(db, 2, "en")
    subscribe(db, "th")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    now = utcnow()
    hold = now + timedelta(seconds=30)
    with db.transaction() as session:
        first = batches.claim_next(session, broadcast_id, now, hold)
        second = batches.claim_next(session, broadcast_id, now, hold)
        assert first.id != second.id
        assert batches.claim_next(session, broadcast_id, now, hold) is None     # both held
        assert batches.next_due_at(session, broadcast_id) is not None
        again = batches.claim_next(session, broadcast_id, hold, hold + timedelta(seconds=30))
        assert again.id == first.id        # a dead worker's batch comes back when its hold ends


def test_counts_are_added_in_sql_and_a_batch_is_counted_once(db):
    subscribe_many(db, 3, "en")
    subscribe_many(db, 2, "th")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    en, th = sorted(_rows(db, broadcast_id), key=lambda r: r.language)
    now = utcnow()
    with db.transaction() as session:
        session.get(Broadcast, broadcast_id)          # a stale copy in the session changes nothing
        batches.mark_sent(session, en.id, 3, now)
        batches.mark_sent(session, en.id, 3, now)     # a second worker's late outcome: not counted again
        batches.mark_failed(session, th.id, "LINE 400: bad", now)
        batches.mark_failed(session, th.id, "LINE 400: bad", now)
    with db.sessions() as session:
        found = broadcasts.get(session, broadcast_id)
        progress = batches.progress(session, broadcast_id)
    assert (found.accepted, found.failed) == (3, 2)
    assert progress == batches.Progress(batches=2, sent=1, failed=1, pending=0, recipients=5, accepted=3,
                                        failed_recipients=2)


def test_who_a_batch_went_to_is_forgotten_once_it_is_sent_or_given_up(db):
    subscribe_many(db, 3, "en")
    subscribe_many(db, 2, "th")
    pending_one = subscribe(db, "lo")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    en, lo, th = sorted(_rows(db, broadcast_id), key=lambda r: r.language)
    with db.transaction() as session:
        batches.mark_sent(session, en.id, 3, utcnow())
        batches.mark_failed(session, th.id, "LINE 400: bad", utcnow())
    sent, waiting, failed = sorted(_rows(db, broadcast_id), key=lambda r: r.language)
    assert (sent.recipients, sent.size, failed.recipients, failed.size) == ([], 3, [], 2)
    assert waiting.recipients == [pending_one]             # still to send: kept until then


def test_a_retry_later_keeps_the_batch_pending_until_then(db):
    subscribe(db, "en")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    now = utcnow()
    with db.transaction() as session:
        batch = batches.claim_next(session, broadcast_id, now, now + timedelta(seconds=30))
        batches.retry_later(session, batch.id, "LINE 500", now + timedelta(seconds=4))
    with db.transaction() as session:
        assert batches.claim_next(session, broadcast_id, now + timedelta(seconds=3), now) is None
        assert batches.claim_next(session, broadcast_id, now + timedelta(seconds=4), now) is not None
    [row] = _rows(db, broadcast_id)
    assert (row.attempts, row.last_error) == (1, "LINE 500")


def test_finished_only_when_no_batch_is_pending(db):
    subscribe(db, "en")
    subscribe(db, "th")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    first, second = _rows(db, broadcast_id)
    now = utcnow()
    with db.transaction() as session:
        batches.mark_sent(session, first.id, 1, now)
        assert not batches.finish_if_done(session, broadcast_id, now)
        batches.mark_failed(session, second.id, "LINE 400", now)
        assert batches.finish_if_done(session, broadcast_id, now)
        assert not batches.finish_if_done(session, broadcast_id, now)
    with db.sessions() as session:
        found = broadcasts.get(session, broadcast_id)
    assert found.state == "done" and found.finished_at is not None


def test_still_wanted_drops_who_stopped_blocked_or_changed_language(db):
    stays = subscribe(db, "en")
    stops = subscribe(db, "en")
    blocks = subscribe(db, "en")
    moves = subscribe(db, "en")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    unsubscribe(db, stops)
    block(db, blocks)
    unsubscribe(db, moves)
    subscribe(db, "th", user=moves)       # now reads Thai: the English batch is not theirs
    [batch] = _rows(db, broadcast_id)
    with db.sessions() as session:
        assert batches.still_wanted(session, batch) == [stays]


def test_the_sweeper_finds_sending_broadcasts_nobody_works_on(db):
    subscribe_many(db, 2, "en")
    subscribe(db, "th")
    started = utcnow() - timedelta(minutes=5)
    broadcast_id = new_broadcast(db, send_at=started)
    _start(db, broadcast_id, now=started)
    now = utcnow()
    quiet_since = now - timedelta(seconds=10)
    with db.sessions() as session:
        assert batches.stalled(session, now, quiet_since) == [broadcast_id]
    with db.transaction() as session:           # a worker is on it: held
        held = batches.claim_next(session, broadcast_id, now, now + timedelta(seconds=30))
    with db.sessions() as session:
        assert batches.stalled(session, now, quiet_since) == []
    with db.transaction() as session:           # it sent one just now: the chain is alive
        batches.mark_sent(session, held.id, 2, now)
    with db.sessions() as session:
        assert batches.stalled(session, now, quiet_since) == []
        assert batches.stalled(session, now + timedelta(seconds=20), now + timedelta(seconds=10)) == [broadcast_id]


def test_still_wanted_finds_a_subscription_kept_under_another_chat(db):
    """Looked up by chat_key first (the person's own chat): a row kept under another chat (a
    group's) is still found by its user id, and its language and block still count."""
    user, blocked_user, other_language = user_id(), user_id(), user_id()
    with db.transaction() as session:
        for person, chat, language in ((user, "C" + "1" * 32, "en"), (blocked_user, "C" + "2" * 32, "en"),
                                       (other_language, "C" + "3" * 32, "th")):
            session.add(NewsSubscription(chat_key=chat, user_id=person, country="mm", document="mou",
                                         province="all", language=language, zawgyi=False))
    block_chat = "C" + "2" * 32
    own = subscribe(db, "en")
    broadcast_id = new_broadcast(db)
    _start(db, broadcast_id)
    block(db, block_chat)
    [batch] = [b for b in _rows(db, broadcast_id) if b.language == "en"]
    with db.sessions() as session:
        assert sorted(batches.still_wanted(session, batch)) == sorted([user, own])
