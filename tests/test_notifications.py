"""The notifications API: each account reads and marks only its own messages."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.models import AuditEvent, Notification
from matchmaker.models.enums import Role
from matchmaker.schema.relay import to_global_id
from matchmaker.services.notifications import notify
from tests import factories

MY = """query($first: Int, $after: String, $unread: Boolean) {
  myNotifications(first: $first, after: $after, unreadOnly: $unread) {
    edges { node { id kind title isRead subjectId } }
    pageInfo { hasNextPage endCursor }
  }
  unreadNotificationCount
}"""
MARK = """mutation($i: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $i) { marked unreadCount errors { code field } }
}"""


async def _messages(session, account_id: int, n: int) -> list[int]:
    for i in range(n):
        await notify(session, [account_id], code="test.msg", text=f"消息{i}")
    ids = list(
        await session.scalars(
            select(Notification.id)
            .where(Notification.account_id == account_id)
            .order_by(Notification.id)
        )
    )
    await session.commit()
    return ids


async def _unread(session, account_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.account_id == account_id, Notification.read_at.is_(None))
    )
    await session.commit()  # end the read (SQLite write lock) without expiring objects
    return int(count or 0)


async def test_my_notifications_are_newest_first_and_paginated(gql, session, settings):
    me = await factories.account(session, settings, role=Role.VOLUNTEER)
    ids = await _messages(session, me.account.id, 3)
    page1 = (await gql(MY, {"first": 2}, token=me.token))["myNotifications"]
    assert [e["node"]["id"] for e in page1["edges"]] == [
        to_global_id("Notification", i) for i in reversed(ids[1:])
    ]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = (await gql(MY, {"first": 2, "after": page1["pageInfo"]["endCursor"]}, token=me.token))[
        "myNotifications"
    ]
    assert [e["node"]["id"] for e in page2["edges"]] == [to_global_id("Notification", ids[0])]


async def test_unread_only_filters_and_count_follows_marking(gql, session, settings):
    me = await factories.account(session, settings, role=Role.VOLUNTEER)
    ids = await _messages(session, me.account.id, 3)
    data = await gql(MARK, {"i": {"ids": [to_global_id("Notification", ids[0])]}}, token=me.token)
    assert data["markNotificationsRead"] == {"marked": 1, "unreadCount": 2, "errors": []}
    unread = await gql(MY, {"unread": True}, token=me.token)
    assert len(unread["myNotifications"]["edges"]) == 2
    assert unread["unreadNotificationCount"] == 2


async def test_marking_without_ids_marks_all_of_mine_only(gql, session, settings):
    me = await factories.account(session, settings, role=Role.VOLUNTEER)
    other = await factories.account(session, settings, role=Role.VOLUNTEER)
    await _messages(session, me.account.id, 2)
    await _messages(session, other.account.id, 2)
    for variables in ({"i": {}}, {"i": {"ids": []}}):
        await gql(MARK, variables, token=me.token)
    assert await _unread(session, me.account.id) == 0
    assert await _unread(session, other.account.id) == 2


async def test_someone_elses_notification_cannot_be_marked_or_fetched(gql, session, settings):
    me = await factories.account(session, settings, role=Role.VOLUNTEER)
    other = await factories.account(session, settings, role=Role.VOLUNTEER)
    (theirs,) = await _messages(session, other.account.id, 1)
    gid = to_global_id("Notification", theirs)
    data = await gql(MARK, {"i": {"ids": [gid]}}, token=me.token)
    assert data["markNotificationsRead"]["marked"] == 0
    assert await _unread(session, other.account.id) == 1
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": gid}, token=me.token)
    assert node["node"] is None


async def test_marking_read_is_audited_once_per_call(gql, session, settings):
    me = await factories.account(session, settings, role=Role.VOLUNTEER)
    await _messages(session, me.account.id, 2)
    await gql(MARK, {"i": {}}, token=me.token)
    actions = list(
        await session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_account_id == me.account.id)
        )
    )
    await session.commit()  # end the read (SQLite write lock) without expiring objects
    assert actions == ["notification.mark_read"]


async def test_too_many_ids_is_refused_and_nothing_is_marked(gql, session, settings):
    me = await factories.account(session, settings, role=Role.VOLUNTEER)
    ids = await _messages(session, me.account.id, 1)
    gids = [to_global_id("Notification", ids[0])] * 101
    data = await gql(MARK, {"i": {"ids": gids}}, token=me.token)
    assert data["markNotificationsRead"]["errors"] == [{"code": "INVALID_INPUT", "field": "ids"}]
    assert await _unread(session, me.account.id) == 1


async def test_a_wrong_kind_of_id_is_invalid_input(gql, session, settings):
    me = await factories.account(session, settings, role=Role.VOLUNTEER)
    await _messages(session, me.account.id, 1)
    data = await gql(MARK, {"i": {"ids": [to_global_id("Account", 1)]}}, token=me.token)
    assert data["markNotificationsRead"]["errors"] == [{"code": "INVALID_INPUT", "field": "ids"}]
    assert await _unread(session, me.account.id) == 1


async def test_anonymous_callers_are_refused(gql):
    body = await gql(MY, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
