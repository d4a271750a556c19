"""The audit rules: each a small function from the database to its hits (docs/oversight.md).

A rule reads what it needs with one or two statements and returns one :class:`Hit` per subject
(a payment, a milestone, a contract, a project, a service record) with the evidence an auditor
needs to check it and the money at stake. Rules never read a sealed bid: every bid rule filters
on ``opened_at``. The scan (``services.oversight.scan``) turns hits into findings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.db.engine import dialect_name
from matchmaker.models import (
    Activity,
    Bid,
    Contract,
    Milestone,
    Organization,
    Payment,
    ProgressReport,
    Project,
    Region,
    ServiceRecord,
    Shift,
)
from matchmaker.models.oversight import FindingSeverity
from matchmaker.models.procurement import (
    BidStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.models.volunteering import RecordStatus

VALID_BID_STATUSES = (BidStatus.OPENED, BidStatus.AWARDED, BidStatus.LOST)
#: Bids that took part in the opening: valid ones and disqualified ones.
OPENED_BID_STATUSES = (*VALID_BID_STATUSES, BidStatus.DISQUALIFIED)


@dataclass(frozen=True, slots=True)
class Hit:
    subject_type: str
    subject_id: int
    label: str
    region_path: str
    evidence: dict[str, Any]
    money_fen: int = 0


RuleFunc = Callable[[AsyncSession, Settings], Awaitable[list[Hit]]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: FindingSeverity
    #: Weight in the priority (docs/oversight.md, "Priority").
    weight: int
    title: str
    func: RuleFunc = field(compare=False)


RULES: dict[str, Rule] = {}


def rule(
    code: str, severity: FindingSeverity, weight: int, title: str
) -> Callable[[RuleFunc], RuleFunc]:
    def register(fn: RuleFunc) -> RuleFunc:
        RULES[code] = Rule(code, severity, weight, title, fn)
        return fn

    return register


def priority(weight: int, money_fen: int) -> float:
    """Rule weight × log10(10 + money in yuan): 1 × the weight with no money at stake."""
    return weight * math.log10(10 + max(money_fen, 0) / 100)


H = FindingSeverity.HIGH
M = FindingSeverity.MEDIUM


def _contract_rows() -> Any:
    """Contracts with their project's title and community path."""
    return (
        select(Contract, Project.title, Region.path)
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
    )


def _when(condition: Any, value: Any) -> Any:
    return case((condition, value), else_=None)


