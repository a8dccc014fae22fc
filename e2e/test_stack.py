"""The stack through the gateway in a real browser: client, API and Swagger UI."""

from __future__ import annotations

from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect

from e2e.conftest import ADMIN


def collect_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_home_page_is_served_through_the_gateway(page: Page, base_url: str) -> None:
    errors = collect_errors(page)
    response = page.goto(base_url + "/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1, name="All Users")).to_be_visible()
    # The strict CSP must not block anything the client needs.
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_the_frame_is_styled_before_any_code_runs(browser: Browser, base_url: str) -> None:
    # Without scripts, the page is index.html's frame and its inline critical CSS alone:
    # styled, so that CSS is there and the gateway's policy let it apply.
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        navbar = page.locator("nav.navbar")
        expect(navbar).to_have_css("min-height", "52px")
        expect(navbar).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")
        expect(page.locator(".loader")).to_have_css("animation-name", "spinAround")
    finally:
        context.close()


def test_the_frame_has_the_chosen_theme_and_says_when_the_app_cannot_load(page: Page, base_url: str) -> None:
    errors = collect_errors(page)
    page.add_init_script("window.localStorage.setItem('theme', 'dark')")

    def refuse_the_app(route: Route) -> None:
        route.abort()

    page.route("**/assets/mount-*.js", refuse_the_app)
    page.goto(base_url + "/")
    # The inline theme script ran before the first paint, and the critical CSS has the dark theme.
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.locator("html")).to_have_css("color-scheme", "dark")
    expect(page.get_by_role("status")).to_have_text(
        "The app could not be loaded. Check your connection and reload the page."
    )
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_a_client_route_loads_the_app_on_a_fresh_visit(page: Page, base_url: str) -> None:
    response = page.goto(base_url + "/about")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1, name="About")).to_be_visible()


def test_users_api_answers_through_the_gateway(page: Page, base_url: str) -> None:
    response = page.request.get(base_url + "/users/ping")
    assert response.status == 200
    assert response.json() == {"status": "success", "message": "pong!"}
    assert response.headers["x-content-type-options"] == "nosniff"


def test_users_list_answers_through_the_gateway(page: Page, base_url: str) -> None:
    response = page.request.get(base_url + "/users")
    assert response.status == 200
    body = response.json()
    assert body["status"] == "success"
    assert isinstance(body["data"]["users"], list)


def test_swagger_ui_shows_the_users_api_by_tag_and_tries_it_out(page: Page, base_url: str) -> None:
    errors = collect_errors(page)
    page.goto(base_url + "/swagger/")
    expect(page.locator(".opblock-summary-path", has_text="/users/ping").first).to_be_visible()
    sections = page.locator("h3.opblock-tag")
    tags = [sections.nth(i).get_attribute("data-tag") for i in range(sections.count())]
    assert tags == ["Ping", "Users", "Auth", "Health"]
    # "Try it out" calls the gateway that served the page (the spec's server is relative).
    ping = page.locator(".opblock", has=page.locator(".opblock-summary-path[data-path='/users/ping']"))
    ping.locator(".opblock-summary").click()
    ping.get_by_role("button", name="Try it out").click()
    ping.get_by_role("button", name="Execute").click()
    expect(ping.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_swagger_ui_switches_to_the_items_api(page: Page, base_url: str) -> None:
    errors = collect_errors(page)
    page.goto(base_url + "/swagger/")
    expect(page.locator(".opblock-summary-path", has_text="/users/ping").first).to_be_visible()
    # The top bar lists both services' specs; the items one is exported from its own code.
    page.locator(".topbar select").select_option(label="items")
    expect(page.locator(".opblock-summary-path", has_text="/items/ping").first).to_be_visible()
    sections = page.locator("h3.opblock-tag")
    tags = [sections.nth(i).get_attribute("data-tag") for i in range(sections.count())]
    assert tags == ["Ping", "Items", "Health"]
    ping = page.locator(".opblock", has=page.locator(".opblock-summary-path[data-path='/items/ping']"))
    ping.locator(".opblock-summary").click()
    ping.get_by_role("button", name="Try it out").click()
    ping.get_by_role("button", name="Execute").click()
    expect(ping.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_unknown_api_path_is_json_not_the_spa(page: Page, base_url: str) -> None:
    response = page.request.get(base_url + "/users/999999")
    assert response.status == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == "fail"


def test_bootstrap_admin_can_log_in_through_the_gateway(page: Page, base_url: str) -> None:
    response = page.request.post(
        base_url + "/auth/login", data={"email": ADMIN["email"], "password": ADMIN["password"]}
    )
    assert response.status == 200, response.text()
    assert response.json()["auth_token"]
    status = page.request.get(
        base_url + "/auth/status",
        headers={"Authorization": f"Bearer {response.json()['auth_token']}"},
    )
    assert status.json()["data"]["admin"] is True
