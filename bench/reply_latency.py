"""Reply latency: from the webhook receiving a user's message to the reply arriving at LINE.

    python -m bench.reply_latency
    python -m bench.reply_latency --rate 50 --duration 10 --database-url postgresql://postgres@127.0.0.1:5432/test

It starts its own Redis and database, migrates it, and starts the LINE emulator, the web
app (gunicorn, LINE_API_BASE / LINE_API_DATA_BASE pointing at the emulator) and ONE worker.
The events are made by the emulator (so that it knows their reply tokens), caught by a
sink, re-signed one per body with their planned send time, and POSTed straight to the
bot's webhook at a fixed rate (open loop).

Latency per event = the `time` the emulator stamped on the reply it recorded, matched by
reply token, minus the wall-clock time our load generator started sending that webhook
POST (same clock, same machine). It also prints where the time went, from the database:
webhook POST -> stored in the inbox, -> decided by the worker, -> reply at the emulator.
See bench/README.md for the figures.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from bench.events import line_user_ids, resigned
from bench.harness import SECRET, common_args, log_tail, main_guard, web_and_worker_args
from bench.line import Received, Sink, captured, start_emulator
from bench.procs import OthersCpu, check_quiet_machine, children_of, proc_cpu_seconds
from bench.profiling import finish_profiler, start_profiler
from bench.pyload import python_open
from bench.results import against_target, ms, percentile

TARGET_P50_MS = 20.0
TARGET_P99_MS = 100.0
TARGET_WORKER_CPU_MS = 3.0     # issue 16: the worker's CPU per chat message (the whole process)


def make_events(emulator: str, sink: Sink, users: list[str], batch: int = 50) -> tuple[list[dict], str]:
    """One text event per user, made (and its reply token registered) by the emulator."""
    events: list[dict] = []
    for start in range(0, len(users), batch):
        made, destination = captured(emulator, sink, [{"type": "text", "userId": u, "text": f"hello {start + i}"}
                                                      for i, u in enumerate(users[start:start + batch])])
        events.extend(made)
    if len(events) != len(users):
        raise RuntimeError(f"asked the emulator for {len(users)} events, captured {len(events)}")
    return events, destination


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rate", type=float, default=50.0, help="events/s sent to the webhook (default 50)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of sending (default 10)")
    p.add_argument("--warmup", type=int, default=20, help="events sent (at 10/s) before the measured run")
    p.add_argument("--wait", type=float, default=20.0, help="seconds to wait for the last replies")
    p.add_argument("--returning", action="store_true",
                   help="measure people who wrote before: each user's first message is sent (untimed, at "
                        "--rate) before the measured run, which is their second")
    web_and_worker_args(p, "py-spy the worker while sending; collapsed stacks go to DIR "
                           "(summarise: python -m bench.profiling DIR)")
    return common_args(p).parse_args(argv)


def bench(run, args) -> bool:
    quiet_note = check_quiet_machine()
    print("  starting Redis, database, migrations, LINE emulator ...", flush=True)
    stack = run.stack(args.database_url, args.redis_url)
    sink = Sink()
    run.on_close(sink.close)
    emulator, emulator_proc = start_emulator(stack, sink.url)

    n = int(args.rate * args.duration)
    users = line_user_ids(args.warmup + n, seed=f"reply-bench-{os.getpid()}-{time.time()}")
    t = time.monotonic()
    events, destination = make_events(emulator, sink, users)
    print(f"  {len(events)} events made by the emulator in {time.monotonic() - t:.1f}s", flush=True)

    env = stack.env(LINE_API_BASE=emulator, LINE_API_DATA_BASE=emulator)
    web = stack.start_gunicorn("web", workers=args.web_workers, env=env)
    worker, worker_log = stack.start_worker(env)
    stack.wait_workers([(worker, worker_log)], 1)
    print(f"  up: web {web.url} (gunicorn {args.web_workers} workers), 1 worker, emulator {emulator}", flush=True)

    replies = Received(emulator)
    if args.warmup:
        warm = resigned(SECRET, events[:args.warmup], destination, [int(time.time() * 1000)] * args.warmup)
        print(f"  warm-up: {args.warmup} events ...", flush=True)
        python_open("127.0.0.1", web.port, warm, 10.0, args.warmup / 10.0)
        replies.wait_for(warm, 30)
        if not any(replies.answered_at(r.reply_token, r.user) for r in warm):
            raise RuntimeError("no reply reached the emulator during the warm-up; worker log:\n" + log_tail(worker_log))

    if args.returning:     # their first message, untimed: the measured one finds them known
        first = resigned(SECRET, events[args.warmup:], destination, [int(time.time() * 1000)] * n)
        print(f"  first messages of the {n} users (untimed) ...", flush=True)
        python_open("127.0.0.1", web.port, first, args.rate, args.duration)
        replies.wait_for(first, args.wait + args.duration)
        events = events[:args.warmup] + make_events(emulator, sink, users[args.warmup:])[0]

    t0 = time.time() + 0.5
    measured = resigned(SECRET, events[args.warmup:], destination,
                        [int((t0 + i / args.rate) * 1000) for i in range(n)])
    print(f"  sending {n} events at {args.rate:.0f}/s for {args.duration:.0f}s ...", flush=True)

    def ours_cpu() -> float:   # everything this benchmark runs, to tell other processes' CPU apart
        pids = [worker.pid, *children_of(worker.pid),    # RQ's scheduler is a child process
                emulator_proc.pid, *web.pids(), *stack.redis_pids()]
        return proc_cpu_seconds(pids) + sum(os.times()[:2])

    others = OthersCpu(ours_cpu)
    cpu_worker0 = proc_cpu_seconds([worker.pid])
    profiler = (start_profiler(args.profile, args.duration, [worker.pid], "worker", wall=True)
                if args.profile else None)
    sent = python_open("127.0.0.1", web.port, measured, args.rate, args.duration)
    if profiler:
        finish_profiler(profiler, args.profile)
    replies.wait_for(measured, args.wait)
    cpu_worker = proc_cpu_seconds([worker.pid]) - cpu_worker0
    other_cores = others.cores()
    stages = stack.inbox_times([r.event_id for r in measured])

    latencies, by = [], {"reply": 0, "push": 0}
    to_store, to_decide, to_reply = [], [], []
    missing = 0
    for i, req in enumerate(measured):
        detail = sent.detail.get(i)
        answer = replies.answered_at(req.reply_token, req.user)
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
    for values in (latencies, to_store, to_decide, to_reply):
        values.sort()
    # the worker's service time: while it had a backlog, the gap between two decisions
    done_times = sorted(p for r, p in stages.values() if r and p and p - r > 0.05)
    gaps = sorted(b - a for a, b in zip(done_times, done_times[1:]))
    service_ms = percentile(gaps, 50) * 1e3 if len(gaps) >= 10 else None

    p50 = percentile(latencies, 50) * 1e3 if latencies else float("inf")
    p99 = percentile(latencies, 99) * 1e3 if latencies else float("inf")
    if missing > 0.01 * n:     # an event never answered counts as infinitely late
        p99 = float("inf")
    ok50, ok99 = p50 <= TARGET_P50_MS, p99 <= TARGET_P99_MS

    print()
    print("=" * 74)
    print("Reply latency: webhook POST sent -> reply received at the LINE emulator")
    print("=" * 74)
    print(f"  setup: web gunicorn {args.web_workers} sync workers, ONE `flask worker` (RQ SimpleWorker), "
          f"DB {stack.db_kind}, own Redis")
    who = "people who wrote before (their second message)" if args.returning else "new users"
    print(f"  load: {n} text events, {n} distinct {who}, open loop {args.rate:.0f}/s for "
          f"{args.duration:.0f}s (achieved {sent.rate:.1f}/s)")
    print(f"  webhook answers: {sent.ok} x 200, {sent.errors} errors; webhook latency p50 {sent.p50_ms:.1f} ms, "
          f"p99 {sent.p99_ms:.1f} ms")
    print(f"  replies at the emulator: {by['reply']} by reply, {by['push']} by push (reply token refused), "
          f"{missing} missing after {args.wait:.0f}s, {len(replies.rejected)} calls rejected by the emulator")
    print(f"  latency (ms): p50 {ms(latencies, 50)}  p90 {ms(latencies, 90)}  p99 {ms(latencies, 99)}  "
          f"max {latencies[-1] * 1e3 if latencies else float('nan'):.1f}")
    print(against_target("p50", p50, TARGET_P50_MS, "ms", ok50))
    print(against_target("p99", p99, TARGET_P99_MS, "ms", ok99))
    print("  where the time goes (ms, p50 / p99 of each stage):")
    print(f"    POST sent -> stored in inbox (web)          {ms(to_store, 50):>8} / {ms(to_store, 99)}")
    print(f"    inbox -> decided (queue wait + worker)      {ms(to_decide, 50):>8} / {ms(to_decide, 99)}")
    print(f"    decided -> reply at emulator (send)         {ms(to_reply, 50):>8} / {ms(to_reply, 99)}")
    cpu_ms = 1e3 * cpu_worker / max(1, n)
    ok_cpu = cpu_ms <= TARGET_WORKER_CPU_MS
    print(f"  worker CPU per event: {cpu_ms:.2f} ms "
          f"({100 * cpu_worker / max(1e-9, sent.elapsed):.0f}% of a core while sending)")
    print(against_target("worker CPU per message", cpu_ms, TARGET_WORKER_CPU_MS, "ms", ok_cpu, digits=2))
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
    return ok50 and ok99 and ok_cpu and not missing


def main(argv=None) -> int:
    args = parse_args(argv)
    return main_guard(lambda run: bench(run, args), args.keep_tmp)


if __name__ == "__main__":
    sys.exit(main())
