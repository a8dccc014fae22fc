"""Every field of Settings is documented, with its default and what it means: in both
.env.example files (the stack's and the service's) and in the README's configuration table.

A documented default is checked by parsing it as the field does, so `true`, `10` and `10.0`
stand for the same values the service would read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from users_service.runtime.settings import Settings

SERVICE_ROOT = Path(__file__).resolve().parents[2]
REPO_ROOT = SERVICE_ROOT.parents[1]
ENV_EXAMPLES = [REPO_ROOT / ".env.example", SERVICE_ROOT / ".env.example"]
README = REPO_ROOT / "README.md"
# Where the variables that are not fields of Settings are read: the server, the tests, `make up`.
READERS = [SERVICE_ROOT / "users_service", SERVICE_ROOT / "tests", REPO_ROOT / "tools"]

ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
TABLE_NAME = re.compile(r"^`([A-Z][A-Z0-9_]*)`$")
LITERAL = re.compile(r"^`([^`]*)`")


@dataclass(frozen=True)
class Documented:
    name: str
    default: str | None  # None: the text says "unset"
    meaning: str
    where: str


def read_env_example(path: Path) -> list[Documented]:
    """``NAME=value`` lines; each block of them is explained by the comment lines just above."""
    entries: list[Documented] = []
    comment: list[str] = []
    after_assignment = False
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith("#"):
            if after_assignment:
                comment = []
            comment.append(line.lstrip("#").strip())
            after_assignment = False
        elif match := ASSIGNMENT.match(line):
            name, value = match.groups()
            entries.append(Documented(name, value, " ".join(comment).strip(), f"{path.name}:{number}"))
            after_assignment = True
        else:
            comment, after_assignment = [], False
    return entries


def read_readme_configuration() -> list[Documented]:
    """The rows of the tables under "## Configuration": | `NAME` | default | meaning |."""
    section = README.read_text().split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    entries = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or not (match := TABLE_NAME.match(cells[0])):
            continue
        name, default_text, meaning = match.group(1), cells[1], cells[2]
        literal = LITERAL.match(default_text)
        if literal:
            default: str | None = literal.group(1)
        else:
            assert default_text.startswith("unset"), (
                f"README: the default of {name} is neither a `value` nor 'unset ...': {default_text!r}"
            )
            default = None
        entries.append(Documented(name, default, meaning, "README.md"))
    return entries


SOURCES = {path.relative_to(REPO_ROOT).as_posix(): read_env_example(path) for path in ENV_EXAMPLES}
SOURCES["README.md"] = read_readme_configuration()


def documented_default_matches(name: str, text: str | None) -> bool:
    field = Settings.model_fields[name]
    if text is None or text == "":
        return field.default == ""
    try:
        value: Any = TypeAdapter(field.annotation).validate_python(text)
    except ValidationError:
        return False
    return bool(value == field.default)


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_every_setting_is_documented_once_with_its_meaning(source: str) -> None:
    entries = SOURCES[source]
    names = [entry.name for entry in entries]
    assert sorted(set(Settings.model_fields) - set(names)) == [], f"{source} lacks these settings"
    assert sorted({name for name in names if names.count(name) > 1}) == [], f"{source} repeats these"
    unexplained = [entry.name for entry in entries if len(entry.meaning) < 10]
    assert unexplained == [], f"{source} does not say what these mean"


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_every_documented_default_is_the_real_one(source: str) -> None:
    wrong = [
        f"{entry.where}: {entry.name}={entry.default!r}, the default is {Settings.model_fields[entry.name].default!r}"
        for entry in SOURCES[source]
        if entry.name in Settings.model_fields and not documented_default_matches(entry.name, entry.default)
    ]
    assert wrong == []


def test_other_documented_variables_are_read_somewhere() -> None:
    """Names that are not settings (server, `make up`, tests) must be real, not typos or leftovers."""
    code = "\n".join(path.read_text() for folder in READERS for path in folder.rglob("*.py"))
    others = {entry.name for entries in SOURCES.values() for entry in entries} - set(Settings.model_fields)
    assert others, "the server's own variables (BIND, WEB_THREADS, ...) are documented too"
    assert sorted(name for name in others if f'"{name}"' not in code) == []


def test_the_readme_and_the_stack_example_list_the_same_variables() -> None:
    stack = {entry.name for entry in SOURCES[".env.example"]}
    readme = {entry.name for entry in SOURCES["README.md"]}
    assert sorted(stack ^ readme) == []


def test_the_checks_see_a_wrong_default_or_a_missing_meaning(tmp_path: Path) -> None:
    assert not documented_default_matches("ACCESS_TOKEN_TTL", "600")
    assert not documented_default_matches("RATE_LIMIT_ENABLED", "false")
    assert not documented_default_matches("DB_POOL_SIZE", "five")
    assert not documented_default_matches("SECRET_KEY", "changeme")
    assert documented_default_matches("RATE_LIMIT_ENABLED", "true")
    assert documented_default_matches("REQUEST_DEADLINE", "10")
    assert documented_default_matches("REDIS_URL", None)
    example = tmp_path / ".env.example"
    example.write_text("# What the first two are.\nFIRST=1\nSECOND=2\n\nUNEXPLAINED=3\n")
    assert [(e.name, e.default, e.meaning) for e in read_env_example(example)] == [
        ("FIRST", "1", "What the first two are."),
        ("SECOND", "2", "What the first two are."),
        ("UNEXPLAINED", "3", ""),
    ]
