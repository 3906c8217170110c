"""Imports every module that adds routes to the blueprint, so registering it registers them all."""
from . import (
    home,  # noqa: F401
    numbers,  # noqa: F401
)
