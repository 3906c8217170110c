"""create_app(): the one place where the parts are wired together."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import click
from flask import Flask

from bot.alerts import AlertComposer
from bot.conversation import FlowResponder
from bot.delivery import Delivery
from bot.line_api import LineClient
from bot.news_messages import NewsMessages
from bot.officer_messages import OfficerMessages, ReporterVoice
from bot.officers import OfficerDesk
from bot.render import Renderer
from bot.responders import Responders
from bot.richmenu import richmenu_cli
from bot.webhook import WebhookEndpoint, make_signature_validator
from cases import lifecycle
from cases.casework import Casework
from cases.reporter_notes import ReporterNotes
from dashboard import init_dashboard
from flows import language
from flows.engine import Engine
from flows.loader import FlowError, load_flows
from locales.catalogs import catalogs as load_catalogs
from locales.message_ids import required_message_ids
from settings import Settings
from storage import crypto
from storage.case_store import CaseStore
from storage.cli import db_cli, keys_cli
from storage.consents import ConsentStore
from storage.db import Database
from storage.directory_cli import committees_cli
from storage.stats_cli import cases_cli
from worker.broadcast_cli import broadcast_cli
from worker.broadcasts import Broadcasts, NewsDesk
from worker.chat_drain import ChatDrain
from worker.chat_processor import ChatProcessor
from worker.cli import sweep_command, worker
from worker.escalations import Escalations, schedule_checks
from worker.queue import JobQueue, connect_redis
from worker.reminders import ReminderRun, reminders_cli


@dataclass
class Hotline:
    """The service's parts, one set per process, kept in app.extensions["hotline"]."""

    settings: Settings
    db: Database
    queue: JobQueue
    line: LineClient
    delivery: Delivery
    processor: ChatProcessor
    signature: object
    escalations: Escalations
    casework: Casework
    drain: ChatDrain | None = None           # the drain jobs' loop over the chat list (worker/chat_drain.py)
    reminders: ReminderRun | None = None     # the day's personal reminders (issue 15)
    broadcasts: Broadcasts | None = None   # news (issue 15): start and send jobs (worker/broadcasts.py)
    news: NewsDesk | None = None           # the dashboard's and the CLI's: quota, queue a broadcast

    def after_commit(self, rows, cases=()) -> None:
        """What a case action outside a chat (the dashboard) set off, once committed: its outbox
        rows are queued for sending and its cases' timers scheduled (the sweeper catches both if
        Redis is down)."""
        for row in rows:
            self.queue.deliver(row.id)
        schedule_checks(self.queue, cases)


def build_responder(settings: Settings, line) -> tuple[Responders, Casework]:
    """Officers' desk, then the conversation flows. Flows are checked at start: a broken
    flow or a message without an English text stops the app here, not in a conversation."""
    flows = load_flows()
    catalogs = load_catalogs()
    missing = sorted(message_id for ids in required_message_ids(flows).values() for message_id in ids
                     if not catalogs.has("en", message_id) and not catalogs.has("th", message_id))
    if missing:
        raise FlowError(f"message ids without a text: {missing}")
    engine = Engine(flows)
    renderer = Renderer(catalogs, language.to_zawgyi)

    def summarise(case) -> list[str]:  # the reporter's answers, in Thai, for the officers
        flow = case.answers.get("_flow")
        return renderer.summary_lines(engine.summarise(flow, case.answers), "th") if flow in flows.flows else []

    alerts = AlertComposer(catalogs, summarise)
    voice = ReporterVoice(renderer)
    notes = ReporterNotes(ConsentStore(), voice)   # the `reporter` collaborator (issue 13)
    casework = Casework(alerts, CaseStore(), windows=settings.urgency_windows,
                        data=lifecycle.load(settings.casework_file), reporter=notes)
    conversations = FlowResponder(engine, catalogs, renderer, line, casework)
    voice.answering_report = conversations.answering_report
    messages = OfficerMessages(notes, alerts)   # `msg REF` (bot/officer_messages.py)
    desk = OfficerDesk(casework, alerts, messages=messages, public_base_url=settings.public_base_url,
                       link_seconds=settings.dashboard_link_seconds)
    conversations.talk = messages               # the reporter's answers to that officer
    return Responders(desk, conversations), casework


