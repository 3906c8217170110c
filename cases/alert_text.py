"""What an alert says about a case, in officers' words: the fields of the card and the lines
of the details, without any LINE shape (bot/alert_cards.py and bot/alert_details.py lay them out).

Officers are Thai officials: every word comes from the `officer` catalog (Thai; English for
an English-reading desk), never from the reporter's language. The reporter's own words are
given as they wrote them, with the name of their language in its own script.

What the card's fields hold, and what they do not: the card goes to every on-duty officer AND
to the committee's LINE group (whoever is in it), and phones show it on the lock screen. Its
fields are only what the committee needs to triage: urgency and the rule that decided it, the
district, the sector, the indicators, why the case came to this committee, who reported (self
or tip) and when. Nothing the reporter typed or shared: not their words, not the flow's summary
of their answers, no phone, no way or time to contact them, no address or map pin, no photos.
Those are only in the details, which an officer asks for in their 1:1 chat.

The catalogs are given by the caller (locales.catalogs.Catalogs), so this stays free of the
channel, the web framework and the database.
"""
from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geothai

from locales.languages import AUTONYMS

from .officer_text import OFFICER_MESSAGE_IDS, indicator_id, officer_id, rule_id
from .roster import BANGKOK
from .screening import FRAMEWORKS, VOCABULARY

log = logging.getLogger(__name__)


ESCALATED = "escalated:"
NOTE_CHARS_IN_TRAIL = 300    # ours: a note's words in the audit trail, the rest is in the note itself


@dataclass(frozen=True)
class AlertWords:
    """Everything the alert card says: notification text, header, and (label, values) rows."""

    escalated: bool
    alt: str
    title: str
    subtitle: str
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Point:
    """A shared location that can be shown as a map pin."""

    latitude: float
    longitude: float
    address: str


