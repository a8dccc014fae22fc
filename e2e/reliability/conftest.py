"""Fixtures of the reliability group: a private PostgreSQL cluster and Redis for the session,
one `make up REPLICAS=2` stack shared by the scenarios that do not break processes, and
fleets of separately started instances for those that do.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from e2e.reliability.infra import (
    Fleet,
    MakeUp,
    PrivatePostgres,
    PrivateRedis,
    make_up,
    migrate,
    port_is_free,
    processes_with_marker,
)

TEMPLATE_DB = "users_template"
ADMIN = {
    "username": "reliability-admin",
    "email": "admin@reliability.example",
    "password": secrets.token_urlsafe(24),  # random: passes any deny-list
}
# Production-strength hashing and limits, except a per-IP auth limit high enough for the
# scenarios' own traffic, which all comes from 127.0.0.1.
STACK_ENV = {"RATE_LIMIT_AUTH": "6000 per minute"}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        cluster.create_database(TEMPLATE_DB)
        migrate(cluster.url(TEMPLATE_DB))
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def fresh_database(postgres: PrivatePostgres) -> Callable[[], str]:
    """A new migrated database per call (copied from a migrated template: fast)."""

    def create() -> str:
        name = f"users_{uuid.uuid4().hex[:12]}"
        postgres.create_database(name, template=TEMPLATE_DB)
        return name

    return create


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis") / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack_database(postgres: PrivatePostgres) -> str:
    name = "users_stack"
    postgres.create_database(name, template=TEMPLATE_DB)
    return name


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    postgres: PrivatePostgres,
    stack_database: str,
    redis_server: PrivateRedis,
) -> Iterator[MakeUp]:
    """`make up REPLICAS=2` on the private PostgreSQL and Redis."""
    admin_env = {f"ADMIN_{key.upper()}": value for key, value in ADMIN.items()}
    env = STACK_ENV | admin_env | {"REDIS_URL": redis_server.url}
    running = make_up(tmp_path_factory.mktemp("make-up"), postgres.url(stack_database), 2, env)
    yield running
    code = running.stop()
    assert code == 0, running.log.read_text()[-4000:]
    assert processes_with_marker(running.marker) == []
    assert port_is_free(running.port) and port_is_free(running.users_port)


@pytest.fixture
def fleet(tmp_path: Path, postgres: PrivatePostgres, fresh_database: Callable[[], str]) -> Iterator[Fleet]:
    """Instances started one by one on a fresh database; everything is stopped afterwards."""
    database = fresh_database()
    running = Fleet(tmp_path, postgres.url(database), database, extra_env=dict(STACK_ENV))
    try:
        yield running
    finally:
        assert running.close() == [], "processes left behind"
