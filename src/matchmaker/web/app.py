"""The Starlette application: /graphql, health, metrics, and the built front end."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import ConnectionPool
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope
from strawberry.asgi import GraphQL

from matchmaker import clock
from matchmaker.config import Settings, get_settings
from matchmaker.db import create_engine, create_session_factory
from matchmaker.db.migrate import current_revision, head_revision
from matchmaker.jobs.outbox import SCHEDULED_FLAG
from matchmaker.jobs.relay import relay_once
from matchmaker.jobs.runner import InProcessRunner
from matchmaker.schema import build_schema
from matchmaker.schema.context import Context
from matchmaker.schema.errors import MASKED_MESSAGE
from matchmaker.schema.limits import MAX_DOCUMENT_CHARS, is_query_only, parse_bounded
from matchmaker.schema.mutations.accounts import SESSION_COOKIE
from matchmaker.services.accounts import actor_for_token
from matchmaker.services.passwords import dummy_hash
from matchmaker.services.ratelimit import (
    DatabaseLimiter,
    DatabaseRegistrationLimiter,
    FallbackLimiter,
    FallbackRegistrationLimiter,
    LoginLimiter,
    RedisLimiter,
    RedisRegistrationLimiter,
    RegistrationLimiter,
    limits_for,
)
from matchmaker.web.certificates import certificate_pdf
from matchmaker.web.files import evidence_file
from matchmaker.web.metrics import GRAPHQL_ERRORS, JOBS_RELAYED, REGISTRY
from matchmaker.web.ocds import ocds_release_package

log = logging.getLogger("matchmaker.web")
FRONTEND_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    graphql: MatchmakerGraphQL
    limiter: LoginLimiter
    registration_limiter: RegistrationLimiter | None = None
    runner: InProcessRunner | None = None
    redis: Any = None
    tasks: set[Any] = field(default_factory=set)

    async def after_commit_with_jobs(self) -> None:
        """Hand new jobs over now rather than at the next poll."""
        if self.runner is not None:
            self.runner.kick()
        elif self.redis is not None:
            try:
                JOBS_RELAYED.inc(await relay_once(self.session_factory, self.redis))
            except Exception:
                log.warning(
                    "relay after commit failed; the worker's relay will pick up", exc_info=True
                )


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


def session_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)


def _error_response(message: str, code: str, status: int) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


async def _read_body_within_limit(request: Request, limit: int) -> bool:
    """Read the body, refusing to buffer more than ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return False
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return False
    request._body = bytes(body)  # Starlette's cache: request.body()/json() read this
    return True


def _query_only(document: str) -> bool:
    """True when every operation in the document is a query (too long, invalid: False)."""
    return is_query_only(document)


def _payload(request: Request) -> dict[str, Any] | None:
    """The JSON body (already read within the size limit), or None."""
    try:
        payload = json.loads(request._body)
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _document(request: Request) -> str | None:
    if request.method == "GET":
        return request.query_params.get("query")
    payload = _payload(request)
    query = payload.get("query") if payload is not None else None
    return query if isinstance(query, str) else None


def _is_read_only(request: Request) -> bool:
    if request.method == "GET":
        return True  # strawberry refuses mutations over GET
    query = _document(request)
    return query is not None and _query_only(query)


def _document_too_long(request: Request) -> Response | None:
    """Checked before anything parses the document (limits.MAX_DOCUMENT_CHARS)."""
    query = _document(request)
    if query is not None and len(query) > MAX_DOCUMENT_CHARS:
        return _error_response(
            f"The GraphQL document is longer than {MAX_DOCUMENT_CHARS} characters",
            "DOCUMENT_TOO_LARGE",
            413,
        )
    return None


def _not_json(request: Request) -> Response | None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        # No form posts: a cross-site form can't send JSON without a CORS preflight (CSRF).
        return _error_response(
            "Send GraphQL as JSON (Content-Type: application/json)",
            "UNSUPPORTED_MEDIA_TYPE",
            415,
        )
    return None


def _too_large(limit: int) -> Response:
    return _error_response(f"Request body larger than {limit} bytes", "PAYLOAD_TOO_LARGE", 413)


async def graphql_endpoint(request: Request) -> Response:
    """Ordinary GraphQL: a small body (``max_request_bytes``), any caller."""
    state: AppState = request.app.state.mm
    if request.method == "POST":
        refused = _not_json(request)
        if refused is not None:
            return refused
        if not await _read_body_within_limit(request, state.settings.max_request_bytes):
            return _too_large(state.settings.max_request_bytes)
    refused = _document_too_long(request)
    if refused is not None:
        return refused
    return await _execute(request, state)


#: The only operation /graphql/upload runs: the one whose input carries evidence files.
UPLOAD_FIELDS = frozenset({"submitProgressReport"})


def _upload_document_refusal(request: Request) -> Response | None:
    query = _document(request)
    refused = _error_response(
        "/graphql/upload runs one submitProgressReport mutation and nothing else",
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
        return _error_response("Log in to upload files", "UNAUTHENTICATED", 401)
    if not await _read_body_within_limit(request, state.settings.max_upload_bytes):
        return _too_large(state.settings.max_upload_bytes)
    refused = _document_too_long(request) or _upload_document_refusal(request)
    if refused is not None:
        return refused
    return await _execute(request, state)


async def _execute(request: Request, state: AppState) -> Response:
    async with state.session_factory() as session:
        if state.engine.dialect.name == "postgresql" and _is_read_only(request):
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
            return _error_response(exc.reason, "BAD_REQUEST", exc.status_code)
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
                        "errors": [
                            {
                                "message": MASKED_MESSAGE,
                                "extensions": {
                                    "code": "INTERNAL",
                                    "requestId": request.state.request_id,
                                },
                            }
                        ],
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


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    state: AppState = request.app.state.mm
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        # Details (host, user, driver message) go to the log, not to whoever asks.
        log.warning("readiness: database unreachable", exc_info=True)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    head = head_revision(state.settings.database_url)
    current = await current_revision(state.engine)
    if current != head:
        return JSONResponse(
            {"status": "unavailable", "migrations": {"current": current, "head": head}},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "migrations": {"current": current}})


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