class StartupRefused(click.ClickException):
    """The service must not start; its message is the one line that says why (the flask CLI
    prints it as "Error: ..." and exits 1; gunicorn.conf.py prints it and exits 1)."""


def check_startup(settings: Settings) -> None:
    """Outside development, refuse to run without a real channel secret, access token and
    encryption keys, naming each one missing: the dev values would accept forged events, and
    a key made per process would leave web and worker unable to read each other's rows."""
    problems = settings.missing()
    try:
        crypto.keys_from_env(settings.instance_dir if settings.development else None)
    except crypto.KeysMissing:
        problems.append(crypto.ENV_KEYS)
    except ValueError:                                    # never the key itself in the message
        problems.append(f"{crypto.ENV_KEYS} (a key does not parse)")
    if problems:
        raise StartupRefused(
            f"refusing to start: HOTLINE_ENV={settings.environment} needs real values of: {', '.join(problems)}; "
            "`flask --app app keys generate` makes a key; HOTLINE_ENV=development is for local runs only")


# Flask CLI commands that must work before any secret exists: a deployer makes keys first.
SECRET_FREE_COMMANDS = (("keys", "generate"),)


def _running_secret_free_command() -> bool:
    """Whether this process is the flask CLI running one of SECRET_FREE_COMMANDS. The CLI
    builds the app before it knows the command, so the command line is the only witness."""
    if click.get_current_context(silent=True) is None:   # not the CLI (gunicorn, tests)
        return False
    words = tuple(sys.argv[1:])
    return any(words[i:i + len(command)] == command
               for command in SECRET_FREE_COMMANDS for i in range(len(words)))


def build_hotline(settings: Settings, responder=None, line=None, redis=None) -> Hotline:
    # The local development key is used in development only; check_startup ran before.
    crypto.configure(crypto.keys_from_env(settings.instance_dir if settings.development else None))
    db = Database(settings.database_url)
    queue = JobQueue(redis or connect_redis(settings.redis_url, settings.instance_dir), settings.queue_name)
    line = line or LineClient(settings.access_token, settings.line_api_base, settings.line_api_data_base)
    delivery = Delivery(db, line, queue, max_attempts=settings.send_retries,
                        notice_seconds=settings.emergency_delivery_seconds)
    responders, casework = build_responder(settings, line)
    delivery.reporter_check = casework.reporter.at_send   # a queued push to a reporter, asked again
    processor = ChatProcessor(db, queue, delivery, responder or responders,
                              reply_token_ttl=settings.reply_token_ttl_seconds,
                              emergency_delivery=settings.emergency_delivery_seconds)
    news_broadcasts = Broadcasts(db, line, queue, NewsMessages(load_catalogs(), language.to_zawgyi),
                                 calls_per_second=settings.broadcast_calls_per_second,
                                 quota_reserve=settings.broadcast_quota_reserve, max_attempts=settings.send_retries)
    return Hotline(settings, db, queue, line, delivery, processor,
                   make_signature_validator(settings.channel_secret), Escalations(db, casework, delivery, queue),
                   casework, drain=ChatDrain(queue.chats, processor),
                   reminders=ReminderRun(db, queue, responders.conversations, settings.reminder_hour),
                   broadcasts=news_broadcasts, news=NewsDesk(line, queue))


def create_app(settings: Settings | None = None, **parts) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    if _running_secret_free_command():
        app.cli.add_command(keys_cli)
        return app
    check_startup(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    hotline = app.extensions["hotline"] = build_hotline(settings, **parts)
    app.wsgi_app = WebhookEndpoint(app.wsgi_app, hotline)   # POST /callback; the rest goes on to Flask
    init_dashboard(app, settings, hotline.db, hotline.casework, after_commit=hotline.after_commit,
                   summarise=hotline.casework.alerts.text.summarise, news=hotline.news)
    for command in (db_cli, keys_cli, worker, sweep_command, richmenu_cli, committees_cli, cases_cli,
                    reminders_cli, broadcast_cli):
        app.cli.add_command(command)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
