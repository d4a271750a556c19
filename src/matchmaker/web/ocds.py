"""``GET /ocds/release-package.json``: the public OCDS release package (docs/oversight.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from matchmaker.services.oversight.ocds import release_package
from matchmaker.web.state import AppState


async def ocds_release_package(request: Request) -> Response:
    """Public, like the published projects and award announcements it is made of."""
    state: AppState = request.app.state.mm
    async with state.session_factory() as session:
        try:
            package = await release_package(session, state.settings)
        finally:
            await session.rollback()
    return JSONResponse(
        package,
        media_type="application/json",
        headers={
            "Content-Disposition": 'inline; filename="release-package.json"',
            "Cache-Control": "public, max-age=300",
        },
    )
