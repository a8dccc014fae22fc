#!/usr/bin/env python3
"""Assemble the Swagger UI site in dist/ from swagger-ui-dist and the exported specs.

Usage: python3 services/swagger/build.py [--spec swagger.json] [--items-spec items.json] [--out DIR]
The page offers both specs (static/swagger-initializer.js): swagger.json, the users service's,
and items.json, the items service's. `make up` writes both into dist/ itself.
Run `npm ci` in services/swagger first. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI_DIST = HERE / "node_modules" / "swagger-ui-dist"
UI_FILES = (
    "index.html",
    "index.css",
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "oauth2-redirect.html",
    "oauth2-redirect.js",
    "favicon-16x16.png",
    "favicon-32x32.png",
)


def build(out: Path, spec: Path | None, items_spec: Path | None = None) -> None:
    if not UI_DIST.is_dir():
        raise FileNotFoundError(f"{UI_DIST} is missing: run `npm ci` in {HERE}")
    out.mkdir(parents=True, exist_ok=True)
    for name in UI_FILES:
        shutil.copyfile(UI_DIST / name, out / name)
    shutil.copyfile(HERE / "static" / "swagger-initializer.js", out / "swagger-initializer.js")
    if spec is not None:
        shutil.copyfile(spec, out / "swagger.json")
    if items_spec is not None:
        shutil.copyfile(items_spec, out / "items.json")


def main() -> int:
    parser = argparse.ArgumentParser(description="Assemble the Swagger UI site.")
    parser.add_argument("--spec", type=Path, help="users spec to serve, e.g. swagger.json (else none)")
    parser.add_argument("--items-spec", type=Path, help="items spec to serve, e.g. items.json (else none)")
    parser.add_argument("--out", type=Path, default=HERE / "dist")
    args = parser.parse_args()
    try:
        build(args.out, args.spec, args.items_spec)
    except FileNotFoundError as error:
        print(f"build.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
