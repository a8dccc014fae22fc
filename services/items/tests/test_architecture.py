"""The package's shape: layers that import one way, one owner of the transaction, libraries
used through their public APIs only, and the shared kit reused rather than copied."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SERVICE_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = SERVICE_ROOT / "items_service"


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _calls_of(attribute: str) -> list[str]:
    return [
        f"{path.relative_to(SERVICE_ROOT)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == attribute
    ]


def test_imports_go_web_to_domain_to_db_and_the_domain_knows_no_http() -> None:
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


def test_only_the_kits_unit_of_work_commits_or_rolls_back() -> None:
    assert _calls_of("commit") == []
    assert _calls_of("rollback") == []


def test_no_private_attribute_of_another_object_is_touched() -> None:
    found = [
        f"{path.relative_to(SERVICE_ROOT)}:{node.lineno} .{node.attr}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]
    assert found == []


def test_no_behaviour_is_chosen_by_endpoint_name() -> None:
    found = [
        f"{path.relative_to(SERVICE_ROOT)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "endpoint"
    ]
    assert found == []


def test_the_users_service_is_never_imported() -> None:
    found = [
        f"{path.relative_to(SERVICE_ROOT)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom | ast.Import)
        and any(
            (alias.name if isinstance(node, ast.Import) else node.module or "").startswith("users_service")
            for alias in node.names
        )
    ]
    assert found == []
