"""Request and response schemas; also the source of the OpenAPI document.

Families: ``*In`` for request bodies, ``UserPublic`` for output, ``*Envelope`` for the
``{"status", "message", "data"}`` wrapper every response uses. Unknown input fields are
ignored (never assigned), so ``admin`` or ``id`` in a registration body has no effect.
"""

from __future__ import annotations

import re
from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, DateTime, Dict, Email, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range, Regexp
from marshmallow import EXCLUDE, ValidationError, pre_load, validates_schema
from service_kit.web.schemas import MessageEnvelope as MessageEnvelope  # re-exported for the routes
from service_kit.web.schemas import PageFields, SuccessEnvelope

from ..domain.password_policy import MAX_LENGTH, MIN_LENGTH, password_problems
from ..domain.users import MAX_ID, normalise_email

USERNAME_MIN, USERNAME_MAX = 6, 128
EMAIL_MAX = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# No control characters anywhere, no whitespace at either end (stated in the OpenAPI schema too).
USERNAME_PATTERN = r"^[^\x00-\x1f\x7f\s]([^\x00-\x1f\x7f]*[^\x00-\x1f\x7f\s])?$"
NO_CONTROL_PATTERN = r"^[^\x00-\x1f\x7f]*$"


class InputSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _reject_unencodable_text(self, data: Any, **kwargs: Any) -> Any:
        # JSON may carry lone UTF-16 surrogates ("\ud800"); they cannot be hashed or stored.
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, str) and key in self.fields:
                    try:
                        value.encode("utf-8")
                    except UnicodeEncodeError:
                        raise ValidationError("Not valid Unicode text.", field_name=key) from None
        return data


