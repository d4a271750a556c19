"""The audit log: an append-only, hash-chained record of every write (docs/architecture.md).

Each row's ``hash`` covers its own content and the previous row's hash, so altering, deleting
or inserting a row breaks verification at that row. The database refuses UPDATE and DELETE on
the table (triggers, ``models/audit.py``).

:func:`record` does not touch the chain: it buffers the event on the session. The chain is
extended when the transaction commits (a ``before_commit`` step): the step takes the chain lock
(a transaction-level advisory lock on PostgreSQL; SQLite transactions are already serialised
by BEGIN IMMEDIATE), reads the head, hashes and inserts the buffered events, and the commit
releases the lock right after. A request that writes and then works for a long time therefore
holds the lock only for its final append, and id order stays the chain order. Events recorded
inside a savepoint that rolls back are dropped with it.

Verification (:func:`verify_against_baseline`, used by the nightly job and the
``verifyAuditChain`` query) walks the chain and also checks the head kept by the last
successful verification. That head is signed with an HMAC under the installation's secret key,
so a consistent rewrite (every hash recomputed) or a forged head is detected. A failed
verification is an alarm that every later verification repeats until a platform admin or an
auditor acknowledges it (:func:`acknowledge_alarm`, itself audited); verification then resumes
from the head accepted at the acknowledgement.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, event, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import Account, AuditEvent, Bid, OutboxJob, Project, Region, RoleGrant
from matchmaker.models.enums import JobStatus, Role
from matchmaker.models.procurement import ProjectStatus
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import ErrorCode, invalid, not_found

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x6D6D_6175  # "mmau"
#: ``session.info`` key of the events recorded but not yet appended to the chain.
_PENDING = "audit_pending"
#: The job whose results hold the verified heads and the alarms.
VERIFY_JOB = "verify_audit_chain"
MAX_NOTE_LENGTH = 500


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
    """Record one event in the caller's transaction; it joins the chain when that commits.

    ``actor_id`` names the actor when the caller is not yet the actor (a login is done by the
    account logging in, though the request was anonymous). The returned event has no id or
    hash until the commit.
    """
    sync = sc.session.sync_session
    if sync.get_transaction() is None:
        await sc.session.connection()  # begin, so the event belongs to a transaction
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
    )
    owner = sync.get_nested_transaction() or sync.get_transaction()
    sync.info.setdefault(_PENDING, []).append((event, owner))
    return event


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    """Extend the chain with the transaction's events, under the chain lock (see the module)."""
    pending = session.info.get(_PENDING)
    if not pending or session.in_nested_transaction():
        return  # nothing to append, or a savepoint is being released: the outer commit appends
    session.info.pop(_PENDING)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev = prev or GENESIS
    for audit_event, _owner in pending:
        audit_event.prev_hash = prev
        audit_event.hash = prev = _digest(prev, audit_event)
        session.add(audit_event)
    session.flush()


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """Events recorded inside a transaction or savepoint that rolled back never happened."""
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [p for p in pending if not _within(p[1], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


# --- verification -------------------------------------------------------------------------


def head_mac(settings: Settings, last_id: int, head_hash: str) -> str:
    """HMAC of a chain head under a key derived from the secret key: only this installation
    can sign a head, so a rewritten chain can't come with a matching signed head."""
    key = hashlib.sha256(b"matchmaker/audit-head/" + settings.secret_key.encode()).digest()
    return hmac.new(key, f"{last_id}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def _signed(settings: Settings, data: dict[str, Any]) -> tuple[int, str] | None:
    """``(last_id, head_hash)`` of a stored head whose signature verifies, else None."""
    try:
        last_id, head_hash, mac = int(data["last_id"]), str(data["head_hash"]), data["head_mac"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(mac, str) or not hmac.compare_digest(
        mac, head_mac(settings, last_id, head_hash)
    ):
        return None
    return last_id, head_hash


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str | None
    #: The last row walked and its hash: kept by the nightly job as the next run's anchor.
    last_id: int | None = None
    head_hash: str | None = None


@dataclass(frozen=True, slots=True)
class Alarm:
    """A failed verification nobody has acknowledged yet."""

    job_id: int
    first_broken_id: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Baseline:
    """What the next verification checks against, read from the verification runs."""

    #: Head seen by the newest successful run (signed): it must still be in the chain.
    anchor: tuple[int, str] | None = None
    #: Head accepted when the last alarm was acknowledged: verification resumes after it.
    start: tuple[int, str] | None = None
    alarm: Alarm | None = None
    #: Id of a run whose stored head carries a signature that does not verify.
    forged_run: int | None = None


async def chain_baseline(session: AsyncSession, settings: Settings) -> Baseline:
    """Walk the verification runs, newest first, back to the last acknowledgement.

    The anchor is the head of the newest *successful* run (a failed run's head proves nothing);
    runs without a signed head (before signing existed) are skipped as anchors; a signed head
    whose signature fails is itself reported as tampering.
    """
    runs = await session.execute(
        select(OutboxJob.id, OutboxJob.result)
        .where(OutboxJob.name == VERIFY_JOB, OutboxJob.status == JobStatus.DONE)
        .order_by(OutboxJob.id.desc())
    )
    anchor: tuple[int, str] | None = None
    start: tuple[int, str] | None = None
    alarm: Alarm | None = None
    for job_id, result in runs:
        data = result or {}
        acknowledged = data.get("acknowledged")
        if acknowledged is not None:
            # Signed like a head (an empty chain as id 0 and the genesis hash), so nobody
            # without the key can silence an alarm by writing an acknowledgement into a run.
            start = _signed(settings, acknowledged) if isinstance(acknowledged, dict) else None
            if start is None:
                return Baseline(anchor, None, alarm, forged_run=job_id)
            if start == (0, GENESIS):
                start = None
            break
        if data.get("ok") is False:
            if alarm is None:
                alarm = Alarm(job_id, data.get("first_broken_id"), data.get("reason"))
            continue
        if data.get("ok") is True and anchor is None and "head_mac" in data:
            anchor = _signed(settings, data)
            if anchor is None:
                return Baseline(None, start, alarm, forged_run=job_id)
    return Baseline(anchor=anchor, start=start, alarm=alarm)


async def verify_chain(
    session: AsyncSession,
    *,
    batch: int = 5000,
    anchor: tuple[int, str] | None = None,
    start: tuple[int, str] | None = None,
) -> ChainReport:
    """Walk the chain in id order; report the first row that does not verify.

    Changing a row breaks that row (its content no longer matches its hash, or its
    ``prev_hash`` no longer matches the row before); deleting a row breaks the row after it.
    Deleting rows at the *end* leaves a shorter chain that still verifies, so callers that
    remember an earlier head pass it as ``anchor`` (id, hash): if that row is gone or changed,
    the chain is reported broken there. With ``start`` (id, hash), the walk begins after that
    row, which must still be there unchanged.
    """
    prev = GENESIS
    checked = 0
    last_id = 0
    if start is not None:
        stored = await session.scalar(select(AuditEvent.hash).where(AuditEvent.id == start[0]))
        if stored != start[1]:
            return ChainReport(False, 0, start[0], "the acknowledged head is missing or changed")
        last_id, prev = start
    anchor_seen = anchor is None or (start is not None and anchor[0] <= start[0])
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


async def verify_against_baseline(session: AsyncSession, settings: Settings) -> ChainReport:
    """Verify the chain against the last good signed head; an unacknowledged alarm stands.

    A chain that verifies while an earlier failure is unacknowledged is still reported as
    failed, with the earlier failure's row and reason: deleting the damage afterwards (or the
    rows after it) does not silence the alarm.
    """
    baseline = await chain_baseline(session, settings)
    if baseline.forged_run is not None:
        return ChainReport(
            False,
            0,
            None,
            f"the head stored by verification run {baseline.forged_run} "
            "is not signed with this installation's key",
        )
    report = await verify_chain(session, anchor=baseline.anchor, start=baseline.start)
    if report.ok and baseline.alarm is not None:
        return ChainReport(
            False,
            report.checked,
            baseline.alarm.first_broken_id,
            f"unacknowledged alarm from verification run {baseline.alarm.job_id}: "
            f"{baseline.alarm.reason}",
        )
    return report


def report_result(settings: Settings, report: ChainReport) -> dict[str, Any]:
    """A verification run's result; a successful run's head is signed for the next run."""
    result: dict[str, Any] = {
        "ok": report.ok,
        "checked": report.checked,
        "first_broken_id": report.first_broken_id,
        "reason": report.reason,
        "last_id": report.last_id,
        "head_hash": report.head_hash,
    }
    if report.ok and report.last_id is not None and report.head_hash is not None:
        result["head_mac"] = head_mac(settings, report.last_id, report.head_hash)
    return result


async def verify(sc: ServiceContext) -> ChainReport:
    require(sc.actor, Capability.AUDIT_VERIFY)
    return await verify_against_baseline(sc.session, sc.settings)


async def acknowledge_alarm(sc: ServiceContext, *, note: str) -> Alarm:
    """Acknowledge the standing alarm (platform admins, auditors), with a note saying what was
    found. Verification resumes from the chain's current head; the acknowledgement is itself
    an audit event, so it can't be removed without breaking the chain."""
    require(sc.actor, Capability.AUDIT_VERIFY)
    note = note.strip()
    if not note or len(note) > MAX_NOTE_LENGTH:
        raise invalid("note", f"Say what was found, in 1 to {MAX_NOTE_LENGTH} characters")
    baseline = await chain_baseline(sc.session, sc.settings)
    if baseline.alarm is None:
        raise invalid("note", "There is no audit alarm to acknowledge", ErrorCode.CONFLICT)
    run = await sc.session.get(OutboxJob, baseline.alarm.job_id, with_for_update=True)
    assert run is not None
    head = (
        await sc.session.execute(
            select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        )
    ).first()
    last_id, head_hash = (head.id, head.hash) if head is not None else (0, GENESIS)
    accepted: dict[str, Any] = {
        "last_id": last_id,
        "head_hash": head_hash,
        "head_mac": head_mac(sc.settings, last_id, head_hash),
    }
    run.result = {
        **(run.result or {}),
        "acknowledged": {
            "by": sc.actor.account_id,
            "at": jsonable(clock.now()),
            "note": note,
            **accepted,
        },
    }
    await record(
        sc,
        action="audit.alarm_acknowledged",
        subject_type="Job",
        subject_id=run.id,
        before={"first_broken_id": baseline.alarm.first_broken_id, "reason": baseline.alarm.reason},
        after={"note": note, "accepted_head_id": accepted["last_id"]},
    )
    return baseline.alarm


def readable(sc: ServiceContext) -> Select[AuditEvent]:
    """Every event the caller may read (AUDIT_READ), unfiltered."""
    scope = require(sc.actor, Capability.AUDIT_READ)
    stmt = select(AuditEvent).where(~_sealed_bid_event())
    if not scope.unrestricted:
        stmt = stmt.where(scope.region_clause(AuditEvent.region_path))
    return stmt


def _sealed_bid_event() -> Any:
    """Events about bids not yet opened on a project still taking bids: withheld from every
    reader, since their actor is one of the bidder's people and who has bid is sealed until the
    opening (docs/procurement.md). They appear, unchanged, once the bids are opened."""
    sealed = (
        select(Bid.id)
        .join(Project, Project.id == Bid.project_id)
        .where(Project.status == ProjectStatus.OPEN_FOR_BIDS, Bid.opened_at.is_(None))
    )
    return (AuditEvent.subject_type == "Bid") & AuditEvent.subject_id.in_(sealed)


@dataclass(frozen=True)
class EventFilter:
    """What the audit log screen narrows to (docs/oversight.md, "The audit log page").

    ``since`` and ``until`` are Beijing calendar days, both included; ``region_id`` is a region
    in the caller's audit scope and selects its subtree.
    """

    actor_account_id: int | None = None
    action: str | None = None
    subject_type: str | None = None
    subject_id: int | None = None
    region_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


async def filtered_events_statement(sc: ServiceContext, f: EventFilter) -> Any:
    """The events in the caller's scope that pass ``f``. A region outside the scope is
    NOT_FOUND, like a missing one; ``since`` after ``until`` is INVALID_INPUT."""
    scope = require(sc.actor, Capability.AUDIT_READ)
    if f.since is not None and f.until is not None and f.since > f.until:
        raise invalid("since", "The first day is after the last day")
    stmt = readable(sc)
    if f.actor_account_id is not None:
        stmt = stmt.where(AuditEvent.actor_account_id == f.actor_account_id)
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.subject_type:
        stmt = stmt.where(AuditEvent.subject_type == f.subject_type)
    if f.subject_id is not None:
        stmt = stmt.where(AuditEvent.subject_id == f.subject_id)
    if f.region_id is not None:
        path = await sc.session.scalar(
            select(Region.path).where(Region.id == f.region_id, scope.region_clause(Region.path))
        )
        if path is None:
            raise not_found("Region")
        stmt = stmt.where(AuditEvent.region_path.startswith(path, autoescape=True))
    if f.since is not None:
        stmt = stmt.where(AuditEvent.at >= _beijing_midnight(f.since))
    if f.until is not None:
        stmt = stmt.where(AuditEvent.at < _beijing_midnight(f.until + dt.timedelta(days=1)))
    return stmt


def _beijing_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.SHANGHAI).astimezone(dt.UTC)


async def get_event(sc: ServiceContext, event_id: int) -> AuditEvent | None:
    """One event, if it lies in the caller's audit scope (else None, like a missing one)."""
    stmt = readable(sc).where(AuditEvent.id == event_id)
    result: AuditEvent | None = await sc.session.scalar(stmt)
    return result


@dataclass(frozen=True)
class EventActor:
    """Who acted, as the app shows an account to others: the display name (a volunteer's is
    masked, docs/domain.md) and the roles the account holds now."""

    display_name: str
    roles: tuple[Role, ...]


async def actors_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, EventActor]:
    """The actors of a page of events: two statements whatever the page size. Only called on
    events the caller may already read."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Account.id, Account.display_name).where(Account.id.in_(wanted))
    )
    names: dict[int, str] = {pk: name for pk, name in rows}
    roles: dict[int, set[Role]] = {}
    grants = await session.execute(
        select(RoleGrant.account_id, RoleGrant.role).where(RoleGrant.account_id.in_(wanted))
    )
    for account_id, role in grants:
        roles.setdefault(account_id, set()).add(role)
    order = list(Role)
    return {
        pk: EventActor(name, tuple(sorted(roles.get(pk, ()), key=order.index)))
        for pk, name in names.items()
    }


async def region_names_by_path(session: AsyncSession, paths: Iterable[str]) -> dict[str, str]:
    """The name of the region each path ends at, in one statement (regions are public)."""
    wanted = {p for p in paths if p}
    if not wanted:
        return {}
    rows = await session.execute(select(Region.path, Region.name).where(Region.path.in_(wanted)))
    return {path: name for path, name in rows}
