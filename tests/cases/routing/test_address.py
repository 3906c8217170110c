"""District and province names in address text."""
from __future__ import annotations

import pytest

from cases.routing import Located, locate, locate_address


@pytest.mark.parametrize("text, district", [
    ("อำเภอเชียงแสน", "5708"),
    ("อ.แม่สาย จ.เชียงราย", "5709"),
    ("อ. เชียงของ", "5703"),
    ("Amphoe Mae Fa Luang", "5715"),
    ("Mae Fah Luang District", "5715"),
    ("I work in Mae Sai", "5709"),
    ("ถนนสะพานขาว อ.เมือง จ.เชียงราย", "5701"),
    ("บ้านเลขที่ 5 อ.พาน", "5705"),
    ("Phan, Chiang Rai", "5705"),
    ("เวียงแก่น เชียงราย", "5713"),
    ("Pathum Wan, Bangkok 10330", "1007"),
])
def test_district_names_in_text(text, district):
    assert locate_address(text).district_code == district
    assert locate(text).method == "address_name"


@pytest.mark.parametrize("text", [
    "I sing a song",          # Song is a district in Phrae
    "บ้าน สอง ชั้น",            # so is สอง ("two")
    "สะพาน",                  # contains พาน (Phan)
    "Phan",                   # a short name alone: which Phan?
    "help me please",
    "ตำบลแม่สาย",              # a subdistrict, not a district
    "อำเภอเมือง",              # which province's Mueang?
])
def test_words_that_are_not_a_district(text):
    assert locate_address(text).district_code is None


def test_province_names_and_postal_codes_narrow_the_choice():
    assert locate_address("Chiang Rai 57150").province_codes == {"57"}
    assert locate_address("เชียงราย").province_codes == {"57"}
    assert locate("Surat Thani") == Located("84", None, "address_name")
    assert locate_address("Chom Thong").district_code is None                  # in Bangkok and Chiang Mai
    assert locate_address("Chom Thong, Chiang Mai").district_code == "5002"
    assert locate_address("Chom Thong", province_hint="10").district_code == "1035"

