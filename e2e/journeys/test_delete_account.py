"""A user deletes their own account from the settings: the password is asked for, then they
are signed out on the home page, and the account is gone for good."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from .conftest import Account
from .mailbox import Mailbox
from .ui import (
    INVALID_CREDENTIALS,
    danger_flash,
    expect_logged_in,
    expect_logged_out,
    log_in_through_form,
    success_flash,
)

NEW_DEVICE = "A new sign-in to your account"


def test_a_user_deletes_their_own_account(
    member_page: Page, account: Account, api: httpx.Client, mailbox: Mailbox, base_url: str
) -> None:
    page = member_page
    page.goto("/settings")
    expect_logged_in(page)
    # The account was registered through the API, then signed in from this browser: a new device.
    notice = mailbox.wait_for(account.email, NEW_DEVICE)
    html = notice.get_body(preferencelist=("html",))
    assert html is not None and "<p>" in str(html.get_content())
    assert account.password not in str(html.get_content())

    panel = page.get_by_role("region", name="Delete account")
    panel.get_by_role("button", name="Delete my account…").click()
    dialog = page.get_by_role("dialog", name="Delete your account?")
    confirm = dialog.get_by_role("button", name="Delete account")
    expect(confirm).to_be_disabled()

    dialog.get_by_label("Password").fill("not my password at all")
    confirm.click()
    expect(dialog).to_contain_text("Password is incorrect.")
    assert api.get(f"/users/{account.id}").status_code == 200

    dialog.get_by_label("Password").fill(account.password)
    confirm.click()
    expect(success_flash(page)).to_contain_text("Your account was deleted.")
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/?$"))
    expect_logged_out(page)

    # Gone: not listed, and its credentials open nothing; a reload finds no session either.
    assert api.get(f"/users/{account.id}").status_code == 404
    page.reload()
    expect_logged_out(page)
    log_in_through_form(page, account.email, account.password)
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
