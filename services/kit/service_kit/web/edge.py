"""The WSGI layer under Flask, which every request passes once: what the gateway forwarded
(the client's address and scheme, the request id), the request's clock, and the headers
every answer carries. Also the request's fields (its id and trace id among them) in every log
record.

Done on the WSGI environ and plain lists rather than in Flask hooks, which go through
werkzeug's request and header objects and cost several times as much per request.
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

from ..runtime.tracing import current_trace
from .tracing import request_trace

REQUEST_ID_KEY = "service.request_id"
STARTED_KEY = "service.started"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_SCHEMES = frozenset({"http", "https"})

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Network = IPv4Network | IPv6Network


class GatewayEdge:
    """Reads what the gateway forwarded and stamps every answer with ``headers``.

    - ``REMOTE_ADDR`` becomes the client's address (see ``client_address``) and
      ``wsgi.url_scheme`` the scheme the client used (``X-Forwarded-Proto``).
    - A well-formed incoming ``X-Request-ID`` is kept, so one id follows a request through
      the gateway's and the service's logs; anything else is replaced.
    - Every answer gets ``headers`` (unless the view set that header itself) and ``X-Request-ID``.
    """

    def __init__(self, app: WSGIApp, headers: Mapping[str, str], trusted: Sequence[Network] = ()) -> None:
        self.app = app
        self.headers = [(name.lower(), (name, value)) for name, value in headers.items()]
        self.trusted = tuple(trusted)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ[STARTED_KEY] = time.perf_counter()
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded:
            client = client_address(forwarded.split(","), self.trusted)
            if client:
                environ["REMOTE_ADDR"] = client
        scheme = environ.get("HTTP_X_FORWARDED_PROTO")
        if scheme in _SCHEMES:
            environ["wsgi.url_scheme"] = scheme
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        environ[REQUEST_ID_KEY] = request_id
        defaults = self.headers

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers += [header for lowered, header in defaults if lowered not in present]
            headers.append(("X-Request-ID", request_id))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def client_address(hops: Sequence[str], trusted: Sequence[Network]) -> str | None:
    """The client's address in an ``X-Forwarded-For`` list.

    The gateway is this service's one peer and puts the address it saw last; that entry is
    believed. An entry to its left is believed only while the address after it is one of
    ``trusted`` (TRUSTED_PROXIES), as Nginx's ``real_ip_recursive`` does: a client cannot
    choose its address by sending the header itself.
    """
    if not trusted:
        return hops[-1].strip() or None
    client = None
    for hop in reversed(hops):
        try:
            address = ip_address(hop.strip())
        except ValueError:
            break
        client = str(address)
        if not any(address in network for network in trusted):
            break
    return client


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


def client_ip() -> str:
    """The caller's address (see ``client_address``)."""
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
    """Adds the request id, the trace id, the client's address, the method and the path to
    every record logged while a request is served (the request and trace ids to records of
    work handed off by a request, or traced on its own, too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id() or "-"
            record.trace_id = request_trace(request.environ).trace_id
            if not hasattr(record, "ip"):
                record.ip = client_ip()
            record.method = request.method
            record.path = request.path
            return True
        if REQUEST_ID.get():
            record.request_id = REQUEST_ID.get()
        traced = current_trace()
        if traced is not None:
            record.trace_id = traced.trace_id
        return True
