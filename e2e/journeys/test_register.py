"""Registering: live rules under the form, a welcome, and a clear answer for a taken account."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Account, new_credentials
from .ui import (
    DUPLICATE_USER,
    EMAIL_FORMAT_RULE,
    EMAIL_LENGTH_RULE,
    FAILED,
    LOGIN_RULES,
    MET,
    PASSWORD_LENGTH_RULE,
    REGISTER_RULES,
    USERNAME_RULE,
    danger_flash,
    expect_logged_in,
    expect_logged_out,
    expect_rules,
    field,
    go_to_last_page_of_users,
    heading,
    nav_link,
    register_through_form,
    rule,
    submit_button,
    success_flash,
    users_table,
)


def test_the_register_form_lists_its_rules_and_starts_disabled(page: Page) -> None:
    page.goto("/register")
    expect(heading(page, "Register")).to_be_visible()
    for name in ("username", "email", "password"):
        expect(field(page, name)).to_be_visible()
    expect(page.locator("ul.validation-list > li")).to_have_text(REGISTER_RULES)
    expect_rules(page, REGISTER_RULES, FAILED)
    expect(submit_button(page)).to_be_disabled()


def test_each_register_rule_turns_green_as_it_is_met(page: Page) -> None:
    page.goto("/register")
    field(page, "username").fill("short")
    expect(rule(page, USERNAME_RULE)).to_have_class(FAILED)
    field(page, "username").fill("longer name")
    expect(rule(page, USERNAME_RULE)).to_have_class(MET)

    field(page, "email").fill("a@b.c")
    expect(rule(page, EMAIL_LENGTH_RULE)).to_have_class(FAILED)
    field(page, "email").fill("not an email")
    expect(rule(page, EMAIL_LENGTH_RULE)).to_have_class(MET)
    expect(rule(page, EMAIL_FORMAT_RULE)).to_have_class(FAILED)
    field(page, "email").fill("someone@example.com")
    expect(rule(page, EMAIL_FORMAT_RULE)).to_have_class(MET)
    expect(submit_button(page)).to_be_disabled()

    field(page, "password").fill("0123456789")
    expect(rule(page, PASSWORD_LENGTH_RULE)).to_have_class(FAILED)
    expect(submit_button(page)).to_be_disabled()
    field(page, "password").fill("0123456789a")
    expect_rules(page, REGISTER_RULES, MET)
    expect(submit_button(page)).to_be_enabled()

    field(page, "username").fill("short")
    expect(rule(page, USERNAME_RULE)).to_have_class(FAILED)
    expect(submit_button(page)).to_be_disabled()


def test_a_new_user_registers_and_is_welcomed_home_logged_in(page: Page) -> None:
    credentials = new_credentials("newcomer")
    register_through_form(page, **credentials)
    expect(success_flash(page)).to_have_text("Welcome!")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(heading(page, "All Users")).to_be_visible()
    expect_logged_in(page)
    go_to_last_page_of_users(page)
    expect(users_table(page).get_by_role("cell", name=credentials["username"], exact=True)).to_be_visible()


def test_registering_a_taken_email_shows_that_the_user_exists(page: Page, account: Account) -> None:
    register_through_form(page, new_credentials()["username"], account.email, "another long secret")
    expect(danger_flash(page)).to_have_text(DUPLICATE_USER)
    expect(heading(page, "Register")).to_be_visible()
    expect_logged_out(page)


def test_registering_a_taken_username_shows_that_the_user_exists(page: Page, account: Account) -> None:
    register_through_form(page, account.username, new_credentials()["email"], "another long secret")
    expect(danger_flash(page)).to_have_text(DUPLICATE_USER)
    expect(heading(page, "Register")).to_be_visible()
    expect_logged_out(page)


def test_the_rules_start_over_when_switching_between_register_and_log_in(page: Page) -> None:
    page.goto("/register")
    field(page, "username").fill("somebody")
    field(page, "email").fill("somebody@example.com")
    field(page, "password").fill("a long enough secret")
    expect_rules(page, REGISTER_RULES, MET)

    nav_link(page, "Log In").click()
    expect(heading(page, "Log In")).to_be_visible()
    expect(page.locator("ul.validation-list > li")).to_have_text(LOGIN_RULES)
    expect_rules(page, LOGIN_RULES, FAILED)
    expect(field(page, "email")).to_have_value("")
    expect(field(page, "password")).to_have_value("")
    field(page, "email").fill("somebody@example.com")

    nav_link(page, "Register").click()
    expect(heading(page, "Register")).to_be_visible()
    expect_rules(page, REGISTER_RULES, FAILED)
    for name in ("username", "email", "password"):
        expect(field(page, name)).to_have_value("")
    expect(submit_button(page)).to_be_disabled()
