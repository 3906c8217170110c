"""gunicorn settings, read automatically from the working directory (the Procfile's web line)."""
import gc


def post_worker_init(worker):
    # Everything loaded so far (Flask, line-bot-sdk's models, the flows) lives as long as the
    # worker: freezing it keeps the garbage collector from re-scanning it, which otherwise
    # pauses a worker for 100-300 ms now and then, mid-request (seen in bench/bench_webhook.py).
    gc.freeze()
