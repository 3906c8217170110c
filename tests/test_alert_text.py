"""cases.alert_text.AlertText: what an alert says, without LINE: plain cases in, words out.
The LINE layout of the same words is tested in tests/test_alerts.py."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from cases.alert_text import NOTE_CHARS_IN_TRAIL, AlertText, Point
from locales.catalogs import catalogs

ROOT = Path(__file__).resolve().parents[1]
CREATED = dt.datetime(2026, 11, 24, 7, 5, tzinfo=dt.UTC)   # 14:05 in Bangkok
PHONE = "0812345678"


def case(**changes) -> SimpleNamespace:
    fields = dict(id=42, reference="ABC-234", kind="self", language="my", urgency="urgent", urgency_rule="danger_now",
                  sector="fishing", district_code="5709", province_code="57", indicators=["ilo:debt_bondage"],
                  status="new", escalation_level=0, contact_allowed=True, created_at=CREATED,
                  routing={"reason": "district_committee", "method": "nearest_point", "distance_km": 3.24},
                  answers={"description": "words", "contact_phone": PHONE,
                           "location": {"latitude": 20.43353, "longitude": 99.87617, "address": "Mae Sai"}})
    fields.update(changes)
    return SimpleNamespace(**fields)


def test_imports_no_channel_web_or_database():
    forbidden = {"bot", "storage", "flask", "linebot", "sqlalchemy", "psycopg", "sqlite3"}
    for name in ("alert_text.py", "officer_text.py"):
        tree = ast.parse((ROOT / "cases" / name).read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
        assert not imported & forbidden, name


def test_the_card_words_hold_nothing_the_reporter_gave():
    words = AlertText(catalogs()).alert(case(), "district_committee")
    assert words.alt == "เคสใหม่ ABC-234 (ด่วนมาก)" and not words.escalated
    assert [len(values) for _, values in words.rows] == [1, 1, 1, 1, 1, 1, 1]
    said = " ".join([words.alt, words.title, words.subtitle] + [v for _, values in words.rows for v in values])
    assert "อ.แม่สาย จ.เชียงราย" in said and "14:05" in said
    for secret in (PHONE, "Mae Sai", "words", "3.2"):
        assert secret not in said


def test_a_location_is_a_point_only_when_it_can_be_one():
    text = AlertText(catalogs(), language="en")
    point, line = text.location(case())
    assert point == Point(20.43353, 99.87617, "Mae Sai") and "20.433530, 99.876170" in line
    assert text.location(case(answers={"location": {"latitude": 200, "longitude": 5}}))[0] is None
    assert text.location(case(answers={}))[0] is None


def test_a_long_note_is_cut_between_letters():
    note = "x" + "ก่" * NOTE_CHARS_IN_TRAIL        # the limit falls between a letter and its mark
    event = {"at": CREATED, "kind": "note", "actor": "off-1", "committee_id": None, "detail": {"text": note}}
    line = AlertText(catalogs()).trail_lines([event], {})[0]
    kept = "x" + "ก่" * ((NOTE_CHARS_IN_TRAIL - 1) // 2)
    assert kept in line and kept + "ก" not in line
