"""bot/line_http.py: LINE's answers read whole however they are framed, connections kept and replaced,
and no request sent twice."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest

from bot.line_http import HttpError, LineHttp


@contextmanager
def scripted(answers: list[bytes], close_after: bool = False):
    """A server on a free port that answers each request it reads with the next of `answers`
    (closing the connection after each one when close_after). Yields (base URL, requests seen,
    connections accepted)."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []
    accepted = []

    def read_request(conn) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += conn.recv(65536)
        return head + b"\r\n\r\n" + body

    def serve():
        while answers:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            while answers:
                request = read_request(conn)
                if request is None:
                    break
                seen.append(request)
                conn.sendall(answers.pop(0))
                if close_after:
                    conn.close()
                    break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/base", seen, accepted
    finally:
        listener.close()
        for conn in accepted:
            conn.close()


OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def test_a_request_goes_out_whole_and_kept_alive_connections_carry_the_next():
    with scripted([OK, OK, OK]) as (url, seen, accepted):
        http = LineHttp(url, timeout=5)
        for n in range(3):
            answer = http.request("POST", "/v2/bot/message/reply", {"Authorization": "Bearer t"}, b'{"n":%d}' % n)
            assert (answer.status, answer.data) == (200, b"{}")
    assert len(accepted) == 1
    assert seen[0].startswith(b"POST /base/v2/bot/message/reply HTTP/1.1\r\n")
    assert b"\r\nHost: 127.0.0.1:" in seen[0] and b"\r\nAuthorization: Bearer t\r\n" in seen[0]
    assert b"\r\nContent-Length: 7\r\n" in seen[2] and seen[2].endswith(b'{"n":2}')


def test_chunked_and_unframed_bodies_and_interim_answers_are_read_whole():
    chunked = (b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\n{\"mes\r\nc;x=y\r\nsage\":\"bad\"}\r\n0\r\n\r\n")
    interim = b"HTTP/1.1 100 Continue\r\n\r\n" + OK
    unframed = b"HTTP/1.0 409 Conflict\r\n\r\n{\"message\":\"already\"}"
    with scripted([chunked]) as (url, _, _):
        answer = LineHttp(url, timeout=5).request("POST", "/a", {}, b"{}")
        assert (answer.status, answer.data) == (400, b'{"message":"bad"}')
    with scripted([interim]) as (url, _, _):
        assert LineHttp(url, timeout=5).request("POST", "/a", {}, b"{}").data == b"{}"
    with scripted([unframed], close_after=True) as (url, _, _):
        answer = LineHttp(url, timeout=5).request("POST", "/a", {}, b"{}")
        assert (answer.status, answer.reason, answer.data) == (409, "Conflict", b'{"message":"already"}')


def test_a_connection_the_server_closed_is_replaced_before_the_next_request():
    closing = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    with scripted([closing, OK], close_after=True) as (url, seen, accepted):
        http = LineHttp(url, timeout=5)
        assert http.request("POST", "/a", {}, b"1").status == 200
        assert http.request("POST", "/a", {}, b"2").status == 200
    assert len(accepted) == 2 and len(seen) == 2


def test_an_idle_connection_closed_by_the_server_is_not_reused():
    with scripted([OK, OK], close_after=True) as (url, seen, accepted):   # closes without saying so
        http = LineHttp(url, timeout=5)
        assert http.request("POST", "/a", {}, b"1").status == 200
        time.sleep(0.2)   # the close has reached us
        assert http.request("POST", "/a", {}, b"2").status == 200
    assert len(accepted) == 2 and [request[-1:] for request in seen] == [b"1", b"2"]


def test_an_answer_cut_short_is_an_error_and_the_request_is_not_sent_again():
    cut = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}"
    with scripted([cut], close_after=True) as (url, seen, _), pytest.raises(HttpError):
        LineHttp(url, timeout=5).request("POST", "/a", {}, b"{}")
    assert len(seen) == 1


def test_no_answer_in_time_is_a_timeout_and_nothing_listening_fails_to_connect():
    listener = socket.create_server(("127.0.0.1", 0))   # accepts (backlog) but never answers
    try:
        started = time.monotonic()
        with pytest.raises(OSError):
            LineHttp(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.5).request("POST", "/a", {}, b"{}")
        assert time.monotonic() - started < 2
    finally:
        listener.close()
    with pytest.raises(OSError):
        LineHttp("http://127.0.0.1:9", timeout=1).request("POST", "/a", {}, b"{}")


def test_not_http_is_an_error():
    with scripted([b"SSH-2.0-OpenSSH\r\n\r\n"]) as (url, _, _), pytest.raises(HttpError):
        LineHttp(url, timeout=5).request("GET", "/a", {})
