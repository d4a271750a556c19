"""The audit log: an append-only, hash-chained record of every write.

Each row's ``hash`` covers its own content and the previous row's hash, so altering, deleting
or inserting a row breaks verification at that row. Appends are serialised (a transaction-level
advisory lock on PostgreSQL; SQLite transactions are already serialised by BEGIN IMMEDIATE),
which makes id order the chain order.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import AuditEvent
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x6D6D_6175  # "mmau"


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return "<redacted>"
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The listed attributes of a row, JSON-ready. Secrets must not be listed."""
    return {f: jsonable(getattr(obj, f)) for f in fields}


_HASHED = (
    AuditEvent.at,
    AuditEvent.actor_account_id,
    AuditEvent.action,
    AuditEvent.subject_type,
    AuditEvent.subject_id,
    AuditEvent.region_path,
    AuditEvent.before,
    AuditEvent.after,
    AuditEvent.request_id,
)


def _digest(prev_hash: str, event: Any) -> str:
    body = {
        "at": jsonable(event.at),
        "actor": event.actor_account_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "region_path": event.region_path,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


async def _last_hash(session: AsyncSession) -> str:
    if dialect_name(session) == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
    last = await session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return last or GENESIS


async def record(
    sc: ServiceContext,
    *,
    action: str,
    subject_type: str,
    subject_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    region_path: str | None = None,
    actor_id: int | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction.

    ``actor_id`` names the actor when the caller is not yet the actor (a login is done by the
    account logging in, though the request was anonymous).
    """
    session = sc.session
    prev = await _last_hash(session)
    event = AuditEvent(
        at=clock.now(),
        actor_account_id=actor_id if actor_id is not None else sc.actor.account_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        region_path=region_path,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        request_id=sc.request_id,
        prev_hash=prev,
    )
    event.hash = _digest(prev, event)
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str | None
    #: The last row walked and its hash: kept by the nightly job as the next run's anchor.
    last_id: int | None = None
    head_hash: str | None = None


async def verify_chain(
    session: AsyncSession, *, batch: int = 5000, anchor: tuple[int, str] | None = None
) -> ChainReport:
    """Walk the whole chain in id order; report the first row that does not verify.

    Changing a row breaks that row (its content no longer matches its hash, or its
    ``prev_hash`` no longer matches the row before); deleting a row breaks the row after it.
    Deleting rows at the *end* leaves a shorter chain that still verifies, so callers that
    remember an earlier head pass it as ``anchor`` (id, hash): if that row is gone or changed,
    the chain is reported broken there.
    """
    prev = GENESIS
    checked = 0
    last_id = 0
    anchor_seen = anchor is None
    while True:
        rows = (
            await session.execute(
                select(AuditEvent.id, AuditEvent.prev_hash, AuditEvent.hash, *_HASHED)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
        ).all()
        if not rows:
            if not anchor_seen:
                assert anchor is not None
                return ChainReport(
                    False, checked, anchor[0], "a previously verified row is missing or changed"
                )
            return ChainReport(
                ok=True,
                checked=checked,
                first_broken_id=None,
                reason=None,
                last_id=last_id or None,
                head_hash=None if prev == GENESIS else prev,
            )
        for row in rows:
            if row.prev_hash != prev:
                return ChainReport(False, checked, row.id, "previous hash does not match")
            if _digest(prev, row) != row.hash:
                return ChainReport(False, checked, row.id, "content does not match its hash")
            if anchor is not None and row.id == anchor[0]:
                anchor_seen = row.hash == anchor[1]
            prev = row.hash
            checked += 1
            last_id = row.id


async def verify(sc: ServiceContext) -> ChainReport:
    require(sc.actor, Capability.AUDIT_VERIFY)
    return await verify_chain(sc.session)


def readable_events(scope: Scope) -> Any:
    stmt = select(AuditEvent).where(~_sealed_bid_event())
    if not scope.unrestricted:
        stmt = stmt.where(scope.region_clause(AuditEvent.region_path))
    return stmt


def _sealed_bid_event() -> Any:
    """Events about bids not yet opened on a project still taking bids: withheld from every
    reader, since their actor is one of the bidder's people and who has bid is sealed until the
    opening (docs/procurement.md). They appear, unchanged, once the bids are opened."""
    from matchmaker.models import Bid, Project
    from matchmaker.models.procurement import ProjectStatus

    sealed = (
        select(Bid.id)
        .join(Project, Project.id == Bid.project_id)
        .where(Project.status == ProjectStatus.OPEN_FOR_BIDS, Bid.opened_at.is_(None))
    )
    return (AuditEvent.subject_type == "Bid") & AuditEvent.subject_id.in_(sealed)


def events_statement(sc: ServiceContext) -> Any:
    return readable_events(require(sc.actor, Capability.AUDIT_READ))


async def get_event(sc: ServiceContext, event_id: int) -> AuditEvent | None:
    """One event, if it lies in the caller's audit scope (else None, like a missing one)."""
    stmt = events_statement(sc).where(AuditEvent.id == event_id)
    result: AuditEvent | None = await sc.session.scalar(stmt)
    return result
