"""Reporters for the alert and fault benchmarks: who they are, what they answer, and the
directory of officers their reports alert.

Which button a reporter taps at each step is worked out offline with the flows' own engine
(the bot runs the same one), so the load follows the flows as they are, not a script of
taps that goes stale. The bench reads and writes the database only where the app offers
no command for it: every officer on duty and linked, and where each conversation stands.
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.harness import ROOT, Stack, log_tail
from bench.line import api, new_user

DIRECTORY_FILE = ROOT / "config" / "committees.example.yaml"
DISTRICTS = ["5709", "5708", "5703", "5713", "5715", "5704"]
LANGUAGES = ["my", "km", "lo", "th", "en"]
SECTORS = ["fishing", "construction", "agriculture", "domestic", "factory", "scam_centre"]
MAE_SAI = (20.4335, 99.8762)           # a shared place inside district 5709
WORDS = {
    "my": "သူဌေးက ကျွန်တော့် ပတ်စ်ပို့ကို သိမ်းထားတယ်",
    "th": "นายจ้างยึดหนังสือเดินทางไว้และไม่จ่ายค่าจ้างสามเดือน",
    "en": "The boss keeps our passports and has not paid us for three months",
    "km": "ថៅកែរក្សាលិខិតឆ្លងដែនរបស់យើង",
    "lo": "ນາຍຈ້າງເກັບໜັງສືຜ່ານແດນຂອງພວກເຮົາໄວ້",
}


def answers_for(i: int) -> tuple[str, str, dict]:
    """(flow, language, answers) of reporter i: a spread of districts, urgencies and kinds."""
    flow = "tip" if i % 3 == 2 else "report"
    language = LANGUAGES[(i // 2) % len(LANGUAGES)]
    answers: dict = {"province": "57", "district": DISTRICTS[i % len(DISTRICTS)],
                     "in_danger": "yes" if i % 5 == 0 else "no",             # urgent
                     "free_to_leave": "no" if i % 5 == 1 else "yes",         # high (ILO core)
                     "documents_kept": "yes" if i % 5 == 1 else "no",
                     "wages_withheld": "yes" if i % 5 == 4 else "no",        # standard (labour rights)
                     "sector": SECTORS[i % len(SECTORS)],
                     "contact_ok": "yes" if i % 7 == 3 else "no"}
    if i % 10 == 9:
        answers["location"] = MAE_SAI           # shared a place instead of picking from the list
    if i % 4 == 0:
        answers["description"] = WORDS[language]
    if flow == "tip":
        answers["people_count"] = str(2 + i % 5)
        answers["nationality"] = ["myanmar", "cambodia", "laos", "thai"][i % 4]
    return flow, language, answers


def plan(engine, flows, user: str, flow: str, answers: dict) -> list[dict]:
    """The emulator event specs that take a new follower from the menu to `<flow>.confirm`,
    worked out by running the flows' engine offline (the bot runs the same engine)."""
    from flows.engine import choice_data, nav_data
    from flows.model import Input

    def tr(message_id):
        return message_id

    now = time.time()
    menu = flows.step(flows.entry)
    start = next(i for i, c in enumerate(menu.choices) if c.get("go") == f"{flow}.start"
                 or (flow == "tip" and c.get("go") == "report.tip_start"))
    specs = [{"type": "follow", "userId": user},
             {"type": "postback", "userId": user, "data": choice_data(flows.entry, start)}]
    state, _ = engine.handle({"at": flows.entry, "data": {}}, Input("choice", data=specs[-1]["data"]), now, tr)
    for _ in range(80):
        key = state["at"]
        if key == f"{flow}.confirm":
            return specs
        step = flows.step(key)
        spec: dict
        if step.input and step.input["save"] in answers:
            kind, value = step.input["type"], answers[step.input["save"]]
            if kind == "location":
                spec = {"type": "location", "latitude": value[0], "longitude": value[1], "address": ""}
                given = Input("location", latitude=value[0], longitude=value[1])
            else:
                spec = {"type": "text", "text": str(value)}
                given = Input("text", text=str(value))
        else:
            values = [c.get("value") for c in step.choices]
            if step.save and step.save in answers and answers[step.save] in values:
                data = choice_data(key, values.index(answers[step.save]))
            elif "no" in values:                       # not asked about: the quiet answer
                data = choice_data(key, values.index("no"))
            elif "skip" in step.nav:
                data = nav_data("skip", key)
            elif step.choices:
                data = choice_data(key, 0)
            else:
                raise RuntimeError(f"planner: no way forward at {key}")
            spec = {"type": "postback", "data": data}
            given = Input("choice", data=data)
        specs.append({**spec, "userId": user})
        state, _ = engine.handle(state, given, now, tr)
    raise RuntimeError(f"planner: {flow} not at confirm after 80 steps (at {state['at']})")


def make_reporters(emulator: str, count: int) -> list[tuple[str, str, dict]]:
    """(emulator user, flow, answers) of each reporter."""
    reporters = []
    for i in range(count):
        flow, language, answers = answers_for(i)
        reporters.append((new_user(emulator, f"Reporter {i}", language), flow, answers))
    return reporters


