"""The spending summary: money, service and competition figures of a region (docs/oversight.md).

Every figure is aggregated in SQL over one "project facts" subquery (a row per project of the
area and year, with its contract, payments, approved volunteer minutes and accepted reports as
correlated sums), so the number of statements is the same for ten projects or ten thousand.
Sealed bids never count: every bid figure reads only bids with ``opened_at`` set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from matchmaker import clock
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
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.organizations import MembershipStatus
from matchmaker.models.procurement import (
    BidStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.models.volunteering import RecordStatus
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import not_found

#: Bids that count as valid once opened: not withdrawn, not disqualified.
VALID_BID_STATUSES = (BidStatus.OPENED, BidStatus.AWARDED, BidStatus.LOST)
#: Projects whose budget counts: approved and not cancelled (drafts are plans, not budgets).
_UNBUDGETED = (ProjectStatus.CANCELLED,)


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Money and output figures of one slice (a child region, a category, a funding source)."""

    key: str
    label: str
    projects: int
    budgeted_fen: int
    contracted_fen: int
    paid_fen: int
    approved_service_minutes: int
    region_id: int | None = None


@dataclass(frozen=True, slots=True)
class MonthFigure:
    month: str  # "2026-03"
    paid_fen: int


@dataclass(slots=True)
class Competition:
    tenders: int = 0
    open_tenders: int = 0
    single_bid_tenders: int = 0
    single_bid_value_fen: int = 0
    tender_value_fen: int = 0
    failed_tenders: int = 0
    median_valid_bids: float | None = None

    @property
    def open_tender_share(self) -> float | None:
        return self.open_tenders / self.tenders if self.tenders else None

    @property
    def single_bid_share(self) -> float | None:
        return self.single_bid_tenders / self.tenders if self.tenders else None

    @property
    def single_bid_value_share(self) -> float | None:
        return self.single_bid_value_fen / self.tender_value_fen if self.tender_value_fen else None


@dataclass(slots=True)
class Concentration:
    awarded_fen: int = 0
    organizations: int = 0
    hhi: int | None = None
    top_organization_id: int | None = None
    top_organization_name: str | None = None
    top_share: float | None = None
    small_or_new_fen: int = 0
    flagged: bool = False

    @property
    def small_or_new_share(self) -> float | None:
        return self.small_or_new_fen / self.awarded_fen if self.awarded_fen else None


@dataclass(slots=True)
class SpendingSummary:
    region_ids: list[int]
    year: int | None
    budgeted_fen: int = 0
    contracted_fen: int = 0
    paid_fen: int = 0
    approved_service_minutes: int = 0
    activities_held: int = 0
    beneficiaries: int = 0
    projects: int = 0
    projects_by_state: dict[str, int] = field(default_factory=dict)
    competition: Competition = field(default_factory=Competition)
    concentration: Concentration = field(default_factory=Concentration)
    by_region: list[Breakdown] = field(default_factory=list)
    by_category: list[Breakdown] = field(default_factory=list)
    by_funding_source: list[Breakdown] = field(default_factory=list)
    by_month: list[MonthFigure] = field(default_factory=list)

    @property
    def outstanding_fen(self) -> int:
        return self.contracted_fen - self.paid_fen

    @property
    def cost_per_beneficiary_fen(self) -> int | None:
        return round(self.paid_fen / self.beneficiaries) if self.beneficiaries else None

    @property
    def cost_per_service_hour_fen(self) -> int | None:
        if self.approved_service_minutes <= 0:
            return None
        return round(self.paid_fen * 60 / self.approved_service_minutes)


def _int(value: Any) -> int:
    return int(value or 0)


async def _area(sc: ServiceContext, scope: Scope, region_id: int | None) -> list[Region]:
    """The regions the summary covers: the one asked for (in scope), else the scope's roots."""
    if region_id is not None:
        region = await sc.session.scalar(
            select(Region).where(Region.id == region_id, scope.region_clause(Region.path))
        )
        if region is None:
            raise not_found("Region")
        return [region]
    if scope.unrestricted:
        stmt = select(Region).where(Region.parent_id.is_(None))
    else:
        stmt = select(Region).where(Region.path.in_(scope.region_paths))
    regions = list(await sc.session.scalars(stmt.order_by(Region.path)))
    # A grant inside another grant's region adds nothing (and would show twice in byRegion).
    return [
        r for r in regions if not any(o is not r and r.path.startswith(o.path) for o in regions)
    ]


