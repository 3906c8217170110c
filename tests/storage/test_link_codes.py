"""Link codes in the database: officers' codes, group codes confirmed by an officer, codes in
any digits, and the limit on wrong guesses per person and per chat."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from cases.link_codes import ATTEMPT_WINDOW, CODE_DIGITS, MAX_FAILED_ATTEMPTS, blocked_until
from storage.directory import committee_for_group, link_group, officer_by_line_user, on_duty_officers
from storage.directory_file import load_directory
from storage.link_codes import (
    confirm_group_link,
    issue_group_code,
    issue_link_code,
    redeem_link_code,
    request_group_link,
)
from storage.models import Committee, LinkCodeAttempt, Officer, PendingGroupLink
from storage.timeutil import as_utc
from tests.support.directory_data import NOW, data_with
from tests.support.typed_digits import FULL_WIDTH, THAI, TYPED_FORMS

integration = pytest.mark.integration


def blocked(session, subject: str, now: datetime = NOW) -> datetime | None:
    """Until when `subject` ("user:U…" or "chat:C…") may not redeem codes; None if it may."""
    attempt = session.get(LinkCodeAttempt, subject)
    return blocked_until(attempt.failures, as_utc(attempt.window_started_at), now) if attempt else None


# -- officer link codes ----------------------------------------------------------------------------
@integration
def test_a_link_code_links_once_and_only_its_hash_is_stored(loaded):
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5709-1", NOW)
    assert re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code)
    with loaded.engine.connect() as connection:
        dumped = " ".join(str(row) for row in connection.execute(text("SELECT * FROM officers")))
    assert code not in dumped and hashlib.sha256(code.encode()).hexdigest() in dumped
    with loaded.transaction() as session:
        officer = redeem_link_code(session, code, "U-mae-sai", NOW + timedelta(hours=1))
        assert officer.id == "CRI-5709-1" and officer.link_code_hash is None
    with loaded.transaction() as session:
        assert redeem_link_code(session, code, "U-other", NOW + timedelta(hours=2)) is None   # single use
        assert officer_by_line_user(session, "U-mae-sai").id == "CRI-5709-1"
        assert [o.id for o in on_duty_officers(session, "CRI-5709", NOW, linked_only=True)] == ["CRI-5709-1"]


@integration
def test_link_codes_expire_and_a_new_code_replaces_the_old(loaded):
    with loaded.transaction() as session:
        old = issue_link_code(session, "CRI-5708-1", NOW)
        new = issue_link_code(session, "CRI-5708-1", NOW)
        late = issue_link_code(session, "CRI-5708-2", NOW, ttl=timedelta(hours=24))
    with loaded.transaction() as session:
        assert old == new or redeem_link_code(session, old, "U1", NOW) is None
        assert redeem_link_code(session, late, "U2", NOW + timedelta(hours=24)) is None      # expired
        assert redeem_link_code(session, late, "U2", NOW + timedelta(hours=1)) is None       # and forgotten
        assert redeem_link_code(session, f"{new[:4]} {new[4:]}", "U1", NOW).id == "CRI-5708-1"  # spaces are fine


@integration
def test_wrong_codes_and_the_rate_limit(loaded):
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5703-1", NOW)
    wrong = f"{(int(code) + 1) % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"
    with loaded.transaction() as session:
        assert redeem_link_code(session, wrong, "U-guess", NOW) is None
        assert redeem_link_code(session, "hello", "U-guess", NOW) is None
        assert blocked(session, "user:U-guess") is None
        for _ in range(MAX_FAILED_ATTEMPTS - 2):
            assert redeem_link_code(session, wrong, "U-guess", NOW) is None
        until = blocked(session, "user:U-guess")
        assert until is not None and until - NOW == ATTEMPT_WINDOW
        assert redeem_link_code(session, code, "U-guess", NOW + timedelta(minutes=30)) is None  # right code, blocked
        # another LINE user is not blocked by this one's guesses
        assert redeem_link_code(session, code, "U-real", NOW).id == "CRI-5703-1"
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5703-2", NOW)
        assert redeem_link_code(session, code, "U-guess", NOW + ATTEMPT_WINDOW).id == "CRI-5703-2"
        assert session.get(LinkCodeAttempt, "user:U-guess") is None   # success clears the count


@integration
def test_relinking_a_line_account_moves_it_and_inactive_officers_get_no_code(loaded, example):
    with loaded.transaction() as session:
        first, second = issue_link_code(session, "CRI-5709-1", NOW), issue_link_code(session, "CRI-57-1", NOW)
        redeem_link_code(session, first, "U-person", NOW)
        redeem_link_code(session, second, "U-person", NOW)
        assert session.get(Officer, "CRI-5709-1").line_user_id is None
        assert officer_by_line_user(session, "U-person").id == "CRI-57-1"
        pending = issue_link_code(session, "CRI-5715-1", NOW)
    with loaded.transaction() as session:
        load_directory(session, data_with(example, lambda d: d.update(
            committees=[c for c in d["committees"] if c["id"] != "CRI-5715"])))
    with loaded.transaction() as session:
        assert redeem_link_code(session, pending, "U-late", NOW) is None
        with pytest.raises(LookupError):
            issue_link_code(session, "CRI-5715-1", NOW)
        with pytest.raises(LookupError):
            issue_link_code(session, "NOBODY", NOW)


# -- codes in any digits ---------------------------------------------------------------------------
DIGIT_FORMS = {
    **TYPED_FORMS,
    "burmese": lambda code: code.translate(str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")),
    "khmer": lambda code: code.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")),
    "lao": lambda code: code.translate(str.maketrans("0123456789", "໐໑໒໓໔໕໖໗໘໙")),
    "thai with a dash": lambda code: f"{code[:4]}-{code[4:]}".translate(THAI),
    "full-width with a full-width space": lambda code: f"{code[:4]}\u3000{code[4:]}".translate(FULL_WIDTH),
}


@integration
@pytest.mark.parametrize("form", sorted(DIGIT_FORMS))
def test_link_and_group_codes_work_in_every_digit_form(loaded, form):
    with loaded.transaction() as session:
        code = issue_link_code(session, "CRI-5709-1", NOW)
        group = issue_group_code(session, "CRI-5709", NOW)
    with loaded.transaction() as session:
        assert redeem_link_code(session, DIGIT_FORMS[form](code), "U-" + form, NOW).id == "CRI-5709-1"
        request = request_group_link(session, DIGIT_FORMS[form](group), "C-" + form, NOW, user_id="U-" + form)
        assert request.outcome == "pending" and request.committee.id == "CRI-5709"


@integration
@pytest.mark.parametrize("typed",
                         ["๑๒๓", "１２３４５６７８９", "abcdefgh", "", "12345678\udcff", "①②③④⑤⑥⑦⑧", "๑๒๓๔๕๖๗x"])
def test_anything_that_is_not_a_code_is_a_plain_failure(loaded, typed):
    with loaded.transaction() as session:
        issue_link_code(session, "CRI-5709-1", NOW)
        issue_group_code(session, "CRI-5709", NOW)
    with loaded.transaction() as session:
        assert redeem_link_code(session, typed, "U-typo", NOW) is None
        assert request_group_link(session, typed, "C-typo", NOW, user_id="U-typo").outcome == "failed"
        assert session.get(LinkCodeAttempt, "user:U-typo").failures == 2


# -- group codes -----------------------------------------------------------------------------------
@integration
def test_a_group_code_makes_a_pending_link_that_an_officer_of_the_committee_confirms(loaded):
    with loaded.transaction() as session:
        code = issue_group_code(session, "CRI-5709", NOW)
        session.get(Officer, "CRI-5709-1").line_user_id = "U-mae-sai"
        session.get(Officer, "CRI-57-1").line_user_id = "U-province"
    with loaded.transaction() as session:
        request = request_group_link(session, code, "C-mae-sai", NOW, user_id="U-anyone")
        assert request.outcome == "pending" and request.committee.id == "CRI-5709"
        assert committee_for_group(session, "C-mae-sai") is None          # nothing linked yet
        assert confirm_group_link(session, "C-mae-sai", "U-anyone", NOW).outcome == "refused"
        assert confirm_group_link(session, "C-mae-sai", "U-province", NOW).outcome == "refused"  # another committee
        assert confirm_group_link(session, "C-mae-sai", None, NOW).outcome == "refused"
        assert confirm_group_link(session, "C-elsewhere", "U-mae-sai", NOW).outcome == "nothing"
        assert committee_for_group(session, "C-mae-sai") is None
        done = confirm_group_link(session, "C-mae-sai", "U-mae-sai", NOW)
        assert done.outcome == "linked" and done.committee.id == "CRI-5709" and done.officer.id == "CRI-5709-1"
        assert done.replaced is None
        assert committee_for_group(session, "C-mae-sai").id == "CRI-5709"
        assert session.get(PendingGroupLink, "C-mae-sai") is None
        # the code was used up by the confirmation
        assert request_group_link(session, code, "C-other", NOW, user_id="U-anyone").outcome == "failed"
        assert confirm_group_link(session, "C-mae-sai", "U-mae-sai", NOW).outcome == "nothing"


@integration
def test_a_code_taken_to_a_strangers_room_takes_nothing_away(loaded):
    """The hijack of issue 10: a valid code typed in a stranger's room. Without a committee
    officer confirming there, the real group keeps the alerts; the real group can still use it."""
    with loaded.transaction() as session:
        code = issue_group_code(session, "CRI-5708", NOW)
        session.get(Officer, "CRI-5708-1").line_user_id = "U-chiang-saen"
        link_group(session, "CRI-5708", "C-real")
    with loaded.transaction() as session:
        assert request_group_link(session, code, "C-stranger", NOW, user_id="U-stranger").outcome == "pending"
        for _ in range(3):
            assert confirm_group_link(session, "C-stranger", "U-stranger", NOW).outcome == "refused"
        assert session.get(Committee, "CRI-5708").line_group_id == "C-real"
        # a new group for the committee, confirmed by its officer: the old one is named as replaced
        assert request_group_link(session, code, "C-new", NOW, user_id="U-chiang-saen").outcome == "pending"
        done = confirm_group_link(session, "C-new", "U-chiang-saen", NOW)
        assert done.outcome == "linked" and done.replaced == "C-real"
        assert session.get(Committee, "CRI-5708").line_group_id == "C-new"
        assert confirm_group_link(session, "C-stranger", "U-chiang-saen", NOW).outcome == "nothing"


@integration
def test_a_group_serving_one_committee_is_not_moved_to_another_by_a_code(loaded):
    with loaded.transaction() as session:
        link_group(session, "CRI-5709", "C-mae-sai")
        code = issue_group_code(session, "CRI-57", NOW)
        session.get(Officer, "CRI-57-1").line_user_id = "U-province"
    with loaded.transaction() as session:
        request = request_group_link(session, code, "C-mae-sai", NOW, user_id="U-province")
        assert request.outcome == "in_use" and request.committee.id == "CRI-5709"
        assert committee_for_group(session, "C-mae-sai").id == "CRI-5709"
        # the administrator may still move it (flask committees), as before
        link_group(session, "CRI-57", "C-mae-sai")
        assert session.get(Committee, "CRI-5709").line_group_id is None
        assert committee_for_group(session, "C-mae-sai").id == "CRI-57"


@integration
def test_an_expired_or_replaced_code_cannot_be_confirmed(loaded):
    with loaded.transaction() as session:
        code = issue_group_code(session, "CRI-5703", NOW)
        session.get(Officer, "CRI-5703-1").line_user_id = "U-chiang-khong"
    with loaded.transaction() as session:
        assert request_group_link(session, code, "C-1", NOW, user_id="U-chiang-khong").outcome == "pending"
        late = NOW + timedelta(hours=25)
        assert confirm_group_link(session, "C-1", "U-chiang-khong", late).outcome == "nothing"
        assert session.get(PendingGroupLink, "C-1") is None
        code = issue_group_code(session, "CRI-5703", NOW)
        assert request_group_link(session, code, "C-1", NOW, user_id="U-chiang-khong").outcome == "pending"
        issue_group_code(session, "CRI-5703", NOW)                       # the administrator printed a new one
        assert confirm_group_link(session, "C-1", "U-chiang-khong", NOW).outcome == "nothing"
        assert committee_for_group(session, "C-1") is None


@integration
def test_wrong_guesses_are_limited_per_person_across_chats_and_per_chat(loaded):
    with loaded.transaction() as session:
        link = issue_link_code(session, "CRI-5708-1", NOW)
        group = issue_group_code(session, "CRI-5708", NOW)
    wrong = "00000000" if "00000000" not in (link, group) else "11111111"
    with loaded.transaction() as session:
        # one person guessing in five different rooms, mixing both kinds of code
        for index in range(MAX_FAILED_ATTEMPTS):
            if index % 2:
                assert redeem_link_code(session, wrong, "U-guess", NOW, chat_id=f"C-room-{index}") is None
            else:
                assert request_group_link(session, wrong, f"C-room-{index}", NOW, user_id="U-guess").outcome == "failed"
        assert blocked(session, "user:U-guess") is not None
        assert blocked(session, "chat:C-room-0") is None          # each room saw one guess
        # blocked even with the right codes, in a fresh room
        assert request_group_link(session, group, "C-fresh", NOW, user_id="U-guess").outcome == "failed"
        assert redeem_link_code(session, link, "U-guess", NOW) is None
        # many people guessing in one room: the room is blocked, for everyone
        for index in range(MAX_FAILED_ATTEMPTS):
            assert request_group_link(session, wrong, "C-busy", NOW, user_id=f"U-{index}").outcome == "failed"
        assert request_group_link(session, group, "C-busy", NOW, user_id="U-honest").outcome == "failed"
        assert redeem_link_code(session, link, "U-honest", NOW, chat_id="C-busy") is None
        # elsewhere the honest person still can, and success clears their count
        assert request_group_link(session, group, "C-other", NOW, user_id="U-honest").outcome == "pending"
        assert redeem_link_code(session, link, "U-honest", NOW).id == "CRI-5708-1"
        assert session.get(LinkCodeAttempt, "user:U-honest") is None
    with loaded.transaction() as session:
        later = NOW + ATTEMPT_WINDOW
        code = issue_link_code(session, "CRI-5708-2", NOW)
        assert redeem_link_code(session, code, "U-guess", later).id == "CRI-5708-2"
