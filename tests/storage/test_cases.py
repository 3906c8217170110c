"""A new case's row (storage/cases.insert_new): one INSERT, a taken reference skipped, the case
whole in the session afterwards."""
from __future__ import annotations

import pytest

from storage import cases
from storage.models import Case
from tests.support.case_fields import CASE_FIELDS as FIELDS
from tests.support.case_fields import NOW
from tests.support.statements import recorded_statements

pytestmark = pytest.mark.integration


def test_a_new_case_is_one_insert_and_comes_back_whole(db):
    with db.transaction() as session, recorded_statements(db.engine) as seen:
        case = cases.insert_new(session, **FIELDS)
        assert (case.id, case.answers, case.indicators, case.routing, case.acknowledged_by) == \
            (case.id, {"phone": "0812345678"}, [], {}, None)                     # defaults as the ORM's
        case.photos_pending_since = NOW                                             # tracked as any loaded case
        reference = case.reference
    assert [s.split(" (")[0] for s in seen] == ["INSERT INTO CASES"]               # read nothing back
    with db.sessions() as session:
        stored = session.get(Case, case.id)
        assert (stored.reference, stored.answers, stored.photos_pending_since is not None) == \
            (reference, {"phone": "0812345678"}, True)


def test_a_reference_already_taken_is_skipped(db, monkeypatch):
    with db.transaction() as session:
        first = cases.insert_new(session, **FIELDS).reference
    drawn = iter([first, first, "XYZ-234"])
    monkeypatch.setattr(cases, "random_reference", lambda: next(drawn))
    with db.transaction() as session:
        assert cases.insert_new(session, **FIELDS).reference == "XYZ-234"
    with db.sessions() as session:
        assert sorted(c.reference for c in session.query(Case)) == sorted([first, "XYZ-234"])


def test_a_field_that_is_no_column_is_refused(db):
    with db.transaction() as session, pytest.raises(TypeError):
        cases.insert_new(session, **FIELDS, colour="red")


def test_a_reference_given_is_kept_and_one_already_taken_is_refused(db):
    with db.transaction() as session:
        assert cases.insert_new(session, reference="ABC-234", **FIELDS).reference == "ABC-234"
    with db.transaction() as session, pytest.raises(ValueError):
        cases.insert_new(session, reference="ABC-234", **FIELDS)
