"""Loading the directory file: upsert by id, what the file lacks becomes inactive, a file
with mistakes writes nothing."""
from __future__ import annotations

import pytest

from cases.directory_rules import DirectoryError
from cases.routing import PickedArea, route
from storage.directory import directory_snapshot, escalation_chain, officer_by_line_user
from storage.directory_file import Change, load_directory, load_directory_within, parse_directory_text
from storage.models import Committee, Officer
from tests.support.directory_data import committee_row, data_with

integration = pytest.mark.integration


# -- loading ---------------------------------------------------------------------------------------
@integration
def test_loading_twice_changes_nothing(db, example):
    with db.transaction() as session:
        first = load_directory(session, example)
    assert len(first.created) == 8 + 16 and not first.changed and not first.deactivated
    with db.transaction() as session:
        second = load_directory(session, example)
    assert second.created == second.changed == second.deactivated == []
    assert len(second.unchanged) == 24
    with db.sessions() as session:
        assert session.get(Committee, "CRI-5709").parent_id == "CRI-57"
        assert session.get(Committee, "CRI-57").parent_id == "TH-NATIONAL"
        assert session.get(Officer, "CRI-5709-2").roster[0] == {"days": "mon-fri", "from": "16:30", "to": "08:30"}


@integration
def test_what_the_file_no_longer_has_becomes_inactive_and_comes_back(loaded, example):
    def drop(data):
        data["committees"] = [c for c in data["committees"] if c["id"] != "CRI-5715"]
        committee_row(data, "CRI-5709")["officers"].pop(1)
        committee_row(data, "CRI-5708")["officers"][0]["roster"] = "always"

    with loaded.transaction() as session:
        session.get(Officer, "CRI-5709-2").line_user_id = "U-night"
        summary = load_directory(session, data_with(example, drop))
    assert set(summary.deactivated) == {"committee CRI-5715", "officer CRI-5709-2",
                                        "officer CRI-5715-1", "officer CRI-5715-2"}
    assert summary.changed == ["officer CRI-5708-1"]
    assert summary.of("changed") == [Change("changed", "officer", "CRI-5708-1", ("roster",))]
    with loaded.sessions() as session:
        assert session.get(Committee, "CRI-5715").active is False     # kept, not deleted
        assert session.get(Officer, "CRI-5709-2").active is False
        assert officer_by_line_user(session, "U-night") is None
        assert officer_by_line_user(session, "U-night", active_only=False).id == "CRI-5709-2"
        assert route(PickedArea("57", "5715"), directory_snapshot(session)).committee_id == "CRI-57"
    with loaded.transaction() as session:
        summary = load_directory(session, example)
    assert "officer CRI-5709-2" in summary.changed and "committee CRI-5715" in summary.changed
    with loaded.sessions() as session:
        officer = session.get(Officer, "CRI-5709-2")
        assert officer.active and officer.line_user_id == "U-night"   # the link survives reloads
        assert session.get(Committee, "CRI-5715").active


@integration
def test_an_officer_can_move_and_a_new_committee_can_be_a_parent(loaded, example):
    def edit(data):
        data["committees"].append({"id": "CRI-5705", "level": "district", "name_th": "พาน", "name_en": "Phan",
                                   "district_code": "5705", "parent": "CRI-57", "officers": [
                                       committee_row(data, "CRI-5709")["officers"].pop(0)]})

    with loaded.transaction() as session:
        summary = load_directory(session, data_with(example, edit))
    assert "committee CRI-5705" in summary.created and "officer CRI-5709-1" in summary.changed
    with loaded.sessions() as session:
        assert session.get(Officer, "CRI-5709-1").committee_id == "CRI-5705"
        assert session.get(Committee, "CRI-5705").province_code == "57"   # derived from the district


@integration
def test_a_new_national_committee_becomes_parent_of_an_existing_one(loaded, example):
    def edit(data):
        data["committees"] = [c for c in data["committees"] if c["id"] != "TH-NATIONAL"]
        data["committees"].append({"id": "TH-ATP", "level": "national", "name_th": "ชาติ", "name_en": "National"})
        committee_row(data, "CRI-57")["parent"] = "TH-ATP"

    with loaded.transaction() as session:
        load_directory(session, data_with(example, edit))
    with loaded.sessions() as session:
        assert [c.id for c in escalation_chain(session, "CRI-5709")] == ["CRI-5709", "CRI-57", "TH-ATP"]


