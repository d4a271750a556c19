"""Who may read /metrics: anyone in development and test, the token's bearer when a token is
set, and nobody in production without one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from matchmaker.config import ConfigError, Environment, load_settings

TOKEN = "metrics-token-0123456789abcdef"
PROMETHEUS_LINE = "matchmaker_http_requests_total"


@pytest.fixture
def start(app_factory: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def build(**changes: Any) -> Any:
        client = await app_factory(**changes)
        await client.get("/healthz")  # so there is a request to count
        return client

    return build


@pytest.mark.parametrize("env", [Environment.DEVELOPMENT, Environment.TEST])
async def test_without_a_token_metrics_are_open_in_development_and_test(start, env):
    client = await start(env=env, metrics_token=None)
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert PROMETHEUS_LINE in response.text


async def test_without_a_token_metrics_are_not_served_in_production(start):
    client = await start(env=Environment.PRODUCTION, metrics_token=None)
    response = await client.get("/metrics")
    assert response.status_code == 404
    assert PROMETHEUS_LINE not in response.text
    # Not even to someone who guesses that some bearer token is wanted.
    guessed = await client.get("/metrics", headers={"Authorization": "Bearer anything-at-all"})
    assert guessed.status_code == 404


@pytest.mark.parametrize("env", [Environment.DEVELOPMENT, Environment.PRODUCTION])
async def test_with_a_token_a_request_without_authorization_is_refused_with_401(start, env):
    client = await start(env=env, metrics_token=TOKEN)
    response = await client.get("/metrics")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert PROMETHEUS_LINE not in response.text


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-token-0123456789abcdef",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer ",
    ],
)
async def test_with_a_token_a_wrong_token_or_scheme_is_refused_with_401(start, authorization):
    client = await start(env=Environment.PRODUCTION, metrics_token=TOKEN)
    response = await client.get("/metrics", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert PROMETHEUS_LINE not in response.text


@pytest.mark.parametrize("env", [Environment.TEST, Environment.PRODUCTION])
async def test_with_a_token_its_bearer_reads_the_metrics(start, env):
    client = await start(env=env, metrics_token=TOKEN)
    for scheme in ("Bearer", "bearer"):
        response = await client.get("/metrics", headers={"Authorization": f"{scheme} {TOKEN}"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert PROMETHEUS_LINE in response.text


def test_the_metrics_token_is_read_from_the_environment_and_kept_out_of_the_settings_repr():
    settings = load_settings(
        {
            "MATCHMAKER_ENV": "production",
            "MATCHMAKER_SECRET_KEY": "k" * 40,
            "MATCHMAKER_METRICS_TOKEN": TOKEN,
        }
    )
    assert settings.metrics_token == TOKEN
    assert TOKEN not in repr(settings)
    unset = load_settings({"MATCHMAKER_ENV": "production", "MATCHMAKER_SECRET_KEY": "k" * 40})
    assert unset.metrics_token is None


@pytest.mark.parametrize("token", ["short", f" {TOKEN}", f"{TOKEN}\t"])
def test_a_short_or_padded_metrics_token_is_refused_at_start(token):
    with pytest.raises(ConfigError, match="MATCHMAKER_METRICS_TOKEN"):
        load_settings(
            {
                "MATCHMAKER_ENV": "production",
                "MATCHMAKER_SECRET_KEY": "k" * 40,
                "MATCHMAKER_METRICS_TOKEN": token,
            }
        )
