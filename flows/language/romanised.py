"""Greetings typed in Latin letters ("mingalaba", "sawasdee") and the language they tell.

Some users have no keyboard for their script and write their language in Latin
letters. langdetect knows none of these languages, so a whole-message greeting
is matched against this small table instead. Only greetings are listed: they are
the usual first message, and each spelling below is attested in the source cited
next to it. A message only counts when it is nothing but the greeting (plus an
optional polite particle), so "sawasdee" in the middle of an English sentence
does not make it Thai.

Keys are lower-case with spaces, hyphens and apostrophes removed ("Mingalar Bar"
-> "mingalarbar"); diacritics in the sources were dropped to plain ASCII.
"""
from __future__ import annotations

import re

GREETINGS: dict[str, str] = {
    # Burmese မင်္ဂလာပါ.
    # "Mingalaba, Mingalarbar, Mingalarba, Mingalarpar" and MLCTS "min ga.la ba":
    #   http://lionslayer.yoeyar.com/?tag=min_ga_la_ba
    "mingalaba": "my",
    "mingalarbar": "my",
    "mingalarba": "my",
    "mingalarpar": "my",
    # "Mingalar Bar": http://myatthura.blogspot.com/2008/03/greetings.html
    # "Min-găla-ba" (John Okell, Burmese by Ear): https://www.hurnell.com/en_GB/mobile-bbe/detail/50
    #   both collapse to keys above ("mingalarbar", "mingalaba").
    # Thai สวัสดี.
    # "sawasdee, sawatdee, sawadee, or even sawatdii":
    #   https://blogs.missouristate.edu/studyaway-cpham/2013/05/26/the-land-of-smiles
    "sawasdee": "th",
    "sawatdee": "th",
    "sawadee": "th",
    "sawatdii": "th",
    # Lao ສະບາຍດີ. (Not "sabai dee mai": that is Thai for "are you well?",
    # https://talkpal.ai/?p=308329 — so only the Lao forms below are listed.)
    # "Sabaidee": http://www.indochina.tours/greeting-culture-laos/
    "sabaidee": "lo",
    # "Saibaidee ສະບາຍດີ": https://traveltheworldnow2020.blogspot.com/2021/04/how-to-speak-lao-during-your-vacation.html
    "saibaidee": "lo",
    # "Sabaideebor" / "Sabaidee": https://culturalatlas.sbs.com.au/lao-culture/lao-culture-greetings
    "sabaideebor": "lo",
    # "sabadee": http://mostly-red.blogspot.com/2007/08/hello-welcome.html
    "sabadee": "lo",
    # Khmer ជំរាបសួរ / សួស្តី.
    # "Chum Reap Suor (ជំរាបសួរ)", "Suosdey (សួស្តី)": https://expatlifecambodia.com/saying-hello-and-goodbye-in-cambodia
    "chumreapsuor": "km",
    "suosdey": "km",
    # "Chom reap suo", "Susadei": https://www.pagebypaigestories.com/post/2016/07/15/how-do-you-say-1
    "chomreapsuo": "km",
    "susadei": "km",
    # "Choum Reap Sur": https://vietvisiontravel.com/?p=25381 and https://toplist.info/top/greeting-38091.htm
    "choumreapsur": "km",
    # "Sues'day", "Chum reap suor": https://howdosayhello.blogspot.com/2023/11/how-do-cambodia-say-hello.html
    "suesday": "km",
    # "suŏsdei": https://polyglotclub.com/wiki/index.php?title=Language/Central-khmer/Culture/Greetings-and-Polite-Behavior
    "suosdei": "km",
}

# Thai polite particles that follow a greeting: "sawadee ka", "sawadee khap"
# (missouristate.edu above); "Khrap (ครับ)", "Kha (ค่ะ)": https://campingground.info/how-to-say-hello-in-thai;
# "Sawasdee krub/ka": https://academy.recforge.com/course/thai-language-course-423/level-1-introduction-to-thai/basic-thai-greetings
_THAI_PARTICLES = ("khrap", "khap", "krub", "krap", "kha", "ka")

_SEPARATORS = re.compile(r"[\s\-'’.!,~]+")


def greeting_language(text: str) -> str | None:
    """The language a romanised greeting tells, when the message is just that greeting."""
    key = _SEPARATORS.sub("", text.casefold())
    if not key or len(key) > 24:
        return None
    lang = GREETINGS.get(key)
    if lang is not None:
        return lang
    for particle in _THAI_PARTICLES:
        if key.endswith(particle) and GREETINGS.get(key[: -len(particle)]) == "th":
            return "th"
    return None
