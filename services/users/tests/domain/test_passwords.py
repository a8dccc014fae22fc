"""Password hashing runs on a few threads of its own (users_service.domain.passwords)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from argon2 import PasswordHasher

from users_service.domain.passwords import burn_dummy_hash, hash_password, verify_password
from users_service.runtime.settings import Settings


def test_every_hash_runs_on_the_hashing_threads_whatever_thread_asks(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """argon2id's 19 MiB block stays with the threads that used it: with hashes on request
    threads, a worker would keep one block per request thread after a burst of logins."""
    threads: set[str] = set()
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def recorded_hash(self: PasswordHasher, password: str, **options: Any) -> str:
        threads.add(threading.current_thread().name)
        return real_hash(self, password, **options)

    def recorded_verify(self: PasswordHasher, stored: str, password: str) -> bool:
        threads.add(threading.current_thread().name)
        return real_verify(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "hash", recorded_hash)
    monkeypatch.setattr(PasswordHasher, "verify", recorded_verify)

    def login_like(number: int) -> bool:
        stored = hash_password(settings, f"passphrase number {number}")
        burn_dummy_hash(settings, "whatever")
        return verify_password(settings, stored, f"passphrase number {number}")

    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="request") as requests:
        assert all(requests.map(login_like, range(24)))
    assert threads, "no hash was recorded"
    assert all(name.startswith("password-hash") for name in threads), threads
    assert len(threads) <= (os.cpu_count() or 1)


def test_a_wrong_password_and_a_bad_hash_are_false_not_errors(settings: Settings) -> None:
    stored = hash_password(settings, "the right passphrase")
    assert verify_password(settings, stored, "the right passphrase")
    assert not verify_password(settings, stored, "a wrong passphrase")
    assert not verify_password(settings, "$argon2id$not-a-hash", "the right passphrase")