def _day(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- money ------------------------------------------------------------------------------------


@rule("PAYMENT_OUTSIDE_PERIOD", H, 5, "Payment dated outside the contract period")
async def payment_outside_period(session: AsyncSession, settings: Settings) -> list[Hit]:
    rows = await session.execute(
        select(Payment, Contract.start_date, Contract.end_date, Project.title, Region.path)
        .join(Contract, Contract.id == Payment.contract_id)
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
        .where(or_(Payment.paid_on < Contract.start_date, Payment.paid_on > Contract.end_date))
    )
    return [
        Hit(
            "Payment",
            p.id,
            f"{title} · {p.voucher_number}",
            path,
            {
                "contractId": p.contract_id,
                "paidOn": _day(p.paid_on),
                "contractStart": _day(start),
                "contractEnd": _day(end),
                "amountFen": p.amount_fen,
            },
            p.amount_fen,
        )
        for p, start, end, title, path in rows.all()
    ]


@rule("PAYMENT_ABOVE_MILESTONE", H, 5, "Payments on a milestone above its share")
async def payment_above_milestone(session: AsyncSession, settings: Settings) -> list[Hit]:
    paid = func.sum(Payment.amount_fen)
    rows = await session.execute(
        select(
            Milestone.id,
            Milestone.sequence,
            Milestone.amount_fen,
            Milestone.contract_id,
            Project.title,
            Region.path,
            paid,
            func.count(Payment.id),
        )
        .join(Payment, Payment.milestone_id == Milestone.id)
        .join(Contract, Contract.id == Milestone.contract_id)
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
        .group_by(
            Milestone.id,
            Milestone.sequence,
            Milestone.amount_fen,
            Milestone.contract_id,
            Project.title,
            Region.path,
        )
        .having(paid > Milestone.amount_fen)
    )
    return [
        Hit(
            "Milestone",
            mid,
            f"{title} · 第 {seq} 期",
            path,
            {
                "contractId": cid,
                "milestoneAmountFen": int(amount),
                "paidFen": int(total),
                "excessFen": int(total) - int(amount),
                "payments": int(n),
            },
            int(total) - int(amount),
        )
        for mid, seq, amount, cid, title, path, total, n in rows.all()
    ]


@rule("PAYMENT_BEFORE_ACCEPTANCE", H, 4, "Payment before the milestone was accepted")
async def payment_before_acceptance(session: AsyncSession, settings: Settings) -> list[Hit]:
    rows = await session.execute(
        select(Payment, Milestone.sequence, Milestone.accepted_at, Project.title, Region.path)
        .join(Milestone, Milestone.id == Payment.milestone_id)
        .join(Contract, Contract.id == Payment.contract_id)
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
    )
    hits = []
    for p, seq, accepted_at, title, path in rows.all():
        accepted_on = accepted_at.astimezone(clock.SHANGHAI).date() if accepted_at else None
        if accepted_on is not None and accepted_on <= p.paid_on:
            continue
        hits.append(
            Hit(
                "Payment",
                p.id,
                f"{title} · {p.voucher_number}",
                path,
                {
                    "milestoneId": p.milestone_id,
                    "milestoneSequence": seq,
                    "paidOn": _day(p.paid_on),
                    "acceptedOn": _day(accepted_on),
                    "amountFen": p.amount_fen,
                },
                p.amount_fen,
            )
        )
    return hits


@rule("PAYMENTS_ABOVE_CONTRACT", H, 5, "Payments summing above the contract amount")
async def payments_above_contract(session: AsyncSession, settings: Settings) -> list[Hit]:
    paid = func.sum(Payment.amount_fen)
    rows = await session.execute(
        select(Contract.id, Contract.amount_fen, Project.title, Region.path, paid)
        .join(Payment, Payment.contract_id == Contract.id)
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
        .group_by(Contract.id, Contract.amount_fen, Project.title, Region.path)
        .having(paid > Contract.amount_fen)
    )
    return [
        Hit(
            "Contract",
            cid,
            title,
            path,
            {
                "contractAmountFen": int(amount),
                "paidFen": int(total),
                "excessFen": int(total) - int(amount),
            },
            int(total) - int(amount),
        )
        for cid, amount, title, path, total in rows.all()
    ]


@rule("CONTRACT_ABOVE_BUDGET", H, 4, "Contract amount above the project's budget ceiling")
async def contract_above_budget(session: AsyncSession, settings: Settings) -> list[Hit]:
    rows = await session.execute(
        _contract_rows()
        .add_columns(Project.budget_ceiling_fen)
        .where(Contract.amount_fen > Project.budget_ceiling_fen)
    )
    return [
        Hit(
            "Contract",
            c.id,
            title,
            path,
            {
                "projectId": c.project_id,
                "contractAmountFen": c.amount_fen,
                "budgetCeilingFen": int(ceiling),
                "excessFen": c.amount_fen - int(ceiling),
            },
            c.amount_fen - int(ceiling),
        )
        for c, title, path, ceiling in rows.all()
    ]


@rule("AWARD_BELOW_GRADE", H, 4, "Award to an organization below the required grade")
async def award_below_grade(session: AsyncSession, settings: Settings) -> list[Hit]:
    rows = await session.execute(
        select(Project, Region.path, Bid.price_fen, Organization.id, Organization.grade)
        .join(Region, Region.id == Project.region_id)
        .join(Bid, Bid.id == Project.awarded_bid_id)
        .join(Organization, Organization.id == Bid.organization_id)
        .where(Organization.grade < Project.min_grade)
    )
    return [
        Hit(
            "Project",
            p.id,
            p.title,
            path,
            {
                "organizationId": org_id,
                "organizationGrade": grade,
                "requiredGrade": p.min_grade,
                "awardedPriceFen": price,
            },
            int(price),
        )
        for p, path, price, org_id, grade in rows.all()
    ]


# --- procedure --------------------------------------------------------------------------------


@rule("SHORT_TENDER_PERIOD", M, 3, "Open tender shorter than the legal minimum")
async def short_tender_period(session: AsyncSession, settings: Settings) -> list[Hit]:
    rows = await session.execute(
        select(Project, Region.path)
        .join(Region, Region.id == Project.region_id)
        .where(
            Project.procurement_method == ProcurementMethod.OPEN_TENDER,
            Project.published_at.is_not(None),
            Project.bid_deadline.is_not(None),
        )
    )
    minimum = dt.timedelta(days=settings.open_tender_min_days)
    hits = []
    for p, path in rows.all():
        assert p.published_at is not None and p.bid_deadline is not None
        period = p.bid_deadline - p.published_at
        if period >= minimum:
            continue
        hits.append(
            Hit(
                "Project",
                p.id,
                p.title,
                path,
                {
                    "publishedAt": p.published_at.isoformat(),
                    "bidDeadline": p.bid_deadline.isoformat(),
                    "periodDays": round(period.total_seconds() / 86400, 1),
                    "minimumDays": settings.open_tender_min_days,
                },
                p.budget_ceiling_fen,
            )
        )
    return hits


def _opened_projects() -> Any:
    return (
        select(Project.id, Project.title, Project.budget_ceiling_fen, Region.path)
        .join(Region, Region.id == Project.region_id)
        .join(Bid, Bid.project_id == Project.id)
        .where(Project.opened_at.is_not(None), Bid.opened_at.is_not(None))
    )


@rule("SINGLE_VALID_BID", M, 3, "A single valid bid in a competitive procedure")
async def single_valid_bid(session: AsyncSession, settings: Settings) -> list[Hit]:
    valid = func.sum(case((Bid.status.in_(VALID_BID_STATUSES), 1), else_=0))
    rows = await session.execute(
        _opened_projects()
        .add_columns(Project.procurement_method, valid, func.count(Bid.id))
        .where(
            Project.procurement_method != ProcurementMethod.SINGLE_SOURCE,
            Bid.status.in_(OPENED_BID_STATUSES),
        )
        .group_by(
            Project.id,
            Project.title,
            Project.budget_ceiling_fen,
            Region.path,
            Project.procurement_method,
        )
        .having(valid == 1)
    )
    return [
        Hit(
            "Project",
            pid,
            title,
            path,
            {"method": method.value, "validBids": 1, "openedBids": int(opened)},
            int(budget),
        )
        for pid, title, budget, path, method, _valid, opened in rows.all()
    ]


@rule("LOWEST_BID_DISQUALIFIED", M, 3, "The lowest bid was disqualified")
async def lowest_bid_disqualified(session: AsyncSession, settings: Settings) -> list[Hit]:
    lowest_disq = func.min(_when(Bid.status == BidStatus.DISQUALIFIED, Bid.price_fen))
    lowest_valid = func.min(_when(Bid.status.in_(VALID_BID_STATUSES), Bid.price_fen))
    rows = await session.execute(
        _opened_projects()
        .add_columns(lowest_disq, lowest_valid)
        .where(Bid.status.in_(OPENED_BID_STATUSES))
        .group_by(Project.id, Project.title, Project.budget_ceiling_fen, Region.path)
        .having(
            lowest_disq.is_not(None),
            or_(lowest_valid.is_(None), lowest_disq < lowest_valid),
        )
    )
    return [
        Hit(
            "Project",
            pid,
            title,
            path,
            {
                "lowestDisqualifiedPriceFen": int(ld),
                "lowestValidPriceFen": int(lv) if lv is not None else None,
            },
            int(budget),
        )
        for pid, title, budget, path, ld, lv in rows.all()
    ]


@rule("SPLIT_PURCHASE", H, 4, "Purchase split below the open-tender threshold (化整为零)")
async def split_purchase(session: AsyncSession, settings: Settings) -> list[Hit]:
    threshold = settings.oversight_open_tender_threshold_fen
    window = dt.timedelta(days=settings.oversight_split_window_days)
    rows = await session.execute(
        select(
            Project.id,
            Project.title,
            Project.region_id,
            Project.category,
            Project.budget_ceiling_fen,
            Project.created_at,
            Region.path,
        )
        .join(Region, Region.id == Project.region_id)
        .where(
            Project.status != ProjectStatus.CANCELLED,
            Project.budget_ceiling_fen < threshold,
        )
        .order_by(Project.region_id, Project.category, Project.created_at, Project.id)
    )
    groups: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in rows.all():
        groups[(row.region_id, row.category.value)].append(row)
    hits = []
    for (_region, category), projects in groups.items():
        # Each maximal run of projects whose creations lie within the window of the run's
        # first one: one hit on that first project if the run's sum reaches the threshold.
        i = 0
        while i < len(projects):
            j = i
            while (
                j + 1 < len(projects)
                and projects[j + 1].created_at - projects[i].created_at <= window
            ):
                j += 1
            run = projects[i : j + 1]
            total = sum(int(p.budget_ceiling_fen) for p in run)
            if len(run) >= 2 and total >= threshold:
                first = run[0]
                hits.append(
                    Hit(
                        "Project",
                        first.id,
                        first.title,
                        first.path,
                        {
                            "category": category,
                            "projectIds": [p.id for p in run],
                            "budgetsFen": [int(p.budget_ceiling_fen) for p in run],
                            "totalFen": total,
                            "thresholdFen": threshold,
                            "windowDays": settings.oversight_split_window_days,
                        },
                        total,
                    )
                )
                i = j + 1
            else:
                i += 1
    return hits


# --- collusion signs --------------------------------------------------------------------------


@rule("SHARED_CONTACT", H, 4, "Bidders on one project share a phone or an address")
async def shared_contact(session: AsyncSession, settings: Settings) -> list[Hit]:
    b1, b2 = aliased(Bid), aliased(Bid)
    o1, o2 = aliased(Organization), aliased(Organization)
    rows = await session.execute(
        select(
            Project.id,
            Project.title,
            Project.budget_ceiling_fen,
            Region.path,
            o1.id,
            o2.id,
            o1.contact_phone == o2.contact_phone,
            o1.address,
        )
        .join(Region, Region.id == Project.region_id)
        .join(b1, b1.project_id == Project.id)
        .join(b2, and_(b2.project_id == Project.id, b1.organization_id < b2.organization_id))
        .join(o1, o1.id == b1.organization_id)
        .join(o2, o2.id == b2.organization_id)
        .where(
            b1.opened_at.is_not(None),
            b2.opened_at.is_not(None),
            b1.status != BidStatus.WITHDRAWN,
            b2.status != BidStatus.WITHDRAWN,
            or_(
                o1.contact_phone == o2.contact_phone,
                and_(func.trim(o1.address) != "", func.trim(o1.address) == func.trim(o2.address)),
            ),
        )
        .order_by(Project.id, o1.id, o2.id)
    )
    by_project: dict[int, Hit] = {}
    for pid, title, budget, path, a, b, same_phone, _address in rows.all():
        hit = by_project.get(pid)
        if hit is None:
            hit = by_project[pid] = Hit("Project", pid, title, path, {"pairs": []}, int(budget))
        hit.evidence["pairs"].append(
            {"organizationIds": [a, b], "shared": "phone" if same_phone else "address"}
        )
    return list(by_project.values())


@rule("IDENTICAL_PRICES", M, 3, "Different bidders offered the identical price")
async def identical_prices(session: AsyncSession, settings: Settings) -> list[Hit]:
    n = func.count(func.distinct(Bid.organization_id))
    rows = await session.execute(
        _opened_projects()
        .add_columns(Bid.price_fen, n)
        .where(Bid.status.in_(OPENED_BID_STATUSES))
        .group_by(Project.id, Project.title, Project.budget_ceiling_fen, Region.path, Bid.price_fen)
        .having(n >= 2)
        .order_by(Project.id, Bid.price_fen)
    )
    by_project: dict[int, Hit] = {}
    for pid, title, budget, path, price, count in rows.all():
        hit = by_project.get(pid)
        if hit is None:
            hit = by_project[pid] = Hit("Project", pid, title, path, {"prices": []}, int(budget))
        hit.evidence["prices"].append({"priceFen": int(price), "bidders": int(count)})
    return list(by_project.values())


@rule("SIMILAR_PROPOSALS", M, 3, "Near-identical technical proposals from different bidders")
async def similar_proposals(session: AsyncSession, settings: Settings) -> list[Hit]:
    from matchmaker.matching.features import text_similarity

    rows = await session.execute(
        select(
            Project.id,
            Project.title,
            Project.budget_ceiling_fen,
            Region.path,
            Bid.id,
            Bid.organization_id,
            Bid.technical_proposal,
        )
        .join(Region, Region.id == Project.region_id)
        .join(Bid, Bid.project_id == Project.id)
        .where(Bid.opened_at.is_not(None), Bid.status.in_(OPENED_BID_STATUSES))
        .order_by(Project.id, Bid.id)
    )
    by_project: dict[int, list[Any]] = defaultdict(list)
    for row in rows.all():
        by_project[row[0]].append(row)
    hits = []
    for pid, bids in by_project.items():
        pairs = [(a, b) for i, a in enumerate(bids) for b in bids[i + 1 :]]
        if not pairs:
            continue
        sims = text_similarity([a[6] for a, _ in pairs], [b[6] for _, b in pairs])
        similar = [
            {
                "bidIds": [a[4], b[4]],
                "organizationIds": [a[5], b[5]],
                "similarity": round(float(s), 3),
            }
            for (a, b), s in zip(pairs, sims, strict=True)
            if s >= settings.oversight_proposal_similarity
        ]
        if similar:
            first = bids[0]
            hits.append(
                Hit(
                    "Project",
                    pid,
                    first[1],
                    first[3],
                    {"pairs": similar, "threshold": settings.oversight_proposal_similarity},
                    int(first[2]),
                )
            )
    return hits


# --- delivery ---------------------------------------------------------------------------------


def _record_label(record: ServiceRecord) -> str:
    local = record.starts_at.astimezone(clock.SHANGHAI)
    return f"志愿者 {record.volunteer_id} · {local:%Y-%m-%d %H:%M}"


def _live_approved(record: Any) -> Any:
    """Approved, positive (not a reversal) and not reversed since."""
    reversal = aliased(ServiceRecord)
    return and_(
        record.status == RecordStatus.APPROVED,
        record.minutes > 0,
        ~exists().where(reversal.reverses_id == record.id),
    )


@rule("OVERLAPPING_RECORDS", H, 3, "Overlapping approved service records of one volunteer")
async def overlapping_records(session: AsyncSession, settings: Settings) -> list[Hit]:
    r1, r2 = aliased(ServiceRecord), aliased(ServiceRecord)
    rows = await session.execute(
        select(r2, r1.id, r1.starts_at, r1.ends_at)
        .join(r1, and_(r1.volunteer_id == r2.volunteer_id, r1.id < r2.id))
        .where(
            _live_approved(r1),
            _live_approved(r2),
            r1.starts_at < r2.ends_at,
            r2.starts_at < r1.ends_at,
        )
        .order_by(r2.id, r1.id)
    )
    by_record: dict[int, Hit] = {}
    for rec, other_id, other_start, other_end in rows.all():
        hit = by_record.get(rec.id)
        if hit is None:
            hit = by_record[rec.id] = Hit(
                "ServiceRecord",
                rec.id,
                _record_label(rec),
                rec.region_path,
                {
                    "volunteerId": rec.volunteer_id,
                    "startsAt": rec.starts_at.isoformat(),
                    "endsAt": rec.ends_at.isoformat(),
                    "overlaps": [],
                },
            )
        hit.evidence["overlaps"].append(
            {
                "recordId": other_id,
                "startsAt": other_start.isoformat(),
                "endsAt": other_end.isoformat(),
            }
        )
    return list(by_record.values())


@rule("RECORD_LONGER_THAN_SHIFT", M, 2, "Service record longer than its shift")
async def record_longer_than_shift(session: AsyncSession, settings: Settings) -> list[Hit]:
    rec = aliased(ServiceRecord)
    rows = await session.execute(
        select(rec, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == rec.shift_id)
        .where(_live_approved(rec))
    )
    hits = []
    for r, shift_start, shift_end in rows.all():
        shift_minutes = int((shift_end - shift_start).total_seconds() // 60)
        if r.minutes <= shift_minutes:
            continue
        hits.append(
            Hit(
                "ServiceRecord",
                r.id,
                _record_label(r),
                r.region_path,
                {
                    "volunteerId": r.volunteer_id,
                    "shiftId": r.shift_id,
                    "recordMinutes": r.minutes,
                    "shiftMinutes": shift_minutes,
                },
            )
        )
    return hits


@rule("IMPLAUSIBLE_DAILY_TOTAL", M, 2, "Implausible total of approved minutes in one day")
async def implausible_daily_total(session: AsyncSession, settings: Settings) -> list[Hit]:
    rec = aliased(ServiceRecord)
    if dialect_name(session) == "postgresql":
        day = func.to_char(func.timezone("Asia/Shanghai", rec.starts_at), "YYYY-MM-DD")
    else:
        day = func.strftime("%Y-%m-%d", rec.starts_at, "+8 hours")
    total = func.sum(rec.minutes)
    rows = await session.execute(
        select(
            rec.volunteer_id, day, total, func.min(rec.id), func.min(rec.region_path), func.count()
        )
        .where(_live_approved(rec))
        .group_by(rec.volunteer_id, day)
        .having(total > settings.oversight_max_daily_minutes)
    )
    return [
        Hit(
            "ServiceRecord",
            int(first_id),
            f"志愿者 {vid} · {d}",
            path,
            {
                "volunteerId": vid,
                "day": str(d),
                "totalMinutes": int(minutes),
                "records": int(n),
                "limitMinutes": settings.oversight_max_daily_minutes,
            },
        )
        for vid, d, minutes, first_id, path, n in rows.all()
    ]


def _beijing_day(session: AsyncSession, column: Any) -> Any:
    if dialect_name(session) == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+8 hours")


@rule("REPORT_MINUTES_MISMATCH", M, 2, "Progress report's volunteer minutes differ from the ledger")
async def report_minutes_mismatch(session: AsyncSession, settings: Settings) -> list[Hit]:
    """A report's minutes are computed from the ledger at submission; a later difference means
    the ledger changed under an accepted report, or the report was not made by the service."""
    reports = (
        await session.execute(
            select(
                ProgressReport.id,
                ProgressReport.volunteer_minutes,
                Milestone.id,
                Milestone.sequence,
                Milestone.due_date,
                Contract.id,
                Contract.start_date,
                Project.id,
                Project.title,
                Region.path,
            )
            .join(Milestone, Milestone.id == ProgressReport.milestone_id)
            .join(Contract, Contract.id == Milestone.contract_id)
            .join(Project, Project.id == Contract.project_id)
            .join(Region, Region.id == Project.region_id)
            .where(ProgressReport.status.in_((ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)))
        )
    ).all()
    if not reports:
        return []
    contract_ids = sorted({r[5] for r in reports})
    project_ids = sorted({r[7] for r in reports})
    dues: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for cid, seq, due in (
        await session.execute(
            select(Milestone.contract_id, Milestone.sequence, Milestone.due_date).where(
                Milestone.contract_id.in_(contract_ids)
            )
        )
    ).all():
        dues[cid].append((seq, due))
    day = _beijing_day(session, ServiceRecord.starts_at)
    ledger: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for pid, d, minutes in (
        await session.execute(
            select(Activity.project_id, day, func.sum(ServiceRecord.minutes))
            .join(Activity, Activity.id == ServiceRecord.activity_id)
            .where(
                Activity.project_id.in_(project_ids),
                ServiceRecord.status == RecordStatus.APPROVED,
            )
            .group_by(Activity.project_id, day)
        )
    ).all():
        ledger[pid].append((str(d), int(minutes or 0)))
    hits = []
    for rid, reported, _mid, seq, due, cid, start, pid, title, path in reports:
        previous = [d for s, d in dues[cid] if s < seq]
        first_day = (max(previous) + dt.timedelta(days=1)) if previous else start
        lo, hi = first_day.isoformat(), due.isoformat()
        counted = sum(m for d, m in ledger[pid] if lo <= d <= hi)
        if counted == reported:
            continue
        hits.append(
            Hit(
                "ProgressReport",
                rid,
                f"{title} · 第 {seq} 期报告",
                path,
                {
                    "reportedMinutes": reported,
                    "ledgerMinutes": counted,
                    "differenceMinutes": reported - counted,
                    "periodStart": lo,
                    "periodEnd": hi,
                },
            )
        )
    return hits


@rule("COST_PER_BENEFICIARY_OUTLIER", M, 2, "Cost per beneficiary far above its category's")
async def cost_per_beneficiary_outlier(session: AsyncSession, settings: Settings) -> list[Hit]:
    """Cardinal-style upper fence Q3 + 1.5·IQR over the projects of one category and service
    year; skipped below the minimum sample or when the quartiles are zero."""
    paid = (
        select(func.coalesce(func.sum(Payment.amount_fen), 0))
        .where(Payment.contract_id == Contract.id)
        .scalar_subquery()
    )
    served = (
        select(func.coalesce(func.sum(ProgressReport.beneficiaries_served), 0))
        .join(Milestone, Milestone.id == ProgressReport.milestone_id)
        .where(
            Milestone.contract_id == Contract.id,
            ProgressReport.status == ReportStatus.ACCEPTED,
        )
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(
                Project.id,
                Project.title,
                Project.category,
                Project.service_start,
                Region.path,
                paid,
                served,
            )
            .join(Region, Region.id == Project.region_id)
            .join(Contract, Contract.project_id == Project.id)
        )
    ).all()
    groups: dict[tuple[str, int], list[tuple[Any, float, int, int]]] = defaultdict(list)
    for pid, title, category, start, path, p, s in rows:
        if int(s or 0) > 0 and int(p or 0) > 0:
            groups[(category.value, start.year)].append(
                ((pid, title, path), int(p) / int(s), int(p), int(s))
            )
    hits = []
    for (category, year), items in groups.items():
        if len(items) < settings.oversight_outlier_min_sample:
            continue
        costs = sorted(cost for _, cost, _, _ in items)
        q1, q3 = _quantile(costs, 0.25), _quantile(costs, 0.75)
        if q1 == 0 and q3 == 0:
            continue
        fence = q3 + 1.5 * (q3 - q1)
        for (pid, title, path), cost, p, s in items:
            if cost <= fence:
                continue
            hits.append(
                Hit(
                    "Project",
                    pid,
                    title,
                    path,
                    {
                        "category": category,
                        "year": year,
                        "costPerBeneficiaryFen": round(cost),
                        "paidFen": p,
                        "beneficiaries": s,
                        "q1Fen": round(q1),
                        "q3Fen": round(q3),
                        "fenceFen": round(fence),
                        "sample": len(items),
                    },
                    p,
                )
            )
    return hits


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (NumPy's default)."""
    pos = (len(ordered) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
