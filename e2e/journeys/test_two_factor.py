"""A user turns two-factor login on, logs in with a code computed from the enrolled secret,
then with a recovery code (which works once), and turns it off again."""

from __future__ import annotations

import re
import time

import httpx
import pyotp
from playwright.sync_api import Locator, Page, expect

from .conftest import Account
from .ui import (
    content,
    danger_flash,
    expect_logged_in,
    expect_logged_out,
    log_in_through_form,
    nav_link,
    success_flash,
)

INVALID_CODE = "Invalid two-factor code."


def two_factor_panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Two-factor login")


def code_form(page: Page) -> Locator:
    return page.get_by_role("form", name="Two-factor code")


def next_code(secret: str) -> str:
    """The code of the next time step: the current one was spent confirming the setup, and a
    code is accepted once only."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def enrol(page: Page) -> tuple[str, list[str]]:
    page.goto("/settings")
    panel = two_factor_panel(page)
    panel.get_by_role("button", name="Set up two-factor login").click()
    expect(panel.get_by_role("img", name="QR code of your two-factor secret")).to_be_visible()
    secret = panel.locator("code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    panel.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    panel.get_by_role("button", name="Turn on").click()
    expect(success_flash(page)).to_contain_text("Two-factor login is on.")
    codes = [item.inner_text().strip() for item in panel.get_by_role("listitem").all()]
    assert len(codes) == 10
    panel.get_by_role("button", name="I have saved them").click()
    expect(panel.get_by_role("button", name="Turn off")).to_be_visible()
    return secret, codes


def log_out(page: Page) -> None:
    nav_link(page, "Log Out").click()
    expect(page).to_have_url(re.compile(r"/logout$"))
    expect_logged_out(page)


def password_step(page: Page, account: Account) -> Locator:
    log_in_through_form(page, account.email, account.password)
    form = code_form(page)
    expect(form).to_be_visible()
    expect_logged_out(page)
    return form


def test_a_two_factor_login_with_a_code_and_with_a_recovery_code(
    member_page: Page, account: Account, api: httpx.Client
) -> None:
    page = member_page
    secret, codes = enrol(page)
    log_out(page)

    # The password alone opens nothing: the API answers a challenge, without a token or cookie.
    answer = api.post("/auth/login", json={"email": account.email, "password": account.password})
    assert answer.json()["data"]["mfa_required"] is True
    assert "auth_token" not in answer.json() and "set-cookie" not in answer.headers

    form = password_step(page, account)
    form.get_by_label("Authentication code").fill(next_code(secret))
    form.get_by_role("button", name="Verify").click()
    expect(success_flash(page)).to_contain_text("Welcome!")
    expect_logged_in(page)
    log_out(page)

    form = password_step(page, account)
    form.get_by_role("button", name="Use a recovery code").click()
    form.get_by_label("Recovery code").fill(codes[0])
    form.get_by_role("button", name="Verify").click()
    expect_logged_in(page)
    log_out(page)

    # The same recovery code a second time is refused.
    form = password_step(page, account)
    form.get_by_role("button", name="Use a recovery code").click()
    form.get_by_label("Recovery code").fill(codes[0])
    form.get_by_role("button", name="Verify").click()
    expect(danger_flash(page)).to_contain_text(INVALID_CODE)
    expect_logged_out(page)

    # Turned off with the password and another recovery code: the password alone logs in again.
    form.get_by_label("Recovery code").fill(codes[1])
    form.get_by_role("button", name="Verify").click()
    expect_logged_in(page)
    page.goto("/settings")
    panel = two_factor_panel(page)
    panel.get_by_label("Password").fill(account.password)
    panel.get_by_label("Code").fill(codes[2])
    panel.get_by_role("button", name="Turn off").click()
    expect(success_flash(page)).to_contain_text("Two-factor login is off.")
    expect(panel.get_by_role("button", name="Set up two-factor login")).to_be_visible()
    log_out(page)
    log_in_through_form(page, account.email, account.password)
    expect_logged_in(page)
    expect(content(page)).not_to_contain_text(INVALID_CODE)
