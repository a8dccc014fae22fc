"""What a remembered token must still pass, and what is never remembered."""

from __future__ import annotations

import time
from typing import Any

import pytest

from service_kit.tokens import VerifiedTokens


class Refused(Exception):
    pass


class Checker:
    """A stand-in for a signature check: tokens are "<kid>:<exp>", valid when the kid is held."""

    def __init__(self) -> None:
        self.keys: dict[str, object] = {"k1": object()}
        self.checked: list[str] = []

    def verify(self, token: str) -> tuple[str, object, dict[str, Any]]:
        self.checked.append(token)
        kid, _, exp = token.partition(":")
        key = self.keys.get(kid)
        if key is None or float(exp) <= time.time():
            raise Refused(token)
        return kid, key, {"exp": float(exp), "sub": token}

    def key_named(self, kid: str) -> object | None:
        return self.keys.get(kid)


@pytest.fixture
def checker() -> Checker:
    return Checker()


@pytest.fixture
def verified(checker: Checker) -> VerifiedTokens[object]:
    return VerifiedTokens(checker.verify, checker.key_named)


def token(kid: str = "k1", ttl: float = 60) -> str:
    return f"{kid}:{time.time() + ttl}"


def test_a_token_is_checked_in_full_once_then_remembered(checker: Checker, verified: VerifiedTokens[object]) -> None:
    first, second = token(), token(ttl=120)
    for _ in range(3):
        assert verified.claims(first)["sub"] == first
    verified.claims(second)
    assert checker.checked == [first, second]


def test_a_refused_token_is_not_remembered(checker: Checker, verified: VerifiedTokens[object]) -> None:
    unknown = token(kid="k9")
    for _ in range(2):
        with pytest.raises(Refused):
            verified.claims(unknown)
    assert checker.checked == [unknown, unknown]
    assert verified.entries == {}


def test_a_remembered_token_that_expires_gets_the_full_checks_answer(
    checker: Checker, verified: VerifiedTokens[object]
) -> None:
    short = token(ttl=0.2)
    verified.claims(short)
    time.sleep(0.25)
    with pytest.raises(Refused):
        verified.claims(short)
    assert checker.checked == [short, short]
    assert short not in verified.entries


def test_a_remembered_token_of_a_removed_key_is_checked_again_and_refused(
    checker: Checker, verified: VerifiedTokens[object]
) -> None:
    held = token()
    verified.claims(held)
    del checker.keys["k1"]
    with pytest.raises(Refused):
        verified.claims(held)


def test_a_remembered_token_whose_kid_names_another_key_now_is_checked_again(
    checker: Checker, verified: VerifiedTokens[object]
) -> None:
    held = token()
    verified.claims(held)
    checker.keys["k1"] = object()  # the same name, a different key
    verified.claims(held)
    assert checker.checked == [held, held]


def test_the_number_of_remembered_tokens_is_bounded(checker: Checker) -> None:
    verified = VerifiedTokens(checker.verify, checker.key_named, max_entries=3)
    tokens = [token(ttl=60 + n) for n in range(7)]
    for each in tokens:
        verified.claims(each)
    assert list(verified.entries) == tokens[-3:]
