"""Certificate PDF downloads: the holder's session decides, through the scoped service."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.http_auth import session_token
from matchmaker.services import certificates as certificate_service
from matchmaker.services.accounts import actor_for_token
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode
from matchmaker.web.errors import error_response
from matchmaker.web.state import AppState


async def certificate_pdf(request: Request) -> Response:
    """``GET /certificates/{id}.pdf``: 404 alike for missing, out of scope and not rendered."""
    state: AppState = request.app.state.mm
    certificate_id = int(request.path_params["certificate_id"])
    async with state.session_factory() as session:
        actor = await actor_for_token(session, session_token(request))
        sc = ServiceContext(session=session, actor=actor, settings=state.settings)
        try:
            found = await certificate_service.certificate_pdf(sc, certificate_id)
        except DomainError as exc:
            status = 401 if exc.code is ErrorCode.UNAUTHENTICATED else 404
            return error_response(request, exc.message, exc.code.value, status)
        finally:
            await session.rollback()
    if found is None:
        return error_response(request, "No such certificate", "NOT_FOUND", 404)
    serial, pdf = found
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{serial}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
