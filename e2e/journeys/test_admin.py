"""An admin adds, edits, deactivates and deletes users from the home page, without a reload."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from .conftest import Account, new_credentials
from .ui import (
    EMAIL_FORMAT_RULE,
    FAILED,
    INVALID_CREDENTIALS,
    MET,
    PASSWORD_LENGTH_RULE,
    REGISTER_RULES,
    USERNAME_RULE,
    cell,
    column_headers,
    danger_flash,
    expect_logged_in,
    expect_rules,
    expect_same_document,
    fill,
    go_to_last_page_of_users,
    heading,
    log_in_through_form,
    mark_document,
    rule,
    success_flash,
    user_row,
    users_table,
)


def open_home_as_admin(page: Page) -> None:
    page.goto("/")
    expect(heading(page, "All Users")).to_be_visible()
    expect_logged_in(page)
    expect(add_user_button(page)).to_be_visible()
    mark_document(page)


def add_user_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Add User", exact=True)


def modal(page: Page) -> Locator:
    return page.get_by_role("dialog")


def modal_button(page: Page, name: str) -> Locator:
    return modal(page).get_by_role("button", name=name, exact=True)


def modal_submit(page: Page) -> Locator:
    return modal(page).locator('[type="submit"]')


def row_button(page: Page, username: str, action: str) -> Locator:
    return user_row(page, username).get_by_role("button", name=re.compile(rf"^{action}\b"))


def open_row_dialog(page: Page, username: str, action: str) -> Locator:
    go_to_last_page_of_users(page)
    row_button(page, username, action).click()
    expect(modal(page)).to_be_visible()
    return modal(page)


def test_an_admin_sees_emails_and_the_admin_controls(admin_page: Page, account: Account) -> None:
    page = admin_page
    open_home_as_admin(page)
    assert {"Email", "Admin"} <= set(column_headers(page))
    go_to_last_page_of_users(page)
    expect(cell(page, account.username, "Email")).to_have_text(account.email)
    expect(row_button(page, account.username, "Edit")).to_be_visible()
    expect(row_button(page, account.username, "Delete")).to_be_visible()


def test_a_user_who_is_not_an_admin_has_no_admin_controls(member_page: Page) -> None:
    page = member_page
    page.goto("/")
    expect_logged_in(page)
    expect(users_table(page).locator("tbody tr").first).to_be_visible()
    expect(add_user_button(page)).to_have_count(0)
    expect(users_table(page).get_by_role("button", name=re.compile(r"^(Edit|Delete)\b"))).to_have_count(0)


def test_an_admin_adds_a_user_through_a_validated_form(admin_page: Page) -> None:
    page = admin_page
    open_home_as_admin(page)
    add_user_button(page).click()
    dialog = modal(page)
    expect(dialog).to_be_visible()
    expect_rules(page, REGISTER_RULES, FAILED, dialog)
    add = modal_submit(page)
    expect(add).to_be_disabled()

    credentials = new_credentials("added")
    fill(page, dialog, username="short")
    expect(rule(page, USERNAME_RULE, dialog)).to_have_class(FAILED)
    fill(page, dialog, username=credentials["username"], email="not-an-email")
    expect(rule(page, USERNAME_RULE, dialog)).to_have_class(MET)
    expect(rule(page, EMAIL_FORMAT_RULE, dialog)).to_have_class(FAILED)
    fill(page, dialog, email=credentials["email"], password="too short")
    expect(rule(page, PASSWORD_LENGTH_RULE, dialog)).to_have_class(FAILED)
    expect(add).to_be_disabled()
    fill(page, dialog, password=credentials["password"])
    expect_rules(page, REGISTER_RULES, MET, dialog)
    add.click()

    expect(success_flash(page)).to_have_text(f"{credentials['email']} was added!")
    expect(modal(page)).to_have_count(0)
    go_to_last_page_of_users(page)
    expect(cell(page, credentials["username"], "Email")).to_have_text(credentials["email"])
    expect(cell(page, credentials["username"], "Active")).to_have_text("true")
    expect_same_document(page)


def test_adding_a_user_with_a_taken_email_keeps_the_form_open_with_the_reason(
    admin_page: Page, account: Account
) -> None:
    page = admin_page
    open_home_as_admin(page)
    add_user_button(page).click()
    dialog = modal(page)
    username = new_credentials()["username"]
    fill(page, dialog, username=username, email=account.email, password="a long enough secret")
    modal_submit(page).click()
    expect(dialog).to_contain_text("Sorry. That email already exists.")
    expect(dialog).to_be_visible()
    modal_button(page, "Cancel").click()
    expect(modal(page)).to_have_count(0)


def test_an_admin_edits_a_users_name_and_email(admin_page: Page, account: Account) -> None:
    page = admin_page
    open_home_as_admin(page)
    dialog = open_row_dialog(page, account.username, "Edit")
    expect(dialog.locator('input[name="username"]')).to_have_value(account.username)
    expect(dialog.locator('input[name="email"]')).to_have_value(account.email)

    renamed = new_credentials("renamed")
    fill(page, dialog, username=renamed["username"], email=renamed["email"])
    modal_submit(page).click()

    expect(modal(page)).to_have_count(0)
    expect(success_flash(page)).to_be_visible()
    expect(cell(page, renamed["username"], "Email")).to_have_text(renamed["email"])
    expect(user_row(page, account.username)).to_have_count(0)
    expect_same_document(page)


def test_an_admin_makes_a_user_an_admin(admin_page: Page, account: Account) -> None:
    page = admin_page
    open_home_as_admin(page)
    go_to_last_page_of_users(page)
    expect(cell(page, account.username, "Admin")).to_have_text("false")
    dialog = open_row_dialog(page, account.username, "Edit")
    admin = dialog.get_by_role("checkbox", name="Admin")
    expect(admin).not_to_be_checked()
    admin.check()
    modal_submit(page).click()

    expect(modal(page)).to_have_count(0)
    expect(cell(page, account.username, "Admin")).to_have_text("true")
    expect_same_document(page)


def test_a_deactivated_user_can_no_longer_log_in(
    admin_page: Page, account: Account, other_page: Page
) -> None:
    page = admin_page
    open_home_as_admin(page)
    dialog = open_row_dialog(page, account.username, "Edit")
    active = dialog.get_by_role("checkbox", name="Active")
    expect(active).to_be_checked()
    active.uncheck()
    modal_submit(page).click()

    expect(modal(page)).to_have_count(0)
    expect(cell(page, account.username, "Active")).to_have_text("false")
    expect_same_document(page)

    log_in_through_form(other_page, account.email, account.password)
    expect(danger_flash(other_page)).to_have_text(INVALID_CREDENTIALS)


def test_an_admin_deletes_a_user_after_confirming(
    admin_page: Page, create_account: Callable[..., Account]
) -> None:
    doomed = create_account("doomed")
    page = admin_page
    open_home_as_admin(page)

    dialog = open_row_dialog(page, doomed.username, "Delete")
    expect(dialog).to_contain_text(doomed.username)
    modal_button(page, "Cancel").click()
    expect(modal(page)).to_have_count(0)
    expect(user_row(page, doomed.username)).to_be_visible()

    row_button(page, doomed.username, "Delete").click()
    modal_button(page, "Delete").click()
    expect(modal(page)).to_have_count(0)
    expect(success_flash(page)).to_be_visible()
    expect(user_row(page, doomed.username)).to_have_count(0)
    expect_same_document(page)

    page.reload()
    go_to_last_page_of_users(page)
    expect(user_row(page, doomed.username)).to_have_count(0)