def _facts(roots: list[Region], scope: Scope, year: int | None) -> Any:
    """One row per project of the area and year, with its money and output as columns."""
    paid = (
        select(func.coalesce(func.sum(Payment.amount_fen), 0))
        .where(Payment.contract_id == Contract.id)
        .scalar_subquery()
    )
    minutes = (
        select(func.coalesce(func.sum(ServiceRecord.minutes), 0))
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(Activity.project_id == Project.id, ServiceRecord.status == RecordStatus.APPROVED)
        .scalar_subquery()
    )

    def reported(column: Any) -> Any:
        return (
            select(func.coalesce(func.sum(column), 0))
            .join(Milestone, Milestone.id == ProgressReport.milestone_id)
            .where(
                Milestone.contract_id == Contract.id, ProgressReport.status == ReportStatus.ACCEPTED
            )
            .scalar_subquery()
        )

    valid_bids = (
        select(func.count())
        .select_from(Bid)
        .where(
            Bid.project_id == Project.id,
            Bid.opened_at.is_not(None),
            Bid.status.in_(VALID_BID_STATUSES),
        )
        .scalar_subquery()
    )
    budgeted = case(
        (
            and_(Project.approved_at.is_not(None), Project.status.not_in(_UNBUDGETED)),
            Project.budget_ceiling_fen,
        ),
        else_=0,
    )
    stmt = (
        select(
            Project.id.label("project_id"),
            Project.status.label("status"),
            Project.category.label("category"),
            Project.funding_source.label("funding_source"),
            Project.budget_ceiling_fen.label("budget"),
            Project.awarded_bid_id.label("awarded_bid_id"),
            case((Project.opened_at.is_not(None), 1), else_=0).label("opened"),
            case((Project.procurement_method == ProcurementMethod.OPEN_TENDER, 1), else_=0).label(
                "open_tender"
            ),
            Region.path.label("path"),
            Contract.id.label("contract_id"),
            budgeted.label("budgeted"),
            func.coalesce(Contract.amount_fen, 0).label("contracted"),
            func.coalesce(paid, 0).label("paid"),
            minutes.label("minutes"),
            func.coalesce(reported(ProgressReport.activities_held), 0).label("activities"),
            func.coalesce(reported(ProgressReport.beneficiaries_served), 0).label("beneficiaries"),
            valid_bids.label("valid_bids"),
        )
        .join(Region, Region.id == Project.region_id)
        .outerjoin(Contract, Contract.project_id == Project.id)
        .where(
            scope.region_clause(Region.path),
            or_(*(Region.path.startswith(r.path, autoescape=True) for r in roots))
            if roots
            else literal(False),
        )
    )
    if year is not None:
        stmt = stmt.where(
            Project.service_start >= dt.date(year, 1, 1),
            Project.service_start < dt.date(year + 1, 1, 1),
        )
    return stmt.subquery("facts")


def _money_columns(f: Any) -> list[ColumnElement[Any]]:
    return [
        func.count(f.c.project_id),
        func.coalesce(func.sum(f.c.budgeted), 0),
        func.coalesce(func.sum(f.c.contracted), 0),
        func.coalesce(func.sum(f.c.paid), 0),
        func.coalesce(func.sum(f.c.minutes), 0),
    ]


def _breakdown(key: str, label: str, row: Any, region_id: int | None = None) -> Breakdown:
    return Breakdown(
        key=key,
        label=label,
        projects=_int(row[0]),
        budgeted_fen=_int(row[1]),
        contracted_fen=_int(row[2]),
        paid_fen=_int(row[3]),
        approved_service_minutes=_int(row[4]),
        region_id=region_id,
    )


