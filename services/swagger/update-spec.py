#!/usr/bin/env python3
"""Re-export services/swagger/swagger.json from the users service's code.

Usage (from anywhere): python services/swagger/update-spec.py [--output PATH]

It runs APIFlask's own export, `flask spec` (as `manage.py spec`), in services/users with the
interpreter running this script. Needs neither a database nor the network. ``--output`` writes
elsewhere (`make up` exports into the built Swagger UI, leaving the committed file alone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
USERS_SERVICE = HERE.parent / "users"
# A spec-only app: testing settings and an in-memory database that is never opened.
SPEC_ONLY = {"APP_ENV": "testing", "DATABASE_URL": "sqlite://", "REDIS_URL": "", "SMTP_URL": ""}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Re-export the OpenAPI spec of the users service.")
    parser.add_argument("--output", type=Path, default=HERE / "swagger.json")
    args = parser.parse_args(argv[1:])
    target: Path = args.output.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "manage.py", "spec", "--format", "json", "--indent", "2", "--quiet", "--output", str(target)]
    result = subprocess.run(command, cwd=USERS_SERVICE, env=os.environ | SPEC_ONLY, check=False)  # noqa: S603
    if result.returncode == 0:
        print(f"Wrote {target}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
