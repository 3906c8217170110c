"""The floor for bench.webhook: a Flask app whose /callback only checks the signature.

Same framework, same server (gunicorn, 2 sync workers), same SDK validator as the real
webhook, and nothing else: no JSON parsing, no database, no queue. What our webhook costs
above this is what parsing, encrypting and committing the events to the inbox cost.

    LINE_CHANNEL_SECRET=... gunicorn --workers 2 --bind 127.0.0.1:8001 "bench.bare_webhook:create_app()"
"""
from __future__ import annotations

import os

from flask import Flask, abort, request
from linebot.v3.webhook import SignatureValidator


def create_app() -> Flask:
    app = Flask(__name__)
    validator = SignatureValidator(os.environ.get("LINE_CHANNEL_SECRET", "dev-channel-secret"))

    @app.post("/callback")
    def callback():
        body = request.get_data(as_text=True, cache=False)
        signature = request.headers.get("X-Line-Signature", "")
        if not signature or not validator.validate(body, signature):
            abort(400)
        return "OK"

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


app = create_app()
