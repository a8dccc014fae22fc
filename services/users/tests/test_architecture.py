"""The package's shape, and the shared kit's: layers that import one way, one owner of the
transaction, and libraries used through their public APIs only."""

from __future__ import annotations

from pathlib import Path

from service_kit.testing import (
    endpoint_lookups,
    import_contracts,
    method_calls,
    modules_loaded_by,
    private_attributes_of_others,
)

SERVICE_ROOT = Path(__file__).resolve().parents[1]
KIT_ROOT = SERVICE_ROOT.parent / "kit"
PACKAGES = (SERVICE_ROOT / "users_service", KIT_ROOT / "service_kit")
UNIT_OF_WORK = KIT_ROOT / "service_kit" / "db" / "database.py"


def test_imports_go_web_to_domain_to_db_and_the_domain_knows_no_http() -> None:
    result = import_contracts(SERVICE_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_kits_layers_import_one_way() -> None:
    result = import_contracts(KIT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_only_the_unit_of_work_commits_or_rolls_back() -> None:
    calls = method_calls({"commit", "rollback"}, *PACKAGES)
    assert [where for where in calls if not where.startswith(f"{UNIT_OF_WORK}:")] == []


def test_no_private_attribute_of_another_object_is_touched() -> None:
    assert private_attributes_of_others(*PACKAGES) == []


def test_no_behaviour_is_chosen_by_endpoint_name() -> None:
    assert endpoint_lookups(*PACKAGES) == []


def test_the_relay_process_loads_no_web_app() -> None:
    """``python -m users_service.relay`` runs without Flask: it needs the database and the
    domain only, and each web library it loaded would cost every deployment memory."""
    loaded = modules_loaded_by("users_service.relay", SERVICE_ROOT)
    assert "users_service.domain.relay" in loaded
    assert "flask" not in loaded
    assert "users_service.web" not in loaded
