#!/usr/bin/env python3
"""Reply latency: from the webhook receiving a user's message to the reply arriving at LINE.

Target: p50 <= 20 ms, p99 <= 100 ms.

    . .venv/bin/activate && python bench/bench_reply_latency.py          # ~25 s
    python bench/bench_reply_latency.py --rate 50 --duration 10 --database-url postgresql://postgres@127.0.0.1:5432/test

It starts its own Redis and a fresh SQLite database (or a temporary database on the
PostgreSQL server given by --database-url, dropped afterwards), migrates it, and starts:
the LINE emulator (`python -m emulator`), the web app (gunicorn, 2 sync workers, with
LINE_API_BASE / LINE_API_DATA_BASE pointing at the emulator) and ONE worker
(`flask --app app worker`).

Events come from the emulator, so that it knows their reply tokens: before the clock
starts, the emulator is asked (POST /emulator/api/send, batches of text events from
distinct users) to deliver events to a sink inside this script instead of the bot. The
captured events are re-wrapped one per body, stamped with their planned send time,
signed, and then POSTed straight to the bot's webhook at a fixed rate (open loop).

Latency per event = the `time` the emulator stamped on the reply it recorded
(GET /emulator/api/received, matched by reply token; time.time() in the emulator)
minus the wall-clock time our load generator started sending that webhook POST (same
clock, same machine). It also prints where the time went, from the database: webhook
POST -> stored in the inbox (received_at), -> decided by the worker (processed_at),
-> reply at the emulator.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402
from bench_webhook import ROOT, SECRET, Stack, check_quiet_machine, finish_profiler, start_profiler  # noqa: E402
from loadgen import Processes, percentile  # noqa: E402

TARGET_P50_MS = 20.0
TARGET_P99_MS = 100.0


# --------------------------------------------------------------------------- event capture


class Sink:
    """A webhook that only keeps what it is sent: how we get emulator-made events."""

    def __init__(self):
        self.bodies: list[bytes] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def start_emulator(procs: Processes, stack: Stack, webhook_url: str) -> tuple[str, subprocess.Popen]:
    port = loadgen.free_port()
    env = stack.env(EMULATOR_HOST="127.0.0.1", EMULATOR_PORT=str(port), EMULATOR_WEBHOOK_URL=webhook_url)
    log = stack.tmp / "emulator.log"
    with open(log, "wb") as out:
        proc = procs.start([sys.executable, "-m", "emulator"], cwd=ROOT, env=env, stdout=out,
                           stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"emulator exited at start:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/emulator/api/config", timeout=1).status_code == 200:
                return url, proc
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"emulator did not answer:\n{log.read_text()[-3000:]}")


def make_events(emulator: str, sink: Sink, users: list[str], batch: int = 50) -> list[dict]:
    """One text event per user, made (and its reply token registered) by the emulator."""
    events: list[dict] = []
    for start in range(0, len(users), batch):
        specs = [{"type": "text", "userId": u, "text": f"hello {start + i}"}
                 for i, u in enumerate(users[start:start + batch])]
        before = len(sink.bodies)
        answer = requests.post(f"{emulator}/emulator/api/send", json={"batch": specs}, timeout=30)
        if answer.status_code != 200:
            raise RuntimeError(f"emulator /send answered {answer.status_code}: {answer.text[:500]}")
        for body in sink.bodies[before:]:
            events.extend(json.loads(body)["events"])
    if len(events) != len(users):
        raise RuntimeError(f"asked the emulator for {len(users)} events, captured {len(events)}")
    return events


def signed_requests(events: list[dict], destination: str, send_times_ms: list[int]) -> list[loadgen.SignedRequest]:
    out = []
    for event, ts in zip(events, send_times_ms):
        event = {**event, "timestamp": ts}
        body = json.dumps({"destination": destination, "events": [event]}, ensure_ascii=False,
                          separators=(",", ":")).encode()
        out.append(loadgen.SignedRequest(event["webhookEventId"], event["replyToken"],
                                         event["source"]["userId"], body, loadgen.sign(SECRET, body)))
    return out


# --------------------------------------------------------------------------- replies


class Replies:
    """What the bot sent to the emulator, fetched incrementally."""

    def __init__(self, emulator: str):
        self.emulator = emulator
        self.since = 0
        self.by_token: dict[str, dict] = {}
        self.push_by_user: dict[str, dict] = {}
        self.rejected: list[dict] = []

    def poll(self) -> None:
        records = requests.get(f"{self.emulator}/emulator/api/received", params={"since": self.since},
                               timeout=10).json()
        for r in records:
            self.since = max(self.since, r["id"])
            if r.get("status") != 200:
                self.rejected.append(r)
            elif r.get("reply_token"):
                self.by_token.setdefault(r["reply_token"], r)
            elif r["path"].endswith("/push") and isinstance(r.get("to"), str):
                self.push_by_user.setdefault(r["to"], r)

    def wait_for(self, requests_: list[loadgen.SignedRequest], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            if all(r.reply_token in self.by_token or r.user in self.push_by_user for r in requests_):
                return
            time.sleep(0.2)

    def answered_at(self, req: loadgen.SignedRequest) -> tuple[float, str] | None:
        if req.reply_token in self.by_token:
            return self.by_token[req.reply_token]["time"], "reply"
        if req.user in self.push_by_user:
            return self.push_by_user[req.user]["time"], "push"
        return None


def stage_times(stack: Stack, event_ids: list[str]) -> dict[str, tuple[float, float | None]]:
    """webhookEventId -> (inbox received_at, inbox processed_at) as epoch seconds."""
    from sqlalchemy import create_engine, text

    def epoch(value):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()

    wanted = set(event_ids)
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT webhook_event_id, received_at, processed_at FROM inbox_events"))
            return {r[0]: (epoch(r[1]), epoch(r[2])) for r in rows if r[0] in wanted}
    finally:
        engine.dispose()


def stack_pids(stack: Stack) -> list[int]:
    return [stack.redis_proc.pid] if stack.redis_proc else []


def wait_for_worker(stack: Stack, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    from redis import Redis
    from rq import Worker

    conn = Redis.from_url(stack.redis_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited at start:\n{log.read_text()[-3000:]}")
            if any(stack.queue_name in w.queue_names() for w in Worker.all(connection=conn)):
                return
            time.sleep(0.1)
    finally:
        conn.close()
    raise RuntimeError(f"worker did not register:\n{log.read_text()[-3000:]}")


# --------------------------------------------------------------------------- main


def ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1e3:.1f}" if values else "-"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rate", type=float, default=50.0, help="events/s sent to the webhook (default 50)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of sending (default 10)")
    p.add_argument("--warmup", type=int, default=20, help="events sent (at 10/s) before the measured run")
    p.add_argument("--wait", type=float, default=20.0, help="seconds to wait for the last replies")
    p.add_argument("--database-url", help="PostgreSQL server URL (temp database, dropped after) or sqlite:/// URL")
    p.add_argument("--redis-url", help="use this Redis (with a queue of our own) instead of starting one")
    p.add_argument("--web-workers", type=int, default=2)
    p.add_argument("--profile", type=Path, metavar="DIR",
                   help="py-spy the worker while sending; collapsed stacks go to DIR "
                        "(summarise: python bench/bench_webhook.py --summarise-profile DIR)")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (logs, SQLite file)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    loadgen.install_signal_handlers()
    started = time.monotonic()
    procs = Processes()
    stack = sink = None
    ok = False
    try:
        quiet_note = check_quiet_machine()
        stack = Stack(procs, args.database_url, args.redis_url)
        print("  starting Redis, database, migrations, LINE emulator ...", flush=True)
        stack.start_redis()
        stack.make_database()
        stack.migrate()
        sink = Sink()
        emulator, emulator_proc = start_emulator(procs, stack, sink.url)

        n = int(args.rate * args.duration)
        users = loadgen.line_user_ids(args.warmup + n, seed=f"reply-bench-{os.getpid()}-{time.time()}")
        t = time.monotonic()
        events = make_events(emulator, sink, users)
        destination = json.loads(sink.bodies[0])["destination"]   # the bot's user id, as LINE sends it
        print(f"  {len(events)} events made by the emulator in {time.monotonic() - t:.1f}s", flush=True)

        env = stack.env(LINE_API_BASE=emulator, LINE_API_DATA_BASE=emulator)
        web = stack.start_gunicorn("web", "app:create_app()", args.web_workers, env=env)
        worker_log = stack.tmp / "worker.log"
        with open(worker_log, "wb") as out:
            worker = procs.start([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT, env=env,
                                 stdout=out, stderr=subprocess.STDOUT)
        wait_for_worker(stack, worker, worker_log)
        print(f"  up: web {web.url} (gunicorn {args.web_workers} workers), 1 worker, emulator {emulator}",
              flush=True)

        replies = Replies(emulator)
        host, port = "127.0.0.1", web.port
        if args.warmup:
            warm_at = int(time.time() * 1000)
            warm = signed_requests(events[:args.warmup], destination, [warm_at] * args.warmup)
            print(f"  warm-up: {args.warmup} events ...", flush=True)
            loadgen.python_open(host, port, warm, 10.0, args.warmup / 10.0)
            replies.wait_for(warm, 30)
            got = sum(replies.answered_at(r) is not None for r in warm)
            if not got:
                raise RuntimeError("no reply reached the emulator during the warm-up; worker log:\n"
                                   + worker_log.read_text()[-3000:])

        t0 = time.time() + 0.5
        measured = signed_requests(events[args.warmup:], destination,
                                   [int((t0 + i / args.rate) * 1000) for i in range(n)])
        print(f"  sending {n} events at {args.rate:.0f}/s for {args.duration:.0f}s ...", flush=True)
        def ours_cpu() -> float:   # everything this benchmark runs, to tell other processes' CPU apart
            pids = [worker.pid, *loadgen.children_of(worker.pid),    # RQ's scheduler is a child process
                    emulator_proc.pid, *web.pids(), *stack_pids(stack)]
            return loadgen.proc_cpu_seconds(pids) + sum(os.times()[:2])

        ours0, m0, wall0 = ours_cpu(), loadgen._machine_jiffies(), time.perf_counter()
        cpu_worker0 = loadgen.proc_cpu_seconds([worker.pid])
        profiler = (start_profiler(None, args.profile, args.duration, pids=[worker.pid], name="worker", wall=True)
                    if args.profile else None)
        run = loadgen.python_open(host, port, measured, args.rate, args.duration)
        if profiler:
            finish_profiler(profiler, args.profile)
        replies.wait_for(measured, args.wait)
        cpu_worker = loadgen.proc_cpu_seconds([worker.pid]) - cpu_worker0
        m1 = loadgen._machine_jiffies()
        other_cores = max(0.0, (m1[0] - m0[0]) / os.sysconf("SC_CLK_TCK") - (ours_cpu() - ours0)
                          ) / (time.perf_counter() - wall0)
        stages = stage_times(stack, [r.event_id for r in measured])

        latencies, by = [], {"reply": 0, "push": 0}
        to_store, to_decide, to_reply = [], [], []
        missing = 0
        for i, req in enumerate(measured):
            detail = run.detail.get(i)
            answer = replies.answered_at(req)
            if detail is None or answer is None:
                missing += 1
                continue
            sent_at = detail[0]
            at, how = answer
            by[how] += 1
            latencies.append(at - sent_at)
            received, processed = stages.get(req.event_id, (None, None))
            if received and processed:
                to_store.append(received - sent_at)
                to_decide.append(processed - received)
                to_reply.append(at - processed)
        latencies.sort()
        for values in (to_store, to_decide, to_reply):
            values.sort()
        # the worker's service time: while it had a backlog, the gap between two decisions
        done_times = sorted(p for r, p in stages.values() if r and p and p - r > 0.05)
        gaps = sorted(b - a for a, b in zip(done_times, done_times[1:]))
        service_ms = percentile(gaps, 50) * 1e3 if len(gaps) >= 10 else None

        p50 = percentile(latencies, 50) * 1e3 if latencies else float("inf")
        p99 = percentile(latencies, 99) * 1e3 if latencies else float("inf")
        # an event never answered counts as infinitely late
        if missing:
            p99 = float("inf") if missing > 0.01 * n else p99
        ok50, ok99 = p50 <= TARGET_P50_MS, p99 <= TARGET_P99_MS
        ok = ok50 and ok99 and not missing

        db_kind = "PostgreSQL" if stack._pg_name else "SQLite"
        print()
        print("=" * 74)
        print("Reply latency: webhook POST sent -> reply received at the LINE emulator")
        print("=" * 74)
        print(f"  setup: web gunicorn {args.web_workers} sync workers, ONE `flask worker` (RQ SimpleWorker), "
              f"DB {db_kind}, own Redis")
        print(f"  load: {n} text events, {n} distinct users, open loop {args.rate:.0f}/s for "
              f"{args.duration:.0f}s (achieved {run.rate:.1f}/s)")
        print(f"  webhook answers: {run.ok} x 200, {run.errors} errors; webhook latency p50 {run.p50_ms:.1f} ms, "
              f"p99 {run.p99_ms:.1f} ms")
        print(f"  replies at the emulator: {by['reply']} by reply, {by['push']} by push (reply token refused), "
              f"{missing} missing after {args.wait:.0f}s, {len(replies.rejected)} calls rejected by the emulator")
        print(f"  latency (ms): p50 {ms(latencies, 50)}  p90 {ms(latencies, 90)}  p99 {ms(latencies, 99)}  "
              f"max {latencies[-1] * 1e3 if latencies else float('nan'):.1f}")
        print(f"  target p50 <= {TARGET_P50_MS:.0f} ms: {p50:.1f} ms = {p50 / TARGET_P50_MS:.2f} x target  "
              f"{'OK' if ok50 else 'MISS'}")
        print(f"  target p99 <= {TARGET_P99_MS:.0f} ms: {p99:.1f} ms = {p99 / TARGET_P99_MS:.2f} x target  "
              f"{'OK' if ok99 else 'MISS'}")
        print("  where the time goes (ms, p50 / p99 of each stage):")
        print(f"    POST sent -> stored in inbox (web)          {ms(to_store, 50):>8} / {ms(to_store, 99)}")
        print(f"    inbox -> decided (queue wait + worker)      {ms(to_decide, 50):>8} / {ms(to_decide, 99)}")
        print(f"    decided -> reply at emulator (send)         {ms(to_reply, 50):>8} / {ms(to_reply, 99)}")
        print(f"  worker CPU per event: {1e3 * cpu_worker / max(1, n):.2f} ms "
              f"({100 * cpu_worker / max(1e-9, run.elapsed):.0f}% of a core while sending)")
        if service_ms:
            print(f"  worker service time while backlogged: {service_ms:.1f} ms/event (median gap between "
                  f"decisions) => capacity ~{1000 / service_ms:.0f} events/s for {args.rate:.0f}/s offered")
        if other_cores > 0.2:
            print(f"  WARNING: other processes used {other_cores:.2f} cores during the run: "
                  "figures are pessimistic; rerun on a quiet machine")
        print("  measured from: our load generator's wall clock when it started each POST; to: the `time` the")
        print("  emulator stamped on its /emulator/api/received record, matched by reply token (same clock)")
        print(f"  {quiet_note}")
        print("=" * 74)
        print(f"  whole run: {time.monotonic() - started:.0f}s")
    except KeyboardInterrupt:
        print("\n  interrupted: stopping everything", flush=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - say what failed (with the server's log tail), then clean up
        print(f"\n  FAILED: {type(exc).__name__}: {exc}", flush=True)
        return 2
    finally:
        procs.close(keep_tmp=args.keep_tmp)
        if sink:
            sink.close()
        if stack:
            stack.close()
            if args.keep_tmp:
                print(f"  temp dir kept: {stack.tmp}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
