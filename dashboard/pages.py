"""Imports every module that adds routes to the blueprint, so registering it registers them all."""
from . import (  # noqa: F401
    access_log_page,
    auth,
    broadcast_pages,
    case_actions,
    case_list,
    case_page,
    directory_pages,
    home,
    numbers,
    photos,
)
