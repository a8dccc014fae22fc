"""caller_for_access_token: a token gives its account's current row, or nothing, remembered or not."""

from __future__ import annotations

import pytest
from apiflask import APIFlask
from sqlalchemy import update

from tests.factories import AuthActions, database_of
from users_service.domain.errors import TokenRejected
from users_service.domain.models import User
from users_service.domain.tokens import caller_for_access_token, decode_access_token, revoke_access_token

FIELDS = ("id", "username", "email", "active", "admin", "created_date", "token_version")


def test_a_valid_token_gives_the_users_current_columns(app: APIFlask, auth: AuthActions) -> None:
    ref = auth.create_user(admin=True)
    token = auth.token(ref)
    tokens = app.extensions["verified_tokens"]
    with database_of(app).unit_of_work() as session:
        stored = session.get(User, ref.id)
        assert stored is not None
        expected = {field: getattr(stored, field) for field in FIELDS}
    with database_of(app).autocommit() as connection:
        caller, claims = caller_for_access_token(connection=connection, tokens=tokens, token=token)
    assert {field: getattr(caller, field) for field in FIELDS} == expected
    assert claims["sub"] == str(ref.id)


@pytest.mark.parametrize("change", ["deactivated", "token version bumped", "token revoked", "deleted"])
def test_a_token_that_no_longer_holds_is_refused(app: APIFlask, auth: AuthActions, change: str) -> None:
    ref = auth.create_user()
    token = auth.token(ref)
    settings, tokens = app.extensions["settings"], app.extensions["verified_tokens"]
    database = database_of(app)
    # Verified once, so remembered: what changed since must still refuse it.
    with database.autocommit() as connection:
        caller_for_access_token(connection=connection, tokens=tokens, token=token)
    with database.unit_of_work() as session:
        if change == "deactivated":
            session.execute(update(User).where(User.id == ref.id).values(active=False))
        elif change == "token version bumped":
            session.execute(update(User).where(User.id == ref.id).values(token_version=User.token_version + 1))
        elif change == "token revoked":
            revoke_access_token(session=session, claims=decode_access_token(settings, token))
        else:
            session.delete(session.get(User, ref.id))
    with pytest.raises(TokenRejected), database.autocommit() as connection:
        caller_for_access_token(connection=connection, tokens=tokens, token=token)
