"""bench.dashboard: the committees' dashboard pages on a database of 10,000 demo cases, per role.

A fresh database (SQLite, or a temporary PostgreSQL database with --database-url) is migrated
by the release step, the example directory and `--count` demo cases (storage/demo_cases.py) are
loaded, and the app is built in this process. One officer of each level (district, provincial,
national) is signed in through a server-side session (storage/dashboard_sessions.start and the
session cookie, as the sign-in link would leave it) and made an administrator for the run, so
the administrators' pages are timed for every level. Each page that exists in this tree is
requested `--warmup` times, then `--repeat` times timed (Flask's test client: the app's whole
request handling, no network); a page whose endpoint does not exist is listed as skipped.

Prints p50/p95/max per page and role against the target (p95 <= 300 ms). Exports are files, not
pages: their times are printed for reference (a national export holds every case) and are not held
to the pages' target. Exit code: 0 every page's p95 met, 1 a target missed, 2 the run failed (a
page answered an error or sent to sign-in), 130 interrupted.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.harness import Stack, common_args, main_guard
from bench.results import percentile, verdict

TARGET_MS = 300.0
ROLES = (("district", "CRI-5709-1"), ("province", "CRI-57-1"), ("national", "TH-NATIONAL-1"))


@dataclass(frozen=True)
class Page:
    name: str
    endpoint: str
    args: dict
    query: dict
    filtered: bool = False         # the list under --filter's query
    download: bool = False         # a file (an export): timed, shown, not held to the pages' target
    uncached: bool = False         # the numbers counted afresh each time (the page keeps them a minute)


# The pages other parts build; {reference} and {photo_id} are filled per role.
PAGES = (
    Page("home", "dashboard.home", {}, {}),
    Page("case list", "dashboard.case_list", {}, {}),
    Page("filtered list", "dashboard.case_list", {}, {}, filtered=True),
    Page("list page 3", "dashboard.case_list", {}, {"page": "3"}),
    Page("case page", "dashboard.case_page", {"reference": "{reference}"}, {}),
    Page("case photo", "dashboard.case_photo", {"reference": "{reference}", "photo_id": "{photo_id}"}, {}),
    Page("list CSV", "dashboard.case_list_export", {"fmt": "csv"}, {}, download=True),
    Page("list XLSX", "dashboard.case_list_export", {"fmt": "xlsx"}, {}, download=True),
    Page("numbers", "dashboard.numbers", {}, {}),
    Page("numbers afresh", "dashboard.numbers", {}, {}, uncached=True),
    Page("numbers CSV", "dashboard.numbers_export", {"fmt": "csv"}, {}, download=True),
    Page("numbers XLSX", "dashboard.numbers_export", {"fmt": "xlsx"}, {}, download=True),
    Page("directory", "dashboard.directory", {}, {}),
    Page("access log", "dashboard.access_log", {}, {}),
)


def parse_args(argv=None) -> argparse.Namespace:
    p = common_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    p.add_argument("--count", type=int, default=10_000, help="demo cases to load (default 10000)")
    p.add_argument("--repeat", type=int, default=20, help="timed requests per page and role")
    p.add_argument("--warmup", type=int, default=2, help="untimed requests per page and role first")
    p.add_argument("--target-ms", type=float, default=TARGET_MS, help="p95 target per page (ms)")
    p.add_argument("--filter", default="kind=self&sector=fishing",
                   help="the filtered list's query string (default: %(default)s)")
    return p.parse_args(argv)


def build_app(stack: Stack):
    """The app on the run's database, in development (dev secrets are fine: nothing leaves the process)."""
    from app import create_app
    from settings import Settings

    settings = Settings(environment="development", database_url=stack.database_url,
                        redis_url="redis://127.0.0.1:9/0",        # never used: no page queues a job
                        instance_dir=stack.tmp / "instance", line_api_base="http://127.0.0.1:9",
                        line_api_data_base="http://127.0.0.1:9")
    return create_app(settings)


def load_data(app, count: int) -> float:
    """The example directory, `count` demo cases, and one photo on the newest case; returns seconds."""
    from sqlalchemy import update

    from storage import demo_cases
    from storage.demo_cli import EXAMPLE_DIRECTORY
    from storage.directory_file import load_directory, read_directory_file
    from storage.models import Officer

    db = app.extensions["hotline"].db
    started = time.monotonic()
    with db.transaction() as session:
        load_directory(session, read_directory_file(EXAMPLE_DIRECTORY))
        session.execute(update(Officer).where(Officer.id.in_([officer for _, officer in ROLES])).values(admin=True))
        demo_cases.seed(session, count, seed=1, now=datetime.now(UTC))
    return time.monotonic() - started


