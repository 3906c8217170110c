"""gunicorn's access log without the dashboard's sign-in tokens: a link the bot sent opens a page
(the token is used only by its Sign in button), so until it is used or expires the token in its
path is a credential, and a log is not the place for one."""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

SIGN_IN_PREFIX = "/dashboard/sign-in/"
SIGN_IN_PATH = re.compile("(" + re.escape(SIGN_IN_PREFIX) + r")[^\s/?#\"]+")
REDACTED = r"\1…"


def redact(text: str) -> str:
    # The substring test first: every request's ~20 log values pass here, nearly none with a token.
    return SIGN_IN_PATH.sub(REDACTED, text) if SIGN_IN_PREFIX in text else text


class AccessLogger(Logger):
    """gunicorn's Logger; every value a log line may show (request line, path, environ) goes
    through `redact`."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
