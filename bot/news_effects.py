"""The news flow's effects (flows/data/news.yaml): the person's subscription kept, shown, stopped.

Handlers take (responder, conversation, data, state, effect, session, response) like the others
in bot/conversation.py, which registers them by name (flows/effects.py)."""
from __future__ import annotations


def news_subscribe(responder, conversation, data, state, effect, session, response) -> bool:
    raise NotImplementedError("issue 15: subscriptions (fix/subscribe)")


def news_show(responder, conversation, data, state, effect, session, response) -> bool:
    raise NotImplementedError("issue 15: subscriptions (fix/subscribe)")


def news_stop(responder, conversation, data, state, effect, session, response) -> bool:
    raise NotImplementedError("issue 15: subscriptions (fix/subscribe)")


HANDLERS = {"news_subscribe": news_subscribe, "news_show": news_show, "news_stop": news_stop}