def _check_username(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError("Username must not contain control characters.")
    if not re.match(USERNAME_PATTERN, value):
        raise ValidationError("Username must not start or end with whitespace.")


def _check_no_control(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError("Must not contain control characters.")


def _check_password(value: str) -> None:
    problems = password_problems(value)
    if problems:
        raise ValidationError(problems)


def username_field(required: bool = True) -> String:
    return String(
        required=required,
        validate=[Length(min=USERNAME_MIN, max=USERNAME_MAX), _check_username],
        metadata={
            "description": f"{USERNAME_MIN}-{USERNAME_MAX} characters.",
            "example": "alice.smith",
            "pattern": USERNAME_PATTERN,
        },
    )


def email_field(required: bool = True) -> Email:
    return Email(
        required=required,
        validate=[Length(max=EMAIL_MAX), _check_no_control],
        metadata={"description": "Compared case-insensitively.", "example": "alice@example.com"},
    )


def password_field(**metadata: Any) -> String:
    return String(
        required=True,
        load_only=True,
        validate=[Length(min=MIN_LENGTH, max=MAX_LENGTH), _check_password],
        metadata={"description": f"{MIN_LENGTH}-{MAX_LENGTH} characters, not a common password.", **metadata},
    )


class NormaliseEmailMixin:
    """Normalise ``email`` before validation, so one address maps to one account."""

    @pre_load
    def _normalise_email(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": normalise_email(data["email"])}
        return data


class RegisterIn(NormaliseEmailMixin, InputSchema):
    username = username_field()
    email = email_field()
    password = password_field()

    @validates_schema
    def _password_not_personal(self, data: dict[str, Any], **kwargs: Any) -> None:
        _password_not_personal(data, data.get("password"))


def _password_not_personal(data: dict[str, Any], password: str | None) -> None:
    if not password:
        return
    problems = password_problems(password, username=data.get("username"), email=data.get("email"))
    if problems:
        raise ValidationError(problems, field_name="password")


class LoginIn(NormaliseEmailMixin, InputSchema):
    # Deliberately loose: a malformed email is just another bad credential (401).
    email = String(
        required=True,
        validate=[Length(min=1, max=EMAIL_MAX), _check_no_control],
        metadata={"example": "alice@example.com", "pattern": NO_CONTROL_PATTERN},
    )
    password = String(required=True, load_only=True, validate=Length(min=1, max=1024))


class UserCreateIn(RegisterIn):
    admin = Boolean(load_default=False)
    active = Boolean(load_default=True)


class UserUpdateIn(NormaliseEmailMixin, InputSchema):
    """The fields to change; those left out keep their values."""

    username = username_field(required=False)
    email = email_field(required=False)
    admin = Boolean(metadata={"description": "Admins only."})
    active = Boolean(metadata={"description": "Admins only."})
    current_password = String(
        load_only=True,
        validate=Length(min=1, max=1024),
        metadata={"description": "Required to change one's own `email`."},
    )

    @validates_schema
    def _something_to_change(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not set(data) - {"current_password"}:
            raise ValidationError("Provide at least one of username, email, admin, active.", field_name="_body")


class PasswordChangeIn(InputSchema):
    current_password = String(required=True, load_only=True, validate=Length(min=1, max=1024))
    new_password = password_field()


class PasswordResetIn(NormaliseEmailMixin, InputSchema):
    email = String(
        required=True,
        validate=[Length(min=1, max=EMAIL_MAX), _check_no_control],
        metadata={"example": "alice@example.com", "pattern": NO_CONTROL_PATTERN},
    )


class VerifyEmailIn(InputSchema):
    token = String(
        required=True,
        load_only=True,
        validate=Length(min=1, max=512),
        metadata={"description": "The token after `#token=` in the link mailed to the address."},
    )


class PasswordResetConfirmIn(InputSchema):
    token = String(required=True, load_only=True, validate=Length(min=1, max=512))
    password = password_field()


def _code_field(description: str, *, required: bool = False) -> String:
    return String(
        required=required,
        load_only=True,
        validate=[Length(min=1, max=64), _check_no_control],
        metadata={"description": description, "pattern": NO_CONTROL_PATTERN},
    )


class TwoFactorConfirmIn(InputSchema):
    code = _code_field("The 6-digit code the authenticator app shows for the new secret.", required=True)


class TwoFactorVerifyIn(InputSchema):
    """The second step of a login: the challenge, and either a code or a recovery code."""

    # Exactly one of them (stated as `oneOf` in the OpenAPI document).
    one_of_required = ("code", "recovery_code")

    mfa_token = String(
        required=True,
        load_only=True,
        validate=Length(min=1, max=256),
        metadata={"description": "The `data.mfa_token` of `POST /auth/login`."},
    )
    code = _code_field("The 6-digit code of the authenticator app.")
    recovery_code = _code_field("One of the recovery codes, instead of `code`; each works once.")

    @validates_schema
    def _one_code(self, data: dict[str, Any], **kwargs: Any) -> None:
        if sum(field in data for field in self.one_of_required) != 1:
            raise ValidationError("Provide either code or recovery_code.", field_name="_body")


class TwoFactorDisableIn(InputSchema):
    password = String(required=True, load_only=True, validate=Length(min=1, max=1024))
    code = _code_field("A code of the authenticator app, or a recovery code.", required=True)


class AccountDeleteIn(InputSchema):
    password = String(required=True, load_only=True, validate=Length(min=1, max=1024))
    code = _code_field("Needed when two-factor login is on: a code of the authenticator app, or a recovery code.")


class PageQuery(InputSchema):
    page = Integer(load_default=1, validate=Range(min=1, max=1_000_000))
    # Values above 100 are clamped to 100 rather than refused.
    per_page = Integer(
        load_default=20, validate=Range(min=1), metadata={"description": "Page size; values above 100 count as 100."}
    )


class PaginationQuery(PageQuery):
    after = Integer(
        load_default=None,
        validate=Range(min=0, max=MAX_ID),
        metadata={
            "description": "Keyset paging: the users whose id is greater than this (the `next_after` of "
            "the previous page), instead of `page`. As fast at any depth; `page` skips rows first."
        },
    )


# The orders `sort` accepts: a column, descending with a leading "-".
USER_SORTS = ("id", "username", "email", "created_date")
USER_SORT_VALUES = tuple(value for name in USER_SORTS for value in (name, f"-{name}"))


def _strict_boolean(description: str) -> Boolean:
    # Only "true" and "false": "1", "yes" or "on" are more likely typos than intentions.
    return Boolean(load_default=None, truthy={"true"}, falsy={"false"}, metadata={"description": description})


class UserListQuery(PaginationQuery):
    q = String(
        load_default=None,
        validate=[Length(min=1, max=USERNAME_MAX), _check_no_control],
        metadata={
            "description": "Case-insensitive substring of the username, and for admins of the email too.",
            "example": "alice",
        },
    )
    sort = String(
        load_default=None,
        validate=OneOf(USER_SORT_VALUES, error="Must be one of: " + ", ".join(USER_SORT_VALUES) + "."),
        metadata={"description": "Admins only. The order; `-` first for descending. Default `id`."},
    )
    active = _strict_boolean("Admins only. `true` or `false`: only active, or only inactive, accounts.")
    admin = _strict_boolean("Admins only. `true` or `false`: only admins, or only non-admins.")
    verified = _strict_boolean("Admins only. `true` or `false`: only verified, or only unverified, email addresses.")

    @validates_schema
    def _after_only_in_id_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        # Keyset paging continues after an id, which only means something in id order.
        if data.get("after") is not None and data.get("sort") not in (None, "id"):
            raise ValidationError("Paging with `after` works only in id order; use `page`.", field_name="after")


AUDIT_EVENT_PATTERN = r"^[a-z0-9_.]{1,64}$"


class AuditQuery(PageQuery):
    user_id = Integer(
        load_default=None,
        validate=Range(min=1, max=MAX_ID),
        metadata={"description": "Only the events this account did, or that concerned it."},
    )
    event = String(
        load_default=None,
        validate=Regexp(AUDIT_EVENT_PATTERN, error="Must be an event name: a-z, 0-9, '_' or '.', 1-64 characters."),
        metadata={"description": "Only the events of this name, e.g. `login_failed`.", "example": "login_failed"},
    )


# ---- output --------------------------------------------------------------------------


class UserPublic(Schema):
    id = Integer(required=True)
    username = String(required=True)
    email = String(metadata={"description": "Only shown to admins and to the user themself."})
    admin = Boolean(metadata={"description": "Only shown to admins and to the user themself."})
    two_factor_enabled = Boolean(
        metadata={"description": "Whether a login needs a TOTP code. Only shown to admins and to the user themself."}
    )
    email_verified = Boolean(
        metadata={
            "description": "Whether the owner opened a link mailed to `email`. Only shown to admins and to the "
            "user themself."
        }
    )
    active = Boolean(required=True)
    created_date = DateTime(required=True, metadata={"description": "ISO 8601, UTC."})


class UserEnvelope(SuccessEnvelope):
    message = String()
    data = Nested(UserPublic, required=True)


class UserPage(PageFields):
    users = List(Nested(UserPublic), required=True)
    total = Integer(
        required=True,
        metadata={"description": "All users; counted at most once a second per worker (USER_COUNT_MAX_AGE)."},
    )
    next_after = Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The `after` value for the next page; null when this page is the last."},
    )


class UserPageEnvelope(SuccessEnvelope):
    data = Nested(UserPage, required=True)


class RegisterEnvelope(Schema):
    """The tokens of the new account's first session; none when a login needs a verified email."""

    status = String(required=True, validate=OneOf(["success"]))
    message = String(required=True)
    auth_token = String(
        metadata={"description": "Access JWT; absent when REQUIRE_VERIFIED_EMAIL is on (log in once verified)."}
    )
    token_type = String(validate=OneOf(["Bearer"]))
    expires_in = Integer(metadata={"description": "Seconds until the access token expires."})


class TokenEnvelope(MessageEnvelope):
    auth_token = String(required=True, metadata={"description": "Access JWT, send as `Authorization: Bearer`."})
    token_type = String(required=True, validate=OneOf(["Bearer"]))
    expires_in = Integer(required=True, metadata={"description": "Seconds until the access token expires."})


class MfaChallengeOut(Schema):
    mfa_required = Boolean(required=True, validate=OneOf([True]))
    mfa_token = String(
        required=True,
        metadata={"description": "Send it with a code to `POST /auth/2fa/verify`; single-use."},
    )
    expires_in = Integer(required=True, metadata={"description": "Seconds until `mfa_token` expires."})


class LoginEnvelope(Schema):
    """Either the tokens of a login, or (two-factor login on) the challenge for the code."""

    status = String(required=True, validate=OneOf(["success"]))
    message = String(required=True)
    auth_token = String(metadata={"description": "Access JWT; absent when `data.mfa_required`."})
    token_type = String(validate=OneOf(["Bearer"]))
    expires_in = Integer(metadata={"description": "Seconds until the access token expires."})
    data = Nested(MfaChallengeOut, metadata={"description": "Only when a code is needed: no token, no cookie."})


class TwoFactorSetup(Schema):
    secret = String(required=True, metadata={"description": "Base32, for typing into an authenticator app."})
    otpauth_uri = String(required=True, metadata={"description": "The `otpauth://totp/...` URI, shown as a QR code."})


class TwoFactorSetupEnvelope(Schema):
    status = String(required=True, validate=OneOf(["success"]))
    message = String(required=True)
    data = Nested(TwoFactorSetup, required=True)


class RecoveryCodes(Schema):
    recovery_codes = List(
        String(), required=True, metadata={"description": "Ten single-use codes, shown this once only."}
    )


class RecoveryCodesEnvelope(Schema):
    status = String(required=True, validate=OneOf(["success"]))
    message = String(required=True)
    data = Nested(RecoveryCodes, required=True)


class PublicJWK(Schema):
    kty = String(required=True, validate=OneOf(["OKP"]))
    crv = String(required=True, validate=OneOf(["Ed25519"]))
    x = String(required=True, metadata={"description": "The public key, base64url."})
    kid = String(required=True, metadata={"description": "RFC 7638 thumbprint of the key, base64url."})
    alg = String(required=True, validate=OneOf(["EdDSA"]))
    use = String(required=True, validate=OneOf(["sig"]))


class JWKSet(Schema):
    keys = List(Nested(PublicJWK), required=True, metadata={"description": "The signing key first."})


class EventFeedQuery(InputSchema):
    after = Integer(
        load_default=0,
        validate=Range(min=0, max=2**63 - 1),
        metadata={"description": "The last position the consumer applied (0: from the start)."},
    )
    limit = Integer(load_default=100, validate=Range(min=1, max=500))


class SessionPublic(Schema):
    id = String(required=True, metadata={"description": "The session's id (`sid` of its access tokens)."})
    created = DateTime(required=True, metadata={"description": "When the session started (login). ISO 8601, UTC."})
    last_used = DateTime(required=True, metadata={"description": "Its latest refresh, or its start. ISO 8601, UTC."})
    user_agent = String(required=True, allow_none=True, metadata={"description": "The browser of its latest use."})
    address = String(required=True, allow_none=True, metadata={"description": "The client address of its latest use."})
    current = Boolean(required=True, metadata={"description": "Whether the request's access token belongs to it."})


class SessionList(Schema):
    sessions = List(Nested(SessionPublic), required=True, metadata={"description": "Most recently used first."})


class SessionListEnvelope(Schema):
    status = String(required=True, validate=OneOf(["success"]))
    data = Nested(SessionList, required=True)


class AuditEventPublic(Schema):
    id = Integer(required=True)
    created_at = DateTime(required=True, metadata={"description": "ISO 8601, UTC."})
    event = String(required=True, metadata={"example": "login_failed"})
    user_id = Integer(required=True, allow_none=True, metadata={"description": "Who acted (null: not known)."})
    target_user_id = Integer(
        required=True, allow_none=True, metadata={"description": "The account acted upon, when another."}
    )
    address = String(required=True, allow_none=True, metadata={"description": "The client's address."})
    request_id = String(required=True, allow_none=True, metadata={"description": "`X-Request-ID` of the request."})
    details = Dict(required=True, metadata={"description": "The event's other fields; never secrets, codes or tokens."})


class AuditPage(Schema):
    events = List(Nested(AuditEventPublic), required=True, metadata={"description": "Newest first."})
    page = Integer(required=True)
    per_page = Integer(required=True)
    total = Integer(required=True, metadata={"description": "The events that match the filters."})


class AuditPageEnvelope(Schema):
    status = String(required=True, validate=OneOf(["success"]))
    data = Nested(AuditPage, required=True)
