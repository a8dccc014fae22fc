#!/usr/bin/env python3
"""The client's performance budget: initial JS and CSS of the home page, and its first paint.

Builds nothing. The sizes are those of the app's initial load, each gzip-compressed: the
script and style inline in ``services/client/dist/index.html``, and the scripts and
stylesheets of the build that every one of three pages (home, about, login) loads in a fresh
browser context until the network is idle. A page's own code loads when it is opened and is
not counted. The first
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
from playwright.sync_api import Browser, sync_playwright

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


class BudgetError(Exception):
    """The budget cannot be measured here: the message says what to do."""


@dataclass(frozen=True)
class Asset:
    kind: str  # "js" or "css"
    name: str
    content: bytes

    @property
    def gzip_bytes(self) -> int:
        return len(gzip.compress(self.content, compresslevel=9))


class InlineCode(HTMLParser):
    """The text of an HTML page's inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        inline = tag == "style" or (tag == "script" and not dict(attrs).get("src"))
        self._open = tag if inline else None

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.found.append(("js" if self._open == "script" else "css", data))


# Pages whose own code differs: what all of them load is the app's shell, the initial load.
SHELL_PAGES = ("/", "/about", "/login")


def loaded_files(browser: Browser, url: str) -> list[str]:
    """The URL paths of the scripts and stylesheets a page loads from its own origin until the
    network is idle, in a fresh context (empty cache)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url, wait_until="networkidle")
    finally:
        context.close()
    origin = urlsplit(url).netloc
    parts = [urlsplit(each) for each in dict.fromkeys(requested)]
    return [part.path for part in parts if part.netloc == origin and part.path.endswith((".js", ".css"))]


def initial_assets(home: str, dist: Path) -> list[Asset]:
    """What the app needs before it shows any page: the code and styles inline in index.html,
    and the scripts and stylesheets of the build that every one of SHELL_PAGES loads. Each
    page's own code, which loads when that page is opened, is not part of it."""
    index = dist / "index.html"
    if not index.is_file():
        raise BudgetError(f"{index} does not exist: build the client first (make install).")
    inline = InlineCode()
    inline.feed(index.read_text())
    tags = {"js": "index.html <script>", "css": "index.html <style>"}
    assets = [Asset(kind, tags[kind], text.encode()) for kind, text in inline.found]
    with chromium() as browser:
        pages = [loaded_files(browser, home.rstrip("/") + page) for page in SHELL_PAGES]
    for path in [each for each in pages[0] if all(each in other for other in pages[1:])]:
        file = dist / path.lstrip("/")
        if not file.is_file():
            raise BudgetError(f"The home page loads {path}, which is not in {dist}: restart the stack.")
        assets.append(Asset("css" if path.endswith(".css") else "js", file.name, file.read_bytes()))
    return assets


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise BudgetError(
            "Chromium was not found: install Debian's chromium (make test-prereqs) or set CHROMIUM_PATH."
        )
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, as the end-to-end tests run it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


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
    with chromium() as browser:
        for _ in range(runs):
            for url in urls:
                context = browser.new_context()
                page = context.new_page()
                page.goto(url, wait_until="load")
                paints[url].append(float(page.evaluate(FCP_SCRIPT)))
                context.close()
    return paints


def kilobytes(size: int) -> str:
    return f"{size / KB:.1f} kB"


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


@dataclass(frozen=True)
class Budget:
    """What one measurement found: the initial files' sizes and the median first paints."""

    assets: list[Asset]
    home_fcp: float
    reference_fcp: float
    runs: int

    def size(self, kind: str) -> int:
        return sum(asset.gzip_bytes for asset in self.assets if asset.kind == kind)

    @property
    def ratio(self) -> float:
        return self.home_fcp / self.reference_fcp

    def checks(self) -> list[tuple[str, str, str, bool]]:
        """(metric, measured, budget, within) of each of the three budgets."""
        js, css = self.size("js"), self.size("css")
        return [
            ("initial JS (gzip)", kilobytes(js), f"<= {kilobytes(JS_BUDGET)}", js <= JS_BUDGET),
            ("initial CSS (gzip)", kilobytes(css), f"<= {kilobytes(CSS_BUDGET)}", css <= CSS_BUDGET),
            (
                f"home page first contentful paint / one-heading page's ({self.runs} cold loads each; "
                f"medians {self.home_fcp:.0f} ms / {self.reference_fcp:.0f} ms)",
                f"{self.ratio:.2f}",
                f"<= {FCP_RATIO_BUDGET}",
                self.ratio <= FCP_RATIO_BUDGET,
            ),
        ]

    def files(self) -> str:
        return ", ".join(f"{asset.name} ({kilobytes(asset.gzip_bytes)})" for asset in self.assets)


def measure(url: str, runs: int, dist: Path = DIST) -> Budget:
    """The budget of the stack at ``url``, whose gateway serves the client built in ``dist``."""
    home = url.rstrip("/") + "/"
    try:
        httpx.get(home, timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        raise BudgetError(f"The stack at {url} does not answer ({error}): start it with `make up`.") from None
    assets = initial_assets(home, dist)
    runs = max(1, runs)
    with reference_page(dist) as path:
        reference = url.rstrip("/") + path
        served = httpx.get(reference, timeout=5)
        if served.status_code != 200 or "<h1>Reference</h1>" not in served.text:
            raise BudgetError(f"The gateway at {url} does not serve {dist}: start the stack with `make up`.")
        paints = first_contentful_paints([home, reference], runs)
    return Budget(assets, statistics.median(paints[home]), statistics.median(paints[reference]), runs)


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
    try:
        budget = measure(args.url, args.runs, args.dist)
    except BudgetError as error:
        sys.exit(str(error))
    print(f"Client budget of {args.url}: {budget.runs} cold loads per page; sizes: gzip -9 of {args.dist}\n")
    print(row("metric", "measured", "budget", "within"))
    print(row("---", "---", "---", "---"))
    for metric, measured, limit, within in budget.checks():
        print(row(metric, measured, limit, verdict(within)))
    print(f"\nInitial files: {budget.files()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
