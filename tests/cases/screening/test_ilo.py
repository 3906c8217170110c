"""The ILO's indicators of forced labour: each one the intake can answer."""
from __future__ import annotations

import pytest

from cases.screening import screen
from tests.cases.screening.support import found


@pytest.mark.parametrize("key,value,name", [
    ("deceived", "yes", "deception"),
    ("free_to_leave", "no", "restriction_of_movement"),
    ("threats_violence", "yes", "intimidation_and_threats"),
    ("documents_kept", "yes", "retention_of_identity_documents"),
    ("wages_withheld", "yes", "withholding_of_wages"),
    ("debt", "yes", "debt_bondage"),
    ("bad_living", "yes", "abusive_working_and_living_conditions"),
    ("excessive_hours", "yes", "excessive_overtime"),
])
def test_each_ilo_indicator(key, value, name):
    result = screen({key: value})
    assert result.names("ilo") == (name,)
    assert found(result)[f"ilo:{name}"] == (key,)

