"""axe-core finds no serious or critical accessibility problem on any page of the client, in either theme."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Account, sign_in
from .ui import heading, heading_matching

AXE = Path(__file__).resolve().parents[2] / "services" / "client" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
THEMES = ["light", "dark"]


@pytest.fixture(params=THEMES)
def theme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def scan_page(browser: Browser, browser_context_args: dict[str, Any], theme: str) -> Iterator[Page]:
    # The gateway's CSP forbids injected scripts; axe is injected only in this context.
    # The system asks for the other theme, so the scan sees the one picked in the navbar.
    system = "light" if theme == "dark" else "dark"
    context = browser.new_context(**browser_context_args, bypass_csp=True, color_scheme=system)
    page = context.new_page()
    page.goto("/about")
    page.get_by_role("combobox", name="Theme").select_option(label=theme.capitalize())
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    # The pick is applied by the script in the page head, before any of the app's code runs.
    page.route("**/assets/*.js", lambda route: route.abort())
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    page.unroute("**/assets/*.js")
    yield page
    context.close()


def serious_violations(page: Page) -> list[str]:
    assert AXE.is_file(), f"axe-core is missing: {AXE}"
    page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{violation['impact']} {violation['id']}: {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in violations
        if violation.get("impact") in SERIOUS
    ]


def shows_heading(name: str) -> Callable[[Page], None]:
    return lambda page: expect(heading(page, name)).to_be_visible()


def shows_heading_matching(pattern: str) -> Callable[[Page], None]:
    return lambda page: expect(heading_matching(page, pattern)).to_be_visible()


def shows_text(text: str) -> Callable[[Page], None]:
    return lambda page: expect(page.locator("#root")).to_contain_text(text)


def shows_not_found(page: Page) -> None:
    expect(heading_matching(page, "not found|404")).to_be_visible()


def shows_users(page: Page) -> None:
    expect(heading(page, "All Users")).to_be_visible()
    expect(page.get_by_role("table").locator("tbody tr").first).to_be_visible()


def shows_status(page: Page) -> None:
    expect(page.locator("li strong", has_text="Username:")).to_be_visible()


def shows_add_user_dialog(page: Page) -> None:
    shows_users(page)
    page.get_by_role("button", name="Add User", exact=True).click()
    expect(page.get_by_role("dialog")).to_be_visible()


def shows_page_that_failed_to_load(page: Page) -> None:
    """A page whose code cannot be fetched (connection lost, or replaced by a deployment)."""
    page.route("**/assets/AboutPage*.js", lambda route: route.abort())
    page.get_by_role("link", name="About", exact=True).click()
    expect(heading(page, "Something Went Wrong")).to_be_visible()
    page.unroute("**/assets/AboutPage*.js")


def shows_edit_user_dialog(page: Page) -> None:
    shows_users(page)
    page.get_by_role("table").get_by_role("button", name=re.compile(r"^Edit\b")).first.click()
    expect(page.get_by_role("dialog")).to_be_visible()


def shows_two_factor_setup(page: Page) -> None:
    """The settings with a two-factor setup started: its QR code and the code field."""
    expect(heading(page, "Settings")).to_be_visible()
    page.get_by_role("button", name="Set up two-factor login").click()
    expect(page.get_by_role("img", name="QR code of your two-factor secret")).to_be_visible()


def shows_admin_console(page: Page) -> None:
    expect(heading(page, "Admin")).to_be_visible()
    expect(page.get_by_role("table").locator("tbody tr").first).to_be_visible()


def shows_audit_log(page: Page) -> None:
    shows_admin_console(page)
    page.get_by_role("tab", name="Audit log").click()
    expect(page.get_by_role("columnheader", name="Event")).to_be_visible()
    expect(page.get_by_role("table").locator("tbody tr").first).to_be_visible()


class Screen(NamedTuple):
    path: str
    ready: Callable[[Page], None]
    label: str = ""


VISITOR_SCREENS = [
    Screen("/", shows_users),
    Screen("/about", shows_heading("About")),
    Screen("/register", shows_heading("Register")),
    Screen("/login", shows_heading("Log In")),
    Screen("/logout", shows_text("You are now logged out.")),
    Screen("/status", shows_text("You must be logged in to view this.")),
    Screen("/forgot-password", shows_heading_matching("forgot|reset")),
    Screen("/reset-password#token=not-a-real-token", shows_heading_matching("reset")),
    Screen("/verify-email#token=not-a-real-token", shows_text("Invalid or expired verification link.")),
    Screen("/no/such/page", shows_not_found),
    Screen("/", shows_page_that_failed_to_load, "a page that failed to load"),
]
MEMBER_SCREENS = [
    Screen("/", shows_users),
    Screen("/status", shows_status),
    Screen("/settings", shows_heading("Settings")),
    Screen("/settings", shows_two_factor_setup, "two-factor setup"),
]
ADMIN_SCREENS = [
    Screen("/", shows_users),
    Screen("/", shows_add_user_dialog, "Add User dialog"),
    Screen("/", shows_edit_user_dialog, "Edit dialog"),
    Screen("/admin", shows_admin_console, "admin console"),
    Screen("/admin", shows_audit_log, "audit log"),
]


def violations_on(page: Page, screens: list[Screen]) -> list[str]:
    """Every serious or critical violation on each screen, each line naming its screen."""
    theme = page.locator("html").get_attribute("data-theme")
    found = []
    for screen in screens:
        page.goto(screen.path)
        # Each page load is a new visit: the theme picked before is still there.
        expect(page.locator("html")).to_have_attribute("data-theme", str(theme))
        expect(page.locator("nav.navbar")).to_be_visible()
        screen.ready(page)
        name = f"{screen.path} ({screen.label}, {theme})" if screen.label else f"{screen.path} ({theme})"
        found += [f"{name}: {violation}" for violation in serious_violations(page)]
    return found


def test_the_pages_a_visitor_sees_have_no_serious_accessibility_violations(scan_page: Page) -> None:
    violations = violations_on(scan_page, VISITOR_SCREENS)
    assert not violations, "\n".join(violations)


def test_the_pages_a_user_sees_have_no_serious_accessibility_violations(
    scan_page: Page, base_url: str, account: Account
) -> None:
    sign_in(scan_page.context, base_url, account)
    violations = violations_on(scan_page, MEMBER_SCREENS)
    assert not violations, "\n".join(violations)


def test_the_pages_and_dialogs_an_admin_sees_have_no_serious_accessibility_violations(
    scan_page: Page, base_url: str, admin_account: Account
) -> None:
    sign_in(scan_page.context, base_url, admin_account)
    violations = violations_on(scan_page, ADMIN_SCREENS)
    assert not violations, "\n".join(violations)
