"""The dashboard served on a local port for a browser test, with the example directory, and a
browser context signed in as an officer (the cookie of a session made directly)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from werkzeug.serving import make_server

from tests.support.committees import load_example
from tests.support.dashboard import sign_in

# Screenshots of each page, kept as test artefacts (CI keeps the folder; it is not committed).
SCREENSHOTS = Path(os.environ.get("HOTLINE_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))


class DashboardSite:
    def __init__(self, app):
        self.app = app
        load_example(app.extensions["hotline"].db)
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def signed_in_context(self, browser, officer_id: str, *, language: str = "th", **options):
        """A new browser context holding a live session of the officer."""
        client = self.app.test_client()
        sign_in(self.app, client, officer_id, language=language)
        cookie = next(c for c in client._cookies.values())
        context = browser.new_context(**options)
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.url}])
        return context

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
