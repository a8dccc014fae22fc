"""user_for_access_token: the same answers whether the caller is loaded through the session or,
for routes that only read the caller, detached (read outside the session)."""

from __future__ import annotations

import pytest
from apiflask import APIFlask
from sqlalchemy import update

from tests.factories import AuthActions
from users_service.extensions import db
from users_service.models import User
from users_service.services.tokens import TokenError, decode_access_token, revoke_access_token, user_for_access_token

FIELDS = ("id", "username", "email", "active", "admin", "created_date", "token_version")


@pytest.mark.parametrize("detached", [False, True])
def test_a_valid_token_gives_the_users_current_columns(app: APIFlask, auth: AuthActions, detached: bool) -> None:
    ref = auth.create_user(admin=True)
    token = auth.token(ref)
    with app.app_context():
        stored = db.session.get(User, ref.id)
        assert stored is not None
        expected = {field: getattr(stored, field) for field in FIELDS}
        db.session.rollback()
        user, claims = user_for_access_token(session=db.session, token=token, detached=detached)
        assert {field: getattr(user, field) for field in FIELDS} == expected
        assert claims["sub"] == str(ref.id)
        # A detached user is not in the session: nothing done to it can be flushed.
        assert (user in db.session) is not detached


@pytest.mark.parametrize("detached", [False, True])
@pytest.mark.parametrize("change", ["deactivated", "token version bumped", "token revoked", "deleted"])
def test_a_token_that_no_longer_holds_is_refused(app: APIFlask, auth: AuthActions, detached: bool, change: str) -> None:
    ref = auth.create_user()
    token = auth.token(ref)
    with app.app_context():
        if change == "deactivated":
            db.session.execute(update(User).where(User.id == ref.id).values(active=False))
        elif change == "token version bumped":
            db.session.execute(update(User).where(User.id == ref.id).values(token_version=User.token_version + 1))
        elif change == "token revoked":
            revoke_access_token(session=db.session, claims=decode_access_token(token))
        else:
            db.session.delete(db.session.get(User, ref.id))
        db.session.commit()
        with pytest.raises(TokenError):
            user_for_access_token(session=db.session, token=token, detached=detached)