def role_client(app, officer_id: str):
    """A test client with a live dashboard session for the officer, and the reference and photo id
    of the newest case the officer may read (a photo is stored on it for the photo page)."""
    from sqlalchemy import select

    from storage import case_photos, case_scope, dashboard_sessions
    from storage.models import Case, Officer

    db = app.extensions["hotline"].db
    with db.transaction() as session:
        raw = dashboard_sessions.start(session, officer_id, datetime.now(UTC), "th")
        scope = case_scope.scope_of(session, session.get(Officer, officer_id))
        case_id, reference = session.execute(select(Case.id, Case.reference).where(case_scope.visible(scope))
                                             .order_by(Case.id.desc()).limit(1)).one()
        case_photos.store(session, case_id, 0, "image/png", _png())
        ((photo_id, _, _),) = case_photos.photos_of(session, case_id)
    client = app.test_client()
    with client.session_transaction("/dashboard/") as cookie:
        cookie["sid"] = raw
    return client, {"reference": reference, "photo_id": photo_id}


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 90, 90)).save(out, format="PNG")
    return out.getvalue()


def page_url(app, page: Page, values: dict, filter_query: str) -> str:
    from flask import url_for

    args = {key: (value.format(**values) if isinstance(value, str) else value) for key, value in page.args.items()}
    with app.test_request_context():
        url = url_for(page.endpoint, **args, **page.query)
    return f"{url}?{filter_query}" if page.filtered else url


def refused(answer) -> int | None:
    """The status of an answer that is not the page: an error, or a redirect to the signed-out page
    (a redirect elsewhere, such as /dashboard/ to the list, is the page's answer)."""
    if answer.status_code >= 400 or "signed-out" in answer.headers.get("Location", ""):
        return answer.status_code
    return None


def time_page(client, url: str, warmup: int, repeat: int, forget=None) -> tuple[list[float], int | None]:
    """Seconds per timed request (sorted), and the first refused status (None if none was);
    `forget()`, if given, runs before each timed request, untimed."""
    bad = None
    for _ in range(warmup):
        bad = bad or refused(client.get(url))
    times = []
    for _ in range(repeat):
        if forget:
            forget()
        started = time.perf_counter()
        answer = client.get(url)
        answer.get_data()
        times.append(time.perf_counter() - started)
        bad = bad or refused(answer)
    return sorted(times), bad


def body(args: argparse.Namespace, run) -> bool:
    from dashboard.numbers import forget_recent

    stack = Stack(run.procs, args.database_url, args.redis_url)
    run.stacks.append(stack)
    stack.make_database()
    stack.migrate()
    app = build_app(stack)
    seconds = load_data(app, args.count)
    print(f"  bench.dashboard: {stack.db_kind}, {args.count} demo cases loaded in {seconds:.1f} s; "
          f"{args.warmup} warm-up + {args.repeat} timed requests per page and role")
    present = [page for page in PAGES if page.endpoint in app.view_functions]
    skipped = sorted({page.endpoint for page in PAGES if page not in present})
    if skipped:
        print(f"  skipped (no such endpoint in this tree): {', '.join(skipped)}")
    print(f"  {'page':<15}{'role':<10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}   target p95 <= {args.target_ms:.0f} ms")
    met, failed = True, []
    for role, officer_id in ROLES:
        client, values = role_client(app, officer_id)
        for page in present:
            url = page_url(app, page, values, args.filter)
            forget = (lambda: forget_recent(app)) if page.uncached else None
            times, bad = time_page(client, url, args.warmup, args.repeat, forget)
            p95 = percentile(times, 95) * 1e3
            ok = p95 <= args.target_ms
            met = met and (ok or page.download)
            if bad:
                failed.append(f"{page.name} ({role}): HTTP {bad}")
            print(f"  {page.name:<15}{role:<10}{percentile(times, 50) * 1e3:>9.1f}{p95:>9.1f}"
                  f"{times[-1] * 1e3:>9.1f}   {'file (no page target)' if page.download else verdict(ok)}")
    app.extensions["hotline"].db.dispose()
    if failed:
        raise RuntimeError("pages that answered an error or sent to sign-in: " + "; ".join(failed))
    return met


def main(argv=None) -> int:
    args = parse_args(argv)
    return main_guard(lambda run: body(args, run), keep_tmp=args.keep_tmp)


if __name__ == "__main__":
    raise SystemExit(main())
