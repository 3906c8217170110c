"""The catalog tooling: Babel extraction of flow files (our method, through babel.cfg and
through the pybabel command), update without fuzzy guesses, compile, and check."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

import locales.__main__ as tool
import locales.quality as quality
from flows.extract import extract_flow
from locales import ROOT, domain_files

from .data import DOMAINS, REQUIRED

PYBABEL = Path(sys.executable).with_name("pybabel")


@pytest.mark.parametrize("domain", DOMAINS)
def test_extraction_finds_exactly_the_required_ids(domain):
    """Babel's route (babel.cfg + flows.extract) and the flow loader agree on every domain."""
    extracted = {m.id for m in tool.extract(domain) if m.id}
    assert extracted == REQUIRED[domain]


def test_every_flow_domain_has_input_files():
    assert set(REQUIRED) <= set(domain_files())


def test_extractor_yields_ids_with_their_step():
    text = b"""
flow: demo
domain: intake
steps:
  ask:
    say: [demo.ask.1, {id: demo.ask.2, params: {name: person_name}}]
    choices:
      - {label: demo.yes.label, go: done}
      - {text: "literal", go: done}
    dial: {title: demo.call, calls: ["191"]}
    input: {type: number, save: n, next: done, invalid: demo.not_a_number}
  done:
    say: [demo.done]
"""
    found = list(extract_flow(io.BytesIO(text), {}, [], {}))
    assert [message for _, _, message, _ in found] == [
        "demo.ask.1", "demo.ask.2", "demo.yes.label", "demo.call", "demo.not_a_number", "demo.done"]
    lines = {message: line for line, _, message, _ in found}
    assert lines["demo.ask.1"] == 6 and lines["demo.yes.label"] == 8
    comments = {message: notes for _, _, message, notes in found}
    assert comments["demo.ask.1"] == ["demo.ask: message 1 of 2"]
    assert any("{name}" in note for note in comments["demo.ask.2"])
    assert any("20 characters" in note for note in comments["demo.yes.label"])


def test_extractor_reads_hotlines_and_ignores_triggers():
    hotlines = b'hotlines:\n  "191": {label: hotline.191, number: "191"}\n'
    assert [m for _, _, m, _ in extract_flow(io.BytesIO(hotlines), {}, [], {})] == ["hotline.191"]
    triggers = b"triggers:\n  - {name: menu, go: main.menu, words: [menu]}\n"
    assert list(extract_flow(io.BytesIO(triggers), {}, [], {})) == []


