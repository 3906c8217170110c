"""The committee directory: tables and migration, loading from YAML, rosters, escalation,
one-time link codes for officers and groups, and the `flask committees` commands."""
from __future__ import annotations

import copy
import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from cases.routing import PickedArea, choose_committee, route
from storage import migrate
from storage.db import Database
from storage.directory import (
    ATTEMPT_WINDOW,
    CODE_DIGITS,
    MAX_FAILED_ATTEMPTS,
    Committee,
    DirectoryError,
    LinkCodeAttempt,
    Officer,
    PendingGroupLink,
    RosterError,
    committee_for_area,
    committee_for_group,
    committees_below,
    confirm_group_link,
    directory_snapshot,
    escalation_chain,
    forget_group,
    get_committee,
    issue_group_code,
    issue_link_code,
    link_blocked_until,
    link_group,
    load_directory,
    officer_by_line_user,
    officer_name,
    on_duty_officers,
    parse_days,
    parse_roster,
    plain_digits,
    read_directory_file,
    redeem_link_code,
    request_group_link,
    roster_covers,
    snapshot,
    validate_directory,
)
from storage.models import Base

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config" / "committees.example.yaml"
BANGKOK = timezone(timedelta(hours=7))
MY_TABLES = {"committees", "officers", "link_code_attempts", "pending_group_links"}

integration = pytest.mark.integration


def bkk(year, month, day, hour, minute=0) -> datetime:
    """A Bangkok wall-clock time, as the UTC instant callers pass in."""
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


# 2026-11-23 is a Monday.
MON, TUE, FRI, SAT, SUN = 23, 24, 27, 28, 29
NOW = bkk(2026, 11, MON, 10)


@pytest.fixture(scope="module")
def example() -> dict:
    return read_directory_file(EXAMPLE)


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def loaded(db, example):
    with db.transaction() as session:
        load_directory(session, example)
    return db


def data_with(example, edit) -> dict:
    data = copy.deepcopy(example)
    edit(data)
    return data


def committee_row(data, cid) -> dict:
    return next(c for c in data["committees"] if c["id"] == cid)


# -- the example file ----------------------------------------------------------------------------
def test_the_example_has_the_border_districts_province_and_national_with_fake_officers(example):
    committees, officers = validate_directory(example)
    by_id = {c["id"]: c for c in committees}
    districts = {c["district_code"] for c in committees if c["level"] == "district"}
    assert districts == {"5709", "5708", "5703", "5713", "5715", "5704"}
    assert by_id["CRI-5709"]["name_en"].startswith("Mae Sai") and "แม่สาย" in by_id["CRI-5709"]["name_th"]
    assert by_id["CRI-5708"]["name_en"].startswith("Chiang Saen") and "เชียงแสน" in by_id["CRI-5708"]["name_th"]
    assert [c["id"] for c in committees if c["level"] == "province"] == ["CRI-57"]
    assert [c["id"] for c in committees if c["level"] == "national"] == ["TH-NATIONAL"]
    assert all(c["parent_id"] == "CRI-57" for c in committees if c["level"] == "district")
    for cid in by_id:
        mine = [o for o in officers if o["committee_id"] == cid]
        assert len(mine) == 2
        assert all(o["name"].startswith("Example") for o in mine)
        if by_id[cid]["level"] == "district":
            assert mine[0]["roster"] != mine[1]["roster"]
        else:
            assert all(o["roster"] == "always" for o in mine)
    raw = EXAMPLE.read_text(encoding="utf-8")
    assert "FAKE" in raw and "PSDHS Chiang Rai" in raw
    assert not re.search(r"\b0\d{1,2}[- ]?\d{3}[- ]?\d{4}\b", raw)   # no phone numbers


# -- tables and migration ------------------------------------------------------------------------
@integration
def test_the_migration_matches_the_models_and_goes_down_and_up(database_url):
    database = Database(database_url)
    try:
        with database.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        mine = [d for d in diffs if any(table in repr(d) for table in MY_TABLES)]
        assert mine == []
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
    with loaded.sessions() as session:
        assert session.get(Committee, "CRI-5715").active is False     # kept, not deleted
        assert session.get(Officer, "CRI-5709-2").active is False
        assert officer_by_line_user(session, "U-night") is None
        assert officer_by_line_user(session, "U-night", active_only=False).id == "CRI-5709-2"
        assert committee_for_area(session, "57", "5715").id == "CRI-57"
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


