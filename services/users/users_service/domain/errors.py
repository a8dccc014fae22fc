"""What the account rules refuse, as exceptions the web layer turns into answers.

Each message is written for the caller: the web layer may pass it on as it is.
"""

from __future__ import annotations

from service_kit.db.database import KeepChanges


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """The change would break a rule that involves other rows (uniqueness, the last admin)."""


class DuplicateUser(Conflict):
    def __init__(self, field: str) -> None:
        super().__init__(f"Sorry. That {field} already exists.")
        self.field = field


class LastAdmin(Conflict):
    def __init__(self) -> None:
        super().__init__("The last active admin cannot be removed or demoted.")


class InvalidInput(DomainError):
    """A value the rules refuse, with the reasons per field."""

    def __init__(self, field: str, problems: list[str]) -> None:
        super().__init__(f"Invalid {field}.")
        self.errors = {field: problems}


class TokenRejected(DomainError):
    """An access or refresh token that is malformed, expired, revoked or not ours."""


class RefreshTokenReused(TokenRejected, KeepChanges):
    """A refresh token presented again after it was rotated: stolen or replayed. Its whole
    session has been ended, and that stands although the request is refused."""


class LoginFailed(DomainError):
    """Any bad credential: unknown email, wrong password, deactivated account."""

    def __init__(self) -> None:
        super().__init__("Invalid email or password.")


class NotAllowed(DomainError):
    """The caller may not do this to that account."""

    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message)


class Throttled(DomainError):
    """Too many attempts of one kind for one account: try again in ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoginThrottled(Throttled):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many failed logins. Please try again later.", retry_after)


class EmailChangesThrottled(Throttled):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many email changes. Please try again later.", retry_after)


class ResetTokenInvalid(DomainError):
    def __init__(self) -> None:
        super().__init__("Invalid or expired reset token.")


class TwoFactorConflict(Conflict):
    """Two-factor login is not in the state the request needs (already on, not on, not started)."""


class MfaTokenInvalid(TokenRejected):
    """The second step of a login with a challenge that is unknown, expired or used."""

    def __init__(self) -> None:
        super().__init__("Invalid or expired two-factor login. Please log in again.")


class TwoFactorCodeRejected(DomainError):
    """A wrong, reused or malformed TOTP or recovery code at the second step of a login."""

    def __init__(self) -> None:
        super().__init__("Invalid two-factor code.")


class EmailTokenInvalid(DomainError):
    """A verification or email-change link that is unknown, used, expired or superseded."""

    def __init__(self) -> None:
        super().__init__("Invalid or expired verification link. Please ask for a new one.")


class EmailNotVerified(NotAllowed):
    """A right password for an account whose email is not verified (REQUIRE_VERIFIED_EMAIL)."""

    def __init__(self) -> None:
        super().__init__("Please verify your email address first. We have sent you a link.")


class EmailAlreadyVerified(Conflict):
    def __init__(self) -> None:
        super().__init__("Your email address is already verified.")


class VerificationMailsThrottled(Throttled):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many verification emails. Please try again later.", retry_after)
