from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import PRODUCTION
from users_service.runtime.settings import ConfigError, load_settings, normalise_database_url

STRONG_KEY = "k" * 32


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_is_mapped_to_psycopg3(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


# SECURITY row 38: weak-secret-refused
@pytest.mark.parametrize("app_env", ["staging", "production"])
@pytest.mark.parametrize("secret", ["", "0123456789abcdef", "k" * 31])
def test_weak_secret_key_is_refused_outside_development(app_env: str, secret: str) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_settings(APP_ENV=app_env, SECRET_KEY=secret, DATABASE_URL="sqlite://")


def test_development_placeholder_keys_are_refused_in_production() -> None:
    from users_service.runtime.settings import TESTING_KEY

    for key in (TESTING_KEY, "development-only-secret-key-0123456789abcdef"):
        with pytest.raises(ConfigError, match="placeholder"):
            load_settings(**PRODUCTION | {"SECRET_KEY": key}, DATABASE_URL="sqlite://")


def test_strong_secret_key_is_accepted_in_production() -> None:
    settings = load_settings(**PRODUCTION | {"SECRET_KEY": STRONG_KEY}, DATABASE_URL="sqlite://")
    assert settings.secure_cookies
    assert settings.ARGON2_MEMORY_COST >= 19_456 and settings.ARGON2_TIME_COST >= 2


def test_production_requires_a_database_url() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL is required"):
        load_settings(**PRODUCTION, DATABASE_URL="")


def test_cheap_argon2_parameters_are_refused_in_production() -> None:
    with pytest.raises(ConfigError, match="argon2"):
        load_settings(**PRODUCTION | {"ARGON2_MEMORY_COST": 1024}, DATABASE_URL="sqlite://")


def test_testing_uses_cheap_hashes_and_development_uses_owasp_parameters() -> None:
    assert load_settings(APP_ENV="testing", DATABASE_URL="sqlite://").ARGON2_MEMORY_COST < 19_456
    dev = load_settings(APP_ENV="development", DATABASE_URL="sqlite://", SECRET_KEY=STRONG_KEY)
    assert (dev.ARGON2_MEMORY_COST, dev.ARGON2_TIME_COST, dev.ARGON2_PARALLELISM) == (19_456, 2, 1)


def test_development_key_is_stable_across_processes(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from users_service.runtime import settings as settings_module

    monkeypatch.setattr(settings_module, "INSTANCE_DIR", tmp_path)
    first = load_settings(APP_ENV="development", DATABASE_URL="sqlite://").SECRET_KEY
    second = load_settings(APP_ENV="development", DATABASE_URL="sqlite://").SECRET_KEY
    assert first == second and len(first) >= 32


def test_invalid_values_become_one_sentence() -> None:
    with pytest.raises(ConfigError, match=r"^Invalid configuration: APP_ENV: .*\.$"):
        load_settings(APP_ENV="prod")


# SECURITY row 38: the process itself exits non-zero with a clear message, no traceback.
def test_wsgi_import_exits_with_one_sentence_without_secret(service_root: object) -> None:
    env = {
        "APP_ENV": "production",
        "DATABASE_URL": "sqlite://",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import users_service.wsgi"],
        cwd=service_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# SECURITY row 70: shared-limits-in-production
@pytest.mark.parametrize("app_env", ["staging", "production"])
def test_production_without_a_shared_limits_store_refuses_to_start(app_env: str) -> None:
    # In process memory every worker of every replica would count alone: limits multiplied.
    settings = PRODUCTION | {"APP_ENV": app_env, "REDIS_URL": ""}
    with pytest.raises(ConfigError, match=r"REDIS_URL is required when APP_ENV is \w+"):
        load_settings(**settings, DATABASE_URL="sqlite://")
    # Unless the service's own limits are turned off (something in front limits instead).
    assert not load_settings(**settings, DATABASE_URL="sqlite://", RATE_LIMIT_ENABLED=False).RATE_LIMIT_ENABLED


# SECURITY row 72: no-public-dev-key
def test_development_refuses_to_start_without_a_key_it_can_keep(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from users_service.runtime import settings as settings_module

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(settings_module, "INSTANCE_DIR", blocker / "instance")  # cannot be created
    with pytest.raises(ConfigError, match=r"^Invalid configuration: SECRET_KEY is not set and .* is not writable"):
        load_settings(APP_ENV="development", DATABASE_URL="sqlite://")


def test_trusted_proxies_are_networks() -> None:
    settings = load_settings(APP_ENV="testing", DATABASE_URL="sqlite://", TRUSTED_PROXIES=" 10.0.0.0/8, fd00::/8 ,")
    assert [str(network) for network in settings.trusted_networks] == ["10.0.0.0/8", "fd00::/8"]
    with pytest.raises(ConfigError, match=r"TRUSTED_PROXIES: '10\.0\.0\.0/33' is not an address or a network"):
        load_settings(APP_ENV="testing", DATABASE_URL="sqlite://", TRUSTED_PROXIES="10.0.0.0/33")
