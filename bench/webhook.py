"""Webhook benchmark: our POST /callback against a bare signature-checking Flask app.

    python -m bench.webhook
    python -m bench.webhook --database-url postgresql://postgres@127.0.0.1:5432/test

It starts its own Redis and database (bench.harness), migrates it, and starts two
gunicorns with the same workers: our app and bench/bare_webhook.py. Each gets, from the
same load generator and with pre-signed one-event bodies (unique webhookEventIds):

  (a) closed loop: N connections for --duration s after a --warmup s warm-up:
      throughput (events/s answered 200), p50/p99;
  (b) open loop: --rate events/s for --open-duration s: achieved rate, p50/p99 measured
      from each request's scheduled send time, errors.

It prints the ratio ours/bare against its target, our p99 at the open-loop rate against
its target, and checks that every event our app answered 200 is in the inbox table. On
PostgreSQL it also prints what makes a 200 durable there (synchronous_commit, fsync, the
WAL sync method) and the server's WAL flushes per event of ours (pg_stat_wal; server-wide,
so other databases' commits count too, and a backend reports its counts up to a few seconds
late): about 1.00 means each commit waited for its own.
Both gunicorns are started the same way (bench.harness.Stack.start_gunicorn: the Procfile's
web line, and gunicorn.conf.py from the repository root for both apps).
Closed-loop load comes from wrk when it is there (bench.wrk; else bench.pyload for both
apps); open-loop load always from bench.pyload (wrk cannot hold a rate). Figures and
what limits them: bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.events import EventFactory, line_user_ids
from bench.harness import SECRET, common_args, main_guard
from bench.procs import check_quiet_machine
from bench.results import verdict
from bench.webhook_load import TargetResult, bench_target, more_rounds
from bench.wrk import Wrk, find_wrk

TARGET_RATIO = 0.6
TARGET_P99_MS = 50.0


def count_inbox(database_url: str, prefix: str) -> set[str]:
    """The webhookEventIds of this run's events in the inbox."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT webhook_event_id FROM inbox_events "
                                     "WHERE webhook_event_id LIKE :p"), {"p": prefix + "%"})
            return {r[0] for r in rows}
    finally:
        engine.dispose()


