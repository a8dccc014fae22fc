"""One request, one trace id, in every log it reaches: an admin deletes a user through the
gateway, and the trace id of that DELETE is in the gateway's access log, in the users
service's log, and in the items service's log when its consumer applies the user.deleted
event (the outbox row carried the request's traceparent)."""

from __future__ import annotations

import contextlib
import json
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from e2e.reliability.conftest import ADMIN, STACK_ENV, TEMPLATE_DB
from e2e.reliability.infra import (
    MakeUp,
    PrivatePostgres,
    login,
    make_up,
    new_account,
    register,
    wait_for,
)

# The client's own trace: the gateway passes a valid traceparent on unchanged.
TRACE_ID = secrets.token_hex(16)
TRACEPARENT = f"00-{TRACE_ID}-{secrets.token_hex(8)}-01"


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects of an interleaved log, one per line (maybe after a process label)."""
    found = []
    for line in text.splitlines():
        if "{" in line:
            with contextlib.suppress(ValueError):
                value = json.loads(line[line.index("{") :])
                if isinstance(value, dict):
                    found.append(value)
    return found


@pytest.fixture(scope="module")
def traced_stack(tmp_path_factory: pytest.TempPathFactory, postgres: PrivatePostgres) -> Iterator[MakeUp]:
    """`make up` with the services' INFO lines in its log (the shared stack keeps WARNING)."""
    database = f"users_{uuid.uuid4().hex[:12]}"
    postgres.create_database(database, template=TEMPLATE_DB)
    admin_env = {f"ADMIN_{key.upper()}": value for key, value in ADMIN.items()}
    running = make_up(
        tmp_path_factory.mktemp("make-up-traced"),
        postgres.url(database),
        1,
        STACK_ENV | admin_env | {"LOG_LEVEL": "INFO"},
    )
    yield running
    assert running.stop() == 0, running.log.read_text()[-4000:]


def test_one_deletion_has_one_trace_id_in_the_gateway_users_and_items_logs(traced_stack: MakeUp) -> None:
    base = traced_stack.url
    account = new_account("traced")
    assert register(base, account).status_code == 201
    owner = {"Authorization": f"Bearer {login(base, account).json()['auth_token']}"}
    assert httpx.post(base + "/items", json={"title": "soon gone"}, headers=owner).status_code == 201
    user_id = httpx.get(base + "/auth/status", headers=owner).json()["data"]["id"]
    admin = {"Authorization": f"Bearer {login(base, ADMIN).json()['auth_token']}"}

    deleted = httpx.delete(f"{base}/users/{user_id}", headers=admin | {"traceparent": TRACEPARENT})
    assert deleted.status_code in (200, 204)

    def logged_by(prefix: str) -> list[dict[str, Any]]:
        return [
            line
            for line in json_lines(traced_stack.log.read_text(errors="replace"))
            if line.get("trace_id") == TRACE_ID and str(line.get("logger", "")).startswith(prefix)
        ]

    # The consumer applies the event after the answer: wait for its line.
    wait_for(lambda: bool(logged_by("items_service")), 30, "the items consumer's line with the trace id")
    gateway = [entry for entry in traced_stack.access_log() if entry.get("trace_id") == TRACE_ID]
    assert [(entry["method"], entry["uri"]) for entry in gateway] == [("DELETE", f"/users/{user_id}")]
    assert logged_by("users_service"), "no line of the users service carries the request's trace id"
    # And the item is gone: the event was applied, not just logged.
    admin_items = httpx.get(f"{base}/items", params={"owner_id": user_id}, headers=admin)
    assert admin_items.status_code == 200
    assert admin_items.json()["data"]["total"] == 0


def test_json_lines_reads_labelled_lines() -> None:
    text = 'users-0 | {"trace_id": "a", "logger": "users_service.x"}\nplain text\n{"not": "closed"\n'
    assert json_lines(text) == [{"trace_id": "a", "logger": "users_service.x"}]
