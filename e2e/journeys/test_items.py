"""Each user keeps a list of items; an admin sees anyone's, and a deleted user's items go with them.

The page lives at /my-items: /items itself is the items service's, at the gateway.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from e2e.conftest import RunningStack

from .conftest import Account, api_token, sign_in, unique_name
from .test_accessibility import THEMES, serious_violations
from .ui import (
    FAILED,
    MET,
    cell,
    column_headers,
    content,
    danger_flash,
    expect_logged_in,
    expect_rules,
    expect_same_document,
    go_to_last_page_of_users,
    heading,
    mark_document,
    nav_link,
    rule,
    success_flash,
    user_row,
)

ITEMS_PATH = "/my-items"
TITLE_REQUIRED_RULE = "Title is required."
TITLE_LENGTH_RULE = "Title must be at most 200 characters."
DESCRIPTION_LENGTH_RULE = "Description must be at most 2,000 characters."
ITEM_RULES = [TITLE_REQUIRED_RULE, TITLE_LENGTH_RULE, DESCRIPTION_LENGTH_RULE]
LOGIN_REQUIRED_TEXT = "You must be logged in to view this."
# How long an admin may wait for a deleted user's items to go: the event crosses the outbox,
# the relay or feed, and the items consumer.
EVENT_DELIVERY_BOUND_S = 10.0


@pytest.fixture(scope="module", autouse=True)
def items_service(stack: RunningStack) -> None:
    """The items service answers behind the gateway before any journey starts."""
    response = httpx.get(stack.url + "/items/ping", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["message"] == "pong!"


def open_items(page: Page, query: str = "") -> None:
    page.goto(ITEMS_PATH + query)
    expect(heading(page, "Items")).to_be_visible()
    expect_logged_in(page)
    expect(add_item_button(page)).to_be_visible()
    # The list has loaded: a row, or the line that says there is none.
    expect(items_table(page).locator("tbody tr").first).to_be_visible()


def add_item_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Add Item", exact=True)


def items_table(page: Page) -> Locator:
    return page.get_by_role("table")


def item_row(page: Page, title: str) -> Locator:
    """The row of the items table whose Title cell reads ``title``."""
    return items_table(page).locator("tbody tr").filter(has=page.get_by_role("cell", name=title, exact=True))


def row_button(page: Page, title: str, action: str) -> Locator:
    return item_row(page, title).get_by_role("button", name=re.compile(rf"^{action}\b"))


def modal(page: Page) -> Locator:
    return page.get_by_role("dialog")


def modal_submit(page: Page) -> Locator:
    return modal(page).locator('[type="submit"]')


def modal_button(page: Page, name: str) -> Locator:
    return modal(page).get_by_role("button", name=name, exact=True)


def title_field(scope: Locator) -> Locator:
    return scope.locator('input[name="title"]')


def description_field(scope: Locator) -> Locator:
    return scope.locator('textarea[name="description"]')


def owner_filter(page: Page) -> Locator:
    return page.get_by_role("search", name="Filter by owner")


def empty_list(page: Page) -> Locator:
    return items_table(page).get_by_role("cell", name=re.compile(r"(No items yet|has no items)\.$"))


def add_item_through_api(api: httpx.Client, token: str, title: str, description: str = "") -> int:
    response = api.post(
        "/items",
        json={"title": title, "description": description},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["data"]["id"])


def titles_listed_by_api(api: httpx.Client, token: str, owner_id: int | None = None) -> list[str]:
    params = {"per_page": 100} | ({"owner_id": owner_id} if owner_id is not None else {})
    response = api.get("/items", params=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["data"]["items"]]


def test_the_items_page_is_for_logged_in_users_and_survives_a_reload(member_page: Page) -> None:
    page = member_page
    page.goto(ITEMS_PATH)
    expect_logged_in(page)
    nav_link(page, "Home").click()
    nav_link(page, "Items").click()
    expect(page).to_have_url(re.compile(rf"{ITEMS_PATH}$"))
    expect(heading(page, "Items")).to_be_visible()
    expect(empty_list(page)).to_have_text("No items yet.")

    # A reload asks the gateway for /my-items itself: the app, not the API, must answer.
    page.reload()
    expect(heading(page, "Items")).to_be_visible()
    expect(empty_list(page)).to_be_visible()


def test_a_visitor_is_asked_to_log_in(page: Page) -> None:
    page.goto(ITEMS_PATH)
    expect(heading(page, "Items")).to_be_visible()
    expect(content(page)).to_contain_text(LOGIN_REQUIRED_TEXT)
    expect(nav_link(page, "Items")).to_have_count(0)
    expect(add_item_button(page)).to_have_count(0)


def test_a_user_adds_edits_and_deletes_an_item_through_validated_forms(member_page: Page) -> None:
    page = member_page
    open_items(page)
    mark_document(page)
    # An ordinary user has neither the owner column nor the filter.
    assert "Owner" not in column_headers(page)
    expect(owner_filter(page)).to_have_count(0)

    add_item_button(page).click()
    dialog = modal(page)
    expect(dialog).to_be_visible()
    expect(rule(page, TITLE_REQUIRED_RULE, dialog)).to_have_class(FAILED)
    add = modal_submit(page)
    expect(add).to_be_disabled()

    title_field(dialog).fill("   ")
    expect(rule(page, TITLE_REQUIRED_RULE, dialog)).to_have_class(FAILED)
    expect(add).to_be_disabled()
    title_field(dialog).fill("t" * 201)
    expect(rule(page, TITLE_REQUIRED_RULE, dialog)).to_have_class(MET)
    expect(rule(page, TITLE_LENGTH_RULE, dialog)).to_have_class(FAILED)
    expect(add).to_be_disabled()
    title = unique_name("item")
    title_field(dialog).fill(title)
    description_field(dialog).fill("d" * 2001)
    expect(rule(page, DESCRIPTION_LENGTH_RULE, dialog)).to_have_class(FAILED)
    expect(add).to_be_disabled()
    description_field(dialog).fill("Two litres\nof oat milk")
    expect_rules(page, ITEM_RULES, MET, dialog)
    add.click()

    expect(success_flash(page)).to_have_text("Item was added!")
    expect(modal(page)).to_have_count(0)
    expect(item_row(page, title)).to_contain_text("Two litres")

    row_button(page, title, "Edit").click()
    dialog = modal(page)
    expect(title_field(dialog)).to_have_value(title)
    expect(description_field(dialog)).to_have_value("Two litres\nof oat milk")
    save = modal_submit(page)
    expect(save).to_be_disabled()
    title_field(dialog).fill("")
    expect(rule(page, TITLE_REQUIRED_RULE, dialog)).to_have_class(FAILED)
    expect(save).to_be_disabled()
    renamed = unique_name("renamed")
    title_field(dialog).fill(renamed)
    save.click()

    expect(success_flash(page)).to_have_text("Item was updated.")
    expect(modal(page)).to_have_count(0)
    expect(item_row(page, renamed)).to_contain_text("Two litres")
    expect(item_row(page, title)).to_have_count(0)

    row_button(page, renamed, "Delete").click()
    expect(modal(page)).to_contain_text(renamed)
    modal_button(page, "Cancel").click()
    expect(modal(page)).to_have_count(0)
    expect(item_row(page, renamed)).to_be_visible()

    row_button(page, renamed, "Delete").click()
    modal_button(page, "Delete").click()
    expect(success_flash(page)).to_have_text("Item was deleted.")
    expect(modal(page)).to_have_count(0)
    expect(item_row(page, renamed)).to_have_count(0)
    expect_same_document(page)

    page.reload()
    expect(empty_list(page)).to_have_text("No items yet.")


def test_the_service_refuses_what_the_form_would_not_send(api: httpx.Client, account: Account) -> None:
    """The live rules are the service's rules: a blank or too long title is refused there too."""
    token = api_token(api, account.email, account.password)
    headers = {"Authorization": f"Bearer {token}"}
    for body in ({"title": "   "}, {"title": "t" * 201}, {"title": "ok", "description": "d" * 2001}):
        response = api.post("/items", json=body, headers=headers)
        assert response.status_code == 400, response.text
        assert response.json()["message"] == "Invalid payload."


