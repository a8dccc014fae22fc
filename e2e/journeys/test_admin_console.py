"""The admin console at /admin: an admin finds a user by a server-side search, deactivates
them, and reads the deactivation in the audit log."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Account
from .ui import (
    INVALID_CREDENTIALS,
    danger_flash,
    expect_logged_in,
    heading,
    log_in_through_form,
    nav_link,
    success_flash,
    user_row,
)


def test_an_admin_searches_deactivates_and_finds_it_in_the_audit_log(
    admin_page: Page, account: Account, other_page: Page
) -> None:
    page = admin_page
    page.goto("/")
    expect_logged_in(page)
    nav_link(page, "Admin").click()
    expect(heading(page, "Admin")).to_be_visible()

    # The account is new, so it sits on the list's last page: the search brings it to the top.
    page.get_by_role("searchbox", name="Search users").fill(account.email)
    expect(page.locator("tbody tr")).to_have_count(1)
    row = user_row(page, account.username)
    expect(row).to_be_visible()

    row.get_by_role("button", name=f"Deactivate {account.username}").click()
    expect(success_flash(page)).to_have_text(f"{account.username} was deactivated.")
    expect(row.get_by_role("button", name=f"Activate {account.username}")).to_be_visible()

    page.get_by_role("tab", name="Audit log").click()
    page.get_by_label("User ID", exact=True).fill(str(account.id))
    page.get_by_label("Event", exact=True).fill("user_deactivated")
    page.get_by_role("button", name="Filter", exact=True).click()
    events = page.locator("tbody tr")
    expect(events).to_have_count(1)
    expect(events.first.locator("td").nth(1)).to_have_text("user_deactivated")
    expect(events.first.locator("td").nth(3)).to_have_text(str(account.id))

    # The deactivation is real: the account can no longer log in.
    log_in_through_form(other_page, account.email, account.password)
    expect(danger_flash(other_page)).to_have_text(INVALID_CREDENTIALS)


def test_a_user_who_is_not_an_admin_has_no_admin_console(member_page: Page) -> None:
    page = member_page
    page.goto("/")
    expect_logged_in(page)
    expect(nav_link(page, "Admin")).to_have_count(0)
    page.goto("/admin")
    expect(heading(page, "All Users")).to_be_visible()
    expect(heading(page, "Admin")).to_have_count(0)
