"""What goes into and comes out of the flow engine: plain data, no channel.

The bot turns a LINE event into an Input and the Outputs into LINE messages; the engine
only sees these, so a flow can be tested, or served on another channel, without LINE.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from line_limits import MAX_TEXT_CHARS

# A typed answer is kept up to the longest text one message carries, so it can always be sent
# whole (an input's max_length may only lower it).
MAX_TEXT = MAX_TEXT_CHARS


@dataclass(frozen=True)
class Input:
    """What the person did. kind: start, text, choice, date (a date picked), location, sticker, image, file."""

    kind: str
    text: str = ""
    data: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    media_id: str = ""


@dataclass(frozen=True)
class Choice:
    """A button. label is a message id, or literal text when literal=True (language names)."""

    label: str
    data: str
    literal: bool = False
    quiet: bool = False  # True: the tap is not echoed into the chat (nothing on screen to endanger)
    kind: str = "choice"  # "choice", or "location": opens the phone's share-a-place screen


@dataclass(frozen=True)
class Call:
    """A tappable hotline: label message id and the number to dial."""

    label: str
    number: str


@dataclass(frozen=True)
class Say:
    """One message to show: a message id and its placeholders' values."""

    message: str
    params: dict = field(default_factory=dict)
    every_language: bool = False  # shown in all languages at once (before we know which one)
    fields: dict = field(default_factory=dict)  # placeholder -> answer field, re-read after effects


@dataclass(frozen=True)
class Ask:
    """Buttons offered after the messages: quick replies the person taps instead of typing."""

    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Dial:
    """Hotline buttons (tel: links), shown as a card. `calls` for any reader; `by_language`
    (language, calls) pairs where a reader of that language is given other numbers first
    (the line that speaks their language: flows/data/hotlines.yaml `lists`)."""

    title: str
    calls: tuple[Call, ...]
    by_language: tuple[tuple[str, tuple[Call, ...]], ...] = ()

    def calls_for(self, language: str) -> tuple[Call, ...]:
        """The numbers, in order, for a reader of this language."""
        return dict(self.by_language).get(language, self.calls)


@dataclass(frozen=True)
class Answer:
    """One line of a summary: the question's short title and what was answered.
    kind: "label" (value is a message id), "text" (the person's words), "location", "count"."""

    title: str
    value: object
    kind: str


@dataclass(frozen=True)
class Summary:
    """The answers so far, for the person to check before sending."""

    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Cited:
    """One publisher a fact rests on: `by` a message id naming it (translated), `date` when it
    said it, as precisely as known ("2026", "2026-02", "2026-02-17"; "" when the page shows no
    date), `url` where to read it."""

    by: str
    date: str
    url: str = ""


@dataclass(frozen=True)
class Source:
    """What the Source button shows: who said it and when, and when we last checked it.
    Rendered in the person's language (names and dates), never as an internal reference."""

    cited: tuple[Cited, ...]
    checked: date


@dataclass(frozen=True)
class Effect:
    """Something for the bot to do beyond talking (set the language, file a report...)."""

    name: str
    args: dict = field(default_factory=dict)


Output = Say | Ask | Dial | Summary | Source | Effect
