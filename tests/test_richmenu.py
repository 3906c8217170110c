"""The rich menu: the picture, its tap areas, and installing it on the (emulated) LINE."""
from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

from app import create_app
from bot.line_api import LineClient, LineError
from bot.richmenu import (
    CHAT_BAR_TEXT,
    RICH_MENU_NAME,
    RichMenuError,
    install_rich_menu,
    menu_areas,
    rich_menu_request,
    richmenu_cli,
)
from bot.richmenu_image import HEIGHT, RED, TILES, WIDTH, render_png
from emulator import EmulatorConfig, create_emulator_app
from emulator.context import EXTENSION_KEY
from flows.engine import Engine
from flows.loader import DATA, load_flows
from flows.model import Input
from line_limits import MAX_RICH_MENU_IMAGE_BYTES
from tests.support.servers import ROOT, ServerThread

TOKEN = "richmenu-test-token"

# What each pictogram means: the main-menu step its tap must lead to.
PICTOGRAM_GOES_TO = {
    "documents": "documents.list",
    "rights": "rights.list",
    "report_self": "report.start",
    "report_other": "report.tip_start",
    "help_now": "emergency.now",
    "language": "language.choose",
    "privacy": "main.privacy",
    "news": "news.menu",
}


@pytest.fixture(scope="module")
def png() -> bytes:
    return render_png()


@pytest.fixture(scope="module")
def flows():
    return load_flows()


# -- the picture ------------------------------------------------------------------------------
def test_image_is_a_large_png_under_one_megabyte(png):
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT) == (2500, 1686)
    assert len(png) <= MAX_RICH_MENU_IMAGE_BYTES


def test_image_is_the_same_every_time(png):
    assert render_png.__wrapped__() == png


def test_every_tile_has_a_pictogram_and_help_is_red(png):
    image = Image.open(io.BytesIO(png)).convert("RGB")
    for tile in TILES:
        inner = image.crop((tile.x + 60, tile.y + 60, tile.x + tile.width - 60, tile.y + tile.height - 60))
        colours = inner.getcolors(maxcolors=1 << 20)
        counts = sorted((count for count, _ in colours), reverse=True)
        total = inner.width * inner.height
        # the background is most of it, but a good part is the pictogram's ink
        assert counts[0] < 0.9 * total, tile.key
        assert sum(counts[1:]) > 0.08 * total, tile.key
        background = max(colours)[1]
        assert background == tile.background, tile.key
    help_now = next(t for t in TILES if t.key == "help_now")
    assert help_now.background == RED
    assert help_now.width * help_now.height == max(t.width * t.height for t in TILES)


# -- the areas ----------------------------------------------------------------------------------
def _overlap(a, b) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_areas_cover_the_image_without_overlap():
    request = rich_menu_request().to_dict()
    bounds = [area["bounds"] for area in request["areas"]]
    for i, a in enumerate(bounds):
        assert a["x"] >= 0 and a["y"] >= 0 and a["width"] > 0 and a["height"] > 0
        assert a["x"] + a["width"] <= WIDTH and a["y"] + a["height"] <= HEIGHT
        for b in bounds[i + 1:]:
            assert not _overlap(a, b), (a, b)
    assert sum(b["width"] * b["height"] for b in bounds) == WIDTH * HEIGHT


def test_request_fits_line_limits():
    request = rich_menu_request().to_dict()
    assert request["size"] == {"width": 2500, "height": 1686}
    assert request["selected"] is False
    assert request["name"] == RICH_MENU_NAME
    assert request["chatBarText"] == CHAT_BAR_TEXT
    assert 1 <= len(CHAT_BAR_TEXT) <= 14 and len(CHAT_BAR_TEXT.encode("utf-16-le")) // 2 <= 14
    for area in request["areas"]:
        action = area["action"]
        assert action["type"] == "postback"
        assert "displayText" not in action and "text" not in action and "label" not in action
        assert len(action["data"]) <= 300


