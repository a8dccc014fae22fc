"""Strict-Transport-Security wherever people open the site over https (PUBLIC_URL), on every
answer the gateway gives: pages, the API, Swagger UI and its own errors; never over plain http."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .harness import TARGETS, Gateway, serving

HSTS = "max-age=31536000; includeSubDomains"


def answers(gateway: Gateway) -> dict[str, httpx.Response]:
    """One answer of each kind, by what gives it."""
    url = gateway.url
    with httpx.Client() as client:
        result = {
            "page": client.get(url + "/admin/users"),
            "api": client.get(url + "/users/ping"),
            "swagger": client.get(url + "/swagger/"),
            "swagger redirect": client.get(url + "/swagger"),
            "health": client.get(url + "/health"),
            "not found": client.get(url + "/health/none"),
            "too large": client.post(url + "/auth/register", content=b"x" * (2 * 1024 * 1024)),
        }
        logins = [client.post(url + "/auth/login", json={}) for _ in range(60)]
    result["rate limited"] = next(answer for answer in logins if answer.status_code == 429)
    return result


def test_every_kind_of_answer_is_covered(tmp_path: Path) -> None:
    with serving("compose", tmp_path) as gateway:
        statuses = {kind: answer.status_code for kind, answer in answers(gateway).items()}
    assert statuses == {
        "page": 200,
        "api": 200,
        "swagger": 200,
        "swagger redirect": 301,
        "health": 200,
        "not found": 404,
        "too large": 413,
        "rate limited": 429,
    }


# SECURITY row 69: hsts-everywhere-https
@pytest.mark.parametrize("target", TARGETS)
def test_https_public_url_puts_hsts_on_every_answer(tmp_path: Path, target: str) -> None:
    with serving(target, tmp_path, {"PUBLIC_URL": "https://app.example.com"}) as gateway:
        for kind, answer in answers(gateway).items():
            # Once: the service's own header is dropped.
            assert answer.headers.get_list("strict-transport-security") == [HSTS], kind


# SECURITY row 69: hsts-everywhere-https
@pytest.mark.parametrize("target", TARGETS)
def test_the_gateways_502_carries_hsts(tmp_path: Path, target: str) -> None:
    env = {"PUBLIC_URL": "https://app.example.com"}
    with serving(target, tmp_path, env, users_running=False) as gateway:
        answer = httpx.get(gateway.url + "/users/ping")
    assert answer.status_code == 502
    assert answer.headers["retry-after"] == "5"  # the gateway's own answer
    assert answer.headers.get_list("strict-transport-security") == [HSTS]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("public_url", ["http://localhost:8080", ""])
def test_plain_http_sends_no_hsts(tmp_path: Path, target: str, public_url: str) -> None:
    with serving(target, tmp_path, {"PUBLIC_URL": public_url}) as gateway:
        for kind, answer in answers(gateway).items():
            assert "strict-transport-security" not in answer.headers, kind
