"""The one JSON error shape every route answers with (docs/architecture.md, "Errors over HTTP").

``{"errors": [{"message": …, "extensions": {"code": …, "requestId": …}}]}``: the shape GraphQL
errors already have, so a client reads a refused upload, a missing download, a locked
``/metrics`` and a GraphQL failure with one parser, and can quote the request id.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

#: Codes of the HTTP statuses Starlette itself refuses with (unknown route, wrong method).
_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def error_body(message: str, code: str, request_id: str | None) -> dict[str, object]:
    extensions: dict[str, object] = {"code": code}
    if request_id is not None:
        extensions["requestId"] = request_id
    return {"errors": [{"message": message, "extensions": extensions}]}


def error_response(
    request: Request,
    message: str,
    code: str,
    status: int,
    *,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A refusal in the shared shape, carrying the request id the middleware assigned."""
    request_id = getattr(request.state, "request_id", None)
    return JSONResponse(error_body(message, code, request_id), status_code=status, headers=headers)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route, method not allowed) in the shared shape."""
    assert isinstance(exc, HTTPException)
    code = _STATUS_CODES.get(exc.status_code, "HTTP_ERROR")
    return error_response(
        request, str(exc.detail), code, exc.status_code, headers=exc.headers or None
    )
