"""`flask committees ...`: load, list, codes, roster, unlink-group."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import yaml

from storage.directory import committee_for_group
from storage.link_codes import confirm_group_link, redeem_link_code, request_group_link
from tests.support.committees import EXAMPLE

integration = pytest.mark.integration


@integration
def test_the_committees_commands(db, tmp_path):
    """Through a Flask app's CLI, registered as create_app will: app.cli.add_command(committees_cli)."""
    from types import SimpleNamespace

    from flask import Flask

    from storage.directory_cli import committees_cli

    app = Flask(__name__)
    app.extensions["hotline"] = SimpleNamespace(db=db)   # what the commands use of the Hotline
    app.cli.add_command(committees_cli)
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["committees", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "dry run, nothing written: 24 created" in run("load", "--dry-run", str(EXAMPLE))
    assert "no committees" in run("list")
    assert "loaded: 24 created" in run("load", str(EXAMPLE))
    assert "loaded: 0 created, 0 changed, 24 unchanged, 0 deactivated" in run("load", str(EXAMPLE))
    edited = tmp_path / "edited.yaml"
    edited.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Example duty officer 1 (Mae Sai)", "Renamed")
                      .replace("role: National focal point (example)\n        roster: always\n        admin: true",
                               "role: National focal point (example)\n        roster: always"), encoding="utf-8")
    output = run("load", "--dry-run", str(edited))
    assert "0 created, 2 changed" in output and "  changed: officer CRI-5709-1 (name)\n" in output
    assert "  changed: officer TH-NATIONAL-1 (admin)\n" in output
    listing = run("list")
    assert "CRI-5709  [district 5709]" in listing and "Example duty officer 1 (Mae Sai)" in listing

    output = run("link-code", "CRI-5709-1")
    code = re.search(r"send `link (\d+)` to the bot in LINE", output).group(1)
    assert "Valid 24 h" in output
    output = run("group-code", "CRI-5709")
    group = re.search(r"send `group (\d+)` in the group", output).group(1)
    now = datetime.now(UTC)
    assert "confirm group" in output
    with db.transaction() as session:
        assert redeem_link_code(session, code, "U-cli", now).id == "CRI-5709-1"
        assert request_group_link(session, group, "C-cli", now, user_id="U-cli").outcome == "pending"
    assert "LINE group: not linked (1 waiting for an officer to confirm)" in run("list")
    with db.transaction() as session:
        assert confirm_group_link(session, "C-cli", "U-cli", now).outcome == "linked"

    roster = run("roster", "--at", "2026-11-23 10:00")
    assert "on duty at Mon 2026-11-23 10:00 (Bangkok time)" in roster
    assert re.search(r"CRI-5709 \(group linked\):\n\s+CRI-5709-1 .*LINE linked", roster)
    night = run("roster", "--at", "2026-11-24 02:00")
    assert "CRI-5709-2" in night and "LINE NOT LINKED" in night
    assert "NOBODY ON DUTY" in run("roster", "--at", "2026-11-28 03:00")   # Wiang Kaen, Saturday 03:00
    assert "LINE group unlinked" in run("unlink-group", "CRI-5709")
    assert "has no LINE group linked" in run("unlink-group", "CRI-5709")
    with db.sessions() as session:
        assert committee_for_group(session, "C-cli") is None

    bad = runner.invoke(args=["committees", "link-code", "NOBODY"])
    assert bad.exit_code != 0 and "no active officer" in bad.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({"committees": [{"id": "X", "level": "district", "district_code": "5799",
                                                      "name_th": "x", "name_en": "x"}]}))
    bad = runner.invoke(args=["committees", "load", str(broken)])
    assert bad.exit_code != 0 and "not a DOPA district code" in bad.output
