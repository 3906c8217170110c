"""Small flow sets for the loader and engine tests: the least a set needs (a menu with one topic,
the language step), a builder for the main flow, and the writer that puts a set in a folder and loads it."""
from __future__ import annotations

import textwrap
from pathlib import Path

from flows.loader import load_flows

LANGUAGE = """
    flow: language
    domain: bot
    steps:
      choose:
        say: [l.choose]
        choices:
          - {text: English, effect: set_language, args: {language: en}, go: main.menu}
"""


def main_flow(menu: str, steps: str = "") -> str:
    """A main flow's text from the fields of its menu step and its other steps (YAML, each dedented), so a
    test writes only the part it is about."""
    def block(text: str, indent: int) -> str:
        return textwrap.indent(textwrap.dedent(text).strip("\n") + "\n", " " * indent) if text.strip() else ""
    return "flow: main\ndomain: bot\nsteps:\n  menu:\n" + block(menu, 4) + block(steps, 2)


MENU = """
    say: [m.prompt]
    choices:
      - {label: m.topic, go: topic}
"""

BASE = {
    "main.yaml": main_flow(MENU, steps="""
        topic:
          say: [m.topic.1]
          back: menu
          nav: [back, menu]
    """),
    "language.yaml": LANGUAGE,
}


def write_flows(folder: Path, files: dict[str, str | None]) -> None:
    """Each file's text, dedented, under its name; a name given None is left out."""
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(textwrap.dedent(text))


def load_flow_files(folder: Path, files: dict[str, str | None]):
    write_flows(folder, files)
    return load_flows(folder)


def load_base(folder: Path, **changes: str | None):
    """BASE with files added, replaced or (None) left out, loaded."""
    return load_flow_files(folder, {**BASE, **changes})
