"""Storing audit events: with the unit of work that commits, else by the scope's own writer;
pruning by age."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from apiflask import APIFlask
from sqlalchemy import select

from tests.factories import database_of
from users_service.domain import audit
from users_service.domain.audit import AuditRecord
from users_service.domain.models import AuditEvent, utcnow


def stored(app: APIFlask) -> list[tuple[str, int | None]]:
    with database_of(app).unit_of_work() as session:
        return [(row.event, row.user_id) for row in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_events_join_the_unit_of_work_that_commits(app: APIFlask) -> None:
    leftovers: list[AuditRecord] = []
    with audit.recording(leftovers.extend, request_id="r1", address="192.0.2.1"):
        with database_of(app).unit_of_work():
            audit.audit("something_changed", user_id=7, detail="kept")
        assert stored(app) == [("something_changed", 7)]
    assert leftovers == []


def test_events_of_a_unit_of_work_that_rolls_back_are_left_for_the_scopes_writer(app: APIFlask) -> None:
    leftovers: list[AuditRecord] = []
    with (
        audit.recording(leftovers.extend, request_id="r2", address=None),
        pytest.raises(RuntimeError),
        database_of(app).unit_of_work(),
    ):
        audit.audit("refused", user_id=3)
        raise RuntimeError("refused")
    assert stored(app) == []
    assert [(record.event, record.user_id, record.request_id) for record in leftovers] == [("refused", 3, "r2")]


def test_the_scopes_caller_is_the_actor_of_events_that_name_nobody(app: APIFlask) -> None:
    leftovers: list[AuditRecord] = []
    with audit.recording(leftovers.extend, request_id=None, address="192.0.2.9"):
        audit.identify(42)
        audit.audit("access_denied", reason="You do not have permission to do that.")
        audit.audit("email_changed", user_id=5, actor_id=42, by_admin=True)
    denied, changed = leftovers
    assert (denied.user_id, denied.target_user_id, denied.address) == (42, None, "192.0.2.9")
    assert (changed.user_id, changed.target_user_id) == (42, 5)
    assert json.loads(changed.details) == {"by_admin": True}


def test_outside_a_scope_an_event_is_only_logged(app: APIFlask) -> None:
    with database_of(app).unit_of_work():
        audit.audit("no_scope", user_id=1)
    assert stored(app) == []


def test_details_keep_plain_values_only_and_stay_small() -> None:
    leftovers: list[AuditRecord] = []
    with audit.recording(leftovers.extend, request_id=None, address=None):
        audit.audit("odd", when=utcnow().date(), text="y" * 500, flag=None)
        audit.audit("huge", **{f"field{i}": "z" * 200 for i in range(20)})
    odd, huge = leftovers
    details = json.loads(odd.details)
    assert details["text"] == "y" * 200
    assert details["flag"] is None
    assert isinstance(details["when"], str)
    assert json.loads(huge.details) == {"truncated": True}


@pytest.mark.parametrize("name", ["password", "new_password", "token", "mfa_token", "code", "recovery_code", "secret"])
def test_secret_names_are_never_details(name: str) -> None:
    assert audit.is_secret(name)
    leftovers: list[AuditRecord] = []
    with audit.recording(leftovers.extend, request_id=None, address=None):
        audit.audit("careless", **{name: "s3cr3t"})
    assert "s3cr3t" not in leftovers[0].details


def test_prune_removes_rows_older_than_the_retention(app: APIFlask) -> None:
    now = utcnow()
    with database_of(app).unit_of_work() as session:
        for age in (400, 366, 10):
            record = AuditRecord(now - timedelta(days=age), f"aged_{age}", None, None, None, None, "{}")
            audit.store(session, [record])
    with database_of(app).unit_of_work() as session:
        assert audit.prune(connection=session, retention_days=365, now=now) == 2
    assert stored(app) == [("aged_10", None)]


def test_prune_audit_command_uses_the_retention_setting(make_app: object) -> None:
    assert callable(make_app)
    app = make_app(AUDIT_RETENTION_DAYS=30)
    with database_of(app).unit_of_work() as session:
        audit.store(session, [AuditRecord(utcnow() - timedelta(days=31), "old", None, None, None, None, "{}")])
        audit.store(session, [AuditRecord(utcnow() - timedelta(days=29), "recent", None, None, None, None, "{}")])
    result = app.test_cli_runner().invoke(args=["prune-audit"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 audit events older than 30 days." in result.output
    assert stored(app) == [("recent", None)]
    again = app.test_cli_runner().invoke(args=["prune-audit", "--days", "1"])
    assert "Removed 1 audit events older than 1 days." in again.output


def test_the_relay_prunes_at_start_then_only_when_an_hour_has_passed(app: APIFlask) -> None:
    from redis import Redis

    from users_service.domain.relay import Relay

    relay = Relay(database_of(app), Redis(), stream="unused", audit_retention_days=30)
    old = AuditRecord(utcnow() - timedelta(days=31), "old", None, None, None, None, "{}")
    with database_of(app).unit_of_work() as session:
        audit.store(session, [old])
    relay.prune_when_due()
    assert stored(app) == []
    with database_of(app).unit_of_work() as session:
        audit.store(session, [old])
    relay.prune_when_due()  # within the hour: nothing yet
    assert stored(app) == [("old", None)]
    # Without a retention (a relay built by hand), never.
    Relay(database_of(app), Redis(), stream="unused").prune_when_due()
    assert stored(app) == [("old", None)]
