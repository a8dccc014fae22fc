"""Who the client is, in every target: X-Forwarded-For counts only from TRUSTED_PROXIES, the
users service gets the one resolved address, and the edge limit counts per client (IPv6 per /64).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tools.gateway import GatewayError, render, trusted_proxies

from .harness import TARGETS, Gateway, run_start_script, serving

# The test's requests come from 127.0.0.1: that is the proxy in front of the gateway, and a load
# balancer in 10.0.0.0/8 may be in front of that one.
BEHIND_A_PROXY = {"TRUSTED_PROXIES": "127.0.0.1/32, 10.0.0.0/8"}
# More than the edge allows at once (10 r/s with a burst of 40).
FLOOD = 60


def seen_by_the_service(gateway: Gateway, forwarded_for: str | None) -> dict[str, str]:
    """The client headers the users service receives for a request with that X-Forwarded-For."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    response = httpx.get(gateway.url + "/users/ping", headers=headers)
    assert response.status_code == 200
    forwarded = response.json()["headers"]
    return {name: forwarded[name] for name in ("X-Forwarded-For", "X-Real-IP")}


def login_statuses(gateway: Gateway, forwarded_for: list[str]) -> list[int]:
    """The status of a login attempt from each address in turn (as the proxy reports it)."""
    with httpx.Client() as client:
        return [
            client.post(
                gateway.url + "/auth/login", json={}, headers={"X-Forwarded-For": address}
            ).status_code
            for address in forwarded_for
        ]


# SECURITY row 61: client-identity-behind-proxies
@pytest.mark.parametrize("target", TARGETS)
def test_clients_behind_a_trusted_proxy_are_told_apart(tmp_path: Path, target: str) -> None:
    with serving(target, tmp_path, BEHIND_A_PROXY) as gateway:
        first = seen_by_the_service(gateway, "203.0.113.7")
        second = seen_by_the_service(gateway, "198.51.100.9")
        # What a client wrote itself, left of what the proxy appended, is not believed.
        forged = seen_by_the_service(gateway, "10.9.9.9, 198.51.100.9")
        # Through the load balancer as well: every trusted hop is skipped.
        two_hops = seen_by_the_service(gateway, "203.0.113.7, 10.1.2.3")
        ipv6 = seen_by_the_service(gateway, "2001:db8::7")
    # One address, the client's: the service trusts exactly one hop, the gateway.
    assert first == {"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.7"}
    assert second == {"X-Forwarded-For": "198.51.100.9", "X-Real-IP": "198.51.100.9"}
    assert forged == second
    assert two_hops == first
    assert ipv6["X-Forwarded-For"] == "2001:db8::7"


# SECURITY row 61: client-identity-behind-proxies
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("proxies", ["", "10.0.0.0/8, fd00::/8"], ids=["none", "others"])
def test_a_forged_forwarded_for_changes_nothing_from_an_untrusted_peer(
    tmp_path: Path, target: str, proxies: str
) -> None:
    with serving(target, tmp_path, {"TRUSTED_PROXIES": proxies}) as gateway:
        for forged in ("6.6.6.6", "6.6.6.6, 127.0.0.2", "2001:db8::6"):
            assert seen_by_the_service(gateway, forged) == {
                "X-Forwarded-For": "127.0.0.1",
                "X-Real-IP": "127.0.0.1",
            }
        # Rotating forged addresses does not escape the edge limit either.
        statuses = login_statuses(gateway, [f"6.6.{n}.6" for n in range(FLOOD)])
    assert 429 in statuses, statuses


# SECURITY row 61: client-identity-behind-proxies
@pytest.mark.parametrize("target", TARGETS)
def test_the_edge_limit_counts_each_client_behind_the_proxy(tmp_path: Path, target: str) -> None:
    with serving(target, tmp_path, BEHIND_A_PROXY) as gateway:
        flooding = login_statuses(gateway, ["203.0.113.7"] * FLOOD)
        other = login_statuses(gateway, ["198.51.100.9"] * 5)
    assert 429 in flooding, flooding
    assert other == [200] * 5


