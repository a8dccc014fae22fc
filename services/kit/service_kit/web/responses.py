"""Every JSON body a service sends is written here, by orjson: the one serializer.

Routes declare their answers with ``@bp.output`` schemas, which document them in the OpenAPI
spec; each service's tests check a real answer of every operation against that spec.
Datetimes are written as ISO 8601, like the schemas say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from flask import Response


def json_body(body: bytes, status: int = 200, headers: Mapping[str, Any] | None = None) -> Response:
    """An answer whose JSON is written already.

    Its body, one bytes object in a list, is handed to the WSGI server as it is
    (``direct_passthrough``), which writes it in one call; werkzeug would otherwise wrap it
    in an iterator for the server to pull from, about a tenth of a ping's cost. Nothing of
    it needs closing, and HEAD, 204 and 304 answers still go without a body.
    """
    return Response(body, status=status, headers=headers, mimetype="application/json", direct_passthrough=True)


def json_response(payload: Mapping[str, Any], status: int = 200, headers: Mapping[str, Any] | None = None) -> Response:
    return json_body(orjson.dumps(payload), status, headers)


def success(status: int = 200, **fields: Any) -> Response:
    """``{"status": "success", **fields}``."""
    return json_response({"status": "success", **fields}, status)
