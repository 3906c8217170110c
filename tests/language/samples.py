"""Sample texts for the language tests, each from a public source (not written by us).

UDHR: the Universal Declaration of Human Rights sample texts shipped in the
`gflanguages` package, version 0.7.11 (Apache-2.0), file
gflanguages/data/languages/<lang>_<Script>.textproto, field sample_text.<field>.
"""

# gflanguages 0.7.11, my_Mymr.textproto sample_text.styles / .poster_sm
MY_UDHR = "လူခပ်သိမ်း၏ မျိုးရိုးဂုဏ်သိက္ခာနှင့်တကွ လူတိုင်းအညီအမျှခံစားခွင့်ရှိသည့် အခွင့်အရေးများကို"
MY_UDHR_SHORT = "လူခပ်သိမ်းတို့သည်၊ တရားလက်လွတ်"
# gflanguages 0.7.11, my_Mymr.textproto sample_text.tester
MY_UDHR_TESTER = (
    "လူ့အခွင့်ရေးများကို အရေးမထား မထီလေးစားပြုခြင်းသည် လူခပ်သိမ်း၏ အကျင့်သိက္ခာကို "
    "ချိုးဖောက် ဖျက်ဆီးတတ်သည့် ရက်စက်ကြမ်းကြုတ်သော အပြုအမှုများကို"
)
# gflanguages 0.7.11, my_Mymr.textproto sample_text.poster_md
MY_UDHR_POSTER = "နိုင်ငံ အချင်းချင်း"
# gflanguages 0.7.11, km_Khmr.textproto sample_text.styles / .poster_sm
KM_UDHR = "ដោយយល់ឃើញថា ការទទួលស្គាល់សេចក្ដីថ្លៃថ្នូរជាប់ពីកំណើត និងសិទ្ធិស្មើភាពគ្នា"
KM_UDHR_SHORT = "ដោយយល់ឃើញថា ជាការចាំបាច់"
# gflanguages 0.7.11, lo_Laoo.textproto sample_text.styles / .poster_sm / .poster_lg / .poster_md
LO_UDHR = "ດ້ວຍເຫດວ່າ ການຮັບຮູ້ກຽດຕິສັກອັນມີປະຈຳຢູ່ຕົວບຸກຄົນໃນວົງສະກຸນຂອງມະນຸດທຸກໆຄົນ"
LO_UDHR_SHORT = "ກອງປະຊຸມໃຫຍ"
LO_AND = "ແລະ"
LO_WITH_DIGIT = "ຂໍ້ 2.ອີກປະການໜື່ງ"
# gflanguages 0.7.11, th_Thai.textproto sample_text.styles / .poster_sm / .poster_md
TH_UDHR = "โดยที่การไม่นำพาและการหมิ่นในคุณค่าของสิทธิมนุษยชน"
TH_UDHR_SHORT = "ทุกคนมีสิทธิที่จะได"
TH_UDHR_POSTER = "ฉะนั้น บัดนี้"
TH_AND = "และ"  # the word as it occurs in TH_UDHR ("...นำพาและการ...")
# gflanguages 0.7.11, en_Latn.textproto sample_text.tester / .specimen_36 / .poster_md
EN_UDHR = "Whereas disregard and contempt for human rights have resulted"
EN_UDHR_LONG = (
    "No one shall be held in slavery or servitude; slavery and the slave trade "
    "shall be prohibited in all their forms."
)
EN_UDHR_TWO_WORDS = "Whereas the"

# myanmartools 1.2.1 sdist, tests/test_zawgyi_detector.py, test_strong (Apache-2.0):
# the same title of the UDHR in Unicode and in Zawgyi.
STRONG_UNICODE = "အပြည်ပြည်ဆိုင်ရာ လူ့အခွင့်အရေး ကြေညာစာတမ်း"
STRONG_ZAWGYI = "အျပည္ျပည္ဆိုင္ရာ လူ႔အခြင့္အေရး ေၾကညာစာတမ္း"

# python-myanmar 1.10.0, myanmar/converter.py, convert() docstring (MIT).
PYTHON_MYANMAR_PAIRS = [
    # (unicode, zawgyi)
    ("အကျိုးတရား", "အက်ိဳးတရား"),
    ("ဉာဏ်ကြီးရှင်", "ဉာဏ္ႀကီးရွင္"),
]

# myanmar-tools 1.2.0 (npm, Apache-2.0), spec/zawgyi_converter_spec.js,
# zawygi_unicode_convert_data: (zawgyi, expected unicode), by index in that list.
GOOGLE_Z2U = {
    4: ("\u1021\u102C\u100F\u102C\u1015\u102D\u102F\u1004\u1039\u1031\u1010\u103C",
        "\u1021\u102C\u100F\u102C\u1015\u102D\u102F\u1004\u103A\u1010\u103D\u1031"),
    7: ("\u108F\u102D\u102F\u1004\u1039\u107F\u1015\u102E\u1038",
        "\u1014\u102D\u102F\u1004\u103A\u1015\u103C\u102E\u1038"),
    # ဥ + ီ must become the single letter ဦ
    12: ("\u1031\u1006\u102C\u1004\u1039\u1038\u1025\u102E\u1038\u101C\u1004\u1039\u1038",
         "\u1006\u1031\u102C\u1004\u103A\u1038\u1026\u1038\u101C\u1004\u103A\u1038"),
    # dot below typed after asat: Unicode stores it before
    30: ("\u1006\u1000\u1039\u1000\u103A\u1004\u1039\u1037\u101E\u1036\u102F\u1038\u1019\u101A\u1039",
         "\u1006\u1000\u103A\u1000\u103B\u1004\u1037\u103A\u101E\u102F\u1036\u1038\u1019\u101A\u103A"),
    # the digit zero typed for the letter wa
    31: ("\u1010\u1000\u1039\u1040\u1004\u1039\u1031\u101B\u102C",
         "\u1010\u1000\u103A\u101D\u1004\u103A\u101B\u1031\u102C"),
    # a zero-width space between a consonant and its medial
    42: ("\u1000\u200b\u103a\u0020\u1031\u1001", "\u1000\u103b\u0020\u1001\u1031"),
    # zero-for-wa before the prefix vowel ေ
    108: ("\u1031\u1040\u101C", "\u101D\u1031\u101C"),
}
