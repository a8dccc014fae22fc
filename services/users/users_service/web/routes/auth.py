from __future__ import annotations

import re
from typing import Any

from apiflask import APIBlueprint
from flask import Response, after_this_request, request
from service_kit.web.bodies import require_json_body
from service_kit.web.database import autocommit, current_connection, current_session, transactional
from service_kit.web.edge import client_ip, rate_limit_identity
from service_kit.web.errors import fail
from service_kit.web.responses import json_response, success

from ...domain import audit as audit_log
from ...domain import auth as accounts
from ...domain import devices, tokens, two_factor, users, verification
from ...domain.errors import DuplicateUser, TokenRejected
from ..audit_trail import in_audit_scope
from ..auth import admin_required, auth, client, current_caller, token_claims
from ..context import background_work, login_throttle, settings, traceparent, verification_mail_limit
from ..rate_limits import AUTH, limited
from ..schemas import (
    AccountDeleteIn,
    AuditPageEnvelope,
    AuditQuery,
    JWKSet,
    LoginEnvelope,
    LoginIn,
    MessageEnvelope,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RecoveryCodesEnvelope,
    RegisterEnvelope,
    RegisterIn,
    SessionListEnvelope,
    TokenEnvelope,
    TwoFactorConfirmIn,
    TwoFactorDisableIn,
    TwoFactorSetupEnvelope,
    TwoFactorVerifyIn,
    UserEnvelope,
    VerifyEmailIn,
)
from ..views import user_view

bp = APIBlueprint("auth", __name__, tag={"name": "Auth", "description": "Registration, login, tokens and passwords."})
bp.before_request(require_json_body)


def refresh_cookie_name() -> str:
    # The __Secure- prefix makes browsers refuse the cookie unless it is Secure and from HTTPS.
    return "__Secure-refresh_token" if settings().secure_cookies else "refresh_token"


def _set_refresh_cookie(value: str) -> None:
    config = settings()

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            refresh_cookie_name(),
            value,
            max_age=config.REFRESH_TOKEN_TTL,
            path="/auth",
            httponly=True,
            secure=config.secure_cookies,
            samesite="Strict",
        )
        return response


def _clear_refresh_cookie() -> None:
    config = settings()

    @after_this_request
    def clear_cookie(response: Response) -> Response:
        response.delete_cookie(
            refresh_cookie_name(), path="/auth", httponly=True, secure=config.secure_cookies, samesite="Strict"
        )
        return response


def _token_answer(message: str, issued: tokens.IssuedTokens, status: int = 200) -> Response:
    _set_refresh_cookie(issued.refresh_token)
    return json_response(
        {
            "status": "success",
            "message": message,
            "auth_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
        },
        status,
    )


def _note_sign_in(issued: tokens.IssuedTokens) -> None:
    """Remember the device, and mail the owner when it is a new one: after the answer, unless
    the account knows it already (most sign-ins), which the route's own connection tells."""
    config, user_id, seen = settings(), issued.user_id, client()
    agent, address = seen.user_agent or "", seen.address or ""
    if devices.is_known(connection=current_connection(), user_id=user_id, user_agent=agent):
        return
    background_work().submit(
        lambda session: devices.note_sign_in(
            session=session, settings=config, user_id=user_id, user_agent=agent, address=address
        )
    )


def _login_answer(issued: tokens.IssuedTokens) -> Response:
    """A finished login's tokens (after its password, or its second factor)."""
    _note_sign_in(issued)
    return _token_answer("Successfully logged in.", issued)


