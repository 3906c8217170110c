"""The SQL a confirmed report (the Send tap) costs the worker, with the real responders and casework
(issue 16: every statement and every flush is CPU the officers' alert waits for)."""
from __future__ import annotations

from flows.engine import choice_data
from storage import cases
from storage.models import Case
from tests.support.chat import Chat
from tests.support.committees import load_example
from tests.support.events import text_event
from tests.support.statements import recorded_statements
from tests.support.webhook import post_events

MAE_SAI = {"in_danger": "no", "province": "57", "district": "5709", "sector": "fishing", "contact_ok": "no"}


def _send_tap(app, line):
    """Process one reporter's Send tap; the statements it ran."""
    hotline = app.extensions["hotline"]
    load_example(hotline.db, {"CRI-5709-1": "U" + "1" * 32, "CRI-5709-2": "U" + "2" * 32})
    chat = Chat(app, line, "th").be_at("report.confirm", MAE_SAI)
    tap = text_event(chat.user, "", timestamp=chat.clock + 1000)
    tap.pop("message")
    send = {**tap, "type": "postback", "postback": {"data": choice_data("report.confirm", 0)}}
    post_events(app.test_client(), [send])
    with recorded_statements(hotline.db.engine) as statements:
        assert hotline.processor.process_chat(chat.user) == 1
    return statements


def test_a_report_writes_its_conversation_once(app, line):
    """Looking up who the alert reaches must not flush the conversation's touch first: that wrote
    the conversation twice per report (its updated_at, then its state)."""
    statements = _send_tap(app, line)
    assert any(s.startswith("INSERT INTO CASES") for s in statements), statements
    assert sum("INTO OUTBOX_MESSAGES" in s for s in statements) >= 2, statements   # the alert went into the outbox
    updates = [s for s in statements if s.startswith("UPDATE CONVERSATIONS")]
    assert len(updates) == 1 and "UPDATED_AT=" in updates[0] and "STATE=" in updates[0], statements


def test_a_reports_alerts_are_written_claimed_and_need_no_claim_of_their_own(app, line):
    """The officers' send group is written claimed in the decision's transaction: after the commit
    only the outcomes are written (the reply's, the group's), no claim UPDATE and its commit."""
    statements = _send_tap(app, line)
    outbox_updates = [s for s in statements if s.startswith("UPDATE OUTBOX_MESSAGES")]
    assert not any("LAST_ERROR=CASE" in s for s in outbox_updates), statements
    assert len(outbox_updates) == 2, statements


def test_a_reports_trail_is_one_insert_created_before_alerted(app, line):
    statements = _send_tap(app, line)
    assert sum(s.startswith("INSERT INTO CASE_EVENTS") for s in statements) == 1, statements
    with app.extensions["hotline"].db.sessions() as session:
        case_id = session.query(Case.id).scalar()
        trail = cases.trail(session, case_id)
        assert [event.kind for event in trail] == ["created", "alerted"]
        assert trail[0].at <= trail[1].at and trail[1].detail["recipients"] == 2
