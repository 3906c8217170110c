"""A minimal answer to every user event: a greeting and the main menu.

Stands in until the flow engine answers conversations; it shows the backbone works
end to end (webhook → inbox → worker → reply at LINE).
"""
from __future__ import annotations

from .processor import Response

MENU = ["Documents", "My rights", "Report a problem", "Get help now", "Language"]


class MenuResponder:
    def respond(self, event: dict, conversation) -> Response:
        if event.get("type") not in ("message", "postback", "follow"):
            return Response()
        text = ((event.get("message") or {}).get("text") or "").strip()
        if not text and event.get("type") == "postback":
            text = (event.get("postback") or {}).get("data", "")
        heard = f"You said: {text[:200]}\n" if text else ""
        return Response(messages=[{
            "type": "text",
            "text": f"{heard}Hello. How can we help? Choose below.",
            "quickReply": {"items": [
                {"type": "action", "action": {"type": "postback", "label": label, "data": f"menu:{label}",
                                              "displayText": label}}
                for label in MENU
            ]},
        }])

    def apology(self, conversation) -> Response:
        return Response(messages=[{"type": "text", "text": "Sorry, something went wrong. Please try again."}])
