#!/usr/bin/env python3
"""Re-export services/swagger/swagger.json from the users service code.

Usage (from the repository root): python services/swagger/update-spec.py http://localhost
The argument becomes ``servers[0].url``. Needs neither a database nor the network.
``--output PATH`` writes elsewhere (``make up`` exports into the built Swagger UI with the
gateway's own URL, leaving the committed file alone).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
USERS_SERVICE = HERE.parent / "users"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Re-export the OpenAPI spec of the users service.")
    parser.add_argument("server_url", nargs="?", default="http://localhost")
    parser.add_argument("--output", type=Path, default=HERE / "swagger.json")
    args = parser.parse_args(argv[1:])
    server_url = args.server_url
    os.environ["APP_ENV"] = "testing"
    sys.path.insert(0, str(USERS_SERVICE))
    from users_service.openapi import build_spec, render_spec

    target: Path = args.output
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_spec(build_spec(server_url)), encoding="utf-8")
    print(f"Wrote {target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
