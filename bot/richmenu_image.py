"""The rich menu picture: pictograms only, no text, drawn with Pillow.

No words, so one picture serves every language and people who read poorly, and no
fonts are needed. One tile per main-menu entry (keyed like the entry's label,
`main.menu.<key>`); "help_now" is twice as wide and red. The drawing is plain
shapes on a fixed grid, so the same code always gives the same bytes.

Everything is drawn at SCALE times the size and shrunk once at the end, which
smooths the edges Pillow's primitives leave jagged.
"""
from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from line_limits import MAX_RICH_MENU_IMAGE_BYTES

WIDTH, HEIGHT = 2500, 1686          # LINE's "large" rich menu
SCALE = 2
GAP = 14                            # white line between tiles, in final pixels
RADIUS = 36                         # tile corner radius, in final pixels

GAP_COLOUR = (255, 255, 255)
INK = (32, 42, 58)                  # near-black navy: the pictograms on calm tiles
WHITE = (255, 255, 255)
RED = (206, 32, 41)


@dataclass(frozen=True)
class Tile:
    key: str            # the main-menu label's last part: main.menu.<key>
    x: int
    y: int
    width: int
    height: int
    background: tuple[int, int, int]
    ink: tuple[int, int, int] = INK

    @property
    def bounds(self) -> dict:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


_ROW = HEIGHT // 2                  # 843
_COL = WIDTH // 4                   # 625: the bottom row's columns
_TOP = WIDTH // 5                   # 500: the top row's columns

# Top: help now (double width, red), documents, rights, news and reminders.
# Bottom: report a problem, report for someone else, language, privacy.
TILES: tuple[Tile, ...] = (
    Tile("help_now", 0, 0, 2 * _TOP, _ROW, RED, WHITE),
    Tile("documents", 2 * _TOP, 0, _TOP, _ROW, (198, 226, 247)),       # light blue
    Tile("rights", 3 * _TOP, 0, _TOP, _ROW, (255, 231, 171)),          # soft yellow
    Tile("news", 4 * _TOP, 0, WIDTH - 4 * _TOP, _ROW, (250, 214, 222)),  # soft pink
    Tile("report_self", 0, _ROW, _COL, HEIGHT - _ROW, (255, 213, 184)),   # peach
    Tile("report_other", _COL, _ROW, _COL, HEIGHT - _ROW, (226, 212, 245)),  # lavender
    Tile("language", 2 * _COL, _ROW, _COL, HEIGHT - _ROW, (196, 236, 214)),  # mint
    Tile("privacy", 3 * _COL, _ROW, WIDTH - 3 * _COL, HEIGHT - _ROW, (218, 224, 230)),  # light grey
)


def tiles() -> dict[str, Tile]:
    return {tile.key: tile for tile in TILES}


# -- drawing helpers ---------------------------------------------------------------------------
class Pen:
    """Draws in a square box of 1000 x 1000 "units" centred in a tile (already scaled)."""

    def __init__(self, image: Image.Image, cx: float, cy: float, size: float, ink, paper):
        self.image, self.draw = image, ImageDraw.Draw(image)
        self.cx, self.cy, self.k = cx, cy, size / 1000
        self.ink, self.paper = ink, paper

    def p(self, x: float, y: float) -> tuple[float, float]:
        """A point given in units, (0, 0) being the centre."""
        return self.cx + x * self.k, self.cy + y * self.k

    def box(self, x0, y0, x1, y1) -> list[float]:
        (a, b), (c, d) = self.p(x0, y0), self.p(x1, y1)
        return [a, b, c, d]

    def w(self, units: float) -> int:
        return max(1, round(units * self.k))

    def rect(self, x0, y0, x1, y1, r=0, fill=None, outline=None, width=0):
        fill = self.ink if fill is None and outline is None else fill
        self.draw.rounded_rectangle(self.box(x0, y0, x1, y1), radius=self.w(r) if r else 0,
                                    fill=fill, outline=outline, width=self.w(width) if width else 0)

    def circle(self, x, y, r, fill=None, outline=None, width=0):
        fill = self.ink if fill is None and outline is None else fill
        self.draw.ellipse(self.box(x - r, y - r, x + r, y + r), fill=fill, outline=outline,
                          width=self.w(width) if width else 0)

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=0):
        self.draw.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline,
                          width=self.w(width) if width else 0)

    def poly(self, points, fill=None):
        self.draw.polygon([self.p(x, y) for x, y in points], fill=self.ink if fill is None else fill)

    def line(self, points, width, fill=None, round_ends=True):
        fill = self.ink if fill is None else fill
        pts = [self.p(x, y) for x, y in points]
        self.draw.line(pts, fill=fill, width=self.w(width), joint="curve")
        if round_ends:
            r = self.w(width) / 2
            for x, y in (pts[0], pts[-1]):
                self.draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    def arc(self, x, y, r, start, end, width, fill=None):
        """A thick arc; angles in degrees, 0 = 3 o'clock, clockwise (Pillow's convention)."""
        fill = self.ink if fill is None else fill
        self.draw.arc(self.box(x - r, y - r, x + r, y + r), start, end, fill=fill, width=self.w(width))

    def band(self, x, y, r_outer, r_inner, start, end, fill=None, round_ends=True, steps=48):
        """A filled ring segment (thick curved stroke) as a polygon, with rounded ends."""
        fill = self.ink if fill is None else fill
        angles = [math.radians(start + (end - start) * i / steps) for i in range(steps + 1)]
        outer = [(x + r_outer * math.cos(a), y + r_outer * math.sin(a)) for a in angles]
        inner = [(x + r_inner * math.cos(a), y + r_inner * math.sin(a)) for a in reversed(angles)]
        self.poly(outer + inner, fill)
        if round_ends:
            mid, half = (r_outer + r_inner) / 2, (r_outer - r_inner) / 2
            for a in (angles[0], angles[-1]):
                self.circle(x + mid * math.cos(a), y + mid * math.sin(a), half, fill=fill)

    def person(self, x, y, h, fill=None):
        """Head and shoulders, h units tall, top at y."""
        fill = self.ink if fill is None else fill
        head = h * 0.2
        self.circle(x, y + head, head, fill=fill)
        body_top = y + head * 2 + h * 0.06
        self.draw.pieslice(self.box(x - h * 0.42, body_top, x + h * 0.42, body_top + h * 1.0),
                           180, 360, fill=fill)


