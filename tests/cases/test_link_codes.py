"""Link-code rules: digits in any script, what counts as a code, whose failures count, the window."""
from __future__ import annotations

from datetime import timedelta

from cases.link_codes import (
    ATTEMPT_WINDOW,
    CODE_DIGITS,
    MAX_FAILED_ATTEMPTS,
    NO_HASH,
    blocked_until,
    clean_code,
    code_hash,
    new_code,
    plain_digits,
    subjects,
    wanted_hash,
    window_expired,
)
from tests.support.directory_data import NOW


def test_plain_digits_reads_every_decimal_digit_as_ascii():
    assert plain_digits("๐๑๒๓๔๕๖๗๘๙") == plain_digits("０１２３４５６７８９") == "0123456789"
    assert plain_digits("link ๑๒ abc") == "link 12 abc"
    assert plain_digits(None) == ""


def test_a_code_is_its_digits_without_spaces_or_dashes():
    assert clean_code("1234 5678") == clean_code("1234-5678") == clean_code("๑๒๓๔-๕๖๗๘") == "12345678"
    assert clean_code("1234567") is None and clean_code("123456789") is None and clean_code("abcdefgh") is None
    assert wanted_hash("1234 5678") == ("12345678", code_hash("12345678"))
    assert wanted_hash("hello") == (None, NO_HASH)


def test_a_new_code_has_its_digits_and_is_not_outstanding():
    code = new_code(set())
    assert len(code) == CODE_DIGITS and code.isdigit()
    assert new_code({code_hash(code)}) != code


def test_failures_count_for_the_person_and_for_a_shared_chat():
    assert subjects("U1", "C1") == ["user:U1", "chat:C1"]
    assert subjects("U1", "U1") == ["user:U1"]           # a 1:1 chat is the person
    assert subjects(None, "C1") == ["chat:C1"]
    assert subjects("U1", None) == ["user:U1"]


def test_too_many_failures_block_until_the_window_from_the_first_has_passed():
    assert blocked_until(MAX_FAILED_ATTEMPTS - 1, NOW, NOW) is None
    assert blocked_until(MAX_FAILED_ATTEMPTS, NOW, NOW) == NOW + ATTEMPT_WINDOW
    assert blocked_until(MAX_FAILED_ATTEMPTS, NOW, NOW + ATTEMPT_WINDOW - timedelta(seconds=1)) is not None
    assert blocked_until(MAX_FAILED_ATTEMPTS, NOW, NOW + ATTEMPT_WINDOW) is None
    assert not window_expired(NOW, NOW + ATTEMPT_WINDOW - timedelta(seconds=1))
    assert window_expired(NOW, NOW + ATTEMPT_WINDOW)
