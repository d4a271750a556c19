"""Expected failures are data: a code, an optional field, and a message.

The front end translates by ``code``; ``message`` is English for API clients and logs.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # generic
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    STALE_VERSION = "STALE_VERSION"
    PAGE_TOO_LARGE = "PAGE_TOO_LARGE"
    INVALID_CURSOR = "INVALID_CURSOR"
    RATE_LIMITED = "RATE_LIMITED"
    # accounts
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    PHONE_TAKEN = "PHONE_TAKEN"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_ROLE_SCOPE = "INVALID_ROLE_SCOPE"
    # regions
    INVALID_REGION_CODE = "INVALID_REGION_CODE"
    REGION_CODE_TAKEN = "REGION_CODE_TAKEN"
    # profiles
    INVALID_CREDIT_CODE = "INVALID_CREDIT_CODE"
    CREDIT_CODE_TAKEN = "CREDIT_CODE_TAKEN"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    ID_NUMBER_TAKEN = "ID_NUMBER_TAKEN"
    GUARDIAN_CONSENT_REQUIRED = "GUARDIAN_CONSENT_REQUIRED"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    CERTIFICATE_NUMBER_TAKEN = "CERTIFICATE_NUMBER_TAKEN"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    # procurement
    INVALID_STATE = "INVALID_STATE"
    INVALID_BUDGET = "INVALID_BUDGET"
    SERVICE_PERIOD_TOO_LONG = "SERVICE_PERIOD_TOO_LONG"
    BID_DEADLINE_TOO_SOON = "BID_DEADLINE_TOO_SOON"
    INVALID_WEIGHTS = "INVALID_WEIGHTS"
    PRICE_WEIGHT_TOO_LOW = "PRICE_WEIGHT_TOO_LOW"
    INVALID_REQUIREMENTS = "INVALID_REQUIREMENTS"
    BID_DEADLINE_PASSED = "BID_DEADLINE_PASSED"
    BID_ABOVE_CEILING = "BID_ABOVE_CEILING"
    SAME_LEGAL_REPRESENTATIVE = "SAME_LEGAL_REPRESENTATIVE"
    NOT_QUALIFIED = "NOT_QUALIFIED"
    INVALID_TEAM = "INVALID_TEAM"
    EVALUATOR_CONFLICT = "EVALUATOR_CONFLICT"
    NOT_AN_EVALUATOR = "NOT_AN_EVALUATOR"
    SCORES_INCOMPLETE = "SCORES_INCOMPLETE"
    INVALID_CONTRACT_AMOUNT = "INVALID_CONTRACT_AMOUNT"
    INVALID_MILESTONES = "INVALID_MILESTONES"
    MILESTONE_NOT_ACCEPTED = "MILESTONE_NOT_ACCEPTED"
    PAYMENT_EXCEEDS_LIMIT = "PAYMENT_EXCEEDS_LIMIT"
    PAYMENT_OUTSIDE_PERIOD = "PAYMENT_OUTSIDE_PERIOD"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE_NOT_ALLOWED = "FILE_TYPE_NOT_ALLOWED"


class DomainError(Exception):
    """Raised by services for every expected failure; the transaction step is rolled back."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"DomainError({self.code}, {self.message!r}, field={self.field!r})"


def not_found(what: str) -> DomainError:
    """Same error for "missing" and "out of your scope": existence is not leaked."""
    return DomainError(ErrorCode.NOT_FOUND, f"{what} not found")


def invalid(field: str, message: str, code: ErrorCode = ErrorCode.INVALID_INPUT) -> DomainError:
    return DomainError(code, message, field)
