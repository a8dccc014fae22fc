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
        spec = app._get_spec("json", force_update=True)  # noqa: SLF001 - the public property caches
    assert isinstance(spec, dict)
    spec = json.loads(json.dumps(spec))
    spec["servers"] = [{"url": server_url.rstrip("/") or "/"}]
    return spec


def render_spec(spec: dict[str, Any]) -> str:
    """Stable, diff-friendly text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
