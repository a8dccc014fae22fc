"""The OpenAPI document generated from the code, and the copy committed for Swagger UI and
the client's types (services/swagger/items.json)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from items_service.web.spec import SPEC_FILE, export_spec, render_spec

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def test_committed_items_json_matches_the_code() -> None:
    assert SERVICE_ROOT.parent / "swagger" / "items.json" == SPEC_FILE
    assert SPEC_FILE.read_text(encoding="utf-8") == render_spec(export_spec()), (
        "services/swagger/items.json is stale: run `python manage.py write-spec` in services/items"
    )


def test_write_spec_command_writes_the_document(tmp_path: Path) -> None:
    target = tmp_path / "items.json"
    result = subprocess.run(
        [sys.executable, "manage.py", "write-spec", "--output", str(target)],
        cwd=SERVICE_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text()) == export_spec()


def test_the_contracts_paths_and_fields() -> None:
    spec = export_spec()
    assert {(m, p) for p, item in spec["paths"].items() for m in item} == {
        ("get", "/items/ping"),
        ("get", "/items"),
        ("post", "/items"),
        ("get", "/items/{item_id}"),
        ("patch", "/items/{item_id}"),
        ("delete", "/items/{item_id}"),
        ("get", "/health/live"),
        ("get", "/health/ready"),
    }
    schemas = spec["components"]["schemas"]
    assert set(schemas["ItemPublic"]["properties"]) == {
        "id",
        "title",
        "description",
        "owner_id",
        "created_date",
        "updated_date",
    }
    assert set(schemas["ItemPage"]["properties"]) == {"items", "page", "per_page", "total"}
    assert schemas["ItemUpdateIn"]["minProperties"] == 1
    assert "BearerAuth" in spec["components"]["securitySchemes"]


def test_every_failure_is_the_envelope_and_every_operation_is_tagged() -> None:
    spec = export_spec()
    declared = {tag["name"] for tag in spec["tags"]}
    assert declared == {"Ping", "Items", "Health"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert set(operation["tags"]) <= declared
            for code, response in operation["responses"].items():
                if code[0] in "45":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/FailEnvelope"}, f"{method} {path} {code}"
    assert "503" not in spec["paths"]["/items/ping"]["get"]["responses"]
    assert "415" in spec["paths"]["/items"]["post"]["responses"]
