"""``/graphql`` and ``/graphql/upload``: the endpoint and its transaction.

The endpoint refuses what must not reach the schema (form posts, oversized bodies and
documents, anything but the one upload mutation on the upload route), opens one session for the
request, resolves the caller, runs the document, commits once, then runs the deferred work and
wakes the job runner or relay (docs/architecture.md, "A request, end to end").
"""

from __future__ import annotations

import json
import logging
from typing import Any

from cross_web import HTTPException
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message
from strawberry.asgi import GraphQL

from matchmaker.http_auth import session_token
from matchmaker.metrics import GRAPHQL_ERRORS
from matchmaker.queue.outbox import SCHEDULED_FLAG
from matchmaker.schema.context import Context
from matchmaker.schema.errors import MASKED_MESSAGE
from matchmaker.schema.limits import MAX_DOCUMENT_CHARS, is_query_only, parse_bounded
from matchmaker.services.accounts import actor_for_token
from matchmaker.web.errors import error_body, error_response
from matchmaker.web.state import AppState

log = logging.getLogger("matchmaker.web")

#: The only operations /graphql/upload runs: those whose input carries evidence files (a
#: progress report's, a micro-wish fulfilment's photos).
UPLOAD_FIELDS = frozenset({"submitProgressReport", "reportMicroWishFulfilment"})


class MatchmakerGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        session, actor, token = request.state.mm
        state: AppState = request.app.state.mm
        return Context(
            request=request,
            response=response,
            session=session,
            actor=actor,
            settings=state.settings,
            request_id=request.state.request_id,
            token=token,
            login_limiter=state.limiter,
            registration_limiter=state.registration_limiter,
            deferred=request.state.deferred,
        )


async def _read_body_within_limit(request: Request, limit: int) -> bytes | None:
    """The body, or None if it is (declared or streamed) larger than ``limit`` bytes: never
    more than ``limit`` bytes are buffered."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _replaying(request: Request, body: bytes) -> Request:
    """A request over the same scope whose body is ``body``, already read: the schema reads it
    again through Starlette's public API (``request.json()``)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def _payload(body: bytes | None) -> dict[str, Any] | None:
    """The JSON body (already read within the size limit), or None."""
    if body is None:
        return None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _document(request: Request, body: bytes | None) -> str | None:
    if request.method == "GET":
        return request.query_params.get("query")
    payload = _payload(body)
    query = payload.get("query") if payload is not None else None
    return query if isinstance(query, str) else None


def _query_only(document: str) -> bool:
    """True when every operation in the document is a query (too long, invalid: False)."""
    return is_query_only(document)


def _is_read_only(request: Request, body: bytes | None) -> bool:
    if request.method == "GET":
        return True  # strawberry refuses mutations over GET
    query = _document(request, body)
    return query is not None and _query_only(query)


def _document_too_long(request: Request, body: bytes | None) -> Response | None:
    """Checked before anything parses the document (limits.MAX_DOCUMENT_CHARS)."""
    query = _document(request, body)
    if query is not None and len(query) > MAX_DOCUMENT_CHARS:
        return error_response(
            request,
            f"The GraphQL document is longer than {MAX_DOCUMENT_CHARS} characters",
            "DOCUMENT_TOO_LARGE",
            413,
        )
    return None


def _not_json(request: Request) -> Response | None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        # No form posts: a cross-site form can't send JSON without a CORS preflight (CSRF).
        return error_response(
            request,
            "Send GraphQL as JSON (Content-Type: application/json)",
            "UNSUPPORTED_MEDIA_TYPE",
            415,
        )
    return None


def _too_large(request: Request, limit: int) -> Response:
    return error_response(
        request, f"Request body larger than {limit} bytes", "PAYLOAD_TOO_LARGE", 413
    )


async def graphql_endpoint(request: Request) -> Response:
    """Ordinary GraphQL: a small body (``max_request_bytes``), any caller."""
    state: AppState = request.app.state.mm
    body: bytes | None = None
    if request.method == "POST":
        refused = _not_json(request)
        if refused is not None:
            return refused
        body = await _read_body_within_limit(request, state.settings.max_request_bytes)
        if body is None:
            return _too_large(request, state.settings.max_request_bytes)
    refused = _document_too_long(request, body)
    if refused is not None:
        return refused
    return await _execute(request, body, state)


def _upload_document_refusal(request: Request, body: bytes) -> Response | None:
    query = _document(request, body)
    refused = error_response(
        request,
        "/graphql/upload runs one submitProgressReport or reportMicroWishFulfilment mutation "
        "and nothing else",
        "UPLOAD_OPERATION_ONLY",
        400,
    )
    if query is None:
        return refused
    try:
        parsed = parse_bounded(query)
    except GraphQLError:
        return refused
    if len(parsed.definitions) != 1:
        return refused
    (op,) = parsed.definitions
    if not isinstance(op, OperationDefinitionNode) or op.operation is not OperationType.MUTATION:
        return refused
    selections = op.selection_set.selections
    if len(selections) != 1:
        return refused
    (field,) = selections
    if not isinstance(field, FieldNode) or field.name.value not in UPLOAD_FIELDS:
        return refused
    return None


async def graphql_upload_endpoint(request: Request) -> Response:
    """Evidence uploads: a large body (``max_upload_bytes``), read only after the caller is
    known to be logged in, for the one mutation that carries files (docs/security.md)."""
    state: AppState = request.app.state.mm
    refused = _not_json(request)
    if refused is not None:
        return refused
    async with state.session_factory() as session:
        actor = await actor_for_token(session, session_token(request))
        await session.rollback()
    if not actor.is_authenticated:
        return error_response(request, "Log in to upload files", "UNAUTHENTICATED", 401)
    body = await _read_body_within_limit(request, state.settings.max_upload_bytes)
    if body is None:
        return _too_large(request, state.settings.max_upload_bytes)
    refused = _document_too_long(request, body) or _upload_document_refusal(request, body)
    if refused is not None:
        return refused
    return await _execute(request, body, state)


async def _execute(request: Request, body: bytes | None, state: AppState) -> Response:
    """Run the document in one session and commit once (a read-only document on PostgreSQL
    runs without a transaction); then the deferred work, then wake the jobs."""
    if body is not None:
        request = _replaying(request, body)
    async with state.session_factory() as session:
        if state.engine.dialect.name == "postgresql" and _is_read_only(request, body):
            # A document with no mutation writes nothing: skip the BEGIN/COMMIT round trips.
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        token = session_token(request)
        actor = await actor_for_token(session, token)
        request.state.mm = (session, actor, token)
        request.state.deferred = []
        try:
            response = await state.graphql.run(request)
        except HTTPException as exc:
            # Refused before execution (a mutation over GET, a body that isn't GraphQL):
            # nothing ran, so nothing is committed.
            return error_response(request, exc.reason, "BAD_REQUEST", exc.status_code)
        if session.in_transaction():
            try:
                await session.commit()
            except Exception:
                # The computed response may report writes that did not happen: don't send it.
                log.exception("commit failed")
                GRAPHQL_ERRORS.inc()
                response = JSONResponse(
                    {
                        "data": None,
                        **error_body(MASKED_MESSAGE, "INTERNAL", request.state.request_id),
                    },
                    status_code=500,
                )
                session.info.pop(SCHEDULED_FLAG, None)
        scheduled = bool(session.info.pop(SCHEDULED_FLAG, False))
    for action in request.state.deferred:
        try:
            await action()
        except Exception:
            log.exception("deferred action failed")
    if scheduled:
        response.background = BackgroundTask(state.after_commit_with_jobs)
    return response
