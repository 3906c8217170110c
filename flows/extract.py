"""Babel extraction method for flow files: every message id a flow YAML file uses.

Registered in babel.cfg (``[extractors] flows = flows.extract:extract_flow``), so the
usual Babel route works::

    PYTHONPATH=. pybabel extract -F babel.cfg -o locales/bot.pot $(python -m locales files bot)

Each id is yielded once per use with its line and a translator comment naming the
step and the use ("main.menu: button label, at most 20 characters"), so a translator
sees where the text appears and how long it may be. The file's gettext domain is
whatever its ``domain:`` says (hotlines.yaml feeds the ``bot`` domain); choosing which
files go into which domain's template is the caller's job (see ``locales.domain_files``).
"""
from __future__ import annotations

from collections.abc import Iterator

import yaml

LABEL_NOTE = "button label, at most 20 characters (aim for 12)"


def extract_flow(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor: yields (lineno, funcname, message, comments) for a flow, hotlines, sources or triggers file."""
    text = fileobj.read()
    if isinstance(text, bytes):
        text = text.decode(options.get("encoding", "utf-8"))
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return
    if _get(root, "hotlines") is not None:
        yield from _hotlines(_get(root, "hotlines"))
        return
    if isinstance(_get(root, "publishers"), yaml.SequenceNode):
        for item in _get(root, "publishers").value:
            if _scalar(item):
                yield _line(item), None, item.value, [
                    "a publisher, under the Source button: \"<publisher>, <date>\"; the name a worker "
                    "would know (the office, newspaper or law), short"]
        return
    flow = _scalar(_get(root, "flow"))
    steps = _get(root, "steps")
    if not flow or not isinstance(steps, yaml.MappingNode):
        return  # triggers.yaml and anything else without steps holds no message ids
    for key_node, step in steps.value:
        if isinstance(step, yaml.MappingNode):
            yield from _step(f"{flow}.{key_node.value}", step)


# -- walking the YAML node tree (nodes keep their line numbers) ----------------------------
def _get(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def _scalar(node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and node.value != "" else None


def _line(node) -> int:
    return node.start_mark.line + 1


def _placeholder_note(params_node) -> list[str]:
    names = []
    if isinstance(params_node, yaml.MappingNode):
        names = [k.value for k, _ in params_node.value]
    return [f"placeholders: {', '.join('{' + n + '}' for n in names)} (keep them exactly)"] if names else []


def _step(key: str, step) -> Iterator[tuple[int, None, str, list[str]]]:
    say = _get(step, "say")
    if isinstance(say, yaml.SequenceNode):
        for index, item in enumerate(say.value, start=1):
            if isinstance(item, yaml.ScalarNode):
                yield _line(item), None, item.value, [f"{key}: message {index} of {len(say.value)}"]
            elif isinstance(item, yaml.MappingNode) and _scalar(_get(item, "id")):
                node = _get(item, "id")
                notes = [f"{key}: message {index} of {len(say.value)}"]
                if _scalar(_get(item, "every_language")) in ("true", "True", "yes"):
                    notes.append("shown in all five languages at once: keep it very short")
                notes += _placeholder_note(_get(item, "params"))
                yield _line(node), None, node.value, notes
    more = _get(step, "more")
    if isinstance(more, yaml.SequenceNode):
        for index, item in enumerate(more.value, start=1):
            node = item if isinstance(item, yaml.ScalarNode) else _get(item, "id")
            if _scalar(node):
                yield _line(node), None, node.value, [
                    f"{key}: detail {index} of {len(more.value)}, shown on tapping More"]
    choices = _get(step, "choices")
    if isinstance(choices, yaml.SequenceNode):
        for item in choices.value:
            label = _get(item, "label")
            if _scalar(label):
                yield _line(label), None, label.value, [f"{key}: {LABEL_NOTE}"]
    dial = _get(step, "dial")
    title = _get(dial, "title")
    if _scalar(title):
        yield _line(title), None, title.value, [f"{key}: title of the card of phone numbers, at most 40 characters"]
    invalid = _get(_get(step, "input"), "invalid")
    if _scalar(invalid):
        yield _line(invalid), None, invalid.value, [f"{key}: said when the answer is not valid"]
    received = _get(_get(step, "input"), "received")
    if _scalar(received):
        yield _line(received), None, received.value, [f"{key}: said when a photo arrives"]
    title = _get(step, "title")
    if _scalar(title):
        yield _line(title), None, title.value, [f"{key}: name of the question in the summary, at most 40 characters"]


def _hotlines(hotlines) -> Iterator[tuple[int, None, str, list[str]]]:
    if not isinstance(hotlines, yaml.MappingNode):
        return
    for key_node, value in hotlines.value:
        label = _get(value, "label")
        if _scalar(label):
            number = _scalar(_get(value, "number")) or key_node.value
            yield _line(label), None, label.value, [
                f"hotline {key_node.value} (dials {number}): {LABEL_NOTE}; keep the number in it"]

