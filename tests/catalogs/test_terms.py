"""Every catalog keeps to its language's term list (locales/<lang>/TERMS.md): one word per
thing, none of the variants the 2026-12 review found (Burmese "district" for province,
"not sent yet" after Cancel; Khmer two names for the work permit and the Department of
Employment; Lao two spellings of "fine" and a "Done" that reads "already"; Thai years not
in the Buddhist Era), and no stale ids."""
from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from locales import LANGUAGES, domains, languages_for, po_path, pot_path
from locales.quality import load_po
from locales.terms import Term, load_terms

# What every list must name (issue 11): the words a worker meets on the documents and rights
# topics and in a report.
REQUIRED_TERMS = {"work permit", "Department of Employment", "province", "district", "fine",
                  "report (neutral)", "passport", "employer", "pink card", "border pass",
                  "90-day report", "Immigration", "Done (button)", "dates"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_a_term_list_naming_the_required_terms(lang):
    terms = load_terms(lang)
    assert {t.term for t in terms} >= REQUIRED_TERMS, REQUIRED_TERMS - {t.term for t in terms}
    for term in terms:
        assert term.preferred, f"{lang}: {term.term!r} has no preferred form"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_use_no_forbidden_variant(lang):
    terms = load_terms(lang)
    found = []
    for domain in domains():
        if lang not in languages_for(domain):
            continue
        catalog = load_po(lang, domain)
        if catalog is None:
            continue
        for message in catalog:
            if not message.id or not isinstance(message.string, str):
                continue
            for term in terms:
                if term.applies_to(domain, message.id):
                    found += [f"{domain}:{message.id}: {term.term}: {bad!r}"
                              for bad in term.violations(message.string)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("domain", [d for d in domains() if pot_path(d).exists()])
def test_no_stale_ids_in_the_catalogs(domain):
    """An id no flow or code uses any more (like the old `report.stub`) is not kept."""
    with pot_path(domain).open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    stale = {f"{lang}:{m.id}" for lang in languages_for(domain) if po_path(lang, domain).exists()
             for m in load_po(lang, domain) if m.id and m.id not in wanted}
    assert not stale, sorted(stale)


# -- the rules themselves ------------------------------------------------------------------
def test_a_forbidden_form_inside_the_preferred_one_is_not_flagged():
    term = Term("Department of Employment", ("នាយកដ្ឋានការងារធ្វើ",), ("នាយកដ្ឋានការងារ",), (), ())
    assert term.violations("សួរនាយកដ្ឋានការងារធ្វើ 1694") == []
    assert term.violations("សួរនាយកដ្ឋានការងារ 1694") == ["នាយកដ្ឋានការងារ"]


def test_thai_year_rule_flags_common_era_years_not_amounts_or_phone_numbers():
    dates = next(t for t in load_terms("th") if t.term == "dates")
    assert dates.violations("ตั้งแต่ 7 ธ.ค. 2025")
    assert dates.violations("ปี 2560 (2017)")
    assert not dates.violations("ตั้งแต่ 7 ธ.ค. 2568 ปรับ 20,000 บาท โทร 1-800-010-182")


def test_scope_limits_a_rule_to_its_messages():
    done = next(t for t in load_terms("lo") if t.term == "Done (button)")
    assert done.violations("ແລ້ວ") and not done.violations("ລຶບແລ້ວ")
    neutral = next(t for t in load_terms("en") if t.term == "report (neutral)")
    assert neutral.applies_to("intake", "intake.self.intro") and not neutral.applies_to("officer", "officer.x")
