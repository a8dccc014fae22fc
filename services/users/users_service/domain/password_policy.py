"""Server-side password rules: length, not blank, not common, not built from the username.

No composition rules (NIST SP 800-63B / ASVS V6.2.5): length and a deny-list do the work.
"""

from __future__ import annotations

import re
from itertools import pairwise

MIN_LENGTH = 11
MAX_LENGTH = 128

# Small offline deny-list: the service has no network access at run time, so a breached
# password API is not an option. Bases are also matched with digits/symbols appended.
_COMMON_BASES = frozenset(
    [
        "password",
        "passw0rd",
        "p@ssword",
        "p@ssw0rd",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "letmein",
        "welcome",
        "iloveyou",
        "admin",
        "administrator",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "superman",
        "batman",
        "trustno1",
        "sunshine",
        "princess",
        "shadow",
        "master",
        "michael",
        "jennifer",
        "abc123",
        "starwars",
        "whatever",
        "freedom",
        "changeme",
        "secret",
        "default",
        "login",
        "hello",
        "charlie",
        "donald",
    ]
)
_COMMON_EXACT = frozenset(
    [
        "123456789012",
        "1234567890123",
        "12345678901",
        "123456789010",
        "01234567890",
        "098765432109",
        "11111111111",
        "111111111111",
        "00000000000",
        "000000000000",
        "abcdefghijk",
        "abcdefghijkl",
        "qwertyuiop1",
        "qwertyuiop12",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "qazwsxedcrfv",
        "zaq12wsxcde",
        "passwordpassword",
        "iloveyou1234",
        "welcome12345",
        "letmein12345",
        "adminadmin12",
    ]
)
_TRAILER = re.compile(r"[\d\W_]+$")


def password_problems(password: str, *, username: str | None = None, email: str | None = None) -> list[str]:
    """Human-readable reasons why ``password`` is refused (empty when it is acceptable)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Password must be at most {MAX_LENGTH} characters.")
    if not password.strip():
        problems.append("Password must not be only whitespace.")
    if "\x00" in password:
        problems.append("Password must not contain NUL characters.")
    if problems:
        return problems
    lowered = password.lower()
    base = _TRAILER.sub("", lowered)
    if lowered in _COMMON_EXACT or base in _COMMON_BASES or len(set(lowered)) <= 2 or _is_sequence(lowered):
        problems.append("This password is too common. Choose a less predictable one.")
    for label, value in (("username", username), ("email address", (email or "").split("@")[0])):
        if value and len(value) >= 4 and value.lower() in lowered:
            problems.append(f"Password must not contain your {label}.")
    return problems


def _is_sequence(value: str) -> bool:
    """Runs such as 12345678901 or abcdefghijk."""
    steps = {ord(b) - ord(a) for a, b in pairwise(value)}
    return len(steps) == 1 and steps.pop() in (1, -1)
