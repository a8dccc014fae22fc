"""A user sees where their account is signed in, ends one session, then all the others."""

from __future__ import annotations

import re
import time

import httpx
from playwright.sync_api import Locator, Page, expect

from .conftest import Account
from .ui import (
    LOGIN_REQUIRED_TEXT,
    content,
    expect_logged_in,
    heading_matching,
    log_in_through_form,
    success_flash,
)

PHONE = "Journey phone browser 1.0"


def sessions_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Sessions")


def test_a_user_ends_a_session_and_then_all_the_others(
    member_page: Page, account: Account, other_page: Page, api: httpx.Client
) -> None:
    # A phone signed in through the API, and a second browser through the form.
    credentials = {"email": account.email, "password": account.password}
    phone = api.post("/auth/login", json=credentials, headers={"User-Agent": PHONE})
    assert phone.status_code == 200, phone.text
    api.cookies.clear()
    phone_headers = {"Authorization": f"Bearer {phone.json()['auth_token']}"}
    assert api.get("/items", headers=phone_headers).status_code == 200
    log_in_through_form(other_page, account.email, account.password)
    expect_logged_in(other_page)

    page = member_page
    page.goto("/settings")
    expect(heading_matching(page, "settings")).to_be_visible()
    panel = sessions_panel(page)
    try:
        expect(panel.get_by_text("This session")).to_have_count(1)
    except AssertionError as missing:
        raise AssertionError(f"{missing}\nThe page showed: {content(page).inner_text()}") from None
    phone_row = panel.get_by_role("row").filter(has_text=PHONE)
    expect(phone_row).to_be_visible()

    panel.get_by_role("button", name=f"End the session on {PHONE}").click()
    expect(success_flash(page)).to_have_text("Session ended.")
    expect(phone_row).to_have_count(0)
    # The phone's access token is refused at once, not when it expires.
    refused = api.get("/auth/status", headers=phone_headers)
    assert refused.status_code == 401, refused.text
    # The items service hears of it through the session.revoked event, and refuses it too.
    deadline = time.monotonic() + 15
    while api.get("/items", headers=phone_headers).status_code != 401:
        assert time.monotonic() < deadline, "the items service still accepts the ended session's token"
        time.sleep(0.2)

    panel.get_by_role("button", name="End all other sessions").click()
    expect(success_flash(page)).to_have_text(re.compile(r"^Ended \d+ other sessions?\.$"))
    expect(panel.get_by_role("row")).to_have_count(2)  # the header and this session
    expect(panel.get_by_role("button", name="End all other sessions")).to_be_disabled()

    # The second browser is signed out; this one carries on.
    other_page.goto("/status")
    expect(content(other_page)).to_contain_text(LOGIN_REQUIRED_TEXT)
    page.goto("/status")
    expect_logged_in(page)
