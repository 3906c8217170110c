"""Lean load generation for the webhook benchmarks.

Everything a timed run sends is built and signed *before* the clock starts, so the
generator only writes ready bytes and reads answers. Two engines drive the same
pre-signed requests:

* ``wrk`` (C, epoll, one thread) for closed-loop saturation runs, when it is installed
  (Debian: ``apt-get install -y wrk``); a small Lua script reads the pre-signed requests
  from a file and sends each exactly once.
* a pure-Python, single-threaded ``selectors``/epoll client on raw non-blocking sockets,
  for fixed-rate open-loop runs (wrk cannot hold a rate) and as the closed-loop fallback
  when wrk is missing. It reuses a connection when the server keeps it alive (gunicorn's
  sync workers never do, so in practice it is one TCP connection per request, as for wrk).

Open-loop latency is measured from each request's *scheduled* send time, so a server
that falls behind is charged for the queueing it causes (no coordinated omission).
"""
from __future__ import annotations

import base64
import errno
import hashlib
import hmac
import json
import os
import random
import selectors
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------- requests


def line_user_ids(count: int, seed: str = "hotline-bench") -> list[str]:
    """`count` distinct, stable, LINE-shaped user ids ("U" + 32 hex digits)."""
    return ["U" + hashlib.md5(f"{seed}-{i}".encode()).hexdigest() for i in range(count)]


def text_event(user: str, text: str, event_id: str, reply_token: str, timestamp_ms: int) -> dict:
    """A LINE text-message event, shaped like tests/support/events.py's text_event."""
    return {
        "type": "message",
        "mode": "active",
        "timestamp": timestamp_ms,
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token,
        "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text,
                    "quoteToken": uuid.uuid4().hex},
    }


def sign(secret: str, body: bytes) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256(body, channel secret)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class SignedRequest:
    event_id: str
    reply_token: str
    user: str
    body: bytes
    signature: str


class EventFactory:
    """Makes signed one-event webhook bodies with unique webhookEventIds.

    Ids are ``<prefix><counter>`` padded to LINE's 26 characters, so everything a run
    stored can be found again with ``LIKE '<prefix>%'`` without touching other rows.
    """

    TEXTS = ["hello", "สวัสดี", "မင်္ဂလာပါ", "menu", "help", "I need a lawyer", "1", "2"]

    def __init__(self, secret: str, users: list[str], prefix: str | None = None,
                 destination: str = "Ubenchdestination000000000000000"):
        self.secret = secret
        self.users = users
        self.prefix = prefix or ("B" + uuid.uuid4().hex[:7].upper())
        self.destination = destination
        self.counter = 0
        self.random = random.Random(self.prefix)

    def make(self, count: int) -> list[SignedRequest]:
        out = []
        now_ms = int(time.time() * 1000)
        for _ in range(count):
            self.counter += 1
            event_id = f"{self.prefix}{self.counter:0{26 - len(self.prefix)}d}"
            user = self.users[self.counter % len(self.users)]
            reply_token = uuid.uuid4().hex
            text = f"{self.random.choice(self.TEXTS)} {self.counter}"
            event = text_event(user, text, event_id, reply_token, now_ms)
            body = json.dumps({"destination": self.destination, "events": [event]},
                              ensure_ascii=False, separators=(",", ":")).encode()
            out.append(SignedRequest(event_id, reply_token, user, body, sign(self.secret, body)))
        return out


def raw_http(req: SignedRequest, host: str, port: int, path: str = "/callback") -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: LineBotWebhook/2.0\r\n"
            f"Content-Type: application/json; charset=utf-8\r\nX-Line-Signature: {req.signature}\r\n"
            f"Content-Length: {len(req.body)}\r\n\r\n")
    return head.encode() + req.body


# --------------------------------------------------------------------------- results


@dataclass
class RunResult:
    engine: str
    mode: str                      # "closed" or "open"
    elapsed: float                 # seconds the run lasted (first send to last answer/stop)
    issued: int                    # requests written to a socket
    completed: int                 # full responses read
    ok: int                        # 2xx responses
    status_errors: int             # non-2xx responses
    io_errors: int                 # connect/read/write errors and timeouts
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    cpu_seconds: float             # CPU the generator itself used (user + system)
    target_rate: float | None = None
    exhausted: bool = False        # ran out of pre-signed requests before the time was up
    max_send_lag_ms: float = 0.0   # open loop: worst delay between schedule and actual send
    ok_in_window: int | None = None  # closed loop (Python): 2xx answered before the time was up
    # per-request detail (Python engine only): index -> (wall send time, latency s, status)
    detail: dict[int, tuple[float, float, int]] = field(default_factory=dict, repr=False)

    @property
    def rate(self) -> float:
        ok = self.ok if self.ok_in_window is None else self.ok_in_window
        return ok / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def errors(self) -> int:
        return self.status_errors + self.io_errors


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


