"""Which committee a report goes to: pure functions, plain data in and out.

A report's place is one of
- a shared LINE location: `SharedLocation(latitude, longitude, address, title)`;
- an area the person picked: `PickedArea(province_code, district_code)` (DOPA codes);
- text they typed about where they are (a `str`), matched against district names;
- all of these at once: `Place(latitude, longitude, address, title, province_code,
  district_code)`, any of them None (a picked district wins, then the location);
- nothing (`None`).
`place_from_dict` builds one of these from stored conversation state or a LINE location
message (a plain dict is accepted wherever a place is). The directory is a plain
snapshot: a list of dicts with id, level ("district" | "province" | "national"),
province_code, district_code, parent_id, active (storage.directory.directory_snapshot).

`route(place, directory)` decides the place's district/province (`locate`) and then the
committee (`choose_committee`):
- "district_committee": a committee covers the district;
- "uncovered_district": the district is known but has no committee → its province's;
- "province_only": the province is known but not the district → the province's committee;
- "no_province": nothing is known, or the province has no committee → the national focal point.
The Route also says how the place was decided (`method`: "picked", "address_name",
"nearest_point", "none") and `distance_km` (from the location to the point that decided,
or to the nearest known point), so an alert can say why it came to its reader.

A shared location's district: first a district name in LINE's address text (Thai or
English names from geothai, DOPA data [S86]); else the nearest approximate district point
(cases/geo_points.py, [S88] — APPROXIMATE, ROUGH ROUTING ONLY: there are no boundary
polygons with a clear licence, DOMAIN.md §6) within `max_distance_km`. Farther than that
from every known point, the district and province are unknown (unless the address names
the province) → national. Points exist only for Chiang Rai's 18 districts and Phanom
(Surat Thani), so a location elsewhere in Thailand routes by its address text or goes
national. Near a province border the nearest point can be in the wrong province.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import geothai

from .geo_points import POINTS, DistrictPoint

DEFAULT_MAX_DISTANCE_KM = 30.0
# Thailand's rough bounding box (lat, lon); coordinates outside it are not matched to points.
THAILAND_BOX = (5.5, 20.6, 97.2, 105.8)

REASONS = ("district_committee", "uncovered_district", "province_only", "no_province")
METHODS = ("picked", "address_name", "nearest_point", "none")


# -- data --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SharedLocation:
    latitude: float
    longitude: float
    address: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class PickedArea:
    province_code: str | None
    district_code: str | None = None


@dataclass(frozen=True)
class Place:
    """Everything a report may say about its place at once (e.g. from a finished intake):
    a picked district wins; then a shared location (a picked province fills in if the
    location decides nothing); then a picked province; then the address text alone."""

    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    title: str | None = None
    province_code: str | None = None
    district_code: str | None = None


PlaceLike = Place | SharedLocation | PickedArea | str | Mapping | None


@dataclass(frozen=True)
class Located:
    province_code: str | None
    district_code: str | None
    method: str
    distance_km: float | None = None


@dataclass(frozen=True)
class Route:
    committee_id: str | None     # None only when the directory has no active national committee
    reason: str                  # one of REASONS
    district_code: str | None
    province_code: str | None
    method: str                  # one of METHODS
    distance_km: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AddressMatch:
    district_code: str | None
    province_codes: frozenset[str]   # provinces the text names (by name or postal code)


def place_from_dict(data: Any) -> SharedLocation | PickedArea | Place | str | None:
    """A place from plain data: a LINE location message or {"latitude", "longitude",
    "address", "title"} (also "lat"/"lon"); {"province_code", "district_code"}; {"text"}; or
    a string. Anything else is None."""
    if data is None or isinstance(data, (SharedLocation, PickedArea, Place)):
        return data
    if isinstance(data, str):
        return data.strip() or None
    if not isinstance(data, Mapping):
        return None
    lat, lon = data.get("latitude", data.get("lat")), data.get("longitude", data.get("lon"))
    if lat is not None and lon is not None:
        try:
            return SharedLocation(float(lat), float(lon), data.get("address"), data.get("title"))
        except (TypeError, ValueError):
            return None
    if data.get("province_code") or data.get("district_code"):
        return PickedArea(_code(data.get("province_code")), _code(data.get("district_code")))
    text = data.get("text") or data.get("address")
    return (text.strip() or None) if isinstance(text, str) else None


def _code(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# -- distance ----------------------------------------------------------------------------------
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def in_thailand_box(latitude: float, longitude: float) -> bool:
    south, north, west, east = THAILAND_BOX
    return south <= latitude <= north and west <= longitude <= east


def _valid(latitude: Any, longitude: Any) -> bool:
    return (isinstance(latitude, (int, float)) and isinstance(longitude, (int, float))
            and math.isfinite(latitude) and math.isfinite(longitude)
            and -90 <= latitude <= 90 and -180 <= longitude <= 180)


def nearest_district(latitude: float, longitude: float,
                     points: Iterable[DistrictPoint] = POINTS) -> tuple[DistrictPoint, float] | None:
    """The nearest approximate district point and its distance in km (None if no points)."""
    best = None
    for point in points:
        km = haversine_km(latitude, longitude, point.latitude, point.longitude)
        if best is None or km < best[1]:
            best = (point, km)
    return best


def _distance_to_district(latitude: float, longitude: float, district_code: str) -> float | None:
    found = nearest_district(latitude, longitude, [p for p in POINTS if p.district_code == district_code])
    return round(found[1], 1) if found else None


# -- names in address text ---------------------------------------------------------------------
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


# -- deciding the place ------------------------------------------------------------------------
def locate(place: PlaceLike, *, max_distance_km: float = DEFAULT_MAX_DISTANCE_KM) -> Located:
    """The district and province of a report's place, and how they were decided."""
    place = place_from_dict(place)
    if isinstance(place, Place):
        return _combined(place, max_distance_km)
    if isinstance(place, PickedArea):
        return _picked(place)
    if isinstance(place, str):
        match = locate_address(place)
        if match.district_code:
            return Located(match.district_code[:2], match.district_code, "address_name")
        if len(match.province_codes) == 1:
            return Located(next(iter(match.province_codes)), None, "address_name")
        return Located(None, None, "none")
    if isinstance(place, SharedLocation):
        return _shared(place, max_distance_km)
    return Located(None, None, "none")