def pg_durability(database_url: str) -> tuple[dict[str, str], int]:
    """PostgreSQL's settings that decide when a commit returns, and the server's WAL syncs so far."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            settings = dict(conn.execute(text(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay') ORDER BY name")).all())
            return settings, conn.execute(text("SELECT wal_sync FROM pg_stat_wal")).scalar_one()
    finally:
        engine.dispose()


def report(ours: TargetResult, bare: TargetResult, stored: set[str], args, engine: str, db_kind: str,
           gen_cpu_note: str, rounds: list[dict[str, float]], durability: str = "") -> bool:
    w = 14

    def row(label, a, b):
        print(f"  {label:<34}{a:>{w}}{b:>{w}}")

    def compare(label: str, cell: Callable[[TargetResult], str]) -> None:
        row(label, cell(ours), cell(bare))

    def per_event_ms(cpu: float, run, digits: int = 2) -> str:
        return f"{1e3 * cpu / max(1, run.completed):.{digits}f}"

    print()
    print("=" * 70)
    print(f"Webhook benchmark  ({os.cpu_count()} cores; gunicorn {args.workers} sync workers each; "
          f"DB {db_kind})")
    print("=" * 70)
    print(f"(a) saturation: closed loop, {args.connections} connections, {args.duration:.0f}s after "
          f"{args.warmup:.0f}s warm-up; load: {engine}")
    row("", "ours", "bare")
    compare("throughput (events/s, 200s)", lambda t: f"{t.closed.rate:.0f}")
    compare("p50 latency (ms)", lambda t: f"{t.closed.p50_ms:.2f}")
    compare("p99 latency (ms)", lambda t: f"{t.closed.p99_ms:.2f}")
    compare("errors (non-200 + io)", lambda t: f"{t.closed.errors}")
    compare("server CPU per event (ms)", lambda t: per_event_ms(t.closed_meter.server_cpu, t.closed))
    compare("redis CPU per event (ms)", lambda t: per_event_ms(t.closed_meter.redis_cpu, t.closed, 3))
    if ours.closed_meter.db_cpu:
        compare("PostgreSQL CPU per event (ms)", lambda t: per_event_ms(t.closed_meter.db_cpu, t.closed))
    compare("machine CPU busy (all cores)", lambda t: f"{100 * t.closed_meter.machine_busy:.0f}%")
    compare("other processes' CPU (cores)", lambda t: f"{t.closed_meter.other_cores:.2f}")
    compare("load generator CPU (% of 1 core)", lambda t: f"{100 * t.closed.cpu_seconds / t.closed.elapsed:.0f}%")
    ratios = [r["ours"] / r["bare"] if r["bare"] else 0.0 for r in rounds]
    if len(rounds) > 1:
        print(f"  closed-loop rounds ({args.duration:.0f}s each, ours and bare back to back, taking turns first):")
        for n, (r, q) in enumerate(zip(rounds, ratios), 1):
            print(f"    round {n}: ours {r['ours']:.0f}/s  bare {r['bare']:.0f}/s  ratio {q:.2f}")
    ratio = statistics.median(ratios)
    ratio_ok = ratio >= TARGET_RATIO
    print(f"  ratio ours/bare throughput{' (median of the rounds)' if len(rounds) > 1 else ''}: "
          f"{ratio:.2f}   (target >= {TARGET_RATIO})  {verdict(ratio_ok)}")
    print()
    print(f"(b) open loop at {args.rate:.0f} events/s for {args.open_duration:.0f}s; load: bench.pyload "
          "(latency from scheduled send time)")
    row("", "ours", "bare")
    compare("achieved rate (events/s, 200s)", lambda t: f"{t.open.rate:.1f}")
    compare("p50 latency (ms)", lambda t: f"{t.open.p50_ms:.2f}")
    compare("p99 latency (ms)", lambda t: f"{t.open.p99_ms:.2f}")
    compare("max latency (ms)", lambda t: f"{t.open.max_ms:.2f}")
    compare("errors (non-200 + io)", lambda t: f"{t.open.errors}")
    compare("load generator CPU (% of 1 core)", lambda t: f"{100 * t.open.cpu_seconds / t.open.elapsed:.1f}%")
    compare("worst send lag of generator (ms)", lambda t: f"{t.open.max_send_lag_ms:.2f}")
    compare("server CPU per event (ms)", lambda t: per_event_ms(t.open_meter.server_cpu, t.open))
    compare("other processes' CPU (cores)", lambda t: f"{t.open_meter.other_cores:.2f}")
    p99_ok = ours.open.p99_ms <= TARGET_P99_MS and ours.open.errors == 0 \
        and ours.open.rate >= 0.95 * args.rate
    print(f"  ours p99 at {args.rate:.0f}/s: {ours.open.p99_ms:.1f} ms   (target <= {TARGET_P99_MS:.0f} ms, "
          f"no errors, rate held)  {verdict(p99_ok)}")
    print()
    sent = set(ours.sent_ids)
    missing = [i for i in ours.must_have_ids if i not in stored]
    unexpected = stored - sent
    inbox_ok = not missing
    print("Nothing lost (our app, warm-up + both runs):")
    print(f"  events sent {len(sent)}, answered 200 (certain) {len(ours.must_have_ids)}, "
          f"in inbox {len(stored & sent)}, answered-200-but-missing {len(missing)}"
          f"{'' if not unexpected else f', unexpected rows {len(unexpected)}'}  {verdict(inbox_ok)}")
    if durability:
        print(f"  {durability}")
    if gen_cpu_note:
        print(f"  {gen_cpu_note}")
    busy = [(f"{t.name} {phase}", m.other_cores) for t in (ours, bare)
            for phase, m in (("closed", t.closed_meter), ("open", t.open_meter)) if m.other_cores > 0.2]
    if busy:
        print("  WARNING: other processes used CPU during " +
              ", ".join(f"{name} ({cores:.2f} cores)" for name, cores in busy) +
              ": those figures are understated; rerun on a quiet machine")
    if args.ours_gunicorn_args:
        print(f"  NOTE: our app ran with extra gunicorn args: {args.ours_gunicorn_args}")
    if args.bare_gunicorn_args:
        print(f"  NOTE: the other column ran with extra gunicorn args: {args.bare_gunicorn_args}")
    print("=" * 70)
    return ratio_ok and p99_ok and inbox_ok


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0, help="closed-loop seconds (default 10)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds (default 2)")
    p.add_argument("--connections", type=int, default=4, help="closed-loop connections (default 4)")
    p.add_argument("--rate", type=float, default=200.0, help="open-loop events/s (default 200)")
    p.add_argument("--rounds", type=int, default=3,
                   help="closed-loop runs per app, back to back and taking turns; the verdict is the "
                        "median ratio, as one run's ratio moves with the machine (default 3)")
    p.add_argument("--open-duration", type=float, default=10.0, help="open-loop seconds (default 10)")
    p.add_argument("--users", type=int, default=1000, help="distinct LINE users (default 1000)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per app (default 2)")
    p.add_argument("--engine", choices=["auto", "wrk", "python"], default="auto",
                   help="closed-loop load generator (default: wrk if present or installable)")
    p.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    p.add_argument("--only", choices=["ours", "bare"], help="bench one app only (no ratio)")
    p.add_argument("--profile", type=Path, metavar="DIR",
                   help="py-spy our workers during the closed loop; collapsed stacks go to DIR "
                        "(summarise: python -m bench.profiling DIR)")
    p.add_argument("--ours-gunicorn-args", metavar="ARGS",
                   help='extra gunicorn arguments for our app only, to try a change without editing '
                        'the Procfile, e.g. "-c /tmp/gc_freeze.conf.py" or "--worker-class gthread --threads 4"')
    p.add_argument("--bare-gunicorn-args", metavar="ARGS",
                   help="extra gunicorn arguments for the other column (the bare app, or the --against tree), "
                        "so that each can be measured at its own best setting, e.g. \"--workers 4\"")
    p.add_argument("--against", type=Path, metavar="DIR",
                   help="A/B: run our app from another checkout (e.g. `git worktree add /tmp/before HEAD~1`, "
                        "with its locales compiled) in the bare app's place; the ratio is then this tree / "
                        "that tree, judged over --rounds taking turns, as one run's machine drift cancels out")
    p.add_argument("--max-rate-guess", type=float, default=5000.0,
                   help="events/s the warm-up's pool of pre-signed requests is sized for (default 5000)")
    return common_args(p).parse_args(argv)


def bench(run, args) -> bool:
    wrk = None
    engine = "bench.pyload (Python, 1 thread)"
    if args.engine in ("auto", "wrk"):
        binary = find_wrk(install=not args.no_install)
        if binary:
            wrk = Wrk(binary, run.procs.tmpdir("hotline-bench-wrk-"), register=run.procs.add)
            engine = f"wrk ({binary}, 1 thread)"
        elif args.engine == "wrk":
            raise SystemExit("wrk not found and could not be installed")
        else:
            print("  wrk not available: using the Python load generator for both apps")
    quiet_note = check_quiet_machine()
    print("  starting Redis, database, migrations ...", flush=True)
    stack = run.stack(args.database_url, args.redis_url)
    servers = {}
    bare_args = shlex.split(args.bare_gunicorn_args or "")
    if args.only != "bare":
        servers["ours"] = stack.start_gunicorn("ours", workers=args.workers,
                                               extra_args=shlex.split(args.ours_gunicorn_args or ""))
    if args.only != "ours" and args.against:
        print(f"  A/B: the 'bare' column is our app from {args.against} (same database, same load)")
        servers["bare"] = stack.start_gunicorn("bare", workers=args.workers, cwd=args.against, extra_args=bare_args)
    elif args.only != "ours":
        servers["bare"] = stack.start_gunicorn("bare", "bench.bare_webhook:app", args.workers, extra_args=bare_args)
    print("  up: " + ", ".join(f"{n} {s.url}" for n, s in servers.items())
          + f"; redis {stack.redis_url}; db {stack.database_url}", flush=True)

    users = line_user_ids(args.users)
    factories = {name: EventFactory(SECRET, users) for name in servers}
    results = {}
    durability = ""
    for name, server in servers.items():
        before = pg_durability(stack.database_url) if stack.db_kind == "PostgreSQL" and name == "ours" else None
        results[name] = bench_target(server, stack, factories[name], args, wrk,
                                     args.profile if name == "ours" else None)
        if before:
            settings, syncs = pg_durability(stack.database_url)
            durability = ("PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in settings.items())
                          + f"; WAL syncs per event of ours (server-wide): "
                          f"{(syncs - before[1]) / max(1, len(results[name].sent_ids)):.2f}")
    rounds = more_rounds(servers, results, factories, args, wrk)
    for server in servers.values():
        run.procs.stop(server.proc)   # an idle server costs nothing, but be sure it does not
    stored: set[str] = set()
    if "ours" in results:
        time.sleep(0.5)
        stored = count_inbox(stack.database_url, factories["ours"].prefix)
    if len(results) == 2:
        return report(results["ours"], results["bare"], stored, args, engine, stack.db_kind, quiet_note, rounds,
                      durability)
    for name, r in results.items():
        print(f"{name}: closed {r.closed.rate:.0f}/s p50 {r.closed.p50_ms:.2f} p99 {r.closed.p99_ms:.2f} "
              f"errors {r.closed.errors}; open {r.open.rate:.1f}/s p50 {r.open.p50_ms:.2f} "
              f"p99 {r.open.p99_ms:.2f} errors {r.open.errors}; server CPU/event "
              f"{1e3 * r.closed_meter.server_cpu / max(1, r.closed.completed):.2f} ms; other "
              f"processes {r.closed_meter.other_cores:.2f} / {r.open_meter.other_cores:.2f} cores")
        if name == "ours":
            missing = [i for i in r.must_have_ids if i not in stored]
            print(f"  inbox: sent {len(set(r.sent_ids))}, stored {len(stored)}, missing {len(missing)}")
    if durability:
        print(f"  {durability}")
    return False


def main(argv=None) -> int:
    args = parse_args(argv)
    return main_guard(lambda run: bench(run, args), args.keep_tmp)


if __name__ == "__main__":
    sys.exit(main())
