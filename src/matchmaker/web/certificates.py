"""Certificate PDF downloads: the holder's session decides, through the scoped service."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from matchmaker.schema.mutations.accounts import SESSION_COOKIE
from matchmaker.services import certificates as certificate_service
from matchmaker.services.accounts import actor_for_token
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)


async def certificate_pdf(request: Request) -> Response:
    """``GET /certificates/{id}.pdf``: 404 alike for missing, out of scope and not rendered."""
    state: Any = request.app.state.mm
    certificate_id = int(request.path_params["certificate_id"])
    async with state.session_factory() as session:
        actor = await actor_for_token(session, _token(request))
        sc = ServiceContext(session=session, actor=actor, settings=state.settings)
        try:
            found = await certificate_service.certificate_pdf(sc, certificate_id)
        except DomainError as exc:
            status = 401 if exc.code.value == "UNAUTHENTICATED" else 404
            return JSONResponse({"error": exc.code.value}, status_code=status)
        finally:
            await session.rollback()
    if found is None:
        return JSONResponse({"error": "NOT_FOUND"}, status_code=404)
    serial, pdf = found
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{serial}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
