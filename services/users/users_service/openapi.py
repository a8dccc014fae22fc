"""Export of the OpenAPI document generated from the code (no database or network needed)."""

from __future__ import annotations

import json
from typing import Any

from .settings import load_settings

DEFAULT_SERVER_URL = "http://localhost"


def build_spec(server_url: str = DEFAULT_SERVER_URL) -> dict[str, Any]:
    from .app import create_app

    # Spec-only app: testing settings and an in-memory database that is never opened.
    app = create_app(load_settings(APP_ENV="testing", DATABASE_URL="sqlite://", SMTP_URL="", REDIS_URL=""))
    with app.app_context():
        raw = app._get_spec("json", force_update=True)
    assert isinstance(raw, dict)
    spec: dict[str, Any] = json.loads(json.dumps(raw))
    spec["servers"] = [{"url": server_url.rstrip("/") or "/"}]
    return spec


def render_spec(spec: dict[str, Any]) -> str:
    """Stable, diff-friendly text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
