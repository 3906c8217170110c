"""The rules the catalog tests apply, tested on their own (so a broken rule cannot pass
every catalog silently)."""
from __future__ import annotations

import pytest

from locales.quality import encoding_neutral, looks_zawgyi, placeholders, script_of, zawgyi_probability


@pytest.mark.parametrize("text, script", [
    ("ဘာသာစကား ရွေးပါ", "Myanmar"),
    ("សូមជ្រើសរើសភាសា", "Khmer"),
    ("ເລືອກພາສາຂອງທ່ານ", "Lao"),
    ("เลือกภาษาของคุณ", "Thai"),
    ("Choose your language", "Latin"),
    ("ค่าธรรมเนียม 900 THB ดูที่ https://www.doe.go.th", "Thai"),     # THB and the URL do not count
    ("Issara (ภาษาพม่า)", "Thai"),                                    # names written alike do not count
    ("ยื่นแบบ TM.47 ทุก 90 วัน", "Thai"),                               # codes in capitals do not count
    ("ที่มา: {ref}", "Thai"),                                           # placeholders do not count
    ("Tap ကိုနှိပ်ပါ", "Myanmar"),
    ("Please tap ปุ่ม", "Latin"),
    ("191", None),
    ("{ref} — 1669", None),
])
def test_script_of(text, script):
    assert script_of(text) == script


def test_script_of_tells_lao_from_thai():
    assert script_of("ສະບາຍດີ") == "Lao" and script_of("สวัสดี") == "Thai"


def test_placeholders():
    assert placeholders("Source: {ref}\nChecked: {checked}") == {"ref", "checked"}
    assert placeholders("no fields {{literal}}") == set()
    with pytest.raises(ValueError):
        placeholders("broken {ref")


def test_zawgyi_rule():
    zawgyi = "ျမန္မာ"        # "Myanmar" typed in Zawgyi
    unicode = "မြန်မာ"
    assert zawgyi_probability(zawgyi) > 0.95 and looks_zawgyi(zawgyi)
    assert not looks_zawgyi(unicode)
    # Reads the same in both encodings: the detector cannot tell, and need not.
    assert zawgyi_probability("ဘာသာစကား") > 0.5
    assert encoding_neutral("ဘာသာစကား") and not looks_zawgyi("ဘာသာစကား")
    assert not encoding_neutral(zawgyi)
