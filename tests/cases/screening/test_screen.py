"""`screen` as a whole: what it takes, what it returns, what it ignores, and what the package imports."""
from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

import pytest

from cases import screening
from cases.screening import Screening, screen
from tests.cases.screening.support import RECRUITED, SECTORS, YES_NO_KEYS

# ---- output shape --------------------------------------------------------------------------------


def test_empty_answers_are_standard_with_no_indicator():
    result = screen({})
    assert result == Screening(indicators=(), urgency="standard", urgency_rule="no_indicator",
                               palermo_complete=False)


def test_answers_must_be_a_mapping():
    with pytest.raises(TypeError):
        screen([("deceived", "yes")])
    assert screen(MappingProxyType({"deceived": "yes"})) == screen({"deceived": "yes"})


def test_unasked_purposes_and_means_are_never_found():
    everything = {key: "yes" for key in YES_NO_KEYS} | {"free_to_leave": "no", "urgent": True}
    for sector in SECTORS:
        for recruited in RECRUITED:
            result = screen(everything | {"sector": sector, "recruited": recruited})
            names = set(result.ids())
            assert not names & {
                "palermo.purpose:other_sexual_exploitation", "palermo.purpose:servitude",
                "palermo.purpose:slavery_or_similar_practices", "palermo.purpose:removal_of_organs",
                "palermo.means:abduction", "palermo.means:fraud", "palermo.means:use_of_force",
                "palermo.act:transfer", "palermo.act:receipt",
                "ilo:isolation", "ilo:abuse_of_vulnerability", "ilo:physical_and_sexual_violence",
            }



# ---- self and tip --------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [
    {}, {"free_to_leave": "no", "documents_kept": "yes"}, {"under_18": "yes", "sector": "sex_work"},
    {"wages_withheld": "yes"}, {"in_danger": "unsure", "threats_violence": "yes"},
])
def test_tip_and_self_follow_the_same_rules(answers):
    tip = screen(answers | {"kind": "tip", "people_count": 12, "nationality": "myanmar"})
    own = screen(answers | {"kind": "self", "nationality": "cambodia"})
    assert tip == own == screen(answers)



# ---- determinism ---------------------------------------------------------------------------------


def test_output_order_does_not_depend_on_answer_order():
    answers = {"sector": "scam_centre", "debt": "yes", "recruited": "online", "deceived": "yes",
               "threats_violence": "yes", "documents_kept": "yes", "free_to_leave": "no",
               "moved_across_border": "yes", "wages_withheld": "yes", "under_18": "yes"}
    reversed_answers = dict(reversed(list(answers.items())))
    assert screen(answers) == screen(reversed_answers) == screen(answers)



# ---- traceability --------------------------------------------------------------------------------


def test_module_docstring_says_the_triage_is_not_an_official_protocol():
    doc = " ".join(screening.__doc__.split())
    assert "my own design suggestion, not an official protocol" in doc
    assert "NOT FOUND" in doc


def test_no_imports_beyond_the_standard_library():
    for path in Path(screening.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        imported = set(re.findall(r"^(?:from|import) ([\w.]+)", source, re.MULTILINE))
        outside = {name for name in imported if not name.startswith(".")}  # the package's own modules
        assert outside <= {"__future__", "collections.abc", "dataclasses", "types"}, path.name

