"""Every route refuses in one JSON shape: ``{"errors": [{"message", "extensions": {"code",
"requestId"}}]}``, the shape GraphQL errors have (docs/architecture.md, "Errors over HTTP")."""

from __future__ import annotations

from typing import Any

import pytest

from matchmaker.config import Environment


def assert_refusal(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    assert isinstance(error["message"], str) and error["message"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("POST", "/graphql", {"data": {"query": "{ me { id } }"}}, 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("POST", "/graphql/upload", {"json": {"query": "{ me { id } }"}}, 401, "UNAUTHENTICATED"),
        ("PUT", "/graphql", {}, 405, "METHOD_NOT_ALLOWED"),
        ("GET", "/files/999999", {}, 404, "NOT_FOUND"),
        ("GET", "/certificates/999999.pdf", {}, 401, "UNAUTHENTICATED"),
    ],
)
async def test_a_refused_request_gets_the_shared_error_shape(
    http, method, path, kwargs, status, code
):
    assert_refusal(await http.request(method, path, **kwargs), status, code)


async def test_an_oversized_graphql_body_gets_the_shared_error_shape(http, settings):
    body = "x" * (settings.max_request_bytes + 1)
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert_refusal(response, 413, "PAYLOAD_TOO_LARGE")


async def test_locked_metrics_refuse_in_the_shared_error_shape(app_factory):
    client = await app_factory(env=Environment.TEST, metrics_token="metrics-token-0123456789abcdef")
    response = await client.get("/metrics", headers={"authorization": "Bearer wrong"})
    assert_refusal(response, 401, "UNAUTHENTICATED")
    assert response.headers["www-authenticate"] == 'Bearer realm="metrics"'
