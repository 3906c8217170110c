"""Rebuild bench/data/language_samples.tsv from the packages cited in SOURCES.md.

Not run by the benchmark (the TSV is committed); kept so the set can be checked
and rebuilt. Fetch the two packages with their ordinary clients first:

    pip download --no-deps -d /tmp/src gflanguages==0.7.11
    (cd /tmp/src && npm pack myanmar-tools@1.2.0)
    python bench/data/build_language_samples.py \
        --gflanguages /tmp/src/gflanguages-0.7.11-py3-none-any.whl \
        --myanmar-tools /tmp/src/myanmar-tools-1.2.0.tgz

Long texts are cut into chat-length pieces: runs of 2–8 space-separated chunks,
10–60 characters. Thai, Lao, Khmer (and often Burmese) put no spaces between
words, so chunks longer than 40 characters are cut further, only before a base
letter that does not end a syllable, so no piece starts with a stray mark.
Burmese pieces that read the same in Zawgyi and Unicode are dropped: nothing can
tell their encoding. Everything is seeded, so the output is the same every run.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import tarfile
import unicodedata
import zipfile
from pathlib import Path

OUT = Path(__file__).with_name("language_samples.tsv")

GF_FIELDS = re.compile(r'^\s*(styles|tester|poster_sm|poster_md|poster_lg|specimen_\d+): "(.*)"\s*$')
GF_LANGS = {"my": "my_Mymr", "km": "km_Khmr", "lo": "lo_Laoo", "th": "th_Thai", "en": "en_Latn"}

# Characters a piece must not be cut right after (a prefix vowel or medial typed
# before its consonant, a virama/coeng that stacks the next consonant) ...
NO_CUT_AFTER = set(
    "\u0e40\u0e41\u0e42\u0e43\u0e44"  # Thai prefix vowels
    "\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4"  # Lao prefix vowels
    "\u17d2"  # Khmer coeng
    "\u1039\u1031\u103b\u107e\u107f\u1080\u1081\u1082\u1083\u1084"  # Myanmar virama, Zawgyi prefixes
)
# ... or right before a letter followed by these (asat/virama: it closes the previous syllable).
NO_CUT_BEFORE_NEXT = set("\u1039\u103a")


def unescape_textproto(value: str) -> str:
    """textproto strings escape newlines and quotes; the text itself is UTF-8."""
    return value.replace("\\n", "\n").replace('\\"', '"').replace("\\'", "'")


def gflanguages_texts(wheel: Path) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    with zipfile.ZipFile(wheel) as zf:
        for lang, stem in GF_LANGS.items():
            raw = zf.read(f"gflanguages/data/languages/{stem}.textproto").decode("utf-8")
            paras: list[str] = []
            for line in raw.splitlines():
                m = GF_FIELDS.match(line)
                if m:
                    paras.extend(p for p in unescape_textproto(m.group(2)).split("\n") if p.strip())
            texts[lang] = paras
    return texts


def myanmar_tools_texts(tgz: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with tarfile.open(tgz) as tf:
        for name in ("mmgov_zawgyi_src", "mmgov_unicode_out", "udhr_mya_zawgyi_out", "udhr_mya_unicode_src"):
            member = tf.extractfile(f"package/resources/{name}.txt")
            lines = member.read().decode("utf-8").splitlines()
            out[name] = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    return out


def safe_cut(text: str, i: int) -> bool:
    if i <= 0 or i >= len(text):
        return False
    if unicodedata.category(text[i]) != "Lo" or text[i - 1] in NO_CUT_AFTER:
        return False
    return not (i + 1 < len(text) and text[i + 1] in NO_CUT_BEFORE_NEXT)


def cut_long(token: str, rng: random.Random) -> list[str]:
    parts, start = [], 0
    while len(token) - start > 40:
        target = start + rng.randint(12, 36)
        cut = next((i for i in range(target, len(token)) if safe_cut(token, i)), None)
        if cut is None:
            break
        parts.append(token[start:cut])
        start = cut
    parts.append(token[start:])
    return parts


def pieces(text: str, rng: random.Random) -> list[str]:
    units: list[tuple[str, str]] = []
    for token in text.split():
        subs = cut_long(token, rng) if len(token) > 40 else [token]
        units.extend(("" if j else " ", sub) for j, sub in enumerate(subs))
    out, i = [], 0
    while i < len(units):
        want = rng.randint(2, 8)
        piece, k = units[i][1], i + 1
        while k < len(units) and k - i < want:
            candidate = piece + units[k][0] + units[k][1]
            if len(candidate) > 60:
                break
            piece, k = candidate, k + 1
        piece = piece.strip()
        if 10 <= len(piece) <= 60:
            out.append(piece)
        i = k
    return out


def cut_all(paras: list[str], seeds=(1, 2)) -> list[str]:
    """Two differently seeded cuttings of the same text, de-duplicated, in order."""
    seen, out = set(), []
    for seed in seeds:
        rng = random.Random(seed)
        for para in paras:
            for p in pieces(para, rng):
                if p not in seen:
                    seen.add(p)
                    out.append(p)
    return out


def undecided_none(rng: random.Random) -> list[tuple[str, str]]:
    """Messages that do not tell a language: emoji, digits, and the short tokens
    the task lists ("hi", "ok"). Generated, not quoted."""
    rows = []
    emoticons = [chr(cp) for cp in range(0x1F600, 0x1F650)]  # Unicode "Emoticons" block
    for _ in range(40):
        rows.append(("".join(rng.choice(emoticons) for _ in range(rng.randint(1, 3))),
                     "generated: Unicode Emoticons block"))
    for _ in range(30):
        kind = rng.randrange(3)
        if kind == 0:
            digits = "0" + "".join(rng.choice("0123456789") for _ in range(9))  # phone-number shaped
        elif kind == 1:
            digits = f"{rng.randint(1, 99) * 100:,}"  # an amount
        else:
            digits = f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2023, 2026)}"  # a date
        rows.append((digits, "generated: digits"))
    for token in ("ok", "OK", "Ok!", "hi", "Hi", "hi!", "ok ok", "OK 👍", "?", "...", "555", "5555", "👍", "🙏🙏"):
        rows.append((token, "generated: task's examples of text that does not tell"))
    return rows


def encoding_neutral(text: str) -> bool:
    from myanmar.converter import convert

    return convert(text, "zawgyi", "unicode") == text and convert(text, "unicode", "zawgyi") == text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gflanguages", type=Path, required=True, help="gflanguages-0.7.11-py3-none-any.whl")
    ap.add_argument("--myanmar-tools", type=Path, required=True, help="myanmar-tools-1.2.0.tgz (npm)")
    args = ap.parse_args()

    rows: list[tuple[str, int, str, str]] = []
    gf = gflanguages_texts(args.gflanguages)
    for lang, paras in gf.items():
        src = f"gflanguages 0.7.11 data/languages/{GF_LANGS[lang]}.textproto (UDHR sample_text)"
        for p in cut_all(paras):
            if lang == "my" and encoding_neutral(p):
                continue
            rows.append((lang, 0, p, src))
    mt = myanmar_tools_texts(args.myanmar_tools)
    for name, zawgyi in (
        ("mmgov_zawgyi_src", 1),
        ("mmgov_unicode_out", 0),
        ("udhr_mya_zawgyi_out", 1),
        ("udhr_mya_unicode_src", 0),
    ):
        src = f"myanmar-tools 1.2.0 (npm) resources/{name}.txt"
        for p in cut_all(mt[name], seeds=(1,)):
            if not encoding_neutral(p):
                rows.append(("my", zawgyi, p, src))
    rows.extend(("none", 0, text, src) for text, src in undecided_none(random.Random(7)))

    seen, unique = set(), []
    for row in rows:
        key = (row[0], row[1], row[2])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(("label", "zawgyi", "text", "source"))
        w.writerows(unique)
    counts: dict[str, int] = {}
    for label, zawgyi, _, _ in unique:
        key = label + ("-zawgyi" if zawgyi else "")
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {len(unique)} rows to {OUT}: {counts}")


if __name__ == "__main__":
    main()
