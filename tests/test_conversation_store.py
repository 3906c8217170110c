"""storage/conversations: a conversation loaded as the session's own object by one SELECT, and
saved by one INSERT or one UPDATE of what changed, so the session has nothing left to flush."""
from __future__ import annotations

from datetime import timedelta

from storage import conversations, erasure
from storage.models import Conversation, utcnow
from tests.support.statements import recorded_statements


def _stored(db, chat_key: str) -> Conversation | None:
    with db.sessions() as session:
        return session.get(Conversation, chat_key)


def _set_columns(statement: str) -> list[str]:
    return [part.split("=")[0].strip() for part in statement.split(" SET ", 1)[1].split(" WHERE ")[0].split(",")]


def test_a_new_conversation_is_one_insert_of_every_column(db):
    with db.transaction() as session, recorded_statements(db.engine) as seen:
        conversation = conversations.load(session, "Unew", "Unew")
        conversation.language, conversation.state = "my", {"at": "main.menu"}
        conversations.save(session, conversation)
        assert conversation not in session
    assert [s.split(" (")[0] for s in seen if not s.startswith("SELECT")] == ["INSERT INTO CONVERSATIONS"]
    stored = _stored(db, "Unew")
    assert (stored.user_id, stored.language, stored.state, stored.zawgyi, stored.blocked_at) == \
        ("Unew", "my", {"at": "main.menu"}, False, None)


def test_a_known_conversation_updates_only_what_changed(db):
    with db.transaction() as session:
        conversations.save(session, conversations.load(session, "Uold", "Uold"))
    before = _stored(db, "Uold").updated_at
    with db.transaction() as session, recorded_statements(db.engine) as seen:
        conversation = conversations.load(session, "Uold", "Uold")
        conversation.state = {}             # equal to what was loaded: not written
        conversation.zawgyi = True
        conversations.save(session, conversation)
    updates = [s for s in seen if s.startswith("UPDATE")]
    assert len(updates) == 1 and updates[0].startswith("UPDATE CONVERSATIONS SET"), seen
    assert _set_columns(updates[0]) == ["ZAWGYI", "UPDATED_AT"], seen
    stored = _stored(db, "Uold")
    assert stored.zawgyi is True and stored.updated_at > before


def test_the_loaded_conversation_is_the_one_the_session_hands_out(db):
    """Whatever else asks the session for it in the same transaction sees the same changes."""
    with db.transaction() as session:
        conversations.save(session, conversations.load(session, "Usame", "Usame"))
    with db.transaction() as session:
        conversation = conversations.load(session, "Usame", "Usame")
        assert session.get(Conversation, "Usame") is conversation
        assert conversations.load(session, "Usame", "Usame") is conversation


def test_unsaved_changes_are_still_written_by_the_session(db):
    """save() is an economy, not a duty: a caller that does not call it (the apology) loses nothing."""
    with db.transaction() as session:
        conversations.save(session, conversations.load(session, "Uflush", "Uflush"))
    with db.transaction() as session:
        conversations.load(session, "Uflush", "Uflush").language = "km"
    assert _stored(db, "Uflush").language == "km"


def test_changes_after_an_autoflush_are_saved_too(db):
    with db.transaction() as session:
        conversation = conversations.load(session, "Uauto", "Uauto")
        session.flush()                      # as a query in a responder would
        conversation.blocked_at = utcnow() - timedelta(minutes=1)
        conversations.save(session, conversation)
    assert _stored(db, "Uauto").blocked_at is not None


def test_an_erased_conversation_is_not_written_back(db):
    with db.transaction() as session:
        conversations.save(session, conversations.load(session, "Ugone", "Ugone"))
    with db.transaction() as session, recorded_statements(db.engine) as seen:
        conversation = conversations.load(session, "Ugone", "Ugone")
        erasure.forget_person(session, conversation)
        conversations.save(session, conversation)
    writes = [s.split(" WHERE")[0] for s in seen if s.startswith(("UPDATE CONVERSATIONS", "INSERT INTO CONVERSATIONS",
                                                                   "DELETE FROM CONVERSATIONS"))]
    assert writes[-1] == "DELETE FROM CONVERSATIONS", seen      # nothing written after it
    assert _stored(db, "Ugone") is None
