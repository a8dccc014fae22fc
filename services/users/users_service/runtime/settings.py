"""Typed settings read from the environment (12-factor).

Outside development and testing the service refuses to start without a strong
``SECRET_KEY``: a guessable key lets anyone mint admin tokens.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from limits import parse as parse_limit
from pydantic import Field, PrivateAttr, field_validator, model_validator
from service_kit.runtime.settings import ConfigError, ServiceSettings, load, load_or_exit, normalise_database_url

from .keys import KeySet, derived_key, parse_private_keys

SERVICE_ROOT = Path(__file__).resolve().parents[2]
INSTANCE_DIR = SERVICE_ROOT / "instance"
MIGRATIONS_DIR = SERVICE_ROOT / "migrations"
MIN_SECRET_BYTES = 32
MIN_FEED_TOKEN_CHARS = 32

__all__ = ["ConfigError", "Settings", "load_settings", "normalise_database_url", "settings_or_exit"]

TESTING_KEY = "testing-only-secret-key-0123456789abcdef"
# Keys that are public, so never accepted outside tests (the second one earlier releases
# fell back to in development).
_PLACEHOLDER_KEYS = frozenset({TESTING_KEY, "development-only-secret-key-0123456789abcdef"})


class Settings(ServiceSettings):
    SECRET_KEY: str = ""
    ACCESS_TOKEN_TTL: int = Field(default=900, ge=30, le=86_400)
    REFRESH_TOKEN_TTL: int = Field(default=14 * 86_400, ge=60, le=90 * 86_400)
    # A refresh session also ends after this many seconds without use.
    REFRESH_IDLE_TTL: int = Field(default=7 * 86_400, ge=60)
    # Parallel refreshes within this window receive the same successor token.
    REFRESH_REUSE_GRACE: int = Field(default=10, ge=0, le=60)
    PASSWORD_RESET_TTL: int = Field(default=3600, ge=60, le=86_400)
    RATE_LIMIT_AUTH: str = "30 per minute"
    # Changes of one account's email (each one tells whether an address is taken).
    RATE_LIMIT_EMAIL_CHANGE: str = "5 per hour"
    RATE_LIMIT_ENABLED: bool = True
    # Failed logins per account (and per account + IP) before backoff starts.
    LOGIN_FAILURES_BEFORE_LOCK: int = Field(default=10, ge=1)
    LOGIN_LOCK_BASE_SECONDS: int = Field(default=60, ge=1)
    LOGIN_LOCK_MAX_SECONDS: int = Field(default=900, ge=1)
    LOGIN_MAX_FAILURES_PER_HOUR: int = Field(default=100, ge=1)
    ADMIN_USERNAME: str = ""
    ADMIN_EMAIL: str = ""
    ADMIN_PASSWORD: str = ""
    SMTP_URL: str = ""
    MAIL_FROM: str = "no-reply@localhost"
    PUBLIC_URL: str = "http://localhost:8080"
    # The issuer authenticator apps show beside a two-factor account (the otpauth URI's).
    TWO_FACTOR_ISSUER: str = Field(default="Users", min_length=1, max_length=64)
    JWT_ISSUER: str = "users-service"
    JWT_AUDIENCE: str = "users-api"
    # Ed25519 private keys, PEM blocks one after another: the first signs, all verify.
    JWT_PRIVATE_KEYS: str = ""
    # The Redis stream `manage.py relay` publishes the outbox's events to.
    EVENTS_STREAM: str = Field(default="users.events", min_length=1)
    # The bearer token of GET /internal/events; unset, the feed answers 404.
    EVENTS_FEED_TOKEN: str = ""
    # Seconds a worker reuses its count of users for the list's `total` (0 = count every time).
    USER_COUNT_MAX_AGE: float = Field(default=1.0, ge=0, le=60)
    # Days the audit log keeps its rows; `manage.py prune-audit` removes older ones.
    AUDIT_RETENTION_DAYS: int = Field(default=365, ge=1, le=36_500)
    # argon2id cost; OWASP minimum. Cheaper values are accepted only under testing.
    ARGON2_MEMORY_COST: int = 19_456
    ARGON2_TIME_COST: int = 2
    ARGON2_PARALLELISM: int = 1

    _key_set: KeySet | None = PrivateAttr(default=None)

    @field_validator("RATE_LIMIT_AUTH", "RATE_LIMIT_EMAIL_CHANGE")
    @classmethod
    def _check_limit(cls, value: str) -> str:
        try:
            parse_limit(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate limit such as '30 per minute'") from None
        return value

    @model_validator(mode="after")
    def _check_environment(self) -> Settings:
        if not self.DATABASE_URL:
            if self.APP_ENV in ("staging", "production"):
                raise ValueError("DATABASE_URL is required when APP_ENV is " + self.APP_ENV)
            name = "users-test.db" if self.APP_ENV == "testing" else "users.db"
            self.DATABASE_URL = f"sqlite:///{INSTANCE_DIR / name}"
        if self.is_production_like:
            if self.SECRET_KEY in _PLACEHOLDER_KEYS:
                raise ValueError(
                    f"SECRET_KEY is a development placeholder and is refused when APP_ENV is {self.APP_ENV}"
                )
            if len(self.SECRET_KEY.encode()) < MIN_SECRET_BYTES:
                raise ValueError(
                    f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_BYTES} "
                    f"bytes when APP_ENV is {self.APP_ENV}"
                )
            if self.ARGON2_MEMORY_COST < 19_456 or self.ARGON2_TIME_COST < 2:
                raise ValueError("argon2 parameters below the OWASP minimum are for tests only")
            if self.RATE_LIMIT_ENABLED and not self.REDIS_URL:
                # In process memory, every worker of every replica would count on its own:
                # each limit multiplied by their number.
                raise ValueError(
                    f"REDIS_URL is required when APP_ENV is {self.APP_ENV}, so that every worker and replica "
                    "shares the rate limits (or set RATE_LIMIT_ENABLED=false if something in front limits instead)"
                )
        elif not self.SECRET_KEY:
            self.SECRET_KEY = _dev_secret_key(self.APP_ENV)
        self._key_set = KeySet(self._private_keys())
        if self.EVENTS_FEED_TOKEN and len(self.EVENTS_FEED_TOKEN) < MIN_FEED_TOKEN_CHARS:
            raise ValueError(f"EVENTS_FEED_TOKEN must be a random value of at least {MIN_FEED_TOKEN_CHARS} characters")
        if self.APP_ENV == "testing" and "ARGON2_MEMORY_COST" not in self.model_fields_set:
            # Cheap hashes keep the suite fast; never used outside testing.
            self.ARGON2_MEMORY_COST, self.ARGON2_TIME_COST = 1024, 1
        return self

    def _private_keys(self) -> list[Ed25519PrivateKey]:
        if self.JWT_PRIVATE_KEYS.strip():
            return parse_private_keys(self.JWT_PRIVATE_KEYS)
        if self.is_production_like:
            # A key derived from a secret would sign with no way to rotate it alone.
            raise ValueError(
                f"JWT_PRIVATE_KEYS is required when APP_ENV is {self.APP_ENV}: set it to the service's Ed25519 "
                "private keys in PEM form (python manage.py generate-key prints a new one)"
            )
        return [derived_key(self.SECRET_KEY)]

    @property
    def secure_cookies(self) -> bool:
        return self.APP_ENV not in ("development", "testing")

    @property
    def signing_keys(self) -> KeySet:
        """The access-token keys: ``current`` signs, every one verifies."""
        assert self._key_set is not None  # set by the validator
        return self._key_set


def _dev_secret_key(app_env: str) -> str:
    """A key shared by every worker of a development server, kept in the instance folder.

    A per-process random key would make tokens issued by one server worker fail on
    another. The file is never consulted outside development and testing.
    """
    if app_env == "testing":
        return TESTING_KEY
    path = INSTANCE_DIR / "dev-secret-key"
    try:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_dev_key(path)
    except OSError:
        # Never a key everyone knows: tokens signed with it could be forged by anyone.
        raise ValueError(
            f"SECRET_KEY is not set and {INSTANCE_DIR} is not writable for a development key: "
            "set SECRET_KEY or make that folder writable"
        ) from None
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(48)
        handle.write(key)
    return key


def _read_dev_key(path: Path) -> str:
    # Another worker may have created the file a moment ago and still be writing it.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise ValueError(f"SECRET_KEY is not set and {path} stays empty: remove it, or set SECRET_KEY")


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning invalid configuration into a ConfigError with one sentence."""
    return load(Settings, **overrides)


def settings_or_exit() -> Settings:
    """Load settings for a process entry point; exit 1 with one clear sentence on error."""
    return load_or_exit(Settings)
