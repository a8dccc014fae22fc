"""A user who forgot their password asks for a link, reads the mail, and chooses a new one."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Account
from .mailbox import Mailbox, link_in
from .ui import (
    INVALID_CREDENTIALS,
    content,
    danger_flash,
    expect_logged_in,
    heading_matching,
    log_in_through_form,
    submit_button,
    success_flash,
)


def ask_for_a_reset_link(page: Page, email: str) -> str:
    """Sends the forgot-password form and returns the answer the page shows."""
    page.goto("/forgot-password")
    expect(heading_matching(page, "forgot|reset")).to_be_visible()
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(email)
    submit_button(page).click()
    answer = page.get_by_role("status").filter(has_text=re.compile(r"\S")).first
    expect(answer).to_be_visible()
    return answer.inner_text().strip()


def choose_new_password(page: Page, link: str, password: str) -> None:
    """Opens the mailed link and sends the new password (typed twice where the page asks so)."""
    page.goto(link)
    expect(heading_matching(page, "reset")).to_be_visible()
    boxes = page.locator('input[type="password"]')
    expect(boxes.first).to_be_visible()
    for box in boxes.all():
        box.fill(password)
    submit_button(page).click()


def test_a_user_resets_a_forgotten_password_from_the_mailed_link(
    page: Page, account: Account, mailbox: Mailbox, base_url: str
) -> None:
    ask_for_a_reset_link(page, account.email)
    link = link_in(mailbox.wait_for(account.email), "/reset-password")
    assert re.fullmatch(re.escape(base_url) + r"/reset-password\?token=[\w\-.~%]+", link), link

    new_password = "my new long secret after reset"
    choose_new_password(page, link, new_password)
    expect(success_flash(page)).to_be_visible()

    log_in_through_form(page, account.email, account.password)
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
    log_in_through_form(page, account.email, new_password)
    expect(success_flash(page)).to_have_text("Welcome!")
    expect_logged_in(page)


def test_a_reset_link_works_only_once(page: Page, account: Account, mailbox: Mailbox) -> None:
    ask_for_a_reset_link(page, account.email)
    link = link_in(mailbox.wait_for(account.email), "/reset-password")
    choose_new_password(page, link, "first new long secret")
    expect(success_flash(page)).to_be_visible()

    choose_new_password(page, link, "second new long secret")
    expect(content(page).locator(".notification.is-danger")).to_be_visible()
    log_in_through_form(page, account.email, "second new long secret")
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)


def test_asking_for_a_reset_link_does_not_reveal_whether_the_account_exists(
    page: Page, account: Account, mailbox: Mailbox
) -> None:
    unknown = "nobody-at-all@journeys.example"
    answer_for_unknown = ask_for_a_reset_link(page, unknown)
    answer_for_known = ask_for_a_reset_link(page, account.email)
    assert answer_for_unknown == answer_for_known
    mailbox.wait_for(account.email)
    assert mailbox.messages_to(unknown) == []
