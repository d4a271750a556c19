"""Password guessing: aliases, parallel requests, changePassword, argon2 on the event loop
(docs/security.md)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select

from matchmaker.models import AuthSession
from matchmaker.models.enums import Role
from matchmaker.services import passwords
from tests import factories
from tests.factories import PASSWORD

WRONG = "wrong-passw0rd"
LOGIN = """mutation($i: LoginInput!) {
  login(input: $i) { token errors { code field } } }"""
CHANGE = """mutation($i: ChangePasswordInput!) {
  changePassword(input: $i) { account { id } errors { code field } } }"""


async def _login(client: httpx.AsyncClient, login: str, password: str) -> list[str]:
    response = await client.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"i": {"login": login, "password": password}}},
    )
    payload = response.json()["data"]["login"]
    return [e["code"] for e in payload["errors"]] or ["OK"]


async def _sessions(session_factory: Any) -> int:
    async with session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(AuthSession)) or 0)


async def test_twenty_aliased_wrong_passwords_and_the_right_one_in_one_document_log_nobody_in(
    http, session, settings, session_factory
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    before = await _sessions(session_factory)
    guesses = [f"guess{n}-passw0rd" for n in range(20)] + [PASSWORD]
    document = (
        "mutation { "
        + " ".join(
            f'g{n}: login(input: {{login: "lihua", password: "{p}"}}) {{ token }}'
            for n, p in enumerate(guesses)
        )
        + " }"
    )
    body = (await http.post("/graphql", json={"query": document})).json()
    assert body.get("data") is None
    assert "ONE_PASSWORD_CHECK_PER_REQUEST" in {e["extensions"]["code"] for e in body["errors"]}
    assert await _sessions(session_factory) == before


async def test_two_logins_in_one_document_are_refused_even_for_two_accounts(http):
    document = """mutation {
      a: login(input: {login: "lihua", password: "x"}) { token }
      b: login(input: {login: "wangwu", password: "y"}) { token } }"""
    body = (await http.post("/graphql", json={"query": document})).json()
    assert body["errors"][0]["extensions"]["code"] == "ONE_PASSWORD_CHECK_PER_REQUEST"


async def _parallel_guesses(client: httpx.AsyncClient, settings: Any) -> Counter[str]:
    # Twice the allowance at once: each request must see the attempts of the others.
    attempts = 2 * settings.login_max_failures
    results = await asyncio.gather(*(_login(client, "lihua", WRONG) for _ in range(attempts)))
    return Counter(code for codes in results for code in codes)


async def test_parallel_wrong_logins_beyond_the_limit_are_refused(http, session, settings):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    outcome = await _parallel_guesses(http, settings)
    # 5 guesses are checked; the other 5 never reach argon2.
    assert outcome == Counter(
        {
            "INVALID_CREDENTIALS": settings.login_max_failures,
            "RATE_LIMITED": settings.login_max_failures,
        }
    )
    assert await _login(http, "lihua", PASSWORD) == ["RATE_LIMITED"]


async def test_parallel_wrong_logins_beyond_the_limit_are_refused_with_redis(
    app_factory, session, settings, redis_url
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    client = await app_factory(redis_url=redis_url)
    outcome = await _parallel_guesses(client, settings)
    assert outcome["INVALID_CREDENTIALS"] == settings.login_max_failures
    assert outcome["RATE_LIMITED"] == settings.login_max_failures
    assert await _login(client, "lihua", PASSWORD) == ["RATE_LIMITED"]


async def test_a_right_password_after_four_failures_still_logs_in_and_clears_them(
    http, session, settings
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    for _ in range(settings.login_max_failures - 1):
        assert await _login(http, "lihua", WRONG) == ["INVALID_CREDENTIALS"]
    assert await _login(http, "lihua", PASSWORD) == ["OK"]
    for _ in range(settings.login_max_failures):
        assert await _login(http, "lihua", WRONG) == ["INVALID_CREDENTIALS"]
    assert await _login(http, "lihua", PASSWORD) == ["RATE_LIMITED"]


async def test_guessing_the_current_password_through_change_password_is_limited(
    gql, session, settings
):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)

    async def change(old: str) -> list[str]:
        data = await gql(
            CHANGE, {"i": {"oldPassword": old, "newPassword": "new-passw0rd"}}, token=user.token
        )
        return [e["code"] for e in data["changePassword"]["errors"]] or ["OK"]

    for _ in range(settings.login_max_failures):
        assert await change(WRONG) == ["INVALID_CREDENTIALS"]
    # A stolen session has had its 5 guesses: even the right one is refused now.
    assert await change(PASSWORD) == ["RATE_LIMITED"]


async def test_argon2_runs_in_a_worker_thread_not_on_the_event_loop(
    http, session, settings, monkeypatch
):
    await factories.account(session, settings, role=Role.VOLUNTEER, username="lihua")
    threads: list[bool] = []
    real = passwords.verify_password

    def spy(password_hash: str, password: str) -> bool:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", spy)
    assert await _login(http, "lihua", PASSWORD) == ["OK"]
    assert threads == [False]


async def test_guessing_a_shift_check_in_code_is_limited_per_volunteer_and_shift(
    gql, session, settings
):
    from matchmaker import clock
    from matchmaker.services.activities import current_code
    from tests.volunteering_helpers import (
        CHECK_IN,
        HOUR,
        SIGN_UP,
        T0,
        community_activity,
        gid,
        staff,
        volunteer,
    )

    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = T0 + 20 * (HOUR / 60)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(start, start + 2 * HOUR, 5)]
    )
    v = await volunteer(session, settings)
    await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    right = current_code(shift.secret, T0)

    async def check_in(code: str) -> list[str]:
        data = await gql(
            CHECK_IN, {"i": {"shiftId": gid("Shift", shift.id), "code": code}}, token=v.token
        )
        return [e["code"] for e in data["checkIn"]["errors"]] or ["OK"]

    wrong = [f"{n:06d}" for n in range(100) if f"{n:06d}" != right]
    for code in wrong[: settings.checkin_max_failures]:
        assert await check_in(code) == ["INVALID_CHECKIN_CODE"]
    # Ten guesses out of a million codes: the eleventh, even the right one, is refused.
    assert await check_in(right) == ["RATE_LIMITED"]
