"""Typed errors in payloads, the mutation transaction step, and masking of the unexpected."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from strawberry.extensions import SchemaExtension

from matchmaker.schema.limits import without_suggestions
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode
from matchmaker.services.ratelimit import LoginAttempt

log = logging.getLogger("matchmaker.graphql")
T = TypeVar("T")

strawberry.enum(ErrorCode, description="Why an operation was refused.")


@strawberry.type(
    description="An expected failure: show `message` (or translate `code`) next to `field`."
)
class UserError:
    code: ErrorCode
    field: str | None
    message: str


def to_user_error(exc: DomainError) -> UserError:
    return UserError(code=exc.code, field=exc.field, message=exc.message)


def constraint_name(exc: IntegrityError) -> str:
    """The violated constraint's name (PostgreSQL), or SQLite's message, which names the
    constraint or its columns but never the values."""
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return str(name)
    return str(exc.orig).splitlines()[0][:200] if exc.orig is not None else "unknown"


async def run_mutation(
    info: Any, action: Callable[[ServiceContext], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run one mutation's service call in a savepoint.

    A typed failure rolls back everything the call wrote (the request's other mutations keep
    theirs) and comes back as data. A lost optimistic-lock race or a constraint violation that
    slipped past the checks is also reported as a typed error rather than a crash.
    """
    ctx = info.context
    try:
        async with ctx.session.begin_nested():
            return await action(ctx.service), []
    except DomainError as exc:
        return None, [to_user_error(exc)]
    except StaleDataError:
        return None, [
            UserError(
                code=ErrorCode.STALE_VERSION,
                field="version",
                message="The record was changed by someone else; reload and try again",
            )
        ]
    except IntegrityError as exc:
        # The constraint, not the statement or its values (personal data stays out of logs).
        log.warning(
            "integrity error turned into CONFLICT",
            extra={"constraint": constraint_name(exc), "request_id": ctx.request_id},
        )
        return None, [
            UserError(
                code=ErrorCode.CONFLICT,
                field=None,
                message="The change conflicts with data saved at the same time; try again",
            )
        ]


async def run_limited(
    info: Any,
    reserve: Callable[[ServiceContext], Awaitable[LoginAttempt | None]],
    action: Callable[[ServiceContext], Awaitable[T]],
    *,
    wrong_secret: frozenset[ErrorCode],
) -> tuple[T | None, list[UserError]]:
    """Run a secret-checking mutation (login, changePassword, check-in codes) within a limit.

    Two savepoints: ``reserve`` takes the attempt's place first (refusing with RATE_LIMITED
    when the window is full), and that place is kept even when ``action`` is rolled back. A
    refusal in ``wrong_secret`` leaves it counted as a failure; any other refusal gives it
    back; a success clears the key's failures (services/ratelimit.py, docs/security.md).
    """
    attempt, errors = await run_mutation(info, reserve)
    if errors:
        return None, errors
    result, errors = await run_mutation(info, action)
    if attempt is not None:
        session = info.context.session
        try:
            if not errors:
                await attempt.succeeded(session)
            elif not any(e.code in wrong_secret for e in errors):
                await attempt.give_back(session)
        except Exception:
            # Redis gone since the reservation: the attempt stays counted (the safe side).
            log.warning("could not settle a rate-limited attempt", exc_info=True)
    return result, errors


MASKED_MESSAGE = "Unexpected error."


class MatchmakerSchema(strawberry.Schema):
    """strawberry logs every error of a result; we log only the unexpected ones.

    Typed refusals (``DomainError``) and invalid documents are the client's business, not
    server errors; :class:`ErrorPolicy` logs the unexpected ones once, with the request id.
    """

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


class ErrorPolicy(SchemaExtension):
    """Typed errors pass with ``extensions.code``; anything unexpected is masked and logged.

    With ``hide_suggestions`` (production) no message says "Did you mean …?": with
    introspection off, suggestions would reveal field, type and enum names one guess at a time.
    """

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        self.hide_suggestions = hide_suggestions

    def on_operation(self) -> Iterator[None]:
        # Imported here: matchmaker.web imports the schema, so a top-level import would cycle.
        from matchmaker.web.metrics import GRAPHQL_ERRORS

        yield
        result = self.execution_context.result
        if not result or not result.errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", None)
        processed = []
        for error in result.errors:
            original = error.original_error
            if isinstance(original, DomainError):
                processed.append(
                    GraphQLError(
                        original.message,
                        nodes=error.nodes,
                        path=error.path,
                        original_error=original,
                        extensions={"code": original.code.value, "field": original.field},
                    )
                )
            elif original is None or isinstance(original, GraphQLError):
                # Validation, syntax, limits, variable coercion: safe and useful.
                if self.hide_suggestions and "Did you mean" in error.message:
                    error.message = without_suggestions(error.message)
                processed.append(error)
            else:
                GRAPHQL_ERRORS.inc()
                log.error(
                    "unexpected error in resolver",
                    exc_info=(type(original), original, original.__traceback__),
                    extra={"request_id": request_id, "path": error.path},
                )
                processed.append(
                    GraphQLError(
                        MASKED_MESSAGE,
                        nodes=error.nodes,
                        path=error.path,
                        original_error=None,
                        extensions={"code": "INTERNAL", "requestId": request_id},
                    )
                )
        result.errors = processed
