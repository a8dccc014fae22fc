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


def json_response(payload: Mapping[str, Any], status: int = 200, headers: Mapping[str, Any] | None = None) -> Response:
    return Response(orjson.dumps(payload), status=status, headers=headers, mimetype="application/json")


def success(status: int = 200, **fields: Any) -> Response:
    """``{"status": "success", **fields}``."""
    return json_response({"status": "success", **fields}, status)
