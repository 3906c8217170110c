"""A case's words on the dashboard are the officers' words in LINE (cases/alert_text.AlertText,
the `officer` catalog), in the viewer's language: one vocabulary for urgencies, states, outcomes,
indicators and routing reasons, whichever screen an officer reads them on."""
from __future__ import annotations

from cases.alert_text import AlertText
from cases.lifecycle import ACKNOWLEDGED, TAKEN
from locales.catalogs import catalogs

from .text import language
from .viewer import parts


def officer_words() -> AlertText:
    return AlertText(catalogs(), parts().summarise, language=language(), clock=parts().clock)


def state_name(words: AlertText, state: str) -> str:
    """A state on its own (who took it is shown apart)."""
    return words.t(f"status.{state}_short" if state in (ACKNOWLEDGED, TAKEN) else f"status.{state}")
