"""A visitor finds their way around: home, about, the navbar, pages of users, and a 404."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from .conftest import Account
from .ui import (
    column_headers,
    content,
    expect_logged_out,
    go_to_last_page_of_users,
    heading,
    heading_matching,
    nav_link,
    navbar,
    users_table,
)


def test_the_home_page_lists_all_users_in_a_table(page: Page, account: Account) -> None:
    page.goto("/")
    expect(heading(page, "All Users")).to_be_visible()
    go_to_last_page_of_users(page)
    expect(users_table(page).get_by_role("cell", name=account.username, exact=True)).to_be_visible()
    assert column_headers(page)[:1] == ["ID"]
    assert {"Username", "Active"} <= set(column_headers(page))


def test_a_visitor_does_not_see_other_users_emails(page: Page, account: Account) -> None:
    page.goto("/")
    go_to_last_page_of_users(page)
    expect(users_table(page).get_by_role("cell", name=account.username, exact=True)).to_be_visible()
    assert "Email" not in column_headers(page)
    expect(users_table(page)).not_to_contain_text(account.email)


def test_the_navbar_offers_register_and_log_in_to_a_visitor(page: Page) -> None:
    page.goto("/")
    expect(navbar(page)).to_be_visible()
    expect(nav_link(page, "Home")).to_be_visible()
    expect(nav_link(page, "About")).to_be_visible()
    expect_logged_out(page)


def test_the_about_link_opens_the_about_page(page: Page) -> None:
    page.goto("/")
    nav_link(page, "About").click()
    expect(page).to_have_url(re.compile(r"/about$"))
    expect(heading(page, "About")).to_be_visible()
    nav_link(page, "Home").click()
    expect(heading(page, "All Users")).to_be_visible()


def test_on_a_narrow_screen_the_burger_opens_the_menu(page: Page) -> None:
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto("/")
    expect(nav_link(page, "About")).to_be_hidden()
    burger = navbar(page).locator(".navbar-burger")
    expect(burger).to_be_visible()
    burger.click()
    expect(nav_link(page, "About")).to_be_visible()
    nav_link(page, "About").click()
    expect(heading(page, "About")).to_be_visible()


def test_the_users_list_is_split_into_pages(
    page: Page, api: httpx.Client, create_account: Callable[..., Account]
) -> None:
    enough = 11
    for _ in range(enough - api.get("/users").json()["data"]["total"]):
        create_account("pager")
    page.goto("/")
    ids = users_table(page).locator("tbody tr td:first-child")
    expect(ids.first).to_be_visible()
    first_page = [int(text) for text in ids.all_inner_texts()]
    assert len(first_page) < enough, f"all {enough} users are on the first page"

    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(ids.first).not_to_have_text(str(first_page[0]))
    second_page = [int(text) for text in ids.all_inner_texts()]
    assert second_page and min(second_page) > max(first_page)

    page.get_by_role("button", name="Previous").click()
    expect(ids.first).to_have_text(str(first_page[0]))


def test_an_unknown_address_shows_a_not_found_page(page: Page) -> None:
    response = page.goto("/no/such/page")
    assert response is not None and response.status == 200
    expect(heading_matching(page, "not found|404")).to_be_visible()
    expect(content(page)).not_to_contain_text("All Users")
    expect(navbar(page)).to_be_visible()
