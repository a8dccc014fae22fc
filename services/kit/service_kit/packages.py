"""What a service's package (``<name>_service/__init__.py``) exports."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_create_app(package: str) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: ``create_app`` (from ``<package>.web.app``)
    imported on first use, so that importing the package imports nothing else. The server
    process must set up the metrics directory before anything imports prometheus_client."""

    def __getattr__(name: str) -> Any:
        if name == "create_app":
            return import_module(f"{package}.web.app").create_app
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
