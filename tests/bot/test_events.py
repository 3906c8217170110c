"""bot/events.py: what a person did in LINE, as the flow engine's Input; who sent it; a block."""
from __future__ import annotations

import pytest

from bot.events import blocks_bot, is_group, to_input, user_of
from flows.model import Input
from tests.support import events as build


def test_a_text_becomes_text_input_and_an_overlong_one_is_cut():
    assert to_input(build.text_event("U1", "hello")) == Input("text", text="hello")
    assert len(to_input(build.text_event("U1", "a" * 30000)).text) == 20000


def test_a_tap_becomes_a_choice_with_its_data():
    assert to_input(build.postback_event(build.user_source("U1"), "c|main.menu|0")) == \
        Input("choice", data="c|main.menu|0")


def test_following_starts_and_an_unfollow_or_leave_asks_for_nothing():
    assert to_input(build.follow_event("U1")) == Input("start")
    assert to_input(build.unfollow_event("U1")) is None
    assert to_input(build.leave_event("C1")) is None


def test_a_shared_place_keeps_its_coordinates_and_address():
    event = build.message_event(build.user_source("U1"), build.location_message(20.4, 99.8, "Mae Sai"))
    assert to_input(event) == Input("location", latitude=20.4, longitude=99.8, address="Mae Sai")


@pytest.mark.parametrize("message, kind", [(build.sticker_message(), "sticker"), (build.image_message(), "image"),
                                           ({"type": "video"}, "file")])
def test_stickers_photos_and_other_media(message, kind):
    event = build.message_event(build.user_source("U1"), message)
    result = to_input(event)
    assert result.kind == kind
    if kind != "sticker":
        assert result.media_id == event["message"]["id"]


def test_sender_group_and_blocking():
    assert user_of(build.text_event("U1", "hi")) == "U1"
    assert user_of(build.join_event("C1")) is None
    assert is_group(build.join_event("C1")) and not is_group(build.text_event("U1", "hi"))
    assert blocks_bot(build.unfollow_event("U1")) is True
    assert blocks_bot(build.follow_event("U1")) is False
    assert blocks_bot(build.text_event("U1", "hi")) is None
    assert blocks_bot({"type": ["unfollow"]}) is None


def test_a_date_picked_becomes_date_input_and_a_forged_params_field_stays_a_tap():
    picked = build.postback_event(build.user_source("U1"), "d|reminders.date")
    picked["postback"]["params"] = {"date": "2026-12-31"}
    assert to_input(picked) == Input("date", text="2026-12-31", data="d|reminders.date")
    forged = build.postback_event(build.user_source("U1"), "c|main.menu|0")
    forged["postback"]["params"] = "2026-12-31"          # not an object: LINE never sends it
    assert to_input(forged) == Input("choice", data="c|main.menu|0")
