"""`make up`'s processes as tools/stack.py describes them to supervisord: both services with
REPLICAS instances each, the items consumer, the relay when Redis is there, the gateway in
front; the signing key and the feed token made once and reused."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from tools import gateway, stack, supervise
from tools.stack import StackConfig, StackError, StackSecrets

SECRETS = StackSecrets(
    signing_keys=(
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
        "-----END PRIVATE KEY-----\n"
    ),
    feed_token="feed-token-of-the-run",
)


def config(tmp_path: Path, **changes: object) -> StackConfig:
    values: dict[str, object] = {
        "port": 8090,
        "users_port": 5001,
        "replicas": 1,
        "database_url": f"sqlite:///{tmp_path / 'users.db'}",
        "run_dir": tmp_path / "nginx",
        "secrets_dir": tmp_path / "var",
    }
    return StackConfig(**(values | changes))  # type: ignore[arg-type]


def new_pem() -> str:
    return (
        Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    )


def by_name(programs: list[supervise.Program]) -> dict[str, supervise.Program]:
    return {program.name: program for program in programs}


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's environment as a shell without any of the stack's settings would have it."""
    for name in (
        "REDIS_URL",
        "JWT_PRIVATE_KEYS",
        "EVENTS_FEED_TOKEN",
        "ITEMS_DATABASE_URL",
        "DATABASE_URL",
        "APP_ENV",
        "USERS_JWKS_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_items_instances_follow_replicas_on_their_own_ports(tmp_path: Path) -> None:
    programs = by_name(stack.programs(config(tmp_path, replicas=3), tmp_path / "nginx.conf", SECRETS))
    items = [p for p in programs.values() if p.group == "items"]
    assert [p.name for p in items] == ["items-1", "items-2", "items-3"]
    # Right after the users instances.
    assert [p.env["BIND"] for p in items] == ["127.0.0.1:5004", "127.0.0.1:5005", "127.0.0.1:5006"]
    assert [p.env["BIND"] for p in programs.values() if p.group == "users"] == [
        "127.0.0.1:5001",
        "127.0.0.1:5002",
        "127.0.0.1:5003",
    ]
    for program in items:
        assert program.command[-2:] == ["-m", "items_service.server"]
        assert program.cwd == stack.ITEMS_DIR
    one = by_name(stack.programs(config(tmp_path, items_port=6200), tmp_path / "nginx.conf", SECRETS))
    assert one["items"].env["BIND"] == "127.0.0.1:6200"


def test_items_processes_read_their_own_database_and_the_first_users_instance(tmp_path: Path) -> None:
    programs = by_name(stack.programs(config(tmp_path, replicas=2, users_port=5301), tmp_path / "n", SECRETS))
    for name in ("items-1", "items-2", "consumer"):
        env = programs[name].env
        assert env["ITEMS_DATABASE_URL"] == f"sqlite:///{stack.VAR / 'items.db'}"
        assert env["USERS_JWKS_URL"] == "http://127.0.0.1:5301/auth/jwks.json"
        assert env["USERS_EVENTS_URL"] == "http://127.0.0.1:5301/internal/events"
        assert env["EVENTS_FEED_TOKEN"] == SECRETS.feed_token
        assert env["APP_ENV"] == "development"
    chosen = config(tmp_path, items_database_url="postgresql://postgres@127.0.0.1/items")
    env = by_name(stack.programs(chosen, tmp_path / "n", SECRETS))["consumer"].env
    assert env["ITEMS_DATABASE_URL"] == "postgresql://postgres@127.0.0.1/items"


def test_the_consumer_reads_the_feed_and_no_relay_runs_without_redis(tmp_path: Path) -> None:
    programs = by_name(stack.programs(config(tmp_path), tmp_path / "nginx.conf", SECRETS))
    assert "relay" not in programs
    consumer = programs["consumer"]
    assert consumer.command[-2:] == ["-m", "items_service.consumer"]
    assert consumer.cwd == stack.ITEMS_DIR
    assert "REDIS_URL" not in consumer.env
    assert [p.group for p in programs.values()] == ["users", "items", "consumer", "gateway"]


def test_with_redis_the_relay_publishes_and_the_consumer_reads_the_stream(tmp_path: Path) -> None:
    redis = "redis://127.0.0.1:6379/3"
    programs = by_name(stack.programs(config(tmp_path, redis_url=redis), tmp_path / "nginx.conf", SECRETS))
    relay = programs["relay"]
    assert relay.command[-2:] == ["-m", "users_service.relay"]
    assert relay.cwd == stack.USERS_DIR
    assert relay.env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'users.db'}"
    assert programs["consumer"].env["REDIS_URL"] == redis
    assert programs["items"].env["REDIS_URL"] == redis


