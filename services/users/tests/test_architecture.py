"""The package's shape: layers that import one way, one owner of the transaction, and
libraries used through their public APIs only."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SERVICE_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = SERVICE_ROOT / "users_service"
UNIT_OF_WORK = PACKAGE / "db" / "database.py"


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SERVICE_ROOT)}:{getattr(node, 'lineno', '?')}"


def test_imports_go_web_to_domain_to_db_and_the_domain_knows_no_http() -> None:
    # The contracts are in pyproject.toml ([tool.importlinter]).
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--config", "pyproject.toml", "--no-cache"],
        cwd=SERVICE_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_only_the_unit_of_work_commits_or_rolls_back() -> None:
    found = [
        _where(path, node)
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
        and path != UNIT_OF_WORK
    ]
    assert found == []


def test_no_private_attribute_of_another_object_is_touched() -> None:
    # ``thing._name`` reaches past a library's public API: only an object's own (self, cls)
    # private attributes may be used.
    found = [
        _where(path, node) + f" .{node.attr}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]
    assert found == []


def test_no_behaviour_is_chosen_by_endpoint_name() -> None:
    # How a route runs is declared beside it, never looked up by its name elsewhere.
    found = [
        _where(path, node)
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "endpoint"
    ]
    assert found == []
