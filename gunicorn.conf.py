"""gunicorn settings, read automatically from the working directory (the Procfile's web line)."""
import gc
import sys

from settings import Settings

workers = Settings.from_env().web_workers   # WEB_CONCURRENCY, else by database

# The access log (the Procfile's --access-logfile) with the dashboard's sign-in tokens cut out.
logger_class = "web_access_log.AccessLogger"


def on_starting(server):
    """Refuse in the master, before any worker boots, with one line on stderr and exit 1: without
    real secrets (app.check_startup) or on a schema not at Alembic head (the release step did not
    run), instead of a worker traceback per boot or 500s for every event."""
    from app import StartupRefused, check_startup
    from settings import Settings
    from storage import migrate

    settings = Settings.from_env()
    try:
        check_startup(settings)
        migrate.require_head(settings.database_url)
    except (StartupRefused, migrate.SchemaNotReady) as exc:
        print(f"web: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)


def post_worker_init(worker):
    # Everything loaded so far (Flask, line-bot-sdk's models, the flows) lives as long as the
    # worker: freezing it keeps the garbage collector from re-scanning it, which otherwise
    # pauses a worker now and then, mid-request.
    gc.freeze()
