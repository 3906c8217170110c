"""Address text → district: the names LINE's address (or what a person typed) gives, matched against
geothai's Thai and English district and province names (DOPA data [S86]), so a location can be
routed by what it says even where no district point is known.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import geothai

_THAI = "\u0e00-\u0e7f"
_DISTRICT_BEFORE_TH = ("กิ่งอำเภอ", "อำเภอ", "เขต")
_TAMBON_BEFORE_TH = ("ตำบล", "แขวง")
_DISTRICT_BEFORE_EN = re.compile(r"(?:amphoe|amphur|amphoe\.|khet|district of)\s*$")
_DISTRICT_AFTER_EN = re.compile(r"^\s*district(?![a-z])")
_TAMBON_BEFORE_EN = re.compile(r"(?:tambon|khwaeng)\s*$")
_TAMBON_AFTER_EN = re.compile(r"^[\s-]*sub[\s-]*district")
_MUEANG_TH = re.compile(r"(?:อำเภอ)\s*เมือง(?![" + _THAI + r"])")
_MUEANG_EN = re.compile(r"(?:amphoe\s+mueang|amphoe\s+muang|(?<![a-z])mueang\s+district|(?<![a-z])muang\s+district)"
                        r"(?![a-z])")
_POSTAL = re.compile(r"(?<!\d)(\d{5})(?!\d)")

# Other spellings seen for some districts and provinces (English lower case, or Thai).
DISTRICT_ALIASES = {
    "5701": ("muang chiang rai",),
    "5704": ("toeng",),
    "5713": ("wiang khaen",),
    "5715": ("mae fah luang",),
}
PROVINCE_ALIASES = {
    "10": ("กรุงเทพ", "กทม", "bangkok", "krung thep maha nakhon", "krung thep"),
    "84": ("suratthani",),
}


@dataclass(frozen=True)
class AddressMatch:
    """What an address text names: its district if exactly one fits, and the provinces it names."""

    district_code: str | None
    province_codes: frozenset[str]   # provinces the text names (by name or postal code)


def _prepare(text: str) -> str:
    text = text.lower()
    text = re.sub(rf"(?<![{_THAI}])อ\.\s*", " อำเภอ", text)
    text = re.sub(rf"(?<![{_THAI}])จ\.\s*", " จังหวัด", text)
    text = re.sub(rf"(?<![{_THAI}])ต\.\s*", " ตำบล", text)
    text = re.sub(r"[,;:()/\\\n\t\"]+", " ", text)
    return " " + re.sub(r"\s+", " ", text).strip() + " "


def _english_pattern(name: str) -> re.Pattern:
    words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]
    return re.compile(r"(?<![a-z])" + r"[\s'.-]*".join(map(re.escape, words)) + r"(?![a-z])")


@lru_cache(maxsize=1)
def _district_index() -> tuple[tuple[str, tuple[str, ...], tuple[re.Pattern, ...]], ...]:
    """(code, Thai names, English patterns) per district."""
    rows = []
    for district in _all_districts():
        thai = district.name_th
        for prefix in ("เขต",):
            if thai.startswith(prefix) and len(thai) > len(prefix):
                thai = thai[len(prefix):]
        names_th = tuple(n for n in (thai,) + DISTRICT_ALIASES.get(district.code, ()) if re.search(f"[{_THAI}]", n))
        names_en = (district.name_en,) + tuple(n for n in DISTRICT_ALIASES.get(district.code, ())
                                               if not re.search(f"[{_THAI}]", n))
        rows.append((district.code, names_th, tuple(_english_pattern(n) for n in names_en)))
    return tuple(rows)


def _all_districts():
    for province in geothai.provinces():
        yield from geothai.districts(province.code)


@lru_cache(maxsize=1)
def _province_index() -> tuple[tuple[str, tuple[str, ...], tuple[re.Pattern, ...]], ...]:
    rows = []
    for province in geothai.provinces():
        aliases = PROVINCE_ALIASES.get(province.code, ())
        thai = (province.name_th,) + tuple(a for a in aliases if re.search(f"[{_THAI}]", a))
        english = (province.name_en,) + tuple(a for a in aliases if not re.search(f"[{_THAI}]", a))
        rows.append((province.code, thai, tuple(_english_pattern(n) for n in english)))
    return tuple(rows)


def _mueang_of(province_code: str) -> str | None:
    """The capital district ("อำเภอเมือง…") of a province; Bangkok has none."""
    province = geothai.province(province_code)
    candidates = [d for d in geothai.districts(province_code) if d.name_th.startswith("เมือง")]
    for district in candidates:
        if province and district.name_th == "เมือง" + province.name_th:
            return district.code
    if candidates:
        return candidates[0].code
    capital = geothai.district(province_code + "01")       # Ayutthaya's is named after the city
    return capital.code if capital and province_code != "10" else None


def _find_all(text: str, needle: str) -> Iterable[tuple[int, int]]:
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def _provinces_named(text: str) -> set[str]:
    found = set()
    for code, thai_names, patterns in _province_index():
        for name in thai_names:
            for start, end in _find_all(text, name):
                before, after = text[:start].rstrip(), text[end:]
                bounded = text[start - 1] == " " or before.endswith("จังหวัด")
                if bounded and (after[:1] in (" ", "") or after[:1].isdigit()):
                    found.add(code)
        if any(pattern.search(text) for pattern in patterns):
            found.add(code)
    for postal in _POSTAL.findall(text):
        provinces = {s.province_code for s in geothai.by_postal_code(postal)}
        if len(provinces) == 1:
            found |= provinces
    return found


def _drop_contained(matches: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [m for m in matches
            if not any(o is not m and o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0])
                       for o in matches)]


def _short(name: str) -> bool:
    if re.search(f"[{_THAI}]", name):
        return len(name) < 4
    return len(name.split()) < 2 and len(name) < 6


def locate_address(text: str | None, province_hint: str | None = None) -> AddressMatch:
    """The district an address names, if exactly one fits. A name marked as a district
    ("อำเภอเชียงแสน", "อ.แม่สาย", "Amphoe Mae Sai", "Chiang Saen District") beats an unmarked
    one (which must stand alone between spaces); names marked as a subdistrict (ตำบล/แขวง,
    Tambon, Subdistrict) are ignored. Provinces the text names (or its postal code shows)
    narrow the choice; `province_hint` (e.g. from coordinates) narrows it only if something
    is left."""
    if not text or not text.strip():
        return AddressMatch(None, frozenset())
    prepared = _prepare(text)
    named = _provinces_named(prepared)
    marked: list[tuple[int, int, str]] = []
    unmarked: list[tuple[int, int, str]] = []
    for code, thai_names, patterns in _district_index():
        for name in thai_names:
            for start, end in _find_all(prepared, name):
                before, after = prepared[:start].rstrip(), prepared[end:]
                if before.endswith(_TAMBON_BEFORE_TH):
                    continue
                if before.endswith(_DISTRICT_BEFORE_TH):
                    marked.append((start, end, code))
                elif prepared[start - 1] == " " and (after[:1] == " " or after[:1].isdigit()):
                    unmarked.append((start, end, code))
        for pattern in patterns:
            for match in pattern.finditer(prepared):
                before, after = prepared[:match.start()], prepared[match.end():]
                if _TAMBON_BEFORE_EN.search(before) or _TAMBON_AFTER_EN.match(after):
                    continue
                if _DISTRICT_BEFORE_EN.search(before) or _DISTRICT_AFTER_EN.match(after):
                    marked.append((match.start(), match.end(), code))
                else:
                    unmarked.append((match.start(), match.end(), code))
    everything = _drop_contained(marked + unmarked)
    marked = [m for m in everything if m in marked]
    # A short name standing alone ("Hot", "Song", "ลอง", "สอง") is too often an ordinary
    # word: it counts only in a province the text names or the coordinates suggest.
    known = named | ({province_hint} if province_hint else set())
    unmarked = [m for m in everything if m not in marked
                and (not _short(prepared[m[0]:m[1]]) or m[2][:2] in known)]
    codes = {code for _s, _e, code in (marked or unmarked)}
    if not codes and (_MUEANG_TH.search(prepared) or _MUEANG_EN.search(prepared)):
        provinces = named or ({province_hint} if province_hint else set())
        if len(provinces) == 1:
            mueang = _mueang_of(next(iter(provinces)))
            codes = {mueang} if mueang else set()
    if named:
        codes = {code for code in codes if code[:2] in named}
    elif province_hint:
        narrowed = {code for code in codes if code[:2] == province_hint}
        codes = narrowed or codes
    district = next(iter(codes)) if len(codes) == 1 else None
    return AddressMatch(district, frozenset(named))
