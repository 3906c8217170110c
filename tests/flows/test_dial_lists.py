"""Per-language number lists (hotlines.yaml `lists`): checked when loaded, and a step's card
carries each language's order, the default for the rest."""
from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.loader import FlowError
from tests.support.flow_files import BASE, load_flow_files

HOTLINES = """
    hotlines:
      "191": {label: hotline.191, number: "191"}
      "1669": {label: hotline.1669, number: "1669"}
      own_my: {label: hotline.own_my, number: "1800010180"}
    lists:
      emergency:
        my: [own_my, "191", "1669"]
        default: ["191", "1669"]
"""
SOS = """
    flow: sos
    domain: bot
    steps:
      now:
        say: [sos.now]
        dial: {title: sos.title, %s}
"""


def _load(tmp_path, dial: str = "list: emergency", hotlines: str = HOTLINES):
    return load_flow_files(tmp_path, {**BASE, "hotlines.yaml": hotlines, "sos.yaml": SOS % dial})


def test_a_step_gives_each_language_its_order(tmp_path):
    dial = Engine(_load(tmp_path)).dial("sos.now")
    assert [c.number for c in dial.calls_for("my")] == ["1800010180", "191", "1669"]
    assert [c.number for c in dial.calls_for("km")] == ["191", "1669"]   # no order of its own: default
    assert [c.label for c in dial.calls_for("my")][0] == "hotline.own_my"


def test_a_plain_list_is_the_same_for_everyone(tmp_path):
    dial = Engine(_load(tmp_path, 'calls: ["1669", "191"]')).dial("sos.now")
    assert [c.number for c in dial.calls_for("my")] == [c.number for c in dial.calls_for("en")] == ["1669", "191"]


@pytest.mark.parametrize("dial, hotlines, error", [
    ("list: nowhere", HOTLINES, "unknown list"),
    ('list: emergency, calls: ["191"]', HOTLINES, "dial is"),
    ("", HOTLINES, "dial is"),
    ("list: emergency", HOTLINES.replace('default: ["191", "1669"]', 'th: ["191"]'), "needs a 'default'"),
    ("list: emergency", HOTLINES.replace("my: [", "xx: ["), "unknown language"),
    ("list: emergency", HOTLINES.replace("own_my, ", "nobody, "), "unknown hotline"),
    ("list: emergency", HOTLINES.replace('my: [own_my, "191", "1669"]', 'my: ["191", "191"]'), "no number twice"),
    ("list: emergency", HOTLINES.replace('my: [own_my, "191", "1669"]', "my: []"), "non-empty"),
])
def test_mistakes_in_lists_stop_the_load(tmp_path, dial, hotlines, error):
    with pytest.raises(FlowError, match=error):
        _load(tmp_path, dial, hotlines)
