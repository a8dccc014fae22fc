"""A user changes their own username, email and password on the settings page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .conftest import Account, new_credentials
from .ui import (
    INVALID_CREDENTIALS,
    content,
    danger_flash,
    expect_logged_in,
    field,
    heading_matching,
    log_in_through_form,
    success_flash,
)


def profile_form(page: Page) -> Locator:
    return page.locator("form").filter(has=page.locator('input[name="username"]'))


def password_form(page: Page) -> Locator:
    return page.locator("form").filter(has=page.get_by_label(re.compile("current password", re.IGNORECASE)))


def change_password(page: Page, current: str, new: str) -> None:
    form = password_form(page)
    form.get_by_label(re.compile("current password", re.IGNORECASE)).fill(current)
    form.get_by_label(re.compile("new password", re.IGNORECASE)).fill(new)
    form.locator('[type="submit"]').click()


def open_settings(page: Page) -> None:
    page.goto("/settings")
    expect(heading_matching(page, "settings")).to_be_visible()
    expect_logged_in(page)


def test_a_user_changes_their_username_and_email(member_page: Page, account: Account) -> None:
    page = member_page
    open_settings(page)
    profile = profile_form(page)
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
    new_password = "a brand new long secret"
    change_password(page, current=account.password, new=new_password)
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
    change_password(page, current="not my password at all", new="a brand new long secret")
    expect(danger_flash(page)).to_be_visible()

    log_in_through_form(other_page, account.email, account.password)
    expect(success_flash(other_page)).to_have_text("Welcome!")
