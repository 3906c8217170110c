"""The bot's own HTTP/1.1 calls to LINE's API (sends, profiles), written and read by hand on kept-alive sockets.

urllib3 and http.client (whose header parsing goes through the email package) cost more CPU per reply
than the rest of sending it; a send needs only a request line, four headers, a JSON body, and back a
status and a body (Content-Length, chunked, or up to the close). HTTPS with the system's certificates.
"""
from __future__ import annotations

import select
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

CONNECT_ATTEMPTS = 3    # a connection that fails before the request went out is tried again at once, twice
IDLE_KEPT = 4           # idle connections kept per host
MAX_HEAD_BYTES = 65536  # a status line and headers longer than this are not LINE's


class Answer:
    __slots__ = ("status", "reason", "data")

    def __init__(self, status: int, reason: str, data: bytes):
        self.status, self.reason, self.data = status, reason, data


class HttpError(OSError):
    """An answer that is not HTTP, or cut short: counted like no answer."""


class LineHttp:
    """One host, its idle connections kept for the next call. Only a failure to connect is tried again:
    once a request went out, whether LINE took it is the caller's to decide (a reply token is single use).
    `timeout` bounds a whole call, connecting included."""

    def __init__(self, base_url: str, timeout: float):
        parts = urlsplit(base_url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (443 if self.https else 80)
        self.base_path = parts.path.rstrip("/")
        self.timeout = timeout
        self._host_header = parts.netloc.rpartition("@")[2].encode("ascii")
        self._tls = ssl.create_default_context() if self.https else None
        self._idle: list[_Connection] = []
        self._mutex = threading.Lock()

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Answer:
        """Send one request (path under the base URL's path) and read its whole answer."""
        deadline = time.monotonic() + self.timeout
        head = [f"{method} {self.base_path}{path} HTTP/1.1".encode("ascii"), b"Host: " + self._host_header]
        head += [f"{name}: {value}".encode("latin-1") for name, value in headers.items()]
        if body or method == "POST":
            head.append(b"Content-Length: " + str(len(body)).encode("ascii"))
        message = b"\r\n".join(head) + b"\r\n\r\n" + body
        connection = self._take(deadline)
        try:
            connection.send(message, deadline)
            answer, keep = connection.read_answer(method, deadline)
        except BaseException:
            connection.close()
            raise
        if keep:
            self._give_back(connection)
        else:
            connection.close()
        return answer

    def _take(self, deadline: float) -> _Connection:
        with self._mutex:
            while self._idle:
                connection = self._idle.pop()
                if connection.usable():
                    return connection
                connection.close()   # closed by LINE while idle, or left with bytes nobody asked for
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                return _Connection.open(self.host, self.port, self._tls, deadline)
            except OSError:
                if attempt == CONNECT_ATTEMPTS - 1 or time.monotonic() >= deadline:
                    raise
        raise AssertionError("unreachable")

    def _give_back(self, connection: _Connection) -> None:
        with self._mutex:
            if len(self._idle) < IDLE_KEPT:
                self._idle.append(connection)
                return
        connection.close()


class _Connection:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    @classmethod
    def open(cls, host: str, port: int, tls: ssl.SSLContext | None, deadline: float) -> _Connection:
        sock = socket.create_connection((host, port), timeout=_left(deadline))
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if tls is not None:
                sock = tls.wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
        return cls(sock)

    def usable(self) -> bool:
        """Idle and still open: nothing to read (a readable idle socket is closed or out of step)."""
        if self.buffer or (isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()):
            return False
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, message: bytes, deadline: float) -> None:
        self.sock.settimeout(_left(deadline))
        self.sock.sendall(message)

    def _more(self, deadline: float) -> bytes:
        self.sock.settimeout(_left(deadline))
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return chunk

    def _until(self, marker: bytes, deadline: float, limit: int) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            if len(self.buffer) > limit:
                raise HttpError("answer's head too long")
            if not self._more(deadline):
                raise HttpError("connection closed before the answer's head")
        found, self.buffer = self.buffer[:end], self.buffer[end + len(marker):]
        return found

    def _exactly(self, size: int, deadline: float) -> bytes:
        while len(self.buffer) < size:
            if not self._more(deadline):
                raise HttpError("connection closed inside the answer's body")
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found

    def read_answer(self, method: str, deadline: float) -> tuple[Answer, bool]:
        """The answer, and whether the connection may carry another request."""
        while True:
            head = self._until(b"\r\n\r\n", deadline, MAX_HEAD_BYTES).decode("latin-1").split("\r\n")
            version, _, rest = head[0].partition(" ")
            code, _, reason = rest.partition(" ")
            if not version.startswith("HTTP/1.") or not code.isdigit():
                raise HttpError("not an HTTP/1.x answer")
            status = int(code)
            if status >= 200 or status == 101:
                break   # 1xx interim answers (100 Continue) are skipped
        fields: dict[str, str] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        connection = fields.get("connection", "").lower()
        keep = "close" not in connection and (version != "HTTP/1.0" or "keep-alive" in connection)
        if method == "HEAD" or status in (204, 304):
            return Answer(status, reason, b""), keep
        if "chunked" in fields.get("transfer-encoding", "").lower():
            return Answer(status, reason, self._chunked(deadline)), keep
        length = fields.get("content-length")
        if length is not None:
            if not length.isdigit():
                raise HttpError("bad Content-Length")
            return Answer(status, reason, self._exactly(int(length), deadline)), keep
        while self._more(deadline):   # no length: the body ends with the connection
            pass
        data, self.buffer = self.buffer, b""
        return Answer(status, reason, data), False

    def _chunked(self, deadline: float) -> bytes:
        parts = []
        while True:
            size_line = self._until(b"\r\n", deadline, 1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise HttpError("bad chunk size") from None
            if size == 0:
                while self._until(b"\r\n", deadline, MAX_HEAD_BYTES):   # trailers, up to the blank line
                    pass
                return b"".join(parts)
            parts.append(self._exactly(size, deadline))
            self._exactly(2, deadline)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("LINE took longer than the call's timeout")
    return left
