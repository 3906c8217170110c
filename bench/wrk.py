"""Closed-loop saturation runs with wrk (C, epoll, one thread) over pre-signed requests.

wrk spends far less CPU per request than any Python client, so on a 2-core machine more of
it is left to the server under test. A small Lua script reads the pre-signed requests from a
file and sends each exactly once (Debian: ``apt-get install -y wrk``).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

from bench.events import SignedRequest
from bench.results import RunResult

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
