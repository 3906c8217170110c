"""The webhook benchmark's load on one app: warm-up, closed loop, open loop, and the ids it must have stored."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.events import EventFactory
from bench.harness import Server, Stack
from bench.procs import CpuMeter, children_of
from bench.profiling import finish_profiler, start_profiler
from bench.pyload import python_closed, python_open
from bench.results import RunResult
from bench.wrk import Wrk


@dataclass
class TargetResult:
    name: str
    closed: RunResult
    open: RunResult
    closed_meter: CpuMeter
    open_meter: CpuMeter
    sent_ids: list[str] = field(default_factory=list)
    must_have_ids: list[str] = field(default_factory=list)    # ids that were certainly answered 200


def pool_size(seen_rate: float, duration: float) -> int:
    """Pre-signed requests for a closed-loop run, from the best rate seen so far: on a shared
    machine a run can go twice as fast as the one before it (a pool sized at 1.6x ran out)."""
    return int(max(seen_rate, 100) * duration * 3) + 2000


def run_closed(server: Server, requests, duration: float, args, wrk: Wrk | None,
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
        res = python_closed(host, port, requests, args.connections, duration)
        sent.extend(requests[i].event_id for i in res.detail)
        must.extend(requests[i].event_id for i, d in res.detail.items() if 200 <= d[2] < 300)
    if res.exhausted:
        print(f"  WARNING: {server.name}: ran out of pre-signed requests before the time was up; "
              "its throughput is understated (raise --max-rate-guess)")
    return res


def bench_target(server: Server, stack: Stack, factory: EventFactory, args, wrk: Wrk | None,
                 profile_dir: Path | None = None) -> TargetResult:
    sent: list[str] = []
    must: list[str] = []

    def closed(requests, duration):
        return run_closed(server, requests, duration, args, wrk, sent, must)

    # warm-up: generously sized; its rate sizes the timed run's pool of requests
    print(f"  {server.name}: warm-up {args.warmup:.0f}s ...", flush=True)
    warm = closed(factory.make(int(args.warmup * args.max_rate_guess)), args.warmup)
    requests = factory.make(pool_size(warm.rate, args.duration))

    print(f"  {server.name}: closed loop {args.duration:.0f}s, {args.connections} connections ...", flush=True)
    profiler = (start_profiler(profile_dir, args.duration, children_of(server.proc.pid), server.name)
                if profile_dir else None)
    with CpuMeter(server, stack) as closed_meter:
        res_closed = closed(requests, args.duration)
    if wrk:
        closed_meter.loadgen_extra = res_closed.cpu_seconds
    if profiler:
        finish_profiler(profiler, profile_dir)

    time.sleep(0.5)
    open_requests = factory.make(int(args.rate * args.open_duration))
    print(f"  {server.name}: open loop {args.rate:.0f}/s for {args.open_duration:.0f}s ...", flush=True)
    with CpuMeter(server, stack) as open_meter:
        res_open = python_open("127.0.0.1", server.port, open_requests, args.rate, args.open_duration)
    sent.extend(open_requests[i].event_id for i in res_open.detail)
    must.extend(open_requests[i].event_id for i, d in res_open.detail.items() if 200 <= d[2] < 300)
    return TargetResult(server.name, res_closed, res_open, closed_meter, open_meter, sent, must)


def more_rounds(servers: dict[str, Server], results: dict[str, TargetResult], factories, args,
                wrk: Wrk | None) -> list[dict[str, float]]:
    """Every round's closed-loop throughput per app; after the first, the apps take turns to go first."""
    rounds = [{name: r.closed.rate for name, r in results.items()}]
    for n in range(2, args.rounds + 1):
        order = list(servers) if n % 2 else list(reversed(servers))
        rates = {}
        for name in order:
            print(f"  round {n}: {name} closed loop {args.duration:.0f}s ...", flush=True)
            requests = factories[name].make(pool_size(max(r[name] for r in rounds), args.duration))
            res = run_closed(servers[name], requests, args.duration, args, wrk,
                             results[name].sent_ids, results[name].must_have_ids)
            rates[name] = res.rate
        rounds.append(rates)
    return rounds
