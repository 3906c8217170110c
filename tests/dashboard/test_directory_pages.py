"""The directory page and the access log: what each role sees, what only administrators may do (and
only within their committees), link codes, deactivation, loading a file, CSRF."""
from __future__ import annotations

import html
import re

import pytest
import yaml

from storage import access_log
from storage.directory_file import load_directory
from storage.link_codes import redeem_link_code
from storage.models import AccessLogEntry, Case, Committee, Officer
from tests.support.committees import load_example
from tests.support.dashboard import csrf_token, post, set_clock, sign_in
from tests.support.directory_data import NOW, committee_row, data_with, example_data

NATIONAL_ADMIN, PROVINCE_ADMIN, DISTRICT_OFFICER = "TH-NATIONAL-1", "CRI-57-1", "CRI-5709-1"


@pytest.fixture
def db(app):
    return app.extensions["hotline"].db


@pytest.fixture
def client(app, db):
    load_example(db)
    set_clock(app, lambda: NOW)
    return app.test_client()


def _page(client, url="/dashboard/directory") -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def _sections(page: str) -> set[str]:
    return set(re.findall(r'id="committee-([^"]+)"', page))


def _section(page: str, committee_id: str) -> str:
    return re.search(rf'id="committee-{committee_id}".*?</section>', page, re.S).group(0)


def _as(app, officer_id, language="en"):
    client = app.test_client()
    sign_in(app, client, officer_id, language=language, now=NOW)
    return client


def _upload(client, data, mode="load", name="committees.yaml"):
    import io
    body = data if isinstance(data, bytes) else yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    return client.post("/dashboard/directory/upload", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(client), "mode": mode, "file": (io.BytesIO(body), name)})


# -- what each role sees ---------------------------------------------------------------------------------
def test_every_officer_sees_the_committees_in_their_scope_and_no_admin_forms(app, client):
    districts = {"CRI-5709", "CRI-5708", "CRI-5703", "CRI-5713", "CRI-5715", "CRI-5704"}
    district = _page(_as(app, DISTRICT_OFFICER))
    assert _sections(district) == {"CRI-5709"}
    assert "Example duty officer 2 (Mae Sai)" in district and "Chiang Saen" not in district
    assert "link-code" not in district and "/deactivate" not in district and "upload" not in district
    assert _sections(_page(_as(app, "CRI-57-2"))) == districts | {"CRI-57"}
    national = _page(_as(app, NATIONAL_ADMIN))
    assert _sections(national) == districts | {"CRI-57", "TH-NATIONAL"}
    assert "/dashboard/directory/officers/CRI-5709-1/link-code" in national
    assert 'enctype="multipart/form-data"' in national


def test_committees_read_top_down_and_a_national_viewer_can_narrow_to_one_province(app, client, db):
    with db.transaction() as session:
        load_directory(session, data_with(example_data(), lambda d: d["committees"].append(
            {"id": "SNI-84", "level": "province", "province_code": "84", "name_th": "สุราษฎร์ธานี",
             "name_en": "Surat Thani province committee", "parent": "TH-NATIONAL"})))
    national = _as(app, NATIONAL_ADMIN)
    order = re.findall(r'id="committee-([^"]+)"', _page(national))
    assert order == ["TH-NATIONAL", "CRI-57", "CRI-5703", "CRI-5704", "CRI-5708", "CRI-5709", "CRI-5713",
                     "CRI-5715", "SNI-84"]
    assert _sections(_page(national, "/dashboard/directory?committee=SNI-84")) == {"SNI-84"}
    assert len(_sections(_page(national, "/dashboard/directory?committee=CRI-57"))) == 7
    assert len(_sections(_page(national, "/dashboard/directory?committee=NOPE"))) == 9     # unknown: all
    province = _as(app, PROVINCE_ADMIN)
    assert _sections(_page(province, "/dashboard/directory?committee=SNI-84")) == _sections(_page(province))
    assert 'name="committee"' not in _page(province)          # one parent committee: nothing to choose


