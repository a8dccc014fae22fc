"""The bare reference of `make bench`: a Flask app that only answers the users service's ping.

bench/run.py serves it under granian with the users service's worker and thread counts
(WEB_CONCURRENCY, WEB_THREADS), and reports our figures as ratios to its ping rate measured
beside them: what the framework and the server cost without any of the service's work.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)
# The service's field order: status first.
app.json.sort_keys = False  # type: ignore[attr-defined]


@app.get("/users/ping")
def ping() -> dict[str, str]:
    return {"status": "success", "message": "pong!"}