def test_another_user_cannot_see_the_item(
    member_page: Page,
    other_page: Page,
    base_url: str,
    account: Account,
    create_account: Callable[..., Account],
    api: httpx.Client,
) -> None:
    title = unique_name("private")
    item_id = add_item_through_api(api, api_token(api, account.email, account.password), title)
    open_items(member_page)
    expect(item_row(member_page, title)).to_be_visible()

    stranger = create_account("stranger")
    sign_in(other_page.context, base_url, stranger)
    open_items(other_page)
    expect(empty_list(other_page)).to_have_text("No items yet.")
    expect(item_row(other_page, title)).to_have_count(0)

    # Not even its existence shows: the item answers 404 to anyone but its owner or an admin.
    token = api_token(api, stranger.email, stranger.password)
    response = api.get(f"/items/{item_id}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404, response.text
    assert response.json()["message"] == "Item does not exist"
    # Asking for another owner's list is an admin's right only.
    response = api.get(
        "/items", params={"owner_id": account.id}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403, response.text


def test_an_admin_sees_the_owner_column_and_filters_by_owner(
    admin_page: Page, admin_account: Account, account: Account, api: httpx.Client
) -> None:
    theirs = unique_name("theirs")
    add_item_through_api(api, api_token(api, account.email, account.password), theirs, "Their own")
    mine = unique_name("mine")
    add_item_through_api(api, api_token(api, admin_account.email, admin_account.password), mine)

    page = admin_page
    open_items(page)
    mark_document(page)
    assert "Owner" in column_headers(page)
    # Unfiltered, an admin's list is their own, like anyone's.
    expect(cell(page, mine, "Owner")).to_have_text(str(admin_account.id))
    expect(item_row(page, theirs)).to_have_count(0)

    search = owner_filter(page)
    search.get_by_label("Owner ID").fill(str(account.id))
    search.get_by_role("button", name="Filter", exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]owner_id={account.id}(&|$)"))
    expect(cell(page, theirs, "Owner")).to_have_text(str(account.id))
    expect(item_row(page, theirs)).to_contain_text("Their own")
    expect(item_row(page, mine)).to_have_count(0)

    # The filter is in the address: a reload keeps it.
    page.reload()
    expect(cell(page, theirs, "Owner")).to_have_text(str(account.id))
    mark_document(page)

    owner_filter(page).get_by_role("button", name="Show my items", exact=True).click()
    expect(item_row(page, mine)).to_be_visible()
    expect(item_row(page, theirs)).to_have_count(0)
    expect_same_document(page)


def test_an_admin_edits_another_owners_item(admin_page: Page, account: Account, api: httpx.Client) -> None:
    title = unique_name("fixme")
    add_item_through_api(api, api_token(api, account.email, account.password), title)
    page = admin_page
    open_items(page, f"?owner_id={account.id}")

    row_button(page, title, "Edit").click()
    dialog = modal(page)
    description_field(dialog).fill("Checked by an admin")
    modal_submit(page).click()
    expect(success_flash(page)).to_have_text("Item was updated.")
    expect(item_row(page, title)).to_contain_text("Checked by an admin")

    token = api_token(api, account.email, account.password)
    response = api.get("/items", headers={"Authorization": f"Bearer {token}"})
    assert [item["description"] for item in response.json()["data"]["items"]] == ["Checked by an admin"]


def test_a_deleted_users_items_disappear_once_the_event_is_delivered(
    admin_page: Page, admin_account: Account, create_account: Callable[..., Account], api: httpx.Client
) -> None:
    doomed = create_account("doomed")
    doomed_token = api_token(api, doomed.email, doomed.password)
    titles = [unique_name("doomed-item") for _ in range(2)]
    for title in titles:
        add_item_through_api(api, doomed_token, title)
    admin_token = api_token(api, admin_account.email, admin_account.password)
    assert sorted(titles_listed_by_api(api, admin_token, doomed.id)) == sorted(titles)

    page = admin_page
    open_items(page, f"?owner_id={doomed.id}")
    for title in titles:
        expect(item_row(page, title)).to_be_visible()

    # The admin deletes the user from the users page.
    page.goto("/")
    expect(heading(page, "All Users")).to_be_visible()
    go_to_last_page_of_users(page)
    user_row(page, doomed.username).get_by_role("button", name=re.compile(r"^Delete\b")).click()
    modal_button(page, "Delete").click()
    expect(success_flash(page)).to_be_visible()
    expect(user_row(page, doomed.username)).to_have_count(0)

    # The items service learns of it through an event: reload until the items are gone.
    page.goto(f"{ITEMS_PATH}?owner_id={doomed.id}")
    deadline = time.monotonic() + EVENT_DELIVERY_BOUND_S
    while True:
        expect(items_table(page).locator("tbody tr").first).to_be_visible()
        if all(item_row(page, title).count() == 0 for title in titles):
            break
        assert time.monotonic() < deadline, f"still listed after {EVENT_DELIVERY_BOUND_S} s: {titles}"
        time.sleep(0.25)
        page.reload()
    expect(empty_list(page)).to_have_text(f"User {doomed.id} has no items.")
    assert titles_listed_by_api(api, admin_token, doomed.id) == []
    expect(danger_flash(page)).to_have_count(0)


@pytest.fixture(params=THEMES)
def axe_page(
    request: pytest.FixtureRequest, browser: Browser, browser_context_args: dict[str, Any]
) -> Iterator[Page]:
    """A page in the theme picked in the navbar, where axe may be injected (the CSP forbids it elsewhere)."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    page = context.new_page()
    page.goto("/about")
    page.get_by_role("combobox", name="Theme").select_option(label=str(request.param).capitalize())
    expect(page.locator("html")).to_have_attribute("data-theme", str(request.param))
    yield page
    context.close()


def test_the_items_page_and_its_dialogs_have_no_serious_accessibility_violations(
    axe_page: Page, base_url: str, admin_account: Account, api: httpx.Client
) -> None:
    page = axe_page
    title = unique_name("scanned")
    add_item_through_api(
        api, api_token(api, admin_account.email, admin_account.password), title, "Seen by axe"
    )
    sign_in(page.context, base_url, admin_account)
    theme_name = page.locator("html").get_attribute("data-theme")
    found = []

    open_items(page)
    expect(item_row(page, title)).to_be_visible()
    found += [f"list ({theme_name}): {violation}" for violation in serious_violations(page)]
    add_item_button(page).click()
    expect(modal(page)).to_be_visible()
    title_field(modal(page)).fill("   ")
    found += [f"Add Item ({theme_name}): {violation}" for violation in serious_violations(page)]
    modal_button(page, "Cancel").click()
    row_button(page, title, "Delete").click()
    expect(modal(page)).to_be_visible()
    found += [f"Delete Item ({theme_name}): {violation}" for violation in serious_violations(page)]
    assert not found, "\n".join(found)