# -- the pictograms (all in units: the box is -500..500 both ways) -------------------------------
def _handset(size: int) -> Image.Image:
    """A classic telephone handset as a mask (255 = handset), earpiece top left."""
    mask = Image.new("L", (size, size), 0)
    pen = Pen(mask, size / 2, size / 2, size, 255, 0)
    # drawn upright (grip bulging left, ear and mouth pieces facing right), then turned
    pen.band(285, 0, 460, 290, 128, 232, round_ends=False, steps=60)
    pen.rect(-105, -460, 215, -240, r=70)
    pen.rect(-105, 240, 215, 460, r=70)
    return mask.rotate(45, resample=Image.BICUBIC, center=(size / 2, size / 2))


def draw_help_now(pen: Pen) -> None:
    """A telephone handset in a white disc with ringing waves: call for help now."""
    pen.circle(0, 0, 360, fill=pen.ink)
    size = round(700 * pen.k)
    x, y = pen.p(0, 0)
    pen.image.paste(pen.paper, (round(x - size / 2), round(y - size / 2)), _handset(size))
    for r in (470, 590, 710):
        pen.band(0, 0, r + 32, r - 32, -35, 35)
        pen.band(0, 0, r + 32, r - 32, 145, 215)


def draw_documents(pen: Pen) -> None:
    """An ID card (photo and lines), with a second card behind it."""
    pen.rect(-330, -300, 430, 200, r=60, fill=None, outline=pen.ink, width=38)
    pen.rect(-430, -200, 330, 300, r=60, fill=pen.paper)
    pen.rect(-430, -200, 330, 300, r=60, fill=None, outline=pen.ink, width=38)
    # photo
    pen.rect(-350, -110, -90, 200, r=20, fill=pen.ink)
    pen.person(-220, -80, 270, fill=pen.paper)
    pen.rect(-350, -110, -90, 200, r=20, fill=None, outline=pen.ink, width=24)
    # lines of writing
    for y, x1 in ((-80, 250), (20, 250), (120, 170)):
        pen.line([(-20, y), (x1, y)], 40)


def draw_rights(pen: Pen) -> None:
    """Scales of justice."""
    pen.line([(0, -360), (0, 330)], 56)                 # pillar
    pen.rect(-220, 320, 220, 390, r=30)                  # base
    pen.circle(0, -380, 50)                              # knob
    pen.line([(-360, -270), (360, -270)], 50)            # beam
    for x in (-330, 330):
        pen.line([(x, -270), (x - 140, 60)], 34)
        pen.line([(x, -270), (x + 140, 60)], 34)
        pen.draw.chord(pen.box(x - 180, -60, x + 180, 170), 0, 180, fill=pen.ink)


def draw_report_self(pen: Pen) -> None:
    """A megaphone with sound waves: speak up."""
    pen.poly([(-300, -100), (130, -330), (130, 250), (-300, 100)])      # horn
    pen.rect(-420, -120, -270, 120, r=40)                               # mouthpiece
    pen.rect(90, -360, 190, 280, r=50)                                  # rim
    pen.poly([(-250, 90), (-130, 90), (-90, 330), (-210, 330)])         # handle
    for r in (160, 300):
        pen.band(170, -40, r + 38, r - 38, -42, 42)