def test_one_area_per_main_menu_choice_in_order(flows):
    choices = flows.step("main.menu").choices
    areas = menu_areas(flows)
    assert len(areas) == len(choices) == 8
    assert [data for _, data in areas] == [f"c|main.menu|{i}" for i in range(len(choices))]
    assert [choice["label"] for choice in choices] == [f"main.menu.{tile.key}" for tile, _ in areas]


@pytest.mark.parametrize("at", ["main.menu", "documents.list", "language.choose"])
def test_each_tap_takes_the_engine_where_its_pictogram_says(flows, at):
    engine = Engine(flows)
    for tile, data in menu_areas(flows):
        state, outputs = engine.handle({"at": at}, Input("choice", data=data), 0, lambda m: m)
        expected, _ = engine.goto({}, PICTOGRAM_GOES_TO[tile.key], 0)
        assert state["at"] == expected["at"], tile.key
        assert outputs, tile.key
        assert "ui.not_understood" not in [getattr(o, "message", None) for o in outputs]


def _flows_with_main(tmp_path: Path, edit) -> object:
    for path in DATA.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    main = yaml.safe_load((tmp_path / "main.yaml").read_text(encoding="utf-8"))
    edit(main["steps"]["menu"]["choices"])
    (tmp_path / "main.yaml").write_text(yaml.safe_dump(main, allow_unicode=True), encoding="utf-8")
    return load_flows(tmp_path)


def test_reordering_the_main_menu_keeps_each_tile_on_its_entry(tmp_path):
    flows = _flows_with_main(tmp_path, lambda choices: choices.reverse())
    engine = Engine(flows)
    for tile, data in menu_areas(flows):
        state, _ = engine.handle({"at": "main.menu"}, Input("choice", data=data), 0, lambda m: m)
        assert state["at"] == engine.goto({}, PICTOGRAM_GOES_TO[tile.key], 0)[0]["at"], tile.key


def test_a_main_menu_choice_without_a_pictogram_is_refused(tmp_path):
    flows = _flows_with_main(tmp_path, lambda choices: choices.append(
        {"label": "main.menu.documents_again", "go": "documents.list"}))
    with pytest.raises(RichMenuError, match="no tile"):
        menu_areas(flows)
    flows = _flows_with_main(tmp_path, lambda choices: choices.pop())
    with pytest.raises(RichMenuError, match="match no main menu choice"):
        menu_areas(flows)


# -- installing on the emulator ---------------------------------------------------------------------
@pytest.fixture
def emulator():
    app = create_emulator_app(EmulatorConfig(channel_access_token=TOKEN, webhook_url="http://127.0.0.1:9/callback"))
    server = ServerThread(app).start()
    server.state = app.extensions[EXTENSION_KEY].state
    yield server
    server.stop()


def test_install_creates_uploads_and_sets_the_default(emulator, png):
    line = LineClient(TOKEN, emulator.url, emulator.url)
    rich_menu_id = install_rich_menu(line, png)
    state = emulator.state
    assert list(state.rich_menus) == [rich_menu_id]
    entry = state.rich_menus[rich_menu_id]
    assert entry["image"] == png and entry["imageType"] == "image/png"
    assert state.default_rich_menu == rich_menu_id
    menu = entry["menu"]
    assert menu["name"] == RICH_MENU_NAME and menu["chatBarText"] == CHAT_BAR_TEXT
    assert menu["size"] == {"width": 2500, "height": 1686} and menu["selected"] is False
    assert sorted(a["action"]["data"] for a in menu["areas"]) == [f"c|main.menu|{i}" for i in range(8)]
    calls = [(c["method"], c["path"].replace(rich_menu_id, "ID")) for c in state.calls]
    assert calls[:3] == [("POST", "/v2/bot/richmenu"), ("POST", "/v2/bot/richmenu/ID/content"),
                         ("POST", "/v2/bot/user/all/richmenu/ID")]


