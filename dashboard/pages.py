"""Imports every module that adds routes to the blueprint, so registering it registers them all."""
from . import access_log_page, auth, directory_pages, home, numbers, photos  # noqa: F401
