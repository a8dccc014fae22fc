"""Settings: the service's own database URL, fail-fast values, and what production requires."""

from __future__ import annotations

import pytest

from items_service.runtime.settings import ConfigError, load_settings


def test_items_database_url_is_read_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITEMS_DATABASE_URL", "postgres://u@db/items")
    assert load_settings().DATABASE_URL == "postgresql+psycopg://u@db/items"


def test_the_users_database_url_is_never_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ITEMS_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/users")
    monkeypatch.setenv("APP_ENV", "development")
    url = load_settings().DATABASE_URL
    assert url.startswith("sqlite:///") and url.endswith("items.db")


def test_production_requires_its_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ITEMS_DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="ITEMS_DATABASE_URL is required when APP_ENV is production"):
        load_settings(APP_ENV="production")


def test_defaults_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("USERS_JWKS_URL", "USERS_EVENTS_URL", "EVENTS_STREAM", "JWKS_REFRESH_INTERVAL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(APP_ENV="testing")
    assert settings.USERS_JWKS_URL == "http://127.0.0.1:5001/auth/jwks.json"
    assert settings.USERS_EVENTS_URL == "http://127.0.0.1:5001/internal/events"
    assert settings.JWKS_REFRESH_INTERVAL == 30
    assert settings.EVENTS_POLL_INTERVAL == 0.1
    assert settings.EVENTS_STREAM == "users.events"
    assert (settings.JWT_ISSUER, settings.JWT_AUDIENCE) == ("users-service", "users-api")
    assert settings.events_source == "feed"
    assert load_settings(APP_ENV="testing", REDIS_URL="redis://r:6379/0").events_source == "redis"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("USERS_JWKS_URL", "file:///etc/passwd"),
        ("USERS_EVENTS_URL", "ftp://x"),
        ("JWKS_REFRESH_INTERVAL", "-1"),
        ("EVENTS_POLL_INTERVAL", "0"),
        ("EVENTS_STREAM", ""),
    ],
)
def test_invalid_values_stop_the_service_with_one_sentence(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings(APP_ENV="testing", **{name: value})
