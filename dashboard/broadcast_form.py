"""The compose page's form, read and judged: the five texts, the audience, now or a Bangkok time,
and what stops the broadcast. The same reading serves the preview and the send, so the send
re-checks everything the preview showed (the hidden fields may have been changed)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from cases.roster import BANGKOK
from news import compose
from news.audience import Audience
from news.choices import NEWS_LANGUAGES
from news.quota import QuotaDecision, decide

from .text import N_

# A datetime-local field's value, and the same typed with a space.
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
NOW, LATER = "now", "later"

# What stops a broadcast, named for staff.
TEXT_PROBLEMS = {"missing": N_("dashboard.news.problem.missing"),
                 "too_long": N_("dashboard.news.problem.too_long")}
AUDIENCE_WRONG = N_("dashboard.news.problem.audience")
TIME_MISSING = N_("dashboard.news.problem.time_missing")
TIME_WRONG = N_("dashboard.news.problem.time_wrong")
TIME_PAST = N_("dashboard.news.problem.time_past")


@dataclass(frozen=True)
class Draft:
    """A broadcast as the form holds it, with the problems of its own fields (not yet the
    recipients or the quota, which need the database and LINE)."""

    texts: dict[str, str]
    audience: Audience
    when: str                                  # NOW or LATER
    at_text: str                               # the Bangkok time as the field holds it
    send_at: datetime | None                   # in UTC; None to send now
    text_problems: dict[str, str] = field(default_factory=dict)    # language -> missing | too_long
    problems: tuple[str, ...] = ()             # message ids: the audience, the time


def read(form, now: datetime) -> Draft:
    """The form's fields; unknown codes are a problem, never silently dropped."""
    texts = {language: _one_text(form.get(f"text_{language}", "")) for language in NEWS_LANGUAGES}
    audience = Audience(countries=_codes(form, "country"), documents=_codes(form, "document"),
                        provinces=_codes(form, "province"), languages=_codes(form, "language"))
    problems = []
    if audience.problems():
        problems.append(AUDIENCE_WRONG)
    when = LATER if form.get("when") == LATER else NOW
    at_text = form.get("send_at", "").strip()
    send_at = None
    if when == LATER:
        send_at, problem = _bangkok_time(at_text, now)
        if problem:
            problems.append(problem)
    return Draft(texts, audience, when, at_text, send_at, compose.problems(texts), tuple(problems))


def _one_text(raw: str) -> str:
    """A browser sends a textarea's line breaks as CR LF: counted as one, as LINE shows them."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def _codes(form, name: str) -> tuple[str, ...]:
    return tuple(sorted({value.strip() for value in form.getlist(name) if value.strip()}))


def _bangkok_time(raw: str, now: datetime) -> tuple[datetime | None, str | None]:
    if not raw:
        return None, TIME_MISSING
    for pattern in TIME_FORMATS:
        try:
            local = datetime.strptime(raw, pattern)
        except ValueError:
            continue
        moment = local.replace(tzinfo=BANGKOK).astimezone(UTC)
        return (None, TIME_PAST) if moment <= now else (moment, None)
    return None, TIME_WRONG


def hidden_fields(draft: Draft) -> list[tuple[str, str]]:
    """The draft as the Send form carries it back (name, value), read again by `read`."""
    fields = [(f"text_{language}", draft.texts[language]) for language in NEWS_LANGUAGES]
    fields += [("country", code) for code in draft.audience.countries]
    fields += [("document", code) for code in draft.audience.documents]
    fields += [("province", code) for code in draft.audience.provinces]
    fields += [("language", code) for code in draft.audience.languages]
    fields += [("when", draft.when), ("send_at", draft.at_text)]
    return fields


@dataclass(frozen=True)
class Review:
    """What the preview shows and the send obeys: recipients, LINE's quota, and whether it may go."""

    draft: Draft
    recipients: dict[str, int]                 # language -> subscribers reached (every news language)
    quota: QuotaDecision | None                # None: LINE did not answer
    quota_unknown: bool

    @property
    def total(self) -> int:
        return sum(self.recipients.values())

    @property
    def nobody(self) -> bool:
        return self.total == 0

    @property
    def over_quota(self) -> bool:
        return self.quota is not None and not self.quota.allowed

    @property
    def ready(self) -> bool:
        """Nothing stops it: every text, a valid audience and time, someone to send to, the quota."""
        return not (self.draft.text_problems or self.draft.problems or self.nobody or self.quota_unknown
                    or self.over_quota)


def review(draft: Draft, counts: dict[str, int], quota: tuple[int | None, int] | None, reserve: int) -> Review:
    """`counts` from storage/broadcasts.count_recipients; `quota` (limit, used) or None when LINE
    did not say. The quota is asked for the recipients of this broadcast (one message each)."""
    recipients = {language: counts.get(language, 0) for language in NEWS_LANGUAGES}
    decision = None if quota is None else decide(quota[0], quota[1], sum(recipients.values()), reserve)
    return Review(draft, recipients, decision, quota is None)
