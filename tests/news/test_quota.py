"""news/quota.py: refused past the quota (less the reserve kept for alerts), a warning from 80 % on."""
from __future__ import annotations

import pytest

from news.quota import decide


def test_no_limit_is_always_allowed_without_warning():
    decision = decide(None, 10**9, 10**6)
    assert (decision.allowed, decision.warn, decision.left_after) == (True, False, None)


@pytest.mark.parametrize("used, needed, allowed, warn", [
    (0, 100, True, False),
    (0, 799, True, False),
    (0, 800, True, True),         # exactly 80 %
    (700, 100, True, True),
    (900, 100, True, True),       # exactly the quota
    (900, 101, False, True),
    (1000, 1, False, True),
])
def test_the_limit_and_the_warning(used, needed, allowed, warn):
    decision = decide(1000, used, needed)
    assert (decision.allowed, decision.warn) == (allowed, warn)
    assert decision.left_after == 1000 - used - needed


def test_the_reserve_is_kept_back_for_alerts_and_case_messages():
    assert decide(1000, 800, 150, reserve=50).allowed
    assert not decide(1000, 800, 151, reserve=50).allowed
    assert not decide(100, 0, 1, reserve=500).allowed      # a reserve above the quota leaves nothing

