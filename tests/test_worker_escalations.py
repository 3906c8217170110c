"""Escalation checks: scheduled in one place, once the answer that set a deadline is committed;
the job itself escalates every case due, so it takes no argument."""
from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from redis import Redis
from redis.exceptions import RedisError

from app import create_app
from bot.response import Response
from tests.support.events import text_event
from tests.support.webhook import post_events, user_id
from worker import jobs
from worker.escalations import Escalations, schedule_checks
from worker.queue import ESCALATION_CHECK, JobQueue

DEADLINE = datetime(2026, 11, 24, 3, 15, tzinfo=UTC)


class RecordingQueue:
    def __init__(self):
        self.checks: list[tuple[int, datetime]] = []

    def escalation_check(self, case_id: int, when) -> bool:
        self.checks.append((case_id, when))
        return True


def test_only_a_case_with_a_deadline_gets_a_check_at_that_deadline():
    queue = RecordingQueue()
    schedule_checks(queue, [SimpleNamespace(id=1, escalate_at=DEADLINE),
                            SimpleNamespace(id=2, escalate_at=None)])     # acknowledged, or at the top
    assert queue.checks == [(1, DEADLINE)]


def test_the_check_is_one_job_at_the_deadline_without_arguments():
    enqueued = []

    class RecordingRQ:
        name = "test"

        def enqueue_at(self, when, func, *args, **kwargs):
            enqueued.append((when, func, args))

    queue = JobQueue(Redis(host="127.0.0.1", port=9), "test")   # never connected to by this test
    queue.queue = RecordingRQ()
    assert queue.escalation_check(7, DEADLINE) is True
    assert enqueued == [(DEADLINE, ESCALATION_CHECK, ())]      # the case id only names it in the log


def test_deadlines_in_one_second_share_one_check_at_its_end():
    enqueued = []

    class RecordingRQ:
        name = "test"
        down = False

        def enqueue_at(self, when, func, *args, **kwargs):
            if self.down:
                raise RedisError("down")
            enqueued.append(when)

    queue = JobQueue(Redis(host="127.0.0.1", port=9), "test")   # never connected to by this test
    queue.queue = rq = RecordingRQ()
    second = DEADLINE + timedelta(seconds=1)
    for case_id, when in enumerate([DEADLINE + timedelta(milliseconds=100), DEADLINE + timedelta(milliseconds=900),
                                    second, DEADLINE + timedelta(minutes=15, microseconds=1)]):
        assert queue.escalation_check(case_id, when) is True
    assert enqueued == [second, DEADLINE + timedelta(minutes=15, seconds=1)]   # never before a deadline
    rq.down = True
    assert queue.escalation_check(9, DEADLINE + timedelta(hours=1)) is False   # left to the sweeper
    rq.down = False
    assert queue.escalation_check(9, DEADLINE + timedelta(hours=1)) is True
    assert enqueued[-1] == DEADLINE + timedelta(hours=1)                       # not taken as queued before


@pytest.mark.integration
def test_the_job_escalates_everything_due(settings, monkeypatch):
    app = create_app(settings)
    hotline = app.extensions["hotline"]
    monkeypatch.setattr(hotline.escalations, "run_due", lambda: 2)
    assert inspect.signature(jobs.escalation_check).parameters == {}
    with app.app_context():
        assert jobs.escalation_check() == 2


class ReportingResponder:
    """Answers every event and gives a case (or none) a new deadline."""

    def __init__(self, case):
        self.case = case

    def respond(self, event, conversation, session):
        response = Response(messages=[{"type": "text", "text": "ok"}])
        response.schedule_escalation(self.case)
        return response

    def apology(self, conversation):
        return Response()


@pytest.mark.integration
@pytest.mark.parametrize("deadline, scheduled", [(DEADLINE, [(5, DEADLINE)]), (None, [])])
def test_the_processor_schedules_the_check_after_the_answer_is_committed(settings, monkeypatch, deadline, scheduled):
    case = SimpleNamespace(id=5, escalate_at=deadline)
    app = create_app(settings, responder=ReportingResponder(case))
    hotline = app.extensions["hotline"]
    queue = RecordingQueue()
    monkeypatch.setattr(hotline.queue, "escalation_check", queue.escalation_check)
    user = user_id()
    post_events(app.test_client(), [text_event(user, "send")])
    assert hotline.processor.process_chat(user) == 1
    assert queue.checks == scheduled


def test_escalations_schedule_the_next_check_of_each_case_they_moved_up():
    later = DEADLINE + timedelta(hours=1)
    moved = [SimpleNamespace(id=3, escalate_at=later), SimpleNamespace(id=4, escalate_at=None)]

    class Session:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def commit(self):
            pass

    class Casework:
        def escalate_due(self, session):
            return [SimpleNamespace(id=11)], moved

    delivered, queue = [], RecordingQueue()
    escalations = Escalations(SimpleNamespace(sessions=Session), Casework(),
                              SimpleNamespace(deliver=delivered.append), queue)
    assert escalations.run_due() == 2
    assert delivered == [11] and queue.checks == [(3, later)]
