"""Rebuild bench/data/short_burmese.tsv: one- and two-word Burmese messages, each in
Unicode and in Zawgyi, labelled, with the source of every entry (see SOURCES.md).

Not run by the benchmark or the tests (the TSV is committed); kept so the set can be
checked and rebuilt. The two repositories are public; clone them (any way you like) and:

    python -m bench.data.build_short_burmese \\
        --dailyburmese /path/to/qisine/dailyburmese --r12a /path/to/r12a/scripts

Entries, in this order:
1. chat words and phrases quoted in phrasebooks, lessons and blogs (PHRASES below, each
   with its page): the Unicode ones as quoted, their Zawgyi made by our converter; the
   Zawgyi ones (Burmese blogs typed in Zawgyi) as quoted, their Unicode by our converter;
2. "Daily Burmese" (Nance Cunningham), the same phrases published twice, in a Unicode
   and a Zawgyi copy (_posts/unicode, _posts/zawgyi): both as published, cut into one-
   and two-word pieces, a piece kept only when both copies have the same number of words;
3. the Burmese words of r12a's script notes (mymr/my-examples.js, from Wiktionary's
   Burmese Swadesh list and Burmese index): Unicode as published, Zawgyi by our converter.

A converted entry is kept only when converting it back gives the original (checked).
A piece that reads the same in both encodings is left out: no detector can tell it, and
the bot keeps the conversation's encoding for it (or asks, see flows/language/zawgyi.py).
"""
from __future__ import annotations

import argparse
import csv
import re
import subprocess
from pathlib import Path

from flows.language.zawgyi import to_unicode, to_zawgyi

OUT = Path(__file__).with_name("short_burmese.tsv")
DAILY_COMMIT = "9a8fd7a60c432981c163010a7d5f665f00491d8e"
R12A_COMMIT = "8536d3791fc153951c5fa8bde3128ab414d2c696"

