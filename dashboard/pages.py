"""Imports every module that adds routes to the blueprint, so registering it registers them all."""
from . import (
    case_actions,  # noqa: F401
    case_list,  # noqa: F401
    case_page,  # noqa: F401
    home,  # noqa: F401
    photos,  # noqa: F401
)
