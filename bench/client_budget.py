#!/usr/bin/env python3
"""The client's performance budget: initial JS and CSS of the home page, and its first paint.

Builds nothing. The sizes are those of the files ``services/client/dist/index.html`` loads
up front (its script, stylesheet and modulepreload tags), gzip-compressed. The first
contentful paint is measured in headless Chromium, each load in a fresh browser context
(empty cache), on the home page of a running stack and on a static page of one heading that
the same gateway serves in the same run: the budget is their ratio, so it holds on a slow
machine as on a fast one. The reference page is written into the built client for the run
(the gateway of `make up` serves that folder) and removed afterwards. Prints a markdown table:

    .venv/bin/python bench/client_budget.py --url http://localhost:8080 --runs 5
"""

from __future__ import annotations

import argparse
import gzip
import os
import secrets
import shutil
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "services" / "client" / "dist"
KB = 1000  # the kB of Vite's build report

JS_BUDGET = 70 * KB
CSS_BUDGET = 12 * KB
FCP_RATIO_BUDGET = 1.5

REFERENCE_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Reference</title></head>
<body><h1>Reference</h1></body>
</html>
"""

FCP_SCRIPT = """
() => new Promise((resolve) => {
  const now = performance.getEntriesByName('first-contentful-paint')[0];
  if (now) return resolve(now.startTime);
  new PerformanceObserver((list, observer) => {
    const entry = list.getEntriesByName('first-contentful-paint')[0];
    if (entry) { observer.disconnect(); resolve(entry.startTime); }
  }).observe({ type: 'paint', buffered: true });
})
"""


@dataclass(frozen=True)
class Asset:
    kind: str  # "js" or "css"
    path: Path

    @property
    def gzip_bytes(self) -> int:
        return len(gzip.compress(self.path.read_bytes(), compresslevel=9))


class InitialAssets(HTMLParser):
    """The scripts and stylesheets an HTML page loads before it can render."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        rel = set(attributes.get("rel", "").lower().split())
        if tag == "script" and attributes.get("src"):
            self.found.append(("js", attributes["src"]))
        elif tag == "link" and "stylesheet" in rel and attributes.get("href"):
            self.found.append(("css", attributes["href"]))
        elif tag == "link" and "modulepreload" in rel and attributes.get("href"):
            self.found.append(("js", attributes["href"]))


def initial_assets(dist: Path) -> list[Asset]:
    index = dist / "index.html"
    if not index.is_file():
        sys.exit(f"{index} does not exist: build the client first (cd services/client && npm run build).")
    parser = InitialAssets()
    parser.feed(index.read_text())
    assets = []
    for kind, url in dict.fromkeys(parser.found):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            continue  # a third-party file is not part of this build
        assets.append(Asset(kind, dist / parts.path.lstrip("/")))
    return assets


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        sys.exit("Chromium was not found: install Debian's chromium package or set CHROMIUM_PATH.")
    return path


@contextmanager
def reference_page(dist: Path) -> Iterator[str]:
    """The path of a one-heading static page in the built client, for as long as the block runs."""
    name = f"budget-reference-{secrets.token_hex(4)}.html"
    page = dist / name
    page.write_text(REFERENCE_PAGE)
    try:
        yield "/" + name
    finally:
        page.unlink(missing_ok=True)


def first_contentful_paints(urls: list[str], runs: int) -> dict[str, list[float]]:
    """Milliseconds from navigation start to the first contentful paint, ``runs`` per URL.

    The URLs take turns, so a spell of load on the machine falls on all of them alike.
    """
    paints: dict[str, list[float]] = {url: [] for url in urls}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        try:
            for _ in range(runs):
                for url in urls:
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(url, wait_until="load")
                    paints[url].append(float(page.evaluate(FCP_SCRIPT)))
                    context.close()
        finally:
            browser.close()
    return paints


def kilobytes(size: int) -> str:
    return f"{size / KB:.1f} kB"


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("STACK_URL", "http://localhost:8080"),
        help="the home page of a running stack (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=5, help="page loads to take the median of")
    parser.add_argument("--dist", type=Path, default=DIST, help="the built client (default: %(default)s)")
    args = parser.parse_args()

    assets = initial_assets(args.dist)
    missing = [str(asset.path) for asset in assets if not asset.path.is_file()]
    if missing:
        sys.exit("index.html refers to files that are not in the build: " + ", ".join(missing))
    js = sum(asset.gzip_bytes for asset in assets if asset.kind == "js")
    css = sum(asset.gzip_bytes for asset in assets if asset.kind == "css")

    home = args.url.rstrip("/") + "/"
    try:
        httpx.get(home, timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        sys.exit(f"The stack at {args.url} does not answer ({error}): start it with `make up`.")
    runs = max(1, args.runs)
    with reference_page(args.dist) as path:
        reference = args.url.rstrip("/") + path
        served = httpx.get(reference, timeout=5)
        if served.status_code != 200 or "<h1>Reference</h1>" not in served.text:
            sys.exit(
                f"The gateway at {args.url} does not serve {args.dist}: start the stack with `make up` here."
            )
        paints = first_contentful_paints([home, reference], runs)
    home_fcp = statistics.median(paints[home])
    reference_fcp = statistics.median(paints[reference])
    ratio = home_fcp / reference_fcp

    print(f"Client budget of {args.url}: {runs} cold loads per page; sizes are gzip -9 of {args.dist}\n")
    print(row("metric", "measured", "budget", "within"))
    print(row("---", "---", "---", "---"))
    for label, size, budget in (("initial JS", js, JS_BUDGET), ("initial CSS", css, CSS_BUDGET)):
        print(row(f"{label} (gzip)", kilobytes(size), f"<= {kilobytes(budget)}", verdict(size <= budget)))
    print(
        row(
            f"home page first contentful paint / one-heading page's (medians {home_fcp:.0f} ms"
            f" / {reference_fcp:.0f} ms)",
            f"{ratio:.2f}",
            f"<= {FCP_RATIO_BUDGET}",
            verdict(ratio <= FCP_RATIO_BUDGET),
        )
    )
    files = ", ".join(f"{asset.path.name} ({kilobytes(asset.gzip_bytes)})" for asset in assets)
    print(f"\nInitial files: {files}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
