"""Sources a worker can read: every topic says who said it, when, and when we checked it;
the Source button shows that in the person's language, never an internal reference; topics
past their review date are listed (a warning, never a failure)."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap

import pytest

from bot.render import Renderer
from flows.engine import UI, Engine
from flows.loader import TOPIC_FLOWS, FlowError, load_flows, topic_steps
from flows.model import Ask, Cited, Input, Say, Source
from locales.catalogs import catalogs
from tests.support.flow_files import MENU, load_base, main_flow

TODAY = dt.date(2026, 12, 7)
INTERNAL = re.compile(r"DOMAIN\.md|§|\[S\d+")


def _topic_file(source: str, nav: str = "[back, source, menu]") -> str:
    """The base main flow whose topic step carries `source` (YAML) and the buttons `nav`."""
    source = textwrap.indent(textwrap.dedent(source).strip("\n"), "  ")
    return main_flow(MENU, steps=f"topic:\n  say: [m.topic.1]\n  back: menu\n{source}\n  nav: {nav}\n")


GOOD = """
    source:
      checked: "2026-12-06"
      review_by: "2027-03-06"
      from:
        - {by: p.doe, date: "2026-02", url: "https://example.org/doe"}
        - {by: p.news, date: "2025-12-07"}
"""
PUBLISHERS = {"sources.yaml": "publishers: [p.doe, p.news]\n"}


def _with_source(tmp_path, source: str, **more):
    return load_base(tmp_path, **PUBLISHERS, **{"main.yaml": _topic_file(source)}, **more)


# -- the flow data ------------------------------------------------------------------------
def test_a_topic_source_in_the_new_form_loads(tmp_path):
    flows = _with_source(tmp_path, GOOD)
    source = flows.step("main.topic").source
    assert source["checked"] == dt.date(2026, 12, 6) and source["review_by"] == dt.date(2027, 3, 6)
    assert source["from"] == [{"by": "p.doe", "date": "2026-02", "url": "https://example.org/doe"},
                              {"by": "p.news", "date": "2025-12-07", "url": ""}]
    assert {"p.doe", "p.news"} <= flows.message_ids()["bot"]  # publishers are translated like any text


@pytest.mark.parametrize("source, error", [
    ('source: {ref: "DOMAIN.md §1.1 [S7]", checked: "2026-11-24"}', "old form"),
    ('source: {checked: "2026-12-06", from: [{by: p.doe, date: "2026"}]}', "review_by"),
    ('source: {review_by: "2027-03-06", from: [{by: p.doe, date: "2026"}]}', "checked"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: []}', "at least one"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: [{by: p.doe}]}', "by, date"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: [{by: p.doe, date: "Feb 2026"}]}', "YYYY"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: [{by: p.doe, date: "2026-13"}]}', "YYYY"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: [{by: p.doe, date: "2027-01"}]}',
     "after it was checked"),
    ('source: {checked: "2026-12-06", review_by: "2026-12-01", from: [{by: p.doe, date: "2026"}]}',
     "must come after"),
    ('source: {checked: "6 Dec 2026", review_by: "2027-03-06", from: [{by: p.doe, date: "2026"}]}',
     "YYYY-MM-DD"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: [{by: p.who, date: "2026"}]}',
     "unknown publisher 'p.who'"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: [{by: p.doe, date: "2026", url: "x"}]}',
     "web address"),
    ('source: {checked: "2026-12-06", review_by: "2027-03-06", from: [{by: p.doe, date: undated}]}',
     "at least one dated"),
])
def test_a_wrong_source_is_a_clear_error(tmp_path, source, error):
    with pytest.raises(FlowError, match=error):
        _with_source(tmp_path, source)


def test_a_page_without_a_date_is_cited_as_such(tmp_path, renderer):
    source = GOOD.replace('- {by: p.news, date: "2025-12-07"}', "- {by: p.news, date: undated}")
    flows = _with_source(tmp_path, source)
    assert flows.step("main.topic").source["from"][1] == {"by": "p.news", "date": "", "url": ""}
    undated = Source((Cited("source.by.immigration", ""), Cited("source.by.doe", "2026-02")), dt.date(2026, 12, 6))
    [message] = renderer.render([undated], "en")
    assert message["text"].startswith("Source: Immigration Bureau, no date; Department of Employment, February 2026")


def test_a_source_without_its_button_or_a_button_without_a_source_is_an_error(tmp_path):
    with pytest.raises(FlowError, match="offers no source button"):
        load_base(tmp_path, **PUBLISHERS, **{"main.yaml": _topic_file(GOOD, nav="[back, menu]")})
    with pytest.raises(FlowError, match="offers source but has none"):
        load_base(tmp_path, **PUBLISHERS, **{"main.yaml": _topic_file("", nav="[back, source, menu]")})


def test_every_topic_has_a_source_with_its_dates():
    """A topic (each entry of the documents and rights lists) says who said it and when, when
    we checked it and when a person must check it again."""
    flows = load_flows()
    topics = topic_steps(flows)
    assert {flow for flow, _ in (key.split(".") for key in topics)} == set(TOPIC_FLOWS)
    for key in topics:
        source = flows.step(key).source
        assert source, f"{key} has no source"
        assert source["checked"] < source["review_by"], key
        assert all(re.fullmatch(r"(\d{4}(-\d\d){0,2})?", c["date"]) for c in source["from"]), key
        assert any(c["date"] for c in source["from"]), f"{key}: no publisher with a date"


def test_the_topic_rule_fails_on_a_topic_without_a_source(tmp_path):
    """topic_steps finds the topics of a list, so the rule above cannot pass vacuously."""
    documents = """
        flow: documents
        domain: documents
        steps:
          list:
            say: [d.prompt]
            choices:
              - {label: d.a, go: a}
          a:
            say: [d.a.1]
            nav: [menu]
    """
    flows = load_base(tmp_path, **{"documents.yaml": documents})
    assert topic_steps(flows) == ["documents.a"]
    assert flows.step("documents.a").source is None


# -- what the Source button shows -----------------------------------------------------------
def test_the_source_button_gives_who_said_it_and_when():
    engine = Engine(load_flows())
    key = "documents.work_permit"
    _, outputs = engine.handle({"at": key}, Input("choice", data=f"n|source|{key}"), 0, lambda m: m)
    source = next(o for o in outputs if isinstance(o, Source))
    step = engine.flows.step(key)
    assert source.checked == step.source["checked"]
    assert source.cited == tuple(Cited(c["by"], c["date"], c["url"]) for c in step.source["from"])
    assert any(isinstance(o, Ask) for o in outputs)  # the buttons stay


@pytest.fixture(scope="module")
def renderer():
    return Renderer(catalogs(), lambda text: text)


SAMPLE = Source((Cited("source.by.doe", "2026-02", "https://example.org/a"),
                 Cited("source.by.immigration", "2020-07-14")), dt.date(2026, 12, 6))


@pytest.mark.parametrize("language, expected", [
    ("en", "Source: Department of Employment, February 2026; Immigration Bureau, July 14, 2020\n"
           "Checked on: December 6, 2026\nhttps://example.org/a"),
    ("th", "ที่มา: กรมการจัดหางาน กุมภาพันธ์ 2569; สำนักงานตรวจคนเข้าเมือง 14 กรกฎาคม 2563\n"
           "ตรวจสอบเมื่อ: 6 ธันวาคม 2569\nhttps://example.org/a"),
])
def test_the_source_reads_in_the_person_language(renderer, language, expected):
    [message] = renderer.render([SAMPLE], language)
    assert message["text"] == expected


@pytest.mark.parametrize("language", ["my", "km", "lo", "th", "en"])
def test_every_topic_source_renders_without_internal_tags(renderer, language):
    flows = load_flows()
    engine = Engine(flows)
    for key in topic_steps(flows):
        _, outputs = engine.handle({"at": key}, Input("choice", data=f"n|source|{key}"), 0, lambda m: m)
        text = renderer.render(outputs, language)[0]["text"]
        assert not INTERNAL.search(text), (key, text)
        assert "source.by." not in text and "{" not in text, (key, text)
        year = str(flows.step(key).source["checked"].year + (543 if language == "th" else 0))
        assert year in text, (key, language, text)


def test_a_zawgyi_reader_gets_the_source_converted_once(renderer):
    converted = []
    zawgyi = Renderer(catalogs(), lambda text: converted.append(text) or "Z:" + text)
    [message] = zawgyi.render([SAMPLE], "my", zawgyi=True)
    assert message["text"].startswith("Z:") and message["text"].count("Z:") == 1


# -- review dates ------------------------------------------------------------------------------
def test_topics_past_their_review_date_are_listed(tmp_path):
    flows = _with_source(tmp_path, GOOD)
    assert flows.review_due(dt.date(2027, 3, 5)) == []
    assert flows.review_due(dt.date(2027, 3, 6)) == [("main.topic", dt.date(2027, 3, 6))]


def test_locales_review_prints_the_list_and_never_fails():
    run = subprocess.run([sys.executable, "-m", "locales", "review", "--today", "2099-01-01"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "warning: documents.work_permit: review by " in run.stdout
    quiet = subprocess.run([sys.executable, "-m", "locales", "review", "--today", "2000-01-01"],
                           capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 0 and "warning" not in quiet.stdout and "0 topic" in quiet.stdout


def test_ci_prints_the_review_list():
    from pathlib import Path
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "locales review" in ci


# -- More -------------------------------------------------------------------------------------
MORE = main_flow(MENU, steps="""
    topic:
      say: [m.topic.key]
      more: [m.topic.detail1, m.topic.detail2]
      nav: [more, menu]