def plans_for(reporters: list[tuple[str, str, dict]]) -> list[list[dict]]:
    """Each reporter's event specs from following the bot to its flow's confirm step."""
    from flows.engine import Engine
    from flows.loader import load_flows

    flows = load_flows()
    engine = Engine(flows)
    return [plan(engine, flows, user, flow, answers) for user, flow, answers in reporters]


def fill_in(emulator: str, db: Db, reporters, plans: list[list[dict]], wave: int, timeout: float,
            worker: tuple[subprocess.Popen, Path]) -> None:
    """Send the plans a wave of reporters at a time (a person tapping ahead of the answers; the
    bot takes each chat's events in order), each wave once the last is answered; then check
    every conversation is at its confirm step."""
    deadline = time.monotonic() + timeout
    proc, log = worker
    for start in range(0, len(plans), wave):
        api(emulator, "POST", "/send", json={"batch": [spec for p in plans[start:start + wave] for spec in p]})
        quiet = 0
        while quiet < 2:                        # nothing waiting, twice in a row
            if time.monotonic() > deadline:
                raise RuntimeError(f"setup not done after {timeout:.0f} s (wave at reporter {start}): "
                                   f"waiting inbox/outbox {db.waiting()}; worker log:\n{log_tail(log)}")
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited:\n{log_tail(log)}")
            quiet = quiet + 1 if db.waiting() == (0, 0) else 0
            time.sleep(0.2)
    at = db.where([u for u, _, _ in reporters])
    wrong = [(u, f, at.get(u)) for u, f, _ in reporters if at.get(u) != f"{f}.confirm"]
    if wrong:
        raise RuntimeError(f"{len(wrong)} reporters not at the confirm step after the setup, e.g. {wrong[:5]}")


class Db:
    """The bench's own look at the database (the same encryption key as the app)."""

    def __init__(self, stack: Stack):
        from sqlalchemy import create_engine

        from storage import crypto

        crypto.configure(crypto.KeyRing([k.strip() for k in stack.encryption_keys.split(",") if k.strip()]))
        self.stack = stack
        self.engine = create_engine(stack.database_url)

    def scalar(self, sql: str, **params):
        from sqlalchemy import text
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params):
        from sqlalchemy import text
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def load_directory(self, officer_users: dict[str, str]) -> dict[str, list[str]]:
        """The example directory, loaded as a deployer does (`flask committees load`); then every
        officer on duty always and linked to an emulator user. Returns committee id -> its
        officers' LINE user ids."""
        from sqlalchemy import JSON, column, select, table, update

        self.stack.flask("committees", "load", str(DIRECTORY_FILE))
        officers = table("officers", column("id"), column("committee_id"), column("roster", JSON),
                         column("line_user_id"))
        by_committee: dict[str, list[str]] = {}
        with self.engine.begin() as conn:
            for officer_id, committee_id in conn.execute(select(officers.c.id, officers.c.committee_id)
                                                         .order_by(officers.c.id)):
                conn.execute(update(officers).where(officers.c.id == officer_id)
                             .values(roster="always", line_user_id=officer_users[officer_id]))
                by_committee.setdefault(committee_id, []).append(officer_users[officer_id])
        return by_committee

    def where(self, users: list[str]) -> dict[str, str]:
        """chat key -> the step its conversation is at."""
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from storage.models import Conversation

        wanted = set(users)
        with Session(self.engine) as session:
            return {c.chat_key: (c.state or {}).get("at", "") for c in session.scalars(select(Conversation))
                    if c.chat_key in wanted}

    def waiting(self) -> tuple[int, int]:
        """Inbox events no decision has closed yet, outbox rows not yet sent."""
        return (self.scalar("SELECT count(*) FROM inbox_events WHERE status IN ('received', 'pending')"),
                self.scalar("SELECT count(*) FROM outbox_messages WHERE status = 'pending'"))

    def cases(self) -> dict[str, dict]:
        """reporter chat key -> its case (the last one)."""
        out = {}
        for r in self.rows("SELECT id, reference, chat_key, committee_id, urgency, kind FROM cases ORDER BY id"):
            out[r[2]] = {"id": r[0], "reference": r[1], "committee": r[3], "urgency": r[4], "kind": r[5]}
        return out

    def close(self):
        self.engine.dispose()


def directory_officers() -> list[tuple[str, str]]:
    """(id, name) of every officer in the example directory."""
    import yaml
    data = yaml.safe_load(DIRECTORY_FILE.read_text(encoding="utf-8"))
    return [(o["id"], o["name"]) for c in data["committees"] for o in c.get("officers") or []]


def district_officers(officers_of: dict[str, list[str]]) -> dict[str, int]:
    """district code -> how many officers its committee has (the expectation for a report
    whose case is missing)."""
    import yaml

    data = yaml.safe_load(DIRECTORY_FILE.read_text(encoding="utf-8"))
    return {c["district_code"]: len(officers_of.get(c["id"], [])) for c in data["committees"]
            if c.get("district_code")}


def link_officers(emulator: str, db: Db) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Every officer an emulator user, on duty and linked: (officer id -> user, committee -> users)."""
    officer_users = {oid: new_user(emulator, name, "th") for oid, name in directory_officers()}
    return officer_users, db.load_directory(officer_users)
