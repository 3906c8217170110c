"""`flask --app app broadcast`: news to subscribers from the command line (preview, send, list, show, cancel).

The texts come from a YAML file with one text per language ({my: ..., km: ..., lo: ..., th: ...,
en: ...}); the audience from repeatable options (--country, --document, --province, --language).
A broadcast missing a language, or one over LINE's monthly quota, is refused before anything is
stored; the worker checks the quota again when it starts (worker/broadcasts.py). Times are Bangkok's.
"""
from __future__ import annotations

import getpass
from datetime import UTC, datetime

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from cases.roster import BANGKOK
from news import compose
from news import quota as quota_rule
from news.audience import Audience
from news.choices import COUNTRIES, DOCUMENTS, NEWS_LANGUAGES
from storage import broadcast_batches, broadcasts
from storage.timeutil import as_utc

TIME_FORMAT = "%Y-%m-%d %H:%M"

broadcast_cli = AppGroup("broadcast", help="News to subscribers: preview, send, list, show, cancel.")


def _hotline():
    return current_app.extensions["hotline"]


def _audience_options(command):
    for option in reversed((
        click.option("--country", "countries", multiple=True, type=click.Choice(COUNTRIES),
                     help="Workers from this country (repeatable; none = all)."),
        click.option("--document", "documents", multiple=True, type=click.Choice(DOCUMENTS),
                     help="Holding this document (repeatable; none = all)."),
        click.option("--province", "provinces", multiple=True,
                     help="Two-digit province code (repeatable; none = all; whole-country subscribers always)."),
        click.option("--language", "languages", multiple=True, type=click.Choice(NEWS_LANGUAGES),
                     help="Reading this language (repeatable; none = all)."),
    )):
        command = option(command)
    return command


