"""Imports every module that adds routes to the blueprint, so registering it registers them all."""
from . import case_actions, case_list, case_page, home  # noqa: F401