def test_groups_start_users_first_and_stop_the_gateway_first(tmp_path: Path) -> None:
    programs = stack.programs(config(tmp_path, redis_url="redis://x"), tmp_path / "n", SECRETS)
    priority = {p.group: p.priority for p in programs}
    assert priority["users"] < priority["relay"] < priority["items"] < priority["consumer"]
    assert priority["consumer"] < priority["gateway"]


def test_only_the_users_service_holds_the_signing_keys(tmp_path: Path) -> None:
    programs = stack.programs(config(tmp_path, redis_url="redis://x", replicas=2), tmp_path / "n", SECRETS)
    for program in programs:
        expected = SECRETS.signing_keys if program.group in ("users", "relay") else ""
        assert program.env.get("JWT_PRIVATE_KEYS") == expected, program.name
    users = by_name(programs)["users-1"].env
    assert users["EVENTS_FEED_TOKEN"] == SECRETS.feed_token


def test_supervisord_passes_the_multi_line_key_through_its_own_environment(tmp_path: Path) -> None:
    programs = stack.programs(config(tmp_path), tmp_path / "nginx.conf", SECRETS)
    base = stack.supervisor_env(SECRETS, base={"PATH": "/usr/bin"})
    layout = supervise.Layout(tmp_path / "state", tmp_path / "private")
    rendered = supervise.render_config(programs, layout, "password", base)
    # The key is inherited from supervisord, not written into its configuration...
    assert "BEGIN PRIVATE KEY" not in rendered
    # ... and every other program is told it is empty.
    items_section = rendered[rendered.index("[program:items]") :]
    items_section = items_section[: items_section.index("\n\n")]
    assert 'JWT_PRIVATE_KEYS=""' in items_section
    users_section = rendered[rendered.index("[program:users]") :]
    users_section = users_section[: users_section.index("\n\n")]
    assert "JWT_PRIVATE_KEYS" not in users_section
    assert f'EVENTS_FEED_TOKEN="{SECRETS.feed_token}"' in users_section
    # Written into the configuration instead, the key could not be passed at all.
    with pytest.raises(supervise.SupervisionError, match="JWT_PRIVATE_KEYS"):
        supervise.render_config(programs, layout, "password", {"PATH": "/usr/bin"})


def test_the_signing_key_is_made_once_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []

    def new_key() -> str:
        pem = new_pem()
        made.append(pem)
        return pem

    monkeypatch.setattr(stack, "new_signing_key", new_key)
    first = stack.signing_keys(tmp_path, {})
    second = stack.signing_keys(tmp_path, {})
    assert first == second == made[0]
    assert len(made) == 1
    path = tmp_path / stack.SIGNING_KEY_FILE
    assert path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert isinstance(load_pem_private_key(first.encode(), password=None), Ed25519PrivateKey)
    # The environment's own keys win, and nothing is made for them.
    assert stack.signing_keys(tmp_path / "other", {"JWT_PRIVATE_KEYS": "theirs"}) == "theirs"
    assert not (tmp_path / "other").exists()


def test_a_new_signing_key_is_an_ed25519_pem() -> None:
    # From the users service's `manage.py generate-key`, or made here the same way.
    pem = stack.new_signing_key()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----\n")
    assert isinstance(load_pem_private_key(pem.encode(), password=None), Ed25519PrivateKey)
    assert stack.new_signing_key() != pem


