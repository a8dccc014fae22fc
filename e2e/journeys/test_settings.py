"""A user changes their own username, email and password on the settings page."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from .conftest import Account, new_credentials
from .ui import (
    INVALID_CREDENTIALS,
    content,
    danger_flash,
    expect_logged_in,
    field,
    heading,
    log_in_through_form,
    nav_link,
    success_flash,
)


def form_with(page: Page, field_name: str) -> Locator:
    return page.locator("form").filter(has=page.locator(f'input[name="{field_name}"]'))


def open_settings(page: Page) -> None:
    page.goto("/")
    expect_logged_in(page)
    nav_link(page, "Settings").click()
    expect(heading(page, "Settings")).to_be_visible()


def test_a_user_changes_their_username_and_email(member_page: Page, account: Account) -> None:
    page = member_page
    open_settings(page)
    profile = form_with(page, "username")
    expect(field(page, "username", profile)).to_have_value(account.username)
    expect(field(page, "email", profile)).to_have_value(account.email)

    changed = new_credentials("changed")
    field(page, "username", profile).fill(changed["username"])
    field(page, "email", profile).fill(changed["email"])
    profile.locator('[type="submit"]').click()
    expect(success_flash(page)).to_be_visible()

    page.goto("/status")
    expect(content(page)).to_contain_text(changed["username"])
    expect(content(page)).to_contain_text(changed["email"])


def test_a_user_changes_their_password_and_logs_in_with_the_new_one(
    member_page: Page, account: Account, other_page: Page
) -> None:
    page = member_page
    open_settings(page)
    passwords = form_with(page, "new_password")
    new_password = "a brand new long secret"
    field(page, "current_password", passwords).fill(account.password)
    field(page, "new_password", passwords).fill(new_password)
    passwords.locator('[type="submit"]').click()
    expect(success_flash(page)).to_be_visible()

    log_in_through_form(other_page, account.email, account.password)
    expect(danger_flash(other_page)).to_have_text(INVALID_CREDENTIALS)
    log_in_through_form(other_page, account.email, new_password)
    expect(success_flash(other_page)).to_have_text("Welcome!")
    expect_logged_in(other_page)


def test_a_wrong_current_password_leaves_the_password_unchanged(
    member_page: Page, account: Account, other_page: Page
) -> None:
    page = member_page
    open_settings(page)
    passwords = form_with(page, "new_password")
    field(page, "current_password", passwords).fill("not my password at all")
    field(page, "new_password", passwords).fill("a brand new long secret")
    passwords.locator('[type="submit"]').click()
    expect(danger_flash(page)).to_be_visible()

    log_in_through_form(other_page, account.email, account.password)
    expect(success_flash(other_page)).to_have_text("Welcome!")
