"""What a load run measured, and how every benchmark turns figures into percentiles and verdicts."""
from __future__ import annotations

from dataclasses import dataclass, field


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
    """The nearest-rank percentile of already sorted values; NaN for none."""
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def ms(values: list[float], p: float, digits: int = 1) -> str:
    """The p-th percentile of sorted seconds, in milliseconds; "-" for none."""
    return f"{percentile(values, p) * 1e3:.{digits}f}" if values else "-"


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def against_target(label: str, value: float, target: float, unit: str, ok: bool, digits: int = 1) -> str:
    """One target line: the figure, its ratio to the target, and the verdict."""
    return (f"  target {label} <= {target:.0f} {unit}: {value:.{digits}f} {unit} = {value / target:.2f} x target  "
            f"{verdict(ok)}")
