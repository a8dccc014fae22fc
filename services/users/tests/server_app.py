"""WSGI app for tests/test_server.py: the real service plus one deliberately slow route."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from service_kit.runtime.lifecycle import draining

from users_service.wsgi import app


@app.get("/test/slow")
@app.doc(hide=True)
def slow() -> dict[str, Any]:
    # Tells the test the request is in flight, then outlasts the SIGTERM it will send.
    Path(os.environ["SLOW_REQUEST_MARKER"]).touch()
    deadline = time.monotonic() + 20
    while not draining() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)
    return {
        "status": "success",
        "draining": draining(),
        "metrics_dir": os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""),
    }
