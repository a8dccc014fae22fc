#!/usr/bin/env python3
"""Re-export a service's committed OpenAPI spec from its code: services/swagger/swagger.json
(the users service) or services/swagger/items.json (the items service).

Usage (from anywhere): python services/swagger/update-spec.py [--service users|items] [--output PATH]

It runs APIFlask's own export, `flask spec` (as `manage.py spec`), in the service's folder with
the interpreter running this script. Needs neither a database nor the network. ``--output``
writes elsewhere (`make up` exports into the built Swagger UI, leaving the committed files alone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVICES = HERE.parent
# A spec-only app: testing settings and an in-memory database that is never opened.
SPEC_ONLY = {
    "users": {"APP_ENV": "testing", "DATABASE_URL": "sqlite://", "REDIS_URL": "", "SMTP_URL": ""},
    "items": {"APP_ENV": "testing", "ITEMS_DATABASE_URL": "sqlite://", "REDIS_URL": ""},
}
# Where each spec is committed, beside this script.
SPEC_FILES = {"users": "swagger.json", "items": "items.json"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Re-export the OpenAPI spec of a service.")
    parser.add_argument("--service", choices=sorted(SPEC_FILES), default="users")
    parser.add_argument("--output", type=Path, help="default: the committed file of the service's spec")
    args = parser.parse_args(argv[1:])
    target: Path = (args.output or HERE / SPEC_FILES[args.service]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "manage.py",
        "spec",
        "--format",
        "json",
        "--indent",
        "2",
        "--quiet",
        "--output",
        str(target),
    ]
    result = subprocess.run(
        command, cwd=SERVICES / args.service, env=os.environ | SPEC_ONLY[args.service], check=False
    )
    if result.returncode == 0:
        print(f"Wrote {target}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
