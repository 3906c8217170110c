"""The LINE message of one broadcast language: the news text and, under it, how to stop the news.

One text message per multicast (a broadcast is one item of news). Burmese readers whose phones
show Zawgyi get it converted (flows.language.to_zawgyi), the footer too.
"""
from __future__ import annotations

from collections.abc import Callable

from line_limits import MAX_TEXT_CHARS

from .ui_text import BOT_MESSAGE_IDS

FOOTER = BOT_MESSAGE_IDS["news_footer"]


class NewsMessages:
    def __init__(self, catalogs, to_zawgyi: Callable[[str], str]):
        self.catalogs = catalogs
        self.to_zawgyi = to_zawgyi

    def text(self, texts: dict, language: str, zawgyi: bool = False) -> str:
        """What the reader sees: the news in their language, a blank line, the footer."""
        text = f"{texts[language].strip()}\n\n{self.catalogs.text(language, FOOTER)}"
        if zawgyi and language == "my":
            text = self.to_zawgyi(text)
        return text[:MAX_TEXT_CHARS]

    def messages(self, texts: dict, language: str, zawgyi: bool = False) -> list[dict]:
        return [{"type": "text", "text": self.text(texts, language, zawgyi)}]
