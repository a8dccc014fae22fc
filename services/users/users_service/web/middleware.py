"""The WSGI layer under Flask: request ids, default response headers and the request clock;
and the request's fields in every log record.

Done here once per request, on plain lists and the WSGI environ, rather than in Flask hooks
that go through werkzeug's header objects, which cost much more per request.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any

from flask import has_request_context, request

REQUEST_ID_KEY = "users.request_id"
STARTED_KEY = "users.started"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ResponseDefaults:
    """Stamps every request with an id and a start time, and every answer with ``headers``
    (unless the view set that header itself) plus ``X-Request-ID``.

    A well-formed incoming ``X-Request-ID`` (from the gateway) is kept, so one id follows a
    request through the gateway's and the service's logs; anything else is replaced.
    """

    def __init__(self, app: WSGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = [(name.lower(), (name, value)) for name, value in headers.items()]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ[STARTED_KEY] = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        environ[REQUEST_ID_KEY] = request_id
        defaults = self.headers

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers.extend(header for lowered, header in defaults if lowered not in present)
            headers.append(("X-Request-ID", request_id))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


# The id of the request that background work was handed off by (see background.py).
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")


def request_id() -> str:
    """The current request's id; in background work, the id of the request that handed it off."""
    if not has_request_context():
        return REQUEST_ID.get()
    return str(request.environ.get(REQUEST_ID_KEY, ""))


def request_started() -> float | None:
    """``time.perf_counter()`` when the request reached the service."""
    started = request.environ.get(STARTED_KEY)
    return float(started) if started is not None else None


class ClientAddress:
    """Sets ``REMOTE_ADDR`` to the client's address, read from ``X-Forwarded-For``.

    The gateway is this service's one peer and puts the address it saw last; that entry is
    believed. An entry to its left is believed only while the address after it is one of
    ``trusted`` (TRUSTED_PROXIES), as Nginx's ``real_ip_recursive`` does: a client cannot
    choose its address by sending the header itself.
    """

    def __init__(self, app: WSGIApp, trusted: Sequence[IPv4Network | IPv6Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded:
            client = self.client(forwarded.split(","))
            if client is not None:
                environ["REMOTE_ADDR"] = client
        return self.app(environ, start_response)

    def client(self, hops: Sequence[str]) -> str | None:
        client = None
        for hop in reversed(hops):
            try:
                address = ip_address(hop.strip())
            except ValueError:
                break
            client = str(address)
            if not any(address in network for network in self.trusted):
                break
        return client


def client_ip() -> str:
    """The caller's address (see ``ClientAddress``)."""
    return request.remote_addr or "unknown"


def rate_limit_identity(address: str) -> str:
    """Whom a limit counts: the address, or for IPv6 its /64, which one client usually holds whole."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class RequestContextFilter(logging.Filter):
    """Adds the request id, the client's address, the method and the path to every record
    logged while a request is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id() or "-"
            if not hasattr(record, "ip"):
                record.ip = client_ip()
            record.method = request.method
            record.path = request.path
        elif REQUEST_ID.get():
            record.request_id = REQUEST_ID.get()
        return True
