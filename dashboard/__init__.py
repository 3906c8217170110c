"""The committees' web dashboard (issue 14): server-rendered pages for cases, numbers and the
directory, signed in through a one-time link the bot sends an officer on LINE.

`init_dashboard(app, ...)` is called once by app.py; the pages are modules that add routes to
the one blueprint (`dashboard/blueprint.py`), so every page shares the sign-in, scoping,
language, CSRF and security-header rules set up there.
"""
from .blueprint import bp, init_dashboard

__all__ = ["bp", "init_dashboard"]
