"""Logging in and out: sessions, cookies, rate limits, CSRF guards, the first admin."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.config import Environment, get_settings
from matchmaker.models import AuditEvent, AuthSession, LoginFailure
from matchmaker.models.enums import Role
from matchmaker.schema.relay import to_global_id
from tests import factories
from tests.factories import PASSWORD

LOGIN = """mutation($i: LoginInput!) {
  login(input: $i) { token account { displayName } errors { code field } } }"""
ME = "{ me { id } }"


async def _count(session_factory, model: Any, *where: Any) -> int:
    async with session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _login(gql, login: str, password: str = PASSWORD) -> dict[str, Any]:
    data = await gql(LOGIN, {"i": {"login": login, "password": password}})
    return dict(data["login"])


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def _post_login(client: httpx.AsyncClient, login: str, password: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"i": {"login": login, "password": password}}},
    )
    return dict(response.json()["data"]["login"])


# --- logging in ------------------------------------------------------------------------------


async def test_login_by_username_returns_a_working_bearer_token(gql, session, settings):
    user = await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    result = await _login(gql, "lihua")
    assert result["errors"] == [] and result["account"]["displayName"] == user.account.display_name
    me = await gql(ME, token=result["token"])
    assert me["me"]["id"] == to_global_id("Account", user.account.id)


async def test_login_by_phone_works(gql, session, settings):
    await factories.account(session, settings, role=Role.VOLUNTEER, phone="13912345678")
    result = await _login(gql, "13912345678")
    assert result["errors"] == [] and result["token"]


async def test_a_wrong_password_is_refused_and_writes_no_session_or_audit_event(
    gql, session, settings, session_factory
):
    user = await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    sessions = await _count(session_factory, AuthSession)
    events = await _count(session_factory, AuditEvent)
    result = await _login(gql, "lihua", "wrong-passw0rd")
    assert result == {
        "token": None,
        "account": None,
        "errors": [{"code": "INVALID_CREDENTIALS", "field": "password"}],
    }
    assert await _count(session_factory, AuthSession) == sessions
    assert await _count(session_factory, AuditEvent) == events
    # Only the limiter's own record of the failure is kept.
    assert await _count(session_factory, LoginFailure) == 2  # account name + address
    assert user.account.id


async def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(gql):
    result = await _login(gql, "nobody-here")
    assert _codes(result) == ["INVALID_CREDENTIALS"]


async def test_the_session_cookie_is_httponly_and_samesite_lax_but_not_secure_in_test(
    http, session, settings
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    response = await http.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"i": {"login": "lihua", "password": PASSWORD}}},
    )
    cookie = response.headers["set-cookie"].lower()
    assert "mm_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    me = await http.post("/graphql", json={"query": ME})  # the client sends the cookie back
    assert me.json()["data"]["me"] is not None


async def test_the_session_cookie_is_secure_in_production(app_factory, session, settings):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    client = await app_factory(env=Environment.PRODUCTION)
    response = await client.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"i": {"login": "lihua", "password": PASSWORD}}},
    )
    assert "secure" in response.headers["set-cookie"].lower()


async def test_logout_deletes_the_session(gql, session, settings, session_factory):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    data = await gql("mutation { logout { ok errors { code } } }", token=user.token)
    assert data["logout"] == {"ok": True, "errors": []}
    assert (
        await _count(session_factory, AuthSession, AuthSession.account_id == user.account.id) == 0
    )
    assert (await gql(ME, token=user.token))["me"] is None


async def test_an_expired_session_is_anonymous(gql, session, settings):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    clock.advance(dt.timedelta(hours=settings.session_ttl_hours, seconds=1))
    assert (await gql(ME, token=user.token))["me"] is None


async def test_sessions_are_stored_as_hashes_only(session, settings, session_factory):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    async with session_factory() as s:
        stored = await s.scalar(
            select(AuthSession.token_hash).where(AuthSession.account_id == user.account.id)
        )
    assert stored is not None and user.token not in stored and len(stored) == 64


async def test_a_disabled_account_cannot_log_in_and_its_sessions_end(gql, session, settings):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    user = await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    data = await gql(
        """mutation($i: SetAccountStatusInput!) { setAccountStatus(input: $i) { errors { code } } }""",
        {"i": {"accountId": to_global_id("Account", user.account.id), "status": "DISABLED"}},
        token=admin.token,
    )
    assert data["setAccountStatus"]["errors"] == []
    assert (await gql(ME, token=user.token))["me"] is None
    assert _codes(await _login(gql, "lihua")) == ["ACCOUNT_DISABLED"]


# --- rate limits -----------------------------------------------------------------------------


async def test_five_failures_for_one_account_block_even_the_right_password(gql, session, settings):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    for _ in range(settings.login_max_failures):
        assert _codes(await _login(gql, "lihua", "wrong-passw0rd")) == ["INVALID_CREDENTIALS"]
    assert _codes(await _login(gql, "lihua")) == ["RATE_LIMITED"]
    assert _codes(await _login(gql, "LiHua ")) == ["RATE_LIMITED"]  # same name, other spelling


async def test_the_account_limit_lifts_after_the_window(gql, session, settings):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    for _ in range(settings.login_max_failures):
        await _login(gql, "lihua", "wrong-passw0rd")
    clock.advance(dt.timedelta(seconds=settings.login_window_seconds + 1))
    assert (await _login(gql, "lihua"))["errors"] == []


async def test_twenty_failures_from_one_address_block_every_account_from_it(gql, session, settings):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    for n in range(settings.login_max_failures_per_address):
        await _login(gql, f"guess{n}", "wrong-passw0rd")
    assert _codes(await _login(gql, "lihua")) == ["RATE_LIMITED"]


async def test_the_limit_holds_across_two_app_instances_on_one_database(
    app_factory, session, settings
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    one, two = await app_factory(), await app_factory()
    for n in range(settings.login_max_failures):
        await _post_login(one if n % 2 else two, "lihua", "wrong-passw0rd")
    assert _codes(await _post_login(one, "lihua", PASSWORD)) == ["RATE_LIMITED"]
    assert _codes(await _post_login(two, "lihua", PASSWORD)) == ["RATE_LIMITED"]


async def test_the_limit_holds_across_two_app_instances_sharing_redis(
    app_factory, session, settings, session_factory, redis_url
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    one, two = await app_factory(redis_url=redis_url), await app_factory(redis_url=redis_url)
    for n in range(settings.login_max_failures):
        await _post_login(one if n % 2 else two, "lihua", "wrong-passw0rd")
    assert _codes(await _post_login(one, "lihua", PASSWORD)) == ["RATE_LIMITED"]
    assert _codes(await _post_login(two, "lihua", PASSWORD)) == ["RATE_LIMITED"]
    assert await _count(session_factory, LoginFailure) == 0  # counted in Redis, not the database


async def test_with_redis_unreachable_failures_are_limited_through_the_database(
    app_factory, session, settings
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    client = await app_factory(redis_url="redis://127.0.0.1:1/0")
    for _ in range(settings.login_max_failures):
        await _post_login(client, "lihua", "wrong-passw0rd")
    assert _codes(await _post_login(client, "lihua", PASSWORD)) == ["RATE_LIMITED"]


async def test_a_successful_login_clears_the_account_failures(gql, session, settings):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    for _ in range(settings.login_max_failures - 1):
        await _login(gql, "lihua", "wrong-passw0rd")
    assert (await _login(gql, "lihua"))["errors"] == []
    await _login(gql, "lihua", "wrong-passw0rd")
    assert (await _login(gql, "lihua"))["errors"] == []


# --- transport guards -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (
            "application/x-www-form-urlencoded",
            "query=mutation%20%7B%20logout%20%7B%20ok%20%7D%20%7D",
        ),
        (
            "multipart/form-data; boundary=x",
            '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nmutation { logout { ok } }\r\n--x--\r\n',
        ),
        ("text/plain", '{"query": "mutation { logout { ok } }"}'),
    ],
)
async def test_form_posts_are_refused_with_415_and_nothing_runs(
    http, session, settings, session_factory, content_type, body
):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    response = await http.post(
        "/graphql",
        content=body,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {user.token}"},
    )
    assert response.status_code == 415
    assert (
        await _count(session_factory, AuthSession, AuthSession.account_id == user.account.id) == 1
    )


async def test_a_mutation_over_get_is_refused_and_nothing_runs(
    http, session, settings, session_factory
):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    response = await http.get(
        "/graphql",
        params={"query": "mutation { logout { ok } }"},
        headers={"Authorization": f"Bearer {user.token}"},
    )
    assert response.status_code in (400, 405)
    assert (
        await _count(session_factory, AuthSession, AuthSession.account_id == user.account.id) == 1
    )


async def test_a_query_over_get_works(http):
    response = await http.get("/graphql", params={"query": "{ me { id } }"})
    assert response.status_code == 200 and response.json() == {"data": {"me": None}}


# --- the first admin -------------------------------------------------------------------------


async def test_create_admin_from_the_command_line_then_log_in(
    gql, settings, session_factory, monkeypatch
):
    from matchmaker import cli

    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", settings.secret_key)
    get_settings.cache_clear()
    try:
        await asyncio.to_thread(
            cli.main, ["create-admin", "--username", "root", "--password", "first-passw0rd"]
        )
    finally:
        get_settings.cache_clear()
    result = await _login(gql, "root", "first-passw0rd")
    assert result["errors"] == []
    me = await gql("{ me { grants { role } } }", token=result["token"])
    assert me["me"]["grants"] == [{"role": "PLATFORM_ADMIN"}]


async def test_create_admin_refuses_a_weak_password_and_creates_nothing(
    settings, session_factory, monkeypatch, capsys
):
    from matchmaker import cli
    from matchmaker.models import Account

    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", settings.secret_key)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exit_info:
            await asyncio.to_thread(
                cli.main, ["create-admin", "--username", "root", "--password", "short"]
            )
    finally:
        get_settings.cache_clear()
    assert exit_info.value.code == 1
    assert "Password must be" in capsys.readouterr().err
    assert await _count(session_factory, Account) == 0


async def test_a_login_is_audited_as_done_by_the_account(gql, session, settings, session_factory):
    user = await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    await _login(gql, "lihua")
    async with session_factory() as s:
        actors = list(
            await s.scalars(
                select(AuditEvent.actor_account_id).where(AuditEvent.action == "account.login")
            )
        )
    assert actors == [user.account.id]


async def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(
    gql, session, settings
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    here = (await _login(gql, "lihua"))["token"]
    elsewhere = (await _login(gql, "lihua"))["token"]
    data = await gql(
        "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { errors { code } } }",
        {"i": {"oldPassword": PASSWORD, "newPassword": "new-passw0rd"}},
        token=here,
    )
    assert data["changePassword"]["errors"] == []
    assert (await gql(ME, token=here))["me"] is not None
    assert (await gql(ME, token=elsewhere))["me"] is None


async def test_an_account_is_fetchable_by_node_id_by_itself_and_account_managers_only(
    gql, session, settings
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    user = await factories.account(session, settings, role=Role.VOLUNTEER, phone="13912345678")
    other = await factories.account(session, settings, role=Role.VOLUNTEER)
    query = "query($id: ID!) { node(id: $id) { ... on Account { phone } } }"
    variables = {"id": to_global_id("Account", user.account.id)}
    assert (await gql(query, variables, token=user.token))["node"] == {"phone": "13912345678"}
    assert (await gql(query, variables, token=admin.token))["node"] == {"phone": "139****5678"}
    assert (await gql(query, variables, token=other.token))["node"] is None
    assert (await gql(query, variables))["node"] is None
