"""The Starlette application: the factory, its lifespan, the routes and the built front end.

The endpoints live beside it: ``graphql.py`` (``/graphql`` and its transaction),
``operations.py`` (health, readiness, metrics, the test clock), ``files.py`` /
``certificates.py`` / ``ocds.py`` (downloads). Every refusal has one JSON shape (``errors.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

import matchmaker.jobs.tasks  # noqa: F401  (registers every job function)
from matchmaker.config import Settings, get_settings
from matchmaker.db import create_engine, create_session_factory
from matchmaker.queue.runner import InProcessRunner
from matchmaker.schema import build_schema
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
from matchmaker.web.errors import http_exception
from matchmaker.web.files import evidence_file
from matchmaker.web.graphql import MatchmakerGraphQL, graphql_endpoint, graphql_upload_endpoint
from matchmaker.web.middleware import RequestContextMiddleware
from matchmaker.web.ocds import ocds_release_package
from matchmaker.web.operations import healthz, metrics, readyz, test_clock
from matchmaker.web.oversight_exports import oversight_export, oversight_export_file
from matchmaker.web.state import AppState

log = logging.getLogger("matchmaker.web")
FRONTEND_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"


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


async def no_frontend(request: Request) -> Response:
    return HTMLResponse(NO_FRONTEND)


def _limiters(
    settings: Settings, redis: ArqRedis | None
) -> tuple[LoginLimiter, RegistrationLimiter]:
    """In Redis when configured (shared across processes), falling back to the database."""
    limits = limits_for(settings)
    db_limiter = DatabaseLimiter(settings.login_window_seconds, limits)
    db_registrations = DatabaseRegistrationLimiter(
        settings.registration_window_seconds, settings.registration_max_per_address
    )
    if redis is None:
        return db_limiter, db_registrations
    return (
        FallbackLimiter(RedisLimiter(redis, settings.login_window_seconds, limits), db_limiter),
        FallbackRegistrationLimiter(
            RedisRegistrationLimiter(
                redis, settings.registration_window_seconds, settings.registration_max_per_address
            ),
            db_registrations,
        ),
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
        redis = None
        if settings.redis_url:
            # Lazy pool: the app starts (and serves) while Redis is down; jobs wait in the outbox.
            redis = ArqRedis(
                connection_pool=ConnectionPool.from_url(
                    settings.redis_url, socket_connect_timeout=2, socket_timeout=5
                )
            )
        limiter, registration_limiter = _limiters(settings, redis)
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
            state.runner = InProcessRunner(factory, settings)
            if background_jobs:
                state.runner.start()
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
        Route("/oversight/exports/{kind}.xlsx", oversight_export),
        Route("/oversight/exports/files/{export_id:int}.xlsx", oversight_export_file),
    ]
    if settings.is_test and settings.test_clock:
        routes.append(Route("/__test__/clock", test_clock, methods=["GET", "POST"]))
    if (FRONTEND_DIST / "index.html").exists():
        routes.append(Mount("/", SpaStaticFiles(directory=FRONTEND_DIST, html=True)))
    else:
        routes.append(Route("/", no_frontend))

    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(RequestContextMiddleware)],
        exception_handlers={HTTPException: http_exception},
    )
