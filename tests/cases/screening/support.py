"""What the screening tests share: the answers the questionnaire offers, and compact views of a result."""
from __future__ import annotations

import re

from cases.screening import Screening

YES_NO_KEYS = (
    "in_danger", "free_to_leave", "documents_kept", "debt", "deceived", "threats_violence",
    "wages_withheld", "excessive_hours", "bad_living", "under_18", "medical_emergency",
    "moved_across_border",
)

SECTORS = ("fishing", "construction", "agriculture", "domestic", "factory", "scam_centre",
           "sex_work", "other")

RECRUITED = ("broker", "employer", "online", "friend_family", "mou", "other", "unsure")

SOURCE_TAG = re.compile(r"DOMAIN\.md §\d(\.\d)?.*(\[S\d+\]|\[00\d\]|design suggestion)")


def found(result: Screening) -> dict[str, tuple[str, ...]]:
    """{"framework:name": because} for compact assertions."""
    return {f"{i.framework}:{i.name}": i.because for i in result.indicators}