def _combined(place: Place, max_distance_km: float) -> Located:
    picked = _picked(PickedArea(place.province_code, place.district_code))
    if picked.district_code:
        return picked
    if place.latitude is not None and place.longitude is not None:
        try:
            shared = SharedLocation(float(place.latitude), float(place.longitude), place.address, place.title)
        except (TypeError, ValueError):
            shared = None
        if shared is not None:
            located = _shared(shared, max_distance_km)
            if located.method != "none" or picked.method == "none":
                return located
            return Located(picked.province_code, None, "picked", located.distance_km)
    if picked.method != "none":
        return picked
    text = " ".join(part for part in (place.title, place.address) if isinstance(part, str) and part.strip())
    return locate(text or None)


def _picked(place: PickedArea) -> Located:
    district, province = _code(place.district_code), _code(place.province_code)
    found = geothai.district(district) if district else None
    if found is not None and (not province or province == found.province_code):
        return Located(found.province_code, found.code, "picked")
    if province and geothai.province(province) is not None:
        return Located(province, None, "picked")
    return Located(None, None, "none")


def _shared(place: SharedLocation, max_distance_km: float) -> Located:
    lat, lon = place.latitude, place.longitude
    usable = _valid(lat, lon) and in_thailand_box(lat, lon)
    nearest = nearest_district(lat, lon) if usable else None
    near = nearest is not None and nearest[1] <= max_distance_km
    near_province = nearest[0].district_code[:2] if near else None
    nearest_km = round(nearest[1], 1) if nearest else None

    text = " ".join(part for part in (place.title, place.address) if isinstance(part, str) and part.strip())
    match = locate_address(text, province_hint=near_province) if text else AddressMatch(None, frozenset())
    if match.district_code:
        km = _distance_to_district(lat, lon, match.district_code) if usable else None
        return Located(match.district_code[:2], match.district_code, "address_name", km)
    if near and (not match.province_codes or near_province in match.province_codes):
        return Located(near_province, nearest[0].district_code, "nearest_point", nearest_km)
    if len(match.province_codes) == 1:
        return Located(next(iter(match.province_codes)), None, "address_name", nearest_km)
    return Located(None, None, "none", nearest_km)


# -- deciding the committee --------------------------------------------------------------------
def _entries(directory: Iterable[Mapping]) -> list[dict]:
    rows = []
    for entry in directory:
        if not entry.get("active", True):
            continue
        rows.append({"id": str(entry["id"]), "level": entry.get("level"),
                     "province_code": _code(entry.get("province_code")),
                     "district_code": _code(entry.get("district_code"))})
    return sorted(rows, key=lambda row: row["id"])


def _first(rows: list[dict], **wanted) -> str | None:
    for row in rows:
        if all(row.get(key) == value for key, value in wanted.items()):
            return row["id"]
    return None


def choose_committee(directory: Iterable[Mapping], province_code: str | None,
                     district_code: str | None) -> tuple[str | None, str]:
    """(committee id, reason) for a district and/or province; inactive committees don't count."""
    rows = _entries(directory)
    if district_code:
        found = _first(rows, level="district", district_code=district_code)
        if found:
            return found, "district_committee"
        found = _first(rows, level="province", province_code=province_code or district_code[:2])
        if found:
            return found, "uncovered_district"
    elif province_code:
        found = _first(rows, level="province", province_code=province_code)
        if found:
            return found, "province_only"
    return _first(rows, level="national"), "no_province"


def route(place: PlaceLike, directory: Iterable[Mapping], *,
          max_distance_km: float = DEFAULT_MAX_DISTANCE_KM) -> Route:
    """Where a report goes, and why (see the module's notes)."""
    located = locate(place, max_distance_km=max_distance_km)
    committee_id, reason = choose_committee(directory, located.province_code, located.district_code)
    return Route(committee_id, reason, located.district_code, located.province_code,
                 located.method, located.distance_km)
