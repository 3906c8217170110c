"""The bot's rich menu: the main menu as a picture under the chat, always one tap away.

Each tile of the picture (bot/richmenu_image.py) is a postback with the flow engine's
own choice data for that main-menu entry, so tapping a tile is exactly like tapping
that choice in the main menu, from wherever the person is. Tiles are matched to
choices by label (`main.menu.<tile key>`), so reordering main.yaml keeps every tile
right; adding or removing a main-menu choice fails here until the picture follows.

No tap shows text in the chat (no displayText), so nothing about reporting appears
on the screen, and no action has a label (labels are read aloud by screen readers,
in one language only).

`flask richmenu create` installs it as every user's default; `flask richmenu image
PATH` writes the picture for a person to look at.
"""
from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from linebot.v3.messaging import (
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)

from flows.engine import choice_data
from flows.loader import FlowSet, load_flows
from line_limits import MAX_RICH_MENU_CHAT_BAR_TEXT_CHARS, MAX_RICH_MENU_IMAGE_BYTES

from .line_api import LineError, call_line
from .richmenu_image import HEIGHT, WIDTH, Tile, render_png, tiles

log = logging.getLogger(__name__)

MENU_STEP = "main.menu"
LABEL_PREFIX = MENU_STEP + "."
RICH_MENU_NAME = "hotline-main-menu"     # how we recognise our own menus in LINE's list
CHAT_BAR_TEXT = "☰ Menu / เมนู"          # within line_limits.MAX_RICH_MENU_CHAT_BAR_TEXT_CHARS


class RichMenuError(ValueError):
    """The rich menu does not fit the main menu or LINE's limits."""


# -- the request ------------------------------------------------------------------------------
def menu_areas(flows: FlowSet | None = None) -> list[tuple[Tile, str]]:
    """(tile, postback data) for every main-menu choice, in main.yaml order."""
    flows = flows or load_flows()
    by_key = tiles()
    choices = flows.step(MENU_STEP).choices
    areas, seen = [], set()
    for index, choice in enumerate(choices):
        label = choice.get("label") or ""
        key = label[len(LABEL_PREFIX):] if label.startswith(LABEL_PREFIX) else None
        if key not in by_key:
            raise RichMenuError(f"main menu choice {index} ({label or choice.get('text')!r}) "
                                f"has no tile in the rich menu picture (bot/richmenu_image.py)")
        seen.add(key)
        areas.append((by_key[key], choice_data(MENU_STEP, index)))
    missing = set(by_key) - seen
    if missing:
        raise RichMenuError(f"rich menu tiles {sorted(missing)} match no main menu choice")
    return areas


def rich_menu_request(areas: list[tuple[Tile, str]] | None = None, name: str = RICH_MENU_NAME,
                      chat_bar_text: str = CHAT_BAR_TEXT) -> RichMenuRequest:
    """The line-bot-sdk request for our rich menu (by default: the main menu's choices)."""
    areas = menu_areas() if areas is None else areas
    if not 1 <= len(chat_bar_text) <= MAX_RICH_MENU_CHAT_BAR_TEXT_CHARS:
        raise RichMenuError(f"chatBarText must be 1-{MAX_RICH_MENU_CHAT_BAR_TEXT_CHARS} characters: {chat_bar_text!r}")
    if not 1 <= len(areas) <= 20:
        raise RichMenuError("a rich menu has 1 to 20 areas")
    return RichMenuRequest(
        size=RichMenuSize(width=WIDTH, height=HEIGHT),
        selected=False,
        name=name,
        chatBarText=chat_bar_text,
        areas=[RichMenuArea(bounds=RichMenuBounds(x=tile.x, y=tile.y, width=tile.width, height=tile.height),
                            action=PostbackAction(data=data))
               for tile, data in areas],
    )


# -- installing it ----------------------------------------------------------------------------
def _apis(line):
    """(MessagingApi, MessagingApiBlob) from a LineClient, or from such a pair."""
    if hasattr(line, "api") and hasattr(line, "blob"):
        return line.api, line.blob
    api, blob = line
    return api, blob


def _call(what: str, fn, *args, timeout: float = 30, **kwargs):
    return call_line(log, f"rich menu {what}", fn, *args, timeout=timeout, **kwargs)


def image_content_type(image: bytes) -> str:
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if image.startswith(b"\xff\xd8"):
        return "image/jpeg"
    raise RichMenuError("the rich menu image must be a PNG or a JPEG")


def install_rich_menu(line, image: bytes, request: RichMenuRequest | None = None,
                      replace_old: bool = True) -> str:
    """Create the rich menu, upload its picture, make it everyone's default; return its id.

    `line` is a LineClient (or a (MessagingApi, MessagingApiBlob) pair). With
    replace_old, the menus this bot installed before (same name) are deleted
    afterwards, only once the new one is the default, so nobody is ever left
    without a menu; menus with other names are never touched. If uploading or
    setting the default fails, the half-made new menu is deleted again.
    """
    api, blob = _apis(line)
    request = request or rich_menu_request()
    content_type = image_content_type(image)
    if len(image) > MAX_RICH_MENU_IMAGE_BYTES:
        raise RichMenuError(f"the rich menu image is {len(image)} bytes; LINE allows {MAX_RICH_MENU_IMAGE_BYTES}")
    rich_menu_id = _call("create", api.create_rich_menu, request).rich_menu_id
    try:
        _call("upload", blob.set_rich_menu_image, rich_menu_id, body=image,
              _headers={"Content-Type": content_type})
        _call("set default", api.set_default_rich_menu, rich_menu_id)
    except LineError:
        try:
            _call("delete", api.delete_rich_menu, rich_menu_id)
        except LineError:
            pass
        raise
    if replace_old:
        for old in our_rich_menus(line, request.name):
            if old != rich_menu_id:
                _call("delete", api.delete_rich_menu, old)
    return rich_menu_id


def our_rich_menus(line, name: str = RICH_MENU_NAME) -> list[str]:
    """Ids of the rich menus on the channel that carry our name."""
    api, _ = _apis(line)
    listing = _call("list", api.get_rich_menu_list)
    return [menu.rich_menu_id for menu in listing.richmenus or [] if menu.name == name]


# -- flask richmenu ...  -------------------------------------------------------------------------
richmenu_cli = AppGroup("richmenu", help="The rich menu (the picture menu under the chat).")


@richmenu_cli.command("create")
@click.option("--keep-old", is_flag=True, help="Don't delete the rich menus this bot installed before.")
def create_command(keep_old: bool) -> None:
    """Draw the menu, install it as every user's default, print its id."""
    hotline = current_app.extensions["hotline"]
    try:
        rich_menu_id = install_rich_menu(hotline.line, render_png(), replace_old=not keep_old)
    except (LineError, RichMenuError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(rich_menu_id)


@richmenu_cli.command("image")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def image_command(path: Path) -> None:
    """Write the rich menu picture (PNG) to PATH."""
    data = render_png()
    path.write_bytes(data)
    click.echo(f"wrote {path} ({WIDTH}x{HEIGHT}, {len(data)} bytes)")
