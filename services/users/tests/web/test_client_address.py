"""Who the client is behind the gateway and the proxies in front of it (SECURITY rows 61, 62)."""

from __future__ import annotations

from ipaddress import ip_network
from typing import Any

import pytest
from service_kit.web.edge import client_address, rate_limit_identity

from tests.factories import AuthActions

WRONG = "not the right password"


def _networks(trusted: str) -> list[Any]:
    return [ip_network(part, strict=False) for part in trusted.split(",") if part]


@pytest.mark.parametrize(
    ("trusted", "forwarded", "client"),
    [
        # The gateway's own entry (the last) is believed; nothing a client sent before it is.
        ("", "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # Behind a trusted TLS terminator: the entry it added is the client.
        ("203.0.113.0/24", "198.51.100.1, 203.0.113.7", "198.51.100.1"),
        ("203.0.113.0/24", "6.6.6.6, 198.51.100.1, 203.0.113.7", "198.51.100.1"),
        # Several trusted hops, IPv6 among them.
        ("203.0.113.0/24,2001:db8::/32", "2001:db8:1::9, 203.0.113.7", "2001:db8:1::9"),
        ("203.0.113.0/24,2001:db8::/32", "2001:db8:1::9, 203.0.113.7", "2001:db8:1::9"),
        # Something that is no address stops the walk at the last good one.
        ("203.0.113.0/24", "nonsense, 203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_client_is_the_first_address_before_the_trusted_hops(trusted: str, forwarded: str, client: str) -> None:
    assert client_address(forwarded.split(","), _networks(trusted)) == client


def test_ipv6_clients_count_per_64_and_ipv4_per_address() -> None:
    assert rate_limit_identity("2001:db8:aaaa:bbbb:1:2:3:4") == "2001:db8:aaaa:bbbb::/64"
    assert rate_limit_identity("2001:db8:aaaa:bbbb:ffff::1") == "2001:db8:aaaa:bbbb::/64"
    assert rate_limit_identity("::ffff:198.51.100.1") == "198.51.100.1"
    assert rate_limit_identity("198.51.100.1") == "198.51.100.1"


def _login_from(auth: AuthActions, forwarded: str, email: str = "someone@example.com") -> int:
    return auth.login(email, WRONG, headers={"X-Forwarded-For": forwarded}).status_code


# SECURITY row 61: client-identity-behind-proxies
def test_clients_behind_a_trusted_proxy_are_told_apart(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="5 per minute", TRUSTED_PROXIES="203.0.113.0/24")
    auth = AuthActions(app, app.test_client())
    noisy = [_login_from(auth, "198.51.100.1, 203.0.113.7") for _ in range(6)]
    assert noisy[:5] == [401] * 5 and noisy[5] == 429
    # Another client behind the same terminator still gets through.
    assert _login_from(auth, "198.51.100.2, 203.0.113.7") == 401


def test_without_trusted_proxies_the_terminator_is_the_client(make_app: Any) -> None:
    # The control for the test above, and proof that a forged header chooses nothing.
    app = make_app(RATE_LIMIT_AUTH="5 per minute")
    auth = AuthActions(app, app.test_client())
    for _ in range(5):
        _login_from(auth, "198.51.100.1, 203.0.113.7")
    assert _login_from(auth, "198.51.100.2, 203.0.113.7") == 429
    assert _login_from(auth, "192.0.2.99, 203.0.113.7") == 429


# SECURITY row 62: ipv6-prefix-limits
def test_failures_from_one_ipv6_64_count_as_one_client(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="5 per minute")
    auth = AuthActions(app, app.test_client())
    statuses = [_login_from(auth, f"2001:db8:1:2::{i:x}") for i in range(1, 7)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    # The neighbouring /64 is another client.
    assert _login_from(auth, "2001:db8:1:3::1") == 401


# SECURITY row 62: the per-account lock keys the address the same way
def test_account_lock_counts_an_ipv6_64_as_one_address(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute")
    auth = AuthActions(app, app.test_client())
    victim = auth.create_user()
    for i in range(10):
        assert _login_from(auth, f"2001:db8:5:6::{i + 1:x}", victim.email) == 401
    assert _login_from(auth, "2001:db8:5:6::ff", victim.email) == 429
    # The owner elsewhere is not locked out (row 21 holds for IPv6 too).
    assert auth.login(victim.email, headers={"X-Forwarded-For": "2001:db8:9:9::1"}).status_code == 200
