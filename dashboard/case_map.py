"""A tile-free map of where a reporter shared their location: the point among the nearest
approximate district points (cases/routing), drawn server-side as SVG. Nothing is fetched from
a tile server, so no third party learns which place a case is about."""
from __future__ import annotations

import math
from dataclasses import dataclass

import geothai

from cases.routing.geo_points import POINTS
from cases.routing.places import haversine_km

NEIGHBOURS = 6          # district points drawn around the reporter's point
SIZE = 300              # the drawing's height, and its width without the labels' room
MARGIN = 30
LABEL_ROOM = 110        # to the right of the drawing, so the easternmost names fit


@dataclass(frozen=True)
class Dot:
    """A point in the drawing's own units (y grows downwards, as in SVG)."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class MapPicture:
    """What the template draws: the reporter's point and the named district points around it."""

    size: int
    width: int
    reporter: Dot
    districts: tuple[Dot, ...]


def picture(latitude: float, longitude: float, language: str) -> MapPicture:
    """The reporter's point and the nearest district points, scaled to fit (equirectangular,
    longitudes shrunk by the latitude's cosine: plenty over a few tens of kilometres)."""
    nearest: dict[str, tuple[float, float, float]] = {}
    for point in POINTS:
        km = haversine_km(latitude, longitude, point.latitude, point.longitude)
        if point.district_code not in nearest or km < nearest[point.district_code][0]:
            nearest[point.district_code] = (km, point.latitude, point.longitude)
    chosen = sorted(nearest.items(), key=lambda item: item[1][0])[:NEIGHBOURS]
    shrink = math.cos(math.radians(latitude))
    coordinates = [(longitude * shrink, latitude)] + [(lon * shrink, lat) for _, (_, lat, lon) in chosen]
    xs, ys = [c[0] for c in coordinates], [c[1] for c in coordinates]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-3
    scale = (SIZE - 2 * MARGIN) / span

    def place(x: float, y: float) -> tuple[float, float]:
        return round(MARGIN + (x - min(xs)) * scale, 1), round(SIZE - MARGIN - (y - min(ys)) * scale, 1)

    dots = []
    for code, (_, lat, lon) in chosen:
        district = geothai.district(code)
        label = (district.name_en if language == "en" else district.name_th) if district else code
        dots.append(Dot(*place(lon * shrink, lat), label))
    return MapPicture(SIZE, SIZE + LABEL_ROOM, Dot(*place(longitude * shrink, latitude), ""), tuple(dots))
