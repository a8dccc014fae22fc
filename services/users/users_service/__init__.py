"""Users service: accounts and authentication.

**Authentication.** `POST /auth/login` returns a short-lived access token (JWT, 15 minutes by
default) in `auth_token`; send it as `Authorization: Bearer <token>`. A refresh token is set
as an httpOnly, SameSite=Strict cookie scoped to `/auth`; `POST /auth/refresh` rotates it and
returns a new access token. Logout, password change, deactivation and deletion end sessions.
Access tokens are signed with Ed25519 (`alg: EdDSA`, with a `kid`): other services check them
offline against the public keys at `GET /auth/jwks.json`.

**Pagination.** `GET /users?page=1&per_page=20`; `per_page` is capped at 100.

**Errors.** Every failure is JSON: `{"status": "fail", "message": "...", "errors": {field:
[messages]}, "request_id": "..."}`. 400 invalid payload, 401 missing/invalid token or bad
credentials, 403 not allowed, 404, 405, 409 duplicate, 413 body too large, 415 not JSON,
429 rate limited (with `Retry-After`), 503 database unavailable (with `Retry-After`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service_kit.packages import lazy_create_app

if TYPE_CHECKING:
    from .web.app import create_app

__all__ = ["create_app"]
# Imported on first use: the server process (users_service.server) must set up the
# metrics directory before anything imports prometheus_client.
__getattr__ = lazy_create_app(__name__)