def test_install_again_replaces_only_our_old_menu(emulator, png):
    line = LineClient(TOKEN, emulator.url, emulator.url)
    theirs = line.api.create_rich_menu(rich_menu_request(name="campaign-menu")).rich_menu_id
    first = install_rich_menu(line, png)
    second = install_rich_menu(line, png)
    assert second != first
    assert set(emulator.state.rich_menus) == {theirs, second}
    assert emulator.state.default_rich_menu == second
    kept = install_rich_menu(line, png, replace_old=False)
    assert set(emulator.state.rich_menus) == {theirs, second, kept}


def test_a_failed_upload_leaves_no_half_made_menu(emulator, png):
    line = LineClient(TOKEN, emulator.url, emulator.url)
    emulator.state.add_fault({"status": 500, "count": 1, "remaining": 1, "delay_ms": 0,
                              "paths": ["/v2/bot/richmenu/*"], "message": None})
    with pytest.raises(LineError) as failed:
        install_rich_menu(line, png)
    assert failed.value.status == 500 and failed.value.retryable
    assert emulator.state.rich_menus == {} and emulator.state.default_rich_menu is None


def test_install_refuses_what_line_would_refuse(emulator):
    line = LineClient(TOKEN, emulator.url, emulator.url)
    with pytest.raises(RichMenuError):
        install_rich_menu(line, b"GIF89a...")
    with pytest.raises(RichMenuError):
        install_rich_menu(line, b"\x89PNG\r\n\x1a\n" + bytes(MAX_RICH_MENU_IMAGE_BYTES))
    with pytest.raises(RichMenuError):
        rich_menu_request(chat_bar_text="x" * 15)
    assert emulator.state.calls == []


# -- flask richmenu ... -------------------------------------------------------------------------------
def test_cli_create_installs_the_menu(emulator, settings):
    app = create_app(dataclasses.replace(settings, access_token=TOKEN, line_api_base=emulator.url,
                                         line_api_data_base=emulator.url))
    result = app.test_cli_runner().invoke(richmenu_cli, ["create"])
    assert result.exit_code == 0, result.output
    rich_menu_id = result.output.strip()
    assert emulator.state.default_rich_menu == rich_menu_id
    assert emulator.state.rich_menus[rich_menu_id]["image"] == render_png()


def test_cli_create_reports_line_errors(emulator, settings):
    app = create_app(dataclasses.replace(settings, access_token="wrong-token", line_api_base=emulator.url,
                                         line_api_data_base=emulator.url))
    result = app.test_cli_runner().invoke(richmenu_cli, ["create"])
    assert result.exit_code == 1
    assert "LINE 401" in result.output


def test_cli_image_writes_the_picture(settings, tmp_path):
    app = create_app(settings)
    target = tmp_path / "menu.png"
    result = app.test_cli_runner().invoke(richmenu_cli, ["image", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == render_png()


SHIM = """
from app import create_app as _create_app
from bot.richmenu import richmenu_cli


def create_app():
    app = _create_app()
    app.cli.add_command(richmenu_cli)
    return app
"""


def test_flask_richmenu_create_end_to_end(emulator, tmp_path):
    """`flask --app app richmenu create` in its own process, as an operator runs it.

    Until app.py registers the command, a two-line shim app registers it the same way."""
    app_spec, pythonpath = "app", str(ROOT)
    if "richmenu_cli" not in (ROOT / "app.py").read_text(encoding="utf-8"):
        (tmp_path / "richmenu_shim.py").write_text(SHIM, encoding="utf-8")
        app_spec, pythonpath = "richmenu_shim:create_app", os.pathsep.join([str(tmp_path), str(ROOT)])
    instance = tmp_path / "instance"
    env = {**os.environ, "LINE_API_BASE": emulator.url, "LINE_API_DATA_BASE": emulator.url,
           "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "HOTLINE_INSTANCE_DIR": str(instance),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}", "PYTHONPATH": pythonpath}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "flask", "--app", app_spec, "richmenu", "create"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rich_menu_id = done.stdout.strip().splitlines()[-1]
    assert emulator.state.default_rich_menu == rich_menu_id
    assert emulator.state.rich_menus[rich_menu_id]["image"] == render_png()
