"""The news pages (issue 15): administrators only; the compose form, its preview (recipients per
language, LINE's quota refused or warned at 80 %, every missing or too long language named, each
text as a phone shows it), the send that checks everything again, scheduling in Bangkok time, a
broadcast's progress and cancel, the access log."""
from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from cases.roster import BANGKOK
from news.audience import Audience
from news.compose import MAX_NEWS_CHARS
from storage import broadcasts
from storage.models import AccessLogEntry, Broadcast, BroadcastBatch, NewsSubscription
from tests.support.committees import load_example
from tests.support.dashboard import csrf_token, post, set_clock, sign_in
from tests.support.directory_data import NOW

ADMIN, PROVINCE_ADMIN, OFFICER = "TH-NATIONAL-1", "CRI-57-1", "CRI-5709-1"
TEXTS = {"my": "သတင်း", "km": "ព័ត៌មាន", "lo": "ຂ່າວ", "th": "ข่าว\nบรรทัดสอง", "en": "News\nsecond line"}
# (chat, country, document, province, language, zawgyi)
SUBSCRIBERS = (("c1", "mm", "pink_card", "50", "my", False), ("c2", "mm", "mou", "50", "my", True),
               ("c3", "mm", "pink_card", "all", "th", False), ("c4", "kh", "pink_card", "50", "km", False),
               ("c5", "la", "mou", "10", "lo", False), ("c6", "mm", "pink_card", "10", "en", False))


class FakeNews:
    """DashboardParts.news as app.py hands it: LINE's quota and the queue, recorded."""

    def __init__(self, limit=1000, used=0):
        self.answer: tuple | Exception = (limit, used)
        self.queued: list[tuple[int, datetime | None]] = []

    def quota(self):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def queue(self, broadcast_id, send_at):
        self.queued.append((broadcast_id, send_at))


@pytest.fixture
def db(app):
    return app.extensions["hotline"].db


@pytest.fixture
def news(app, db):
    load_example(db)
    set_clock(app, lambda: NOW)
    fake = FakeNews()
    app.extensions["dashboard"].news = fake
    with db.transaction() as session:
        for chat, country, document, province, language, zawgyi in SUBSCRIBERS:
            session.add(NewsSubscription(chat_key=chat, user_id=f"U{chat}", country=country, document=document,
                                         province=province, language=language, zawgyi=zawgyi))
    return fake


def _as(app, officer_id=ADMIN, language="en"):
    client = app.test_client()
    sign_in(app, client, officer_id, language=language, now=NOW)
    return client


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _form(texts=None, **audience) -> dict:
    form = {f"text_{code}": text for code, text in (TEXTS if texts is None else texts).items()}
    form.update(audience)
    return form


def _counts(page: str) -> dict[str, int]:
    return {code: int(n) for code, n in re.findall(r'<tr[^>]*data-language="(\w+)"><th[^>]*>[^<]*</th>'
                                                     r'<td class="num">(\d+)</td>', page)}


