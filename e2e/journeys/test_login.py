"""Logging in and out, wrong credentials, the status page, and a session that survives a reload."""

from __future__ import annotations

import contextlib
import json
import re
import time
from typing import Any

from playwright.sync_api import Error, Page, expect

from e2e.conftest import RunningStack

from .conftest import Account
from .ui import (
    EMAIL_REQUIRED_RULE,
    FAILED,
    INVALID_CREDENTIALS,
    LOGGED_OUT_TEXT,
    LOGIN_REQUIRED_TEXT,
    LOGIN_RULES,
    MET,
    PASSWORD_REQUIRED_RULE,
    content,
    danger_flash,
    expect_logged_in,
    expect_logged_out,
    expect_rules,
    field,
    heading,
    log_in_through_form,
    nav_link,
    rule,
    submit_button,
    success_flash,
)


def status_item(page: Page, label: str) -> str:
    item = page.locator("li").filter(has=page.locator("strong", has_text=label))
    expect(item).to_have_count(1)
    return item.inner_text().replace(label, "", 1).strip()


def test_the_log_in_form_asks_for_email_and_password(page: Page) -> None:
    page.goto("/login")
    expect(heading(page, "Log In")).to_be_visible()
    expect(field(page, "username")).to_have_count(0)
    expect(page.locator("ul.validation-list > li")).to_have_text(LOGIN_RULES)
    expect_rules(page, LOGIN_RULES, FAILED)
    expect(submit_button(page)).to_be_disabled()

    field(page, "email").fill("x")
    expect(rule(page, EMAIL_REQUIRED_RULE)).to_have_class(MET)
    expect(rule(page, PASSWORD_REQUIRED_RULE)).to_have_class(FAILED)
    expect(submit_button(page)).to_be_disabled()
    field(page, "password").fill("y")
    expect_rules(page, LOGIN_RULES, MET)
    expect(submit_button(page)).to_be_enabled()


def test_a_user_logs_in_and_is_welcomed_home(page: Page, account: Account) -> None:
    log_in_through_form(page, account.email, account.password)
    expect(success_flash(page)).to_have_text("Welcome!")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(heading(page, "All Users")).to_be_visible()
    expect_logged_in(page)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    page: Page, account: Account
) -> None:
    log_in_through_form(page, account.email, account.password + " but wrong")
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
    expect(heading(page, "Log In")).to_be_visible()
    expect_logged_out(page)


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(page: Page) -> None:
    log_in_through_form(page, "nobody-here@journeys.example", "a long enough secret")
    expect(danger_flash(page)).to_have_text(INVALID_CREDENTIALS)
    expect(heading(page, "Log In")).to_be_visible()
    expect_logged_out(page)


def test_the_status_page_shows_the_logged_in_users_details(member_page: Page, account: Account) -> None:
    page = member_page
    page.goto("/")
    nav_link(page, "User Status").click()
    expect(page).to_have_url(re.compile(r"/status$"))
    expect(page.locator("li strong")).to_have_text(["User ID:", "Email:", "Username:", "Active:", "Admin:"])
    assert status_item(page, "User ID:") == str(account.id)
    assert status_item(page, "Email:") == account.email
    assert status_item(page, "Username:") == account.username
    assert status_item(page, "Active:") == "true"
    assert status_item(page, "Admin:") == "false"


def test_the_status_page_asks_a_visitor_to_log_in(page: Page) -> None:
    page.goto("/status")
    expect(content(page)).to_contain_text(LOGIN_REQUIRED_TEXT)
    content(page).get_by_role("link", name="here").click()
    expect(heading(page, "Log In")).to_be_visible()


def test_logging_out_says_so_and_offers_to_log_back_in(page: Page, account: Account) -> None:
    log_in_through_form(page, account.email, account.password)
    expect_logged_in(page)
    nav_link(page, "Log Out").click()
    expect(page).to_have_url(re.compile(r"/logout$"))
    expect(content(page)).to_contain_text(LOGGED_OUT_TEXT)
    expect_logged_out(page)

    page.goto("/status")
    expect(content(page)).to_contain_text(LOGIN_REQUIRED_TEXT)
    expect_logged_out(page)

    page.goto("/logout")
    content(page).get_by_role("link", name="here").click()
    expect(heading(page, "Log In")).to_be_visible()


def test_a_reload_keeps_the_user_logged_in(page: Page, account: Account) -> None:
    with page.expect_response(re.compile(r"/auth/login$")) as login:
        log_in_through_form(page, account.email, account.password)
    token = login.value.json()["auth_token"]
    expect_logged_in(page)

    page.reload()
    expect_logged_in(page)
    page.goto("/status")
    assert status_item(page, "Username:") == account.username

    # The access token lives in memory only; the session rides on an httpOnly cookie.
    stored = page.evaluate(
        "JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}) + document.cookie"
    )
    assert token not in stored
    assert any(cookie["httpOnly"] for cookie in page.context.cookies())


def test_after_logging_out_a_reload_stays_logged_out(page: Page, account: Account) -> None:
    log_in_through_form(page, account.email, account.password)
    expect_logged_in(page)
    nav_link(page, "Log Out").click()
    expect(content(page)).to_contain_text(LOGGED_OUT_TEXT)

    page.goto("/status")
    page.reload()
    expect(content(page)).to_contain_text(LOGIN_REQUIRED_TEXT)
    expect_logged_out(page)


def gateway_logouts(stack: RunningStack) -> int:
    """How many POST /auth/logout the gateway has answered so far."""
    entries = [json.loads(line) for line in stack.access_log.read_text().splitlines()]
    return sum(1 for entry in entries if entry["method"] == "POST" and entry["uri"] == "/auth/logout")


# SECURITY row 75
def test_logging_out_holds_when_another_page_is_opened_at_once(
    member_page: Page, stack: RunningStack
) -> None:
    page = member_page
    page.goto("/")
    expect_logged_in(page)
    logouts_before = gateway_logouts(stack)

    # A slow network, played by DevTools: the logout is still on its way when the user opens
    # the next page, and goes on only once the page that sent it is gone. The next page's
    # session check waits behind it, as it would behind a slow request on one connection.
    network = page.context.new_cdp_session(page)
    held: list[dict[str, Any]] = []
    network.on("Fetch.requestPaused", lambda event: held.append(event))
    network.send(
        "Fetch.enable", {"patterns": [{"urlPattern": "*/auth/logout"}, {"urlPattern": "*/auth/refresh"}]}
    )
    with page.expect_request(
        lambda request: request.method == "POST" and request.url.endswith("/auth/logout")
    ):
        nav_link(page, "Log Out").click()
    page.goto("/register", wait_until="commit")
    logouts = [paused for paused in held if paused["request"]["url"].endswith("/auth/logout")]
    assert len(logouts) == 1
    # Without keepalive the request went with the page that sent it: "Invalid InterceptionId".
    with contextlib.suppress(Error):
        network.send("Fetch.continueRequest", {"requestId": logouts[0]["requestId"]})
    deadline = time.monotonic() + 10
    while gateway_logouts(stack) == logouts_before and time.monotonic() < deadline:
        time.sleep(0.1)
    network.send("Fetch.disable")  # the held session check goes on

    expect_logged_out(page)
    page.reload()
    expect_logged_out(page)
    refresh_status = page.evaluate(
        "fetch('/auth/refresh', { method: 'POST' }).then((response) => response.status)"
    )
    assert refresh_status == 401
    assert gateway_logouts(stack) == logouts_before + 1
