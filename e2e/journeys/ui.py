"""What a visitor sees and does on the client's pages, in the words of the DOM contract."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

USERNAME_RULE = "Username must be greater than 5 characters."
EMAIL_LENGTH_RULE = "Email must be greater than 5 characters."
EMAIL_FORMAT_RULE = "Email must be a valid email address."
PASSWORD_LENGTH_RULE = "Password must be greater than 10 characters."
EMAIL_REQUIRED_RULE = "Email is required."
PASSWORD_REQUIRED_RULE = "Password is required."
CURRENT_PASSWORD_RULE = "Current password is required."
REGISTER_RULES = [USERNAME_RULE, EMAIL_LENGTH_RULE, EMAIL_FORMAT_RULE, PASSWORD_LENGTH_RULE]
LOGIN_RULES = [EMAIL_REQUIRED_RULE, PASSWORD_REQUIRED_RULE]

LOGGED_OUT_TEXT = "You are now logged out. Click here to log back in."
LOGIN_REQUIRED_TEXT = "You must be logged in to view this. Click here to log back in."
INVALID_CREDENTIALS = "Invalid email or password."
DUPLICATE_USER = "Sorry. That user already exists."
EMAIL_NEEDS_PASSWORD = "Enter your current password to change your email."

FAILED = re.compile(r"(^|\s)error(\s|$)")
MET = re.compile(r"(^|\s)success(\s|$)")


def heading(page: Page, name: str) -> Locator:
    return page.get_by_role("heading", level=1, name=name, exact=True)


def heading_matching(page: Page, pattern: str) -> Locator:
    """The page's ``<h1>`` when its text matches ``pattern``, whatever the case."""
    return page.get_by_role("heading", level=1, name=re.compile(pattern, re.IGNORECASE))


def content(page: Page) -> Locator:
    """The whole app: navbar, flash messages and the page itself."""
    return page.locator("#root")


def navbar(page: Page) -> Locator:
    return page.locator("nav.navbar.is-dark")


def nav_link(page: Page, name: str) -> Locator:
    return navbar(page).get_by_role("link", name=name, exact=True)


def expect_logged_in(page: Page) -> None:
    expect(nav_link(page, "Log Out")).to_be_visible()
    expect(nav_link(page, "User Status")).to_be_visible()
    expect(nav_link(page, "Log In")).to_have_count(0)
    expect(nav_link(page, "Register")).to_have_count(0)


def expect_logged_out(page: Page) -> None:
    expect(nav_link(page, "Log In")).to_be_visible()
    expect(nav_link(page, "Register")).to_be_visible()
    expect(nav_link(page, "Log Out")).to_have_count(0)
    expect(nav_link(page, "User Status")).to_have_count(0)


def flash_messages(page: Page) -> Locator:
    return page.locator(".notification.is-success, .notification.is-danger")


def success_flash(page: Page) -> Locator:
    return page.locator(".notification.is-success")


def danger_flash(page: Page) -> Locator:
    return page.locator(".notification.is-danger")


def rule(page: Page, text: str, scope: Locator | None = None) -> Locator:
    items = (scope or page.locator("body")).locator("ul.validation-list > li")
    return items.filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def expect_rules(page: Page, texts: list[str], state: re.Pattern[str], scope: Locator | None = None) -> None:
    for text in texts:
        expect(rule(page, text, scope)).to_have_class(state)


def field(page: Page, name: str, scope: Locator | None = None) -> Locator:
    return (scope or page.locator("body")).locator(f'input[name="{name}"]')


def submit_button(page: Page, scope: Locator | None = None) -> Locator:
    return (scope or page.locator("form")).locator('[type="submit"]')


def fill(page: Page, scope: Locator | None = None, **values: str) -> None:
    for name, value in values.items():
        field(page, name, scope).fill(value)


def log_in_through_form(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    expect(heading(page, "Log In")).to_be_visible()
    fill(page, email=email, password=password)
    submit_button(page).click()


def register_through_form(page: Page, username: str, email: str, password: str) -> None:
    page.goto("/register")
    expect(heading(page, "Register")).to_be_visible()
    fill(page, username=username, email=email, password=password)
    submit_button(page).click()


def users_table(page: Page) -> Locator:
    return page.get_by_role("table")


def user_row(page: Page, username: str) -> Locator:
    """The row of the users table whose Username cell reads ``username``."""
    return (
        users_table(page).locator("tbody tr").filter(has=page.get_by_role("cell", name=username, exact=True))
    )


def column_headers(page: Page) -> list[str]:
    # all_inner_texts() does not wait: let the table render first.
    expect(users_table(page).locator("thead th").first).to_be_visible()
    return [text.strip() for text in users_table(page).locator("thead th").all_inner_texts()]


def cell(page: Page, username: str, column: str) -> Locator:
    """The cell of ``username``'s row under the ``column`` header."""
    expect(user_row(page, username)).to_be_visible()
    index = column_headers(page).index(column)
    return user_row(page, username).locator("td").nth(index)


def go_to_last_page_of_users(page: Page) -> None:
    """Newest users are listed last: page through to them as a visitor would."""
    expect(users_table(page).locator("tbody tr").first).to_be_visible()
    pages = page.locator(".pagination .pagination-link")
    if pages.count():
        pages.last.click()
        expect(pages.last).to_have_class(re.compile(r"is-current"))


def mark_document(page: Page) -> None:
    """Tags the loaded document, so a later check can tell it was never reloaded."""
    page.evaluate("window.__journeyMark = 'still here'")


def expect_same_document(page: Page) -> None:
    assert page.evaluate("window.__journeyMark") == "still here", "the page was reloaded"
