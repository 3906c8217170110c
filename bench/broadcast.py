"""A broadcast to 100,000 subscribers, and ordinary replies while it runs, in one run.

    python -m bench.broadcast                              # 100,000 subscribers, chats at 20/s
    python -m bench.broadcast --subscribers 2000 --baseline 5
    python -m bench.broadcast --database postgresql        # the machine's server (CI's URL), or --database-url

Targets (issue 15 point 5, the developers' guide): the broadcast completes against the emulator
in under 300 s with ONE worker, every subscriber accepted by LINE exactly once; a user's message
is answered at LINE p50 <= 20 ms, p99 <= 100 ms, before the broadcast (the baseline) and while it
runs, measured in the same run.

The stack is reply_latency's (own Redis and database, the LINE emulator, gunicorn, ONE `flask
worker`). Not timed: the subscribers are bulk-inserted (news_subscriptions, and the
conversations every subscriber has; languages mixed as the hotline's public is, a share of the
Burmese readers on Zawgyi, countries, documents and provinces spread, some "all provinces"),
and the chat events are made by the emulator (so it knows their reply tokens) and caught by a
sink. Timed: (1) the baseline, new users' text messages POSTed to the webhook at --rate for
--baseline s; (2) the broadcast, sent as staff send it (`flask --app app broadcast send FILE
--yes`, every subscriber, now) while the same chat load runs, in chunks, until the
broadcast is done. A reply's latency is the `time` the emulator stamped on it minus when our load
generator started its POST (bench.reply_latency's measure). The broadcast's duration is from
the command's start to the last multicast LINE accepted; what LINE accepted is read back from
the emulator (every recipient, once, in their language: Zawgyi readers in Zawgyi) and from the
broadcast's own counts. Exit code: 0 every target met, 1 one missed, 2 the run failed.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
import yaml

from bench.events import line_user_ids, resigned
from bench.harness import ROOT, SECRET, common_args, log_tail, main_guard, web_and_worker_args
from bench.line import Received, Sink, api, start_emulator
from bench.procs import OthersCpu, check_quiet_machine, children_of, proc_cpu_seconds
from bench.profiling import finish_profiler, start_profiler
from bench.pyload import python_open
from bench.reply_latency import TARGET_P50_MS, TARGET_P99_MS, make_events
from bench.results import against_target, ms, percentile, verdict

TARGET_BROADCAST_S = 300.0
POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/test"    # the machine's server, as CI uses it
CHUNK_S = 5.0              # the chat load during the broadcast runs in chunks, until it is done
MULTICAST = "/v2/bot/message/multicast"

# The public's languages, roughly as the hotline's readers are spread (Myanmar's workers first),
# and the share of Burmese readers whose phones only show Zawgyi.
LANGUAGE_WEIGHTS = {"my": 50, "km": 20, "lo": 10, "th": 10, "en": 10}
ZAWGYI_SHARE = 0.3
COUNTRY_OF = {"my": "mm", "km": "kh", "lo": "la", "th": "other", "en": "other"}
DOCUMENTS = ("mou", "pink_card", "border_pass", "ci", "unknown")
PROVINCES = ("10", "11", "20", "50", "57", "63", "74", "85", "all")

# What the benchmark broadcasts: plainly a test, in each language's script, with a marker the
# check below finds again (ASCII, which the Zawgyi conversion leaves alone).
WORDS = {"my": "စမ်းသပ် သတင်း", "km": "ព័ត៌មានសាកល្បង", "lo": "ຂ່າວທົດລອງ", "th": "ข่าวทดสอบ", "en": "Test news"}


def news_texts(run_id: str) -> dict[str, str]:
    return {lang: f"[bench {run_id} {lang}] " + " ".join([word] * 12) for lang, word in WORDS.items()}


@dataclass
class Subscribers:
    users: list[str]
    language: dict[str, tuple[str, bool]] = field(default_factory=dict)   # user -> (language, zawgyi)

    def by_group(self) -> Counter:
        return Counter(self.language.values())


def plan_subscribers(count: int, seed: str) -> Subscribers:
    rng = random.Random(seed)
    users = line_user_ids(count, seed=f"broadcast-{seed}")
    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    subs = Subscribers(users)
    for user in users:
        lang = rng.choices(languages, weights)[0]
        subs.language[user] = (lang, lang == "my" and rng.random() < ZAWGYI_SHARE)
    return subs


def seed_subscribers(stack, subs: Subscribers, seed: str, batch: int = 5000) -> float:
    """Bulk-insert one news subscription and one conversation per subscriber; returns seconds."""
    from sqlalchemy import Boolean, DateTime, String, column, create_engine, insert, table

    from storage.crypto import KeyRing

    rng = random.Random(seed)
    now = datetime.now(UTC)
    empty_state = KeyRing([k.strip() for k in stack.encryption_keys.split(",") if k.strip()]).encrypt(b"{}")
    subscriptions = table("news_subscriptions", column("chat_key", String), column("user_id", String),
                          column("country", String), column("document", String), column("province", String),
                          column("language", String), column("zawgyi", Boolean),
                          column("created_at", DateTime(timezone=True)), column("updated_at", DateTime(timezone=True)))
    conversations = table("conversations", column("chat_key", String), column("user_id", String),
                          column("language", String), column("zawgyi", Boolean), column("state", String),
                          column("updated_at", DateTime(timezone=True)))
    t = time.monotonic()
    engine = create_engine(stack.database_url)
    try:
        with engine.begin() as conn:
            for start in range(0, len(subs.users), batch):
                rows_s, rows_c = [], []
                for user in subs.users[start:start + batch]:
                    lang, zawgyi = subs.language[user]
                    rows_s.append({"chat_key": user, "user_id": user, "country": COUNTRY_OF[lang],
                                   "document": rng.choice(DOCUMENTS), "province": rng.choice(PROVINCES),
                                   "language": lang, "zawgyi": zawgyi, "created_at": now, "updated_at": now})
                    rows_c.append({"chat_key": user, "user_id": user, "language": lang, "zawgyi": zawgyi,
                                   "state": empty_state, "updated_at": now})
                conn.execute(insert(conversations), rows_c)
                conn.execute(insert(subscriptions), rows_s)
    finally:
        engine.dispose()
    return time.monotonic() - t


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--subscribers", type=int, default=100_000, help="news subscribers (default 100,000)")
    p.add_argument("--rate", type=float, default=20.0, help="chat messages/s, before and during (default 20)")
    p.add_argument("--baseline", type=float, default=20.0, help="seconds of chat load before the broadcast (20)")
    p.add_argument("--during-max", type=float, default=TARGET_BROADCAST_S,
                   help="at most this many seconds of chat load during the broadcast (default 300)")
    p.add_argument("--give-up", type=float, default=2 * TARGET_BROADCAST_S,
                   help="stop waiting for the broadcast after this many seconds (default 600)")
    p.add_argument("--warmup", type=int, default=20, help="chat events sent (at 10/s) before the baseline")
    p.add_argument("--wait", type=float, default=20.0, help="seconds to wait for the last replies")
    p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                   help=f"sqlite (a fresh file) or postgresql (a temporary database on --database-url, "
                        f"default {POSTGRESQL_URL})")
    web_and_worker_args(p, "py-spy the worker (wall clock) for the broadcast's first 40 s; collapsed stacks go to DIR "
                           "(summarise: python -m bench.profiling DIR)")
    args = common_args(p).parse_args(argv)
    if args.database == "postgresql" and not args.database_url:
        args.database_url = POSTGRESQL_URL
    if args.database == "sqlite" and args.database_url and not args.database_url.startswith("sqlite"):
        p.error("--database sqlite with a PostgreSQL --database-url: say --database postgresql")
    if not 1 <= args.subscribers <= 1_000_000 or args.rate <= 0 or args.baseline <= 0:
        p.error("--subscribers must be 1..1,000,000, --rate and --baseline positive")
    return args


@dataclass
class Phase:
    """One chat-load phase: what was sent, when, and how it was answered."""
    name: str
    requests: list = field(default_factory=list)
    sends: list = field(default_factory=list)          # (wall send time, status) per request, None if unsent
    latencies: list = field(default_factory=list)
    slowest: list = field(default_factory=list)        # (latency, wall send time), the worst first
    to_store: list = field(default_factory=list)
    to_decide: list = field(default_factory=list)
    to_reply: list = field(default_factory=list)
    missing: int = 0
    by_push: int = 0
    errors: int = 0

    def add(self, reqs, result) -> None:
        base = len(self.requests)
        self.requests.extend(reqs)
        self.sends.extend([None] * len(reqs))
        for i, (wall, _lat, status) in result.detail.items():
            self.sends[base + i] = (wall, status)
        self.errors += result.errors

    def measure(self, replies: Received, stages: dict) -> None:
        for req, sent in zip(self.requests, self.sends):
            answer = replies.answered_at(req.reply_token, req.user)
            if sent is None or answer is None:
                self.missing += 1
                continue
            at, how = answer
            self.by_push += how == "push"
            self.latencies.append(at - sent[0])
            self.slowest.append((at - sent[0], sent[0]))
            received, processed = stages.get(req.event_id, (None, None))
            if received and processed:
                self.to_store.append(received - sent[0])
                self.to_decide.append(processed - received)
                self.to_reply.append(at - processed)
        for values in (self.latencies, self.to_store, self.to_decide, self.to_reply):
            values.sort()
        self.slowest = sorted(self.slowest, reverse=True)[:5]

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50) * 1e3 if self.latencies else float("inf")

    @property
    def p99(self) -> float:
        if not self.latencies or self.missing > 0.01 * len(self.requests):
            return float("inf")             # an event never answered counts as infinitely late
        return percentile(self.latencies, 99) * 1e3

    @property
    def ok(self) -> bool:
        return self.p50 <= TARGET_P50_MS and self.p99 <= TARGET_P99_MS and not self.missing and not self.errors


class BroadcastWatch:
    """The newest broadcast's row, read every 0.5 s in a thread of ours (one cheap query)."""

    FINAL = ("done", "refused", "cancelled", "failed")

    def __init__(self, database_url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(database_url)
        self.row: dict | None = None
        self.error: str | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from sqlalchemy import text

        while not self.stop.is_set():
            try:
                with self.engine.connect() as conn:
                    row = conn.execute(text("SELECT id, state, recipients, accepted, failed, started_at, "
                                            "finished_at, error FROM broadcasts ORDER BY id DESC LIMIT 1")).first()
                self.row = dict(row._mapping) if row else None
            except Exception as exc:  # noqa: BLE001 - said in the report; the wait goes on
                self.error = f"{type(exc).__name__}: {exc}"
            self.stop.wait(0.5)

    @property
    def finished(self) -> bool:
        return bool(self.row) and self.row["state"] in self.FINAL

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.engine.dispose()


def send_command(stack, env: dict, texts_file) -> tuple[subprocess.Popen, object]:
    """`flask --app app broadcast send FILE --yes`: every subscriber, now."""
    log = stack.tmp / "broadcast-send.log"
    out = open(log, "wb")  # noqa: SIM115 - closed by the caller once the command ended
    proc = stack.procs.start([sys.executable, "-m", "flask", "--app", "app", "broadcast", "send",
                              str(texts_file), "--yes"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return proc, (out, log)


def multicasts_since(emulator: str, since: int) -> list[dict]:
    records = requests.get(f"{emulator}/emulator/api/received", params={"since": since}, timeout=120).json()
    return [r for r in records if r.get("path") == MULTICAST]


def check_deliveries(records: list[dict], subs: Subscribers, texts: dict[str, str]) -> dict:
    """What LINE accepted: recipients (once each?), calls, and each batch in its readers' language."""
    from flows.language import to_zawgyi

    expected = {(lang, zg): (to_zawgyi(texts[lang]) if zg else texts[lang])
                for lang in texts for zg in ((False, True) if lang == "my" else (False,))}
    got: Counter = Counter()
    wrong_language = foreign = 0
    statuses: Counter = Counter(r.get("status") for r in records)
    for r in records:
        if r.get("status") != 200:
            continue
        chats = r.get("chats") or []
        got.update(chats)
        first_text = next((m.get("text", "") for m in r.get("messages") or [] if m.get("type") == "text"), "")
        for chat in chats:
            group = subs.language.get(chat)
            if group is None:
                foreign += 1
            elif not first_text.startswith(expected[group]):
                wrong_language += 1
    wanted = set(subs.users)
    return {"calls": len(records), "statuses": dict(statuses), "accepted": sum(got.values()),
            "unique": len(got), "duplicates": sum(n - 1 for n in got.values() if n > 1),
            "missing": len(wanted - set(got)), "foreign": foreign, "wrong_language": wrong_language,
            "sizes": sorted(len(r.get("chats") or []) for r in records if r.get("status") == 200),
            "last_time": max((r["time"] for r in records if r.get("status") == 200), default=None),
            "first_time": min((r["time"] for r in records if r.get("status") == 200), default=None)}


def bench(run, args) -> bool:  # noqa: PLR0915 - one scenario, told in order
    quiet_note = check_quiet_machine()
    run_id = f"{os.getpid()}-{int(time.time())}"
    print("  starting Redis, database, migrations, LINE emulator ...", flush=True)
    stack = run.stack(args.database_url, args.redis_url)
    sink = Sink()
    run.on_close(sink.close)
    emulator, emulator_proc = start_emulator(stack, sink.url)
    # the chat events are made before the clock starts and sent up to minutes later
    api(emulator, "POST", "/config", json={"replyTokenTtl": 3600})

    subs = plan_subscribers(args.subscribers, run_id)
    seeded_s = seed_subscribers(stack, subs, run_id)
    groups = subs.by_group()
    print(f"  {args.subscribers:,} subscribers inserted in {seeded_s:.1f}s (news_subscriptions + conversations): "
          + ", ".join(f"{lang}{' zawgyi' if zg else ''} {n:,}" for (lang, zg), n in sorted(groups.items())),
          flush=True)

    n_base = int(args.rate * args.baseline)
    per_chunk = max(1, int(args.rate * CHUNK_S))
    chunks = max(1, int(args.during_max / CHUNK_S))
    users = line_user_ids(args.warmup + n_base + chunks * per_chunk, seed=f"broadcast-chat-{run_id}")
    t = time.monotonic()
    events, destination = make_events(emulator, sink, users)
    print(f"  {len(events):,} chat events made by the emulator in {time.monotonic() - t:.1f}s", flush=True)
    warm_events, events = events[:args.warmup], events[args.warmup:]
    base_events, during_events = events[:n_base], events[n_base:]

    texts = news_texts(run_id)
    texts_file = stack.tmp / "news.yaml"
    texts_file.write_text(yaml.safe_dump(texts, allow_unicode=True), encoding="utf-8")

    env = stack.env(LINE_API_BASE=emulator, LINE_API_DATA_BASE=emulator)
    web = stack.start_gunicorn("web", workers=args.web_workers, env=env)
    worker, worker_log = stack.start_worker(env)
    stack.wait_workers([(worker, worker_log)], 1)
    print(f"  up: web {web.url} (gunicorn {args.web_workers} workers), 1 worker, emulator {emulator}", flush=True)

    replies = Received(emulator)
    if warm_events:
        warm = resigned(SECRET, warm_events, destination, [int(time.time() * 1000)] * len(warm_events))
        print(f"  warm-up: {len(warm)} chat events ...", flush=True)
        python_open("127.0.0.1", web.port, warm, 10.0, len(warm) / 10.0)
        replies.wait_for(warm, 30)
        if not any(replies.answered_at(r.reply_token, r.user) for r in warm):
            raise RuntimeError("no reply reached the emulator during the warm-up; worker log:\n" + log_tail(worker_log))

    def scheduled(evs: list[dict]) -> list:
        t0 = time.time() + 0.05
        return resigned(SECRET, evs, destination, [int((t0 + i / args.rate) * 1000) for i in range(len(evs))])

    # ---- (1) the baseline: chats only
    print(f"  baseline: {n_base} chat messages at {args.rate:.0f}/s for {args.baseline:.0f}s ...", flush=True)
    baseline = Phase("baseline")
    reqs = scheduled(base_events)
    cpu_base0 = proc_cpu_seconds([worker.pid])
    baseline.add(reqs, python_open("127.0.0.1", web.port, reqs, args.rate, args.baseline))
    replies.wait_for(baseline.requests, args.wait)
    cpu_per_chat = (proc_cpu_seconds([worker.pid]) - cpu_base0) / max(1, len(reqs))
    replies.poll()
    mark = replies.since

    # ---- (2) the broadcast, with the same chat load until it is done
    def ours_cpu() -> float:
        pids = [worker.pid, *children_of(worker.pid), emulator_proc.pid, *web.pids(), *stack.redis_pids()]
        return proc_cpu_seconds(pids) + sum(os.times()[:2]) + stack.database_cpu()

    others = OthersCpu(ours_cpu)
    cpu_worker0, cpu_emulator0 = proc_cpu_seconds([worker.pid]), proc_cpu_seconds([emulator_proc.pid])
    cpu_web0, cpu_db0 = proc_cpu_seconds(web.pids()), stack.database_cpu()
    watch = BroadcastWatch(stack.database_url)
    run.on_close(watch.close)
    print(f"  broadcast: `flask --app app broadcast send news.yaml --yes` to all {args.subscribers:,}, "
          f"chats at {args.rate:.0f}/s meanwhile ...", flush=True)
    # py-spy writes when its time is up (finish_profiler waits 15 s, then kills it): the first 40 s
    profiler = (start_profiler(args.profile, min(args.during_max, 40), [worker.pid], "worker", wall=True)
                if args.profile else None)
    t_start = time.time()
    command, (command_out, command_log) = send_command(stack, env, texts_file)
    during = Phase("during")
    for k in range(chunks):
        if watch.finished or (command.poll() not in (None, 0)):
            break
        reqs = scheduled(during_events[k * per_chunk:(k + 1) * per_chunk])
        during.add(reqs, python_open("127.0.0.1", web.port, reqs, args.rate, CHUNK_S))
    load_end = time.time()
    command_rc = command.wait(max(1.0, args.give_up - (time.time() - t_start)))
    command_out.close()
    if command_rc != 0:
        raise RuntimeError(f"`flask broadcast send` exited {command_rc}:\n{log_tail(command_log)}")
    while not watch.finished and time.time() - t_start < args.give_up:
        time.sleep(0.2)
    t_seen_done = time.time()
    if profiler:
        finish_profiler(profiler, args.profile)
    cpu_worker = proc_cpu_seconds([worker.pid]) - cpu_worker0
    cpu_emulator = proc_cpu_seconds([emulator_proc.pid]) - cpu_emulator0
    cpu_web, cpu_db = proc_cpu_seconds(web.pids()) - cpu_web0, stack.database_cpu() - cpu_db0
    other_cores = others.cores()
    row = dict(watch.row or {})
    watch.close()

    # The first read of the emulator's log copies every multicast record (500 ids each) under the
    # lock its reply endpoint takes: done once the last chats are answered, it delays none of them.
    time.sleep(1.0)
    replies.wait_for(during.requests, args.wait)
    stages = stack.inbox_times([r.event_id for r in baseline.requests + during.requests])
    baseline.measure(replies, stages)
    during.measure(replies, stages)
    sent = check_deliveries(multicasts_since(emulator, mark), subs, texts)

    duration = (sent["last_time"] - t_start) if sent["last_time"] else float("inf")
    sent_while_running = sum(1 for s in during.sends if s and s[0] <= (sent["last_time"] or t_seen_done))
    finished_ok = row.get("state") == "done"
    ok_duration = finished_ok and duration <= TARGET_BROADCAST_S
    ok_accepted = (sent["unique"] == args.subscribers and not sent["missing"] and not sent["duplicates"]
                   and not sent["foreign"] and row.get("accepted") == args.subscribers)
    ok_language = sent["wrong_language"] == 0
    calls_ok = sent["statuses"].get(200, 0)

    print()
    print("=" * 78)
    print(f"Broadcast to {args.subscribers:,} subscribers, and reply latency while it runs (one run)")
    print("=" * 78)
    print(f"  setup: web gunicorn {args.web_workers} sync workers, ONE `flask worker` (RQ SimpleWorker), "
          f"DB {stack.db_kind}, own Redis, the LINE emulator")
    print(f"  subscribers: {args.subscribers:,} (" + ", ".join(
        f"{lang}{'/zawgyi' if zg else ''} {n:,}" for (lang, zg), n in sorted(groups.items())) + ")")
    print(f"  broadcast #{row.get('id')}: state {row.get('state')}, recipients {row.get('recipients')}, "
          f"accepted {row.get('accepted')}, failed {row.get('failed')}"
          + (f", error {row.get('error')!r}" if row.get("error") else ""))
    print(f"  duration: {duration:.1f} s from `broadcast send` to the last multicast accepted at LINE "
          f"(first at +{(sent['first_time'] or t_start) - t_start:.1f} s; seen done at +{t_seen_done - t_start:.1f} s)")
    print(against_target("duration", duration, TARGET_BROADCAST_S, "s", ok_duration))
    print(f"  multicast calls: {sent['calls']} ({calls_ok} accepted, other answers "
          f"{ {s: n for s, n in sent['statuses'].items() if s != 200} }); recipients per call "
          f"min {sent['sizes'][0] if sent['sizes'] else 0} max {sent['sizes'][-1] if sent['sizes'] else 0}; "
          f"{calls_ok / duration if duration and duration != float('inf') else 0:.1f} calls/s")
    print(f"  recipients accepted at LINE: {sent['unique']:,} distinct of {args.subscribers:,} "
          f"({sent['accepted']:,} deliveries, {sent['duplicates']} twice, {sent['missing']} missing, "
          f"{sent['foreign']} not subscribers)  {verdict(ok_accepted)}")
    print(f"  in the reader's language (Zawgyi readers in Zawgyi): {sent['wrong_language']} deliveries wrong  "
          f"{verdict(ok_language)}")
    print("  reply latency, webhook POST -> reply at the emulator (ms):")
    print(f"    {'phase':<34}{'n':>6}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}  missing  by push")
    for phase, label in ((baseline, "baseline (before)"), (during, "during the broadcast")):
        print(f"    {label:<34}{len(phase.latencies):>6}{ms(phase.latencies, 50):>9}{ms(phase.latencies, 90):>9}"
              f"{ms(phase.latencies, 99):>9}{ms(phase.latencies, 100):>9}  {phase.missing:>7}  {phase.by_push:>7}")
    print(f"    ({sent_while_running} of the {len(during.requests)} sent during were sent before its last "
          f"multicast; load ran {load_end - t_start:.0f} s)")
    for phase in (baseline, during):
        print(against_target(f"{phase.name} p50", phase.p50, TARGET_P50_MS, "ms", phase.p50 <= TARGET_P50_MS))
        print(against_target(f"{phase.name} p99", phase.p99, TARGET_P99_MS, "ms", phase.p99 <= TARGET_P99_MS))
    if during.slowest:
        print("  slowest replies during (ms at seconds after `broadcast send`): " + ", ".join(
            f"{lat * 1e3:.0f} at +{at - t_start:.1f}" for lat, at in during.slowest))
    if during.latencies and baseline.latencies:
        print(f"  during / baseline: p50 {during.p50 / baseline.p50:.2f} x, p99 {during.p99 / baseline.p99:.2f} x")
    print("  where the time goes (ms, p50 / p99; baseline | during):")
    for label, key in (("POST sent -> stored in inbox (web)", "to_store"),
                       ("inbox -> decided (queue wait + worker)", "to_decide"),
                       ("decided -> reply at emulator (send)", "to_reply")):
        b, d = getattr(baseline, key), getattr(during, key)
        print(f"    {label:<42}{ms(b, 50):>7} / {ms(b, 99):<7}| {ms(d, 50):>7} / {ms(d, 99)}")
    news_cpu = max(0.0, cpu_worker - cpu_per_chat * len(during.requests))
    print(f"  CPU from `broadcast send` to done (s): worker {cpu_worker:.1f}, web {cpu_web:.1f}, "
          f"emulator {cpu_emulator:.1f}" + (f", PostgreSQL {cpu_db:.1f}" if stack.pg_name else ""))
    print(f"  worker CPU: {1e3 * cpu_per_chat:.1f} ms per chat message (baseline); the broadcast's share "
          f"(the rest) {news_cpu:.1f} s = {1e3 * news_cpu / max(1, calls_ok):.1f} ms per multicast, its start included")
    if baseline.errors or during.errors:
        print(f"  webhook errors: baseline {baseline.errors}, during {during.errors}")
    if other_cores > 0.2:
        print(f"  WARNING: other processes used {other_cores:.2f} cores during the broadcast: "
              "figures are pessimistic; rerun on a quiet machine")
    print(f"  {quiet_note}")
    print("=" * 78)
    return ok_duration and ok_accepted and ok_language and baseline.ok and during.ok


def main(argv=None) -> int:
    args = parse_args(argv)
    return main_guard(lambda run: bench(run, args), args.keep_tmp)


if __name__ == "__main__":
    sys.exit(main())