async def metrics(request: Request) -> Response:
    """Open in development and test; with MATCHMAKER_METRICS_TOKEN, only to its bearer; in
    production without a token, not served at all (counts and route names stay private)."""
    settings: Settings = request.app.state.mm.settings
    token = settings.metrics_token
    if token is None:
        if settings.is_production:
            return Response("Not Found", status_code=404, media_type="text/plain")
    else:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # Equal-length digests, compared in constant time: timing reveals nothing of the token.
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            _digest(given.strip()), _digest(token)
        ):
            return Response(
                "Unauthorized",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def test_clock(request: Request) -> Response:
    """Only routed with MATCHMAKER_ENV=test and MATCHMAKER_TEST_CLOCK=1 (the test suite and the
    end-to-end harness set both): end-to-end runs move the app's clock with this."""
    if request.method == "POST":
        body = await request.json()
        if body.get("reset"):
            clock.reset()
        if "advance_seconds" in body:
            clock.advance(dt.timedelta(seconds=float(body["advance_seconds"])))
        if "set" in body:
            clock.freeze(dt.datetime.fromisoformat(body["set"]))
        state: AppState = request.app.state.mm
        if state.runner is not None:
            state.runner.kick()
    return JSONResponse({"now": clock.now().isoformat()})


class SpaStaticFiles(StaticFiles):
    """Serve the built front end; unknown paths get index.html so client routes work."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except Exception:
            response = None
        if response is None or response.status_code == 404:
            return await super().get_response("index.html", scope)
        return response


NO_FRONTEND = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>matchmaker</title>'
    "<body><h1>matchmaker</h1><p>前端尚未构建 (the front end is not built). "
    'API: <a href="/graphql">/graphql</a></p></body></html>'
)


def create_app(settings: Settings | None = None, *, background_jobs: bool = True) -> Starlette:
    """Build the app. ``background_jobs=False`` (tests) leaves in-process jobs to explicit
    ``runner.run_due()`` calls instead of a polling task."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        factory = create_session_factory(engine)
        # The decoy hash for unknown logins, computed now off the event loop (services/passwords).
        await asyncio.to_thread(dummy_hash)
        limits = limits_for(settings)
        db_limiter = DatabaseLimiter(settings.login_window_seconds, limits)
        db_registrations = DatabaseRegistrationLimiter(
            settings.registration_window_seconds, settings.registration_max_per_address
        )
        redis = None
        limiter: LoginLimiter = db_limiter
        registration_limiter: RegistrationLimiter = db_registrations
        if settings.redis_url:
            from arq.connections import ArqRedis

            # Lazy pool: the app starts (and serves) while Redis is down; jobs wait in the outbox.
            redis = ArqRedis(
                connection_pool=ConnectionPool.from_url(
                    settings.redis_url, socket_connect_timeout=2, socket_timeout=5
                )
            )
            limiter = FallbackLimiter(
                RedisLimiter(redis, settings.login_window_seconds, limits), db_limiter
            )
            registration_limiter = FallbackRegistrationLimiter(
                RedisRegistrationLimiter(
                    redis,
                    settings.registration_window_seconds,
                    settings.registration_max_per_address,
                ),
                db_registrations,
            )
        graphql = MatchmakerGraphQL(
            build_schema(production=settings.is_production),
            graphql_ide=None if settings.is_production else "graphiql",
        )
        state = AppState(
            settings=settings,
            engine=engine,
            session_factory=factory,
            graphql=graphql,
            limiter=limiter,
            registration_limiter=registration_limiter,
            redis=redis,
        )
        if redis is None:
            import matchmaker.jobs.tasks

            state.runner = InProcessRunner(factory, settings)
            if background_jobs:
                state.runner.start()
        else:
            import matchmaker.jobs.tasks  # noqa: F401
        app.state.mm = state
        log.info(
            "matchmaker started",
            extra={
                "database": engine.url.render_as_string(hide_password=True),
                "jobs": "redis" if redis else "in-process",
            },
        )
        try:
            yield
        finally:
            if state.runner is not None:
                await state.runner.stop()
            if redis is not None:
                await redis.aclose()
            await engine.dispose()
            log.info("matchmaker stopped")

    routes: list[Any] = [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
        Route("/graphql/upload", graphql_upload_endpoint, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        Route("/certificates/{certificate_id:int}.pdf", certificate_pdf),
        Route("/files/{file_id:int}", evidence_file),
        Route("/ocds/release-package.json", ocds_release_package),
    ]
    if settings.is_test and settings.test_clock:
        routes.append(Route("/__test__/clock", test_clock, methods=["GET", "POST"]))
    if (FRONTEND_DIST / "index.html").exists():
        routes.append(Mount("/", SpaStaticFiles(directory=FRONTEND_DIST, html=True)))
    else:
        routes.append(Route("/", lambda request: HTMLResponse(NO_FRONTEND)))

    from starlette.middleware import Middleware

    from matchmaker.web.middleware import RequestContextMiddleware

    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(RequestContextMiddleware)],
    )


__all__ = ["create_app"]
