"""The pure-Python load generator: one thread, ``selectors``/epoll, raw non-blocking sockets.

It drives fixed-rate open-loop runs (wrk cannot hold a rate) and closed-loop runs where wrk
is missing. It reuses a connection when the server keeps it alive (gunicorn's sync workers
never do, so in practice it is one TCP connection per request, as for wrk). Open-loop
latency is measured from each request's *scheduled* send time, so a server that falls
behind is charged for the queueing it causes (no coordinated omission).
"""
from __future__ import annotations

import errno
import selectors
import socket
import time

from bench.events import SignedRequest, raw_http
from bench.results import RunResult, percentile


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
            sending = conn.state == "sending"
            try:
                if sending:
                    sent = conn.sock.send(conn.out)
                else:
                    data = conn.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                self._fail(conn)
                finished += 1
                continue
            if sending:
                conn.out = conn.out[sent:]
                if not conn.out:
                    conn.state = "reading"
                    self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
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
