"""In-app notifications: other domains call :func:`notify`; accounts read their own."""

from __future__ import annotations

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import Notification
from matchmaker.services import audit
from matchmaker.services.authz import require_authenticated
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import invalid

#: Most ids one ``mark_read`` call takes (input lists are capped; "all" needs no list).
MAX_MARK_IDS = 100


async def notify(
    session: AsyncSession,
    *,
    account_id: int,
    kind: str,
    title: str,
    body: str = "",
    subject_type: str | None = None,
    subject_id: int | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Queue a message for one account, in the caller's transaction.

    ``kind`` is a stable code the front end translates (``bids.opened``, ``hours.approved``…);
    ``title``/``body`` are the Chinese text for clients without a catalogue. With
    ``dedupe_key``, notifying twice for the same reason (a job delivered twice) adds one row.
    """
    now = clock.now()
    values = {
        "account_id": account_id,
        "kind": kind,
        "title": title,
        "body": body,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "dedupe_key": dedupe_key,
        "created_at": now,
        "updated_at": now,
    }
    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    stmt = insert(Notification).values(**values)
    if dedupe_key is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(stmt)


def my_notifications_statement(sc: ServiceContext, *, unread_only: bool) -> Select[Notification]:
    account_id = require_authenticated(sc.actor)
    stmt = select(Notification).where(Notification.account_id == account_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


async def unread_count(sc: ServiceContext) -> int:
    account_id = require_authenticated(sc.actor)
    count = await sc.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.account_id == account_id, Notification.read_at.is_(None))
    )
    return int(count or 0)


async def mark_read(sc: ServiceContext, *, ids: list[int] | None) -> int:
    """Mark the caller's notifications read (all of them when ``ids`` is None or empty).

    Ids of other accounts' notifications are ignored, exactly like unknown ids, so the call
    reveals nothing about them. Returns how many were newly marked.
    """
    account_id = require_authenticated(sc.actor)
    if ids is not None and len(ids) > MAX_MARK_IDS:
        raise invalid("ids", f"At most {MAX_MARK_IDS} ids per call; omit ids to mark all")
    stmt = (
        update(Notification)
        .where(Notification.account_id == account_id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    if ids:
        stmt = stmt.where(Notification.id.in_(ids))
    result = await sc.session.execute(stmt)
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        await audit.record(
            sc,
            action="notification.mark_read",
            subject_type="Account",
            subject_id=account_id,
            after={"count": count, "all": not ids},
        )
    return count


async def get_mine(sc: ServiceContext, notification_id: int) -> Notification | None:
    """One of the caller's notifications, or None (someone else's looks the same as missing)."""
    if sc.actor.account_id is None:
        return None
    return await sc.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.account_id == sc.actor.account_id
        )
    )