def _problems(example, edit) -> list[str]:
    with pytest.raises(DirectoryError) as error:
        validate_directory(data_with(example, edit))
    return error.value.problems


@pytest.mark.parametrize("edit, expected", [
    (lambda d: committee_row(d, "CRI-5709").update(parent="CRI-99"), "parent 'CRI-99' is not a committee"),
    (lambda d: committee_row(d, "CRI-5709").update(district_code="5799"), "'5799' is not a DOPA district"),
    (lambda d: committee_row(d, "CRI-5709").update(province_code="50"), "is in province 57, not 50"),
    (lambda d: d["committees"].append(copy.deepcopy(committee_row(d, "CRI-5703"))), "duplicate committee id"),
    (lambda d: committee_row(d, "CRI-5708")["officers"].append({"id": "CRI-5709-1", "name": "x", "roster": "always"}),
     "CRI-5709-1: duplicate officer id"),
    (lambda d: committee_row(d, "CRI-5709").pop("parent"), "a district committee needs a parent at province level"),
    (lambda d: committee_row(d, "CRI-5709").update(parent="TH-NATIONAL"),
     "a district committee's parent must be a province committee"),
    (lambda d: (d["committees"].append({"id": "SNI-84", "level": "province", "province_code": "84", "name_th": "x",
                                        "name_en": "Surat Thani", "parent": "TH-NATIONAL"}),
                committee_row(d, "CRI-5709").update(parent="SNI-84")), "is the committee of province 84"),
    (lambda d: (committee_row(d, "TH-NATIONAL").update(parent="CRI-5709")), "cycle: "),
    (lambda d: (committee_row(d, "CRI-5708").update(parent="CRI-5703"), committee_row(d, "CRI-5703").update(
        parent="CRI-5708")), "cycle: CRI-5708 -> CRI-5703 -> CRI-5708"),
    (lambda d: committee_row(d, "CRI-5703").update(district_code="5709"), "both cover district 5709"),
    (lambda d: committee_row(d, "CRI-5703").update(level="subdistrict"), "level 'subdistrict'"),
    (lambda d: committee_row(d, "CRI-5703").pop("name_th"), "name_th is required"),
    (lambda d: committee_row(d, "CRI-5703").update(colour="red"), "unknown keys ['colour']"),
    (lambda d: committee_row(d, "CRI-5703")["officers"][0].update(line_user_id="U1"),
     "LINE accounts are linked with a code"),
    (lambda d: committee_row(d, "CRI-5703")["officers"][0].update(roster=[{"days": "mon", "from": 990, "to": "20:00"}]),
     'quoted text, e.g. "16:30"'),
    (lambda d: committee_row(d, "CRI-5703")["officers"][0].update(roster=[{"days": "moon", "from": "08:00",
                                                                           "to": "10:00"}]), "unknown day 'moon'"),
    (lambda d: d.update(committees=[c for c in d["committees"] if c["level"] != "national"]),
     "there is no national committee"),
    (lambda d: committee_row(d, "CRI-57").update(district_code="5701"), "a province committee has no district_code"),
])
def test_mistakes_are_clear_errors(example, edit, expected):
    problems = _problems(example, edit)
    assert any(expected in problem for problem in problems), problems


def test_every_mistake_is_listed_at_once(example):
    def edit(data):
        committee_row(data, "CRI-5709").update(parent="CRI-99")
        committee_row(data, "CRI-5708").update(district_code="9999")

    assert len(_problems(example, edit)) == 2


# -- rosters ---------------------------------------------------------------------------------------
def test_days_read_ranges_lists_and_wrap_around():
    assert parse_days("mon-fri") == {0, 1, 2, 3, 4}
    assert parse_days("fri-mon") == {4, 5, 6, 0}
    assert parse_days("Sat, sun") == {5, 6}
    assert parse_days("mon,wed-fri") == {0, 2, 3, 4}
    assert parse_days("daily") == set(range(7))
    assert parse_days("tuesday") == {1}
    with pytest.raises(RosterError):
        parse_days("weekdays")


