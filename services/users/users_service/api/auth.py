from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response, after_this_request, current_app, request

from ..errors import fail
from ..extensions import client_ip, db, limiter
from ..logging_setup import audit
from ..passwords_policy import password_problems
from ..schemas import (
    LoginIn,
    MessageEnvelope,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
    TokenEnvelope,
    UserEnvelope,
)
from ..security import auth, current_user, token_claims
from ..services import auth as auth_service
from ..services import tokens
from ..services.users import DuplicateUserError
from ..settings import Settings
from .views import json_response, user_view

bp = APIBlueprint("auth", __name__, tag="Auth")

INVALID_CREDENTIALS = "Invalid email or password."


def _settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def _auth_limit() -> str:
    return _settings().RATE_LIMIT_AUTH


def _on_auth_breach(limit: Any) -> None:
    audit("rate_limited", scope="auth_ip")


# One per-IP bucket shared by every credential-accepting endpoint.
auth_rate_limit = limiter.shared_limit(_auth_limit, scope="auth", on_breach=_on_auth_breach)


def refresh_cookie_name() -> str:
    # The __Secure- prefix makes browsers refuse the cookie unless it is Secure and from HTTPS.
    return "__Secure-refresh_token" if _settings().secure_cookies else "refresh_token"


def _set_refresh_cookie(value: str) -> None:
    settings = _settings()

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            refresh_cookie_name(),
            value,
            max_age=settings.REFRESH_TOKEN_TTL,
            path="/auth",
            httponly=True,
            secure=settings.secure_cookies,
            samesite="Strict",
        )
        return response


def _clear_refresh_cookie() -> None:
    settings = _settings()

    @after_this_request
    def clear_cookie(response: Response) -> Response:
        response.delete_cookie(
            refresh_cookie_name(), path="/auth", httponly=True, secure=settings.secure_cookies, samesite="Strict"
        )
        return response


def _token_body(message: str, issued: tokens.IssuedTokens, status: int = 200) -> Response:
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


def _reject_cross_site() -> None:
    """Cookie-authenticated endpoints refuse calls from foreign origins (CSRF defence in depth)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    own = f"{request.scheme}://{request.host}"
    allowed = {own, _settings().PUBLIC_URL.rstrip("/"), *_settings().cors_origins}
    if origin not in allowed:
        raise fail(403, "Cross-site request refused.")


@bp.post("/auth/register")
@auth_rate_limit
@bp.input(RegisterIn, arg_name="body")
@bp.output(TokenEnvelope, status_code=201)
@bp.doc(responses={409: "User already exists", 429: "Too many requests"})
def register(body: dict[str, Any]) -> Response:
    """Register

    Creates an account and logs it in (access token in the body, refresh token as cookie).
    """
    try:
        _user, issued = auth_service.register(session=db.session, **body)
    except DuplicateUserError:
        raise fail(409, "Sorry. That user already exists.") from None
    return _token_body("Successfully registered.", issued, 201)


@bp.post("/auth/login")
@auth_rate_limit
@bp.input(LoginIn, arg_name="body")
@bp.output(TokenEnvelope)
@bp.doc(responses={401: "Invalid email or password", 429: "Too many requests"})
def login(body: dict[str, Any]) -> Response:
    """Log in

    Any bad credential gives the same 401. Repeated failures for one account are
    throttled with 429 and a growing `Retry-After`.
    """
    try:
        issued = auth_service.login(session=db.session, email=body["email"], password=body["password"], ip=client_ip())
    except auth_service.LoginThrottled as exc:
        raise fail(
            429, "Too many failed logins. Please try again later.", headers={"Retry-After": str(exc.retry_after)}
        ) from None
    except auth_service.LoginFailed:
        raise fail(401, INVALID_CREDENTIALS) from None
    return _token_body("Successfully logged in.", issued)


@bp.post("/auth/refresh")
@auth_rate_limit
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
        _user, issued = tokens.rotate_refresh_token(session=db.session, raw=raw)
    except tokens.TokenError as exc:
        db.session.rollback()
        _clear_refresh_cookie()
        raise fail(401, exc.message) from None
    db.session.commit()
    return _token_body("Token refreshed.", issued)


def _logout() -> dict[str, Any]:
    claims = token_claims()
    tokens.revoke_access_token(session=db.session, claims=claims)
    if claims.get("sid"):
        tokens.revoke_family(session=db.session, family_id=str(claims["sid"]))
    tokens.revoke_refresh_value(session=db.session, raw=request.cookies.get(refresh_cookie_name()))
    db.session.commit()
    audit("logout", user_id=current_user().id)
    _clear_refresh_cookie()
    return {"status": "success", "message": "Successfully logged out."}


@bp.get("/auth/logout")
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
def logout() -> dict[str, Any]:
    """Log out

    Revokes the access token and ends the session (its refresh token stops working).
    """
    return _logout()


@bp.post("/auth/logout")
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(operation_id="logout_post", responses={403: "Cross-site request"})
def logout_post() -> dict[str, Any]:
    """Log out (POST)

    Same as `GET /auth/logout`.
    """
    _reject_cross_site()
    return _logout()


@bp.get("/auth/status")
@bp.auth_required(auth)
@bp.output(UserEnvelope)
def status() -> Response:
    """Current user

    The caller's own account, including `email` and `admin`.
    """
    user = current_user()
    return json_response({"status": "success", "data": user_view(user, user)})


@bp.put("/auth/password")
@bp.auth_required(auth)
@auth_rate_limit
@bp.input(PasswordChangeIn, arg_name="body")
@bp.output(TokenEnvelope)
@bp.doc(responses={429: "Too many requests"})
def change_password(body: dict[str, Any]) -> Response:
    """Change password

    Ends every other session; the response carries fresh tokens for this one.
    """
    user = current_user()
    problems = password_problems(body["new_password"], username=user.username, email=user.email)
    if problems:
        raise fail(400, extra_data={"errors": {"new_password": problems}})
    issued = auth_service.change_password(
        session=db.session, user=user, current_password=body["current_password"], new_password=body["new_password"]
    )
    if issued is None:
        raise fail(400, extra_data={"errors": {"current_password": ["Current password is incorrect."]}})
    return _token_body("Password changed.", issued)


@bp.post("/auth/password-reset")
@auth_rate_limit
@bp.input(PasswordResetIn, arg_name="body")
@bp.output(MessageEnvelope, status_code=202)
@bp.doc(responses={429: "Too many requests"})
def password_reset(body: dict[str, Any]) -> dict[str, Any]:
    """Request a password reset

    Always answers the same way, whether or not the email has an account. A registered
    address receives a single-use link, valid for one hour.
    """
    auth_service.request_password_reset(session=db.session, email=body["email"])
    return {"status": "success", "message": "If that email is registered, a reset link has been sent."}


@bp.post("/auth/password-reset/confirm")
@auth_rate_limit
@bp.input(PasswordResetConfirmIn, arg_name="body")
@bp.output(MessageEnvelope)
@bp.doc(responses={429: "Too many requests"})
def password_reset_confirm(body: dict[str, Any]) -> dict[str, Any]:
    """Set a new password with a reset token

    Ends every session of the account.
    """
    try:
        auth_service.confirm_password_reset(session=db.session, token=body["token"], password=body["password"])
    except auth_service.ResetTokenInvalid:
        raise fail(400, "Invalid or expired reset token.") from None
    except ValueError as exc:
        raise fail(400, extra_data={"errors": {"password": exc.args[0]}}) from None
    return {"status": "success", "message": "Password has been reset. Please log in."}
