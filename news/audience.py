"""Who a broadcast reaches: subscribers matching every dimension given (an empty one is everyone).

One rule for the count on the compose page, the CLI and the sending worker: storage turns
it into SQL (`storage/news.py`), and `matches` is the same rule in Python for the tests.
"""
from __future__ import annotations

from dataclasses import dataclass

from .choices import ALL_PROVINCES, COUNTRIES, DOCUMENTS, NEWS_LANGUAGES, PROVINCE_CODES


@dataclass(frozen=True)
class Audience:
    """Each tuple lists the codes wanted; empty means all. A subscriber of the whole country
    (province ALL_PROVINCES) is in every province's audience: news for a province concerns
    them too."""

    countries: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        """Codes that are not ours, as "dimension:code" (an empty list when it is valid)."""
        wrong = [f"country:{c}" for c in self.countries if c not in COUNTRIES]
        wrong += [f"document:{d}" for d in self.documents if d not in DOCUMENTS]
        wrong += [f"province:{p}" for p in self.provinces if p not in PROVINCE_CODES]
        wrong += [f"language:{code}" for code in self.languages if code not in NEWS_LANGUAGES]
        return wrong

    def matches(self, country: str, document: str, province: str, language: str) -> bool:
        return ((not self.countries or country in self.countries)
                and (not self.documents or document in self.documents)
                and (not self.provinces or province in self.provinces or province == ALL_PROVINCES)
                and (not self.languages or language in self.languages))

    def to_dict(self) -> dict:
        return {"countries": list(self.countries), "documents": list(self.documents),
                "provinces": list(self.provinces), "languages": list(self.languages)}

    @classmethod
    def from_dict(cls, data: dict | None) -> Audience:
        data = data or {}
        return cls(*(tuple(sorted({str(v) for v in data.get(key) or ()}))
                     for key in ("countries", "documents", "provinces", "languages")))
