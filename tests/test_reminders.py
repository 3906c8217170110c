"""Personal reminders (issue 15) through the real responder and the daily run, LINE faked:
a date set in the chat, kept encrypted, shown in the reader's calendar, pushed at its stage
once, never to a blocked chat, never inside a report; removed, and erased with the person's data."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, text

from bot.reminder_effects import bangkok_today
from flows.engine import choice_data
from flows.loader import load_flows
from news import reminders as rules
from storage import conversations
from storage import reminders as store
from storage.models import NewsReminder
from tests.support.chat import Chat, hotline_app, tel_numbers, texts
from worker.reminders import ReminderRun

pytestmark = pytest.mark.integration

FLOWS = load_flows()
KIND_STEP = "reminders.kind"


@pytest.fixture(scope="module")
def app(tmp_path_factory, redis_url):
    with hotline_app(tmp_path_factory.mktemp("reminders"), redis_url) as (app, line):
        yield app, line


def tap_choice(chat: Chat, step: str, **match) -> list[dict]:
    """Tap the choice of `step` whose fields include `match` (e.g. value="visa")."""
    for index, choice in enumerate(FLOWS.step(step).choices):
        if match.items() <= choice.items():
            return chat.tap(choice_data(step, index))
    raise AssertionError(f"no choice {match} at {step}")


def today() -> date:
    return bangkok_today(lambda: datetime.now(UTC).timestamp())


def at_nine(day: date) -> datetime:
    """9:00 in Bangkok on `day`, as UTC (the run's clock)."""
    return datetime.combine(day, time(2, 0), tzinfo=UTC)


def set_date(chat: Chat, kind: str, typed: str) -> list[dict]:
    chat.be_at("reminders.menu")
    tap_choice(chat, "reminders.menu", go="reminders.kind")
    tap_choice(chat, KIND_STEP, value=kind)
    return chat.say(typed)


def saved(chat: Chat, kind: str, given: date) -> list[dict]:
    set_date(chat, kind, given.strftime("%d/%m/%Y"))
    return tap_choice(chat, "reminders.confirm", effect="reminder_set")


def kept(chat: Chat) -> list[store.Reminder]:
    with chat.hotline.db.sessions() as session:
        return store.of_chat(session, chat.user)


def run(chat: Chat, now: datetime):
    """The daily run at `now`, then its rows sent as the deliver jobs would; the pushes sent."""
    before = len(chat.line.sent)
    outcome = chat.hotline.reminders.run(now)
    for row_id in outcome.row_ids:
        chat.hotline.delivery.deliver(row_id)
    return outcome, [sent for sent in chat.line.sent[before:] if sent[0] == "push" and sent[1] == chat.user]


def test_a_ninety_day_date_is_asked_as_the_last_report_and_confirmed_in_the_readers_calendar(app):
    chat = Chat(*app, language="th")
    last = today() - timedelta(days=30)
    asked = (chat.be_at("reminders.menu"), tap_choice(chat, "reminders.menu", go="reminders.kind"),
             tap_choice(chat, KIND_STEP, value="ninety_day"))[2]
    assert chat.at() == "reminders.last_report"
    assert "ครั้งล่าสุด" in texts(asked)[0]                               # "the LAST report"
    assert any(item["action"]["type"] == "datetimepicker" for item in asked[-1]["quickReply"]["items"])
    confirm = chat.say(last.strftime("%d/%m/") + str(last.year + 543))   # typed in the Buddhist Era
    assert chat.at() == "reminders.confirm"
    words = texts(confirm)[0]
    catalogs = chat.hotline.processor.responder.conversations.catalogs
    due = last + timedelta(days=90)
    assert catalogs.date("th", last) in words and str(last.year + 543) in words
    assert catalogs.date("th", due) in words                              # the next report's day
    assert catalogs.date("th", due - timedelta(days=15)) in words         # the first reminder
    done = tap_choice(chat, "reminders.confirm", effect="reminder_set")
    assert chat.at() == "reminders.saved" and texts(done)
    [reminder] = kept(chat)
    assert (reminder.kind, reminder.date, reminder.sent) == ("ninety_day", last, ())


def test_the_dates_are_encrypted_at_rest(app):
    chat = Chat(*app, language="en")
    saved(chat, "visa", date(2031, 7, 23))
    with chat.hotline.db.sessions() as session:
        raw = session.execute(text("SELECT details FROM news_reminders WHERE chat_key = :c"), {"c": chat.user}).scalar()
    assert "2031" not in str(raw) and "visa" not in str(raw)


def test_a_date_that_leaves_no_reminder_is_refused_politely(app):
    chat = Chat(*app, language="en")
    last = today() - timedelta(days=120)                     # the report was due a month ago
    set_date(chat, "ninety_day", last.strftime("%d/%m/%Y"))
    answer = tap_choice(chat, "reminders.confirm", effect="reminder_set")
    assert chat.at() == "reminders.too_late"
    catalogs = chat.hotline.processor.responder.conversations.catalogs
    assert catalogs.date("en", last + timedelta(days=90)) in texts(answer)[0]
    assert kept(chat) == []


def test_one_reminder_per_kind_a_new_date_replaces_the_old(app):
    chat = Chat(*app, language="en")
    saved(chat, "visa", today() + timedelta(days=200))
    saved(chat, "work_permit", today() + timedelta(days=300))
    saved(chat, "visa", today() + timedelta(days=400))
    assert [(r.kind, r.date) for r in kept(chat)] == [("visa", today() + timedelta(days=400)),
                                                      ("work_permit", today() + timedelta(days=300))]


def test_my_reminders_lists_each_with_its_next_reminder_and_remove_all_removes_them(app):
    chat = Chat(*app, language="en")
    ends = today() + timedelta(days=100)
    saved(chat, "pink_card", ends)
    shown = tap_choice(chat, "reminders.saved", go="reminders.show")
    catalogs = chat.hotline.processor.responder.conversations.catalogs
    listing = texts(shown)[0]
    assert catalogs.date("en", ends) in listing and catalogs.date("en", ends - timedelta(days=60)) in listing
    tap_choice(chat, "reminders.show", go="reminders.remove_confirm")
    tap_choice(chat, "reminders.remove_confirm", effect="reminder_remove")
    assert chat.at() == "reminders.removed" and kept(chat) == []
    chat.be_at("reminders.remove_confirm")
    tap_choice(chat, "reminders.remove_confirm", effect="reminder_remove")
    assert chat.at() == "reminders.nothing_to_remove"


def test_a_reminder_is_pushed_at_its_stage_once_in_the_persons_language_and_calendar(app):
    chat = Chat(*app, language="th")
    ends = today() + timedelta(days=90)
    saved(chat, "visa", ends)
    assert run(chat, at_nine(ends - timedelta(days=61)))[1] == []          # not yet
    outcome, pushes = run(chat, at_nine(ends - timedelta(days=60)))
    [(_, to, messages, retry_key)] = pushes
    words = "\n".join(texts(messages))
    catalogs = chat.hotline.processor.responder.conversations.catalogs
    assert to == chat.user and retry_key
    assert catalogs.date("th", ends) in words and str(ends.year + 543) in words   # Buddhist Era
    assert "วีซ่า" in words and "หยุด" in words                                   # what, and how to stop
    assert "1694" in tel_numbers(messages)
    assert "ค้ามนุษย์" not in words                                              # safe on a shared phone
    assert run(chat, at_nine(ends - timedelta(days=60)))[1] == []          # the same day again: nothing
    assert run(chat, at_nine(ends - timedelta(days=59)))[1] == []          # nor the next
    assert [r.sent for r in kept(chat)] == [("before_60",)]


def test_after_the_deadline_the_push_asks_for_the_new_date_with_a_button(app):
    chat = Chat(*app, language="en")
    last = today() - timedelta(days=80)
    saved(chat, "ninety_day", last)
    due = last + timedelta(days=90)
    [(_, _, messages, _)] = run(chat, at_nine(due + timedelta(days=1)))[1]
    assert "1178" in tel_numbers(messages)
    [button] = messages[-1]["quickReply"]["items"]
    assert kept(chat) == []                                    # asked: the old date is gone
    asked = chat.tap(button["action"]["data"])
    assert chat.at() == "reminders.last_report" and texts(asked)
    with chat.hotline.db.sessions() as session:
        state = conversations.load(session, chat.user, chat.user).state
    assert state["data"]["reminder_kind"] == "ninety_day"


def test_never_to_a_blocked_chat(app):
    chat = Chat(*app, language="en")
    ends = today() + timedelta(days=10)
    saved(chat, "work_permit", ends)
    with chat.hotline.db.transaction() as session:
        conversations.set_blocked(conversations.load(session, chat.user, chat.user), True)
    outcome, pushes = run(chat, at_nine(ends - timedelta(days=7)))
    assert pushes == [] and outcome.blocked >= 1
    # not marked sent: unblocked later, the next run finds it (60 and 30 were over when it was set)
    assert [r.sent for r in kept(chat)] == [("before_60", "before_30")]


def test_never_while_the_person_is_inside_a_report_it_waits_for_the_next_run(app):
    chat = Chat(*app, language="en")
    ends = today() + timedelta(days=10)
    saved(chat, "work_permit", ends)
    chat.be_at("report.sector", {"in_danger": "no"})
    outcome, pushes = run(chat, at_nine(ends - timedelta(days=7)))
    assert pushes == [] and outcome.postponed >= 1
    chat.be_at("main.menu")
    assert len(run(chat, at_nine(ends - timedelta(days=6)))[1]) == 1


def test_two_runs_that_read_the_same_row_send_it_once(app):
    chat = Chat(*app, language="en")
    ends = today() + timedelta(days=40)
    saved(chat, "visa", ends)
    with chat.hotline.db.sessions() as session:
        [due] = [d for d in store.due_on(session, ends - timedelta(days=30)) if d.reminder.chat_key == chat.user]
        assert store.mark_sent(session, due.reminder, due.stage)
        assert not store.mark_sent(session, due.reminder, due.stage)   # the version it read is gone
        session.commit()


def test_the_day_runs_once_at_the_hour_even_with_several_workers(app):
    chat = Chat(*app, language="en")
    hotline = chat.hotline
    day = date(2031, 1, 15)
    hotline.queue.redis.delete(f"hotline:reminders:day:{hotline.queue.queue.name}:{day.isoformat()}")
    first = ReminderRun(hotline.db, hotline.queue, hotline.reminders.conversations, hour=9)
    second = ReminderRun(hotline.db, hotline.queue, hotline.reminders.conversations, hour=9)
    assert first.run_if_due(datetime.combine(day, time(1, 59), tzinfo=UTC)) is None    # 8:59 in Bangkok
    assert first.run_if_due(at_nine(day)) is not None
    assert second.run_if_due(at_nine(day) + timedelta(minutes=1)) is None
    assert first.run_if_due(at_nine(day) + timedelta(hours=1)) is None


def test_delete_my_data_erases_the_dates(app):
    chat = Chat(*app, language="en")
    saved(chat, "visa", today() + timedelta(days=100))
    chat.be_at("main.delete_confirm")
    tap_choice(chat, "main.delete_confirm", effect="delete_my_data")
    with chat.hotline.db.sessions() as session:
        assert session.scalars(select(NewsReminder).where(NewsReminder.chat_key == chat.user)).all() == []


def test_the_push_button_gives_the_kind_of_its_reminder():
    from bot.reminder_push import new_date_data
    from flows.engine import Engine
    engine = Engine(FLOWS)
    for kind in rules.DAYS_BEFORE:
        step, _, index = new_date_data(engine, kind)[2:].rpartition("|")
        assert FLOWS.step(step).choices[int(index)]["value"] == kind


def test_a_chat_whose_conversation_is_gone_still_gets_its_language(app):
    chat = Chat(*app, language="km")
    ends = today() + timedelta(days=20)
    saved(chat, "pink_card", ends)
    with chat.hotline.db.transaction() as session:      # the retention sweep ended the conversation
        session.delete(conversations.load(session, chat.user, chat.user))
    [(_, _, messages, _)] = run(chat, at_nine(ends - timedelta(days=7)))[1]
    catalogs = chat.hotline.processor.responder.conversations.catalogs
    assert catalogs.date("km", ends) in texts(messages)[0]


def test_flask_reminders_send_runs_the_day_by_hand_at_a_chosen_clock(app):
    chat = Chat(*app, language="en")
    ends = today() + timedelta(days=45)
    saved(chat, "work_permit", ends)
    day = ends - timedelta(days=30)
    result = app[0].test_cli_runner().invoke(args=["reminders", "send", "--now", f"{day.isoformat()}T02:00"])
    assert result.exit_code == 0, result.output
    assert "reminders queued" in result.output
    assert [r.sent for r in kept(chat)] == [("before_60", "before_30")]
    bad = app[0].test_cli_runner().invoke(args=["reminders", "send", "--now", "someday"])
    assert bad.exit_code != 0


def test_the_sweepers_loop_asks_for_the_days_reminders():
    import threading

    from worker.sweeper import SweeperThread

    asked = threading.Event()

    class Reminders:
        def run_if_due(self, now=None):
            asked.set()

    class Queue:
        def process_chat(self, chat):
            return True

        def deliver(self, row):
            return True

    class Db:
        def sessions(self):
            raise RuntimeError("no database here")   # the sweep fails; the reminders are asked anyway

    sweeper = SweeperThread(Db(), Queue(), 1.0, 0.01, reminders=Reminders())
    sweeper.start()
    try:
        assert asked.wait(5)
    finally:
        sweeper.stop()
        sweeper.join(timeout=5)
