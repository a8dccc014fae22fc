from __future__ import annotations

from service_kit.web.ping import ping_blueprint

bp = ping_blueprint(__name__, api="items")
