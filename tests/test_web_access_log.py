"""The web process's access log never carries a dashboard sign-in token."""
from __future__ import annotations

from types import SimpleNamespace

from gunicorn.config import Config

from web_access_log import AccessLogger, redact

TOKEN = "Xq3v_9Tt-abcdefghijklmnopqrstuvwxyz012345"


def test_a_sign_in_path_loses_its_token_and_nothing_else():
    assert redact(f"GET /dashboard/sign-in/{TOKEN} HTTP/1.1") == "GET /dashboard/sign-in/… HTTP/1.1"
    assert redact("GET /dashboard/cases?state=new HTTP/1.1") == "GET /dashboard/cases?state=new HTTP/1.1"


def test_gunicorns_logger_writes_the_redacted_line():
    logger = AccessLogger(Config())
    request = SimpleNamespace(method="GET", path=f"/dashboard/sign-in/{TOKEN}", query="",
                              uri=f"/dashboard/sign-in/{TOKEN}",
                              version=(1, 1), headers=[])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {"RAW_URI": f"/dashboard/sign-in/{TOKEN}", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": f"/dashboard/sign-in/{TOKEN}", "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1"}
    from datetime import timedelta
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert TOKEN not in " ".join(str(v) for v in atoms.values())
    assert atoms["r"] == "GET /dashboard/sign-in/… HTTP/1.1"


def test_the_web_process_uses_it():
    import runpy
    from pathlib import Path
    settings = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
    assert settings["logger_class"] == "web_access_log.AccessLogger"
