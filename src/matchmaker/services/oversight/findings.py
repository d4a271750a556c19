"""The audit scan and the findings queue (docs/oversight.md).

``scan`` runs every rule and upserts one finding per rule and subject: a new hit is inserted
(OPEN), a known one gets its evidence, money and ``last_seen_at`` refreshed, and a finding the
rules no longer see is kept with ``holds = false``. Decisions (CONFIRMED/DISMISSED) and notes
survive every later scan. Findings are read in the caller's region, by the subject's community
path, and decided by auditors only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, literal, or_, select

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import Finding, Region, RoleGrant
from matchmaker.models.enums import Role
from matchmaker.models.oversight import FindingStatus
from matchmaker.queue.outbox import schedule
from matchmaker.services import audit
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.notifications import notify
from matchmaker.services.oversight.rules import RULES, Hit, priority
from matchmaker.services.oversight.rules_more import INSTALLATION_PATH

MAX_NOTE = 1000
#: Priority in thousandths times this, plus the id: one sortable integer (``queue_key``).
QUEUE_SCALE = 10**12


@dataclass(frozen=True, slots=True)
class ScanResult:
    hits: int
    new: int
    updated: int
    no_longer_hold: int
    by_rule: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "hits": self.hits,
            "new": self.new,
            "updated": self.updated,
            "no_longer_hold": self.no_longer_hold,
            "by_rule": self.by_rule,
        }


def finding_priority(finding: Finding) -> float:
    spec = RULES.get(finding.rule)
    return priority(spec.weight if spec else 1, finding.money_fen)


def _queue_key(finding: Finding) -> int:
    return round(finding_priority(finding) * 1000) * QUEUE_SCALE + finding.id


async def run_rules(sc: ServiceContext, settings: Settings) -> dict[str, list[Hit]]:
    return {code: await spec.func(sc.session, settings) for code, spec in RULES.items()}


async def scan(sc: ServiceContext) -> ScanResult:
    """Run every rule and upsert the findings. Idempotent: a second run changes nothing but
    ``last_seen_at``."""
    session = sc.session
    now = clock.now()
    results = await run_rules(sc, sc.settings)
    existing = {
        (f.rule, f.subject_type, f.subject_id): f
        for f in await session.scalars(select(Finding).where(Finding.rule.in_(list(RULES))))
    }
    seen: set[tuple[str, str, int]] = set()
    new = updated = 0
    for code, hits in results.items():
        spec = RULES[code]
        for hit in hits:
            key = (code, hit.subject_type, hit.subject_id)
            if key in seen:
                continue
            seen.add(key)
            finding = existing.get(key)
            if finding is None:
                finding = Finding(
                    rule=code,
                    severity=spec.severity,
                    subject_type=hit.subject_type,
                    subject_id=hit.subject_id,
                    subject_label=hit.label[:255],
                    region_path=hit.region_path,
                    evidence=hit.evidence,
                    money_fen=hit.money_fen,
                    first_seen_at=now,
                    last_seen_at=now,
                    holds=True,
                    status=FindingStatus.OPEN,
                    queue_key=0,
                )
                session.add(finding)
                await session.flush()
                finding.queue_key = _queue_key(finding)
                new += 1
                continue
            changed = (
                finding.evidence != hit.evidence
                or finding.money_fen != hit.money_fen
                or not finding.holds
                or finding.region_path != hit.region_path
            )
            finding.last_seen_at = now
            if changed:
                finding.evidence = hit.evidence
                finding.money_fen = hit.money_fen
                finding.subject_label = hit.label[:255]
                finding.region_path = hit.region_path
                finding.holds = True
                finding.queue_key = _queue_key(finding)
                updated += 1
    gone = 0
    for key, finding in existing.items():
        if key not in seen and finding.holds:
            finding.holds = False
            gone += 1
    await session.flush()
    return ScanResult(
        hits=len(seen),
        new=new,
        updated=updated,
        no_longer_hold=gone,
        by_rule={code: len(hits) for code, hits in results.items()},
    )


# --- scheduling -------------------------------------------------------------------------------

#: Scans asked for by events (an opening, an award, a payment) are gathered per this many
#: minutes: one scan at the end of the window, however many events fell in it.
EVENT_SCAN_WINDOW_MINUTES = 10


async def schedule_scan(session: Any) -> int:
    """Enqueue an audit scan at the end of the current 10-minute window (one per window)."""
    now = clock.now()
    minute = now.minute - now.minute % EVENT_SCAN_WINDOW_MINUTES
    window_end = now.replace(minute=minute, second=0, microsecond=0) + dt.timedelta(
        minutes=EVENT_SCAN_WINDOW_MINUTES
    )
    return await schedule(
        session, "audit_scan", {}, key=f"audit_scan:{window_end.isoformat()}", run_at=window_end
    )


async def request_scan(sc: ServiceContext) -> int:
    """``runAuditScan``: enqueue a scan now (auditors, platform admins)."""
    require(sc.actor, Capability.AUDIT_SCAN_RUN)
    job_id = await schedule(sc.session, "audit_scan", {"requested_by": sc.actor.account_id})
    await audit.record(
        sc,
        action="oversight.scan_requested",
        subject_type="Job",
        subject_id=job_id,
        after={"job_id": job_id},
    )
    return job_id


# --- reads ------------------------------------------------------------------------------------


def _in_scope(sc: ServiceContext, scope: Scope) -> Any:
    """Findings whose subject lies in the caller's regions; a finding about the whole
    installation (the audit chain) to those who verify the chain (auditors), in any region."""
    clause = scope.region_clause(Finding.region_path)
    if sc.actor.can(Capability.AUDIT_VERIFY):
        return or_(clause, Finding.region_path == INSTALLATION_PATH)
    return clause


def findings_statement(
    sc: ServiceContext,
    *,
    rule: str | None = None,
    status: FindingStatus | None = None,
    region_path: str | None = None,
    holds: bool | None = None,
) -> Select[Any]:
    """Findings whose subject lies in the caller's regions (and under ``region_path``)."""
    scope = require(sc.actor, Capability.FINDING_READ)
    stmt = select(Finding).where(_in_scope(sc, scope))
    if rule is not None:
        stmt = stmt.where(Finding.rule == rule)
    if status is not None:
        stmt = stmt.where(Finding.status == status)
    if region_path is not None:
        stmt = stmt.where(Finding.region_path.startswith(region_path, autoescape=True))
    if holds is not None:
        stmt = stmt.where(Finding.holds.is_(holds))
    return stmt


