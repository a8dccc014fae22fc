"""Typed settings read from the environment (12-factor), on the kit's ``ServiceSettings``.

The items service keeps its own database (``ITEMS_DATABASE_URL``), never the users tables,
and trusts the users service's access tokens through its published key set
(``USERS_JWKS_URL``), without a call per request.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from service_kit.runtime.settings import ConfigError, ServiceSettings, load, load_or_exit

SERVICE_ROOT = Path(__file__).resolve().parents[2]
INSTANCE_DIR = SERVICE_ROOT / "instance"
MIGRATIONS_DIR = SERVICE_ROOT / "migrations"

__all__ = ["ConfigError", "Settings", "load_settings", "settings_or_exit"]


class Settings(ServiceSettings):
    # Named for this service, so that an environment shared with the users service
    # (DATABASE_URL) never points items at the users tables.
    DATABASE_URL: str = Field(default="", validation_alias=AliasChoices("ITEMS_DATABASE_URL"))
    JWT_ISSUER: str = "users-service"
    JWT_AUDIENCE: str = "users-api"
    USERS_JWKS_URL: str = "http://127.0.0.1:5001/auth/jwks.json"
    # An unknown kid refetches the key set at most once per this many seconds.
    JWKS_REFRESH_INTERVAL: float = Field(default=30, ge=0, le=3600)
    # A refusal the consumer committed is applied by every worker within this many seconds
    # (domain.refusals): each reads the refusals' sequence at most this often.
    REFUSALS_REFRESH_INTERVAL: float = Field(default=0.5, ge=0, le=5)
    EVENTS_STREAM: str = Field(default="users.events", min_length=1)
    USERS_EVENTS_URL: str = "http://127.0.0.1:5001/internal/events"
    EVENTS_FEED_TOKEN: str = ""
    # The feed is read again at once after a page with events; this pause follows an empty one.
    EVENTS_POLL_INTERVAL: float = Field(default=0.1, gt=0, le=60)
    OTEL_EXPORTER_OTLP_ENDPOINT: str = ""

    @field_validator("USERS_JWKS_URL", "USERS_EVENTS_URL")
    @classmethod
    def _check_http_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _check_environment(self) -> Settings:
        if not self.DATABASE_URL:
            if self.is_production_like:
                raise ValueError("ITEMS_DATABASE_URL is required when APP_ENV is " + self.APP_ENV)
            name = "items-test.db" if self.APP_ENV == "testing" else "items.db"
            self.DATABASE_URL = f"sqlite:///{INSTANCE_DIR / name}"
        return self

    @property
    def events_source(self) -> str:
        """Where ``manage.py consume`` reads the users service's events: ``redis`` or ``feed``."""
        return "redis" if self.REDIS_URL else "feed"


def load_settings(**overrides: object) -> Settings:
    """Read settings (``ITEMS_DATABASE_URL=...`` among the overrides), or raise ConfigError."""
    return load(Settings, **overrides)


def settings_or_exit() -> Settings:
    """Load settings for a process entry point; exit 1 with one clear sentence on error."""
    return load_or_exit(Settings)
