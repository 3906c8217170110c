"""The gettext catalogs: locales/<lang>/LC_MESSAGES/<domain>.po, and the tools that keep them.

    python -m locales extract    # locales/<domain>.pot for every domain (flows + Python marks)
    python -m locales update     # extract, then merge each .pot into every language's .po
    python -m locales compile    # .po -> .mo (build output, not committed)
    python -m locales check      # print what is missing or wrong; exit 1 if anything is
    python -m locales review     # topics past their review_by date (a warning, exit 0)
    python -m locales files bot  # the input files of a domain, for `pybabel extract`

Domains: `bot` (flow files whose `domain:` is bot, hotlines.yaml, and N_()/_() marks in
flows/, bot/ and cases/), one per other `domain:` a flow file names (documents, rights, ...), and
`officer` (the N_() marks of cases/officer_text.py: what duty officers read), and `dashboard`
(the committees' web pages: dashboard/templates/*.html's _() calls and dashboard/*.py's marks).

Languages: every domain is translated into LANGUAGES (the public's five), except those
listed in DOMAIN_LANGUAGES: officers are Thai officials, so `officer` is Thai and English
only, and so is `dashboard`. `languages_for(domain)` is the one answer, used by extract/update/compile/check,
the catalog tests and locales.catalogs.Catalogs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from .languages import LANGUAGES, OFFICER_LANGUAGES

LOCALES = Path(__file__).resolve().parent
ROOT = LOCALES.parent
FLOW_DATA = ROOT / "flows" / "data"
PYTHON_SOURCES = ("flows", "bot", "cases", "dashboard")
BOT_DOMAIN = "bot"
OFFICER_DOMAIN = "officer"
DASHBOARD_DOMAIN = "dashboard"
DASHBOARD_TEMPLATES = ROOT / "dashboard" / "templates"
# Domains not meant for the public: their languages, the first one the fallback.
DOMAIN_LANGUAGES: dict[str, tuple[str, ...]] = {OFFICER_DOMAIN: OFFICER_LANGUAGES,
                                                DASHBOARD_DOMAIN: OFFICER_LANGUAGES}
# Python files whose marks belong to a domain other than bot (paths relative to ROOT).
PYTHON_DOMAINS: dict[str, str] = {"cases/officer_text.py": OFFICER_DOMAIN,
                                  "cases/reporter_notes.py": "intake", "bot/officer_messages.py": OFFICER_DOMAIN}

if str(ROOT) not in sys.path:  # Babel imports flows.extract by name (babel.cfg)
    sys.path.insert(0, str(ROOT))


def flow_file_domain(path: Path) -> str | None:
    """The gettext domain a YAML file's message ids belong to (None: it has none)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        return None
    if "hotlines" in raw or "publishers" in raw:  # hotlines.yaml, sources.yaml
        return BOT_DOMAIN
    if "flow" in raw and "steps" in raw:
        return str(raw.get("domain") or BOT_DOMAIN)
    return None  # triggers.yaml


def languages_for(domain: str) -> tuple[str, ...]:
    """The languages a domain is translated into: LANGUAGES unless DOMAIN_LANGUAGES says."""
    return DOMAIN_LANGUAGES.get(domain, LANGUAGES)


def python_file_domain(path: Path) -> str:
    """The domain of a Python file's N_()/_() marks: the dashboard's package feeds `dashboard`;
    elsewhere bot, unless PYTHON_DOMAINS names it."""
    relative = path.resolve().relative_to(ROOT).as_posix()
    if relative.startswith("dashboard/"):
        return DASHBOARD_DOMAIN
    return PYTHON_DOMAINS.get(relative, BOT_DOMAIN)


def domain_files() -> dict[str, list[Path]]:
    """{domain: input files}, bot first. Paths are absolute."""
    files: dict[str, list[Path]] = {BOT_DOMAIN: []}
    for path in sorted(FLOW_DATA.glob("*.yaml")):
        domain = flow_file_domain(path)
        if domain:
            files.setdefault(domain, []).append(path)
    for folder in PYTHON_SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" not in path.parts:
                files.setdefault(python_file_domain(path), []).append(path)
    files.setdefault(DASHBOARD_DOMAIN, []).extend(sorted(DASHBOARD_TEMPLATES.rglob("*.html")))
    return files


def domains() -> list[str]:
    """Every gettext domain: from the flow files and any catalog already on disk."""
    found = list(domain_files())
    on_disk = {p.stem for p in LOCALES.glob("*/LC_MESSAGES/*.po")} | {p.stem for p in LOCALES.glob("*.pot")}
    return found + sorted(on_disk - set(found))


def po_path(lang: str, domain: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"


def pot_path(domain: str) -> Path:
    return LOCALES / f"{domain}.pot"
