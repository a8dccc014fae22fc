"""A user who forgot their password asks for a link, reads the mail, and chooses a new one."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from e2e.conftest import RunningStack

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


def open_reset_link(page: Page, link: str) -> None:
    page.goto(link)
    expect(heading_matching(page, "reset")).to_be_visible()


def send_new_password(page: Page, password: str) -> None:
    """Sends the new password (typed twice where the page asks so)."""
    boxes = page.locator('input[type="password"]')
    expect(boxes.first).to_be_visible()
    for box in boxes.all():
        box.fill(password)
    submit_button(page).click()


def choose_new_password(page: Page, link: str, password: str) -> None:
    open_reset_link(page, link)
    send_new_password(page, password)


def test_a_user_resets_a_forgotten_password_from_the_mailed_link(
    page: Page, account: Account, mailbox: Mailbox, base_url: str, stack: RunningStack
) -> None:
    ask_for_a_reset_link(page, account.email)
    link = link_in(mailbox.wait_for(account.email, "Reset your password"), "/reset-password")
    # The token rides in the fragment, which the browser never sends to a server.
    found = re.fullmatch(re.escape(base_url) + r"/reset-password#token=([\w\-]+)", link)
    assert found, link
    token = found.group(1)

    new_password = "my new long secret after reset"
    open_reset_link(page, link)
    # Out of the address bar (and so of the history) before the page loads anything else.
    expect(page).to_have_url(base_url + "/reset-password")
    send_new_password(page, new_password)
    expect(success_flash(page)).to_be_visible()

    log_in_through_form(page, account.email, account.password)
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
    log_in_through_form(page, account.email, new_password)
    expect(success_flash(page)).to_have_text("Welcome!")
    expect_logged_in(page)

    # Neither the gateway's access log nor the services' own logs ever saw the token.
    access_log = stack.access_log.read_text()
    uris = [json.loads(line)["uri"] for line in access_log.splitlines()]
    assert "/reset-password" in uris and "/auth/password-reset/confirm" in uris, uris
    assert token not in access_log
    assert token not in stack.log.read_text()


def test_a_reset_link_works_only_once(page: Page, account: Account, mailbox: Mailbox) -> None:
    ask_for_a_reset_link(page, account.email)
    link = link_in(mailbox.wait_for(account.email, "Reset your password"), "/reset-password")
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
    mailbox.wait_for(account.email, "Reset your password")
    assert mailbox.messages_to(unknown) == []
