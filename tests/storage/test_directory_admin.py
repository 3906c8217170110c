"""The directory as the dashboard reads and manages it: rows of a scope in tree order with waiting group
links, and deactivating an officer who left."""
from __future__ import annotations

import pytest

from storage import dashboard_sessions
from storage.directory import officer_by_line_user, on_duty_officers
from storage.directory_admin import deactivate_officer, directory_rows, officer_within
from storage.link_codes import issue_group_code, issue_link_code, redeem_link_code, request_group_link
from storage.models import Officer
from tests.support.directory_data import NOW

integration = pytest.mark.integration


@integration
def test_rows_of_a_scope_come_top_down_with_officers_and_waiting_group_links(loaded):
    with loaded.transaction() as session:
        request_group_link(session, issue_group_code(session, "CRI-5709", NOW), "C-room", NOW, user_id="U-1")
    with loaded.sessions() as session:
        rows = directory_rows(session, ["CRI-5709", "CRI-5708", "CRI-57"])
        assert [c.id for c in rows.committees] == ["CRI-57", "CRI-5708", "CRI-5709"]
        assert [o.id for o in rows.officers["CRI-5709"]] == ["CRI-5709-1", "CRI-5709-2"]
        assert rows.waiting_groups == {"CRI-5709": 1}
        assert officer_within(session, "CRI-5709-1", ["CRI-5709"]).id == "CRI-5709-1"
        assert officer_within(session, "CRI-5709-1", ["CRI-5708"]) is None


@integration
def test_a_deactivated_officer_gets_no_alerts_no_line_commands_no_sessions_and_stays_on_record(loaded):
    with loaded.transaction() as session:
        officer = session.get(Officer, "TH-NATIONAL-2")
        officer.line_user_id = "U-leaving"
        raw = dashboard_sessions.start(session, officer.id, NOW)
        code = issue_link_code(session, officer.id, NOW)
        deactivate_officer(session, officer, NOW)
    with loaded.transaction() as session:
        officer = session.get(Officer, "TH-NATIONAL-2")
        assert officer is not None and not officer.active and officer.line_user_id is None
        assert officer.link_code_hash is None and redeem_link_code(session, code, "U-leaving", NOW) is None
        assert officer_by_line_user(session, "U-leaving", active_only=False) is None
        assert "TH-NATIONAL-2" not in {o.id for o in on_duty_officers(session, "TH-NATIONAL", NOW)}
        assert dashboard_sessions.find(session, raw, NOW, idle_seconds=3600, absolute_seconds=3600) is None