""")


def test_more_shows_the_details_once_asked(tmp_path):
    flows = load_base(tmp_path, **{"main.yaml": MORE})
    engine = Engine(flows)
    state, outputs = engine.handle({"at": "main.menu", "data": {}}, Input("choice", data="c|main.menu|0"), 0,
                                   lambda m: m)
    assert [o.message for o in outputs if isinstance(o, Say)] == ["m.topic.key"]
    more = next(c for c in outputs[-1].choices if c.label == UI["nav.more"])
    state, outputs = engine.handle(state, Input("choice", data=more.data), 1, lambda m: m)
    assert [o.message for o in outputs if isinstance(o, Say)] == ["m.topic.detail1", "m.topic.detail2"]
    assert UI["nav.more"] not in [c.label for c in outputs[-1].choices]  # not offered twice
    assert {"m.topic.detail1", "m.topic.detail2"} <= flows.message_ids()["bot"]


def test_more_without_details_or_details_without_more_is_an_error(tmp_path):
    with pytest.raises(FlowError, match="more"):
        load_base(tmp_path, **{"main.yaml": MORE.replace("nav: [more, menu]", "nav: [menu]")})
    with pytest.raises(FlowError, match="more"):
        load_base(tmp_path, **{"main.yaml": MORE.replace("    more: [m.topic.detail1, m.topic.detail2]\n", "")})
