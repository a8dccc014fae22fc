"""Two-factor login: enrolment, the second step of a login, turning it off, the admin reset
(SECURITY row 79)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pyotp
import pytest
import time_machine
from apiflask import APIFlask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import DEFAULT_PASSWORD, AuthActions, UserRef, database_of
from users_service.domain.models import MfaChallenge, RecoveryCode, TotpSecret, User
from users_service.domain.tokens import sha256

STEP = 30


def code_at(secret: str, offset_steps: int = 0) -> str:
    """The code of the step ``offset_steps`` away from now (within the allowed drift)."""
    return pyotp.TOTP(secret).at(time.time() + offset_steps * STEP)


def enrol(client: FlaskClient, headers: dict[str, str]) -> tuple[str, list[str]]:
    setup = client.post("/auth/2fa/setup", headers=headers)
    assert setup.status_code == 200, setup.json
    secret = setup.json["data"]["secret"]
    confirm = client.post("/auth/2fa/confirm", headers=headers, json={"code": code_at(secret)})
    assert confirm.status_code == 200, confirm.json
    return secret, confirm.json["data"]["recovery_codes"]


def mfa_token(auth: AuthActions, user: UserRef, **kwargs: Any) -> str:
    login = auth.login(user.email, **kwargs)
    assert login.status_code == 200, login.json
    assert login.json["data"]["mfa_required"] is True
    return str(login.json["data"]["mfa_token"])


def verify(client: FlaskClient, token: str, **body: str) -> TestResponse:
    return client.post("/auth/2fa/verify", json={"mfa_token": token, **body})


@pytest.fixture
def enrolled(auth: AuthActions, user: UserRef, client: FlaskClient) -> tuple[str, list[str]]:
    return enrol(client, auth.headers(user))


def test_setup_answers_a_secret_and_its_otpauth_uri(
    make_app: Any,
) -> None:
    app = make_app(TWO_FACTOR_ISSUER="Example Co")
    client, auth = app.test_client(), AuthActions(app, app.test_client())
    user = auth.create_user(email="alice@example.com")
    response = client.post("/auth/2fa/setup", headers=auth.headers(user))
    assert response.status_code == 200
    data = response.json["data"]
    assert len(data["secret"]) == 32
    assert data["otpauth_uri"].startswith("otpauth://totp/Example%20Co:alice%40example.com?secret=")
    assert "issuer=Example%20Co" in data["otpauth_uri"]
    # Pending: a login still needs no code.
    assert "auth_token" in auth.login(user.email).json


def test_setup_needs_an_access_token(client: FlaskClient) -> None:
    response = client.post("/auth/2fa/setup")
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


def test_confirm_turns_two_factor_on_and_answers_ten_recovery_codes_stored_hashed(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    _secret, codes = enrol(client, auth.headers(user))
    assert len(codes) == 10 and len(set(codes)) == 10
    with database_of(app).unit_of_work() as session:
        stored = {row.code_hash for row in session.query(RecoveryCode).filter_by(user_id=user.id)}
        assert session.get(User, user.id).two_factor_enabled is True  # type: ignore[union-attr]
    assert stored == {sha256(code.replace("-", "")) for code in codes}


def test_confirm_with_a_wrong_code_is_refused(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    headers = auth.headers(user)
    secret = client.post("/auth/2fa/setup", headers=headers).json["data"]["secret"]
    wrong = str((int(code_at(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post("/auth/2fa/confirm", headers=headers, json={"code": wrong})
    assert response.status_code == 400
    assert response.json["errors"] == {"code": ["Invalid code."]}
    assert "auth_token" in auth.login(user.email).json


def test_confirm_without_a_setup_is_a_conflict(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    response = client.post("/auth/2fa/confirm", headers=auth.headers(user), json={"code": "123456"})
    assert response.status_code == 409
    assert response.json["message"] == "Start the two-factor setup first."


def test_setup_and_confirm_once_on_are_conflicts(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    token = mfa_token(auth, user)
    headers = {"Authorization": "Bearer " + verify(client, token, code=code_at(enrolled[0], 1)).json["auth_token"]}
    for path, body in (("/auth/2fa/setup", None), ("/auth/2fa/confirm", {"code": "123456"})):
        response = client.post(path, headers=headers, json=body)
        assert response.status_code == 409
        assert response.json["message"] == "Two-factor login is already on."


@pytest.mark.parametrize(
    "body",
    [{}, {"code": ""}, {"code": 123456}, {"code": "1" * 65}, {"code": "12\x003456"}],
)
def test_confirm_validates_its_body(auth: AuthActions, user: UserRef, client: FlaskClient, body: Any) -> None:
    response = client.post("/auth/2fa/confirm", headers=auth.headers(user), json=body)
    assert response.status_code == 400
    assert response.json["message"] == "Invalid payload."
    assert "code" in response.json["errors"]


def test_login_with_two_factor_on_answers_a_challenge_without_tokens_or_cookie(
    auth: AuthActions, user: UserRef, enrolled: tuple[str, list[str]]
) -> None:
    login = auth.login(user.email)
    assert login.status_code == 200
    assert login.json["data"]["mfa_required"] is True
    assert login.json["data"]["expires_in"] == 300
    assert "auth_token" not in login.json
    assert "Set-Cookie" not in login.headers
    assert auth.login(user.email, "a wrong password").status_code == 401


def test_verify_with_a_code_answers_like_a_login(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    response = verify(client, mfa_token(auth, user), code=code_at(enrolled[0], 1))
    assert response.status_code == 200, response.json
    assert response.json["message"] == "Successfully logged in."
    assert response.json["token_type"] == "Bearer"
    assert "refresh_token=" in response.headers["Set-Cookie"]
    status = client.get("/auth/status", headers={"Authorization": f"Bearer {response.json['auth_token']}"})
    assert status.json["data"]["two_factor_enabled"] is True


def test_a_used_mfa_token_is_refused(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    secret, codes = enrolled
    token = mfa_token(auth, user)
    assert verify(client, token, recovery_code=codes[0]).status_code == 200
    again = verify(client, token, code=code_at(secret, 1))
    assert again.status_code == 401
    assert again.json["message"] == "Invalid or expired two-factor login. Please log in again."


@pytest.mark.parametrize("token", ["not-a-token", "x" * 256])
def test_an_unknown_mfa_token_is_refused(client: FlaskClient, enrolled: tuple[str, list[str]], token: str) -> None:
    response = verify(client, token, code=code_at(enrolled[0], 1))
    assert response.status_code == 401
    assert response.json["message"] == "Invalid or expired two-factor login. Please log in again."


def test_an_expired_mfa_token_is_refused(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    token = mfa_token(auth, user)
    with database_of(app).unit_of_work() as session:
        challenge = session.query(MfaChallenge).one()
        challenge.expires_at = challenge.expires_at.replace(year=2000)
        session.commit()
    response = verify(client, token, code=code_at(enrolled[0], 1))
    assert response.status_code == 401


def test_a_wrong_code_is_refused_and_the_mfa_token_still_works(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    token = mfa_token(auth, user)
    for wrong in (
        {"code": "000000" if code_at(enrolled[0], 1) != "000000" else "111111"},
        {"code": "abcdef"},
        {"recovery_code": "0000-0000-0000-0000"},
        {"recovery_code": "nonsense"},
    ):
        response = verify(client, token, **wrong)
        assert response.status_code == 401
        assert response.json["message"] == "Invalid two-factor code."
    assert verify(client, token, code=code_at(enrolled[0], 1)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{"code": "123456"}, {"mfa_token": "t"}, {"mfa_token": "t", "code": "123456", "recovery_code": "abcd"}],
)
def test_verify_validates_its_body(client: FlaskClient, body: dict[str, str]) -> None:
    response = client.post("/auth/2fa/verify", json=body)
    assert response.status_code == 400
    assert response.json["message"] == "Invalid payload."


def test_a_recovery_code_logs_in_once(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    _secret, codes = enrolled
    first = verify(client, mfa_token(auth, user), recovery_code=codes[3].upper().replace("-", " "))
    assert first.status_code == 200
    again = verify(client, mfa_token(auth, user), recovery_code=codes[3])
    assert again.status_code == 401
    assert again.json["message"] == "Invalid two-factor code."


def test_a_deactivated_users_mfa_token_stops_working(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    token = mfa_token(auth, user)
    with database_of(app).unit_of_work() as session:
        session.get(User, user.id).active = False  # type: ignore[union-attr]
        session.commit()
    assert verify(client, token, code=code_at(enrolled[0], 1)).status_code == 401


# SECURITY row 79: totp-and-recovery-codes
def test_a_totp_code_is_refused_a_second_time_within_its_window(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    secret = enrolled[0]
    code = code_at(secret, 1)
    assert verify(client, mfa_token(auth, user), code=code).status_code == 200
    replay = verify(client, mfa_token(auth, user), code=code)
    assert replay.status_code == 401
    assert replay.json["message"] == "Invalid two-factor code."
    # An older step's code is no better once a later one was used.
    assert verify(client, mfa_token(auth, user), code=code_at(secret)).status_code == 401


# SECURITY row 79: totp-and-recovery-codes
def test_a_recovery_code_is_refused_a_second_time(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    code = enrolled[1][0]
    assert verify(client, mfa_token(auth, user), recovery_code=code).status_code == 200
    assert verify(client, mfa_token(auth, user), recovery_code=code).status_code == 401


def wrong_code(secret: str) -> str:
    near = {code_at(secret, offset) for offset in (-1, 0, 1, 2)}
    return next(candidate for candidate in ("000000", "111111", "222222", "333333", "444444") if candidate not in near)


# SECURITY row 79: totp-and-recovery-codes
def test_eleven_wrong_codes_lock_the_account_like_failed_logins(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    secret, codes = enrol(client, auth.headers(user))
    token = mfa_token(auth, user)
    statuses = [verify(client, token, code=wrong_code(secret)).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    locked = verify(client, token, code=code_at(secret, 1))
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    # Locked like a login: the right password is refused too, and so is a recovery code.
    assert auth.login(user.email).status_code == 429
    assert verify(client, token, recovery_code=codes[0]).status_code == 429


# SECURITY row 79: totp-and-recovery-codes
def test_a_right_password_does_not_reset_the_count_of_wrong_codes(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    secret, _codes = enrol(client, auth.headers(user))
    # A fresh login (right password) before every guess.
    statuses = [verify(client, mfa_token(auth, user), code=wrong_code(secret)).status_code for _ in range(10)]
    assert statuses == [401] * 10
    assert auth.login(user.email).status_code == 429


def test_a_right_code_clears_the_count_of_wrong_codes(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    secret, _codes = enrol(client, auth.headers(user))
    token = mfa_token(auth, user)
    assert [verify(client, token, code=wrong_code(secret)).status_code for _ in range(9)] == [401] * 9
    assert verify(client, token, code=code_at(secret, 1)).status_code == 200
    token = mfa_token(auth, user)
    assert [verify(client, token, code=wrong_code(secret)).status_code for _ in range(10)] == [401] * 10


def login_after_mfa(auth: AuthActions, user: UserRef, client: FlaskClient, secret: str, offset: int) -> dict[str, str]:
    response = verify(client, mfa_token(auth, user), code=code_at(secret, offset))
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['auth_token']}"}


def test_disable_needs_the_password_and_a_code(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    secret, codes = enrolled
    headers = login_after_mfa(auth, user, client, secret, 1)
    wrong_password = client.delete("/auth/2fa", headers=headers, json={"password": "not it", "code": codes[0]})
    assert wrong_password.status_code == 400
    assert wrong_password.json["errors"] == {"password": ["Password is incorrect."]}
    wrong = client.delete("/auth/2fa", headers=headers, json={"password": DEFAULT_PASSWORD, "code": wrong_code(secret)})
    assert wrong.status_code == 400
    assert wrong.json["errors"] == {"code": ["Invalid code."]}
    # The code of the login is spent; a recovery code works instead.
    spent = client.delete("/auth/2fa", headers=headers, json={"password": DEFAULT_PASSWORD, "code": code_at(secret, 1)})
    assert spent.status_code == 400
    off = client.delete("/auth/2fa", headers=headers, json={"password": DEFAULT_PASSWORD, "code": codes[0]})
    assert off.status_code == 200
    assert off.json["message"] == "Two-factor login is off."
    assert "auth_token" in auth.login(user.email).json
    again = client.delete("/auth/2fa", headers=headers, json={"password": DEFAULT_PASSWORD, "code": codes[1]})
    assert again.status_code == 409
    assert again.json["message"] == "Two-factor login is not on."


def test_disable_with_a_totp_code(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    secret = enrolled[0]
    headers = login_headers(auth, user, client, enrolled)
    off = client.delete("/auth/2fa", headers=headers, json={"password": DEFAULT_PASSWORD, "code": code_at(secret, 1)})
    assert off.status_code == 200
    with database_of(app).unit_of_work() as session:
        assert session.query(TotpSecret).count() == 0
        assert session.query(RecoveryCode).count() == 0


def test_an_admin_resets_a_users_two_factor_and_it_is_audited(
    auth: AuthActions,
    user: UserRef,
    admin: UserRef,
    client: FlaskClient,
    enrolled: tuple[str, list[str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert (
        client.delete(f"/users/{user.id}/2fa", headers=login_headers(auth, user, client, enrolled)).status_code == 403
    )
    with caplog.at_level("INFO", logger="users_service.audit"):
        response = client.delete(f"/users/{user.id}/2fa", headers=auth.headers(admin))
    assert response.status_code == 200
    assert response.json["message"] == "Two-factor login was reset."
    assert any(getattr(r, "event", None) == "2fa_reset" and r.actor_id == admin.id for r in caplog.records)
    assert "auth_token" in auth.login(user.email).json
    assert client.delete("/users/999999/2fa", headers=auth.headers(admin)).status_code == 404


def login_headers(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> dict[str, str]:
    response = verify(client, mfa_token(auth, user), recovery_code=enrolled[1][-1])
    return {"Authorization": f"Bearer {response.json['auth_token']}"}


def test_two_factor_events_are_audited_and_no_secret_or_code_is_logged(
    auth: AuthActions, user: UserRef, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = auth.headers(user)
    secret, codes = enrol(client, headers)
    token = mfa_token(auth, user)
    verify(client, token, code=wrong_code(secret))
    used = code_at(secret, 1)
    verify(client, token, code=used)
    token = mfa_token(auth, user)
    verify(client, token, recovery_code=codes[0])
    logs = capsys.readouterr().out
    for event in ("2fa_enabled", "2fa_failed", "recovery_code_used", "login_mfa_required"):
        assert f'"event": "{event}"' in logs
    for value in (secret, used, token, *codes, *(code.replace("-", "") for code in codes)):
        assert value not in logs


def test_codes_more_than_a_step_away_are_refused(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    token = mfa_token(auth, user)
    for offset in (-2, 2, 3):
        assert verify(client, token, code=code_at(enrolled[0], offset)).status_code == 401
    assert verify(client, token, code=code_at(enrolled[0], 1)).status_code == 200


def test_a_later_window_brings_a_new_code_that_is_accepted(
    auth: AuthActions, user: UserRef, client: FlaskClient, enrolled: tuple[str, list[str]]
) -> None:
    secret = enrolled[0]
    assert verify(client, mfa_token(auth, user), code=code_at(secret, 1)).status_code == 200
    with time_machine.travel(time.time() + 3 * STEP, tick=False):
        assert verify(client, mfa_token(auth, user), code=code_at(secret)).status_code == 200


# SECURITY row 79: totp-and-recovery-codes (two logins racing with one code, decided by PostgreSQL's row locks)
def test_one_code_sent_by_two_logins_at_once_opens_one_of_them(
    postgres_app: APIFlask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from users_service.domain import two_factor

    client = postgres_app.test_client()
    auth = AuthActions(postgres_app, client)
    user = auth.create_user()
    secret, _codes = enrol(client, auth.headers(user))
    tokens = [mfa_token(auth, user), mfa_token(auth, user)]
    # Both requests have found their challenge before either locks the account.
    both_inside = threading.Barrier(2, timeout=10)
    lock_user = two_factor.lock_user

    def lock_once_both_are_inside(**kwargs: Any) -> Any:
        both_inside.wait()
        return lock_user(**kwargs)

    monkeypatch.setattr(two_factor, "lock_user", lock_once_both_are_inside)
    code = code_at(secret, 1)
    statuses: list[int] = []

    def log_in(token: str) -> None:
        statuses.append(verify(postgres_app.test_client(), token, code=code).status_code)

    threads = [threading.Thread(target=log_in, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 401]
