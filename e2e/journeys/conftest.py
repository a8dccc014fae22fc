"""One fresh stack for every journey, with a bootstrap admin and an SMTP server to read its mail.

The browser visits the stack at its public URL, ``http://localhost:PORT``: the address the
stack runner announces and the base of the links in the mails it sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from e2e.conftest import RunningStack, free_port, stack_for_session

from .mailbox import Mailbox, SmtpServer

ADMIN = {"username": "journey-admin", "email": "admin@journeys.example", "password": "keeper of users 77"}
# Every journey comes from 127.0.0.1: the per-IP limit on /auth must not get in their way.
# Journeys look for the account they just made on the list's last page: the list's total
# is counted afresh each time, not kept for a second per worker.
STACK_ENV = {
    "RATE_LIMIT_AUTH": "2000 per minute",
    "USER_COUNT_MAX_AGE": "0",
    "MAIL_FROM": "no-reply@journeys.example",
    "ADMIN_USERNAME": ADMIN["username"],
    "ADMIN_EMAIL": ADMIN["email"],
    "ADMIN_PASSWORD": ADMIN["password"],
}

expect.set_options(timeout=10_000)


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    email: str
    password: str


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_credentials(prefix: str = "user") -> dict[str, str]:
    name = unique_name(prefix)
    password = f"long enough secret {name[-4:]}"
    return {"username": name, "email": f"{name}@journeys.example", "password": password}


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    return smtp_server.mailbox


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer) -> Iterator[RunningStack]:
    tmp = tmp_path_factory.mktemp("journeys-stack")
    with stack_for_session(tmp, STACK_ENV | {"SMTP_URL": smtp_server.url}) as running:
        yield running


@pytest.fixture(scope="session")
def base_url(stack: RunningStack) -> str:
    return f"http://localhost:{stack.port}"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], base_url: str) -> dict[str, Any]:
    return browser_context_args | {"base_url": base_url}


@pytest.fixture(scope="session")
def api(stack: RunningStack) -> Iterator[httpx.Client]:
    """The users API through the gateway, for arranging what a journey starts from."""
    with httpx.Client(base_url=stack.url, timeout=15) as client:
        yield client


def api_token(api: httpx.Client, email: str, password: str) -> str:
    response = api.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    api.cookies.clear()
    return str(response.json()["auth_token"])


@pytest.fixture(scope="session")
def create_account(api: httpx.Client) -> Callable[..., Account]:
    """Registers a new account through the API and returns its credentials."""

    def create(prefix: str = "user") -> Account:
        credentials = new_credentials(prefix)
        response = api.post("/auth/register", json=credentials)
        assert response.status_code == 201, response.text
        api.cookies.clear()
        token = response.json()["auth_token"]
        status = api.get("/auth/status", headers={"Authorization": f"Bearer {token}"})
        assert status.status_code == 200, status.text
        return Account(id=int(status.json()["data"]["id"]), **credentials)

    return create


@pytest.fixture
def account(create_account: Callable[..., Account]) -> Account:
    return create_account()


@pytest.fixture(scope="session")
def admin_account(api: httpx.Client) -> Account:
    token = api_token(api, ADMIN["email"], ADMIN["password"])
    status = api.get("/auth/status", headers={"Authorization": f"Bearer {token}"})
    return Account(id=int(status.json()["data"]["id"]), **ADMIN)


def sign_in(context: BrowserContext, base_url: str, account: Account) -> None:
    """Logs the browser context in the way a returning visitor is: with a refresh cookie only."""
    response = context.request.post(
        base_url + "/auth/login", data={"email": account.email, "password": account.password}
    )
    assert response.status == 200, response.text()


@pytest.fixture
def member_page(page: Page, context: BrowserContext, base_url: str, account: Account) -> Page:
    """A page whose visitor is logged in as a new, ordinary user (``account``)."""
    sign_in(context, base_url, account)
    return page


@pytest.fixture
def admin_page(page: Page, context: BrowserContext, base_url: str, admin_account: Account) -> Page:
    """A page whose visitor is logged in as the bootstrap admin."""
    sign_in(context, base_url, admin_account)
    return page


@pytest.fixture
def other_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A second visitor, in a browser context of their own."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()
