"""Benchmarks, run on demand from the repository root: `python -m bench.<scenario>` (bench/README.md)."""
