"""Flow files are checked when loaded: every mistake is a clear error, not a dead end."""
from __future__ import annotations

import textwrap

import pytest

from flows.loader import FlowError, load_flows
from tests.support.flow_files import load_base, main_flow


def test_the_shipped_flows_load():
    flows = load_flows()
    assert flows.has_step("main.menu") and flows.has_step("language.choose")
    assert flows.triggers and flows.hotlines


def test_a_valid_flow_set_loads_and_lists_its_message_ids(tmp_path):
    flows = load_base(tmp_path)
    assert flows.message_ids()["bot"] >= {"m.prompt", "m.topic", "m.topic.1", "l.choose"}


@pytest.mark.parametrize("menu, error", [
    ("say: [m.prompt]\nchoices:\n  - {label: m.topic, go: nowhere}\n", "unknown step 'main.nowhere'"),
    ("say: [m.prompt]\nchoices:\n  - {label: m.topic}\n", "goes nowhere"),
    ("say: [m.prompt]\nchoices:\n  - {go: menu}\n", "needs a label"),
    ("say: [m.prompt]\ncolour: red\n", "unknown field"),
    ("say: [a, b, c, d]\n", "at most 3 messages"),
    ("say: [m.prompt]\nnav: [skip]\n", "nowhere to skip to"),
    ("say: [m.prompt]\nchoices:\n  - {label: m.yes, value: \"yes\", go: menu}\n", "names no `save` field"),
])
def test_mistakes_are_clear_errors(tmp_path, menu, error):
    with pytest.raises(FlowError, match=error):
        load_base(tmp_path, **{"main.yaml": main_flow(menu)})


def test_a_flow_without_a_domain_is_an_error(tmp_path):
    main = """
        flow: main
        steps:
          menu:
            say: [m.prompt]
    """
    with pytest.raises(FlowError, match="missing 'domain'"):
        load_base(tmp_path, **{"main.yaml": main})


def test_a_missing_language_step_is_an_error(tmp_path):
    with pytest.raises(FlowError, match="language.choose"):
        load_base(tmp_path, **{"language.yaml": None})


def test_dialling_an_unknown_hotline_is_an_error(tmp_path):
    (tmp_path / "hotlines.yaml").write_text("hotlines:\n  '191': {label: h.191, number: '191'}\n")
    main = main_flow('say: [m.prompt]\ndial: {title: t, calls: ["999"]}\n')
    with pytest.raises(FlowError, match="unknown hotline '999'"):
        load_base(tmp_path, **{"main.yaml": main})


def _report(step: str, quiet: bool = True) -> str:
    """A one-question report flow whose second step is `step` (YAML, indented as a step)."""
    return f"""
        flow: report
        domain: intake
        quiet: {str(quiet).lower()}
        steps:
          ask:
            say: [q.words]
            input: {{type: text, save: description, next: confirm}}
          confirm:
{textwrap.indent(textwrap.dedent(step), " " * 12)}
          sent:
            say: [s.sent]
          not_sent:
            say: [s.not_sent]
    """


@pytest.mark.parametrize("step, error", [
    ("say: [q.confirm]\nsummary: true\nnav: [menu]\n", "a quiet flow never prints the answers back"),
    ("say: [q.confirm]\nchoices:\n  - {label: a.send, effect: submit_report, go: sent}\n",
     "submit_report may not happen"),
    ("say: [q.confirm]\nchoices:\n  - {label: a.send, effect: cancel_report, go: sent}\n",
     "cancel_report may not happen"),
    ("say: [q.confirm]\nchoices:\n  - {label: a.send, go: sent, failed: not_sent}\n", "has no effect"),
    (("say: [q.confirm]\nchoices:\n  - {label: a.send, effect: submit_report, args: {kind: self}, go: sent, "
      "failed: nowhere}\n"), "unknown step 'report.nowhere'"),
    # Effects are registered (flows/effects.py): a misspelled one or a missing argument never loads.
    ("say: [q.confirm]\nchoices:\n  - {label: a.send, effect: submit_reprot, args: {kind: self}, go: sent}\n",
     "choice 1: unknown effect 'submit_reprot'"),
    ("say: [q.confirm]\nchoices:\n  - {label: a.send, effect: submit_report, go: sent, failed: not_sent}\n",
     r"choice 1: submit_report needs argument\(s\) \['kind'\]"),
    (("say: [q.confirm]\nchoices:\n  - {label: a.send, effect: submit_report, args: {kind: self, knd: tip}, "
      "go: sent, failed: not_sent}\n"), r"submit_report takes no argument\(s\) \['knd'\]"),
    ("say: [q.confirm]\nchoices:\n  - {label: a.send, args: {kind: self}, go: sent}\n", "has args but no effect"),
    ("say: [q.confirm]\neffect: {name: mark_urgnet}\nnext: sent\n", "confirm': unknown effect 'mark_urgnet'"),
    ("say: [q.confirm]\neffect: {name: set_language}\nnext: sent\n", "set_language needs argument"),
    ("say: [{id: q.confirm, params: {count: '@everything'}}]\nnav: [menu]\n", "unknown computed parameter"),
    ("say: [q.confirm]\ninput: {type: text, save: words, next: sent, max_length: 5001}\n",
     "max_length is a number from 1 to 5000"),
])
def test_reporting_mistakes_are_refused(tmp_path, step, error):
    with pytest.raises(FlowError, match=error):
        load_base(tmp_path, **{"report.yaml": _report(step)})


def test_a_send_naming_both_outcomes_and_the_answer_count_load(tmp_path):
    step = ("say: [{id: q.confirm, params: {count: '@answered'}}]\nchoices:\n"
            "  - {label: a.send, effect: submit_report, args: {kind: self}, go: sent, failed: not_sent}\n")
    flows = load_base(tmp_path, **{"report.yaml": _report(step)})
    assert flows.step("report.confirm").choices[0]["failed"] == "report.not_sent"