# --------------------------------------------------------------------------- python engine


class _Conn:
    __slots__ = ("sock", "index", "t_sched", "t_start", "wall", "out", "buf", "state", "keepalive")

    def __init__(self, sock):
        self.sock = sock
        self.index = -1
        self.out = b""
        self.buf = bytearray()
        self.state = "connecting"
        self.keepalive = False


def _parse_response(buf: bytearray):
    """(status, complete, keepalive) once the head is in; None while it is not."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buf[:end]).decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    status = int(parts[1])
    length = 0
    keepalive = parts[0] == "HTTP/1.1"
    for line in head[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection":
            keepalive = value.strip().lower() == "keep-alive" or (keepalive and value.strip().lower() != "close")
    return status, len(buf) - end - 4 >= length, keepalive


class PyLoad:
    """A single-threaded epoll HTTP/1.1 client over pre-built request bytes."""

    def __init__(self, host: str, port: int, payloads: list[bytes], timeout: float = 10.0):
        self.addr = (host, port)
        self.payloads = payloads
        self.timeout = timeout
        self.sel = selectors.DefaultSelector()
        self.idle: list[_Conn] = []
        self.active: set[_Conn] = set()
        self.detail: dict[int, tuple[float, float, int]] = {}
        self.latencies: list[float] = []
        self.ok = self.status_errors = self.io_errors = self.completed = self.issued = 0

    # one request on a (new or idle) connection
    def _start(self, index: int, t_sched: float) -> None:
        if self.idle:
            conn = self.idle.pop()
            conn.state = "sending"
            self.sel.modify(conn.sock, selectors.EVENT_WRITE, conn)
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            err = sock.connect_ex(self.addr)
            if err not in (0, errno.EINPROGRESS):
                sock.close()
                self.io_errors += 1
                return
            conn = _Conn(sock)
            conn.state = "sending"
            self.sel.register(sock, selectors.EVENT_WRITE, conn)
        conn.index = index
        conn.t_sched = t_sched
        conn.t_start = time.perf_counter()
        conn.wall = time.time()
        conn.out = self.payloads[index]
        conn.buf = bytearray()
        self.active.add(conn)
        self.issued += 1

    def _close(self, conn: _Conn) -> None:
        try:
            self.sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        conn.sock.close()
        self.active.discard(conn)

    def _fail(self, conn: _Conn) -> None:
        self.io_errors += 1
        self.detail[conn.index] = (conn.wall, float("nan"), 0)
        self._close(conn)

    def _finish(self, conn: _Conn, status: int, keepalive: bool, since_sched: bool) -> None:
        now = time.perf_counter()
        latency = now - (conn.t_sched if since_sched else conn.t_start)
        self.completed += 1
        if 200 <= status < 300:
            self.ok += 1
        else:
            self.status_errors += 1
        self.latencies.append(latency)
        self.detail[conn.index] = (conn.wall, latency, status)
        self.active.discard(conn)
        if keepalive:
            conn.state = "idle"
            self.sel.modify(conn.sock, selectors.EVENT_READ, conn)  # notice a server-side close
            self.idle.append(conn)
        else:
            self.sel.unregister(conn.sock)
            conn.sock.close()

    def _pump(self, timeout: float, since_sched: bool) -> int:
        """Handle ready sockets; return how many requests finished."""
        finished = 0
        for key, _mask in self.sel.select(timeout):
            conn: _Conn = key.data
            if conn.state == "idle":            # server closed an idle keep-alive connection
                self.idle.remove(conn)
                self.sel.unregister(conn.sock)
                conn.sock.close()
                continue
            if conn.state == "sending":
                try:
                    sent = conn.sock.send(conn.out)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    self._fail(conn)
                    finished += 1
                    continue
                conn.out = conn.out[sent:]
                if not conn.out:
                    conn.state = "reading"
                    self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
                continue
            try:
                data = conn.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                self._fail(conn)
                finished += 1
                continue
            if data:
                conn.buf += data
            parsed = _parse_response(conn.buf) if conn.buf else None
            if parsed and parsed[1]:
                self._finish(conn, parsed[0], parsed[2] and bool(data), since_sched)
                finished += 1
            elif not data:
                self._fail(conn)
                finished += 1
        return finished

    def _expire(self, now: float) -> None:
        for conn in [c for c in self.active if now - c.t_start > self.timeout]:
            self._fail(conn)

    def _drain(self, deadline: float, since_sched: bool) -> None:
        while self.active and time.perf_counter() < deadline:
            self._pump(0.05, since_sched)
            self._expire(time.perf_counter())
        for conn in list(self.active):
            self._fail(conn)
        for conn in self.idle:
            self.sel.unregister(conn.sock)
            conn.sock.close()
        self.idle.clear()

    def _result(self, mode: str, elapsed: float, cpu: float, **extra) -> RunResult:
        lat = sorted(self.latencies)
        return RunResult("python", mode, elapsed, self.issued, self.completed, self.ok,
                         self.status_errors, self.io_errors,
                         percentile(lat, 50) * 1e3, percentile(lat, 90) * 1e3,
                         percentile(lat, 99) * 1e3, (lat[-1] if lat else float("nan")) * 1e3,
                         cpu, detail=self.detail, **extra)

    def closed(self, concurrency: int, duration: float) -> RunResult:
        """Keep `concurrency` requests in flight for `duration` seconds."""
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        stop_at = t0 + duration
        nxt = 0
        n = len(self.payloads)
        while nxt < min(concurrency, n):
            self._start(nxt, time.perf_counter())
            nxt += 1
        while time.perf_counter() < stop_at:
            self._pump(0.05, False)
            self._expire(time.perf_counter())
            while len(self.active) < concurrency and nxt < n and time.perf_counter() < stop_at:
                self._start(nxt, time.perf_counter())
                nxt += 1
            if nxt >= n and not self.active:
                break
        elapsed = time.perf_counter() - t0
        exhausted = nxt >= n
        # answers that come after the time is up are read (they were sent) but not rated
        ok_at_stop = self.ok
        self._drain(time.perf_counter() + self.timeout, False)
        return self._result("closed", elapsed, time.process_time() - cpu0, exhausted=exhausted,
                            ok_in_window=ok_at_stop)

    def open(self, rate: float, duration: float, max_in_flight: int = 1000) -> RunResult:
        """Send at a fixed `rate` for `duration` seconds, whatever the answers do."""
        cpu0 = time.process_time()
        n = min(len(self.payloads), int(rate * duration))
        t0 = time.perf_counter() + 0.01
        max_lag = 0.0
        nxt = 0
        skipped = 0
        while nxt < n:
            now = time.perf_counter()
            while nxt < n and t0 + nxt / rate <= now:
                sched = t0 + nxt / rate
                if len(self.active) >= max_in_flight:
                    skipped += 1          # would need more sockets than allowed: count as error
                    self.io_errors += 1
                else:
                    self._start(nxt, sched)
                    max_lag = max(max_lag, time.perf_counter() - sched)
                nxt += 1
                now = time.perf_counter()
            wait = (t0 + nxt / rate - time.perf_counter()) if nxt < n else 0.0
            self._pump(max(0.0, wait), True)
            self._expire(time.perf_counter())
        self._drain(time.perf_counter() + self.timeout, True)
        elapsed = time.perf_counter() - t0
        return self._result("open", elapsed, time.process_time() - cpu0, target_rate=rate,
                            max_send_lag_ms=max_lag * 1e3)


def python_closed(host, port, requests: list[SignedRequest], concurrency: int, duration: float) -> RunResult:
    return PyLoad(host, port, [raw_http(r, host, port) for r in requests]).closed(concurrency, duration)


def python_open(host, port, requests: list[SignedRequest], rate: float, duration: float) -> RunResult:
    return PyLoad(host, port, [raw_http(r, host, port) for r in requests]).open(rate, duration)


# --------------------------------------------------------------------------- wrk engine

WRK_LUA = r"""
-- Sends each pre-signed request of the file named by the first script argument once.
local reqs, n, idx = {}, 0, 1
local probed = false
issued, exhausted = 0, 0
local threads = {}

