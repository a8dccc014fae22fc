"""In-process cost of the items service's token check beside its ping (bench/items.py runs it).

Builds the items service's app from the environment's settings (ITEMS_DATABASE_URL,
USERS_JWKS_URL of a running stack), warms it up, then runs one of:

- ``none``: nothing more (what callgrind subtracts: imports, the app, the warm-up);
- ``ping``: N requests ``GET /items/ping`` through the app's WSGI callable;
- ``check``: N token checks as a request makes them (``caller_for_access_token``: the process's
  verified tokens, which hold the signature and claims checked once, and the refusals the users
  service's events asked for, held in memory and read again at most once per
  REFUSALS_REFRESH_INTERVAL);
- ``verify``: N full signature and claims checks (``verify_access_token``), nothing remembered;
- ``turns``: ROUNDS rounds of N pings then N checks, the order reversed every other round,
  timed on the process's CPU clock; prints one JSON line of the per-round ratios.

The token is read from the environment (BENCH_TOKEN), never from the command line.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

WARM_UP = 50


def ping_caller(app: Any) -> Callable[[], None]:
    base = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/items/ping",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        statuses.append(status)

    def ping() -> None:
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO()
        body: Iterable[bytes] = app(environ, start_response)
        try:
            for _chunk in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        status = statuses.pop()
        if not status.startswith("200"):
            raise SystemExit(f"GET /items/ping answered {status}")

    return ping


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["none", "ping", "check", "verify", "turns"])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    token = os.environ["BENCH_TOKEN"]

    from items_service.domain.tokens import caller_for_access_token, verify_access_token
    from items_service.runtime.settings import load_settings
    from items_service.web.app import create_app
    from items_service.web.context import key_set_of

    settings = load_settings()
    app = create_app(settings)
    keys = key_set_of(app)
    keys.start()
    tokens = app.extensions["verified_tokens"]
    refusals = app.extensions["refusals"]
    ping = ping_caller(app)
    issuer, audience = settings.JWT_ISSUER, settings.JWT_AUDIENCE

    def check() -> None:
        caller_for_access_token(tokens=tokens, refusals=refusals, token=token)

    def verify() -> None:
        verify_access_token(keys=keys, token=token, issuer=issuer, audience=audience)

    for _ in range(WARM_UP):
        ping()
        check()
        verify()
    runs = {"ping": ping, "check": check, "verify": verify}
    if args.what in runs:
        action = runs[args.what]
        for _ in range(args.calls):
            action()
    elif args.what == "turns":
        print(json.dumps({"ratios": turns(ping, check, args.calls, args.rounds)}), flush=True)
    return 0


def turns(ping: Callable[[], None], check: Callable[[], None], calls: int, rounds: int) -> list[float]:
    """Per round, the CPU time of N checks over that of N pings, taking turns."""

    def cpu(action: Callable[[], None]) -> float:
        start = time.process_time()
        for _ in range(calls):
            action()
        return time.process_time() - start

    ratios = []
    for round_ in range(rounds):
        if round_ % 2 == 0:
            pings = cpu(ping)
            checks = cpu(check)
        else:
            checks = cpu(check)
            pings = cpu(ping)
        ratios.append(checks / pings if pings else 0.0)
    return ratios


if __name__ == "__main__":
    sys.exit(main())
