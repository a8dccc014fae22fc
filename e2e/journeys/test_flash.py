"""Flash messages: one at a time, dismissed by the user or gone after three seconds."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Account
from .ui import (
    INVALID_CREDENTIALS,
    danger_flash,
    flash_messages,
    log_in_through_form,
    submit_button,
    success_flash,
)


def test_a_flash_message_can_be_dismissed(page: Page, account: Account) -> None:
    log_in_through_form(page, account.email, account.password)
    message = success_flash(page)
    expect(message).to_have_text("Welcome!")
    message.locator(".delete").click()
    expect(flash_messages(page)).to_have_count(0)


def test_a_flash_message_goes_away_by_itself_after_three_seconds(page: Page, account: Account) -> None:
    log_in_through_form(page, account.email, account.password + " nope")
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
    page.wait_for_timeout(2_000)
    expect(danger_flash(page)).to_be_visible(timeout=1)
    expect(flash_messages(page)).to_have_count(0, timeout=3_000)


def test_a_new_flash_message_replaces_the_old_one(page: Page, account: Account) -> None:
    log_in_through_form(page, account.email, account.password + " nope")
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)

    page.locator('input[name="password"]').fill(account.password)
    submit_button(page).click()
    expect(success_flash(page)).to_have_text("Welcome!")
    expect(flash_messages(page)).to_have_count(1)
    expect(danger_flash(page)).to_have_count(0)
