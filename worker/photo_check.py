"""Whether bytes LINE gave us are a photo we keep: a JPEG, PNG or WebP that Pillow can read,
under the size cap. The type stored is the one detected, never the one announced."""
from __future__ import annotations

import io
import warnings

from PIL import Image

MAX_PHOTO_BYTES = 10 * 1024 * 1024
ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def image_type(data: bytes) -> str | None:
    """The content type to store, or None if the bytes are refused (too big, not an allowed image)."""
    if not data or len(data) > MAX_PHOTO_BYTES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.verify()
    except Exception:  # Pillow raises many kinds for bytes that are not a readable image
        return None
    return ALLOWED.get(kind or "")
