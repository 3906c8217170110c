"""Benchmark flows.language.detect_language against langdetect alone.

Run on demand (not a test):  python -m bench.language
Data: bench/data/language_samples.tsv, chat-length pieces of public texts (2-8 words),
and bench/data/short_burmese.tsv, one- and two-word Burmese messages in Unicode and in
Zawgyi (both: see bench/data/SOURCES.md). Prints accuracy overall and per class for both
detectors on the longer messages, the Zawgyi/Unicode verdicts on the short ones (right,
unsure: the bot asks, wrong), their speed, and ours against the 50,000 messages/s target.

Classes: my (Unicode), my-zawgyi, km, lo, th, en, none (text that does not tell).
Ours is right when it gives the label (None for "none") and, for Burmese, the
right Zawgyi flag. langdetect knows neither Burmese, Khmer, Lao nor Zawgyi: its
answers are mapped "en"->en, "th"->th, anything else or an error -> None, and
the codes it actually returned are listed so that mapping can be judged.
"""
from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict

from bench.harness import ROOT
from flows.language import detect as detect_mod
from flows.language import zawgyi as zawgyi_mod
from flows.language.detect import detect_language, normalise_input, warm_up

TARGET = 50_000  # messages per second, one core
# CPU time of this process, not wall time: the machine may be shared, and the
# target is per core. Timings are the best of several passes.
CLOCK = time.process_time
DATA = ROOT / "bench" / "data" / "language_samples.tsv"
SHORT_DATA = ROOT / "bench" / "data" / "short_burmese.tsv"
CLASSES = ("my", "my-zawgyi", "km", "lo", "th", "en", "none")