async def region_path_in_scope(sc: ServiceContext, region_id: int, capability: Capability) -> str:
    scope = require(sc.actor, capability)
    path = await sc.session.scalar(
        select(Region.path).where(Region.id == region_id, scope.region_clause(Region.path))
    )
    if path is None:
        raise not_found("Region")
    return path


async def get_finding(sc: ServiceContext, finding_id: int) -> Finding | None:
    row: Finding | None = await sc.session.scalar(
        findings_statement(sc).where(Finding.id == finding_id)
    )
    return row


# --- decisions --------------------------------------------------------------------------------


async def decide(
    sc: ServiceContext, *, finding_id: int, decision: FindingStatus, note: str
) -> Finding:
    """An auditor confirms or dismisses a finding in their region, with a note (audited; the
    bureau officers whose region holds the subject are notified)."""
    scope = require(sc.actor, Capability.FINDING_DECIDE)
    if decision is FindingStatus.OPEN:
        raise invalid("decision", "A decision is CONFIRMED or DISMISSED")
    note = (note or "").strip()
    if not note:
        raise invalid("note", "Say what was checked (a note is required)")
    if len(note) > MAX_NOTE:
        raise DomainError(
            ErrorCode.TEXT_TOO_LONG, f"The note is longer than {MAX_NOTE} characters", "note"
        )
    finding = await sc.session.scalar(
        select(Finding).where(Finding.id == finding_id, _in_scope(sc, scope))
    )
    if finding is None:
        raise not_found("Finding")
    before = {"status": finding.status.value, "note": finding.note}
    finding.status = decision
    finding.note = note
    finding.decided_by_id = sc.actor.account_id
    finding.decided_at = clock.now()
    await sc.session.flush()
    await audit.record(
        sc,
        action="finding.decide",
        subject_type="Finding",
        subject_id=finding.id,
        before=before,
        after={
            "status": decision.value,
            "note": note,
            "rule": finding.rule,
            "subject_type": finding.subject_type,
            "subject_id": finding.subject_id,
        },
        region_path=finding.region_path,
    )
    officers = await sc.session.scalars(
        select(RoleGrant.account_id)
        .join(Region, Region.id == RoleGrant.region_id)
        .where(
            RoleGrant.role == Role.BUREAU_OFFICER,
            literal(finding.region_path).startswith(Region.path),
        )
    )
    rule_title = RULES[finding.rule].title if finding.rule in RULES else finding.rule
    verdict = "确认" if decision is FindingStatus.CONFIRMED else "排除"
    await notify(
        sc,
        list(officers),
        code="finding.confirmed" if decision is FindingStatus.CONFIRMED else "finding.dismissed",
        params={
            "subject": finding.subject_label,
            "rule": finding.rule,
        },
        text=f"审计发现已{verdict}",
        body=f"{finding.subject_label}：{rule_title}（{verdict}）。",
        subject_type="Finding",
        subject_id=finding.id,
        dedupe=f"finding.decided:{finding.id}:{finding.version}",
    )
    return finding
