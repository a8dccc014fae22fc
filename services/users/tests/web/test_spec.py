"""The OpenAPI document generated from the code, and the copy committed for Swagger UI."""

from __future__ import annotations

import json
from pathlib import Path

from users_service.web.spec import export_spec, render_spec

COMMITTED = Path(__file__).resolve().parents[3] / "swagger" / "swagger.json"


def test_committed_swagger_json_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_spec(export_spec()), (
        "services/swagger/swagger.json is stale: run `python services/swagger/update-spec.py`"
    )


def test_try_it_out_calls_the_gateway_that_serves_the_page() -> None:
    # A relative server: the same spec works on localhost, a staging host and production.
    assert export_spec()["servers"] == [{"url": "/", "description": "The gateway serving this page"}]


def test_every_operation_is_under_a_declared_tag() -> None:
    spec = export_spec()
    declared = {tag["name"] for tag in spec["tags"]}
    assert declared == {"Ping", "Users", "Auth", "Health"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            tags = operation.get("tags")
            assert tags and set(tags) <= declared, f"{method.upper()} {path} has tags {tags}"
    assert all(tag.get("description") for tag in spec["tags"])


def test_schema_names_are_unique_and_read_well() -> None:
    schemas = export_spec()["components"]["schemas"]
    # APIFlask names a partial copy of a schema "<Name>Update": one schema serves PUT and PATCH.
    assert not [name for name in schemas if name.endswith("Update") and name[: -len("Update")] in schemas]
    bodies = [json.dumps(schema, sort_keys=True) for schema in schemas.values()]
    assert len(bodies) == len(set(bodies)), "two schemas describe the same shape"


def test_spec_documents_security_and_error_envelope() -> None:
    spec = export_spec()
    assert "FailEnvelope" in spec["components"]["schemas"]
    assert "BearerAuth" in spec["components"]["securitySchemes"]
    assert spec["paths"]["/users/ping"]["get"]["responses"]["200"]
