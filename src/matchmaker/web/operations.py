"""Operations endpoints: liveness, readiness, metrics, and the test clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.db.migrate import current_revision, head_revision
from matchmaker.metrics import REGISTRY
from matchmaker.web.errors import error_response
from matchmaker.web.state import AppState

log = logging.getLogger("matchmaker.web")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """A status report for probes, not an error: ``status`` is ``ok`` or ``unavailable``."""
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
            return error_response(request, "Not Found", "NOT_FOUND", 404)
    else:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # Equal-length digests, compared in constant time: timing reveals nothing of the token.
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            _digest(given.strip()), _digest(token)
        ):
            return error_response(
                request,
                "Send the metrics token as a Bearer token",
                "UNAUTHENTICATED",
                401,
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
