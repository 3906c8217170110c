"""The directory file's rules: the example is valid, every mistake is found and listed."""
from __future__ import annotations

import copy
import re

import pytest

from cases.directory_rules import DirectoryError, validate_directory
from tests.support.committees import EXAMPLE
from tests.support.directory_data import committee_row, data_with, example_data


@pytest.fixture(scope="module")
def example() -> dict:
    return example_data()


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
    (lambda d: committee_row(d, "CRI-5703")["officers"][0].update(admin="yes"),
     "officer CRI-5703-1: admin must be true or false (YAML read 'yes')"),
    (lambda d: committee_row(d, "CRI-5703")["officers"][0].update(admin=1), "admin must be true or false"),
])
def test_mistakes_are_clear_errors(example, edit, expected):
    problems = _problems(example, edit)
    assert any(expected in problem for problem in problems), problems


def test_every_mistake_is_listed_at_once(example):
    def edit(data):
        committee_row(data, "CRI-5709").update(parent="CRI-99")
        committee_row(data, "CRI-5708").update(district_code="9999")

    assert len(_problems(example, edit)) == 2


def test_admin_is_a_boolean_false_unless_the_file_says_true(example):
    _, officers = validate_directory(example)
    admins = sorted(o["id"] for o in officers if o["admin"])
    assert admins == ["CRI-57-1", "TH-NATIONAL-1"]
    assert all(o["admin"] is False for o in officers if o["id"] not in admins)
    _, officers = validate_directory(data_with(example, lambda d: committee_row(d, "CRI-5709")["officers"][0]
                                               .update(admin=False)))
    assert next(o for o in officers if o["id"] == "CRI-5709-1")["admin"] is False
