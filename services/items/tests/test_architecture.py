"""The package's shape: layers that import one way, one owner of the transaction, libraries
used through their public APIs only, and the shared kit reused rather than copied."""

from __future__ import annotations

from pathlib import Path

from service_kit.testing import (
    endpoint_lookups,
    import_contracts,
    imports_of,
    method_calls,
    modules_loaded_by,
    private_attributes_of_others,
)

SERVICE_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = SERVICE_ROOT / "items_service"


def test_imports_go_web_to_domain_to_db_and_the_domain_knows_no_http() -> None:
    result = import_contracts(SERVICE_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_only_the_kits_unit_of_work_commits_or_rolls_back() -> None:
    assert method_calls({"commit", "rollback"}, PACKAGE) == []


def test_no_private_attribute_of_another_object_is_touched() -> None:
    assert private_attributes_of_others(PACKAGE) == []


def test_no_behaviour_is_chosen_by_endpoint_name() -> None:
    assert endpoint_lookups(PACKAGE) == []


def test_the_users_service_is_never_imported() -> None:
    assert imports_of("users_service", PACKAGE) == []


def test_the_consumer_process_loads_no_web_app() -> None:
    """``python -m items_service.consumer`` runs without Flask: it needs the database and the
    domain only, and each web library it loaded would cost every deployment memory."""
    loaded = modules_loaded_by("items_service.consumer", SERVICE_ROOT)
    assert "items_service.domain.consumer" in loaded
    assert "flask" not in loaded
    assert "items_service.web" not in loaded