def test_a_damaged_key_file_is_refused_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / stack.SIGNING_KEY_FILE).write_text("not a key\n")
    with pytest.raises(StackError, match="is not an Ed25519 private key in PEM: delete it"):
        stack.signing_keys(tmp_path, {})


def test_the_feed_token_is_made_once_and_reused(tmp_path: Path) -> None:
    first = stack.feed_token(tmp_path, {})
    assert len(first) >= 40
    assert stack.feed_token(tmp_path, {}) == first
    path = tmp_path / stack.FEED_TOKEN_FILE
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stack.feed_token(tmp_path / "fresh", {}) != first
    assert stack.feed_token(tmp_path, {"EVENTS_FEED_TOKEN": "set"}) == "set"


def test_stack_secrets_come_from_the_configured_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stack, "new_signing_key", lambda: (tmp_path / "key.pem").read_text())
    pem = new_pem()
    (tmp_path / "key.pem").write_text(pem)
    made = stack.stack_secrets(config(tmp_path), env={})
    assert made.signing_keys == pem
    assert made == stack.stack_secrets(config(tmp_path), env={})
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == [
        stack.FEED_TOKEN_FILE,
        stack.SIGNING_KEY_FILE,
    ]


def test_the_gateway_gets_an_items_upstream_of_every_instance(tmp_path: Path) -> None:
    chosen = config(tmp_path, replicas=2)
    assert chosen.items_addresses == ["127.0.0.1:5003", "127.0.0.1:5004"]
    client = tmp_path / "client"
    client.mkdir()
    conf = gateway.render(
        tmp_path / "out",
        port=8090,
        users=chosen.users_addresses,
        items=chosen.items_addresses,
        client_root=client,
        swagger_root=client,
    )
    items = sorted((conf.parent / "target" / "items").glob("*.conf"))
    assert [p.name for p in items] == ["1.conf", "2.conf"]
    assert "server 127.0.0.1:5004 " in items[1].read_text()


def test_the_banner_names_both_apis_and_the_event_path(tmp_path: Path) -> None:
    text = stack.banner(config(tmp_path, replicas=2), {})
    assert "http://localhost:8090/items" in text
    assert "items instances: 127.0.0.1:5003, 127.0.0.1:5004" in text
    assert "consumer polls http://127.0.0.1:5001/internal/events" in text
    assert f"items database: sqlite:///{stack.VAR / 'items.db'}" in text
    with_redis = stack.banner(config(tmp_path, redis_url="redis://:secret@127.0.0.1:6379/0"), {})
    assert "relay -> Redis stream" in with_redis
    assert "secret" not in with_redis


def test_items_port_and_database_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITEMS_PORT", "6101")
    args = stack.parse_args(["up"])
    assert args.items_port == 6101
    assert stack.parse_args(["up", "--items-port", "7101"]).items_port == 7101
    monkeypatch.delenv("ITEMS_PORT")
    assert stack.parse_args(["up"]).items_port is None


def test_one_items_instance_listens_beside_one_users_instance(tmp_path: Path) -> None:
    """make up's defaults are ARCHITECTURE.md's ports: users on 5001, items on 5002."""
    assert config(tmp_path).users_addresses == ["127.0.0.1:5001"]
    assert config(tmp_path).items_addresses == ["127.0.0.1:5002"]
    assert config(tmp_path, items_port=6200).items_addresses == ["127.0.0.1:6200"]


def test_a_busy_items_port_is_refused_in_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        chosen = config(tmp_path, port=free_port(), users_port=free_port(), items_port=port)
        with pytest.raises(StackError, match=rf"Port {port} \(items service\).*ITEMS_PORT"):
            stack.prepare(chosen, SECRETS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_items_database_is_named_in_one_sentence(tmp_path: Path) -> None:
    chosen = config(
        tmp_path, items_database_url=f"postgresql://postgres:secret@127.0.0.1:{free_port()}/items"
    )
    with pytest.raises(StackError) as raised:
        stack.prepare_items_database(chosen)
    message = str(raised.value)
    assert message.startswith("The items database at postgresql://postgres:***@127.0.0.1:")
    assert "cannot be reached" in message and "secret" not in message
