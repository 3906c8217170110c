"""Optional py-spy profiles of a benchmark's processes, and their summary.

    python -m bench.profiling DIR [--focus FUNCTION]

By default only samples holding the GIL are kept (where the CPU goes, which is what bounds
a web worker's throughput); wall=True keeps idle samples too (where the time goes, which
is what a worker's latency is made of).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.harness import ROOT


def start_profiler(out_dir: Path, duration: float, pids: list[int], name: str, wall: bool = False):
    """py-spy record (sampling, non-blocking) of the given pids, one file each."""
    spy = shutil.which("py-spy")
    if not spy:
        print("  --profile: py-spy not found (pip install py-spy); no profile taken")
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for pid in pids:
        out = out_dir / f"{name}-{pid}.txt"
        procs.append(subprocess.Popen([spy, "record", "--pid", str(pid), "--duration", str(int(duration)),
                                       "--rate", "200", "--format", "raw", "--nonblocking",
                                       "--idle" if wall else "--gil", "-o", str(out)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True))
    return procs


def finish_profiler(procs, out_dir: Path) -> None:
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
    print(f"  profile (collapsed stacks) written to {out_dir}; summarise with "
          f"`python -m bench.profiling {out_dir} [--focus FUNCTION]`")


def summarise_profile(out_dir: Path, top: int = 25, focus: str | None = None) -> None:
    """Inclusive and self share of samples per function across the collapsed-stack files;
    with focus, the share of each direct callee of the first frame whose name starts so."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    callees: Counter = Counter()
    total = 0
    for path in sorted(Path(out_dir).glob("*.txt")):
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            frames = [_frame_key(f) for f in stack.split(";")]
            total += n
            for key in set(frames):
                inclusive[key] += n
            own[frames[-1]] += n
            if focus:
                for i, key in enumerate(frames):
                    if key.startswith(focus):
                        callees[frames[i + 1] if i + 1 < len(frames) else "<self>"] += n
                        break
    if not total:
        print("no samples")
        return
    print(f"{total} samples\n\nInclusive (function and what it calls):")
    for key, n in inclusive.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {key}")
    print("\nSelf time:")
    for key, n in own.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {key}")
    if focus:
        print(f"\nDirect callees of {focus} ({100 * sum(callees.values()) / total:.1f}% in all):")
        for key, n in callees.most_common(top):
            print(f"  {100 * n / total:5.1f}%  {key}")


def _frame_key(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:123)"; drop the line number
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", f"{ROOT}/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Summarise a --profile DIR of collapsed py-spy stacks.")
    p.add_argument("dir", type=Path)
    p.add_argument("--focus", metavar="FUNCTION", help="break down this function's direct callees")
    args = p.parse_args(argv)
    summarise_profile(args.dir, focus=args.focus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
