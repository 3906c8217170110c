"""Imports every module that adds routes to the blueprint, so registering it registers them all."""
from . import auth, home  # noqa: F401