# SECURITY row 62: ipv6-prefix-limits
@pytest.mark.parametrize("target", TARGETS)
def test_the_edge_limit_counts_ipv6_clients_per_64(tmp_path: Path, target: str) -> None:
    with serving(target, tmp_path, BEHIND_A_PROXY) as gateway:
        # Every request from another address of the same /64.
        one_prefix = login_statuses(gateway, [f"2001:db8:1:2:{n:x}::{n + 1:x}" for n in range(FLOOD)])
        next_prefix = login_statuses(gateway, ["2001:db8:1:3::1", "2001:db8:1:3:ffff::2"])
        # IPv4 addresses written as IPv6 share a /64 (::ffff:0:0/96) and still count one by one.
        mapped = login_statuses(gateway, ["::ffff:203.0.113.7"] * FLOOD)
        mapped_other = login_statuses(gateway, ["::ffff:203.0.113.8"])
    assert 429 in one_prefix, one_prefix
    assert next_prefix == [200, 200]
    assert 429 in mapped, mapped
    assert mapped_other == [200]


# Every entry is checked alike by the image's start script and by `make up`'s renderer.
VALID = [
    "10.0.0.0/8",
    "192.168.1.10",
    "0.0.0.0/0",
    "172.18.0.1/32",
    "fd00::/8",
    "::1",
    "::",
    "::/0",
    "2001:DB8:0:0:1:2:3:4/128",
    "1::",
    "::ffff:10.0.0.0/104",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:1.2.3.4",
]
INVALID = [
    "10.0.0.0/33",
    "10.0.0.300",
    "10.0.0",
    "10.0.0.0/",
    "10.0.0.0/08",
    "010.0.0.1",
    "10.0.0.0/8/8",
    "10.0.0.0/255.0.0.0",
    "example.com",
    "unix:",
    "fd00::/129",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8",
    "12345::1",
    ":::1",
    "1:",
    "fe80::1%eth0",
    "1.2.3.4::",
    "10.0.0.0 /8",
]


def start_script_lines(tmp: Path, value: str) -> list[str]:
    result, container = run_start_script("compose", tmp, env={"TRUSTED_PROXIES": value})
    assert result.returncode == 0, result.stderr
    written = (container.tmp / "gateway" / "trusted-proxies.conf").read_text()
    return [line for line in written.splitlines() if not line.startswith("#")]


def renderer_lines(tmp: Path, value: str) -> list[str]:
    conf = render(
        tmp, port=8080, users=["127.0.0.1:5001"], client_root=tmp, environment={"TRUSTED_PROXIES": value}
    )
    written = (conf.parent / "trusted-proxies.conf").read_text()
    return [line for line in written.splitlines() if not line.startswith("#")]


@pytest.mark.parametrize("entry", VALID)
def test_each_address_or_range_becomes_one_set_real_ip_from_line(tmp_path: Path, entry: str) -> None:
    value = f" 127.0.0.1/32 ,{entry},"
    expected = ["set_real_ip_from 127.0.0.1/32;", f"set_real_ip_from {entry};"]
    assert start_script_lines(tmp_path / "image", value) == expected
    assert renderer_lines(tmp_path / "local", value) == expected


def test_no_trusted_proxies_writes_no_line(tmp_path: Path) -> None:
    assert start_script_lines(tmp_path / "image", "") == []
    assert renderer_lines(tmp_path / "local", "") == []
    assert trusted_proxies(" , ") == []


@pytest.mark.parametrize("entry", INVALID)
def test_a_bad_entry_stops_the_gateway_with_one_sentence(tmp_path: Path, entry: str) -> None:
    sentence = (
        f'TRUSTED_PROXIES: "{entry}" is not an IP address or CIDR range such as 10.0.0.0/8 or fd00::/8.'
    )
    result, _ = run_start_script("compose", tmp_path, env={"TRUSTED_PROXIES": f"10.0.0.0/8,{entry}"})
    assert result.returncode != 0
    assert result.stderr.strip() == sentence
    with pytest.raises(GatewayError) as refused:
        trusted_proxies(f"10.0.0.0/8,{entry}")
    assert str(refused.value) == sentence