def draw_report_other(pen: Pen) -> None:
    """Two people and a warning bubble: something happened to someone."""
    pen.person(-180, -60, 460)
    pen.person(170, 10, 500, fill=pen.paper)
    pen.person(170, 40, 460)
    # speech bubble with "!"
    pen.circle(240, -300, 185)
    pen.poly([(100, -230), (160, -160), (20, -110)])
    pen.rect(212, -420, 268, -270, r=26, fill=pen.paper)
    pen.circle(240, -200, 32, fill=pen.paper)


def draw_news(pen: Pen) -> None:
    """A bell with its clapper: news and reminders."""
    pen.circle(0, -390, 60)                                              # the loop on top
    pen.circle(0, -120, 250)                                             # dome
    pen.poly([(-250, -120), (250, -120), (340, 220), (-340, 220)])       # flare
    pen.rect(-400, 200, 400, 290, r=45)                                  # rim
    pen.circle(0, 350, 75)                                               # clapper
    pen.band(0, -120, 180, 125, 200, 250, fill=pen.paper)               # a gleam on the dome
    for angle in (0, 180):                                               # ringing on both sides
        pen.band(0, -60, 520, 460, angle - 22, angle + 22)


def draw_language(pen: Pen) -> None:
    """Two speech bubbles facing each other: talk in your language."""
    pen.rect(-440, -360, 160, 40, r=80)
    pen.poly([(-320, 20), (-330, 180), (-180, 20)])
    pen.rect(-80, -120, 440, 260, r=80, fill=pen.paper)
    pen.rect(-80, -120, 440, 260, r=80, fill=None, outline=pen.ink, width=40)
    pen.poly([(280, 240), (330, 400), (180, 240)], fill=pen.ink)
    pen.rect(-80 + 20, -120 + 20, 440 - 20, 260 - 20, r=60, fill=pen.paper)
    # dots in the front bubble, lines in the back one
    for x in (60, 180, 300):
        pen.circle(x, 70, 42)
    for y, x1 in ((-250, 40), (-150, -100)):
        pen.line([(-330, y), (x1, y)], 44, fill=pen.paper)


def draw_privacy(pen: Pen) -> None:
    """A padlock."""
    pen.band(0, -110, 230, 160, 180, 360, round_ends=False)
    pen.rect(-230, -120, -160, 20)
    pen.rect(160, -120, 230, 20)
    pen.rect(-320, -20, 320, 400, r=60)
    pen.circle(0, 140, 62, fill=pen.paper)
    pen.poly([(-38, 150), (38, 150), (60, 300), (-60, 300)], fill=pen.paper)


PICTOGRAMS: dict[str, Callable[[Pen], None]] = {
    "help_now": draw_help_now,
    "documents": draw_documents,
    "rights": draw_rights,
    "news": draw_news,
    "report_self": draw_report_self,
    "report_other": draw_report_other,
    "language": draw_language,
    "privacy": draw_privacy,
}


# -- the picture --------------------------------------------------------------------------------
def render_image() -> Image.Image:
    s = SCALE
    image = Image.new("RGB", (WIDTH * s, HEIGHT * s), GAP_COLOUR)
    draw = ImageDraw.Draw(image)
    for tile in TILES:
        half = GAP * s / 2
        x0 = tile.x * s + (half if tile.x else 0)
        y0 = tile.y * s + (half if tile.y else 0)
        x1 = (tile.x + tile.width) * s - (half if tile.x + tile.width < WIDTH else 0)
        y1 = (tile.y + tile.height) * s - (half if tile.y + tile.height < HEIGHT else 0)
        draw.rounded_rectangle([x0, y0, x1, y1], radius=RADIUS * s, fill=tile.background)
        size = min(x1 - x0, y1 - y0) * 0.84
        pen = Pen(image, (x0 + x1) / 2, (y0 + y1) / 2, size, tile.ink, tile.background)
        PICTOGRAMS[tile.key](pen)
    return image.resize((WIDTH, HEIGHT), Image.LANCZOS) if s != 1 else image


@functools.lru_cache(maxsize=1)
def render_png() -> bytes:
    """The rich menu image as PNG bytes (the same bytes every time), at most 1 MB."""
    out = io.BytesIO()
    render_image().save(out, format="PNG", optimize=True)
    data = out.getvalue()
    if len(data) > MAX_RICH_MENU_IMAGE_BYTES:
        raise ValueError(f"rich menu image is {len(data)} bytes, LINE allows {MAX_RICH_MENU_IMAGE_BYTES}")
    return data
