"""How many statements a returning person's message costs the worker, with the real responders
(issue 16: every statement is CPU a reply waits for)."""
from __future__ import annotations

from tests.support.events import text_event
from tests.support.statements import recorded_statements
from tests.support.webhook import post_events, user_id


def _statements(app, user, text):
    post_events(app.test_client(), [text_event(user, text)])
    with recorded_statements(app.extensions["hotline"].db.engine) as seen:
        assert app.extensions["hotline"].processor.process_chat(user) == 1
    return seen


def test_a_message_writes_its_conversation_once(app):
    user = user_id()
    _statements(app, user, "hello")                      # first contact: the language is settled
    statements = _statements(app, user, "menu")
    updates = [s for s in statements if s.startswith("UPDATE CONVERSATIONS")]
    assert len(updates) == 1, statements


def test_a_text_message_away_from_the_menu_writes_its_conversation_once(app):
    """Any text may go to an officer talking with the person (bot/officer_messages.relay): asking
    whether one is must not flush the conversation first, which would write it twice."""
    user = user_id()
    _statements(app, user, "hello")
    for text in ("hi", "hi"):
        statements = _statements(app, user, text)
        updates = [s for s in statements if s.startswith("UPDATE CONVERSATIONS")]
        assert len(updates) == 1 and "UPDATED_AT=" in updates[0], statements
        assert len(statements) == 9, statements


def test_a_new_person_s_conversation_is_one_insert(app):
    statements = _statements(app, user_id(), "hello")
    assert [s for s in statements if "INTO CONVERSATIONS" in s or s.startswith("UPDATE CONVERSATIONS")] \
        == [s for s in statements if s.startswith("INSERT INTO CONVERSATIONS")], statements
    assert len(statements) == 9, statements


def test_the_reply_is_written_claimed_so_its_send_claims_nothing(app):
    """The answer's row is written with its first attempt's marker in the decision's commit, so
    sending it right after takes no claim UPDATE of its own: 9 statements for a returning person."""
    user = user_id()
    _statements(app, user, "hello")
    statements = _statements(app, user, "menu")
    outbox_updates = [s for s in statements if s.startswith("UPDATE OUTBOX_MESSAGES")]
    assert len(outbox_updates) == 1 and "SET STATUS=" in outbox_updates[0], statements   # sent, nothing else
    assert len(statements) == 9, statements


def test_a_message_s_work_opens_one_session(app):
    """Deciding, sending and the check after the lock share one session (each one more was
    ~0.2 ms of a message's CPU); the session's statements stay as they were."""
    hotline = app.extensions["hotline"]
    user = user_id()
    _statements(app, user, "hello")
    post_events(app.test_client(), [text_event(user, "menu")])
    opened = []
    sessions = hotline.db.sessions

    def counting(*args, **kwargs):
        opened.append(1)
        return sessions(*args, **kwargs)

    hotline.db.sessions = counting
    try:
        assert hotline.processor.process_chat(user) == 1
    finally:
        hotline.db.sessions = sessions
    assert len(opened) == 1
