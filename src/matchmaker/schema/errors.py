"""Typed errors in payloads, how a mutation runs, and masking of the unexpected.

Every mutation is a few declarative lines (docs/architecture.md, "Adding a mutation"):

    @strawberry.type
    class RegionPayload(Payload):
        region: Region | None = None

        @classmethod
        async def of(cls, info: Info, row: models.Region) -> RegionPayload:
            return cls(region=Region.from_row(row))

    async def rename_region(self, info: Info, input: RenameRegionInput) -> RegionPayload:
        return await mutate(info, RegionPayload, lambda sc: region_service.rename_region(
            sc, region_id=gid(input.region_id, "Region", "regionId"), name=input.name))
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Protocol, Self, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from strawberry.extensions import SchemaExtension

from matchmaker.metrics import GRAPHQL_ERRORS
from matchmaker.schema.context import Info
from matchmaker.schema.limits import without_suggestions
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode
from matchmaker.services.ratelimit import LoginAttempt

log = logging.getLogger("matchmaker.graphql")
T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)
P_co = TypeVar("P_co", bound="Payload", covariant=True)
P = TypeVar("P", bound="Payload")

strawberry.enum(ErrorCode, description="Why an operation was refused.")


@strawberry.type(
    description="An expected failure: show `message` (or translate `code`) next to `field`."
)
class UserError:
    code: ErrorCode
    field: str | None
    message: str


class Payload:
    """The base of every mutation payload: it carries ``errors``, empty when the change was made.

    A subclass is a ``@strawberry.type`` with its result fields (all defaulting to ``None`` or
    zero) and, when built by :func:`mutate`, an async classmethod ``of(info, result)`` that
    turns the service's result into the payload. ``errors`` is added to each subclass as its
    last field, so it prints after the result fields in the SDL.
    """

    errors: list[UserError]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The class's own annotations (created empty if it declares none, Python >= 3.10).
        cls.__annotations__["errors"] = list[UserError]
        type.__setattr__(cls, "errors", strawberry.field(default_factory=list))

    @classmethod
    def failed(cls, errors: list[UserError]) -> Self:
        """The payload of a refused change: no result, only why."""
        payload = cls()
        payload.errors = errors
        return payload


class PayloadType(Protocol[T_contra, P_co]):
    """A payload class that :func:`mutate` can build: ``Payload.failed`` and an ``of``."""

    def failed(self, errors: list[UserError]) -> P_co: ...

    async def of(self, info: Info, result: T_contra, /) -> P_co: ...


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


async def mutate(
    info: Info,
    payload: PayloadType[T, P],
    action: Callable[[ServiceContext], Awaitable[T]],
) -> P:
    """Run ``action`` in the mutation's savepoint and build ``payload`` from what it returns:
    ``payload.of(info, result)`` on success, ``payload.failed(errors)`` on a refusal.

    Decode ids (``gid``/``opt_gid``) inside ``action`` so a malformed id is a typed error too.
    """
    try:
        result = await in_savepoint(info, action)
    except Refused as refused:
        return payload.failed(refused.errors)
    return await payload.of(info, result)


class Refused(Exception):
    """A mutation's action was refused; ``errors`` say why (raised by :func:`in_savepoint`)."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(errors)
        self.errors = errors


async def in_savepoint(info: Info, action: Callable[[ServiceContext], Awaitable[T]]) -> T:
    """Run one mutation's service call in a savepoint.

    A typed failure rolls back everything the call wrote (the request's other mutations keep
    theirs) and is raised as :class:`Refused`. A lost optimistic-lock race or a constraint
    violation that slipped past the checks is also refused with a typed error, not a crash.
    """
    ctx = info.context
    try:
        async with ctx.session.begin_nested():
            return await action(ctx.service)
    except DomainError as exc:
        raise Refused([to_user_error(exc)]) from None
    except StaleDataError:
        raise Refused(
            [
                UserError(
                    code=ErrorCode.STALE_VERSION,
                    field="version",
                    message="The record was changed by someone else; reload and try again",
                )
            ]
        ) from None
    except IntegrityError as exc:
        # The constraint, not the statement or its values (personal data stays out of logs).
        log.warning(
            "integrity error turned into CONFLICT",
            extra={"constraint": constraint_name(exc), "request_id": ctx.request_id},
        )
        raise Refused(
            [
                UserError(
                    code=ErrorCode.CONFLICT,
                    field=None,
                    message="The change conflicts with data saved at the same time; try again",
                )
            ]
        ) from None


async def mutate_limited(
    info: Info,
    payload: PayloadType[T, P],
    reserve: Callable[[ServiceContext], Awaitable[LoginAttempt | None]],
    action: Callable[[ServiceContext], Awaitable[T]],
    *,
    wrong_secret: frozenset[ErrorCode],
) -> P:
    """:func:`mutate` for a secret-checking mutation (login, changePassword, check-in codes),
    within a limit.

    Two savepoints: ``reserve`` takes the attempt's place first (refusing with RATE_LIMITED
    when the window is full), and that place is kept even when ``action`` is rolled back. A
    refusal in ``wrong_secret`` leaves it counted as a failure; any other refusal gives it
    back; a success clears the key's failures (services/ratelimit.py, docs/security.md).
    """
    try:
        attempt = await in_savepoint(info, reserve)
    except Refused as refused:
        return payload.failed(refused.errors)
    try:
        result = await in_savepoint(info, action)
    except Refused as refused:
        await _settle(info, attempt, refused.errors, wrong_secret)
        return payload.failed(refused.errors)
    await _settle(info, attempt, [], wrong_secret)
    return await payload.of(info, result)


async def _settle(
    info: Info,
    attempt: LoginAttempt | None,
    errors: list[UserError],
    wrong_secret: frozenset[ErrorCode],
) -> None:
    if attempt is None:
        return
    session = info.context.session
    try:
        if not errors:
            await attempt.succeeded(session)
        elif not any(e.code in wrong_secret for e in errors):
            await attempt.give_back(session)
    except Exception:
        # Redis gone since the reservation: the attempt stays counted (the safe side).
        log.warning("could not settle a rate-limited attempt", exc_info=True)


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
