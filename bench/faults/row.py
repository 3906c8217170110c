"""One row of the fault table: a fresh stack, the setup, the load with its fault, the heal, the count."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from bench.faults.inject import Fault, OwnPostgres
from bench.faults.redelivery import Line
from bench.faults.tally import tally
from bench.harness import Stack
from bench.line import api, new_user, set_webhook, start_emulator
from bench.procs import Processes
from bench.reporters import Db, district_officers, fill_in, link_officers, make_reporters, plans_for

# What people type: greetings, help words, menu; Burmese also in Zawgyi (the last one).
CHAT_TEXTS = {
    "en": ["hello", "I need help", "menu", "what are my rights?"],
    "th": ["สวัสดีครับ", "ช่วยด้วย", "เมนู"],
    "my": ["မင်္ဂလာပါ", "အကူအညီ လိုပါတယ်", "မဂၤလာပါ"],
    "km": ["សួស្តី", "ខ្ញុំត្រូវការជំនួយ", "ម៉ឺនុយ"],
    "lo": ["ສະບາຍດີ", "ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ", "ເມນູ"],
}
LANGUAGES = list(CHAT_TEXTS)


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
    last_delivery: float = 0.0         # wall clock of the last answer or alert LINE accepted
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.error is None and self.processed == self.n and self.duplicates == 0 and self.lost == 0
                and self.alerts_arrived >= self.alerts_expected)


@dataclass
class RowContext:
    """What a row started, for the fault to act on and for the cleanup to undo."""
    procs: Processes
    stack: Stack | None = None
    db: Db | None = None
    emulator: str = ""
    env: dict = field(default_factory=dict)
    worker: tuple | None = None
    pg: OwnPostgres | None = None
    reporters: set = field(default_factory=set)


def start_row(kind: str, args, ctx: RowContext) -> tuple[Db, dict[str, list[str]], list]:
    """A fresh stack started as a deployer would (release step, web, ONE worker), the LINE
    emulator, the example directory on duty, and the reporters at their confirm step (untimed)."""
    database_url = args.database_url
    if kind == "db" or args.own_postgres:
        ctx.pg = OwnPostgres(ctx.procs)
        database_url = ctx.pg.url
    # HOTLINE_ENV=development: outside it the app refuses to start without real secrets;
    # the secret, token and encryption keys are the run's all the same.
    stack = ctx.stack = Stack(ctx.procs, database_url,
                              extra_env={"HOTLINE_ENV": "development", "EMULATOR_WEBHOOK_TIMEOUT": "10"})
    stack.start()
    db = ctx.db = Db(stack)
    emulator, _ = start_emulator(stack, "http://127.0.0.1:9/callback")
    _, officers_of = link_officers(emulator, db)
    env = stack.env(LINE_API_BASE=emulator, LINE_API_DATA_BASE=emulator)
    web = stack.start_gunicorn("web", workers=2, env=env)
    worker = stack.start_worker(env)
    stack.wait_workers([worker], 1)
    set_webhook(emulator, f"{web.url}/callback")
    ctx.emulator, ctx.env, ctx.worker = emulator, env, worker

    n_taps = max(1, round(args.events * args.report_share)) if args.report_share > 0 else 0
    reporters = make_reporters(emulator, n_taps)
    fill_in(emulator, db, reporters, plans_for(reporters), 20, 120 * (1 + len(reporters) // 20), worker)
    ctx.reporters = {u for u, _, _ in reporters}
    return db, officers_of, reporters


def heal(line: Line, db: Db, timeout: float) -> bool:
    """Until nothing is pending anywhere (inbox, outbox, redeliveries) for a while, bounded."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3:
        try:
            idle = not line.busy() and db.waiting() == (0, 0)
        except Exception:  # noqa: BLE001 - the database may still be coming back
            idle = False
        quiet = quiet + 1 if idle else 0
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return quiet >= 3


def run_row(kind: str, args) -> Row:
    row = Row(kind)
    procs = Processes()
    ctx = RowContext(procs)
    line = None
    try:
        db, officers_of, reporters = start_row(kind, args, ctx)
        emulator, n = ctx.emulator, args.events

        # ---- the load: chat messages from N/3 people, and the Send taps among them
        n_chat = n - len(reporters)
        chat_users = [(new_user(emulator, f"Person {k}", LANGUAGES[k % len(LANGUAGES)]), LANGUAGES[k % len(LANGUAGES)])
                      for k in range(max(1, n_chat // 3))]
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

        row.healed = heal(line, db, args.heal_timeout)
        time.sleep(0.5)
        if line.errors:
            raise RuntimeError(f"driving the emulator failed: {line.errors[:3]}")
        count(row, args, ctx, db, line, reporters, officers_of, since_events, since_received)
        row.heal = max(0.0, row.last_delivery - fault_end) if row.healed else None
        row.notes.insert(0, (f"fault: {fault.detail}; began {fault.began - t_load:.1f} s into the load, ended "
                             f"{fault.ended - t_load:.1f} s; " if kind != "none" else "no fault; ")
                         + f"load sent in {load_end - t_load:.1f} s")
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - the row failed; say what, keep the others
        row.error = f"{type(exc).__name__}: {exc}"
    finally:
        if line:
            line.close()
        close_row(ctx, args.keep_tmp, kind)
        procs.close(keep_tmp=args.keep_tmp)
    return row


def close_row(ctx: RowContext, keep_tmp: bool, kind: str) -> None:
    """Stop the row's processes, drop its temporary database, stop its PostgreSQL cluster."""
    pg, stack = ctx.pg, ctx.stack
    if ctx.db:
        ctx.db.close()
    if keep_tmp and stack:
        print(f"  [{kind}] temp dir kept: {stack.tmp}" + (f", PostgreSQL {pg.root}" if pg else ""), flush=True)
    if pg and not pg.started:
        try:
            pg.start()          # to drop the temporary database
        except Exception:  # noqa: BLE001
            pass
    ctx.procs.stop_all()
    try:
        if stack:
            stack.close()
    except Exception:  # noqa: BLE001
        pass
    if pg:
        pg.close()


def count(row: Row, args, ctx: RowContext, db: Db, line: Line, reporters, officers_of, since_events: int,
          since_received: int) -> None:
    """The row's figures, and notes with the evidence for any miss."""
    emulator, n = ctx.emulator, args.events
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
    row.last_delivery = t.last_delivery
    status_of, deliveries, lost_ids = t.status_of, t.deliveries, t.lost
    inbox_by_id = {r[0]: r[1] for r in inbox_rows}

    # ---- notes: what happened, and the evidence for any miss
    statuses = Counter(status_of.values())
    first_bad = sum(1 for eid in ours if line.first_status.get(eid) != 200)
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
                         f"{db.waiting()}, LINE still redelivering: {line.busy()}")
