"""How an HTTP request carries its session: the one home of the cookie name and the token reader.

Browsers send the ``mm_session`` cookie (set by the ``login`` mutation, httpOnly and SameSite=Lax);
API clients send ``Authorization: Bearer <token>``. The GraphQL endpoint and the download routes
(``web/``) read the token with :func:`session_token`; the login and logout mutations (``schema/``)
set and clear the cookie by :data:`SESSION_COOKIE`. Neither layer imports the other for it.
"""

from __future__ import annotations

from starlette.requests import Request

SESSION_COOKIE = "mm_session"


def session_token(request: Request) -> str | None:
    """The Bearer token if the request has one, else the session cookie, else None."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)