def test_pybabel_commands_work_with_babel_cfg(tmp_path):
    """The usual Babel route: pybabel extract (flow method from babel.cfg), update, compile."""
    files = [str(p.relative_to(ROOT)) for p in domain_files()["bot"]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    pot = tmp_path / "bot.pot"

    def run(*args):
        return subprocess.run([str(PYBABEL), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    run("extract", "-F", "babel.cfg", "-o", str(pot), *files)
    with pot.open("rb") as handle:
        assert {m.id for m in read_po(handle) if m.id} == REQUIRED["bot"]
    shutil.copytree(ROOT / "locales" / "th", tmp_path / "locales" / "th",
                    ignore=shutil.ignore_patterns("*.mo"))
    run("update", "-D", "bot", "-i", str(pot), "-d", str(tmp_path / "locales"), "-l", "th")
    run("compile", "-D", "bot", "-d", str(tmp_path / "locales"), "-l", "th")
    with (tmp_path / "locales" / "th" / "LC_MESSAGES" / "bot.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert compiled.get("main.menu.language").string == "ภาษา"


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """locales tooling pointed at a scratch directory instead of ./locales."""
    def po(lang, domain):
        return tmp_path / lang / "LC_MESSAGES" / f"{domain}.po"

    monkeypatch.setattr(tool, "po_path", po)
    monkeypatch.setattr(tool, "pot_path", lambda domain: tmp_path / f"{domain}.pot")
    monkeypatch.setattr(quality, "po_path", po)
    return tmp_path


def _template(path: Path, ids):
    catalog = Catalog(domain="demo")
    for message_id in ids:
        catalog.add(message_id, locations=[("flows/data/demo.yaml", 1)])
    with path.open("wb") as handle:
        write_po(handle, catalog)


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def test_update_creates_catalogs_with_the_right_header(sandbox):
    _template(sandbox / "demo.pot", ["demo.a"])
    for lang in ("my", "en"):
        assert tool.update("demo", lang)
    my = _read(sandbox / "my" / "LC_MESSAGES" / "demo.po", "my")
    assert dict(my.mime_headers)["Plural-Forms"] == "nplurals=1; plural=0;"
    assert dict(my.mime_headers)["Language"] == "my"
    assert dict(_read(sandbox / "en" / "LC_MESSAGES" / "demo.po", "en").mime_headers)["Plural-Forms"] == \
        "nplurals=2; plural=(n != 1);"
    assert not tool.update("demo", "my"), "nothing changed: the file is left alone"


def test_update_adds_new_ids_empty_never_fuzzy(sandbox):
    _template(sandbox / "demo.pot", ["demo.work_permit.1"])
    tool.update("demo", "th")
    path = sandbox / "th" / "LC_MESSAGES" / "demo.po"
    catalog = _read(path, "th")
    catalog.get("demo.work_permit.1").string = "ใบอนุญาตทำงาน"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    _template(sandbox / "demo.pot", ["demo.work_permit.2"])   # renamed id, very similar
    tool.update("demo", "th")
    catalog = _read(path, "th")
    new = catalog.get("demo.work_permit.2")
    assert new is not None and new.string == "" and not new.fuzzy
    assert "demo.work_permit.1" in catalog.obsolete            # kept for the translator...
    problems = quality.catalog_problems("demo", "th")         # ...and flagged
    assert [p.kind for p in problems] == ["obsolete"]


def test_compile_writes_mo_without_fuzzy(sandbox):
    folder = sandbox / "th" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="th", domain="demo")
    catalog.add("ok", "ใช่")
    catalog.add("guess", "เดา", flags=["fuzzy"])
    with (folder / "demo.po").open("wb") as handle:
        write_po(handle, catalog)
    assert tool.compile_catalog("demo", "th")
    with (folder / "demo.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert compiled.get("ok").string == "ใช่" and compiled.get("guess") is None
    assert not tool.compile_catalog("demo", "th"), "fresh .mo: not compiled again"


def test_check_fails_on_a_bad_catalog(sandbox, monkeypatch, capsys):
    for lang, text in {"en": "Hello {name}", "th": "Hello {nam}", "my": "", "km": "សួស្ដី {name}",
                       "lo": "ສະບາຍດີ {name}"}.items():
        folder = sandbox / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalog = Catalog(locale=lang, domain="demo")
        catalog.add("demo.hello", text)
        with (folder / "demo.po").open("wb") as handle:
            write_po(handle, catalog)
    import locales.message_ids
    monkeypatch.setattr(locales.message_ids, "required_message_ids", lambda flows=None: {"demo": {"demo.hello"}})
    assert tool.cmd_check(["demo"]) == 1
    out = capsys.readouterr().out
    assert "th/demo.po: demo.hello: script" in out            # Latin text in the Thai catalog
    assert "th/demo.po: demo.hello: placeholders" in out       # {nam} is not {name}
    assert "my/demo.po: demo.hello: empty" in out
    assert "km/demo.po" not in out


def test_check_passes_on_the_bot_catalogs(capsys):
    assert tool.cmd_check(["bot"]) == 0, capsys.readouterr().out


def test_officer_domain_is_thai_and_english_only():
    """Officers' texts (cases/officer_text.py; bot/officer_messages.py, issue 13) are their own
    domain, kept in th and en only."""
    from bot.officer_messages import OFFICER_MESSAGE_IDS as MSG_OFFICER_IDS
    from cases.officer_text import OFFICER_MESSAGE_IDS
    from locales import LANGUAGES, languages_for

    assert languages_for("officer") == ("th", "en")
    assert languages_for("bot") == LANGUAGES
    assert [p.relative_to(ROOT).as_posix() for p in domain_files()["officer"]] == [
        "bot/officer_messages.py", "cases/officer_text.py"]
    assert all(p.name not in ("officer_text.py", "officer_messages.py") for p in domain_files()["bot"])
    assert REQUIRED["officer"] == set(OFFICER_MESSAGE_IDS.values()) | set(MSG_OFFICER_IDS.values())
    assert not REQUIRED["officer"] & REQUIRED["bot"]
    for lang in ("my", "km", "lo"):
        assert not (ROOT / "locales" / lang / "LC_MESSAGES" / "officer.po").exists()


def test_update_writes_only_the_domains_languages(sandbox, monkeypatch):
    monkeypatch.setattr(tool, "_relative", str)
    assert tool.cmd_update(["officer"]) == 0
    assert sorted(p.parent.parent.name for p in sandbox.glob("*/LC_MESSAGES/officer.po")) == ["en", "th"]
    assert (sandbox / "officer.pot").exists()


def test_check_passes_on_the_officer_catalogs(capsys):
    assert tool.cmd_check(["officer"]) == 0, capsys.readouterr().out
