"""The walls between layers: flows never import the channel, the web framework or storage."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_FLOWS = ("bot", "storage", "flask", "linebot", "sqlalchemy", "redis", "rq", "app")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_flows_import_no_channel_web_or_storage():
    offenders = {str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN_IN_FLOWS))
                 for path in (ROOT / "flows").rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_storage_does_not_import_the_channel():
    offenders = {str(path.relative_to(ROOT)): sorted(_imports(path) & {"bot", "flows", "linebot", "flask"})
                 for path in (ROOT / "storage").rglob("*.py") if "migrations" not in path.parts}
    offenders.pop("storage/cli.py", None)  # the `flask db` commands are Flask CLI by nature
    assert {path: names for path, names in offenders.items() if names} == {}
