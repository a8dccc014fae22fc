from __future__ import annotations

import subprocess
import sys

import pytest

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
    from users_service.runtime.settings import DEVELOPMENT_FALLBACK_KEY, TESTING_KEY

    for key in (TESTING_KEY, DEVELOPMENT_FALLBACK_KEY):
        with pytest.raises(ConfigError, match="placeholder"):
            load_settings(APP_ENV="production", SECRET_KEY=key, DATABASE_URL="sqlite://")


def test_strong_secret_key_is_accepted_in_production() -> None:
    settings = load_settings(APP_ENV="production", SECRET_KEY=STRONG_KEY, DATABASE_URL="sqlite://")
    assert settings.secure_cookies
    assert settings.ARGON2_MEMORY_COST >= 19_456 and settings.ARGON2_TIME_COST >= 2


def test_production_requires_a_database_url() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL is required"):
        load_settings(APP_ENV="production", SECRET_KEY=STRONG_KEY, DATABASE_URL="")


def test_cheap_argon2_parameters_are_refused_in_production() -> None:
    with pytest.raises(ConfigError, match="argon2"):
        load_settings(APP_ENV="production", SECRET_KEY=STRONG_KEY, DATABASE_URL="sqlite://", ARGON2_MEMORY_COST=1024)


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
    env = {"APP_ENV": "production", "DATABASE_URL": "sqlite://", "PATH": "/usr/bin:/bin"}
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
