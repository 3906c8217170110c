"""Codes as people type them: in Thai or full-width digits, or both at once, so every test of a code reads
the same forms the same way."""
from __future__ import annotations

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
TYPED_FORMS = {
    "ascii": lambda code: code,
    "thai": lambda code: code.translate(THAI),
    "full-width": lambda code: code.translate(FULL_WIDTH),
    "mixed": lambda code: code[:4].translate(THAI) + code[4:].translate(FULL_WIDTH),
}
