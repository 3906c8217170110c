"""Message ids the LINE layer itself says, beyond the flows' and flows.engine.UI.

The one list: extraction finds the N_() marks here (bot domain), and the catalog checks
(locales.message_ids) require each of them in every language.
"""
from __future__ import annotations

from locales.marker import N_

BOT_MESSAGE_IDS = {
    # TRANSLATORS: said when something broke on our side: try again; in danger, the free line
    # in the reader's language first (my 1-800-010-180, km -181, lo -182), then police 191, saying
    # it speaks Thai (th, en: 191 only). The card of numbers below it follows the same order.
    "apology": N_("ui.apology"),
    # TRANSLATORS: alt text of the card of phone numbers; shows in phone notifications,
    # so keep it short and discreet.
    "hotlines_alt": N_("ui.hotlines_alt"),
    # TRANSLATORS: to someone writing Burmese in Zawgyi: Zawgyi or Unicode can be chosen
    # in the Language menu.
    "zawgyi_hint": N_("ui.zawgyi_hint"),
    # TRANSLATORS: shown above buttons when there is no other message to attach them to.
    "choose": N_("ui.choose"),
    # TRANSLATORS: one publisher under the Source button: its name and when it said it,
    # e.g. "Department of Employment, February 2026" (both already in your language).
    "source_item": N_("ui.source.item"),
    # TRANSLATORS: in place of the date of a publisher whose page shows no date.
    "source_undated": N_("ui.source.undated"),
    # TRANSLATORS: the last line under every news message: how to stop the news (Menu, then
    # News; or type "stop"). One short line.
    "news_footer": N_("news.footer"),
}
