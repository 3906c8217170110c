"""Load flow files (YAML) into a FlowSet and check them before anything runs.

A flow file names its steps; a step says messages, offers choices, may wait for an
answer, and says where to go next. Every reference is checked here: a `go` to a step
that does not exist, a choice without a label, an unknown field - all are errors that
stop the app at start (and fail the tests), not surprises in a conversation.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from locales.languages import LANGUAGES

from .effects import OUTCOME_EFFECTS
from .effects import problem as effect_problem
from .model import MAX_TEXT
from .triggers import check as check_trigger

DATA = Path(__file__).resolve().parent / "data"

STEP_FIELDS = {"say", "choices", "dial", "next", "effect", "input", "nav", "back", "source", "quiet",
               "save", "title", "skip", "summary", "reset", "more"}
CHOICE_FIELDS = {"label", "text", "go", "effect", "args", "quiet", "id", "value", "failed"}
INPUT_FIELDS = {"type", "save", "next", "max_length", "invalid", "received", "stay"}
INPUT_TYPES = {"text", "location", "image", "number", "date", "place"}
NAV_CHOICES = {"back", "menu", "source", "resume", "skip", "cancel", "location", "more"}
# A topic's source (see _parse_source): when we checked it, when a person must check it again,
# and who said it when. A cited date is as precise as the publisher is: YYYY, YYYY-MM or YYYY-MM-DD,
# or UNDATED for a page that shows no date (said so on screen; a topic needs one dated source).
SOURCE_FIELDS = {"checked", "review_by", "from"}
CITED_FIELDS = {"by", "date", "url"}
_CITED_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
UNDATED = "undated"
SOURCES_FILE = "sources.yaml"  # the publishers a source may name (message ids)
# Flows whose list step offers topics: facts a worker relies on, each with its source (tests).
TOPIC_FLOWS = ("documents", "rights")
MAX_SAY = 3
# A dial's numbers: a plain list (`calls`, the same for everyone) or a named list of
# hotlines.yaml (`list`) that gives each reader's language its own order, `default` for the rest.
DIAL_FIELDS = {"title", "calls", "list"}
DEFAULT = "default"
# A say parameter's source: an answer field, or this count the engine makes (answers given).
ANSWERED = "@answered"
COMPUTED_PARAMS = {ANSWERED}


class FlowError(ValueError):
    """A flow file is wrong; the message says where and why."""


@dataclass
class Step:
    key: str                      # "flow.step"
    say: list[dict] = field(default_factory=list)
    choices: list[dict] = field(default_factory=list)
    dial: dict | None = None
    next: str | None = None
    effect: dict | None = None
    input: dict | None = None
    nav: list[str] = field(default_factory=list)
    back: str | None = None
    source: dict | None = None
    quiet: bool = False
    save: str | None = None       # the field a choice's value is saved in
    title: str | None = None      # short name of the question, for the summary
    skip: str | None = None       # where "skip" goes (default: the input's next, or next)
    summary: bool = False         # show the answers given so far in this flow
    reset: bool = False           # entering it starts afresh: earlier answers are dropped
    more: list[dict] = field(default_factory=list)  # the details, shown on tapping "More"


@dataclass
class Flow:
    name: str
    domain: str
    timeout_minutes: float
    resumable: bool
    steps: dict[str, Step]
    cancel: str | None = None     # where "cancel" goes after clearing the flow's answers
    emergency: bool = False       # its answers are retried until delivered (EMERGENCY_DELIVERY_SECONDS)


@dataclass
class FlowSet:
    flows: dict[str, Flow]
    triggers: list[dict]
    hotlines: dict[str, dict]
    entry: str = "main.menu"
    language_step: str = "language.choose"
    # hotlines.yaml `lists`: name -> {language or "default": [hotline ids, in the order shown]}
    dial_lists: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    welcome: str = "main.welcome"      # first contact, when the flows have it: who answers, then the menu
    help_step: str = "emergency.now"   # where "Get help now" after "not understood" leads (if it exists)
    encoding_step: str = "language.looks_right"  # Zawgyi or Unicode? asked when a short message cannot tell
    publishers: list[str] = field(default_factory=list)  # message ids a source's `by` may name

    def step(self, key: str) -> Step:
        flow, _, name = key.partition(".")
        try:
            return self.flows[flow].steps[name]
        except KeyError:
            raise FlowError(f"unknown step {key!r}") from None

    def has_step(self, key: str) -> bool:
        flow, _, name = key.partition(".")
        return flow in self.flows and name in self.flows[flow].steps

    def flow_of(self, key: str) -> Flow:
        return self.flows[key.partition(".")[0]]

    def message_ids(self) -> dict[str, set[str]]:
        """Every message id each gettext domain must translate."""
        ids: dict[str, set[str]] = {}
        for flow in self.flows.values():
            bucket = ids.setdefault(flow.domain, set())
            for step in flow.steps.values():
                bucket.update(item["id"] for item in step.say + step.more)
                bucket.update(c["label"] for c in step.choices if "label" in c)
                if step.dial:
                    bucket.add(step.dial["title"])
                if step.title:
                    bucket.add(step.title)
                if step.input:
                    bucket.update(step.input[k] for k in ("invalid", "received") if step.input.get(k))
        ids.setdefault("bot", set()).update(h["label"] for h in self.hotlines.values())
        ids["bot"].update(self.publishers)
        return ids

    def review_due(self, today: date) -> list[tuple[str, date]]:
        """(step key, review_by) of every topic whose facts a person must check again by now."""
        return sorted(((step.key, step.source["review_by"]) for flow in self.flows.values()
                       for step in flow.steps.values() if step.source and step.source["review_by"] <= today),
                      key=lambda due: (due[1], due[0]))


def _say_items(value, where: str) -> list[dict]:
    items = []
    for item in value or []:
        if isinstance(item, str):
            items.append({"id": item, "params": {}, "every_language": False})
        elif isinstance(item, dict) and "id" in item:
            for source in (item.get("params") or {}).values():
                if str(source).startswith("@") and source not in COMPUTED_PARAMS:
                    raise FlowError(f"{where}: unknown computed parameter {source!r} "
                                    f"(known: {sorted(COMPUTED_PARAMS)})")
            items.append({"id": item["id"], "params": dict(item.get("params") or {}),
                          "every_language": bool(item.get("every_language"))})
        else:
            raise FlowError(f"{where}: say items are message ids or {{id, params}}")
    return items


def _qualify(target: str | None, flow: str) -> str | None:
    if target is None or "." in target:
        return target
    return f"{flow}.{target}"


def _parse_step(flow: str, name: str, raw: dict, where: str) -> Step:
    if not isinstance(raw, dict):
        raise FlowError(f"{where}: a step is a mapping")
    unknown = set(raw) - STEP_FIELDS
    if unknown:
        raise FlowError(f"{where}: unknown field(s) {sorted(unknown)}")
    choices = []
    for index, choice in enumerate(raw.get("choices") or []):
        if not isinstance(choice, dict) or not ({"label", "text"} & set(choice)):
            raise FlowError(f"{where}: choice {index + 1} needs a label (message id) or text")
        if set(choice) - CHOICE_FIELDS:
            raise FlowError(f"{where}: choice {index + 1} has unknown field(s) {sorted(set(choice) - CHOICE_FIELDS)}")
        if "go" not in choice and "effect" not in choice:
            raise FlowError(f"{where}: choice {index + 1} goes nowhere (no go, no effect)")
        if choice.get("effect") in OUTCOME_EFFECTS and not (choice.get("failed") and choice.get("go")):
            raise FlowError(f"{where}: choice {index + 1}: {choice['effect']} may not happen; "
                            "name where to go when it does (go) and when it does not (failed)")
        if "failed" in choice and "effect" not in choice:
            raise FlowError(f"{where}: choice {index + 1} names `failed` but has no effect")
        if "effect" in choice and (wrong := effect_problem(choice["effect"], choice.get("args"))):
            raise FlowError(f"{where}: choice {index + 1}: {wrong}")
        if "args" in choice and "effect" not in choice:
            raise FlowError(f"{where}: choice {index + 1} has args but no effect")
        choices.append({**choice, "go": _qualify(choice.get("go"), flow),
                        **({"failed": _qualify(choice["failed"], flow)} if "failed" in choice else {})})
    nav = list(raw.get("nav") or [])
    if set(nav) - NAV_CHOICES:
        raise FlowError(f"{where}: unknown nav {sorted(set(nav) - NAV_CHOICES)}")
    input_spec = raw.get("input")
    if input_spec is not None:
        if input_spec.get("type") not in INPUT_TYPES or "save" not in input_spec or "next" not in input_spec:
            raise FlowError(f"{where}: input needs type ({sorted(INPUT_TYPES)}), save and next")
        if set(input_spec) - INPUT_FIELDS:
            raise FlowError(f"{where}: input has unknown field(s) {sorted(set(input_spec) - INPUT_FIELDS)}")
        if "max_length" in input_spec and not (isinstance(input_spec["max_length"], int)
                                               and 0 < input_spec["max_length"] <= MAX_TEXT):
            raise FlowError(f"{where}: max_length is a number from 1 to {MAX_TEXT} (a message's longest text)")
        input_spec = {**input_spec, "next": _qualify(input_spec["next"], flow)}
    if any("value" in c for c in choices) and not raw.get("save"):
        raise FlowError(f"{where}: choices have values but the step names no `save` field")
    if "skip" in nav and not (raw.get("skip") or input_spec or raw.get("next")):
        raise FlowError(f"{where}: offers skip but names nowhere to skip to")
    if "effect" in raw:
        if not isinstance(raw["effect"], dict) or set(raw["effect"]) - {"name", "args"}:
            raise FlowError(f"{where}: a step's effect is {{name, args}}")
        if wrong := effect_problem(raw["effect"].get("name"), raw["effect"].get("args")):
            raise FlowError(f"{where}: {wrong}")
    if (raw.get("effect") or {}).get("name") in OUTCOME_EFFECTS:
        raise FlowError(f"{where}: {raw['effect']['name']} may not happen: make it a choice with go and failed")
    if len(raw.get("say") or []) > MAX_SAY:
        raise FlowError(f"{where}: at most {MAX_SAY} messages a step (one phone screen)")
    if len(raw.get("more") or []) > MAX_SAY:
        raise FlowError(f"{where}: at most {MAX_SAY} messages behind More (one phone screen)")
    if bool(raw.get("more")) != ("more" in nav):
        raise FlowError(f"{where}: a step with `more` messages offers the `more` nav, and only such a step")
    source = _parse_source(raw["source"], where) if "source" in raw else None
    return Step(
        key=f"{flow}.{name}", say=_say_items(raw.get("say"), where), choices=choices, dial=raw.get("dial"),
        next=_qualify(raw.get("next"), flow), effect=raw.get("effect"), input=input_spec, nav=nav,
        back=_qualify(raw.get("back"), flow), source=source, quiet=bool(raw.get("quiet")),
        save=raw.get("save"), title=raw.get("title"), skip=_qualify(raw.get("skip"), flow),
        summary=bool(raw.get("summary")), reset=bool(raw.get("reset")),
        more=_say_items(raw.get("more"), where),
    )


def _full_date(value, what: str, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FlowError(f"{where}: source {what} is a date, YYYY-MM-DD (got {value!r})") from None


def _cited_date(value, where: str) -> tuple[str, date | None]:
    """A cited date as written (YYYY, YYYY-MM or YYYY-MM-DD) and its first day, for comparing;
    ("", None) for a page that shows no date."""
    if value == UNDATED:
        return "", None
    text = value.isoformat() if isinstance(value, date) else str(value if value is not None else "")
    match = _CITED_DATE.match(text)
    try:
        if not match:
            raise ValueError
        first = date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        raise FlowError(f"{where}: a cited date is YYYY, YYYY-MM, YYYY-MM-DD or {UNDATED} (got {value!r})") from None
    return text, first


def _parse_source(raw, where: str) -> dict:
    """{checked, review_by, from: [{by, date, url}]}: who said it and when, and when we checked.
    The old form (`ref` to DOMAIN.md tags) is refused: a worker cannot read it."""
    if not isinstance(raw, dict):
        raise FlowError(f"{where}: source is a mapping of checked, review_by and from")
    if "ref" in raw:
        raise FlowError(f"{where}: source `ref` is the old form; write checked, review_by and "
                        "from: [{by: <publisher message id>, date: YYYY-MM, url: ...}]")
    if set(raw) != SOURCE_FIELDS:
        raise FlowError(f"{where}: source needs exactly {sorted(SOURCE_FIELDS)} (got {sorted(raw)})")
    checked = _full_date(raw["checked"], "checked", where)
    review_by = _full_date(raw["review_by"], "review_by", where)
    if review_by <= checked:
        raise FlowError(f"{where}: source review_by ({review_by}) must come after checked ({checked})")
    cited = []
    if not isinstance(raw["from"], list) or not raw["from"]:
        raise FlowError(f"{where}: source `from` lists who said it: at least one {{by, date}}")
    for index, item in enumerate(raw["from"], start=1):
        if not isinstance(item, dict) or not {"by", "date"} <= set(item) or set(item) - CITED_FIELDS:
            raise FlowError(f"{where}: source from #{index} is {{by, date, url (optional)}}")
        text, first = _cited_date(item["date"], f"{where}: source from #{index}")
        if first and first > checked:
            raise FlowError(f"{where}: source from #{index} is dated {text}, after it was checked ({checked})")
        url = str(item.get("url") or "")
        if url and not re.match(r"^https?://\S+$", url):
            raise FlowError(f"{where}: source from #{index}: url is a web address (http:// or https://)")
        cited.append({"by": str(item["by"]), "date": text, "url": url})
    if not any(c["date"] for c in cited):
        raise FlowError(f"{where}: source `from` needs at least one dated publisher (not all {UNDATED})")
    return {"checked": checked, "review_by": review_by, "from": cited}


def _parse_flow(raw: dict, path: Path) -> Flow:
    for key in ("flow", "domain", "steps"):
        if key not in raw:
            raise FlowError(f"{path.name}: missing {key!r}")
    name = raw["flow"]
    unknown = set(raw) - {"flow", "domain", "steps", "timeout_minutes", "resumable", "cancel", "quiet",
                          "emergency"}
    if unknown:
        raise FlowError(f"{path.name}: unknown flow field(s) {sorted(unknown)}")
    if raw.get("emergency") and raw.get("resumable"):
        raise FlowError(f"{path.name}: an emergency flow's answers may be pushed; a report's (resumable) never")
    steps = {}
    for step, body in (raw["steps"] or {}).items():
        if raw.get("quiet") and isinstance(body, dict) and body.get("summary"):
            raise FlowError(f"{path.name}: step {step!r}: a quiet flow never prints the answers back "
                            "(the chat stays on a phone someone else may read)")
        if raw.get("quiet") and isinstance(body, dict):
            body = {"quiet": True, **body}  # a flow about reporting echoes no taps into the chat
        steps[step] = _parse_step(name, step, body, f"{path.name}: step {step!r}")
    return Flow(name, raw["domain"], float(raw.get("timeout_minutes", 60)), bool(raw.get("resumable")), steps,
                cancel=_qualify(raw.get("cancel"), name), emergency=bool(raw.get("emergency")))


def _check_references(flows: FlowSet) -> None:
    for flow in flows.flows.values():
        for step in flow.steps.values():
            targets = [step.next, step.back, step.skip] + [c.get(k) for c in step.choices for k in ("go", "failed")]
            if step.input:
                targets.append(step.input["next"])
            for target in targets:
                if target and not flows.has_step(target):
                    raise FlowError(f"step {step.key!r} goes to unknown step {target!r}")
            if step.dial:
                _check_dial(flows, step)
            if "source" in step.nav and not step.source:
                raise FlowError(f"step {step.key!r} offers source but has none")
            if step.source and "source" not in step.nav:
                raise FlowError(f"step {step.key!r} has a source but offers no source button")
            for cited in (step.source or {}).get("from", []):
                if cited["by"] not in flows.publishers:
                    raise FlowError(f"step {step.key!r}: source names unknown publisher {cited['by']!r} "
                                    f"(add it to {SOURCES_FILE} and its catalogs)")
            if not (step.say or step.choices or step.dial or step.next or step.input):
                raise FlowError(f"step {step.key!r} says nothing and goes nowhere")
    for flow in flows.flows.values():
        if flow.cancel and not flows.has_step(flow.cancel):
            raise FlowError(f"flow {flow.name!r} cancels to unknown step {flow.cancel!r}")
    for trigger in flows.triggers:
        problem = check_trigger(trigger)
        if problem:
            raise FlowError(f"trigger {trigger.get('name')!r}: {problem}")
        if not flows.has_step(trigger["go"]):
            raise FlowError(f"trigger {trigger.get('name')!r} goes to unknown step {trigger['go']!r}")
    for key in (flows.entry, flows.language_step):
        if not flows.has_step(key):
            raise FlowError(f"missing required step {key!r}")


def _check_dial(flows: FlowSet, step: Step) -> None:
    dial = step.dial
    if not isinstance(dial, dict) or set(dial) - DIAL_FIELDS or "title" not in dial \
            or ("calls" in dial) == ("list" in dial):
        raise FlowError(f"step {step.key!r}: dial is {{title, calls: [hotline ids]}} or {{title, list: <name>}}")
    if "list" in dial and dial["list"] not in flows.dial_lists:
        raise FlowError(f"step {step.key!r} dials unknown list {dial['list']!r} (hotlines.yaml `lists`)")
    for hotline in dial.get("calls", []):
        if str(hotline) not in flows.hotlines:
            raise FlowError(f"step {step.key!r} dials unknown hotline {hotline!r}")


def _check_dial_lists(lists: dict, hotlines: dict) -> None:
    """Every named list gives `default` and only known languages, each a non-empty list
    of known hotlines, none twice."""
    for name, by_language in lists.items():
        if not isinstance(by_language, dict) or DEFAULT not in by_language:
            raise FlowError(f"hotlines.yaml: list {name!r} needs a {DEFAULT!r} order")
        unknown = set(by_language) - set(LANGUAGES) - {DEFAULT}
        if unknown:
            raise FlowError(f"hotlines.yaml: list {name!r}: unknown language(s) {sorted(unknown)}")
        for language, calls in by_language.items():
            if not isinstance(calls, list) or not calls or len(set(map(str, calls))) != len(calls):
                raise FlowError(f"hotlines.yaml: list {name!r}, {language}: a non-empty list, no number twice")
            for hotline in calls:
                if str(hotline) not in hotlines:
                    raise FlowError(f"hotlines.yaml: list {name!r}, {language}: unknown hotline {hotline!r}")


def load_flows(directory: Path = DATA, files: Iterable[Path] | None = None) -> FlowSet:
    """Read every flow file, triggers.yaml and hotlines.yaml; raise FlowError if anything is off."""
    paths = sorted(files or directory.glob("*.yaml"))
    flows: dict[str, Flow] = {}
    triggers: list[dict] = []
    hotlines: dict[str, dict] = {}
    dial_lists: dict[str, dict[str, list[str]]] = {}
    publishers: list[str] = []
    for path in paths:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if path.name == "triggers.yaml":
            triggers = list(raw.get("triggers") or [])
            continue
        if path.name == SOURCES_FILE:
            publishers = [str(p) for p in raw.get("publishers") or []]
            continue
        if path.name == "hotlines.yaml":
            hotlines = {str(key): value for key, value in (raw.get("hotlines") or {}).items()}
            dial_lists = {str(name): {str(lang): [str(h) for h in calls] if isinstance(calls, list) else calls
                                      for lang, calls in (by_language or {}).items()}
                          if isinstance(by_language, dict) else by_language
                          for name, by_language in (raw.get("lists") or {}).items()}
            _check_dial_lists(dial_lists, hotlines)
            continue
        flow = _parse_flow(raw, path)
        if flow.name in flows:
            raise FlowError(f"{path.name}: flow {flow.name!r} defined twice")
        flows[flow.name] = flow
    flow_set = FlowSet(flows, triggers, hotlines, dial_lists=dial_lists, publishers=publishers)
    _check_references(flow_set)
    return flow_set


def topic_steps(flows: FlowSet) -> list[str]:
    """The topics: the steps of its own flow that each TOPIC_FLOWS flow's `list` offers."""
    found = []
    for name in TOPIC_FLOWS:
        if name in flows.flows and "list" in flows.flows[name].steps:
            for choice in flows.flows[name].steps["list"].choices:
                if (choice.get("go") or "").startswith(name + ".") and choice["go"] not in found:
                    found.append(choice["go"])
    return found
