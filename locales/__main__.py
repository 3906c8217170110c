"""python -m locales extract|update|compile|check|review|files  (see locales/__init__.py).

extract  locales/<domain>.pot for every domain, with Babel, through babel.cfg (the same
         mapping `pybabel extract -F babel.cfg` uses). Written only when the messages change.
update   extract, then merge every .pot into locales/<lang>/LC_MESSAGES/<domain>.po for
         the domain's languages (creating missing ones): my, km, lo, th, en, except the
         DOMAIN_LANGUAGES of locales/__init__.py (officer: th, en). No fuzzy matching: a new
         id starts empty (and fails the checks) instead of borrowing a neighbour's words.
         Entries whose id is gone are kept as obsolete (#~) for the translator, and flagged.
         Each entry of the other languages gets its English as a note ("#. en: ...");
         extracted (#.) notes are rewritten on every update, translator notes (# ...) kept.
compile  .po -> .mo next to it (only when the .po is newer); fuzzy/empty entries left out.
check    every required id translated in every language of its domain, right script, no
         Zawgyi, same placeholders as English, labels within LINE's length, no fuzzy/obsolete entries;
         prints each problem, exits 1 if there is any error.
         Also prints, as warnings, the topics past their review date (see review).
review   the topics whose facts a person must check again (their source's review_by is
         today or earlier: flows/data/*.yaml); a warning, never a failure (exit 0).
         --today YYYY-MM-DD checks another day.
files D  the input files of domain D, one per line (for `pybabel extract ... $(...)`).

Options: --domain D (repeatable) limits extract/update/compile/check to those domains.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, check_and_call_extract_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from . import ROOT, domain_files, domains, languages_for, po_path, pot_path
from .catalogs import compile_po

PROJECT = "migrant-worker hotline bot"
COMMENT_TAGS = ("TRANSLATORS:",)
HEADER = """\
# {what}
# Message ids are symbolic (documents.work_permit.1).
# Their words live only in these catalogs.
# Short sentences, plain words. Keep {{placeholders}} exactly.
# Button labels: at most 20 characters. Burmese: Unicode.
# Check: python -m locales check
#"""
# CLDR (and so Babel) gives Burmese two plural forms; Burmese, like Khmer, Lao and Thai,
# does not inflect for number.
PLURAL_FORMS = {"my": "nplurals=1; plural=0;", "km": "nplurals=1; plural=0;", "lo": "nplurals=1; plural=0;",
                "th": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
_DATE_LINES = re.compile(r'^"(?:POT-Creation-Date|PO-Revision-Date): .*\n', re.MULTILINE)


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _write_if_changed(path: Path, catalog: Catalog, **options) -> bool:
    """Write a .po/.pot unless only its dates would change (keeps git diffs quiet)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, **options)
    new = buffer.getvalue()
    if path.exists() and _DATE_LINES.sub("", path.read_bytes().decode("utf-8")) == \
            _DATE_LINES.sub("", new.decode("utf-8")):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


# -- extract ------------------------------------------------------------------------------
def extract(domain: str) -> Catalog:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(ROOT / "babel.cfg"))
    catalog = Catalog(project=PROJECT, version="1", domain=domain, charset="utf-8", fuzzy=False,
                      header_comment=HEADER.format(what=f"Template of the '{domain}' messages."))
    for path in domain_files().get(domain, []):
        for filename, lineno, message, comments, context in check_and_call_extract_file(
                str(path), method_map, options_map, callback=None, keywords=DEFAULT_KEYWORDS,
                comment_tags=COMMENT_TAGS, strip_comment_tags=True, dirpath=str(ROOT)):
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _cross_check(domain: str, catalog: Catalog) -> list[str]:
    """Extraction and the flow loader must agree on the ids (each is a check on the other)."""
    from .message_ids import required_message_ids
    required = required_message_ids().get(domain, set())
    extracted = {m.id for m in catalog if m.id}
    notes = [f"warning: {domain}: {i!r} is required (flows/UI/BOT_MESSAGE_IDS) but was not extracted"
             for i in sorted(required - extracted)]
    notes += [f"note: {domain}: {i!r} is extracted but no flow step uses it" for i in sorted(extracted - required)]
    return notes


def cmd_extract(selected: list[str]) -> int:
    for domain in selected:
        if domain not in domain_files():
            print(f"{domain}: no input files (no flow file names this domain); left as is")
            continue
        catalog = extract(domain)
        changed = _write_if_changed(pot_path(domain), catalog)
        print(f"{_relative(pot_path(domain))}: {len(catalog)} ids{' (written)' if changed else ''}")
        for note in _cross_check(domain, catalog):
            print("  " + note)
    return 0


# -- update ---------------------------------------------------------------------------------
def update(domain: str, lang: str) -> bool:
    with pot_path(domain).open("rb") as handle:
        template = read_po(handle)
    path = po_path(lang, domain)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=domain)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    else:
        with pot_path(domain).open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=domain)
        catalog.locale = lang  # sets Language and Plural-Forms from CLDR
        catalog.fuzzy = False
        catalog.revision_date = dt.datetime.now(dt.UTC)
        catalog.header_comment = HEADER.format(what=f"'{domain}' messages in {catalog.locale.english_name}.")
    if lang in PLURAL_FORMS:
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[lang])]
    if lang != "en":
        _add_english_notes(catalog, domain)
    return _write_if_changed(path, catalog, include_lineno=False, include_previous=False)


def _add_english_notes(catalog: Catalog, domain: str) -> None:
    """Ids are symbolic, so show each entry's English beside it ("#. en: ...")."""
    english_path = po_path("en", domain)
    if not english_path.exists():
        return
    with english_path.open("rb") as handle:
        english = read_po(handle, locale="en", domain=domain)
    for message in catalog:
        if not message.id:
            continue
        source = english.get(message.id)
        notes = [c for c in message.auto_comments if not c.startswith("en: ")]
        if source is not None and isinstance(source.string, str) and source.string.strip():
            notes.append("en: " + " / ".join(source.string.split("\n")))
        message.auto_comments = notes


def cmd_update(selected: list[str]) -> int:
    cmd_extract(selected)
    for domain in selected:
        if not pot_path(domain).exists():
            continue
        for lang in sorted(languages_for(domain), key=lambda lang: lang != "en"):  # English first: quoted
            existed = po_path(lang, domain).exists()
            if update(domain, lang):
                print(f"{_relative(po_path(lang, domain))}: {'updated' if existed else 'created'}")
    return 0


# -- compile ----------------------------------------------------------------------------------
def compile_catalog(domain: str, lang: str, force: bool = False) -> bool:
    po = po_path(lang, domain)
    mo = po.with_suffix(".mo")
    if not po.exists() or (not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime):
        return False
    mo.write_bytes(compile_po(po, lang, domain))
    return True


def cmd_compile(selected: list[str], force: bool = False) -> int:
    for domain in selected:
        for lang in languages_for(domain):
            if compile_catalog(domain, lang, force):
                print(f"{_relative(po_path(lang, domain).with_suffix('.mo'))}: compiled")
    return 0


# -- review ---------------------------------------------------------------------------------
def review_warnings(today: dt.date) -> list[str]:
    """One line per topic whose source is due for review (a person checks its facts again)."""
    from flows.loader import load_flows
    return [f"warning: {key}: review by {due.isoformat()} has come: check its facts and sources "
            f"again, then move checked and review_by" for key, due in load_flows().review_due(today)]


def cmd_review(today: dt.date) -> int:
    warnings = review_warnings(today)
    for line in warnings:
        print(line)
    print(f"{len(warnings)} topic(s) past their review date on {today.isoformat()}")
    return 0


# -- check ----------------------------------------------------------------------------------
def cmd_check(selected: list[str], today: dt.date | None = None) -> int:
    from .message_ids import card_title_ids, label_message_ids, required_message_ids
    from .quality import all_problems

    required = {d: ids for d, ids in required_message_ids().items() if d in selected}
    problems = all_problems(required, label_message_ids(), card_title_ids())
    errors = [p for p in problems if not p.warning]
    for problem in problems:
        print(problem)
    for domain in sorted(required, key=lambda d: (d != "bot", d)):
        bad = {lang: sum(1 for p in errors if p.domain == domain and p.lang == lang)
               for lang in languages_for(domain)}
        print(f"{domain}: {len(required[domain])} ids; errors per language: "
              + ", ".join(f"{lang} {n}" for lang, n in bad.items()))
    reviews = review_warnings(today or dt.date.today())
    for line in reviews:
        print(line)
    print(f"{len(errors)} error(s), {len(problems) - len(errors) + len(reviews)} warning(s)")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locales", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["extract", "update", "compile", "check", "review", "files"])
    parser.add_argument("domain_arg", nargs="?", help="domain (for `files`)")
    parser.add_argument("--domain", action="append", help="only this domain (repeatable)")
    parser.add_argument("--force", action="store_true", help="compile even when the .mo looks fresh")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="review/check: the day to compare review dates with (default: today)")
    args = parser.parse_args(argv)
    selected = args.domain or ([args.domain_arg] if args.domain_arg else domains())
    if args.command == "files":
        if not args.domain_arg:
            parser.error("files needs a domain, e.g. `python -m locales files bot`")
        for path in domain_files().get(args.domain_arg, []):
            print(_relative(path))
        return 0
    if args.command == "extract":
        return cmd_extract(selected)
    if args.command == "update":
        return cmd_update(selected)
    if args.command == "compile":
        return cmd_compile(selected, args.force)
    today = args.today or dt.date.today()
    if args.command == "review":
        return cmd_review(today)
    return cmd_check(selected, today)


if __name__ == "__main__":
    sys.exit(main())
