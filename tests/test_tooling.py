"""pyproject.toml holds pytest's and ruff's configuration, and `make test` runs ruff first (issue 12, point 7)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_pyproject_is_the_only_pytest_configuration():
    assert not (ROOT / "pytest.ini").exists()      # pytest.ini would win over pyproject.toml
    project = _pyproject()["project"]
    assert project["requires-python"] == ">=3.11"
    options = _pyproject()["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["tests"]
    assert {marker.split(":")[0] for marker in options["markers"]} == {"browser", "integration"}


def test_make_test_runs_ruff_before_the_tests():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_prerequisites = re.search(r"^test:(.*)$", makefile, re.MULTILINE).group(1).split()
    assert "lint" in test_prerequisites
    lint_recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    assert "-m ruff check ." in lint_recipe
    assert re.search(r"^ruff==\S+$", (ROOT / "requirements-dev.txt").read_text(encoding="utf-8"), re.MULTILINE)

