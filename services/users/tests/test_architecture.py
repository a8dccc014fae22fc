"""The package's shape, and the shared kit's: layers that import one way, one owner of the
transaction, and libraries used through their public APIs only."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SERVICE_ROOT = Path(__file__).resolve().parents[1]
KIT_ROOT = SERVICE_ROOT.parent / "kit"
PACKAGES = (SERVICE_ROOT / "users_service", KIT_ROOT / "service_kit")
UNIT_OF_WORK = KIT_ROOT / "service_kit" / "db" / "database.py"


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SERVICE_ROOT.parent)}:{getattr(node, 'lineno', '?')}"


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    # The contracts are in the project's pyproject.toml ([tool.importlinter]).
    lint_imports = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(lint_imports), "--config", "pyproject.toml", "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def test_imports_go_web_to_domain_to_db_and_the_domain_knows_no_http() -> None:
    result = _lint_imports(SERVICE_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_kits_layers_import_one_way() -> None:
    result = _lint_imports(KIT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


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
