"""In-app notifications, the one module: other domains call :func:`notify` (with the
recipients from :func:`volunteer_account_ids`, :func:`org_admin_ids` or
:func:`platform_admin_ids`); accounts read their own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import Account, Notification, RoleGrant, Volunteer
from matchmaker.models.enums import AccountStatus, Role
from matchmaker.services import audit
from matchmaker.services.authz import require_authenticated
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import invalid

#: Most ids one ``mark_read`` call takes (input lists are capped; "all" needs no list).
MAX_MARK_IDS = 100


#: A parameter's value: what the catalogue's templates interpolate.
Param = str | int | float | None


async def notify(
    target: ServiceContext | AsyncSession,
    account_ids: Iterable[int | None],
    *,
    code: str,
    text: str,
    params: Mapping[str, Param] | None = None,
    body: str = "",
    subject_type: str | None = None,
    subject_id: int | None = None,
    dedupe: str | None = None,
) -> int:
    """Queue a message for each of ``account_ids`` (``None`` and repeats skipped), in the
    caller's transaction; returns how many accounts were addressed.

    ``code`` names the message (``bids.opened``); the front end renders
    ``notifications.<code>.title`` / ``.body`` from its catalogue with ``params``, in the
    reader's language, so every code needs an entry in both catalogues
    (``frontend/src/i18n/notifications.ts``; a test reads it). ``text`` / ``body`` are the
    Chinese message, kept for exports, logs and clients without the code. With ``dedupe``
    (the reason, e.g. ``milestone.due:7:2026-12-11``), notifying an account twice for the
    same reason (a job delivered twice) adds one row.
    """
    session = target.session if isinstance(target, ServiceContext) else target
    now = clock.now()
    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    addressed = sorted({a for a in account_ids if a is not None})
    for account_id in addressed:
        key = f"{dedupe}:{account_id}" if dedupe is not None else None
        stmt = insert(Notification).values(
            account_id=account_id,
            kind=code,
            params=dict(params or {}),
            title=text,
            body=body,
            subject_type=subject_type,
            subject_id=subject_id,
            dedupe_key=key,
            created_at=now,
            updated_at=now,
        )
        if key is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"])
        await session.execute(stmt)
    return len(addressed)


async def volunteer_account_ids(session: AsyncSession, *volunteer_ids: int) -> list[int]:
    """The accounts of these volunteers, to :func:`notify` them."""
    rows = await session.scalars(
        select(Volunteer.account_id).where(Volunteer.id.in_(volunteer_ids))
    )
    return sorted({a for a in rows if a is not None})


async def org_admin_ids(session: AsyncSession, organization_id: int) -> list[int]:
    """The organization's admins, to :func:`notify` them."""
    rows = await session.scalars(
        select(RoleGrant.account_id).where(
            RoleGrant.role == Role.ORG_ADMIN, RoleGrant.organization_id == organization_id
        )
    )
    return sorted(set(rows))


async def platform_admin_ids(session: AsyncSession) -> list[int]:
    """The active platform admins, to :func:`notify` them of trouble (failed jobs, alarms)."""
    rows = await session.scalars(
        select(RoleGrant.account_id)
        .join(Account, Account.id == RoleGrant.account_id)
        .where(RoleGrant.role == Role.PLATFORM_ADMIN, Account.status == AccountStatus.ACTIVE)
        .distinct()
    )
    return sorted(set(rows))


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
