"""Items service: each user's items, for the users service's accounts.

**Authentication.** Send the access token of the users service (`POST /auth/login`) as
`Authorization: Bearer <token>`. It is checked here, offline, against the users service's
public keys (`/auth/jwks.json`); deactivation, logout, password changes and deletion reach
this service as events and refuse the tokens they end.

**Ownership.** Each item belongs to the user who created it. Only its owner and admins may
read, change or delete it; anyone else gets 404, as for an item that does not exist.

**Pagination.** `GET /items?page=1&per_page=10`; `per_page` is capped at 100.

**Errors.** Every failure is JSON: `{"status": "fail", "message": "...", "errors": {field:
[messages]}, "request_id": "..."}`. 400 invalid payload, 401 missing/invalid token, 403 not
allowed, 404, 405, 413 body too large, 415 not JSON, 503 database unavailable (with
`Retry-After`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service_kit.packages import lazy_create_app

if TYPE_CHECKING:
    from .web.app import create_app

__all__ = ["create_app"]
# Imported on first use: the server process (items_service.server) must set up the
# metrics directory before anything imports prometheus_client.
__getattr__ = lazy_create_app(__name__)