def test_the_page_shows_who_is_on_duty_now_and_next_and_links_without_line_ids(app, db):
    with db.transaction() as session:                 # the example's real rosters, not "always"
        load_directory(session, example_data())
        session.get(Officer, "CRI-5709-1").line_user_id = "U-secret-line-id"
        session.get(Committee, "CRI-5709").line_group_id = "C-secret-group-id"
    set_clock(app, lambda: NOW)                       # Monday 10:00 in Bangkok
    page = _page(_as(app, DISTRICT_OFFICER))
    on_duty = re.search(r"On duty now</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    following = re.search(r"Next on duty</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert "Example duty officer 1 (Mae Sai)" in on_duty and "officer 2" not in on_duty
    assert following.strip() == "Example duty officer 2 (Mae Sai), from November 23, 2026 16:30"
    assert re.search(r"LINE group</dt>\s*<dd>Linked", page)
    assert "Mon-Fri 08:30–16:30" in page and "Mon-Fri 16:30–08:30; Sat, Sun 00:00–24:00" in page
    assert "U-secret" not in page and "C-secret" not in page
    thai = _page(_as(app, DISTRICT_OFFICER, language="th"))
    assert "จ.-ศ. 08:30–16:30" in thai and "ตั้งแต่ 23 พฤศจิกายน 2569 16:30" in thai


def test_an_on_duty_officer_without_line_is_flagged_and_an_empty_shift_says_alerts_escalate(app, db):
    with db.transaction() as session:
        load_directory(session, data_with(example_data(), lambda d: committee_row(d, "CRI-5708")["officers"].pop(0)))
    set_clock(app, lambda: NOW)
    page = _page(_as(app, NATIONAL_ADMIN))
    assert "LINE not linked: gets no alerts" in _section(page, "CRI-5709")
    assert "Nobody: alerts go up to the next committee" in _section(page, "CRI-5708")
    assert "Nobody" not in _section(page, "CRI-5709")


# -- administrators only, within their committees --------------------------------------------------------
MUTATIONS = ("/dashboard/directory/officers/CRI-5709-2/link-code",
             "/dashboard/directory/officers/CRI-5709-2/deactivate",
             "/dashboard/directory/committees/CRI-5709/group-code")


def test_an_officer_who_is_no_administrator_gets_404_on_every_mutation_and_the_access_log(app, client, db):
    officer = _as(app, DISTRICT_OFFICER)
    for url in MUTATIONS:
        assert post(officer, url).status_code == 404, url
    assert _upload(officer, example_data()).status_code == 404
    assert officer.get("/dashboard/directory/officers/CRI-5709-2/deactivate").status_code == 404
    assert officer.get("/dashboard/access-log").status_code == 404
    assert "/dashboard/access-log" not in _page(officer)                 # nor in the menu
    assert "/dashboard/access-log" in _page(_as(app, NATIONAL_ADMIN))
    with db.sessions() as session:
        assert session.get(Officer, "CRI-5709-2").active and session.get(Officer, "CRI-5709-2").link_code_hash is None


def test_a_provincial_administrator_manages_their_province_only(app, client):
    admin = _as(app, PROVINCE_ADMIN)
    assert post(admin, "/dashboard/directory/officers/TH-NATIONAL-2/link-code").status_code == 404
    assert post(admin, "/dashboard/directory/officers/TH-NATIONAL-2/deactivate").status_code == 404
    assert post(admin, "/dashboard/directory/committees/TH-NATIONAL/group-code").status_code == 404
    assert post(admin, "/dashboard/directory/officers/CRI-5709-2/link-code").status_code == 200
    assert post(admin, "/dashboard/directory/officers/NO-SUCH/link-code").status_code == 404


def test_an_administrator_issues_a_link_code_that_links_once(app, client, db):
    admin = _as(app, NATIONAL_ADMIN)
    page = html.unescape(post(admin, "/dashboard/directory/officers/CRI-5709-2/link-code").get_data(as_text=True))
    code = re.search(r'id="issued-code">(\d{8})<', page).group(1)
    assert f'send "link {code}" to the hotline bot' in page and "November 24, 2026 10:00" in page
    with db.transaction() as session:
        assert redeem_link_code(session, code, "U-new-phone", NOW).id == "CRI-5709-2"
        assert redeem_link_code(session, code, "U-someone-else", NOW) is None
        entry = access_log.recent(session, limit=1)[0]
        assert (entry.officer_id, entry.action, entry.detail) == (NATIONAL_ADMIN, "link_code_issued",
                                                                  {"officer": "CRI-5709-2"})
    group = html.unescape(post(admin, "/dashboard/directory/committees/CRI-5709/group-code").get_data(as_text=True))
    assert re.search(r'send "group \d{8}" in the group', group)


def test_deactivation_asks_first_then_ends_the_officers_sessions_and_keeps_the_row(app, client, db):
    with db.transaction() as session:
        session.get(Officer, "CRI-5709-2").line_user_id = "U-leaving"
    leaving = _as(app, "CRI-5709-2")
    assert leaving.get("/dashboard/cases").status_code == 200
    admin = _as(app, PROVINCE_ADMIN)
    question = _page(admin, "/dashboard/directory/officers/CRI-5709-2/deactivate")
    assert "Deactivate Example duty officer 2 (Mae Sai) (CRI-5709-2)" in question
    assert "Remove them from the file" in question
    with db.sessions() as session:
        assert session.get(Officer, "CRI-5709-2").active                # asking changed nothing
    done = post(admin, "/dashboard/directory/officers/CRI-5709-2/deactivate")
    assert done.status_code == 303 and done.headers["Location"].endswith("/dashboard/directory#committee-CRI-5709")
    assert "CRI-5709-2 is deactivated: no more alerts" in _page(admin)
    gone = leaving.get("/dashboard/cases")
    assert gone.status_code == 303 and gone.headers["Location"].endswith("/dashboard/signed-out")
    with db.sessions() as session:
        officer = session.get(Officer, "CRI-5709-2")
        assert officer is not None and not officer.active and officer.line_user_id is None
        assert session.query(AccessLogEntry).filter_by(action="officer_deactivated").one().officer_id == PROVINCE_ADMIN
    assert post(admin, "/dashboard/directory/officers/CRI-5709-2/deactivate").status_code == 404   # already
    assert post(admin, f"/dashboard/directory/officers/{PROVINCE_ADMIN}/deactivate").status_code == 404  # oneself


def test_every_mutation_needs_the_csrf_token(app, client, db):
    admin = _as(app, NATIONAL_ADMIN)
    for url in MUTATIONS:
        assert admin.post(url).status_code == 400, url
    assert admin.post("/dashboard/directory/upload", data={"mode": "load"}).status_code == 400
    with db.sessions() as session:
        officer = session.get(Officer, "CRI-5709-2")
        assert officer.active and officer.link_code_hash is None
        assert session.get(Committee, "CRI-5709").group_code_hash is None


# -- loading a file --------------------------------------------------------------------------------------
def _edited(data):
    data["committees"] = [c for c in data["committees"] if c["id"] != "CRI-5715"]
    committee_row(data, "CRI-5709")["officers"][1]["role"] = "Night desk"
    committee_row(data, "CRI-5709")["officers"].append({"id": "CRI-5709-3", "name": "New officer", "roster": "always"})


def test_checking_a_file_shows_what_would_change_and_loading_it_does_it(app, client, db):
    with db.transaction() as session:
        load_directory(session, example_data())          # the file's own rosters, so only the edits differ
    admin = _as(app, NATIONAL_ADMIN)
    checked = _upload(admin, data_with(example_data(), _edited), mode="check")
    page = html.unescape(checked.get_data(as_text=True))
    assert checked.status_code == 200 and "nothing has been written yet" in page
    with db.sessions() as session:
        assert session.get(Officer, "CRI-5709-3") is None and session.get(Committee, "CRI-5715").active
    loaded = html.unescape(_upload(admin, data_with(example_data(), _edited)).get_data(as_text=True))
    assert "The file is loaded" in loaded
    added = re.search(r'id="report-created">(.*?)</ul>', loaded, re.S).group(1)
    changed = re.search(r'id="report-changed">(.*?)</ul>', loaded, re.S).group(1)
    deactivated = re.search(r'id="report-deactivated">(.*?)</ul>', loaded, re.S).group(1)
    assert "CRI-5709-3" in added and "CRI-5709-2" in changed and "(role)" in changed
    assert {"CRI-5715", "CRI-5715-1", "CRI-5715-2"} == set(re.findall(r"<strong>([^<]+)</strong>", deactivated))
    with db.sessions() as session:
        assert session.get(Officer, "CRI-5709-3").active and not session.get(Committee, "CRI-5715").active
        entry = session.query(AccessLogEntry).filter_by(action="directory_loaded").one()
        assert entry.detail == {"created": 1, "changed": 1, "deactivated": 3}


@pytest.mark.parametrize("body, expected", [
    (data_with(example_data(), lambda d: committee_row(d, "CRI-5709").update(parent="CRI-99")),
     "committee CRI-5709: parent 'CRI-99' is not a committee in this file"),
    (b"committees: [", "the file: not valid YAML"),
    ("committees: []\n".encode("utf-16"), "The file is not UTF-8 text"),
    (b"# " + b"x" * 600 * 1024, "The file is larger than 512 KB."),
    (data_with(example_data(), lambda d: committee_row(d, "CRI-5709")["officers"][0].update(admin="yes")),
     "officer CRI-5709-1: admin must be true or false"),
])
def test_a_broken_file_shows_its_problems_and_changes_nothing(app, client, db, body, expected):
    def also_edit(data):                    # a change that must not be written either
        committee_row(data, "CRI-5708")["officers"][0]["name"] = "Renamed"
    if isinstance(body, dict):
        body = data_with(body, also_edit)
    refused = _upload(_as(app, NATIONAL_ADMIN), body)
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400 and "Nothing was changed" in page and expected in page
    with db.sessions() as session:
        assert session.get(Officer, "CRI-5708-1").name == "Example duty officer 1 (Chiang Saen)"
        assert session.get(Committee, "CRI-5709").parent_id == "CRI-57"


def test_a_provincial_administrators_file_may_not_change_the_national_level(app, client, db):
    def national(data):
        committee_row(data, "TH-NATIONAL")["officers"][1]["role"] = "Changed"
        committee_row(data, "CRI-5709")["officers"][1]["role"] = "Night desk"
    refused = _upload(_as(app, PROVINCE_ADMIN), data_with(example_data(), national))
    assert refused.status_code == 400
    assert "officer TH-NATIONAL-2 would be changed: it is not under CRI-57" in html.unescape(
        refused.get_data(as_text=True))
    with db.sessions() as session:
        assert session.get(Officer, "CRI-5709-2").role != "Night desk"
    no_file = post(_as(app, PROVINCE_ADMIN), "/dashboard/directory/upload", {"mode": "load"})
    assert no_file.status_code == 400 and "No file was chosen." in no_file.get_data(as_text=True)


# -- the access log --------------------------------------------------------------------------------------
def _case(session, reference: str, committee_id: str) -> Case:
    case = Case(reference=reference, kind="self", chat_key="user:U-reporter", answers={}, urgency="standard",
                urgency_rule="test", committee_id=committee_id)
    session.add(case)
    session.flush()
    return case


def test_the_access_log_pages_newest_first_within_the_administrators_province(app, client, db):
    with db.transaction() as session:
        case = _case(session, "CR-7K3P", "CRI-5709")
        access_log.record(session, "TH-NATIONAL-2", "case_viewed", NOW, case_id=case.id)
        for minute in range(55):
            access_log.record(session, DISTRICT_OFFICER, "case_viewed", NOW.replace(minute=minute), case_id=case.id)
        access_log.record(session, "CRI-5708-1", "cases_exported", NOW.replace(hour=4), format="xlsx", rows=12)
        access_log.record(session, "CRI-5708-1", "photo_viewed", NOW.replace(hour=2), case_id=case.id, photo_id=7)
    admin = _as(app, PROVINCE_ADMIN)
    first = _page(admin, "/dashboard/access-log")
    assert "Entries: 57" in first and "Page 1 of 2" in first and "TH-NATIONAL-2" not in first
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", first, re.S)
    assert len(rows) == 50 and rows[:2] == ["November 23, 2026 09:00", "November 23, 2026 11:00"]  # last written first
    assert "Exported cases" in first and "Format: xlsx · Rows: 12" in first and "CR-7K3P" in first
    second = _page(admin, "/dashboard/access-log?page=2")
    assert "Page 2 of 2" in second and len(re.findall(r"<tr>\s*<td", second)) == 7
    assert "Example duty officer 1 (Mae Sai)" in second
    only = _page(admin, "/dashboard/access-log?officer=CRI-5708-1")
    assert "Entries: 2" in only and "Only entries by CRI-5708-1." in only and "Viewed a photo" in only
    assert "Photo: 7" in only
    assert "TH-NATIONAL-2" in _page(_as(app, NATIONAL_ADMIN), "/dashboard/access-log?page=2")
    assert "Page 1 of 2" in _page(admin, "/dashboard/access-log?page=x")
    assert "Page 2 of 2" in _page(admin, "/dashboard/access-log?page=99")


def test_the_access_log_names_sign_in_and_sign_out(app, client, db):
    with db.transaction() as session:
        access_log.record(session, DISTRICT_OFFICER, "signed_in", NOW)
        access_log.record(session, DISTRICT_OFFICER, "signed_out", NOW.replace(minute=30))
    page = _page(_as(app, PROVINCE_ADMIN), f"/dashboard/access-log?officer={DISTRICT_OFFICER}")
    assert "Signed in" in page and "Signed out" in page and "signed_in" not in page
