"""Reading officers' flex cards in tests: the buttons wherever they sit in the footer."""
from __future__ import annotations


def card_buttons(bubble: dict) -> list[dict]:
    """Every button of a bubble's footer, row by row, left to right."""
    found: list[dict] = []

    def walk(box: dict) -> None:
        for item in box.get("contents", []):
            if item.get("type") == "button":
                found.append(item)
            elif item.get("type") == "box":
                walk(item)

    walk(bubble.get("footer") or {})
    return found


def button_data(bubble: dict) -> list[str]:
    return [b["action"]["data"] for b in card_buttons(bubble)]