@integration
def test_a_file_with_mistakes_writes_nothing(loaded, example):
    def edit(data):
        data["committees"] = [c for c in data["committees"] if c["id"] != "CRI-5713"]
        committee_row(data, "CRI-5709")["parent"] = "CRI-99"

    with pytest.raises(DirectoryError), loaded.transaction() as session:
        load_directory(session, data_with(example, edit))
    with loaded.sessions() as session:
        assert session.get(Committee, "CRI-5713").active
        assert session.get(Committee, "CRI-5709").parent_id == "CRI-57"


# -- the change report and the admin field ---------------------------------------------------------------
@integration
def test_the_report_names_what_changed_in_each_item(loaded, example):
    def edit(data):
        committee_row(data, "CRI-5709")["name_en"] = "Mae Sai district committee"
        committee_row(data, "CRI-5709")["officers"][0].update(admin=True, role="Chief")
        committee_row(data, "TH-NATIONAL")["officers"][0]["admin"] = False

    with loaded.transaction() as session:
        summary = load_directory(session, data_with(example, edit))
    assert {str(change) for change in summary.of("changed")} == {
        "committee CRI-5709 (name_en)", "officer CRI-5709-1 (role, admin)", "officer TH-NATIONAL-1 (admin)"}
    assert str(summary) == "0 created, 3 changed, 21 unchanged, 0 deactivated"
    with loaded.sessions() as session:
        assert session.get(Officer, "CRI-5709-1").admin is True
        assert session.get(Officer, "TH-NATIONAL-1").admin is False
        assert session.get(Officer, "CRI-57-1").admin is True          # the example's provincial administrator


@integration
def test_a_provincial_administrator_may_load_changes_to_their_province_only(loaded, example):
    def own_province(data):
        committee_row(data, "CRI-5709")["officers"][1]["role"] = "Night desk"
        committee_row(data, "CRI-57")["officers"].append({"id": "CRI-57-3", "name": "New", "roster": "always"})

    with loaded.transaction() as session:
        summary = load_directory_within(session, data_with(example, own_province), "CRI-57")
    assert summary.changed == ["officer CRI-5709-2"] and summary.created == ["officer CRI-57-3"]

    def national_too(data):
        committee_row(data, "TH-NATIONAL")["officers"].pop(1)
        committee_row(data, "CRI-5708")["officers"][0]["name"] = "Renamed"

    with pytest.raises(DirectoryError) as refused, loaded.transaction() as session:
        load_directory_within(session, data_with(data_with(example, own_province), national_too), "CRI-5708")
    assert refused.value.problems == [
        "officer TH-NATIONAL-2 would be deactivated: it is not under CRI-5708, the committee whose directory you "
        "manage"]
    with loaded.sessions() as session:
        assert session.get(Officer, "TH-NATIONAL-2").active                       # nothing was written
        assert session.get(Officer, "CRI-5708-1").name != "Renamed"


@integration
def test_moving_an_officer_out_of_ones_province_is_refused(loaded, example):
    def move(data):
        committee_row(data, "TH-NATIONAL")["officers"].append(committee_row(data, "CRI-5709")["officers"].pop(0))

    with pytest.raises(DirectoryError) as refused, loaded.transaction() as session:
        load_directory_within(session, data_with(example, move), "CRI-57")
    assert [p.split(":")[0] for p in refused.value.problems] == ["officer CRI-5709-1 would be changed"]
    with loaded.transaction() as session:
        assert load_directory_within(session, data_with(example, move), "TH-NATIONAL").changed == [
            "officer CRI-5709-1"]


def test_text_that_is_not_a_directory_mapping_is_a_problem_not_a_crash():
    for text, expected in (("committees: [", "upload.yaml: not valid YAML"),
                           ("- a list", "upload.yaml: expected a mapping")):
        with pytest.raises(DirectoryError) as error:
            parse_directory_text(text, "upload.yaml")
        assert error.value.problems[0].startswith(expected)
