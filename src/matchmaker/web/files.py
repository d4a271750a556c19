"""``GET /files/{id}``: download an evidence file, scoped like the progress report it belongs
to, or like a micro-wish's photos (the community's staff and the claimant,
docs/micro_wishes.md)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.http_auth import session_token
from matchmaker.services import micro_wishes as micro_wish_service
from matchmaker.services import reports as report_service
from matchmaker.services.accounts import actor_for_token
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError
from matchmaker.web.errors import error_response
from matchmaker.web.state import AppState


async def evidence_file(request: Request) -> Response:
    state: AppState = request.app.state.mm
    file_id = int(request.path_params["file_id"])  # the route admits digits only
    async with state.session_factory() as session:
        actor = await actor_for_token(session, session_token(request))
        sc = ServiceContext(session=session, actor=actor, settings=state.settings)
        try:
            try:
                f = await report_service.get_evidence(sc, file_id=file_id)
            except DomainError:
                f = await micro_wish_service.get_evidence(sc, file_id=file_id)
        except DomainError:
            # Missing and out of scope look the same.
            return error_response(request, "No such file", "NOT_FOUND", 404)
        data, content_type, name = f.data, f.content_type, f.filename
        await session.rollback()
    return Response(
        content=data,
        media_type=content_type,
        headers={
            # Always a download, never rendered inline in our origin.
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