def _reject_cross_site() -> None:
    """Cookie-authenticated endpoints refuse calls from foreign origins (CSRF defence in depth)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    config = settings()
    allowed = {f"{request.scheme}://{request.host}", config.PUBLIC_URL.rstrip("/"), *config.cors_origins}
    if origin not in allowed:
        raise fail(403, "Cross-site request refused.")


@bp.post("/auth/register")
@limited(AUTH)
@transactional
@bp.input(RegisterIn, arg_name="body")
@bp.output(RegisterEnvelope, status_code=201)
@bp.doc(responses={409: "User already exists", 429: "Too many requests"})
def register(body: dict[str, Any]) -> Response:
    """Register

    Creates an account, mails its address a verification link (single-use, 24 hours) and
    logs it in (access token in the body, refresh token as cookie). With
    REQUIRE_VERIFIED_EMAIL on (staging and production by default) it answers no tokens:
    the owner logs in once the link was opened.
    """
    try:
        _user, issued = accounts.register(session=current_session(), settings=settings(), client=client(), **body)
    except DuplicateUser:
        raise fail(409, "Sorry. That user already exists.") from None
    if issued is None:
        return success(201, message=VERIFY_FIRST)
    return _token_answer("Successfully registered.", issued, 201)


VERIFY_FIRST = "Successfully registered. Please open the link we mailed you to verify your address, then log in."


@bp.post("/auth/verify-email")
@limited(AUTH)
@transactional
@bp.input(VerifyEmailIn, arg_name="body")
@bp.output(MessageEnvelope)
@bp.doc(
    responses={
        400: "Invalid, used or expired link",
        409: "The new address was taken meanwhile",
        429: "Too many requests",
    }
)
def verify_email(body: dict[str, Any]) -> Response:
    """Verify an email address

    The token of a link mailed by registration, by `POST /auth/verify-email/resend`, or by
    a change of one's own email. Each link works once, for 24 hours; a newer link of the
    account makes older ones stop working, and so does a password change for a pending
    email change. A change's link makes its address the account's, verified; it answers
    409 when another account took that address meanwhile.
    """
    _user, old_email = users.confirm_email(session=current_session(), token=body["token"])
    if old_email is not None:
        return success(message="Your email address was changed.")
    return success(message="Your email address is verified.")


@bp.post("/auth/verify-email/resend")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(responses={409: "Already verified", 429: "Too many verification emails"})
def resend_verification() -> Response:
    """Mail the verification link again

    A new link to the caller's address (earlier ones stop working). 409 when the address
    is already verified; at most RATE_LIMIT_VERIFICATION_MAIL per account (429 with
    `Retry-After`). With REQUIRE_VERIFIED_EMAIL on, a login with the right password of an
    unverified account mails a new link too (within the same limit).
    """
    caller = current_caller()
    user = users.lock_user(session=current_session(), user_id=caller.id)
    if user is None:
        raise fail(401)
    verification.resend_verification(
        session=current_session(), settings=settings(), user=user, limit=verification_mail_limit()
    )
    return success(message="A new verification link is on its way.")


@bp.post("/auth/login")
@limited(AUTH)
@autocommit
@bp.input(LoginIn, arg_name="body")
@bp.output(LoginEnvelope)
@bp.doc(
    responses={
        401: "Invalid email or password",
        403: "Email not verified (REQUIRE_VERIFIED_EMAIL)",
        429: "Too many requests",
    }
)
def login(body: dict[str, Any]) -> Response:
    """Log in

    Any bad credential gives the same 401. Repeated failures for one account are
    throttled with 429 and a growing `Retry-After`. With two-factor login on, a right
    password answers `data.mfa_required` and `data.mfa_token` instead of tokens: send
    it with a code to `POST /auth/2fa/verify`. With REQUIRE_VERIFIED_EMAIL on, the right
    password of an account whose email is not verified answers 403 (and mails a new link);
    a wrong password answers 401 as always.
    """
    issued = accounts.login(
        connection=current_connection(),
        settings=settings(),
        throttle=login_throttle(),
        email=body["email"],
        password=body["password"],
        ip=rate_limit_identity(client_ip()),
        client=client(),
        verification_mails=verification_mail_limit(),
    )
    if isinstance(issued, two_factor.MfaRequired):
        data = {"mfa_required": True, "mfa_token": issued.mfa_token, "expires_in": issued.expires_in}
        return success(message="Enter your two-factor code.", data=data)
    return _login_answer(issued)


@bp.post("/auth/2fa/verify")
@limited(AUTH)
@transactional
@bp.input(TwoFactorVerifyIn, arg_name="body")
@bp.output(TokenEnvelope)
@bp.doc(
    responses={
        401: "Invalid or expired two-factor login, or a wrong code",
        429: "Too many wrong codes or passwords",
    }
)
def verify_two_factor(body: dict[str, Any]) -> Response:
    """Log in: the two-factor code

    The second step of a login with two-factor on: the `mfa_token` of `POST /auth/login`
    and a `code` of the authenticator app, or one of the `recovery_code`s. Answers like a
    login. A code is accepted once; wrong codes are throttled like wrong passwords.
    """
    issued = two_factor.verify(
        session=current_session(),
        settings=settings(),
        throttle=login_throttle(),
        mfa_token=body["mfa_token"],
        code=body.get("code"),
        recovery_code=body.get("recovery_code"),
        ip=rate_limit_identity(client_ip()),
        client=client(),
    )
    return _login_answer(issued)


@bp.post("/auth/2fa/setup")
@transactional
@bp.auth_required(auth)
@bp.output(TwoFactorSetupEnvelope)
@bp.doc(responses={409: "Two-factor login is already on"})
def setup_two_factor() -> Response:
    """Start two-factor setup

    A new TOTP secret, and its `otpauth://` URI for a QR code. It takes effect once
    `POST /auth/2fa/confirm` sends a code of it; until then logins need no code.
    """
    enrolment = two_factor.start_setup(session=current_session(), settings=settings(), caller=current_caller())
    data = {"secret": enrolment.secret, "otpauth_uri": enrolment.otpauth_uri}
    return success(message="Scan the code, then confirm it with a code of your app.", data=data)


@bp.post("/auth/2fa/confirm")
@transactional
@bp.auth_required(auth)
@limited(AUTH)
@bp.input(TwoFactorConfirmIn, arg_name="body")
@bp.output(RecoveryCodesEnvelope)
@bp.doc(responses={409: "Already on, or no setup started", 429: "Too many wrong codes or passwords"})
def confirm_two_factor(body: dict[str, Any]) -> Response:
    """Turn two-factor login on

    With a code of the secret of `POST /auth/2fa/setup`. Answers ten single-use recovery
    codes, shown this once: only their hashes are kept.
    """
    codes = two_factor.confirm_setup(
        session=current_session(),
        settings=settings(),
        throttle=login_throttle(),
        caller=current_caller(),
        code=body["code"],
        ip=rate_limit_identity(client_ip()),
    )
    return success(message="Two-factor login is on.", data={"recovery_codes": codes})


@bp.delete("/auth/2fa")
@transactional
@bp.auth_required(auth)
@limited(AUTH)
@bp.input(TwoFactorDisableIn, arg_name="body")
@bp.output(MessageEnvelope)
@bp.doc(responses={409: "Two-factor login is not on", 429: "Too many wrong codes or passwords"})
def disable_two_factor(body: dict[str, Any]) -> Response:
    """Turn two-factor login off

    Needs the password and a code of the authenticator app (or a recovery code).
    """
    two_factor.disable(
        session=current_session(),
        settings=settings(),
        throttle=login_throttle(),
        caller=current_caller(),
        password=body["password"],
        code=body["code"],
        ip=rate_limit_identity(client_ip()),
    )
    return success(message="Two-factor login is off.")


@bp.delete("/auth/account")
@transactional
@bp.auth_required(auth)
@limited(AUTH)
@bp.input(AccountDeleteIn, arg_name="body")
@bp.output(MessageEnvelope)
@bp.doc(
    responses={
        400: "Invalid payload, a wrong password, or a wrong or missing two-factor code",
        409: "Last active admin",
        429: "Too many wrong passwords or codes",
    }
)
def delete_account(body: dict[str, Any]) -> Response:
    """Delete one's own account

    Needs the password, and `code` (of the authenticator app, or a recovery code) when
    two-factor login is on. Every session ends and the refresh cookie is cleared; the
    other services delete the account's data. Wrong passwords and codes are throttled per
    account like failed logins. The last active admin cannot delete itself.
    """
    accounts.delete_account(
        session=current_session(),
        settings=settings(),
        throttle=login_throttle(),
        caller=current_caller(),
        password=body["password"],
        code=body.get("code"),
        ip=rate_limit_identity(client_ip()),
        traceparent=traceparent(),
    )
    _clear_refresh_cookie()
    return success(message="Your account was deleted.")


@bp.post("/auth/refresh")
@limited(AUTH)
@transactional
@bp.output(TokenEnvelope)
@bp.doc(
    responses={
        401: "Missing, invalid, expired or reused refresh token",
        403: "Cross-site request",
        429: "Too many requests",
    }
)
def refresh() -> Response:
    """Refresh the access token

    Uses the httpOnly refresh cookie (path `/auth`) and rotates it. Reusing an old refresh
    token ends the whole session.
    """
    _reject_cross_site()
    raw = request.cookies.get(refresh_cookie_name())
    if not raw or len(raw) > 256:
        raise fail(401, "Provide a valid refresh token.")
    try:
        _user, issued = tokens.rotate_refresh_token(
            session=current_session(), settings=settings(), raw=raw, traceparent=traceparent(), client=client()
        )
    except TokenRejected:
        _clear_refresh_cookie()
        raise
    return _token_answer("Token refreshed.", issued)


def _logout() -> Response:
    accounts.logout(
        session=current_session(),
        claims=token_claims(),
        refresh_value=request.cookies.get(refresh_cookie_name()),
        traceparent=traceparent(),
    )
    _clear_refresh_cookie()
    return success(message="Successfully logged out.")


@bp.get("/auth/logout")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
def logout() -> Response:
    """Log out

    Revokes the access token and ends the session (its refresh token stops working).
    """
    return _logout()


@bp.post("/auth/logout")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(operation_id="logout_post", responses={403: "Cross-site request"})
def logout_post() -> Response:
    """Log out (POST)

    Same as `GET /auth/logout`.
    """
    _reject_cross_site()
    return _logout()


@bp.get("/auth/status")
@autocommit
@bp.auth_required(auth)
@bp.output(UserEnvelope)
def status() -> Response:
    """Current user

    The caller's own account, including `email` and `admin`.
    """
    caller = current_caller()
    return success(data=user_view(caller, caller))


@bp.put("/auth/password")
@transactional
@bp.auth_required(auth)
@limited(AUTH)
@bp.input(PasswordChangeIn, arg_name="body")
@bp.output(TokenEnvelope)
@bp.doc(responses={429: "Too many requests"})
def change_password(body: dict[str, Any]) -> Response:
    """Change password

    Ends every other session; the response carries fresh tokens for this one. Wrong
    current passwords are throttled per account like failed logins (429 with `Retry-After`).
    """
    issued = accounts.change_password(
        session=current_session(),
        settings=settings(),
        throttle=login_throttle(),
        caller=current_caller(),
        current_password=body["current_password"],
        new_password=body["new_password"],
        ip=rate_limit_identity(client_ip()),
        traceparent=traceparent(),
        client=client(),
    )
    return _token_answer("Password changed.", issued)


@bp.post("/auth/password-reset")
@limited(AUTH)
@bp.input(PasswordResetIn, arg_name="body")
@bp.output(MessageEnvelope, status_code=202)
@bp.doc(responses={429: "Too many requests"})
def password_reset(body: dict[str, Any]) -> Response:
    """Request a password reset

    Always answers the same way, whether or not the email has an account. A registered
    address receives a single-use link, valid for one hour.
    """
    # After the answer, in every case: its timing must not tell whether the account exists.
    config, email = settings(), body["email"]
    background_work().submit(
        in_audit_scope(
            lambda session: accounts.request_password_reset(session=session, settings=config, email=email),
            address=client_ip(),
        )
    )
    return success(202, message="If that email is registered, a reset link has been sent.")


@bp.post("/auth/password-reset/confirm")
@limited(AUTH)
@transactional
@bp.input(PasswordResetConfirmIn, arg_name="body")
@bp.output(MessageEnvelope)
@bp.doc(responses={429: "Too many requests"})
def password_reset_confirm(body: dict[str, Any]) -> Response:
    """Set a new password with a reset token

    Ends every session of the account.
    """
    accounts.confirm_password_reset(
        session=current_session(),
        settings=settings(),
        token=body["token"],
        password=body["password"],
        traceparent=traceparent(),
    )
    return success(message="Password has been reset. Please log in.")


SESSION_NOT_FOUND = "Session does not exist."
# What a session id can look like (they are hex); anything else is no session of anyone's.
_SESSION_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


@bp.get("/auth/sessions")
@autocommit
@bp.auth_required(auth)
@bp.output(SessionListEnvelope)
def list_sessions() -> Response:
    """My sessions

    The caller's sessions that are still active (each a login, on one browser), most
    recently used first; `current` marks the one of the access token sent.
    """
    caller = current_caller()
    current = token_claims().get("sid")
    sessions = tokens.list_sessions(connection=current_connection(), settings=settings(), user_id=caller.id)
    views = [
        {
            "id": active.id,
            "created": active.created,
            "last_used": active.last_used,
            "user_agent": active.user_agent,
            "address": active.address,
            "current": active.id == current,
        }
        for active in sessions
    ]
    return success(data={"sessions": views})


@bp.delete("/auth/sessions/<string:session_id>")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(responses={404: "Session does not exist"})
def end_session(session_id: str) -> Response:
    """End one of my sessions

    Its refresh token stops working, and its access tokens are refused at once, here and in
    the other services. Another account's session, or an unknown one, answers 404.
    """
    caller = current_caller()
    ended = []
    if _SESSION_ID.fullmatch(session_id):
        ended = tokens.end_sessions(
            session=current_session(), user_id=caller.id, session_ids=[session_id], traceparent=traceparent()
        )
    if not ended:
        raise fail(404, SESSION_NOT_FOUND)
    return success(message="Session ended.")


@bp.delete("/auth/sessions")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
def end_other_sessions() -> Response:
    """End all my other sessions

    Every session of the caller but the one of the access token sent.
    """
    caller = current_caller()
    current = token_claims().get("sid")
    ended = tokens.end_sessions(
        session=current_session(),
        user_id=caller.id,
        keep=str(current) if current else None,
        traceparent=traceparent(),
    )
    noun = "session" if len(ended) == 1 else "sessions"
    return success(message=f"Ended {len(ended)} other {noun}.")


MAX_AUDIT_PER_PAGE = 100


@bp.get("/auth/audit")
@autocommit
@bp.auth_required(auth)
@admin_required
@bp.input(AuditQuery, location="query", arg_name="query")
@bp.output(AuditPageEnvelope)
@bp.doc(responses={403: "Admins only"})
def audit_events(query: dict[str, Any]) -> Response:
    """Audit log (admin)

    Security events (logins, failures, logouts, refusals, account changes, ended
    sessions...), newest first, paged like `GET /users`. `user_id` keeps the events that
    account did or that concerned it; `event` those of one name. Rows are kept
    `AUDIT_RETENTION_DAYS` days.
    """
    per_page = min(query["per_page"], MAX_AUDIT_PER_PAGE)
    events, total = audit_log.list_events(
        connection=current_connection(),
        page=query["page"],
        per_page=per_page,
        user_id=query["user_id"],
        event=query["event"],
    )
    return success(data={"events": events, "page": query["page"], "per_page": per_page, "total": total})


# Other services cache the key set; a new key is published well before it signs (docs/events.md).
JWKS_MAX_AGE = 300


@bp.get("/auth/jwks.json")
@bp.output(JWKSet)
def jwks() -> Response:
    """Public signing keys (JWKS)

    The Ed25519 keys access tokens are signed with, by `kid`: the current key first, then
    the previous ones that still verify. Public parts only. Other services check access
    tokens offline against this set. Cacheable for five minutes.
    """
    response = json_response(settings().signing_keys.jwks())
    response.headers["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE}"
    return response
