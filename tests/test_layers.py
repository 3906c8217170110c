"""The walls between layers, checked on every module's imports (issue 12's layout).

LINE's SDK stays in bot/ and emulator/; cases/ and flows/ are pure (no Flask, LINE or database code,
nothing of the layers above them); storage/ never reaches up; the emulator is LINE's side and imports
nothing of the app.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = {"app", "bot", "cases", "flows", "locales", "settings", "storage", "worker", "line_limits", "dashboard",
                "gc_pause", "web_access_log", "news"}
DATABASE = {"sqlalchemy", "psycopg", "psycopg2", "sqlite3", "alembic", "storage"}
WEB_AND_QUEUE = {"flask", "werkzeug", "redis", "rq"}


def _imports(path: Path) -> set[str]:
    """Top-level names a module imports (absolute imports; relative ones stay in their package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _modules(*folders: str) -> list[Path]:
    return [path for folder in folders for path in (ROOT / folder).rglob("*.py")
            if "migrations" not in path.parts]


def _offenders(paths: list[Path], forbidden: set[str]) -> dict[str, list[str]]:
    found = {str(path.relative_to(ROOT)): sorted(_imports(path) & forbidden) for path in paths}
    return {path: names for path, names in found.items() if names}


def test_only_bot_and_the_emulator_import_lines_sdk():
    """The app's other code never touches LINE's SDK (tests and benchmarks may, to check shapes)."""
    outside = [path for path in ROOT.rglob("*.py")
               if path.relative_to(ROOT).parts[0] not in {"bot", "emulator", "tests", "bench", ".venv"}
               and ".venv" not in path.parts]
    assert _offenders(outside, {"linebot"}) == {}


@pytest.mark.parametrize("package", ["cases", "flows", "news"])
def test_cases_flows_and_news_import_no_web_line_or_database_code(package):
    forbidden = {"linebot"} | DATABASE | WEB_AND_QUEUE | {"app", "bot", "worker", "emulator", "settings"}
    assert _offenders(_modules(package), forbidden) == {}


def test_flows_know_nothing_of_cases():
    assert _offenders(_modules("flows"), {"cases"}) == {}


def test_news_rules_lean_on_nothing_but_the_languages_and_limits():
    """news/ (issue 15) is rules only: what a subscription, an audience, a broadcast and a reminder are."""
    assert _offenders(_modules("news"), APP_PACKAGES - {"news", "locales", "line_limits"}) == {}


def test_storage_does_not_reach_up():
    offenders = _offenders(_modules("storage"), {"bot", "flows", "worker", "linebot", "app"})
    assert offenders == {}


def test_the_dashboard_is_web_pages_over_storage_and_cases_only():
    """No LINE, no queue, no conversation: the dashboard reads and acts through storage and
    cases (case work through the Casework that app.py hands it)."""
    forbidden = {"linebot", "redis", "rq", "app", "bot", "flows", "worker", "emulator"}
    assert _offenders(_modules("dashboard"), forbidden) == {}


def test_nothing_but_app_imports_the_dashboard():
    users = {name for name, found in _offenders(
        [p for package in APP_PACKAGES - {"dashboard", "app"} for p in _modules(package)], {"dashboard"}).items()
        if found}
    assert users == set()


def test_storage_uses_flask_only_for_its_cli():
    flask_users = _offenders(_modules("storage"), {"flask"})
    assert set(flask_users) <= {"storage/cli.py", "storage/directory_cli.py"}


def test_the_emulator_imports_nothing_of_the_app():
    assert _offenders(_modules("emulator"), APP_PACKAGES | {"worker", "cases"}) == {}


def test_the_gettext_marker_and_limits_are_leaves():
    for leaf in ("locales/marker.py", "line_limits.py"):
        path = ROOT / leaf
        assert path.exists(), leaf
        assert _imports(path) <= {"__future__"}, leaf


def test_tests_and_benchmarks_import_nothing_from_a_conftest():
    """Shared helpers live in tests/support/ (conftest files hold fixtures only)."""
    users = {str(path.relative_to(ROOT)) for folder in ("tests", "bench") for path in (ROOT / folder).rglob("*.py")
             if any(name.endswith("conftest") for name in _imported_modules(path))}
    assert users == set()


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found
