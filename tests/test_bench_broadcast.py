"""bench.broadcast: its count of what LINE accepted (once each, in the reader's language) on records
shaped like the emulator's, and a small run (2,000 subscribers) whose exit code follows its verdicts."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.broadcast import check_deliveries, news_texts, plan_subscribers
from flows.language import to_zawgyi

ROOT = Path(__file__).resolve().parents[1]
TEXTS = news_texts("t")


def multicast(chats: list[str], text: str, status: int = 200, at: float = 1.0) -> dict:
    return {"path": "/v2/bot/message/multicast", "status": status, "chats": chats, "time": at,
            "messages": [{"type": "text", "text": text + "\nfooter"}]}


def test_subscribers_mix_languages_and_only_burmese_readers_use_zawgyi():
    subs = plan_subscribers(3000, "seed")
    groups = subs.by_group()
    assert len(subs.users) == len(set(subs.users)) == 3000
    assert {lang for lang, _ in groups} == {"my", "km", "lo", "th", "en"}
    assert groups[("my", True)] > 0 and groups[("my", False)] > groups[("my", True)]
    assert not any(zawgyi for (lang, zawgyi) in groups if lang != "my")
    assert plan_subscribers(3000, "seed").language == subs.language


def test_every_subscriber_once_in_their_language_is_all_accepted():
    subs = plan_subscribers(1200, "a")
    by_group: dict = {}
    for user in subs.users:
        by_group.setdefault(subs.language[user], []).append(user)
    records = []
    for (lang, zawgyi), users in by_group.items():
        text = to_zawgyi(TEXTS[lang]) if zawgyi else TEXTS[lang]
        records += [multicast(users[i:i + 500], text, at=2.0 + i) for i in range(0, len(users), 500)]
    got = check_deliveries(records, subs, TEXTS)
    assert (got["unique"], got["accepted"], got["missing"], got["duplicates"]) == (1200, 1200, 0, 0)
    assert got["wrong_language"] == 0 and got["foreign"] == 0
    assert got["calls"] == len(records) and max(got["sizes"]) <= 500
    assert got["last_time"] == max(r["time"] for r in records)


def test_twice_missing_refused_strangers_and_the_wrong_script_are_counted():
    subs = plan_subscribers(400, "b")
    zawgyi_readers = [u for u in subs.users if subs.language[u] == ("my", True)]
    english = [u for u in subs.users if subs.language[u] == ("en", False)]
    assert zawgyi_readers and len(english) >= 3
    records = [
        multicast(zawgyi_readers, TEXTS["my"]),                # Unicode to Zawgyi readers: wrong script
        multicast(english[:2], TEXTS["en"]),
        multicast(english[:1], TEXTS["en"]),                   # the first English reader twice
        multicast(english[2:3], TEXTS["en"], status=429),      # refused: not accepted
        multicast(["U" + "f" * 32], TEXTS["en"]),              # not a subscriber
    ]
    got = check_deliveries(records, subs, TEXTS)
    assert got["wrong_language"] == len(zawgyi_readers)
    assert got["duplicates"] == 1 and got["foreign"] == 1
    assert got["statuses"] == {200: 4, 429: 1}
    assert got["unique"] == len(zawgyi_readers) + 2 + 1
    assert got["missing"] == 400 - len(zawgyi_readers) - 2


@pytest.mark.integration
def test_a_small_run_reports_every_figure_and_exits_by_its_verdicts():
    done = subprocess.run([sys.executable, "-m", "bench.broadcast", "--subscribers", "2000", "--baseline", "5",
                           "--rate", "10", "--during-max", "60", "--give-up", "120"],
                          cwd=ROOT, capture_output=True, text=True, timeout=400)
    out = done.stdout
    assert done.returncode in (0, 1), out + done.stderr
    assert "broadcast #1: state done, recipients 2000, accepted 2000, failed 0" in out
    assert re.search(r"recipients accepted at LINE: 2,000 distinct of 2,000 \(2,000 deliveries, 0 twice, "
                     r"0 missing, 0 not subscribers\)  OK", out)
    assert "0 deliveries wrong  OK" in out
    assert re.search(r"target duration <= 300 s: [0-9.]+ s = 0\.\d\d x target  OK", out)
    assert re.search(r"multicast calls: [5-9] \([5-9] accepted", out)          # 2,000 in 6 language groups
    for phase in ("baseline \\(before\\) +50", "during the broadcast +\\d+"):
        assert re.search(rf"^    {phase} +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +0 +0$", out, re.M), out
    assert done.returncode == (1 if "MISS" in out else 0), out
