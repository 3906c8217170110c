"""Whether LINE's monthly message quota allows a broadcast: one rule for the page, the CLI and the worker.

LINE counts a push or a multicast once per recipient; replies are free. A broadcast that would
go past the quota (less what is kept back for alerts and case messages) is refused; one that
takes the month's use to WARN_AT of it or more is allowed with a warning.
"""
from __future__ import annotations

from dataclasses import dataclass

WARN_AT = 0.8


@dataclass(frozen=True)
class QuotaDecision:
    allowed: bool
    warn: bool
    limit: int | None        # None: LINE sets no limit for this account
    used: int
    needed: int

    @property
    def left_after(self) -> int | None:
        return None if self.limit is None else self.limit - self.used - self.needed


def decide(limit: int | None, used: int, needed: int, reserve: int = 0) -> QuotaDecision:
    """limit None means LINE answered type "none" (no target limit)."""
    if limit is None:
        return QuotaDecision(True, False, None, used, needed)
    allowed = used + needed <= max(limit - reserve, 0)
    warn = used + needed >= WARN_AT * limit
    return QuotaDecision(allowed, warn, limit, used, needed)