function setup(thread) table.insert(threads, thread) end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  for line in f:lines() do
    local tab = line:find("\t", 1, true)
    n = n + 1
    reqs[n] = wrk.format("POST", "/callback",
      {["Content-Type"] = "application/json; charset=utf-8", ["User-Agent"] = "LineBotWebhook/2.0",
       ["X-Line-Signature"] = line:sub(1, tab - 1)}, line:sub(tab + 1))
  end
  f:close()
end

function request()
  -- wrk 4 calls request() once before the run to check for pipelining and never sends
  -- that request: give it the first line, a probe the caller does not count as sent.
  if not probed then
    probed = true
    return reqs[1]
  end
  if idx >= n then
    exhausted = 1
    wrk.thread:stop()
    return reqs[n]
  end
  idx = idx + 1
  issued = idx - 1
  return reqs[idx]
end

function done(summary, latency, requests)
  local iss, exh = 0, 0
  for _, t in ipairs(threads) do iss = iss + t:get("issued"); exh = exh + t:get("exhausted") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"issued":%d,"exhausted":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, iss, exh))
end
"""


def find_wrk(install: bool = False) -> str | None:
    """wrk's path; with install=True try Debian's package once (root only)."""
    path = shutil.which("wrk")
    if path or not install:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  wrk not found: trying `apt-get install -y wrk` ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

        def apt(*args) -> bool:
            try:
                return subprocess.run(["apt-get", *args], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, timeout=180).returncode == 0
            except subprocess.TimeoutExpired:
                return False

        if not apt("install", "-y", "-qq", "wrk"):   # the package lists may be missing: update once
            apt("update", "-qq") and apt("install", "-y", "-qq", "wrk")
    path = shutil.which("wrk")
    if not path:
        print("  wrk could not be installed", flush=True)
    return path


class Wrk:
    """Closed-loop runs with wrk (one thread) over pre-signed requests."""

    def __init__(self, binary: str, workdir: Path, register=None):
        self.binary = binary
        self.workdir = Path(workdir)
        self.script = self.workdir / "presigned.lua"
        self.script.write_text(WRK_LUA)
        self.register = register or (lambda proc: None)

    def closed(self, host: str, port: int, requests: list[SignedRequest], concurrency: int,
               duration: float, timeout: float = 10.0) -> RunResult:
        """Send requests[1:] in order; requests[0] is wrk's probe, never sent (see WRK_LUA).

        RunResult.issued counts requests sent, so requests[1:1 + issued] went out.
        """
        data = self.workdir / f"requests-{uuid.uuid4().hex[:8]}.tsv"
        with open(data, "wb") as f:
            for r in requests:
                f.write(r.signature.encode() + b"\t" + r.body + b"\n")
        cmd = [self.binary, "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s",
               f"--timeout={int(timeout)}s", "-s", str(self.script),
               f"http://{host}:{port}/callback", "--", str(data)]
        errfile = self.workdir / "wrk.stderr"
        with open(errfile, "wb") as errf:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, start_new_session=True)
        self.register(proc)
        # read everything, then reap with wait4 to get the child's own CPU use
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        err = errfile.read_bytes()
        data.unlink(missing_ok=True)
        text = out.decode(errors="replace")
        line = next((row for row in text.splitlines() if row.startswith("WRKJSON ")), None)
        if proc.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed ({proc.returncode}): {text}\n{err.decode(errors='replace')}")
        j = json.loads(line[len("WRKJSON "):])
        elapsed = j["duration_us"] / 1e6
        io_errors = j["connect"] + j["read"] + j["write"] + j["timeout"]
        return RunResult("wrk", "closed", elapsed, j["issued"], j["requests"],
                         j["requests"] - j["status"], j["status"], io_errors,
                         j["p50"] / 1e3, j["p90"] / 1e3, j["p99"] / 1e3, j["max"] / 1e3,
                         usage.ru_utime + usage.ru_stime, exhausted=bool(j["exhausted"]))


# --------------------------------------------------------------------------- processes


def proc_cpu_seconds(pids) -> float:
    """user+system CPU seconds of the given live processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def children_of(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return out


def _all_cpu() -> dict[int, tuple[str, int]]:
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                head, tail = stat.rsplit(")", 1)
                fields = tail.split()
                out[int(entry)] = (head.split("(", 1)[1], int(fields[11]) + int(fields[12]))
            except (OSError, IndexError, ValueError):
                pass
    return out


def _machine_jiffies() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return total - idle, total


def background_load(seconds: float = 1.0) -> tuple[float, list[tuple[float, int, str]]]:
    """(fraction of all cores busy, [(% of one core, pid, name), ...]) over `seconds`."""
    before, (b0, t0) = _all_cpu(), _machine_jiffies()
    time.sleep(seconds)
    after, (b1, t1) = _all_cpu(), _machine_jiffies()
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    top = sorted(((100.0 * (after[p][1] - before[p][1]) / tick / seconds, p, after[p][0])
                  for p in after if p in before and p != me and after[p][1] > before[p][1]), reverse=True)
    return (b1 - b0) / max(1, t1 - t0), top[:3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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

    def close(self, keep_tmp: bool = False) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)
        self.procs.clear()
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
