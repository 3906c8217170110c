"""The emulator stands alone: it plays LINE for any bot, so it imports nothing of this one
(a change to the bot can never change what the platform it is tested against does)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "emulator"


def app_modules() -> set[str]:
    """The repository's own top-level packages and modules, the emulator aside."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    modules = {path.stem for path in ROOT.glob("*.py")}
    return (packages | modules | {"tests", "bench", "scripts"}) - {"emulator"}


def imports(path: Path) -> set[str]:
    """Top-level names a module imports; a relative import that climbs out of the package counts as ".."."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif node.level > len(path.relative_to(EMULATOR).parts):
                names.add("..")
    return names


def test_the_emulator_imports_nothing_of_the_app():
    forbidden = app_modules() | {".."}
    offenders = {str(path.relative_to(ROOT)): sorted(imports(path) & forbidden) for path in EMULATOR.rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_importing_the_emulator_loads_no_module_of_the_app():
    code = ("import sys, pkgutil, importlib, emulator\n"
            "for module in pkgutil.walk_packages(emulator.__path__, 'emulator.'):\n"
            "    importlib.import_module(module.name)\n"
            "print('\\n'.join(sorted({name.split('.')[0] for name in sys.modules})))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert set(loaded.stdout.split()) & app_modules() == set()
