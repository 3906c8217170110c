"""bench.dashboard on a tiny database: it runs, times each page present for every role, skips the
absent ones by name, and its exit code says whether every p95 met the target."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import dashboard

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]

def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench.dashboard", "--count", "40", "--warmup", "1",
                           "--repeat", "2", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)

def test_every_present_page_is_timed_for_every_role_and_a_missed_target_exits_1():
    done = _run()
    assert done.returncode == 0, done.stdout + done.stderr
    for role, _ in dashboard.ROLES:
        assert re.search(rf"^  case photo +{role} +[0-9.]+ +[0-9.]+ +[0-9.]+ +OK$", done.stdout, re.M)
    assert "40 demo cases loaded" in done.stdout and "MISS" not in done.stdout

    missed = _run("--target-ms", "0.001")
    assert missed.returncode == 1, missed.stdout + missed.stderr
    assert "MISS" in missed.stdout
