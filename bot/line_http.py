"""The bot's own HTTP/1.1 calls to LINE's API (sends, profiles) on kept-alive connections.

The standard library's http.client does the protocol (framing, chunked bodies, interim answers);
this module only keeps the connections and decides what is safe to try again. urllib3's pool on
top of it cost more CPU per reply than the rest of sending it (timeouts, retries and response
objects a send does not use). HTTPS with the system's certificates.
"""
from __future__ import annotations

import http.client
import select
import ssl
import threading
from urllib.parse import urlsplit

CONNECT_ATTEMPTS = 3    # a connection that fails before the request went out is tried again at once, twice
IDLE_KEPT = 4           # idle connections kept per host


class Answer:
    __slots__ = ("status", "reason", "data")

    def __init__(self, status: int, reason: str, data: bytes):
        self.status, self.reason, self.data = status, reason, data


class HttpError(OSError):
    """An answer that is not HTTP, or cut short: counted like no answer."""


class LineHttp:
    """One host, its idle connections kept for the next call. Only a failure to connect is tried again:
    once a request went out, whether LINE took it is the caller's to decide (a reply token is single use).
    `timeout` bounds each step of a call (connecting, sending, each read)."""

    def __init__(self, base_url: str, timeout: float):
        parts = urlsplit(base_url)
        self.base_path = parts.path.rstrip("/")
        host, port = parts.hostname or "localhost", parts.port
        if parts.scheme == "https":
            tls = ssl.create_default_context()
            self._new = lambda: http.client.HTTPSConnection(host, port, timeout=timeout, context=tls)
        else:
            self._new = lambda: http.client.HTTPConnection(host, port, timeout=timeout)
        self._idle: list[http.client.HTTPConnection] = []
        self._mutex = threading.Lock()

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Answer:
        """Send one request (path under the base URL's path) and read its whole answer."""
        connection = self._take()
        try:
            connection.request(method, self.base_path + path, body or None, headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.reason, response.read())
        except http.client.HTTPException as exc:      # not HTTP, or cut short
            connection.close()
            raise HttpError(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self._give_back(connection)
        return answer

    def _take(self) -> http.client.HTTPConnection:
        with self._mutex:
            while self._idle:
                connection = self._idle.pop()
                if _usable(connection):
                    return connection
                connection.close()   # closed by LINE while idle, or left with bytes nobody asked for
        connection = self._new()
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                connection.connect()
                return connection
            except OSError:
                connection.close()
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._mutex:
            if len(self._idle) < IDLE_KEPT:
                self._idle.append(connection)
                return
        connection.close()


def _usable(connection: http.client.HTTPConnection) -> bool:
    """Idle and still open: nothing to read (a readable idle socket is closed or out of step).
    http.client would otherwise send on it and only then find it closed: too late to try again."""
    sock = connection.sock
    if sock is None or (isinstance(sock, ssl.SSLSocket) and sock.pending()):
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable
