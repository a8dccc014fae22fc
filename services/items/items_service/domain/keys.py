"""The users service's public keys, which verify its access tokens here, with no call per request.

The key set (a JWKS) is fetched from ``USERS_JWKS_URL`` when the service starts and kept in
memory; the last good copy is also kept in this service's database (``jwks_cache``), so a
restart while users is down still verifies. A token whose ``kid`` is unknown refetches the
set, at most once per ``JWKS_REFRESH_INTERVAL`` whatever the number of such tokens: a flood of
made-up kids costs the users service one request per interval (while no key is held yet, as
when this service starts before users, each unknown kid tries again, one fetch at a time). The set is also refetched
once it is older than ``MAX_AGE`` (so a removed key stops verifying), under the same limit.

Keys come only from that URL: never from a token's own header (``jku``, ``x5u``, ``jwk``).
Only Ed25519 signing keys (``kty`` OKP, ``crv`` Ed25519) are taken.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Mapping
from typing import Any

from jwt import PyJWK
from jwt.exceptions import PyJWTError
from service_kit.db.database import Database
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .models import JwksCache, utcnow

log = logging.getLogger("items_service.keys")

ALGORITHM = "EdDSA"
# Seconds after which the set is refetched on its next use (the JWKS's own max-age).
MAX_AGE = 300.0
FETCH_TIMEOUT = 3.0
MAX_JWKS_BYTES = 64 * 1024


class KeySetUnavailable(Exception):
    """The key set could not be fetched or read."""


def parse_jwks(document: Any) -> dict[str, PyJWK]:
    """The Ed25519 signing keys of a JWKS, by kid; anything else in it is ignored."""
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise KeySetUnavailable("not a JWKS")
    keys: dict[str, PyJWK] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, Mapping):
            continue
        kid = jwk.get("kid")
        if (
            not isinstance(kid, str)
            or not kid
            or jwk.get("kty") != "OKP"
            or jwk.get("crv") != "Ed25519"
            or jwk.get("alg", ALGORITHM) != ALGORITHM
            or jwk.get("use", "sig") != "sig"
            or "d" in jwk  # a private key has no business in a public set
        ):
            continue
        try:
            keys[kid] = PyJWK(dict(jwk), algorithm=ALGORITHM)
        except (PyJWTError, ValueError):
            log.warning("unusable key in the key set", extra={"event": "jwks_bad_key", "kid": kid[:64]})
    return keys


class KeySet:
    """The verifying keys of one process, by kid (see the module's description)."""

    def __init__(self, url: str, refresh_interval: float, database: Database) -> None:
        self.url = url
        self.refresh_interval = refresh_interval
        self.database = database
        self.keys: dict[str, PyJWK] = {}
        self.loaded = False
        self.fetched_at = float("-inf")  # monotonic time of the last good fetch
        self.tried_at = float("-inf")  # monotonic time of the last attempt, good or not
        self.fetches = 0
        self.lock = threading.Lock()

    def start(self) -> None:
        """Fetch the set; when the users service does not answer, use the stored copy."""
        with self.lock:
            self._load()

    def key(self, kid: str) -> PyJWK | None:
        """The key named ``kid``, refetching the set when it does not know it (rate-limited)."""
        if not self.loaded:
            self.start()
        key = self.keys.get(kid)
        if key is not None and time.monotonic() - self.fetched_at <= MAX_AGE:
            return key
        with self.lock:
            if self._may_fetch():
                # A failed fetch keeps the keys we had: only a good answer takes one away.
                self._refresh()
        return self.keys.get(kid)

    def _may_fetch(self) -> bool:
        # Holding no key at all (users was not up yet when this process started), nothing
        # verifies: try again at once (one fetch at a time, under the lock) rather than refuse
        # every token for a whole interval.
        return not self.keys or time.monotonic() - self.tried_at >= self.refresh_interval

    def _load(self) -> None:
        if self.loaded:
            return
        try:
            self._refresh(raise_errors=True)
        except KeySetUnavailable:
            self.keys = self._stored()
            if self.keys:
                log.warning(
                    "users service key set unavailable: verifying with the stored copy",
                    extra={"event": "jwks_from_database", "keys": len(self.keys)},
                )
        self.loaded = True

    def _refresh(self, raise_errors: bool = False) -> None:
        self.tried_at = time.monotonic()
        try:
            document = self._fetch()
            keys = parse_jwks(json.loads(document))
        except (OSError, ValueError, KeySetUnavailable) as exc:
            log.warning(
                "key set fetch failed",
                extra={"event": "jwks_fetch_failed", "url": self.url, "error": type(exc).__name__},
            )
            if raise_errors:
                raise KeySetUnavailable(str(exc)) from exc
            return
        self.keys = keys
        self.fetched_at = self.tried_at
        self.loaded = True
        log.info("key set fetched", extra={"event": "jwks_fetched", "kids": sorted(keys)})
        self._store(document)

    def _fetch(self) -> bytes:
        self.fetches += 1
        request = urllib.request.Request(self.url, headers={"Accept": "application/json"})  # noqa: S310 - http(s) only (settings)
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            body: bytes = response.read(MAX_JWKS_BYTES + 1)
        if len(body) > MAX_JWKS_BYTES:
            raise KeySetUnavailable("key set too large")
        return body

    def _store(self, document: bytes) -> None:
        try:
            with self.database.unit_of_work() as session:
                session.merge(JwksCache(url=self.url, keys=document.decode(), fetched_at=utcnow()))
        except SQLAlchemyError as exc:
            log.warning("key set not stored", extra={"event": "jwks_not_stored", "error": type(exc).__name__})

    def _stored(self) -> dict[str, PyJWK]:
        try:
            with self.database.autocommit() as connection:
                stored = connection.execute(select(JwksCache.keys).where(JwksCache.url == self.url)).scalar()
            return parse_jwks(json.loads(stored)) if stored else {}
        except (SQLAlchemyError, ValueError, KeySetUnavailable) as exc:
            log.warning(
                "stored key set unreadable", extra={"event": "jwks_stored_unreadable", "error": type(exc).__name__}
            )
            return {}
