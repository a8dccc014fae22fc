"""What the routes that take a body accept: JSON or nothing, within MAX_CONTENT_LENGTH.

Registered by the blueprints whose routes take bodies (``bp.before_request``), so that the
routes that never do (ping, health) pay nothing for it.
"""

from __future__ import annotations

import re

from flask import request

from .errors import fail

_JSON_MIMETYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json$")


def require_json_body() -> None:
    """Refuse a body that is too large (413) or not JSON (415)."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    length = request.content_length
    if length is not None and request.max_content_length is not None and length > request.max_content_length:
        raise fail(413)
    has_body = bool(length) or "Transfer-Encoding" in request.headers
    if (has_body or request.mimetype) and not _JSON_MIMETYPE.match(request.mimetype or ""):
        # Also refuses cross-site "simple" requests (text/plain, form posts): no CSRF.
        raise fail(415)
