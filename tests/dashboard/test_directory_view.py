"""The directory page's content: rosters in the viewer's words, who is on duty now and who comes next."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import g

from dashboard.directory_view import committee_blocks, roster_text
from storage.directory_admin import DirectoryRows
from storage.models import Committee
from tests.support.directory_data import NOW, bkk

DAY = [{"days": "mon-fri", "from": "08:30", "to": "16:30"}]
EVENING = [{"days": "mon-fri", "from": "16:30", "to": "22:00"}]
WEEKEND = [{"days": "sat,sun", "from": "00:00", "to": "24:00"}]


@pytest.fixture
def language(app):
    with app.test_request_context():
        g.language = "en"
        yield g


def _officer(oid, roster, *, active=True, line=None):
    return SimpleNamespace(id=oid, name=f"Officer {oid}", role=None, line_user_id=line, active=active, admin=False,
                           roster=roster)


def _rows(officers, *, active=True):
    committee = Committee(id="C", name_th="ไทย", name_en="English", level="district", parent_id="P",
                          active=active, line_group_id=None)
    return DirectoryRows([committee], {"C": officers}, {})


def test_rosters_read_in_the_viewers_language(language):
    assert roster_text("always") == "Always on duty" and roster_text([]) == "No duty times"
    assert roster_text(DAY + [{"days": "sat,sunday", "from": "09:00", "to": "12:00"}]) == \
        "Mon-Fri 08:30–16:30; Sat, Sun 09:00–12:00"
    assert roster_text([{"days": "daily", "from": "20:00", "to": "08:00"}]) == "Every day 20:00–08:00"
    language.language = "th"
    assert roster_text(DAY) == "จ.-ศ. 08:30–16:30"


def test_on_duty_now_and_everyone_who_starts_first_next(language):
    officers = [_officer("1", DAY, line="U1"), _officer("2", EVENING), _officer("3", EVENING),
                _officer("4", WEEKEND), _officer("5", EVENING, active=False)]
    block = committee_blocks(_rows(officers), NOW, "en")[0]           # Monday 10:00 in Bangkok
    assert [o.id for o in block.on_duty] == ["1"] and block.on_duty[0].linked
    assert [o.id for o in block.next_on_duty] == ["2", "3"] and block.next_at == bkk(2026, 11, 23, 16, 30)
    assert block.name == "English" and committee_blocks(_rows(officers), NOW, "th")[0].name == "ไทย"


def test_an_inactive_committee_has_nobody_on_duty_or_next(language):
    block = committee_blocks(_rows([_officer("1", "always")], active=False), NOW, "en")[0]
    assert block.on_duty == [] and block.next_on_duty == [] and block.next_at is None
    assert block.officers[0].on_duty is False
