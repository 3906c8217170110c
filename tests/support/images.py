"""Small real images (and things that only look like one) for tests of the photos' checks."""
from __future__ import annotations

import io

from PIL import Image


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def png_bytes() -> bytes:
    return image_bytes("PNG")
