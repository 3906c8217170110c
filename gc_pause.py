"""One rule for work that makes many short-lived objects and no cycles (counting thousands of
cases, writing a workbook): Python's cycle collector would start again and again while they pile
up, for nothing (reference counting frees them), so it waits until the work is done."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
