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
    field,
    heading_matching,
    log_in_through_form,
    submit_button,
    success_flash,
)


def ask_for_a_reset_link(page: Page, email: str) -> str:
    """Sends the forgot-password form and returns the answer the page shows."""
    page.goto("/login")
    page.get_by_role("link", name=re.compile("reset|forgot", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/forgot-password$"))
    expect(heading_matching(page, "forgot|reset")).to_be_visible()
    field(page, "email").fill(email)
    submit_button(page).click()
    answer = page.get_by_role("status").filter(has_text=re.compile(r"\S")).first
    expect(answer).to_be_visible()
    return answer.inner_text().strip()


def test_a_user_resets_a_forgotten_password_from_the_mailed_link(
    page: Page, account: Account, mailbox: Mailbox, base_url: str
) -> None:
    ask_for_a_reset_link(page, account.email)
    link = link_in(mailbox.wait_for(account.email), "/reset-password")
    assert re.fullmatch(re.escape(base_url) + r"/reset-password\?token=[\w\-.~%]+", link), link

    page.goto(link)
    expect(heading_matching(page, "reset")).to_be_visible()
    new_password = "my new long secret after reset"
    field(page, "password").fill(new_password)
    submit_button(page).click()
    expect(success_flash(page)).to_be_visible()

    log_in_through_form(page, account.email, account.password)
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
    log_in_through_form(page, account.email, new_password)
    expect(success_flash(page)).to_have_text("Welcome!")
    expect_logged_in(page)


def test_a_reset_link_works_only_once(page: Page, account: Account, mailbox: Mailbox) -> None:
    ask_for_a_reset_link(page, account.email)
    link = link_in(mailbox.wait_for(account.email), "/reset-password")
    page.goto(link)
    field(page, "password").fill("first new long secret")
    submit_button(page).click()
    expect(success_flash(page)).to_be_visible()

    page.goto(link)
    field(page, "password").fill("second new long secret")
    submit_button(page).click()
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
