"""Password hashing: argon2id for new hashes, legacy bcrypt still verifies (then rehashed)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import bcrypt
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..runtime.settings import Settings

BCRYPT_MAX_BYTES = 72
_hashers: dict[tuple[int, int, int], PasswordHasher] = {}
_dummy_hashes: dict[tuple[int, int, int], str] = {}
_T = TypeVar("_T")


def _hash_slots() -> int:
    """Hashes one worker process runs at once: its share of the CPUs (at least one).

    A hash keeps a CPU busy for its whole duration; more hashes than CPUs only make each one
    slower, and each holds 19 MiB meanwhile. Threads beyond the share wait their turn.
    """
    cpus = os.cpu_count() or 1
    try:
        workers = max(1, int(os.environ.get("WEB_CONCURRENCY") or cpus))
    except ValueError:
        workers = cpus
    return max(1, cpus // workers)


# The hashes run on threads of their own, as many as the worker's share of the CPUs; the
# request threads wait for them. argon2id's 19 MiB block then stays with those few threads
# (glibc keeps a freed block in the arena of the thread that used it), instead of every request
# thread keeping one of its own after its first login: 4 threads, 4 blocks.
_hashing = ThreadPoolExecutor(max_workers=_hash_slots(), thread_name_prefix="password-hash")


def _on_a_hashing_thread(work: Callable[[], _T]) -> _T:
    return _hashing.submit(work).result()


def _hasher(settings: Settings) -> PasswordHasher:
    key = (settings.ARGON2_TIME_COST, settings.ARGON2_MEMORY_COST, settings.ARGON2_PARALLELISM)
    if key not in _hashers:
        _hashers[key] = PasswordHasher(time_cost=key[0], memory_cost=key[1], parallelism=key[2], type=Type.ID)
    return _hashers[key]


def hash_password(settings: Settings, password: str) -> str:
    hasher = _hasher(settings)
    return _on_a_hashing_thread(lambda: hasher.hash(password))


def is_legacy_hash(stored: str) -> bool:
    return stored.startswith(("$2a$", "$2b$", "$2y$"))


def verify_password(settings: Settings, stored: str, password: str) -> bool:
    if is_legacy_hash(stored):
        encoded = password.encode()
        # bcrypt only reads 72 bytes and bcrypt>=5 raises on longer input: treat a longer
        # password as a mismatch instead of silently comparing a truncated prefix.
        if len(encoded) > BCRYPT_MAX_BYTES:
            return False
        try:
            return _on_a_hashing_thread(lambda: bcrypt.checkpw(encoded, stored.encode()))
        except ValueError:
            return False
    hasher = _hasher(settings)
    try:
        return _on_a_hashing_thread(lambda: hasher.verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(settings: Settings, stored: str) -> bool:
    return is_legacy_hash(stored) or _hasher(settings).check_needs_rehash(stored)


def burn_dummy_hash(settings: Settings, password: str) -> None:
    """Spend the same time as a real verification when the account does not exist.

    Without this, "unknown email" answers measurably faster than "wrong password",
    which tells an attacker which emails have accounts.
    """
    hasher = _hasher(settings)
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _on_a_hashing_thread(lambda: hasher.hash("dummy password for timing equalisation"))
    dummy = _dummy_hashes[key]
    with contextlib.suppress(VerificationError):
        _on_a_hashing_thread(lambda: hasher.verify(dummy, password))