def test_roster_windows_are_read_in_bangkok_time():
    day_shift = [{"days": "mon-fri", "from": "08:30", "to": "16:30"}]
    assert roster_covers(day_shift, bkk(2026, 11, MON, 8, 30))
    assert roster_covers(day_shift, bkk(2026, 11, FRI, 16, 29))
    assert not roster_covers(day_shift, bkk(2026, 11, FRI, 16, 30))
    assert not roster_covers(day_shift, bkk(2026, 11, SAT, 10))
    # 02:00 UTC on Monday is 09:00 in Bangkok: on duty; 20:00 UTC on Monday is Tuesday 03:00: not.
    assert roster_covers(day_shift, datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    assert not roster_covers(day_shift, datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    assert roster_covers(day_shift, datetime(2026, 11, 23, 2, 0))   # naive = UTC


def test_a_window_crossing_midnight_belongs_to_the_day_it_starts():
    friday_night = [{"days": "fri", "from": "22:00", "to": "06:00"}]
    assert roster_covers(friday_night, bkk(2026, 11, FRI, 22))
    assert roster_covers(friday_night, bkk(2026, 11, SAT, 5, 59))
    assert not roster_covers(friday_night, bkk(2026, 11, SAT, 6))
    assert not roster_covers(friday_night, bkk(2026, 11, FRI, 5))        # that is Thursday's night
    assert not roster_covers(friday_night, bkk(2026, 11, SAT, 22))
    # Sunday night into Monday: the week wraps
    assert roster_covers([{"days": "sun", "from": "20:00", "to": "08:00"}], bkk(2026, 11, MON + 7, 7))


def test_always_whole_days_and_mistakes():
    assert roster_covers("always", bkk(2026, 11, SUN, 3))
    assert roster_covers([{"days": "sat,sun", "from": "00:00", "to": "24:00"}], bkk(2026, 11, SUN, 23, 59))
    assert not roster_covers([], NOW)
    assert not roster_covers("sometimes", NOW)        # unreadable counts as never, not always
    for bad in ("sometimes", {"days": "mon"}, [{"days": "mon", "from": "08:00", "to": "08:00"}],
                [{"days": "mon", "from": "24:00", "to": "08:00"}], [{"days": "mon", "from": "8:00", "to": "9:00"}],
                [{"days": "mon", "from": "08:00"}]):
        with pytest.raises(RosterError):
            parse_roster(bad)


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
def test_committee_for_area_agrees_with_routing(loaded):
    areas = [("57", "5709"), ("57", "5708"), ("57", "5705"), ("57", None), (None, "5703"), ("10", "1007"),
             ("10", None), (None, None), ("84", "8410")]
    with loaded.sessions() as session:
        snapshot = directory_snapshot(session)
        for province, district in areas:
            committee = committee_for_area(session, province, district)
            assert committee.id == choose_committee(snapshot, province or (district or "")[:2] or None,
                                                    district)[0], (province, district)
        assert committee_for_area(session, "57", "5709").id == "CRI-5709"
        assert committee_for_area(session, "57", "5705").id == "CRI-57"
        assert committee_for_area(session, "10", None).id == "TH-NATIONAL"
        assert route(PickedArea("57", "5708"), snapshot).committee_id == "CRI-5708"
        assert {entry["id"] for entry in snapshot} >= {"CRI-5709", "CRI-57", "TH-NATIONAL"}


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
        assert snapshot(session) == directory_snapshot(session)


# -- officer link codes ----------------------------------------------------------------------------
@integration
def test_a_link_code_links_once_and_only_its_hash_is_stored(loaded):
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5709-1", NOW)
    assert re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code)
    with loaded.engine.connect() as connection:
        dumped = " ".join(str(row) for row in connection.execute(text("SELECT * FROM officers")))
    assert code not in dumped and hashlib.sha256(code.encode()).hexdigest() in dumped
    with loaded.transaction() as session:
        officer = redeem_link_code(session, code, "U-mae-sai", NOW + timedelta(hours=1))
        assert officer.id == "CRI-5709-1" and officer.link_code_hash is None
    with loaded.transaction() as session:
        assert redeem_link_code(session, code, "U-other", NOW + timedelta(hours=2)) is None   # single use
        assert officer_by_line_user(session, "U-mae-sai").id == "CRI-5709-1"
        assert [o.id for o in on_duty_officers(session, "CRI-5709", NOW, linked_only=True)] == ["CRI-5709-1"]


@integration
def test_link_codes_expire_and_a_new_code_replaces_the_old(loaded):
    with loaded.transaction() as session:
        old = issue_link_code(session, "CRI-5708-1", NOW)
        new = issue_link_code(session, "CRI-5708-1", NOW)
        late = issue_link_code(session, "CRI-5708-2", NOW, ttl=timedelta(hours=24))
    with loaded.transaction() as session:
        assert old == new or redeem_link_code(session, old, "U1", NOW) is None
        assert redeem_link_code(session, late, "U2", NOW + timedelta(hours=24)) is None      # expired
        assert redeem_link_code(session, late, "U2", NOW + timedelta(hours=1)) is None       # and forgotten
        assert redeem_link_code(session, f"{new[:4]} {new[4:]}", "U1", NOW).id == "CRI-5708-1"  # spaces are fine


@integration
def test_wrong_codes_and_the_rate_limit(loaded):
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5703-1", NOW)
    wrong = f"{(int(code) + 1) % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"
    with loaded.transaction() as session:
        assert redeem_link_code(session, wrong, "U-guess", NOW) is None
        assert redeem_link_code(session, "hello", "U-guess", NOW) is None
        assert link_blocked_until(session, NOW, line_user_id="U-guess") is None
        for _ in range(MAX_FAILED_ATTEMPTS - 2):
            assert redeem_link_code(session, wrong, "U-guess", NOW) is None
        until = link_blocked_until(session, NOW, line_user_id="U-guess")
        assert until is not None and until - NOW == ATTEMPT_WINDOW
        assert redeem_link_code(session, code, "U-guess", NOW + timedelta(minutes=30)) is None  # right code, blocked
        # another LINE user is not blocked by this one's guesses
        assert redeem_link_code(session, code, "U-real", NOW).id == "CRI-5703-1"
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5703-2", NOW)
        assert redeem_link_code(session, code, "U-guess", NOW + ATTEMPT_WINDOW).id == "CRI-5703-2"
        assert session.get(LinkCodeAttempt, "user:U-guess") is None   # success clears the count


@integration
def test_relinking_a_line_account_moves_it_and_inactive_officers_get_no_code(loaded, example):
    with loaded.transaction() as session:
        first, second = issue_link_code(session, "CRI-5709-1", NOW), issue_link_code(session, "CRI-57-1", NOW)
        redeem_link_code(session, first, "U-person", NOW)
        redeem_link_code(session, second, "U-person", NOW)
        assert session.get(Officer, "CRI-5709-1").line_user_id is None
        assert officer_by_line_user(session, "U-person").id == "CRI-57-1"
        pending = issue_link_code(session, "CRI-5715-1", NOW)
    with loaded.transaction() as session:
        load_directory(session, data_with(example, lambda d: d.update(
            committees=[c for c in d["committees"] if c["id"] != "CRI-5715"])))
    with loaded.transaction() as session:
        assert redeem_link_code(session, pending, "U-late", NOW) is None
        with pytest.raises(LookupError):
            issue_link_code(session, "CRI-5715-1", NOW)
        with pytest.raises(LookupError):
            issue_link_code(session, "NOBODY", NOW)


# -- codes in any digits ---------------------------------------------------------------------------
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
DIGIT_FORMS = {
    "ascii": lambda code: code,
    "thai": lambda code: code.translate(THAI),
    "full-width": lambda code: code.translate(FULL_WIDTH),
    "burmese": lambda code: code.translate(str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")),
    "khmer": lambda code: code.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")),
    "lao": lambda code: code.translate(str.maketrans("0123456789", "໐໑໒໓໔໕໖໗໘໙")),
    "thai with a dash": lambda code: f"{code[:4]}-{code[4:]}".translate(THAI),
    "full-width with a full-width space": lambda code: f"{code[:4]}\u3000{code[4:]}".translate(FULL_WIDTH),
    "mixed": lambda code: code[:4].translate(THAI) + code[4:].translate(FULL_WIDTH),
}


def test_plain_digits_reads_every_decimal_digit_as_ascii():
    assert plain_digits("๐๑๒๓๔๕๖๗๘๙") == plain_digits("０１２３４５６７８９") == "0123456789"
    assert plain_digits("link ๑๒ abc") == "link 12 abc"
    assert plain_digits(None) == ""


@integration
@pytest.mark.parametrize("form", sorted(DIGIT_FORMS))
def test_link_and_group_codes_work_in_every_digit_form(loaded, form):
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5709-1", NOW)
        group = issue_group_code(session, "CRI-5709", NOW)
    with loaded.transaction() as session:
        assert redeem_link_code(session, DIGIT_FORMS[form](code), "U-" + form, NOW).id == "CRI-5709-1"
        request = request_group_link(session, DIGIT_FORMS[form](group), "C-" + form, NOW, user_id="U-" + form)
        assert request.outcome == "pending" and request.committee.id == "CRI-5709"


@integration
@pytest.mark.parametrize("typed",
                         ["๑๒๓", "１２３４５６７８９", "abcdefgh", "", "12345678\udcff", "①②③④⑤⑥⑦⑧", "๑๒๓๔๕๖๗x"])
def test_anything_that_is_not_a_code_is_a_plain_failure(loaded, typed):
    with loaded.transaction() as session:
        issue_link_code(session, "CRI-5709-1", NOW)
        issue_group_code(session, "CRI-5709", NOW)
    with loaded.transaction() as session:
        assert redeem_link_code(session, typed, "U-typo", NOW) is None
        assert request_group_link(session, typed, "C-typo", NOW, user_id="U-typo").outcome == "failed"
        assert session.get(LinkCodeAttempt, "user:U-typo").failures == 2


# -- group codes -----------------------------------------------------------------------------------
@integration
def test_a_group_code_makes_a_pending_link_that_an_officer_of_the_committee_confirms(loaded):
    with loaded.transaction() as session:
        code = issue_group_code(session, "CRI-5709", NOW)
        session.get(Officer, "CRI-5709-1").line_user_id = "U-mae-sai"
        session.get(Officer, "CRI-57-1").line_user_id = "U-province"
    with loaded.transaction() as session:
        request = request_group_link(session, code, "C-mae-sai", NOW, user_id="U-anyone")
        assert request.outcome == "pending" and request.committee.id == "CRI-5709"
        assert committee_for_group(session, "C-mae-sai") is None          # nothing linked yet
        assert confirm_group_link(session, "C-mae-sai", "U-anyone", NOW).outcome == "refused"
        assert confirm_group_link(session, "C-mae-sai", "U-province", NOW).outcome == "refused"  # another committee
        assert confirm_group_link(session, "C-mae-sai", None, NOW).outcome == "refused"
        assert confirm_group_link(session, "C-elsewhere", "U-mae-sai", NOW).outcome == "nothing"
        assert committee_for_group(session, "C-mae-sai") is None
        done = confirm_group_link(session, "C-mae-sai", "U-mae-sai", NOW)
        assert done.outcome == "linked" and done.committee.id == "CRI-5709" and done.officer.id == "CRI-5709-1"
        assert done.replaced is None
        assert committee_for_group(session, "C-mae-sai").id == "CRI-5709"
        assert session.get(PendingGroupLink, "C-mae-sai") is None
        # the code was used up by the confirmation
        assert request_group_link(session, code, "C-other", NOW, user_id="U-anyone").outcome == "failed"
        assert confirm_group_link(session, "C-mae-sai", "U-mae-sai", NOW).outcome == "nothing"


@integration
def test_a_code_taken_to_a_strangers_room_takes_nothing_away(loaded):
    """The hijack of issue 10: a valid code typed in a stranger's room. Without a committee
    officer confirming there, the real group keeps the alerts; the real group can still use it."""
    with loaded.transaction() as session:
        code = issue_group_code(session, "CRI-5708", NOW)
        session.get(Officer, "CRI-5708-1").line_user_id = "U-chiang-saen"
        link_group(session, "CRI-5708", "C-real")
    with loaded.transaction() as session:
        assert request_group_link(session, code, "C-stranger", NOW, user_id="U-stranger").outcome == "pending"
        for _ in range(3):
            assert confirm_group_link(session, "C-stranger", "U-stranger", NOW).outcome == "refused"
        assert session.get(Committee, "CRI-5708").line_group_id == "C-real"
        # a new group for the committee, confirmed by its officer: the old one is named as replaced
        assert request_group_link(session, code, "C-new", NOW, user_id="U-chiang-saen").outcome == "pending"
        done = confirm_group_link(session, "C-new", "U-chiang-saen", NOW)
        assert done.outcome == "linked" and done.replaced == "C-real"
        assert session.get(Committee, "CRI-5708").line_group_id == "C-new"
        assert confirm_group_link(session, "C-stranger", "U-chiang-saen", NOW).outcome == "nothing"


@integration
def test_a_group_serving_one_committee_is_not_moved_to_another_by_a_code(loaded):
    with loaded.transaction() as session:
        link_group(session, "CRI-5709", "C-mae-sai")
        code = issue_group_code(session, "CRI-57", NOW)
        session.get(Officer, "CRI-57-1").line_user_id = "U-province"
    with loaded.transaction() as session:
        request = request_group_link(session, code, "C-mae-sai", NOW, user_id="U-province")
        assert request.outcome == "in_use" and request.committee.id == "CRI-5709"
        assert committee_for_group(session, "C-mae-sai").id == "CRI-5709"
        # the administrator may still move it (flask committees), as before
        link_group(session, "CRI-57", "C-mae-sai")
        assert session.get(Committee, "CRI-5709").line_group_id is None
        assert committee_for_group(session, "C-mae-sai").id == "CRI-57"


@integration
def test_an_expired_or_replaced_code_cannot_be_confirmed(loaded):
    with loaded.transaction() as session:
        code = issue_group_code(session, "CRI-5703", NOW)
        session.get(Officer, "CRI-5703-1").line_user_id = "U-chiang-khong"
    with loaded.transaction() as session:
        assert request_group_link(session, code, "C-1", NOW, user_id="U-chiang-khong").outcome == "pending"
        late = NOW + timedelta(hours=25)
        assert confirm_group_link(session, "C-1", "U-chiang-khong", late).outcome == "nothing"
        assert session.get(PendingGroupLink, "C-1") is None
        code = issue_group_code(session, "CRI-5703", NOW)
        assert request_group_link(session, code, "C-1", NOW, user_id="U-chiang-khong").outcome == "pending"
        issue_group_code(session, "CRI-5703", NOW)                       # the administrator printed a new one
        assert confirm_group_link(session, "C-1", "U-chiang-khong", NOW).outcome == "nothing"
        assert committee_for_group(session, "C-1") is None


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


@integration
def test_wrong_guesses_are_limited_per_person_across_chats_and_per_chat(loaded):
    with loaded.transaction() as session:
        link = issue_link_code(session, "CRI-5708-1", NOW)
        group = issue_group_code(session, "CRI-5708", NOW)
    wrong = "00000000" if "00000000" not in (link, group) else "11111111"
    with loaded.transaction() as session:
        # one person guessing in five different rooms, mixing both kinds of code
        for index in range(MAX_FAILED_ATTEMPTS):
            if index % 2:
                assert redeem_link_code(session, wrong, "U-guess", NOW, chat_id=f"C-room-{index}") is None
            else:
                assert request_group_link(session, wrong, f"C-room-{index}", NOW, user_id="U-guess").outcome == "failed"
        assert link_blocked_until(session, NOW, line_user_id="U-guess") is not None
        assert link_blocked_until(session, NOW, chat_id="C-room-0") is None          # each room saw one guess
        # blocked even with the right codes, in a fresh room
        assert request_group_link(session, group, "C-fresh", NOW, user_id="U-guess").outcome == "failed"
        assert redeem_link_code(session, link, "U-guess", NOW) is None
        # many people guessing in one room: the room is blocked, for everyone
        for index in range(MAX_FAILED_ATTEMPTS):
            assert request_group_link(session, wrong, "C-busy", NOW, user_id=f"U-{index}").outcome == "failed"
        assert request_group_link(session, group, "C-busy", NOW, user_id="U-honest").outcome == "failed"
        assert redeem_link_code(session, link, "U-honest", NOW, chat_id="C-busy") is None
        # elsewhere the honest person still can, and success clears their count
        assert request_group_link(session, group, "C-other", NOW, user_id="U-honest").outcome == "pending"
        assert redeem_link_code(session, link, "U-honest", NOW).id == "CRI-5708-1"
        assert session.get(LinkCodeAttempt, "user:U-honest") is None
    with loaded.transaction() as session:
        later = NOW + ATTEMPT_WINDOW
        code = issue_link_code(session, "CRI-5708-2", NOW)
        assert redeem_link_code(session, code, "U-guess", later).id == "CRI-5708-2"


# -- the commands ----------------------------------------------------------------------------------
@integration
def test_the_committees_commands(db, tmp_path):
    """Through a Flask app's CLI, registered as create_app will: app.cli.add_command(committees_cli)."""
    from types import SimpleNamespace

    from flask import Flask

    from storage.directory_cli import committees_cli

    app = Flask(__name__)
    app.extensions["hotline"] = SimpleNamespace(db=db)   # what the commands use of the Hotline
    app.cli.add_command(committees_cli)
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["committees", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "dry run, nothing written: 24 created" in run("load", "--dry-run", str(EXAMPLE))
    assert "no committees" in run("list")
    assert "loaded: 24 created" in run("load", str(EXAMPLE))
    assert "loaded: 0 created, 0 changed, 24 unchanged, 0 deactivated" in run("load", str(EXAMPLE))
    listing = run("list")
    assert "CRI-5709  [district 5709]" in listing and "Example duty officer 1 (Mae Sai)" in listing

    output = run("link-code", "CRI-5709-1")
    code = re.search(r"send `link (\d+)` to the bot in LINE", output).group(1)
    assert "Valid 24 h" in output
    output = run("group-code", "CRI-5709")
    group = re.search(r"send `group (\d+)` in the group", output).group(1)
    now = datetime.now(UTC)
    assert "confirm group" in output
    with db.transaction() as session:
        assert redeem_link_code(session, code, "U-cli", now).id == "CRI-5709-1"
        assert request_group_link(session, group, "C-cli", now, user_id="U-cli").outcome == "pending"
    assert "LINE group: not linked (1 waiting for an officer to confirm)" in run("list")
    with db.transaction() as session:
        assert confirm_group_link(session, "C-cli", "U-cli", now).outcome == "linked"

    roster = run("roster", "--at", "2026-11-23 10:00")
    assert "on duty at Mon 2026-11-23 10:00 (Bangkok time)" in roster
    assert re.search(r"CRI-5709 \(group linked\):\n\s+CRI-5709-1 .*LINE linked", roster)
    night = run("roster", "--at", "2026-11-24 02:00")
    assert "CRI-5709-2" in night and "LINE NOT LINKED" in night
    assert "NOBODY ON DUTY" in run("roster", "--at", "2026-11-28 03:00")   # Wiang Kaen, Saturday 03:00
    assert "LINE group unlinked" in run("unlink-group", "CRI-5709")
    assert "has no LINE group linked" in run("unlink-group", "CRI-5709")
    with db.sessions() as session:
        assert committee_for_group(session, "C-cli") is None

    bad = runner.invoke(args=["committees", "link-code", "NOBODY"])
    assert bad.exit_code != 0 and "no active officer" in bad.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({"committees": [{"id": "X", "level": "district", "district_code": "5799",
                                                      "name_th": "x", "name_en": "x"}]}))
    bad = runner.invoke(args=["committees", "load", str(broken)])
    assert bad.exit_code != 0 and "not a DOPA district code" in bad.output
