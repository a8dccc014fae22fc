"""Typed settings read from the environment (12-factor), and what every service shares of them.

A service's ``Settings`` derives from ``ServiceSettings`` and adds its own fields; an
invalid environment stops the process with one sentence (``settings_or_exit``).
"""

from __future__ import annotations

import sys
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Literal, TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

AppEnv = Literal["development", "testing", "staging", "production"]
AnySettings = TypeVar("AnySettings", bound="ServiceSettings")


class ConfigError(Exception):
    """Raised when the environment does not describe a service that may start."""


def normalise_database_url(url: str) -> str:
    """Map the URL schemes operators usually write to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def split_list(value: str) -> list[str]:
    """The items of a comma-separated setting."""
    return [part.strip() for part in value.split(",") if part.strip()]


class ServiceSettings(BaseSettings):
    """The settings every service of the stack reads."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=True)

    APP_ENV: AppEnv = "development"
    DATABASE_URL: str = ""
    REDIS_URL: str = ""
    CORS_ORIGINS: str = ""
    LOG_LEVEL: str = "INFO"
    # Proxies in front of the gateway whose X-Forwarded-For is believed (comma-separated CIDRs).
    TRUSTED_PROXIES: str = ""
    MAX_CONTENT_LENGTH: int = 1024 * 1024
    DB_POOL_SIZE: int = Field(default=5, ge=1)
    DB_MAX_OVERFLOW: int = Field(default=5, ge=0)
    DB_POOL_TIMEOUT: int = Field(default=5, ge=1)
    DB_CONNECT_TIMEOUT: int = Field(default=5, ge=1)
    # Seconds a request may wait on the database before its connection is cut and it answers
    # 503 (0 = no deadline); shorter than the gateway's upstream timeout, so the client gets
    # the service's answer.
    REQUEST_DEADLINE: float = Field(default=10, ge=0, le=300)
    # Base URL of an OTLP/HTTP collector (http://collector:4318): each request is then a span
    # exported to <it>/v1/traces. Empty: no spans, only trace ids in the logs.
    OTEL_EXPORTER_OTLP_ENDPOINT: str = ""

    @field_validator("DATABASE_URL")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value.strip())

    @field_validator("OTEL_EXPORTER_OTLP_ENDPOINT")
    @classmethod
    def _check_endpoint(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @field_validator("TRUSTED_PROXIES")
    @classmethod
    def _check_networks(cls, value: str) -> str:
        for part in split_list(value):
            try:
                ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an address or a network such as 10.0.0.0/8") from None
        return value

    @property
    def is_production_like(self) -> bool:
        return self.APP_ENV in ("staging", "production")

    @property
    def cors_origins(self) -> list[str]:
        return split_list(self.CORS_ORIGINS)

    @property
    def trusted_networks(self) -> list[IPv4Network | IPv6Network]:
        return [ip_network(part, strict=False) for part in split_list(self.TRUSTED_PROXIES)]


def load(settings_class: type[AnySettings], **overrides: object) -> AnySettings:
    """Read settings, turning invalid configuration into a ConfigError with one sentence."""
    try:
        return settings_class(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise ConfigError("Invalid configuration: " + "; ".join(problems) + ".") from None


def load_or_exit(settings_class: type[AnySettings]) -> AnySettings:
    """Load settings for a process entry point; exit 1 with one clear sentence on error."""
    try:
        return load(settings_class)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(1) from None
