from __future__ import annotations

import json
from pathlib import Path

from users_service.openapi import build_spec, render_spec

COMMITTED = Path(__file__).resolve().parents[2] / "swagger" / "swagger.json"


def test_committed_swagger_json_matches_the_code() -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    server = committed["servers"][0]["url"]
    generated = build_spec(server)
    assert committed == generated, (
        "services/swagger/swagger.json is stale: run `python services/swagger/update-spec.py http://localhost`"
    )
    assert COMMITTED.read_text(encoding="utf-8") == render_spec(generated)


def test_spec_documents_security_and_error_envelope() -> None:
    spec = build_spec("http://example.test")
    assert spec["servers"] == [{"url": "http://example.test"}]
    assert "FailEnvelope" in spec["components"]["schemas"]
    assert spec["paths"]["/users/ping"]["get"]["responses"]["200"]