def _month(session: Any, column: Any) -> Any:
    if dialect_name(session) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The median of a multiset given as value → count (at most one row per distinct value)."""
    n = sum(histogram.values())
    if n == 0:
        return None
    ordered = sorted(histogram.items())

    def nth(k: int) -> int:  # 0-based
        seen = 0
        for value, count in ordered:
            seen += count
            if k < seen:
                return value
        raise AssertionError("unreachable")

    if n % 2:
        return float(nth(n // 2))
    return (nth(n // 2 - 1) + nth(n // 2)) / 2


async def spending_summary(
    sc: ServiceContext, *, region_id: int | None = None, year: int | None = None
) -> SpendingSummary:
    """The figures of ``region_id`` (or the caller's whole scope) for projects whose service
    starts in ``year`` (every year when None). Definitions: docs/oversight.md, "Figures"."""
    scope = require(sc.actor, Capability.OVERSIGHT_READ)
    session = sc.session
    roots = await _area(sc, scope, region_id)
    out = SpendingSummary(region_ids=[r.id for r in roots], year=year)
    f = _facts(roots, scope, year)

    totals = (
        await session.execute(
            select(
                *_money_columns(f),
                func.coalesce(func.sum(f.c.activities), 0),
                func.coalesce(func.sum(f.c.beneficiaries), 0),
            )
        )
    ).one()
    out.projects = _int(totals[0])
    out.budgeted_fen = _int(totals[1])
    out.contracted_fen = _int(totals[2])
    out.paid_fen = _int(totals[3])
    out.approved_service_minutes = _int(totals[4])
    out.activities_held = _int(totals[5])
    out.beneficiaries = _int(totals[6])

    by_state = await session.execute(select(f.c.status, func.count()).group_by(f.c.status))
    out.projects_by_state = {
        (s.value if hasattr(s, "value") else str(s)): int(n) for s, n in by_state.all()
    }

    # Drill-down: the children of a single region, or the scope's regions side by side.
    if len(roots) == 1:
        slice_regions = select(Region.id, Region.name, Region.path).where(
            Region.parent_id == roots[0].id
        )
    else:
        slice_regions = select(Region.id, Region.name, Region.path).where(
            Region.id.in_([r.id for r in roots])
        )
    sr = slice_regions.subquery("slices")
    region_rows = await session.execute(
        select(sr.c.id, sr.c.name, sr.c.path, *_money_columns(f))
        .select_from(sr)
        .outerjoin(f, f.c.path.startswith(sr.c.path))
        .group_by(sr.c.id, sr.c.name, sr.c.path)
        .order_by(sr.c.path)
    )
    out.by_region = [
        _breakdown(str(row[0]), row[1], row[3:], region_id=int(row[0])) for row in region_rows.all()
    ]

    for column, target in (
        (f.c.category, out.by_category),
        (f.c.funding_source, out.by_funding_source),
    ):
        rows = await session.execute(
            select(column, *_money_columns(f)).group_by(column).order_by(column)
        )
        for row in rows.all():
            key = row[0].value if hasattr(row[0], "value") else str(row[0])
            target.append(_breakdown(key, key, row[1:]))

    month = _month(session, Payment.paid_on)
    months = await session.execute(
        select(month, func.sum(Payment.amount_fen))
        .join(f, f.c.contract_id == Payment.contract_id)
        .group_by(month)
        .order_by(month)
    )
    out.by_month = [MonthFigure(month=str(m), paid_fen=_int(v)) for m, v in months.all()]

    # Competition: tenders are projects whose bids were opened (the failed ones included).
    histogram_rows = await session.execute(
        select(
            f.c.valid_bids,
            func.count(),
            func.sum(f.c.open_tender),
            func.sum(f.c.budget),
            func.sum(case((f.c.status == ProjectStatus.FAILED, 1), else_=0)),
        )
        .where(f.c.opened == 1)
        .group_by(f.c.valid_bids)
    )
    histogram: dict[int, int] = {}
    comp = out.competition
    for valid, count, open_count, value, failed in histogram_rows.all():
        histogram[int(valid)] = int(count)
        comp.tenders += int(count)
        comp.open_tenders += _int(open_count)
        comp.tender_value_fen += _int(value)
        comp.failed_tenders += _int(failed)
        if int(valid) == 1:
            comp.single_bid_tenders += int(count)
            comp.single_bid_value_fen += _int(value)
    comp.median_valid_bids = median_from_histogram(histogram)

    await _concentration(sc, f, year, out.concentration)
    return out


@dataclass(frozen=True, slots=True)
class ProjectFigures:
    """One project behind a figure: its money and output, as ``spendingSummary`` counts them."""

    project_id: int
    title: str
    status: ProjectStatus
    category: str
    funding_source: str
    region_name: str
    organization_name: str | None
    budget_ceiling_fen: int
    budgeted_fen: int
    contracted_fen: int
    paid_fen: int
    approved_service_minutes: int
    beneficiaries: int


async def spending_projects(
    sc: ServiceContext,
    *,
    region_id: int | None = None,
    year: int | None = None,
    category: str | None = None,
    funding_source: str | None = None,
    limit: int | None = None,
) -> tuple[int, list[ProjectFigures]]:
    """The projects behind a figure of ``spendingSummary`` (same area, year and scope),
    optionally one category or funding source: (how many, the first ``limit`` by contracted
    value). Two statements whatever the number of projects."""
    scope = require(sc.actor, Capability.OVERSIGHT_READ)
    roots = await _area(sc, scope, region_id)
    f = _facts(roots, scope, year)
    conditions: list[ColumnElement[bool]] = []
    if category is not None:
        conditions.append(f.c.category == category)
    if funding_source is not None:
        conditions.append(f.c.funding_source == funding_source)
    total = _int(await sc.session.scalar(select(func.count()).select_from(f).where(*conditions)))
    stmt = (
        select(
            f.c.project_id,
            Project.title,
            f.c.status,
            f.c.category,
            f.c.funding_source,
            Region.name,
            Organization.name,
            f.c.budget,
            f.c.budgeted,
            f.c.contracted,
            f.c.paid,
            f.c.minutes,
            f.c.beneficiaries,
        )
        .select_from(f)
        .join(Project, Project.id == f.c.project_id)
        .join(Region, Region.id == Project.region_id)
        .outerjoin(Contract, Contract.id == f.c.contract_id)
        .outerjoin(Organization, Organization.id == Contract.organization_id)
        .where(*conditions)
        .order_by(f.c.contracted.desc(), f.c.budget.desc(), f.c.project_id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [
        ProjectFigures(
            project_id=int(r[0]),
            title=r[1],
            status=r[2],
            category=r[3].value if hasattr(r[3], "value") else str(r[3]),
            funding_source=r[4].value if hasattr(r[4], "value") else str(r[4]),
            region_name=r[5],
            organization_name=r[6],
            budget_ceiling_fen=_int(r[7]),
            budgeted_fen=_int(r[8]),
            contracted_fen=_int(r[9]),
            paid_fen=_int(r[10]),
            approved_service_minutes=_int(r[11]),
            beneficiaries=_int(r[12]),
        )
        for r in (await sc.session.execute(stmt)).all()
    ]
    return total, rows


async def _concentration(sc: ServiceContext, f: Any, year: int | None, out: Concentration) -> None:
    """HHI over awarded value by organization (awarded bid prices, opened by definition)."""
    settings = sc.settings
    as_of = dt.date(year, 12, 31) if year is not None else clock.today_shanghai()
    new_since = as_of - dt.timedelta(days=round(settings.matching_new_org_years * 365.25))
    staff = (
        select(func.count())
        .select_from(SocialWorkerMembership)
        .join(SocialWorker, SocialWorker.id == SocialWorkerMembership.social_worker_id)
        .where(
            SocialWorkerMembership.organization_id == Organization.id,
            SocialWorkerMembership.status == MembershipStatus.ACTIVE,
            SocialWorker.is_active.is_(True),
        )
        .scalar_subquery()
    )
    small_or_new = or_(
        staff <= settings.matching_small_org_staff,
        and_(Organization.founded_on.is_not(None), Organization.founded_on > new_since),
    )
    orgs = select(
        Organization.id.label("org_id"),
        Organization.name.label("name"),
        case((small_or_new, 1), else_=0).label("small"),
    ).subquery("orgs")
    per_org = (
        select(
            orgs.c.org_id,
            orgs.c.name,
            orgs.c.small,
            func.sum(Bid.price_fen).label("value"),
        )
        .select_from(f)
        .join(Bid, and_(Bid.id == f.c.awarded_bid_id, Bid.opened_at.is_not(None)))
        .join(orgs, orgs.c.org_id == Bid.organization_id)
        .group_by(orgs.c.org_id, orgs.c.name, orgs.c.small)
        .subquery("per_org")
    )
    value = cast(per_org.c.value, Float)
    totals = (
        await sc.session.execute(
            select(
                func.coalesce(func.sum(per_org.c.value), 0),
                func.count(),
                func.coalesce(func.sum(value * value), 0.0),
                func.coalesce(func.sum(per_org.c.value * per_org.c.small), 0),
                func.max(per_org.c.value),
            )
        )
    ).one()
    out.awarded_fen = _int(totals[0])
    out.organizations = _int(totals[1])
    out.small_or_new_fen = _int(totals[3])
    if out.awarded_fen <= 0:
        return
    out.hhi = round(10_000 * float(totals[2]) / (out.awarded_fen * out.awarded_fen))
    out.flagged = out.hhi > settings.oversight_hhi_flag
    top = (
        await sc.session.execute(
            select(per_org.c.org_id, per_org.c.name, per_org.c.value)
            .order_by(per_org.c.value.desc(), per_org.c.org_id)
            .limit(1)
        )
    ).one()
    out.top_organization_id = int(top[0])
    out.top_organization_name = str(top[1])
    out.top_share = _int(top[2]) / out.awarded_fen


__all__ = [
    "Breakdown",
    "Competition",
    "Concentration",
    "MonthFigure",
    "ProjectFigures",
    "SpendingSummary",
    "median_from_histogram",
    "spending_projects",
    "spending_summary",
]
