"""A new user opens the link mailed at registration and their address counts as verified."""

from __future__ import annotations

import json
import re
import time

from playwright.sync_api import Page, expect

from e2e.conftest import RunningStack

from .conftest import new_credentials
from .mailbox import Mailbox, link_in
from .ui import content, expect_logged_in, heading, register_through_form, success_flash

VERIFY_SUBJECT = "Verify your email address"
UNVERIFIED = "is not verified yet"


def test_a_new_user_verifies_their_email_from_the_mailed_link(
    page: Page, mailbox: Mailbox, base_url: str, stack: RunningStack
) -> None:
    credentials = new_credentials("verifying")
    register_through_form(page, **credentials)
    expect(success_flash(page)).to_have_text("Welcome!")
    expect_logged_in(page)
    page.goto("/settings")
    expect(content(page)).to_contain_text(UNVERIFIED)

    link = link_in(mailbox.wait_for(credentials["email"], subject=VERIFY_SUBJECT), "/verify-email")
    # The token rides in the fragment, which the browser never sends to a server.
    found = re.fullmatch(re.escape(base_url) + r"/verify-email#token=([\w\-]+)", link)
    assert found, link
    token = found.group(1)

    page.goto(link)
    expect(heading(page, "Verify Email")).to_be_visible()
    expect(content(page)).to_contain_text("Your email address is verified.")
    # Out of the address bar (and so of the history).
    expect(page).to_have_url(base_url + "/verify-email")
    page.goto("/settings")
    expect(heading(page, "Settings")).to_be_visible()
    expect(content(page)).not_to_contain_text(UNVERIFIED)

    # A link works once.
    page.goto(link)
    expect(content(page)).to_contain_text("Invalid or expired verification link. Please ask for a new one.")

    # Neither the gateway's access log nor the services' own logs ever saw the token.
    access_log = stack.access_log.read_text()
    uris = [json.loads(line)["uri"] for line in access_log.splitlines()]
    assert "/verify-email" in uris and "/auth/verify-email" in uris, uris
    assert token not in access_log
    assert token not in stack.log.read_text()


def verification_links(mailbox: Mailbox, email: str, count: int) -> list[str]:
    """The links of the first ``count`` verification mails to ``email``, once they arrived."""
    deadline = time.monotonic() + 15
    while len(messages := mailbox.messages_to(email, subject=VERIFY_SUBJECT)) < count:
        assert time.monotonic() < deadline, f"fewer than {count} verification mails to {email}"
        time.sleep(0.1)
    return [link_in(message, "/verify-email") for message in messages]


def test_an_unverified_user_asks_for_a_new_link_and_only_the_newest_works(
    page: Page, mailbox: Mailbox
) -> None:
    credentials = new_credentials("resending")
    register_through_form(page, **credentials)
    expect_logged_in(page)
    [first] = verification_links(mailbox, credentials["email"], 1)

    page.goto("/settings")
    page.get_by_role("button", name="Resend the link").click()
    expect(content(page)).to_contain_text("A new verification link is on its way.")
    first_again, second = verification_links(mailbox, credentials["email"], 2)
    assert first_again == first and second != first

    page.goto(first)
    expect(content(page)).to_contain_text("Invalid or expired verification link.")
    page.goto(second)
    expect(content(page)).to_contain_text("Your email address is verified.")
