"""`flask worker --burst` (scripts and benchmarks use it) drains the queue and exits 0."""
from __future__ import annotations


def test_a_burst_worker_ends_cleanly_once_the_queue_is_empty(app):
    """Its dispatcher never started in burst mode, so there is no thread to wait for at the end."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["worker", "--burst", "--without-scheduler"])
    assert result.exit_code == 0, repr(result.exception)
