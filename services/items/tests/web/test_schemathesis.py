"""The real server (python -m items_service.server): schemathesis against the committed spec
(SECURITY row 11), with a key set served over HTTP; a body over the limit (row 4)."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from service_kit.testing import answer_to_announced_body, cases_generated, running_server, schemathesis

from tests.conftest import migrate
from tests.keys import JwksServer, SigningKey

SERVICE_ROOT = Path(__file__).resolve().parents[2]
SPEC = SERVICE_ROOT.parent / "swagger" / "items.json"
MIN_CASES = 200


@pytest.fixture(scope="module")
def users_keys() -> Iterator[tuple[SigningKey, JwksServer]]:
    key = SigningKey()
    server = JwksServer(key)
    yield key, server
    server.close()


@pytest.fixture(scope="module")
def server_url(
    empty_database_factory: Callable[[], str],
    tmp_path_factory: pytest.TempPathFactory,
    users_keys: tuple[SigningKey, JwksServer],
) -> Iterator[str]:
    database_url = empty_database_factory()
    migrate(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "ITEMS_", "REDIS_", "USERS_"))}
    env.update(
        APP_ENV="testing",
        ITEMS_DATABASE_URL=database_url,
        USERS_JWKS_URL=users_keys[1].url,
        LOG_LEVEL="WARNING",
    )
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with running_server("items_service", cwd=SERVICE_ROOT, env=env, log_path=log_path) as url:
        yield url


def test_the_server_verifies_tokens_from_the_key_set_it_fetched_at_start(
    server_url: str, users_keys: tuple[SigningKey, JwksServer]
) -> None:
    key, jwks = users_keys
    assert jwks.requests >= 1, "each worker fetches the key set as it starts"
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{server_url}/items",
        data=json.dumps({"title": "from the real server"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key.token(41)}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local URL
        assert response.status == 201
        assert json.load(response)["data"]["owner_id"] == 41


# SECURITY row 11: schemathesis (all checks, stateful phase included)
@pytest.mark.slow
def test_schemathesis_finds_no_failures(server_url: str, users_keys: tuple[SigningKey, JwksServer]) -> None:
    passed, output = schemathesis(
        SPEC,
        server_url,
        config=SERVICE_ROOT / "tests" / "schemathesis.toml",
        seed=20261130,
        token=users_keys[0].token(42, admin=True, ttl=3600),
        timeout=900,
    )
    assert passed, output[-6000:]
    assert cases_generated(output) >= MIN_CASES, output[-3000:]


# SECURITY row 4: oversize-body, direct to the service's server
def test_oversize_body_direct_to_the_server_is_413_json(server_url: str) -> None:
    # The answer comes from Content-Length alone, before any of the body is read.
    status, body = answer_to_announced_body(server_url, "/items", 2 * 1024 * 1024)
    assert status == 413
    assert json.loads(body)["status"] == "fail"
