"""The tile-free map: the reporter's point among the nearest district points, inside the drawing."""
from __future__ import annotations

from dashboard.case_map import MARGIN, NEIGHBOURS, SIZE, picture


def test_the_point_and_its_nearest_districts_fit_the_drawing():
    drawn = picture(20.4275, 99.8836, "en")              # in Mae Sai
    assert len(drawn.districts) == NEIGHBOURS
    assert drawn.districts[0].label == "Mae Sai"         # nearest first
    for dot in (drawn.reporter, *drawn.districts):
        assert MARGIN - 0.1 <= dot.x <= SIZE - MARGIN + 0.1 and MARGIN - 0.1 <= dot.y <= SIZE - MARGIN + 0.1
    named = {d.label: d for d in drawn.districts}
    assert named["Wiang Chiang Rung"].y > drawn.reporter.y          # south is down
    assert named["Mae Fa Luang"].x < drawn.reporter.x < named["Chiang Saen"].x   # west left, east right
    assert drawn.width > drawn.size                       # room for the names on the right


def test_names_in_the_viewers_language():
    assert picture(20.4275, 99.8836, "th").districts[0].label == "แม่สาย"
