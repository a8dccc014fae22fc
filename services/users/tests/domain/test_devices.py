"""Known devices: a new one is remembered once; a sign-in from a known one costs one read on
the request's own connection and hands nothing to the background."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apiflask import APIFlask
from sqlalchemy import event, func, select

from tests.factories import DEFAULT_PASSWORD, AuthActions, database_of
from users_service.domain import devices
from users_service.domain.models import KnownDevice


@contextmanager
def statements_sent(app: APIFlask) -> Iterator[list[tuple[str, str]]]:
    """(thread name, SQL) of every statement sent within the block."""
    engine = database_of(app).autocommit_engine  # the pool's owner: sees the transactional view's statements too
    sent: list[tuple[str, str]] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append((threading.current_thread().name, statement))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def note(app: APIFlask, user_id: int, agent: str) -> None:
    settings = app.extensions["settings"]
    with database_of(app).unit_of_work() as session:
        devices.note_sign_in(session=session, settings=settings, user_id=user_id, user_agent=agent, address="192.0.2.1")


def devices_of(app: APIFlask, user_id: int) -> int:
    with database_of(app).autocommit() as connection:
        count = select(func.count()).select_from(KnownDevice).where(KnownDevice.user_id == user_id)
        return int(connection.execute(count).scalar_one())


def test_a_new_device_is_remembered_once(app: APIFlask, auth: AuthActions) -> None:
    ref = auth.create_user()
    before = devices_of(app, ref.id)
    note(app, ref.id, "Phone/1.0")
    note(app, ref.id, "Phone/1.0")
    assert devices_of(app, ref.id) == before + 1


def test_a_known_device_is_one_read_with_no_lock_and_no_insert(app: APIFlask, auth: AuthActions) -> None:
    ref = auth.create_user()
    note(app, ref.id, "Laptop/2.0")
    with statements_sent(app) as sent, database_of(app).autocommit() as connection:
        assert devices.is_known(connection=connection, user_id=ref.id, user_agent="Laptop/2.0")
    [(_thread, statement)] = sent
    assert statement.lstrip().upper().startswith("SELECT")
    assert "known_devices" in statement


def test_a_login_from_a_known_device_leaves_no_background_work(app: APIFlask, auth: AuthActions) -> None:
    ref = auth.create_user()
    login = {"email": ref.email, "password": DEFAULT_PASSWORD}
    headers = {"User-Agent": "Tablet/3.0"}
    client = app.test_client()
    background = app.extensions["background_work"]
    assert client.post("/auth/login", json=login, headers=headers).status_code == 200
    assert background.wait()
    with statements_sent(app) as sent:
        assert client.post("/auth/login", json=login, headers=headers).status_code == 200
        assert background.wait()
    assert not [statement for thread, statement in sent if thread.startswith("background")], sent
    assert devices_of(app, ref.id) == 1
