"""Matrix cases for notifications: every logged-in role reaches its own, and only its own."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.models import Notification
from matchmaker.models.enums import Role
from matchmaker.schema.relay import to_global_id
from matchmaker.services.notifications import notify
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error

LOGGED_IN = [r for r in ROLES if r is not None]


async def _notify(env: MatrixEnv, role: Role, title: str) -> int:
    account_id = env.logins[role].account.id
    await notify(env.session, [account_id], code="test.hello", text=title)
    row_id = await env.session.scalar(
        select(Notification.id).where(
            Notification.account_id == account_id, Notification.title == title
        )
    )
    await env.session.commit()  # and end the transaction: on SQLite it holds the write lock
    assert row_id is not None
    return row_id


def _other(role: Role) -> Role:
    return Role.VOLUNTEER if role is not Role.VOLUNTEER else Role.PLATFORM_ADMIN


MY = "{ myNotifications(first: 10) { edges { node { id title } } } }"


@case("myNotifications", LOGGED_IN, allowed=True)
async def my_notifications_lists_own(env: MatrixEnv, role):
    own = await _notify(env, role, "mine")
    data = await env.gql(MY, token=env.token(role))
    ids = [e["node"]["id"] for e in data["myNotifications"]["edges"]]
    return Outcome(allowed=ids == [to_global_id("Notification", own)], detail=data)


@case("myNotifications", LOGGED_IN, allowed=False, name="others_are_not_listed")
async def my_notifications_hides_others(env: MatrixEnv, role):
    await _notify(env, _other(role), "theirs")
    data = await env.gql(MY, token=env.token(role))
    return Outcome(allowed=bool(data["myNotifications"]["edges"]), detail=data)


@case("myNotifications", [None], allowed=False)
async def my_notifications_needs_login(env: MatrixEnv, role):
    body = await env.gql(MY, expect_errors=True)
    return Outcome(allowed=not refused_by_error(body), detail=body)


COUNT = "{ unreadNotificationCount }"


@case("unreadNotificationCount", LOGGED_IN, allowed=True)
async def unread_count_counts_own(env: MatrixEnv, role):
    await _notify(env, role, "mine")
    data = await env.gql(COUNT, token=env.token(role))
    return Outcome(allowed=data["unreadNotificationCount"] == 1, detail=data)


@case("unreadNotificationCount", LOGGED_IN, allowed=False, name="others_are_not_counted")
async def unread_count_ignores_others(env: MatrixEnv, role):
    await _notify(env, _other(role), "theirs")
    data = await env.gql(COUNT, token=env.token(role))
    return Outcome(allowed=data["unreadNotificationCount"] != 0, detail=data)


@case("unreadNotificationCount", [None], allowed=False)
async def unread_count_needs_login(env: MatrixEnv, role):
    body = await env.gql(COUNT, expect_errors=True)
    return Outcome(allowed=not refused_by_error(body), detail=body)


MARK = (
    "mutation($i: MarkNotificationsReadInput!) {"
    " markNotificationsRead(input: $i) { marked errors { code } } }"
)


@case("markNotificationsRead", LOGGED_IN, allowed=True)
async def mark_own_read(env: MatrixEnv, role):
    own = await _notify(env, role, "mine")
    body = await env.gql(
        MARK,
        {"i": {"ids": [to_global_id("Notification", own)]}},
        token=env.token(role),
        expect_errors=True,
    )
    outcome = payload_outcome(body, "markNotificationsRead")
    return Outcome(allowed=outcome.allowed and body["data"]["markNotificationsRead"]["marked"] == 1)


@case("markNotificationsRead", LOGGED_IN, allowed=False, name="others_stay_unread")
async def mark_others_read(env: MatrixEnv, role):
    theirs = await _notify(env, _other(role), "theirs")
    await env.gql(
        MARK, {"i": {"ids": [to_global_id("Notification", theirs)]}}, token=env.token(role)
    )
    read_at = await env.session.scalar(
        select(Notification.read_at).where(Notification.id == theirs)
    )
    await env.session.rollback()
    return Outcome(allowed=read_at is not None)


@case("markNotificationsRead", [None], allowed=False)
async def mark_read_needs_login(env: MatrixEnv, role):
    body = await env.gql(MARK, {"i": {}}, expect_errors=True)
    return payload_outcome(body, "markNotificationsRead")
