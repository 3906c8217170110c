"""The faults: what is broken, when, for how long, and how it is put right again."""
from __future__ import annotations

import glob
import os
import pwd
import signal
import subprocess
import threading
import time
from pathlib import Path

import requests

from bench.line import api
from bench.procs import Processes, free_port


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
        self.port = free_port()
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


class Fault(threading.Thread):
    """Injects one fault `at` seconds after the load starts, and takes it away again."""

    def __init__(self, kind: str, ctx, at: float, args):
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
        ctx.stack.restart_redis()
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
        ctx.worker = ctx.stack.start_worker(ctx.env, "worker-2")
        self.ended = time.time()
        reporters = " (a reporter's chat)" if self.args.kill_during == "report" else ""
        self.detail = (f"worker pid {proc.pid} SIGKILLed (process group) "
                       + (f"while running job {job}" + reporters if job else "(no job seen running within 30 s)")
                       + "; a new worker started at once")

    def _reporters_job(self, job_class, job_id: str, conn) -> bool:
        """--kill-during report: is this job processing a reporter's chat (a Send tap)? A drain job
        works through many chats: the one in hand is the one whose chat lock is held (one worker)."""
        from worker.queue import CHAT_LOCK_PREFIX
        try:
            job = job_class.fetch(job_id, connection=conn)
            if job.func_name.rsplit(".", 1)[-1] == "process_chat":
                return job.args[0] in self.ctx.reporters
            held = {key.decode().removeprefix(CHAT_LOCK_PREFIX) for key in conn.scan_iter(f"{CHAT_LOCK_PREFIX}*")}
            return bool(held & set(self.ctx.reporters))
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