def load() -> list[tuple[str, str, bool]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for r in rows:
        zawgyi = r["zawgyi"] == "1"
        cls = r["label"] + ("-zawgyi" if zawgyi else "")
        out.append((cls, r["text"], zawgyi))
    return out


def expected(cls: str) -> tuple[str | None, bool]:
    if cls == "none":
        return None, False
    if cls == "my-zawgyi":
        return "my", True
    return cls, False


def clear_caches() -> None:
    detect_mod.english_probability.cache_clear()
    zawgyi_mod._cached_probability.cache_clear()
    zawgyi_mod._cached_encoding.cache_clear()
    zawgyi_mod._cached_to_unicode.cache_clear()


def load_short() -> list[tuple[str, bool]]:
    """(text, typed in Zawgyi) for each one- or two-word Burmese message."""
    with SHORT_DATA.open(encoding="utf-8", newline="") as f:
        return [(r["text"], r["encoding"] == "zawgyi") for r in csv.DictReader(f, delimiter="\t")]


def short_report() -> None:
    """Short Burmese: is each answered in the encoding it was typed in? "unsure" is a
    message that reads well in both: the bot asks, showing both (bot/conversation.py)."""
    samples = load_short()
    counts: dict[str, Counter] = defaultdict(Counter)
    mistakes = []
    for text, zawgyi in samples:
        d = detect_language(text)
        outcome = "unsure" if d.unsure_encoding else "right" if d.zawgyi == zawgyi else "wrong"
        for key in ("zawgyi" if zawgyi else "unicode", "all"):
            counts[key][outcome] += 1
        if outcome == "wrong" and len(mistakes) < 8:
            mistakes.append((zawgyi, text))
    print(f"\nshort messages: {len(samples)} one- and two-word Burmese messages from {SHORT_DATA.relative_to(ROOT)}")
    print(f"  {'typed in':<10} {'n':>5} {'right':>8} {'unsure':>8} {'wrong':>8}   (unsure: the bot asks, in both)")
    for key in ("unicode", "zawgyi", "all"):
        n = sum(counts[key].values())
        print(f"  {key:<10} {n:>5} " + " ".join(f"{counts[key][o] / n:>8.1%}" for o in ("right", "unsure", "wrong")))
    print("  sample of mistakes:")
    for zawgyi, text in mistakes:
        print(f"    [{'zawgyi' if zawgyi else 'unicode'}] {text!r}")
    texts = [t for t, _ in samples]
    print(f"  speed, cold caches: {rate(len(texts), best_time(texts, repeats=7, cold=True)):,.0f} messages/s")


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def table(title: str, correct: dict[str, int], total: dict[str, int]) -> None:
    print(f"\n{title}")
    print(f"  {'class':<10} {'n':>5} {'accuracy':>9}")
    for cls in CLASSES:
        if total[cls]:
            print(f"  {cls:<10} {total[cls]:>5} {correct[cls] / total[cls]:>9.1%}")
    n, c = sum(total.values()), sum(correct.values())
    macro = sum(correct[k] / total[k] for k in CLASSES if total[k]) / sum(1 for k in CLASSES if total[k])
    print(f"  {'overall':<10} {n:>5} {c / n:>9.1%}   (macro average over classes {macro:.1%})")


def main() -> None:
    samples = load()
    texts = [t for _, t, _ in samples]
    t0 = time.perf_counter()
    warm_up()
    print(f"{len(samples)} messages from {DATA.relative_to(ROOT)}; model loading took {time.perf_counter() - t0:.2f} s")

    # --- ours: accuracy
    clear_caches()
    correct, total = Counter(), Counter()
    mistakes: list[tuple[str, str, object]] = []
    for cls, text, _ in samples:
        d = detect_language(text)
        total[cls] += 1
        want_lang, want_zawgyi = expected(cls)
        if d.language == want_lang and (want_lang != "my" or d.zawgyi == want_zawgyi):
            correct[cls] += 1
        elif len(mistakes) < 12:
            mistakes.append((cls, text, d))
    table("long messages (2-8 words): flows.language.detect_language", correct, total)
    print("  sample of mistakes:")
    for cls, text, d in mistakes:
        print(f"    [{cls}] {text[:40]!r} -> {d}")

    # --- langdetect alone
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    ld_correct, ld_codes = Counter(), defaultdict(Counter)
    t = CLOCK()
    for cls, text, _ in samples:
        try:
            code = detect(text)
        except Exception:  # noqa: BLE001 - LangDetectException on emoji/digits
            code = "error"
        ld_codes[cls][code] += 1
        mapped = code if code in ("en", "th") else None
        want_lang, want_zawgyi = expected(cls)
        if mapped == want_lang and not want_zawgyi:
            ld_correct[cls] += 1
    ld_time = CLOCK() - t
    table("langdetect alone (en->en, th->th, anything else -> None; cannot flag Zawgyi)", ld_correct, total)
    print("  codes langdetect returned, per class:")
    for cls in CLASSES:
        if total[cls]:
            print(f"    {cls:<10} " + ", ".join(f"{c}:{n}" for c, n in ld_codes[cls].most_common(5)))

    # --- speed: best of several passes (the machine may be shared), per class.
    # Cold: every cache emptied before each pass, so each message is new to us.
    by_class: dict[str, list[str]] = defaultdict(list)
    for cls, text, _ in samples:
        by_class[cls].append(text)
    cold_time = {cls: best_time(by_class[cls], repeats=2 if cls == "en" else 7, cold=True) for cls in by_class}
    warm_time = best_time(texts, repeats=7, cold=False)  # caches primed: repeats of the same messages

    n = len(samples)
    ours_cold = rate(n, sum(cold_time.values()))
    ours_warm = rate(n, warm_time)
    non_en = [c for c in by_class if c != "en"]
    ours_cold_non_en = rate(sum(total[c] for c in non_en), sum(cold_time[c] for c in non_en))
    print("\nspeed (messages per CPU-second of this process, best of several passes)")
    print(f"  ours, cold caches (every message new) : {ours_cold:>10,.0f}")
    print(f"  ours, cold, all classes but English   : {ours_cold_non_en:>10,.0f}")
    print(f"  ours, warm caches (messages repeated) : {ours_warm:>10,.0f}")
    print(f"  langdetect alone                      : {rate(n, ld_time):>10,.0f}")
    print("  ours, cold, per class:")
    for cls in CLASSES:
        if total[cls]:
            print(f"    {cls:<10} {rate(total[cls], cold_time[cls]):>10,.0f}")
    zawgyi_texts = by_class["my-zawgyi"]
    conversion = best_conversion_time(zawgyi_texts)
    print(f"  normalise_input on my-zawgyi (detect + convert), cold: {rate(len(zawgyi_texts), conversion):>8,.0f}")
    # In a conversation whose language is known, the bot skips langdetect (statistics=False):
    # that is the per-message path; the statistics path runs until the language is known.
    in_conversation = rate(n, best_time(texts, repeats=7, cold=True, statistics=False))
    print(f"  ours, cold, statistics=False (per message once the language is known): {in_conversation:>10,.0f}")
    short_report()
    print(f"\nratio to the {TARGET:,} msg/s target: per message in a conversation {in_conversation / TARGET:.2f}x, "
          f"first contact (cold, with langdetect) {ours_cold / TARGET:.2f}x; "
          f"cold {ours_cold / TARGET:.2f}x, "
          f"cold without English {ours_cold_non_en / TARGET:.2f}x, warm {ours_warm / TARGET:.2f}x")


def best_conversion_time(texts: list[str], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        clear_caches()
        t = CLOCK()
        for text in texts:
            normalise_input(text)
        best = min(best, CLOCK() - t)
    return best


def best_time(texts: list[str], repeats: int, cold: bool, statistics: bool = True) -> float:
    """Fastest of `repeats` passes over texts; with cold, caches are emptied first."""
    best = float("inf")
    if not cold:
        for text in texts:
            detect_language(text, statistics)
    for _ in range(repeats):
        if cold:
            clear_caches()
        t = CLOCK()
        for text in texts:
            detect_language(text, statistics)
        best = min(best, CLOCK() - t)
    return best


if __name__ == "__main__":
    main()