def _hidden(page: str) -> list[tuple[str, str]]:
    send = re.search(r'<form method="post" action="/dashboard/news/send".*?</form>', page, re.S).group(0)
    return [(name, html.unescape(value)) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', send) if name != "csrf_token"]


def _broadcasts(db) -> list[Broadcast]:
    with db.sessions() as session:
        return list(session.query(Broadcast).order_by(Broadcast.id))


# -- who may see it ------------------------------------------------------------------------------------
def test_only_administrators_see_news_others_get_the_404_of_any_unknown_page(app, news, db):
    officer = _as(app, OFFICER)
    assert "/dashboard/news" not in _text(officer.get("/dashboard/cases"))
    with db.transaction() as session:
        broadcast_id = broadcasts.create(session, TEXTS, Audience(), "cli:test", now=NOW).id
    for url in ("/dashboard/news", "/dashboard/news/new", f"/dashboard/news/{broadcast_id}"):
        assert officer.get(url).status_code == 404, url
    for url in ("/dashboard/news/new", "/dashboard/news/send", f"/dashboard/news/{broadcast_id}/cancel"):
        assert post(officer, url, _form()).status_code == 404, url
    assert _broadcasts(db)[0].state == broadcasts.SCHEDULED and news.queued == []
    admin = _as(app, PROVINCE_ADMIN)
    assert 'href="/dashboard/news"' in _text(admin.get("/dashboard/cases"))
    assert admin.get("/dashboard/news").status_code == 200


def test_the_form_has_five_texts_in_their_scripts_and_every_province_by_dopa_code(app, news):
    page = _text(_as(app, language="th").get("/dashboard/news/new"))
    for code in ("my", "km", "lo", "th", "en"):
        assert re.search(rf'<textarea id="text-{code}" name="text_{code}" lang="{code}"', page)
    provinces = re.findall(r'<option value="(\d\d)"[^>]*>([^<]+)</option>', page)
    assert len(provinces) == 77 and ("10", "กรุงเทพมหานคร (10)") in provinces and ("57", "เชียงราย (57)") in provinces
    assert {v for v in re.findall(r'name="country" value="(\w+)"', page)} == {"mm", "kh", "la", "other"}
    assert set(re.findall(r'name="document" value="(\w+)"', page)) == {"mou", "pink_card", "border_pass", "ci",
                                                                        "unknown"}
    assert "style=" not in page and "<script>" not in page          # the CSP allows neither
    assert "/dashboard/news/send" not in page                        # nothing to send before a preview


# -- the preview ---------------------------------------------------------------------------------------
def test_preview_counts_recipients_per_language_shows_the_quota_and_each_text_as_a_phone_shows_it(app, news):
    news.answer = (1000, 100)
    client = _as(app)
    page = _text(post(client, "/dashboard/news/new", _form(country=["mm"], province=["50"])))
    # c1 and c2 (Chiang Mai), c3 (the whole country); not c6 (Bangkok), c4/c5 (other countries)
    assert _counts(page) == {"my": 2, "km": 0, "lo": 0, "th": 1, "en": 0, "total": 3}
    assert "Country: Myanmar" in page and "Province: Chiang Mai" in page
    assert "Limit: 1000. Used this month: 100. This news: 3." in page
    assert 'data-refusal' not in page and 'data-warning' not in page
    for code, text in TEXTS.items():
        assert f'<div class="news-bubble" lang="{code}">{text}</div>' in page
    assert "how to stop news" in page
    hidden = _hidden(page)
    assert ("country", "mm") in hidden and ("province", "50") in hidden and ("when", "now") in hidden
    assert dict(hidden)["text_th"] == TEXTS["th"]
    assert '<button type="submit">Send now</button>' in page


def test_every_missing_or_too_long_language_is_named_and_the_form_kept(app, news):
    texts = dict(TEXTS, km="", lo="   ", en="x" * (MAX_NEWS_CHARS + 1))
    page = _text(post(_as(app), "/dashboard/news/new", _form(texts, document=["mou"])))
    problems = set(re.findall(r'data-problem="([\w-]+)"', page))
    assert problems == {"km-missing", "lo-missing", "en-too_long"}
    assert "Khmer (ខ្មែរ): the text is missing." in page
    assert f"English: the text is too long (at most {MAX_NEWS_CHARS} characters)." in page
    assert ">" + TEXTS["my"] + "</textarea>" in page and 'value="mou" checked' in page   # what was typed stays
    assert re.search(r'id="text-km"[^>]*aria-invalid="true"', page)
    assert "/dashboard/news/send" not in page


def test_a_line_break_counts_once_as_on_the_phone(app, news):
    """Browsers send a textarea's line breaks as CR LF; the limit counts what LINE shows."""
    text = "a\r\n" * (MAX_NEWS_CHARS // 2)                # MAX_NEWS_CHARS characters once CR LF is one
    page = _text(post(_as(app), "/dashboard/news/new", _form(dict(TEXTS, en=text))))
    assert "data-problem" not in page and "/dashboard/news/send" in page


def test_a_broadcast_over_the_quota_is_refused_with_its_numbers(app, news):
    news.answer = (1000, 998)
    app.extensions["dashboard"].settings = replace(app.extensions["dashboard"].settings, broadcast_quota_reserve=0)
    page = _text(post(_as(app), "/dashboard/news/new", _form()))
    assert 'data-refusal="quota"' in page
    assert "Refused: 998 used + 6 for this news is over the limit. The limit is 1000, less 0" in page
    assert "/dashboard/news/send" not in page


def test_the_reserve_kept_for_alerts_counts_against_the_quota(app, news):
    news.answer = (1000, 900)
    settings = app.extensions["dashboard"].settings
    app.extensions["dashboard"].settings = replace(settings, broadcast_quota_reserve=95)
    page = _text(post(_as(app), "/dashboard/news/new", _form()))
    assert 'data-refusal="quota"' in page and "less 95 kept" in page


def test_eighty_percent_of_the_quota_is_warned_and_still_sendable(app, news):
    news.answer = (100, 74)                      # 74 + 6 = 80 %
    page = _text(post(_as(app), "/dashboard/news/new", _form()))
    assert 'data-warning="quota"' in page and "80% of the month's quota" in page
    assert "/dashboard/news/send" in page
    news.answer = (100, 73)                      # 79 %
    assert 'data-warning' not in _text(post(_as(app), "/dashboard/news/new", _form()))


def test_no_limit_no_warning(app, news):
    news.answer = (None, 5000)
    page = _text(post(_as(app), "/dashboard/news/new", _form()))
    assert "LINE sets no monthly limit" in page and "/dashboard/news/send" in page


def test_when_line_does_not_answer_the_page_says_so_and_offers_no_send(app, news):
    news.answer = LookupError("quota")
    page = _text(post(_as(app), "/dashboard/news/new", _form()))
    assert 'data-refusal="quota-unknown"' in page and "LINE did not answer" in page
    assert "/dashboard/news/send" not in page


def test_an_audience_nobody_matches_is_refused(app, news):
    page = _text(post(_as(app), "/dashboard/news/new", _form(country=["other"])))
    assert _counts(page)["total"] == 0 and 'data-refusal="nobody"' in page
    assert "/dashboard/news/send" not in page


def test_codes_the_page_does_not_offer_are_refused_not_dropped(app, news):
    for audience in ({"country": ["fr"]}, {"province": ["99"]}, {"language": ["de"]}):
        page = _text(post(_as(app), "/dashboard/news/new", _form(**audience)))
        assert "a choice this page does not know" in page and "/dashboard/news/send" not in page, audience


# -- sending -------------------------------------------------------------------------------------------
def test_send_stores_the_broadcast_queues_it_logs_its_id_and_shows_it(app, news, db):
    client = _as(app, PROVINCE_ADMIN)
    hidden = _hidden(_text(post(client, "/dashboard/news/new", _form(language=["my", "th"]))))
    response = _send(client, hidden)
    assert response.status_code == 303
    [stored] = _broadcasts(db)
    assert response.headers["Location"].endswith(f"/dashboard/news/{stored.id}")
    assert stored.texts == TEXTS and stored.created_by == f"officer:{PROVINCE_ADMIN}"
    assert stored.audience == {"countries": [], "documents": [], "provinces": [], "languages": ["my", "th"]}
    assert stored.state == broadcasts.SCHEDULED
    assert news.queued == [(stored.id, None)]
    with db.sessions() as session:
        [entry] = session.query(AccessLogEntry).filter_by(action="broadcast_sent").all()
    assert entry.officer_id == PROVINCE_ADMIN and entry.detail == {"broadcast": stored.id, "recipients": 3}
    page = _text(client.get(response.headers["Location"]))
    assert "News no. " + str(stored.id) in page and "Language: Burmese (မြန်မာ), Thai (ไทย)" in page
    assert f"({PROVINCE_ADMIN})" in page and 'lang="km">ព័ត៌មាន</div>' in page
    log = _text(client.get("/dashboard/access-log"))
    assert "Sent or scheduled news" in log and "News no.: " + str(stored.id) in log and "ព័ត៌មាន" not in log


def test_pressing_send_twice_stores_one_broadcast(app, news, db):
    client = _as(app)
    hidden = _hidden(_text(post(client, "/dashboard/news/new", _form())))
    first = _send(client, hidden)
    second = _send(client, hidden)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_broadcasts(db)) == 1 and len(news.queued) == 1


def test_send_checks_everything_again_never_trusting_the_preview(app, news, db):
    client = _as(app)
    hidden = _hidden(_text(post(client, "/dashboard/news/new", _form())))
    tampered = [(name, "" if name == "text_lo" else value) for name, value in hidden]
    response = _send(client, tampered)
    assert response.status_code == 409 and 'data-problem="lo-missing"' in _text(response)
    news.answer = (10, 9)                                        # the quota went since the preview
    response = _send(client, hidden)
    assert response.status_code == 409 and 'data-refusal="quota"' in _text(response)
    news.answer = LookupError("down")
    assert _send(client, hidden).status_code == 409
    assert _broadcasts(db) == [] and news.queued == []


def test_send_without_the_session_token_is_refused(app, news, db):
    client = _as(app)
    response = client.post("/dashboard/news/send", data=_form())
    assert response.status_code == 400 and _broadcasts(db) == []


def test_a_stored_broadcast_the_queue_cannot_take_is_kept_for_the_sweeper(app, news, db):
    def down(*_args):
        raise ConnectionError("redis down")
    news.queue = down
    client = _as(app)
    hidden = _hidden(_text(post(client, "/dashboard/news/new", _form())))
    assert _send(client, hidden).status_code == 303
    assert [b.state for b in _broadcasts(db)] == [broadcasts.SCHEDULED]


def test_scheduling_reads_the_time_in_bangkok_and_refuses_a_past_one(app, news, db):
    client = _as(app)
    local = (NOW + timedelta(days=1)).astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")
    page = _text(post(client, "/dashboard/news/new", _form(when="later", send_at=local)))
    assert "Scheduled for " in page and '<button type="submit">Schedule</button>' in page
    assert _send(client, _hidden(page)).status_code == 303
    [stored] = _broadcasts(db)
    expected = datetime.strptime(local, "%Y-%m-%dT%H:%M") - timedelta(hours=7)
    assert stored.send_at.replace(tzinfo=None) == expected
    assert news.queued == [(stored.id, expected.replace(tzinfo=UTC))]
    past = (NOW - timedelta(hours=1)).astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")
    for when, problem in ((past, "have passed"), ("", "give the date and time"), ("tomorrow", "could not be read")):
        page = _text(post(client, "/dashboard/news/new", _form(when="later", send_at=when)))
        assert problem in page and "/dashboard/news/send" not in page, when


# -- a broadcast's page --------------------------------------------------------------------------------
def _stored(db, **values) -> int:
    with db.transaction() as session:
        broadcast = broadcasts.create(session, TEXTS, Audience(countries=("kh",)), "cli:ops", now=NOW)
        for name, value in values.items():
            setattr(broadcast, name, value)
        return broadcast.id


def _batch(db, broadcast_id, state, size):
    with db.transaction() as session:
        session.add(BroadcastBatch(broadcast_id=broadcast_id, language="my", recipients=["U"] * size, size=size,
                                   retry_key=f"k-{state}-{size}", state=state))


def test_a_sending_broadcast_shows_its_progress_and_refreshes_itself(app, news, db):
    broadcast_id = _stored(db, state=broadcasts.SENDING, recipients=1200, accepted=500, failed=200)
    _batch(db, broadcast_id, "sent", 500)
    _batch(db, broadcast_id, "failed", 200)
    _batch(db, broadcast_id, "pending", 500)
    page = _text(_as(app).get(f"/dashboard/news/{broadcast_id}"))
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "2 of 3 done" in page and "1 failed" in page
    assert '<progress class="news-bar" max="1200" value="700">' in page
    assert "Cancel this news" not in page


def test_a_finished_broadcast_shows_the_result_and_stops_refreshing(app, news, db):
    broadcast_id = _stored(db, state=broadcasts.DONE, recipients=3, accepted=3, failed=0,
                           quota={"limit": 1000, "used": 803, "warn": True})
    page = _text(_as(app).get(f"/dashboard/news/{broadcast_id}"))
    assert 'http-equiv="refresh"' not in page and "Done: LINE accepted 3; 0 failed." in page
    assert "803 used of 1000" in page and "80% of the quota reached" in page
    refused = _stored(db, state=broadcasts.REFUSED, error="no subscriber matches the audience")
    page = _text(_as(app).get(f"/dashboard/news/{refused}"))
    assert 'data-result="refused"' in page and "No subscriber matched the audience when it was due." in page


def test_a_refusal_by_the_worker_is_said_in_the_readers_language_with_the_numbers(app, news, db):
    over = _stored(db, state=broadcasts.REFUSED, error="over LINE's monthly quota: ...",
                   quota={"limit": 1000, "used": 900, "needed": 150, "reserve": 20, "allowed": False, "warn": True})
    page = _text(_as(app, language="th").get(f"/dashboard/news/{over}"))
    assert "ผู้รับ 150 คน ใช้ไปแล้ว 900 จาก 1000 และกันไว้ 20" in page
    assert "over LINE's monthly quota" not in page          # the worker's English words are for the log


def test_a_scheduled_broadcast_can_be_cancelled_once(app, news, db):
    later = NOW + timedelta(hours=5)
    broadcast_id = _stored(db, send_at=later)
    client = _as(app)
    page = _text(client.get(f"/dashboard/news/{broadcast_id}"))
    assert "Cancel this news" in page and 'http-equiv="refresh"' not in page
    response = post(client, f"/dashboard/news/{broadcast_id}/cancel")
    assert response.status_code == 303
    page = _text(client.get(response.headers["Location"]))
    assert "The news was cancelled" in page and 'data-result="cancelled"' in page
    assert "It can no longer be cancelled" in _text(client.get(
        post(client, f"/dashboard/news/{broadcast_id}/cancel").headers["Location"]))
    with db.sessions() as session:
        assert session.query(AccessLogEntry).filter_by(action="broadcast_cancelled").count() == 1
    assert post(client, "/dashboard/news/999999/cancel").status_code == 404
    assert client.get("/dashboard/news/999999").status_code == 404


def test_a_due_scheduled_broadcast_refreshes_until_a_worker_starts_it(app, news, db):
    broadcast_id = _stored(db, send_at=NOW - timedelta(seconds=5))
    assert 'http-equiv="refresh"' in _text(_as(app).get(f"/dashboard/news/{broadcast_id}"))


def test_the_list_shows_each_broadcast_with_who_audience_state_and_counts(app, news, db):
    first = _stored(db, state=broadcasts.DONE, recipients=10, accepted=9, failed=1)
    client = _as(app)
    hidden = _hidden(_text(post(client, "/dashboard/news/new", _form(document=["mou", "pink_card"]))))
    _send(client, hidden)
    page = _text(client.get("/dashboard/news"))
    rows = re.findall(r'<tr id="broadcast-(\d+)">(.*?)</tr>', page, re.S)
    assert [int(i) for i, _row in rows][-1] == first and len(rows) == 2           # newest first
    newest, oldest = rows[0][1], rows[1][1]
    assert f"({ADMIN})" in newest and "Document: MOU worker, Pink card" in newest and "Scheduled" in newest
    assert "cli:ops" in oldest and "Country: Cambodia" in oldest and "Sent" in oldest
    assert re.findall(r'<td class="num">(\d+)</td>', oldest) == ["10", "9", "1"]
    assert page.count('href="/dashboard/news/new"') == 1


def test_the_pages_read_in_thai(app, news, db):
    client = _as(app, language="th")
    page = _text(post(client, "/dashboard/news/new", _form(country=["mm"])))
    assert "ประเทศ: เมียนมา" in page and "ส่งทันที" in page and "ภาษาพม่า (မြန်မာ)" in page


def _send(client, pairs):
    """The Send form as the page carries it: repeated names kept, with the session's CSRF token."""
    return client.post("/dashboard/news/send", data=MultiDict([("csrf_token", csrf_token(client)), *pairs]))
