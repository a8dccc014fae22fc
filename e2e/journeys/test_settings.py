"""A user changes their own username, email and password on the settings page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .conftest import Account, new_credentials
from .mailbox import Mailbox, body_of
from .ui import (
    CURRENT_PASSWORD_RULE,
    EMAIL_NEEDS_PASSWORD,
    FAILED,
    INVALID_CREDENTIALS,
    content,
    danger_flash,
    expect_logged_in,
    expect_rules,
    field,
    heading_matching,
    log_in_through_form,
    success_flash,
)

EMAIL_CHANGED = "Your email address was changed"


def profile_form(page: Page) -> Locator:
    return page.locator("form").filter(has=page.locator('input[name="username"]'))


def password_form(page: Page) -> Locator:
    return page.get_by_role("form", name=re.compile("change password", re.IGNORECASE))


def change_password(page: Page, current: str, new: str) -> None:
    form = password_form(page)
    form.get_by_label(re.compile("current password", re.IGNORECASE)).fill(current)
    form.get_by_label(re.compile("new password", re.IGNORECASE)).fill(new)
    form.locator('[type="submit"]').click()


def open_settings(page: Page) -> None:
    page.goto("/settings")
    expect(heading_matching(page, "settings")).to_be_visible()
    expect_logged_in(page)


def test_a_user_changes_their_username_and_email(
    member_page: Page, account: Account, mailbox: Mailbox
) -> None:
    page = member_page
    open_settings(page)
    profile = profile_form(page)
    expect(field(page, "username", profile)).to_have_value(account.username)
    expect(field(page, "email", profile)).to_have_value(account.email)
    expect(field(page, "current_password", profile)).to_have_count(0)

    changed = new_credentials("changed")
    field(page, "username", profile).fill(changed["username"])
    field(page, "email", profile).fill(changed["email"])
    field(page, "current_password", profile).fill(account.password)
    profile.locator('[type="submit"]').click()
    expect(success_flash(page)).to_be_visible()

    page.goto("/status")
    expect(content(page)).to_contain_text(changed["username"])
    expect(content(page)).to_contain_text(changed["email"])
    notice = mailbox.wait_for(account.email, EMAIL_CHANGED)
    assert changed["email"] in body_of(notice)


def test_a_new_username_alone_needs_no_password(member_page: Page, account: Account) -> None:
    page = member_page
    open_settings(page)
    profile = profile_form(page)
    renamed = new_credentials("renamed")["username"]
    field(page, "username", profile).fill(renamed)
    expect(field(page, "current_password", profile)).to_have_count(0)
    profile.locator('[type="submit"]').click()
    expect(success_flash(page)).to_be_visible()

    page.goto("/status")
    expect(content(page)).to_contain_text(renamed)
    expect(content(page)).to_contain_text(account.email)


def test_changing_the_email_asks_for_the_current_password(
    member_page: Page, account: Account, mailbox: Mailbox
) -> None:
    page = member_page
    open_settings(page)
    profile = profile_form(page)
    save = profile.locator('[type="submit"]')
    new_email = new_credentials("moved")["email"]
    field(page, "email", profile).fill(new_email)
    password = field(page, "current_password", profile)
    expect(password).to_be_visible()
    expect_rules(page, [CURRENT_PASSWORD_RULE], FAILED, profile)
    expect(save).to_be_disabled()

    # A stolen session alone must not be enough to move the account to another address.
    password.fill("not my password at all")
    save.click()
    expect(danger_flash(page)).to_be_visible()
    expect(profile).to_contain_text(EMAIL_NEEDS_PASSWORD)
    expect(password).to_have_attribute("aria-invalid", "true")
    page.goto("/status")
    expect(content(page)).to_contain_text(account.email)
    assert mailbox.messages_to(account.email, EMAIL_CHANGED) == []

    open_settings(page)
    field(page, "email", profile).fill(new_email)
    field(page, "current_password", profile).fill(account.password)
    save.click()
    expect(success_flash(page)).to_be_visible()
    expect(field(page, "current_password", profile)).to_have_count(0)
    page.goto("/status")
    expect(content(page)).to_contain_text(new_email)
    assert new_email in body_of(mailbox.wait_for(account.email, EMAIL_CHANGED))


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
