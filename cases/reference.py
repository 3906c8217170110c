"""Case references: the short code a reporter is given for their report.

It says nothing about what was reported, and it is read out over the phone or copied by
hand, so it has no characters that look alike.
"""
from __future__ import annotations

import secrets

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # nothing to misread: no 0/O, 1/I


# How a reference is typed: three characters, an optional dash, three characters (any case).
TYPED = r"[0-9A-Za-z]{3}-?[0-9A-Za-z]{3}"


def normalise(raw: str) -> str:
    """A typed reference ("abc234", "ABC-234") as stored ("ABC-234")."""
    raw = raw.upper().replace("-", "")
    return f"{raw[:3]}-{raw[3:]}"


def random_reference() -> str:
    """"ABC-234": six random characters of REFERENCE_ALPHABET (the caller makes sure it is new)."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{code[:3]}-{code[3:]}"
