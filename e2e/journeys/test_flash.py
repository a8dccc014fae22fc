"""Flash messages: one at a time, dismissed by the user or gone after three seconds."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Account
from .ui import (
    INVALID_CREDENTIALS,
    danger_flash,
    field,
    fill,
    flash_messages,
    heading,
    log_in_through_form,
    submit_button,
    success_flash,
)

WATCH_FLASH = """
() => {
  const seen = (window.__flashSeen = {});
  new MutationObserver(() => {
    const shown = document.querySelector('.notification.is-success, .notification.is-danger');
    if (shown && !seen.shown) seen.shown = performance.now();
    if (!shown && seen.shown && !seen.gone) seen.gone = performance.now();
  }).observe(document.body, { childList: true, subtree: true });
}
"""


def log_in_watching_flash(page: Page, email: str, password: str) -> None:
    """Logs in through the form, with the page's own clock timing the flash message.

    The page times it, not the test, so a busy machine running the test changes nothing.
    """
    page.goto("/login")
    expect(heading(page, "Log In")).to_be_visible()
    page.evaluate(WATCH_FLASH)
    fill(page, email=email, password=password)
    submit_button(page).click()


def flash_shown_for_ms(page: Page) -> float:
    return float(page.evaluate("window.__flashSeen.gone - window.__flashSeen.shown"))


def test_a_flash_message_can_be_dismissed(page: Page, account: Account) -> None:
    log_in_watching_flash(page, account.email, account.password)
    message = success_flash(page)
    expect(message).to_have_text("Welcome!")
    message.locator(".delete").click()
    expect(flash_messages(page)).to_have_count(0)
    assert flash_shown_for_ms(page) < 2_500, "the message stayed until it timed out"


def test_a_flash_message_goes_away_by_itself_after_three_seconds(page: Page, account: Account) -> None:
    log_in_watching_flash(page, account.email, account.password + " nope")
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
    expect(flash_messages(page)).to_have_count(0, timeout=8_000)
    shown_for_ms = flash_shown_for_ms(page)
    assert 2_500 <= shown_for_ms <= 5_000, f"the message was shown for {shown_for_ms:.0f} ms"


def test_a_new_flash_message_replaces_the_old_one(page: Page, account: Account) -> None:
    log_in_through_form(page, account.email, account.password + " nope")
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)

    field(page, "password").fill(account.password)
    submit_button(page).click()
    expect(success_flash(page)).to_have_text("Welcome!")
    expect(flash_messages(page)).to_have_count(1)
    expect(danger_flash(page)).to_have_count(0)