def _texts(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            texts = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise click.ClickException(f"cannot read the texts file: {exc}") from None
    if not isinstance(texts, dict):
        raise click.ClickException("the texts file must map each language (my, km, lo, th, en) to its text")
    return texts


def _bangkok(value) -> str:
    return as_utc(value).astimezone(BANGKOK).strftime(TIME_FORMAT) if value else "-"


class Check:
    """What a composed broadcast would meet: the texts' and audience's problems, its recipients, the quota."""

    def __init__(self, texts: dict, audience: Audience):
        hotline = _hotline()
        self.texts_problems = compose.problems(texts)
        self.audience_problems = audience.problems()
        with hotline.db.sessions() as session:
            self.per_language = broadcasts.count_recipients(session, audience) if not self.audience_problems else {}
        self.needed = sum(self.per_language.values())
        self.quota_error = None
        self.decision = None
        try:
            limit, used = hotline.news.quota()
        except LookupError as exc:
            self.quota_error = str(exc)
        else:
            self.decision = quota_rule.decide(limit, used, self.needed, hotline.settings.broadcast_quota_reserve)

    def refusals(self) -> list[str]:
        reasons = [f"text {language}: {problem}" for language, problem in sorted(self.texts_problems.items())]
        reasons += [f"audience: unknown {code}" for code in self.audience_problems]
        if not self.audience_problems and not self.needed:
            reasons.append("no subscriber matches the audience")
        if self.quota_error:
            reasons.append(f"LINE's quota unknown: {self.quota_error}")
        elif self.decision is not None and not self.decision.allowed:
            d, reserve = self.decision, _hotline().settings.broadcast_quota_reserve
            reasons.append(f"over LINE's monthly quota: {d.needed} recipients, {d.used} of {d.limit} used this month"
                           + (f", {reserve} kept back" if reserve else ""))
        return reasons

    def echo(self) -> None:
        for language in NEWS_LANGUAGES:
            click.echo(f"  {language}: {self.per_language.get(language, 0)}")
        click.echo(f"recipients: {self.needed}")
        d = self.decision
        if d is not None:
            if d.limit is None:
                click.echo(f"quota: no limit set by LINE; {d.used} used this month")
            else:
                click.echo(f"quota: {d.used} of {d.limit} used this month; after this broadcast "
                           f"{d.used + d.needed} ({d.left_after} left)")
            if d.warn:
                click.echo(f"warning: this takes the month's use to {quota_rule.WARN_AT:.0%} of the quota or more")


@broadcast_cli.command("preview")
@click.argument("texts_file", type=click.Path(exists=True, dir_okay=False))
@_audience_options
def preview(texts_file, countries, documents, provinces, languages) -> None:
    """Who would get it (per language), LINE's quota, and why it would be refused if it would."""
    check = Check(_texts(texts_file), Audience.from_dict({"countries": countries, "documents": documents,
                                                          "provinces": provinces, "languages": languages}))
    check.echo()
    reasons = check.refusals()
    for reason in reasons:
        click.echo(f"refused: {reason}")
    if not reasons:
        click.echo("ready to send")


def _send_at(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=BANGKOK).astimezone(UTC)   # stored in UTC
    except ValueError:
        raise click.BadParameter(f"use \"{TIME_FORMAT.replace('%', '').replace('Y', 'YYYY')}\" (Bangkok time)",
                                 param_hint="--at") from None


@broadcast_cli.command("send")
@click.argument("texts_file", type=click.Path(exists=True, dir_okay=False))
@_audience_options
@click.option("--at", "at", default=None, help='When to send, "YYYY-MM-DD HH:MM" Bangkok time (default: now).')
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def send(texts_file, countries, documents, provinces, languages, at, yes) -> None:
    """Store the broadcast and queue it (now or --at); refused before anything is stored if it cannot go."""
    send_at = _send_at(at)
    texts = _texts(texts_file)
    audience = Audience.from_dict({"countries": countries, "documents": documents, "provinces": provinces,
                                   "languages": languages})
    check = Check(texts, audience)
    check.echo()
    reasons = check.refusals()
    if reasons:
        raise click.ClickException("refused: " + "; ".join(reasons))
    when = _bangkok(send_at) if send_at else "now"
    if not yes:
        click.confirm(f"Send to {check.needed} recipients {when}?", abort=True)
    hotline = _hotline()
    with hotline.db.transaction() as session:
        broadcast = broadcasts.create(session, texts, audience, f"cli:{getpass.getuser()}", send_at=send_at)
        broadcast_id = broadcast.id
    queued = hotline.news.queue(broadcast_id, send_at)
    click.echo(f"broadcast {broadcast_id} scheduled for {when}"
               + ("" if queued else " (queue unavailable: the sweeper starts it)"))


@broadcast_cli.command("list")
@click.option("--limit", default=20, show_default=True)
def list_command(limit: int) -> None:
    """The newest broadcasts: state, time, counts, who sent them."""
    with _hotline().db.sessions() as session:
        rows = broadcasts.recent(session, limit)
        for b in rows:
            click.echo(f"{b.id}\t{b.state}\t{_bangkok(b.send_at)}\trecipients {b.recipients}\taccepted {b.accepted}"
                       f"\tfailed {b.failed}\t{b.created_by}")
    if not rows:
        click.echo("no broadcasts")


@broadcast_cli.command("show")
@click.argument("broadcast_id", type=int)
def show(broadcast_id: int) -> None:
    """One broadcast: audience, progress (batches and recipients), result or why it was refused."""
    with _hotline().db.sessions() as session:
        b = broadcasts.get(session, broadcast_id)
        if b is None:
            raise click.ClickException(f"no broadcast {broadcast_id}")
        progress = broadcast_batches.progress(session, broadcast_id)
    click.echo(f"broadcast {b.id}: {b.state}")
    click.echo(f"by {b.created_by}; created {_bangkok(b.created_at)}; send at {_bangkok(b.send_at)}; "
               f"started {_bangkok(b.started_at)}; finished {_bangkok(b.finished_at)}")
    audience = {key: value for key, value in (b.audience or {}).items() if value}
    click.echo("audience: " + (", ".join(f"{k} {'/'.join(v)}" for k, v in audience.items()) or "all subscribers"))
    click.echo(f"batches: {progress.sent} sent, {progress.failed} failed, {progress.pending} pending "
               f"of {progress.batches}")
    click.echo(f"recipients: {progress.recipients}; accepted by LINE {progress.accepted}; "
               f"failed {progress.failed_recipients}")
    if b.quota:
        q = b.quota
        click.echo(f"quota at start: {q.get('used')} of {q.get('limit') if q.get('limit') is not None else 'no limit'}"
                   f" used, {q.get('needed')} needed" + ("; warning: 80 % or more" if q.get("warn") else ""))
    if b.error:
        click.echo(f"refused: {b.error}")


@broadcast_cli.command("cancel")
@click.argument("broadcast_id", type=int)
def cancel(broadcast_id: int) -> None:
    """Cancel a broadcast that has not started."""
    with _hotline().db.transaction() as session:
        cancelled = broadcasts.cancel(session, broadcast_id)
    if not cancelled:
        raise click.ClickException(f"broadcast {broadcast_id} cannot be cancelled (unknown, or it already started)")
    click.echo(f"broadcast {broadcast_id} cancelled")
