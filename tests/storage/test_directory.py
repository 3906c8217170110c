"""The directory's tables and queries: the migration, who is on duty, escalation chains,
lookups, leaving a group."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from cases.routing import PickedArea, choose_committee, route
from storage import migrate
from storage.db import Database
from storage.directory import (
    alert_targets,
    committees_below,
    directory_snapshot,
    escalation_chain,
    forget_group,
    get_committee,
    link_group,
    officer_name,
    on_duty_officers,
)
from storage.directory_file import load_directory
from storage.link_codes import issue_group_code, request_group_link
from storage.models import Committee, Officer, PendingGroupLink
from tests.support.directory_data import MON, NOW, SAT, SUN, TUE, bkk, data_with
from tests.support.migrations import schema_drift

MY_TABLES = {"committees", "officers", "link_code_attempts", "pending_group_links"}

integration = pytest.mark.integration


# -- tables and migration ------------------------------------------------------------------------
@integration
def test_the_migration_matches_the_models_and_goes_down_and_up(database_url):
    database = Database(database_url)
    try:
        assert schema_drift(database, *MY_TABLES) == []
        migrate.downgrade(database_url, "0001")
        with database.engine.connect() as connection:
            tables = set(connection.dialect.get_table_names(connection))
        assert not tables & MY_TABLES and "inbox_events" in tables
        migrate.upgrade(database_url, "0002")
        with database.engine.connect() as connection:
            assert MY_TABLES - {"pending_group_links"} <= set(connection.dialect.get_table_names(connection))
        migrate.upgrade(database_url, "0005")
        with database.engine.connect() as connection:
            assert set(connection.dialect.get_table_names(connection)) >= MY_TABLES
        migrate.downgrade(database_url, "0004")
        with database.engine.connect() as connection:
            assert "pending_group_links" not in set(connection.dialect.get_table_names(connection))
        migrate.upgrade(database_url)
    finally:
        database.dispose()


@integration
def test_a_line_user_links_to_one_officer_only(loaded):
    with loaded.transaction() as session:
        session.get(Officer, "CRI-5709-1").line_user_id = "U1"
    with pytest.raises(Exception), loaded.transaction() as session:  # noqa: B017  (any driver's unique-violation)
        session.get(Officer, "CRI-5709-2").line_user_id = "U1"
    with loaded.transaction() as session:   # several officers without a LINE account are fine
        assert len(session.scalars(select(Officer).where(Officer.line_user_id.is_(None))).all()) > 2


@integration
def test_who_is_on_duty_in_mae_sai(loaded):
    def on_duty(when):
        with loaded.sessions() as session:
            return [o.id for o in on_duty_officers(session, "CRI-5709", when)]

    assert on_duty(bkk(2026, 11, MON, 10)) == ["CRI-5709-1"]
    assert on_duty(bkk(2026, 11, MON, 23)) == ["CRI-5709-2"]
    assert on_duty(bkk(2026, 11, TUE, 2)) == ["CRI-5709-2"]     # Monday's night shift, after midnight
    assert on_duty(bkk(2026, 11, SAT, 7)) == ["CRI-5709-2"]     # Friday's night and Saturday's day
    assert on_duty(bkk(2026, 11, SUN, 15)) == ["CRI-5709-2"]
    with loaded.sessions() as session:
        assert len(on_duty_officers(session, "CRI-57", NOW)) == 2
        assert on_duty_officers(session, "CRI-5709", NOW, linked_only=True) == []
        assert on_duty_officers(session, "NOPE", NOW) == []


@integration
def test_an_alert_reaches_the_linked_officers_on_duty_and_the_committee_s_group_chat(loaded):
    with loaded.transaction() as session:
        for officer_id in ("CRI-5709-1", "CRI-5709-2"):
            session.get(Officer, officer_id).line_user_id = "U" + officer_id
        session.get(Committee, "CRI-5709").line_group_id = "C-mae-sai"
    with loaded.sessions() as session:
        for when in (bkk(2026, 11, MON, 10), bkk(2026, 11, MON, 23)):
            linked = ["U" + o.id for o in on_duty_officers(session, "CRI-5709", when, linked_only=True)]
            assert alert_targets(session, "CRI-5709", when) == (linked, "C-mae-sai") and len(linked) == 1
        assert alert_targets(session, "CRI-57", NOW) == ([], None)          # nobody linked, no group
        assert alert_targets(session, "NOPE", NOW) == ([], None)
    with loaded.transaction() as session:   # an inactive officer: neither on duty nor alerted
        session.get(Officer, "CRI-5709-1").active = False
    with loaded.sessions() as session:
        assert on_duty_officers(session, "CRI-5709", bkk(2026, 11, MON, 10)) == []
        assert alert_targets(session, "CRI-5709", bkk(2026, 11, MON, 10)) == ([], "C-mae-sai")
        assert alert_targets(session, "CRI-5709", bkk(2026, 11, MON, 23)) == (["UCRI-5709-2"], "C-mae-sai")
    with loaded.transaction() as session:
        session.get(Committee, "CRI-5709").active = False
    with loaded.sessions() as session:   # an inactive committee's officers are not alerted; its group still is
        assert on_duty_officers(session, "CRI-5709", bkk(2026, 11, MON, 23)) == []
        assert alert_targets(session, "CRI-5709", bkk(2026, 11, MON, 23)) == ([], "C-mae-sai")


# -- escalation and areas --------------------------------------------------------------------------
@integration
def test_escalation_goes_district_province_national_and_skips_inactive(loaded, example):
    with loaded.sessions() as session:
        assert [c.id for c in escalation_chain(session, "CRI-5709")] == ["CRI-5709", "CRI-57", "TH-NATIONAL"]
        assert [c.id for c in escalation_chain(session, "CRI-57")] == ["CRI-57", "TH-NATIONAL"]
        assert [c.id for c in escalation_chain(session, "TH-NATIONAL")] == ["TH-NATIONAL"]
        assert escalation_chain(session, "NOPE") == []
    with loaded.transaction() as session:
        load_directory(session, data_with(example, lambda d: d.update(
            committees=[c for c in d["committees"] if c["id"] != "CRI-5709"])))
    with loaded.sessions() as session:   # a case still pointing at Mae Sai escalates past it
        assert [c.id for c in escalation_chain(session, "CRI-5709")] == ["CRI-57", "TH-NATIONAL"]


@integration
def test_the_snapshot_routes_the_loaded_directory(loaded):
    with loaded.sessions() as session:
        snapshot = directory_snapshot(session)
        assert choose_committee(snapshot, "57", "5709")[0] == "CRI-5709"
        assert choose_committee(snapshot, "57", "5705")[0] == "CRI-57"
        assert choose_committee(snapshot, "10", None)[0] == "TH-NATIONAL"
        assert route(PickedArea("57", "5708"), snapshot).committee_id == "CRI-5708"
        assert {entry["id"] for entry in snapshot} >= {"CRI-5709", "CRI-57", "TH-NATIONAL"}
        assert snapshot == [c.as_route_entry() for c in session.scalars(select(Committee).order_by(Committee.id))]


@integration
def test_small_lookups(loaded):
    with loaded.sessions() as session:
        assert committees_below(session, "CRI-57")[0] == "CRI-57"
        assert set(committees_below(session, "CRI-57")) == {"CRI-57", "CRI-5709", "CRI-5708", "CRI-5703",
                                                             "CRI-5713", "CRI-5715", "CRI-5704"}
        assert len(committees_below(session, "TH-NATIONAL")) == 8
        assert committees_below(session, "CRI-5709") == ["CRI-5709"]
        assert get_committee(session, "CRI-5709").name_en.startswith("Mae Sai")
        assert get_committee(session, None) is None and get_committee(session, "NOPE") is None
        assert officer_name(session, "CRI-5709-1") == "Example duty officer 1 (Mae Sai)"
        assert officer_name(session, "GONE") == "GONE"


@integration
def test_leaving_a_group_unlinks_it_and_drops_its_pending_link(loaded):
    with loaded.transaction() as session:
        link_group(session, "CRI-5709", "C-mae-sai")
        code = issue_group_code(session, "CRI-5708", NOW)
        request_group_link(session, code, "C-chiang-saen", NOW, user_id="U-1")
    with loaded.transaction() as session:
        assert forget_group(session, "C-mae-sai") == ["CRI-5709"]
        assert forget_group(session, "C-chiang-saen") == []
        assert session.get(Committee, "CRI-5709").line_group_id is None
        assert session.get(PendingGroupLink, "C-chiang-saen") is None
