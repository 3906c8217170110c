"""Each role against each other's cases, by URL: the page, the buttons and the export show a
case only to who may see it (storage/case_scope), everyone else gets 404; every case view and
export leaves an access-log row."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from storage import access_log
from storage import cases as case_store
from storage.directory_file import load_directory
from tests.support.dashboard import post, set_clock, sign_in
from tests.support.dashboard_cases import START, make_case
from tests.support.directory_data import data_with, example_data

NOW = START + timedelta(hours=3)
OTHER_PROVINCE = {"id": "CMI-50", "level": "province", "name_th": "คณะอนุกรรมการจังหวัดเชียงใหม่ (ทดสอบ)",
                  "name_en": "Chiang Mai provincial committee (test)", "province_code": "50",
                  "parent": "TH-NATIONAL",
                  "officers": [{"id": "CMI-50-1", "name": "Chiang Mai officer", "roster": "always"}]}


@pytest.fixture
def db(app):
    database = app.extensions["hotline"].db
    with database.transaction() as session:
        load_directory(session, data_with(example_data(), lambda d: d["committees"].append(OTHER_PROVINCE)))
    set_clock(app, lambda: NOW)
    return database


@pytest.fixture
def cases(db):
    """A case of each of two Chiang Rai districts, and one moved from Mae Sai to Chiang Saen."""
    with db.transaction() as session:
        mae_sai = make_case(session, "CRI-5709")
        chiang_saen = make_case(session, "CRI-5708")
        moved = make_case(session, "CRI-5708")
        case_store.grant_read(session, moved, "CRI-5709")
        return {"mae_sai": mae_sai.reference, "chiang_saen": chiang_saen.reference, "moved": moved.reference}


def _client(app, officer):
    client = app.test_client()
    sign_in(app, client, officer, language="en", now=NOW)
    return client


def _exported(client) -> set[str]:
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/cases/export.csv").get_data().decode("utf-8-sig"))))
    return {row[0] for row in rows[1:]}


def _can_read(client, reference) -> bool:
    status = client.get(f"/dashboard/cases/{reference}").status_code
    assert status in (200, 404)
    return status == 200


def _can_act(client, reference) -> bool:
    status = post(client, f"/dashboard/cases/{reference}/note", {"text": "checked"}).status_code
    assert status in (303, 404)
    return status == 303


# officer -> which of the cases they read, and act on
EXPECTED = {
    "CRI-5709-1": ({"mae_sai", "moved"}, {"mae_sai"}),
    "CRI-5708-1": ({"chiang_saen", "moved"}, {"chiang_saen", "moved"}),
    "CRI-57-1": ({"mae_sai", "chiang_saen", "moved"}, {"mae_sai", "chiang_saen", "moved"}),
    "TH-NATIONAL-1": ({"mae_sai", "chiang_saen", "moved"}, {"mae_sai", "chiang_saen", "moved"}),
    "CMI-50-1": (set(), set()),
}


@pytest.mark.parametrize("officer", sorted(EXPECTED))
def test_each_role_against_each_case_by_url(app, cases, officer):
    reads, acts = EXPECTED[officer]
    client = _client(app, officer)
    assert {name for name, ref in cases.items() if _can_read(client, ref)} == reads
    assert {name for name, ref in cases.items() if _can_act(client, ref)} == acts
    assert _exported(client) == {cases[name] for name in reads}
    listed = client.get("/dashboard/cases").get_data(as_text=True)
    assert {name for name, ref in cases.items() if f'data-reference="{ref}"' in listed} == reads


def test_not_found_looks_the_same_as_forbidden(app, cases):
    client = _client(app, "CRI-5709-1")
    forbidden = client.get(f"/dashboard/cases/{cases['chiang_saen']}")
    missing = client.get("/dashboard/cases/ZZZ-999")
    assert forbidden.status_code == missing.status_code == 404
    # the same page, but for the path the language switch returns to
    assert forbidden.get_data(as_text=True).replace(cases["chiang_saen"], "ZZZ-999") == missing.get_data(as_text=True)


def test_every_view_and_export_is_in_the_access_log_and_refusals_are_not_views(app, db, cases):
    client = _client(app, "CRI-5709-1")
    client.get(f"/dashboard/cases/{cases['mae_sai']}")
    client.get(f"/dashboard/cases/{cases['moved']}")
    client.get(f"/dashboard/cases/{cases['chiang_saen']}")          # 404: nothing was shown
    client.get("/dashboard/cases/export.xlsx?state=new")
    with db.transaction() as session:
        ids = {r: case_store.by_reference(session, r).id for r in cases.values()}
        entries = [(e.action, e.case_id, e.officer_id) for e in reversed(access_log.recent(session))]
    assert entries == [("case_viewed", ids[cases["mae_sai"]], "CRI-5709-1"),
                       ("case_viewed", ids[cases["moved"]], "CRI-5709-1"),
                       ("cases_exported", None, "CRI-5709-1")]
