"""The HTTP surface: health, readiness, metrics, GraphQL guards, error masking, test hooks."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import RelationshipProperty

import matchmaker
from matchmaker import clock
from matchmaker.config import Environment
from matchmaker.db import Base
from matchmaker.db.migrate import upgrade
from matchmaker.logging import JsonFormatter
from matchmaker.models.enums import Role
from tests import factories
from tests.scratch_db import scratch_database


async def _post(client: httpx.AsyncClient, query: str, **kw: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query}, **kw)
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- health, readiness, metrics ---------------------------------------------------------------


async def test_healthz_answers_ok(http):
    response = await http.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_is_503_until_migrations_reach_head_then_200(app_factory, tmp_path):
    async with scratch_database(tmp_path) as url:
        client = await app_factory(database_url=url)
        before = await client.get("/readyz")
        assert before.status_code == 503
        assert before.json()["migrations"]["current"] is None
        await asyncio.to_thread(upgrade, url, "head")
        after = await client.get("/readyz")
        assert (after.status_code, after.json()["status"]) == (200, "ok")


async def test_readyz_is_503_when_the_database_is_unreachable(app_factory, tmp_path):
    client = await app_factory(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "nobody" not in response.text


async def test_metrics_are_prometheus_text(http):
    await http.get("/healthz")
    response = await http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    assert 'matchmaker_http_requests_total{route="/healthz",status="200"}' in response.text


# --- request ids and logs ---------------------------------------------------------------------


async def test_a_safe_request_id_is_echoed_and_a_missing_one_is_generated(http):
    given = await http.get("/healthz", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await http.get("/healthz", headers={"x-request-id": "bad id\twith spaces"})
    assert made.headers["x-request-id"] != "bad id\twith spaces"
    assert len(made.headers["x-request-id"]) == 32


@pytest.fixture
def json_log() -> Any:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


async def test_an_unexpected_resolver_error_is_masked_and_logged_as_json_with_the_request_id(
    http, session, settings, monkeypatch, json_log
):
    from matchmaker.services import notifications

    async def broken(sc: Any) -> int:
        raise RuntimeError("connection string postgres://secret@db")

    monkeypatch.setattr(notifications, "unread_count", broken)
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    body = await _post(
        http,
        "{ unreadNotificationCount }",
        headers={"Authorization": f"Bearer {user.token}", "x-request-id": "req-boom"},
    )
    (error,) = body["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-boom"}
    assert "secret" not in json.dumps(body)
    logged = [e for e in json_log() if e.get("request_id") == "req-boom"]
    assert [e["message"] for e in logged] == ["unexpected error in resolver"]
    assert "RuntimeError: connection string" in logged[0]["exception"]


async def test_typed_refusals_pass_through_with_their_code_and_are_not_logged_as_errors(
    http, json_log
):
    body = await _post(http, "{ jobs(first: 1) { edges { node { id } } } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not [e for e in json_log() if e["level"] == "ERROR"]


# --- GraphQL guards --------------------------------------------------------------------------


async def _session_alive(gql: Any, token: str) -> bool:
    return (await gql("{ me { id } }", token=token))["me"] is not None


async def test_a_too_deep_query_is_refused_before_execution(http):
    deep = "{ regions(first: 1) { edges { node " + "{ parent " * 9 + "{ id }" + " }" * 9 + " } } }"
    body = await _post(http, deep)
    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused_and_nothing_runs(http, gql, session, settings):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    mutation = "mutation { " + " ".join(f"a{i}: logout {{ ok }}" for i in range(31)) + " }"
    body = await _post(http, mutation, headers={"Authorization": f"Bearer {user.token}"})
    assert body["data"] is None and "aliases" in body["errors"][0]["message"]
    assert await _session_alive(gql, user.token)


async def test_too_many_tokens_are_refused_and_nothing_runs(http, gql, session, settings):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    mutation = "mutation { logout { " + "ok " * 5000 + "} }"
    body = await _post(http, mutation, headers={"Authorization": f"Bearer {user.token}"})
    assert body["data"] is None and "token" in body["errors"][0]["message"].lower()
    assert await _session_alive(gql, user.token)


async def test_a_page_over_100_is_page_too_large(gql):
    body = await gql("{ regions(first: 101) { edges { node { id } } } }", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "PAGE_TOO_LARGE"


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_works_outside_production(http):
    body = await _post(http, INTROSPECTION)
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_introspection_is_off_in_production(app_factory):
    client = await app_factory(env=Environment.PRODUCTION)
    body = await _post(client, INTROSPECTION)
    assert body.get("data") is None and body["errors"]


async def test_graphiql_is_served_outside_production_only(http, app_factory):
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    production = await app_factory(env=Environment.PRODUCTION)
    refused = await production.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in refused.text.lower()


# --- the test clock --------------------------------------------------------------------------


async def test_the_test_clock_endpoint_moves_the_clock(http):
    before = clock.now()
    response = await http.post("/__test__/clock", json={"advance_seconds": 3600})
    assert response.status_code == 200
    assert clock.now() - before >= dt.timedelta(hours=1)
    await http.post("/__test__/clock", json={"set": "2026-05-01T08:00:00+08:00"})
    assert clock.now() == dt.datetime(2026, 5, 1, 0, 0, tzinfo=dt.UTC)


async def test_the_test_clock_endpoint_does_not_exist_outside_the_test_environment(app_factory):
    client = await app_factory(env=Environment.DEVELOPMENT)
    before = clock.now()
    response = await client.post("/__test__/clock", json={"advance_seconds": 86400})
    assert response.status_code in (404, 405)
    assert clock.now() - before < dt.timedelta(hours=1)


# --- models ----------------------------------------------------------------------------------


def test_models_declare_no_orm_relationships_so_every_join_is_explicit():
    # Models registered at all, or the check below would pass on an empty registry.
    assert len(Base.registry.mappers) > 30
    relationships = [
        f"{mapper.class_.__name__}.{rel.key}"
        for mapper in Base.registry.mappers
        for rel in mapper.relationships
        if isinstance(rel, RelationshipProperty)
    ]
    assert relationships == []


@pytest.mark.slow
def test_serve_starts_answers_and_stops_cleanly_on_sigterm(settings, tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import matchmaker

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    env.update(
        MATCHMAKER_ENV="test",
        MATCHMAKER_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        MATCHMAKER_SECRET_KEY=settings.secret_key,
        MATCHMAKER_VAR_DIR=str(tmp_path),
        MATCHMAKER_BIND=f"127.0.0.1:{port}",
        PYTHONPATH=str(Path(matchmaker.__file__).resolve().parents[1]),
    )
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("matchmaker")), "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(150):  # ≤ 30 s for the server to come up
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1].decode()
                time.sleep(0.2)
        else:
            raise AssertionError("server did not come up")
        assert response.json() == {"status": "ok"}
        assert response.headers["x-request-id"]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # uvicorn re-raises SIGTERM after its graceful shutdown, as process managers expect.
    assert proc.returncode in (0, -signal.SIGTERM), err.decode()
    messages = [
        json.loads(line)["message"] for line in err.decode().splitlines() if line.startswith("{")
    ]
    assert "matchmaker started" in messages and "matchmaker stopped" in messages


async def test_masked_errors_are_counted_in_the_metrics(http, session, settings, monkeypatch):
    from matchmaker.services import notifications

    async def broken(sc: Any) -> int:
        raise RuntimeError("boom")

    def count(text: str) -> float:
        for line in text.splitlines():
            if line.startswith("matchmaker_graphql_unexpected_errors_total "):
                return float(line.split()[1])
        return 0.0

    monkeypatch.setattr(notifications, "unread_count", broken)
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    before = count((await http.get("/metrics")).text)
    await _post(
        http, "{ unreadNotificationCount }", headers={"Authorization": f"Bearer {user.token}"}
    )
    assert count((await http.get("/metrics")).text) == before + 1


async def test_a_failed_commit_is_a_masked_500_and_nothing_is_kept(
    http, session, settings, session_factory, monkeypatch
):
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession

    from matchmaker.models import Notification
    from matchmaker.services.notifications import notify

    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    await notify(session, [user.account.id], code="test.msg", text="消息")
    await session.commit()

    async def failing_commit(self: AsyncSession) -> None:
        raise RuntimeError("could not serialize access")

    monkeypatch.setattr(AsyncSession, "commit", failing_commit)
    response = await http.post(
        "/graphql",
        json={"query": "mutation { markNotificationsRead(input: {}) { marked } }"},
        headers={"Authorization": f"Bearer {user.token}", "x-request-id": "req-commit"},
    )
    monkeypatch.undo()
    assert response.status_code == 500
    assert response.json()["errors"][0]["extensions"] == {
        "code": "INTERNAL",
        "requestId": "req-commit",
    }
    async with session_factory() as s:
        unread = await s.scalar(
            select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
        )
    assert unread == 1


# --- code rules the platform relies on --------------------------------------------------------

SRC_ROOT = Path(matchmaker.__file__).resolve().parent


def _calls(path: Any) -> list[tuple[str, int]]:
    """``(dotted call name, line)`` for every call in a module, e.g. ``session.commit``."""
    import ast

    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            parts: list[str] = []
            target: ast.AST = node.func
            while isinstance(target, ast.Attribute):
                parts.append(target.attr)
                target = target.value
            if isinstance(target, ast.Name):
                parts.append(target.id)
            found.append((".".join(reversed(parts)), node.lineno))
    return found


def test_services_and_resolvers_never_commit():
    offenders = [
        f"{path.relative_to(SRC_ROOT)}:{line}"
        for folder in ("services", "schema")
        for path in sorted((SRC_ROOT / folder).rglob("*.py"))
        for name, line in _calls(path)
        if name.endswith(".commit") and path.name != "bootstrap.py"
    ]
    assert offenders == [], "services flush; the request (or job runner) commits once"


def test_nothing_reads_the_system_clock_but_the_clock_module():
    forbidden = ("datetime.now", "datetime.utcnow", "date.today", "time.time", "dt.datetime.now")
    offenders = [
        f"{path.relative_to(SRC_ROOT)}:{line} {name}"
        for path in sorted(SRC_ROOT.rglob("*.py"))
        if path.name != "clock.py"
        for name, line in _calls(path)
        if name in forbidden or name.endswith((".datetime.now", ".date.today"))
    ]
    assert offenders == [], "use matchmaker.clock.now() / clock.today_shanghai()"


async def test_a_request_body_over_the_limit_is_refused_with_413_before_anything_runs(
    settings, engine
):

    import httpx

    from matchmaker.web.app import create_app

    small = dataclasses.replace(settings, max_request_bytes=1024)
    app = create_app(small, background_jobs=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            padding = "x" * 2048
            too_big = await client.post(
                "/graphql", json={"query": "{ __typename }", "variables": {"p": padding}}
            )
            fits = await client.post("/graphql", json={"query": "{ __typename }"})
    assert too_big.status_code == 413
    assert too_big.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert fits.status_code == 200
    assert fits.json() == {"data": {"__typename": "Query"}}


def test_only_documents_without_mutations_take_the_read_only_path():
    from matchmaker.web.graphql import _query_only

    assert _query_only("{ me { id } }")
    assert _query_only("query A { me { id } } query B { regions { nodes { id } } }")
    assert not _query_only("mutation { logout { ok } }")
    assert not _query_only("query A { me { id } } mutation B { logout { ok } }")
    assert not _query_only("{ unbalanced")
