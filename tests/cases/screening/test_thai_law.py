"""Thai law: each indicator, what it does not claim, and no invented NRM form items."""
from __future__ import annotations

import pytest

from cases.screening import THAI_NRM_ROR_BOR_1_ITEMS, VOCABULARY, screen
from tests.cases.screening.support import found


@pytest.mark.parametrize("key,name", [
    ("threats_violence", "threat_or_use_of_force"),
    ("deceived", "deception"),
    ("documents_kept", "seizure_of_identity_documents"),
    ("debt", "debt_bondage"),
])
def test_each_thai_law_indicator(key, name):
    result = screen({key: "yes"})
    assert result.names("thai_law") == (name,)
    assert found(result)[f"thai_law:{name}"] == (key,)


def test_not_free_to_leave_is_not_claimed_under_thai_law():
    assert screen({"free_to_leave": "no"}).names("thai_law") == ()


def test_thai_nrm_form_items_are_not_invented():
    assert THAI_NRM_ROR_BOR_1_ITEMS is None
    assert "ror_bor" not in " ".join(" ".join(v) for v in VOCABULARY.values()).lower()

