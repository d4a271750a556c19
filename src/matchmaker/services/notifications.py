"""In-app notifications: other domains call :func:`notify`; accounts read their own."""

from __future__ import annotations

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import Notification
from matchmaker.services.authz import require_authenticated
from matchmaker.services.context import ServiceContext


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
    if sc.actor.account_id is None:
        return 0
    count = await sc.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.account_id == sc.actor.account_id, Notification.read_at.is_(None))
    )
    return int(count or 0)


async def mark_read(sc: ServiceContext, *, ids: list[int] | None) -> int:
    """Mark the caller's notifications read (all of them when ``ids`` is None)."""
    account_id = require_authenticated(sc.actor)
    stmt = (
        update(Notification)
        .where(Notification.account_id == account_id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = await sc.session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
