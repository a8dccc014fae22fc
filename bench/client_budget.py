#!/usr/bin/env python3
"""The client's performance budget: initial JS and CSS of the home page, and its first paint.

Builds nothing. The sizes are those of the files ``services/client/dist/index.html`` loads
up front (its script, stylesheet and modulepreload tags), gzip-compressed; the first
contentful paint is measured in headless Chromium on the home page of a running stack,
each run in a fresh browser context (empty cache). Prints a markdown table:

    .venv/bin/python bench/client_budget.py --url http://localhost:8080 --runs 5
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "services" / "client" / "dist"
KB = 1000  # the kB of Vite's build report

JS_BUDGET = 100 * KB
CSS_BUDGET = 30 * KB
FCP_BUDGET_MS = 1000.0

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


def first_contentful_paints(url: str, runs: int) -> list[float]:
    """Milliseconds from navigation start to the first contentful paint, one per run."""
    paints = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        try:
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                page.goto(url, wait_until="load")
                paints.append(float(page.evaluate(FCP_SCRIPT)))
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

    try:
        httpx.get(args.url, timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        sys.exit(f"The stack at {args.url} does not answer ({error}): start it with `make up`.")
    paints = first_contentful_paints(args.url, max(1, args.runs))
    fcp = statistics.median(paints)

    print(f"Client budget of {args.url}: {len(paints)} cold loads; sizes are gzip -9 of {args.dist}\n")
    print(row("metric", "measured", "budget", "within"))
    print(row("---", "---", "---", "---"))
    for label, size, budget in (("initial JS", js, JS_BUDGET), ("initial CSS", css, CSS_BUDGET)):
        print(row(f"{label} (gzip)", kilobytes(size), f"<= {kilobytes(budget)}", verdict(size <= budget)))
    print(
        row(
            f"first contentful paint (median, range {min(paints):.0f}-{max(paints):.0f} ms)",
            f"{fcp:.0f} ms",
            f"< {FCP_BUDGET_MS:.0f} ms",
            verdict(fcp < FCP_BUDGET_MS),
        )
    )
    files = ", ".join(f"{asset.path.name} ({kilobytes(asset.gzip_bytes)})" for asset in assets)
    print(f"\nInitial files: {files}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