# (text, encoding, source): words and short phrases as the page quotes them.
PHRASES = [
    # John Okell, Burmese by Ear, lesson pages
    ("မင်္ဂလာပါ", "unicode", "https://www.hurnell.com/en_GB/mobile-bbe/detail/50"),
    ("မင်္ဂလာပါ။", "unicode", "https://www.hurnell.com/en_GB/mobile-bbe/detail/50"),
    ("ပြောတယ်", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("ပြောတတ်တယ်", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("စကား", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("အင်္ဂလိပ်စကား", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("ဗမာစကား", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("မြန်မာစကား", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("ဗမာလို", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("မြန်မာလို", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("အင်္ဂလိပ်စကား ပြောတတ်သလား။", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("အင်္ဂလိပ်လို ပြောတတ်သလား။", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("ဗမာပြည်", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    ("မြန်မာပြည်", "unicode", "https://hurnell.com/en_GB/mobile-bbe/detail/55"),
    # lionslayer.yoeyar.com: greetings and thanks
    ("ကျေးဇူးတင်ပါတယ်။", "unicode", "http://lionslayer.yoeyar.com/?tag=min_ga_la_ba"),
    ("ကျေးဇူးတင်ပါတယ်", "unicode", "http://lionslayer.yoeyar.com/?tag=min_ga_la_ba"),
    ("ကျေးဇူးပါပဲ။", "unicode", "http://lionslayer.yoeyar.com/?tag=min_ga_la_ba"),
    ("ကျေးဇူးပဲ", "unicode", "http://lionslayer.yoeyar.com/?tag=min_ga_la_ba"),
    ("မင်္ဂလ", "unicode", "http://lionslayer.yoeyar.com/?tag=min_ga_la_ba"),
    # yes / no (a Japanese page for Myanmar trainees)
    ("ဟုတ်တယ်", "unicode", "https://smileniigata.co.jp/archives/2785"),
    ("မဟုတ်ဘူး", "unicode", "https://smileniigata.co.jp/archives/2785"),
    ("ဟုတ်ပါတယ်", "unicode", "https://smileniigata.co.jp/archives/2785"),
    # asiapearltravels.com Burmese lesson 3
    ("ဟုတ်", "unicode", "https://www.asiapearltravels.com/language/lesson3_script.php"),
    ("ဟုတ်ကဲ့", "unicode", "https://www.asiapearltravels.com/language/lesson3_script.php"),
    ("ဟုတ်ကဲ့၊ ပူတယ်", "unicode", "https://www.asiapearltravels.com/language/lesson3_script.php"),
    ("ပူ", "unicode", "https://www.asiapearltravels.com/language/lesson3_script.php"),
    ("တယ်", "unicode", "https://www.asiapearltravels.com/language/lesson3_script.php"),
    # beaconmyanmar.com (2025-04-12): Thai words for Myanmar workers
    ("မင်္ဂလာပါဗျ", "unicode", "https://beaconmyanmar.com/blog/2025/04/12/ (Thai words for work in Thailand)"),
    ("မင်္ဂလာပါရှင့်", "unicode", "https://beaconmyanmar.com/blog/2025/04/12/ (Thai words for work in Thailand)"),
    ("ရှင့်", "unicode", "https://beaconmyanmar.com/blog/2025/04/12/ (Thai words for work in Thailand)"),
    ("ဗျ", "unicode", "https://beaconmyanmar.com/blog/2025/04/12/ (Thai words for work in Thailand)"),
    ("အလုပ်ဖြစ်ပါတယ်", "unicode", "https://beaconmyanmar.com/blog/2025/04/12/ (Thai words for work in Thailand)"),
    # Burmese blogs typed in Zawgyi
    ("ဟုတ္", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ဟုတ္ကဲ့", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("စကားေလး", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ကၽြန္မလည္း", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("မသိဘူးရွင့္။", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ေျပာရတာ", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("လူၾကီး လူငယ္", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ၾကာခဲ့ျပီရွင့္။", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("သူငယ္ခ်င္း", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ေရးလိုက္ရတာပါ။", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("အလုပ္မရွိ", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ဘယ္ေန႔", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ဘယ္အခ်ိန္မွာ", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("မေျပာပဲ", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("၀မ္းသာအားရနဲ႔", "zawgyi", "https://cuttiepinkgold.blogspot.com/2007/11/yeah-yah_27.html"),
    ("ကြ်န္ေတာ္", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
    ("ေက်ာင္းတစ္ေယာက္ျဖစ္တယ္။", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
    ("မဟုတ္ဘူး။", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
    ("ျဖစ္သလား။", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
    ("ဥပမာ။", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
    ("ေနရာကိုျပ", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
    ("ေရးခ်င္ရင္", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
    ("ေအာက္ပါနည္းနဲ႔", "zawgyi", "http://panmratthazin.blogspot.com/2012/01/verb-to-be_14.html"),
]

SPAN = re.compile(r"<span class='(?:zawgyi|mm3)'>(.*?)</span>")


def git_show(repo: Path, commit: str, path: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def git_files(repo: Path, commit: str, folder: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", commit, folder], check=True,
                         capture_output=True, text=True).stdout
    return sorted(out.split())


def pieces(text: str) -> list[str]:
    """The one- and two-word pieces of a phrase (words: space-separated chunks)."""
    words = text.split()
    return words + [" ".join(words[i:i + 2]) for i in range(len(words) - 1)]


def has_myanmar(text: str) -> bool:
    return any("\u1000" <= c <= "\u109f" for c in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dailyburmese", type=Path, required=True, help="a clone of qisine/dailyburmese")
    parser.add_argument("--r12a", type=Path, required=True, help="a clone of r12a/scripts")
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = []  # (encoding, text, made_by, source)
    seen: set[tuple[str, str]] = set()
    dropped = {"same in both": 0, "round trip": 0}

    def add(unicode_text: str, zawgyi_text: str, converted_one: str | None, source: str) -> None:
        """converted_one: which of the two our converter made (None: both as published)."""
        if unicode_text == zawgyi_text:
            dropped["same in both"] += 1
            return
        for encoding, text in (("unicode", unicode_text), ("zawgyi", zawgyi_text)):
            if (encoding, text) not in seen:
                seen.add((encoding, text))
                made = "converted, checked by converting back" if encoding == converted_one else "as published"
                rows.append((encoding, text, made, source))

    def converted(text: str, encoding: str) -> str | None:
        """The other encoding by our converter, if converting back gives the original."""
        other = to_zawgyi(text) if encoding == "unicode" else to_unicode(text)
        back = to_unicode(other) if encoding == "unicode" else to_zawgyi(other)
        if back != text:
            dropped["round trip"] += 1
            return None
        return other

    for text, encoding, source in PHRASES:
        other = converted(text, encoding)
        if other is None:
            continue
        if encoding == "unicode":
            add(text, other, "zawgyi", source)
        else:
            add(other, text, "unicode", source)

    daily = f"qisine/dailyburmese@{DAILY_COMMIT[:12]}"
    for path in git_files(args.dailyburmese, DAILY_COMMIT, "_posts/zawgyi"):
        twin = path.replace("_posts/zawgyi/", "_posts/unicode/", 1)
        zawgyi_spans = SPAN.findall(git_show(args.dailyburmese, DAILY_COMMIT, path))
        unicode_spans = SPAN.findall(git_show(args.dailyburmese, DAILY_COMMIT, twin))
        if len(zawgyi_spans) != len(unicode_spans):
            continue
        for z_span, u_span in zip(zawgyi_spans, unicode_spans):
            z_pieces, u_pieces = pieces(z_span), pieces(u_span)
            if len(z_pieces) != len(u_pieces):
                continue
            for z, u in zip(z_pieces, u_pieces):
                if has_myanmar(z) and has_myanmar(u):
                    add(u, z, None, f"{daily} {path} + {twin}")

    r12a = f"r12a/scripts@{R12A_COMMIT[:12]} mymr/my-examples.js (Wiktionary)"
    for line in git_show(args.r12a, R12A_COMMIT, "mymr/my-examples.js").splitlines():
        word = line.split("|", 1)[0].strip()
        if "|" not in line or not has_myanmar(word) or len(word.split()) > 2 or word.startswith("-"):
            continue
        other = converted(word, "unicode")
        if other is not None:
            add(word, other, "zawgyi", r12a)

    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["encoding", "text", "made", "source"])
        writer.writerows(rows)
    counts = {e: sum(1 for r in rows if r[0] == e) for e in ("unicode", "zawgyi")}
    print(f"{OUT.name}: {len(rows)} rows {counts}; left out: {dropped}")


if __name__ == "__main__":
    main()
