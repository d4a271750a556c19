"""Oversight .xlsx downloads (docs/oversight.md, "Exports"), scoped by the caller's session.

``GET /oversight/exports/{kind}.xlsx?regionId=&year=&category=&fundingSource=&rule=&status=
&projectId=`` builds a small export at once (the same scope and masking as the screens);
``GET /oversight/exports/files/{id}.xlsx`` serves one the export job wrote, to its requester.
Refusals look alike: 401 without a session, 404 for anything out of scope or missing, 400 for
bad filters or a scope too large to download at once.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.http_auth import session_token
from matchmaker.services.accounts import actor_for_token
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode
from matchmaker.services.oversight import exports
from matchmaker.web.errors import error_response
from matchmaker.web.state import AppState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    return int(value)  # ValueError: a 400


def _request(kind: str, request: Request) -> exports.ExportRequest:
    q = request.query_params
    return exports.ExportRequest(
        kind=kind,
        region_id=_int(q.get("regionId")),
        year=_int(q.get("year")),
        category=q.get("category") or None,
        funding_source=q.get("fundingSource") or None,
        rule=q.get("rule") or None,
        status=q.get("status") or None,
        project_id=_int(q.get("projectId")),
    )


def _refusal(request: Request, exc: DomainError) -> Response:
    if exc.code is ErrorCode.UNAUTHENTICATED:
        return error_response(request, "Log in first", exc.code.value, 401)
    if exc.code in (ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND):
        # Out of scope and missing look the same.
        return error_response(request, "No such export", "NOT_FOUND", 404)
    return error_response(request, exc.message, exc.code.value, 400)


def _xlsx(filename: str, data: bytes) -> Response:
    return Response(
        content=data,
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


async def oversight_export(request: Request) -> Response:
    state: AppState = request.app.state.mm
    try:
        r = _request(str(request.path_params["kind"]), request)
    except ValueError:
        return error_response(request, "Ids and years are whole numbers", "INVALID_INPUT", 400)
    async with state.session_factory() as session:
        actor = await actor_for_token(session, session_token(request))
        sc = ServiceContext(session=session, actor=actor, settings=state.settings)
        try:
            filename, data = await exports.direct_workbook(sc, r)
        except DomainError as exc:
            return _refusal(request, exc)
        finally:
            await session.rollback()
    return _xlsx(filename, data)


async def oversight_export_file(request: Request) -> Response:
    state: AppState = request.app.state.mm
    export_id = int(request.path_params["export_id"])
    async with state.session_factory() as session:
        actor = await actor_for_token(session, session_token(request))
        sc = ServiceContext(session=session, actor=actor, settings=state.settings)
        try:
            row = await exports.get_export_file(sc, export_id)
            filename, data = row.filename, row.data
        except DomainError as exc:
            return _refusal(request, exc)
        finally:
            await session.rollback()
    return _xlsx(filename, data)
