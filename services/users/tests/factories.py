"""Test data helpers: users straight into the database, tokens through the real API."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from apiflask import APIFlask
from flask.testing import FlaskClient
from service_kit.db.database import Database
from werkzeug.test import TestResponse

from users_service.domain.models import User
from users_service.domain.users import create_user
from users_service.runtime.keys import generate_pem

DEFAULT_PASSWORD = "correct horse battery staple"

# What production refuses to start without; the Redis URL is never connected to by settings alone.
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "p" * 40,
    "JWT_PRIVATE_KEYS": generate_pem(),
    "REDIS_URL": os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/13",
    "ARGON2_MEMORY_COST": 19_456,
    "ARGON2_TIME_COST": 2,
}


def statuses_at_once(requests: Sequence[Callable[[], TestResponse]]) -> list[int]:
    """The status codes of ``requests``, each sent from a thread of its own at once, sorted."""
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda send=send: statuses.append(send().status_code)) for send in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


def active_admins(app: APIFlask) -> int:
    with database_of(app).unit_of_work() as session:
        return session.query(User).filter_by(admin=True, active=True).count()


def database_of(app: APIFlask) -> Database:
    """The app's database, for tests that read or write behind the API's back."""
    return app.extensions["database"]  # type: ignore[no-any-return]


@dataclass
class UserRef:
    """Plain values of a created user (model instances do not outlive the app context)."""

    id: int
    username: str
    email: str
    password: str
    admin: bool


class AuthActions:
    def __init__(self, app: APIFlask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self._count = 0

    def create_user(
        self,
        *,
        username: str | None = None,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        admin: bool = False,
        active: bool = True,
        # Verified unless a test is about verification: most accounts in use have been.
        email_verified: bool = True,
    ) -> UserRef:
        self._count += 1
        username = username or f"user.number{self._count}"
        email = email or f"user{self._count}@example.com"
        with database_of(self.app).unit_of_work() as session:
            user = create_user(
                session=session,
                settings=self.app.extensions["settings"],
                username=username,
                email=email,
                password=password,
                admin=admin,
                active=active,
                email_verified=email_verified,
            )
        return UserRef(user.id, user.username, user.email, password, user.admin)

    def login(self, email: str, password: str = DEFAULT_PASSWORD, **kwargs: Any) -> TestResponse:
        return self.client.post("/auth/login", json={"email": email, "password": password}, **kwargs)

    def token(self, user: UserRef) -> str:
        response = self.login(user.email, user.password)
        assert response.status_code == 200, response.json
        return str(response.json["auth_token"])

    def headers(self, user: UserRef) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}

    def db_user(self, user_id: int) -> User | None:
        with database_of(self.app).unit_of_work() as session:
            return session.get(User, user_id)
