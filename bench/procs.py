"""Processes a benchmark starts, and the CPU they (and everyone else) use, read from Linux's /proc.

Every process runs in a session of its own so that one killpg takes its children too
(gunicorn's workers, RQ's scheduler), whatever state the parent is in.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class Processes:
    """Every process a benchmark starts, each in its own session, all killed on close()."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []
        self.tmpdirs: list[str] = []

    def add(self, proc: subprocess.Popen) -> subprocess.Popen:
        self.procs.append(proc)
        return proc

    def start(self, cmd, **kw) -> subprocess.Popen:
        kw.setdefault("start_new_session", True)
        return self.add(subprocess.Popen(cmd, **kw))

    def tmpdir(self, prefix: str) -> Path:
        path = tempfile.mkdtemp(prefix=prefix)
        self.tmpdirs.append(path)
        return Path(path)

    def stop(self, proc: subprocess.Popen, grace: float = 5.0) -> None:
        if proc.returncode is None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        try:  # the whole session: gunicorn's workers too, should the master have died first
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(2)
        except (subprocess.TimeoutExpired, ChildProcessError):
            pass

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)
        self.procs.clear()

    def close(self, keep_tmp: bool = False) -> None:
        self.stop_all()
        if not keep_tmp:
            for path in self.tmpdirs:
                shutil.rmtree(path, ignore_errors=True)


def install_signal_handlers() -> None:
    """Turn SIGINT/SIGTERM/SIGHUP into KeyboardInterrupt so `finally:` cleanup always runs
    (SIGINT too: a shell starts background jobs with SIGINT ignored)."""
    def handler(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- CPU


def _stat_fields(pid) -> tuple[str, list[str]] | None:
    """(command name, the fields after it) of /proc/<pid>/stat, or None if it is gone."""
    try:
        head, tail = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
        return head.split("(", 1)[1], tail.split()
    except (OSError, IndexError, ValueError):
        return None


def _pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def proc_cpu_seconds(pids) -> float:
    """user+system CPU seconds of the given live processes."""
    total = 0
    for pid in pids:
        stat = _stat_fields(pid)
        if stat:
            total += int(stat[1][11]) + int(stat[1][12])
    return total / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    out = []
    for child in _pids():
        stat = _stat_fields(child)
        if stat and int(stat[1][1]) == pid:
            out.append(child)
    return out


def pids_named(name: str) -> list[int]:
    """Every process whose command name is `name` (e.g. the PostgreSQL server's, all shared)."""
    return [pid for pid in _pids() if (stat := _stat_fields(pid)) and stat[0] == name]


def _all_cpu() -> dict[int, tuple[str, int]]:
    out = {}
    for pid in _pids():
        stat = _stat_fields(pid)
        if stat:
            out[pid] = (stat[0], int(stat[1][11]) + int(stat[1][12]))
    return out


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return total - idle, total


def background_load(seconds: float = 1.0) -> tuple[float, list[tuple[float, int, str]]]:
    """(fraction of all cores busy, [(% of one core, pid, name), ...]) over `seconds`."""
    before, (b0, t0) = _all_cpu(), machine_jiffies()
    time.sleep(seconds)
    after, (b1, t1) = _all_cpu(), machine_jiffies()
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    top = sorted(((100.0 * (after[p][1] - before[p][1]) / tick / seconds, p, after[p][0])
                  for p in after if p in before and p != me and after[p][1] > before[p][1]), reverse=True)
    return (b1 - b0) / max(1, t1 - t0), top[:3]


def check_quiet_machine() -> str:
    """Warn when something else is using the CPU: the figures would be low and noisy."""
    busy, top = background_load(1.0)
    if busy < 0.15:
        return f"machine idle before the run ({100 * busy:.0f}% busy)"
    who = ", ".join(f"{name} (pid {pid}) {pct:.0f}%" for pct, pid, name in top)
    msg = (f"WARNING: {100 * busy:.0f}% of the CPU was busy before the run ({who}); "
           "figures will be lower and noisier than on a quiet machine")
    print("  " + msg, flush=True)
    return msg


class OthersCpu:
    """Cores' worth of CPU used, from now on, by processes that are not this benchmark's:
    the machine's busy time minus what `ours()` (CPU seconds of our processes) accounts for."""

    def __init__(self, ours):
        self.ours = ours
        self.o0, self.m0, self.t0 = ours(), machine_jiffies(), time.perf_counter()

    def cores(self) -> float:
        m1 = machine_jiffies()
        busy = (m1[0] - self.m0[0]) / os.sysconf("SC_CLK_TCK")
        return max(0.0, busy - (self.ours() - self.o0)) / (time.perf_counter() - self.t0)


def stop_gently(workers: list[tuple[subprocess.Popen, Path]], grace: float = 3.0) -> int:
    """SIGTERM (warm shutdown: a running job finishes), then SIGKILL what is left; returns
    how many needed the SIGKILL. Each worker is in its own session (its RQ scheduler too)."""
    for proc, _ in workers:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(proc.poll() is None for proc, _ in workers):
        time.sleep(0.05)
    stubborn = 0
    for proc, _ in workers:
        stubborn += proc.poll() is None
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)
    return stubborn


class CpuMeter:
    """CPU used during one phase: by the server, by Redis (and PostgreSQL), and by everything
    else on the machine. `server` has cpu(); `stack` has redis_cpu() and database_cpu()."""

    def __init__(self, server, stack):
        self.server, self.stack = server, stack

    def __enter__(self) -> CpuMeter:
        self.t0 = time.perf_counter()
        self.s0, self.r0, self.m0 = self.server.cpu(), self.stack.redis_cpu(), machine_jiffies()
        self.d0 = self.stack.database_cpu()
        self.me0 = sum(os.times()[:2])
        return self

    def __exit__(self, *exc) -> None:
        self.elapsed = time.perf_counter() - self.t0
        self.server_cpu = self.server.cpu() - self.s0
        self.redis_cpu = self.stack.redis_cpu() - self.r0
        self.db_cpu = self.stack.database_cpu() - self.d0
        m1 = machine_jiffies()
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
