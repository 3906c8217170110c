"""news/audience.py: who an audience reaches (empty = everyone), the whole-country subscribers in every
province's audience, and the same rule in SQL (storage/broadcasts.audience_filter) as in Python."""
from __future__ import annotations

import itertools

import pytest

from news.audience import Audience
from news.choices import ALL_PROVINCES, COUNTRIES, DOCUMENTS
from storage import broadcasts
from tests.support.news import subscribe


def test_an_empty_audience_is_everyone():
    assert Audience().matches("other", "unknown", "96", "lo")


@pytest.mark.parametrize("subscriber, reached", [
    (("mm", "mou", "10", "my"), True),
    (("mm", "mou", ALL_PROVINCES, "my"), True),      # the whole country: every province's news concerns them
    (("kh", "mou", "10", "my"), False),
    (("mm", "ci", "10", "my"), False),
    (("mm", "mou", "20", "my"), False),
    (("mm", "mou", "10", "th"), False),
    (("mm", "pink_card", "50", "en"), True),
])
def test_every_dimension_given_must_match(subscriber, reached):
    audience = Audience(countries=("mm",), documents=("mou", "pink_card"), provinces=("10", "50"),
                        languages=("my", "en"))
    assert audience.matches(*subscriber) is reached


def test_problems_name_codes_that_are_not_ours():
    assert Audience(countries=("mm",), provinces=("10",)).problems() == []
    assert Audience(countries=("xx",), documents=("visa",), provinces=("Bangkok", ALL_PROVINCES),
                    languages=("fr",)).problems() == ["country:xx", "document:visa", "province:Bangkok",
                                                      f"province:{ALL_PROVINCES}", "language:fr"]


def test_kept_and_read_back_the_same_whatever_the_order_or_repeats():
    audience = Audience.from_dict({"countries": ["mm", "kh", "mm"], "provinces": ["50", "10"]})
    assert audience == Audience(countries=("kh", "mm"), provinces=("10", "50"))
    assert Audience.from_dict(audience.to_dict()) == audience
    assert Audience.from_dict(None) == Audience()


def test_the_sql_rule_is_the_python_rule(db):
    people = list(itertools.product(COUNTRIES[:2], DOCUMENTS[:2], ("10", "20", ALL_PROVINCES), ("my", "th")))
    for country, document, province, language in people:
        subscribe(db, language, country=country, document=document, province=province)
    audiences = [Audience(), Audience(countries=("mm",)), Audience(provinces=("20",)),
                 Audience(countries=("kh",), documents=(DOCUMENTS[1],), provinces=("10",), languages=("th",))]
    with db.sessions() as session:
        for audience in audiences:
            expected = {}
            for country, document, province, language in people:
                if audience.matches(country, document, province, language):
                    expected[language] = expected.get(language, 0) + 1
            assert broadcasts.count_recipients(session, audience) == expected