class AlertText:
    """Officers' words about cases, in one language (Thai by default)."""

    def __init__(self, catalogs, summarise: Callable[[Any], list[str]] | None = None, *,
                 language: str = "th", clock: Callable[[], dt.datetime] | None = None):
        self.catalogs = catalogs
        self.summarise = summarise or (lambda case: [])
        self.language = language
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def t(self, key: str, **params) -> str:
        """An officer text by its key in cases.officer_text ("alert.title")."""
        return self.catalogs.text(self.language, officer_id(key), **params)

    # -- the card -------------------------------------------------------------------------------
    def alert(self, case, reason: str | None = None, nobody_at: str | None = None) -> AlertWords:
        """The card's words: no contact details, no place details, no words of the reporter.
        `nobody_at`: the name of the committee nobody could be alerted at, for the reason."""
        escalated = bool(reason and reason.startswith(ESCALATED))
        urgency = self.urgency_name(case.urgency)
        alt = self.t("alert.alt_escalated" if escalated else "alert.alt_new", reference=case.reference,
                     urgency=urgency)
        rows = [
            (self.t("row.urgency"), [self.urgency_with_rule(case)]),
            (self.t("row.place"), [self.place(case)]),
            (self.t("row.sector"), [self.answer(case, "sector") or self.t("unknown")]),
            (self.t("row.indicators"), self.indicator_lines(case) or [self.t("indicators.none")]),
            (self.t("row.why"), [self.why(case, reason, nobody_at, method=False)]),
            (self.t("row.kind"), [self.kind(case)]),
            (self.t("row.time"), [self.when(getattr(case, "created_at", None))]),
        ]
        return AlertWords(escalated, alt, self.t("alert.title", urgency=urgency, reference=case.reference),
                          self.t("alert.subtitle_escalated" if escalated else "alert.subtitle_new"), rows)

    # -- fields -----------------------------------------------------------------------------------
    def urgency_name(self, urgency: str | None) -> str:
        key = f"urgency.{urgency}"
        return self.t(key) if _known(key) else str(urgency or self.t("unknown"))

    def urgency_with_rule(self, case) -> str:
        """"ด่วนมาก (อยู่ในอันตรายตอนนี้)": the urgency and the rule that decided it."""
        urgency, rule = self.urgency_name(case.urgency), self.rule_name(getattr(case, "urgency_rule", None))
        return f"{urgency} ({rule})" if rule else urgency

    def rule_name(self, rule: str | None) -> str:
        found = rule_id(rule or "")
        return self.catalogs.text(self.language, found) if found else str(rule or "")

    def indicator_name(self, framework: str, name: str) -> str:
        found = indicator_id(framework, name)
        return self.catalogs.text(self.language, found) if found else name.replace("_", " ")

    def framework_name(self, framework: str) -> str:
        key = f"framework.{framework}"
        return self.t(key) if _known(key) else framework

    def place(self, case) -> str:
        """The case's district and province in words ("อ.แม่สาย จ.เชียงราย"), or "unknown"."""
        district = _district(getattr(case, "district_code", None))
        province_code = getattr(case, "province_code", None) or (district.province_code if district else None)
        province = geothai.province(str(province_code)[:2]) if province_code else None
        english = self.language == "en"
        province_name = (province.name_en if english else province.name_th) if province else None
        if district is not None:
            name = district.name_en if english else district.name_th
            if province_name is None:
                return name
            key = "place.bangkok" if district.province_code == "10" else "place.district"
            return self.t(key, district=name, province=province_name)
        if province_name:
            return self.t("place.province", province=province_name)
        return self.t("unknown")

    def answer(self, case, field: str) -> str | None:
        """A chosen answer in officers' words: officer.value.<field>.<value>, else the flow's
        label (answers["_labels"]), else the value itself; None if not answered."""
        answers = _answers(case)
        value = answers.get(field)
        if field == "sector" and not value:
            value = getattr(case, "sector", None)
        if value is None or value == "" or value == "unknown":
            return None
        key = f"value.{field}.{value}"
        if _known(key):
            return self.t(key)
        label = (answers.get("_labels") or {}).get(field)
        if isinstance(label, str) and label:
            return self.catalogs.text(self.language, label)
        return str(value)

    def when(self, moment: dt.datetime | None) -> str:
        """A moment in Bangkok time: "24 พฤศจิกายน 2569 เวลา 14:05 น." (Buddhist Era)."""
        if moment is None:
            return self.t("unknown")
        local = _aware(moment).astimezone(BANGKOK)
        return self.t("time.at", date=self.catalogs.date(self.language, local.date()), time=local.strftime("%H:%M"))

    def age(self, moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
        if moment is None:
            return self.t("unknown")
        minutes = max(0, int((_aware(now or self.clock()) - _aware(moment)).total_seconds() // 60))
        if minutes < 60:
            return self.t("age.minutes", count=minutes)
        if minutes < 48 * 60:
            return self.t("age.hours", count=minutes // 60)
        return self.t("age.days", count=minutes // (24 * 60))

    def indicator_lines(self, case) -> list[str]:
        """One line per framework, in FRAMEWORKS then VOCABULARY order: "ILO: a, b"."""
        grouped: dict[str, list[str]] = {}
        for item in getattr(case, "indicators", None) or []:
            framework, _, name = str(item).partition(":")
            grouped.setdefault(framework, []).append(name)
        order = list(FRAMEWORKS) + sorted(set(grouped) - set(FRAMEWORKS))
        lines = []
        for framework in order:
            names = grouped.get(framework)
            if not names:
                continue
            vocabulary = VOCABULARY.get(framework, ())
            names = sorted(dict.fromkeys(names),
                           key=lambda n: (vocabulary.index(n) if n in vocabulary else len(vocabulary), n))
            lines.append(f"{self.framework_name(framework)}: "
                         + ", ".join(self.indicator_name(framework, n) for n in names))
        return lines

    def why(self, case, reason: str | None, nobody_at: str | None = None, *, method: bool = True) -> str:
        """Why the case came to this committee, and (method) how its place was decided, which
        is for the details only: "nearest district point 3.2 km" says where the reporter was.
        `nobody_at` names the committee that had nobody to alert (escalated:nobody_on_duty)."""
        routing = getattr(case, "routing", None) or {}
        reason = reason or routing.get("reason") or ""
        if reason.startswith(ESCALATED):
            why = reason[len(ESCALATED):]
            key = f"escalated.{why}"
            text = self.t(key, committee=nobody_at or self.t("unknown")) if _known(key) else why
            return self.t("reason.escalated", level=max(1, int(getattr(case, "escalation_level", 0) or 0)),
                          why=text)
        key = f"reason.{reason}"
        text = self.t(key) if _known(key) else reason
        how = self.method(routing) if method else ""
        return f"{text}\n{how}" if how and text else (text or how or self.t("unknown"))

    def method(self, routing: Mapping) -> str:
        method = routing.get("method")
        if method == "nearest_point":
            km = routing.get("distance_km")
            km = "-" if km is None else self.catalogs.number(self.language, round(float(km), 1))
            return self.t("method.nearest_point", km=km)
        key = f"method.{method}"
        return self.t(key) if method and _known(key) else (str(method) if method else "")

    def kind(self, case) -> str:
        """Self-report, or a tip (with how many people and their nationality when given)."""
        if getattr(case, "kind", None) != "tip":
            return self.t("kind.self")
        parts = [self.t("kind.tip")]
        count = _answers(case).get("people_count")
        if count not in (None, ""):
            parts.append(self.t("kind.people", count=count))
        nationality = self.answer(case, "nationality")
        if nationality:
            parts.append(self.t("kind.nationality", nationality=nationality))
        return "\n".join(parts)

    def words(self, case) -> tuple[str, str] | None:
        """(row title with the language's name, the reporter's words as written, whole), or None."""
        text = _answers(case).get("description")
        if not isinstance(text, str) or not text.strip():
            return None
        language = AUTONYMS.get(getattr(case, "language", None) or "") or self.t("unknown")
        return self.t("row.words", language=language), text.strip()

    def summary(self, case) -> list[str]:
        """The caller's summary of the reporter's answers, its blank lines left out; none if it fails."""
        try:
            return [str(line) for line in (self.summarise(case) or []) if str(line).strip()]
        except Exception:  # the alert must go out even if the summary cannot be made
            log.exception("case %s: no summary for the alert", getattr(case, "reference", "?"))
            return []

    def status(self, case, names: Mapping[str, str] | None = None) -> str:
        """The case's status; who acknowledged it by name when `names` has their id."""
        status = getattr(case, "status", None) or "new"
        if status in ("acknowledged", "taken"):
            who = getattr(case, "acknowledged_by" if status == "acknowledged" else "assigned_to", None)
            at = getattr(case, "acknowledged_at" if status == "acknowledged" else "assigned_at", None)
            return self.t(f"status.{status}", name=(names or {}).get(who, who) if who else self.t("unknown"),
                          time=self.when(at))
        if status == "closed" and getattr(case, "outcome", None):
            return self.t("status.closed_outcome", outcome=self.choice("outcome", case.outcome))
        key = f"status.{status}"
        return self.t(key) if _known(key) else status

    def choice(self, kind: str, value: str | None) -> str:
        """An outcome's or a service's name (cases/data/casework.yaml ids); the id itself when the
        committee added one without words yet."""
        key = f"{kind}.{value}"
        return self.t(key) if _known(key) else str(value or self.t("unknown"))

    # -- lists and details ------------------------------------------------------------------------
    def case_list_lines(self, cases: list, now: dt.datetime | None = None) -> list[str]:
        """The open cases, newest first as given: reference, urgency, area, age, status."""
        now = now or self.clock()
        lines = [self.t("case_list.title", count=len(cases))]
        for case in cases:
            status = f"status.{case.status}_short" if case.status in ("acknowledged", "taken") \
                else f"status.{case.status}"
            lines.append(" · ".join([
                "• " + case.reference, self.urgency_name(case.urgency), self.place(case),
                self.age(getattr(case, "created_at", None), now),
                self.t(status) if _known(status) else str(case.status)]))
        lines.append(self.t("case_list.hint"))
        return lines

    def facts(self, case, events: list, names: Mapping[str, str]) -> list[str]:
        """The details' first lines: what the card says, with how the place was decided."""
        escalations = [_field(e, "detail") or {} for e in events if _field(e, "kind") == "escalated"]
        reason = f"{ESCALATED}{escalations[-1].get('why', '')}" if escalations else None
        came_from = escalations[-1].get("frm") if escalations else None
        facts = [self.t("details.title", reference=case.reference), self.t("details.confidential"), "",
                 _line(self.t("row.status"), self.status(case, names)),
                 _line(self.t("row.urgency"), self.urgency_with_rule(case)),
                 _line(self.t("row.place"), self.place(case)),
                 _line(self.t("row.sector"), self.answer(case, "sector") or self.t("unknown")),
                 _line(self.t("row.kind"), self.kind(case).replace("\n", ", ")),
                 _line(self.t("row.time"), self.when(getattr(case, "created_at", None))),
                 _line(self.t("row.why"), self.why(case, reason, names.get(came_from, came_from))
                       .replace("\n", ", ")),
                 "", self.t("row.indicators") + ":"]
        return facts + (["• " + line for line in self.indicator_lines(case)] or [self.t("indicators.none")])

    def contact_lines(self, case) -> list[str]:
        """May the reporter be contacted, how and when, their phone, how many photos."""
        answers = _answers(case)
        contact = [self.t("row.contact") + ":"]
        if getattr(case, "contact_allowed", False) or answers.get("contact_ok") == "yes":
            contact.append(self.t("contact.allowed"))
            how, when_ = self.answer(case, "contact_how"), self.answer(case, "contact_when")
            if how:
                contact.append(self.t("contact.how", how=how))
            if when_:
                contact.append(self.t("contact.when", when=when_))
        else:
            contact.append(self.t("contact.not_allowed"))
        phone = answers.get("contact_phone") or answers.get("phone")
        contact.append(self.t("contact.phone", phone=phone) if phone else self.t("contact.no_phone"))
        photos = answers.get("photos")
        count = len(photos) if isinstance(photos, (list, tuple)) else (1 if photos else 0)
        contact.append(self.t("photos.count", count=count) if count else self.t("photos.none"))
        return contact

    def location(self, case) -> tuple[Point | None, str]:
        """(a point for a map pin or None, a line of text) for the location the reporter shared."""
        location = _answers(case).get("location")
        if not isinstance(location, Mapping):
            return None, self.t("location.none")
        lat, lon = location.get("latitude"), location.get("longitude")
        address = location.get("address") if isinstance(location.get("address"), str) else ""
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            return None, (self.t("location.address", address=address) if address.strip() else self.t("location.none"))
        line = self.t("location.coordinates", latitude=f"{lat:.6f}", longitude=f"{lon:.6f}")
        if address.strip():
            line += "\n" + self.t("location.address", address=address.strip())
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None, line
        return Point(lat, lon, address.strip()), line

    def trail_lines(self, events: Iterable, names: Mapping[str, str]) -> list[str]:
        """One line per audit event, oldest first: when · what · who."""
        return [self._trail_line(event, names) for event in events]

    def _trail_line(self, event, names: Mapping[str, str]) -> str:
        kind, actor = _field(event, "kind") or "", _field(event, "actor") or ""
        committee_id = _field(event, "committee_id")
        detail = _field(event, "detail") or {}
        committee = names.get(committee_id, committee_id) if committee_id else self.t("unknown")
        if kind == "alerted":
            what = self.t("event.alerted", committee=committee, count=detail.get("recipients", 0))
        elif kind == "escalated":
            what = self.t("event.escalated", committee=committee)
            why = detail.get("why")
            if why:
                key, came_from = f"escalated.{why}", detail.get("frm")
                what += f" ({self.t(key, committee=names.get(came_from, came_from)) if _known(key) else why})"
        elif kind == "note":
            what = self.t("event.note",
                          text=_cut(" ".join(str(detail.get("text", "")).split()), NOTE_CHARS_IN_TRAIL))
        elif _known(f"event.{kind}"):
            what = self.t(f"event.{kind}")
        else:
            what = kind
        who = (self.t(f"actor.{actor}") if actor in ("system", "reporter") else names.get(actor, actor)) \
            or self.t("unknown")
        return f"{self.when(_field(event, 'at'))} · {what} · {who}"


# -- helpers -------------------------------------------------------------------------------------
def _known(key: str) -> bool:
    return key in OFFICER_MESSAGE_IDS


def _answers(case) -> dict:
    answers = getattr(case, "answers", None)
    return answers if isinstance(answers, dict) else {}


def _field(event, name: str):
    return event.get(name) if isinstance(event, Mapping) else getattr(event, name, None)


def _district(code) -> Any:
    if not code:
        return None
    code = str(code).strip()
    return geothai.district(code[:4]) if len(code) >= 4 and code[:4].isdigit() else None


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone: they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _cut(text: str, limit: int) -> str:
    """The first `limit` characters, never splitting a letter from its marks (Burmese, Thai)."""
    if len(text) <= limit:
        return text
    end = limit
    while end > 0 and unicodedata.category(text[end])[0] == "M":
        end -= 1
    return text[:end].rstrip()


def _line(label: str, value: str) -> str:
    return f"{label}: {value}"
