"""Demo volunteering: activities with past and future shifts, signups, attendance and an hours
ledger, so volunteers have hours, star levels and records to dispute, and organizers have
rosters and pending hours to approve.

Every community of the demo street gets community activities (organized by the street's
community staff, i.e. the demo ``community`` login) and every running project its project
activities (organized by the running organization's social workers, i.e. the demo
``socialworker`` login for the demo organization); a sample of other communities gets one
activity each. Past shifts carry attendance and records (mostly approved, some pending, a few
flagged for review); future shifts carry signups. Totals and star levels are computed from the
ledger at the end, as the jobs would. Rows go through the bulk writer.

Timed jobs of seeded shifts (reminders, closing check-outs) are left to the cron sweeps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import (
    Activity,
    Attendance,
    Contract,
    Project,
    RoleGrant,
    ServiceRecord,
    Shift,
    Signup,
    SocialWorker,
    SocialWorkerMembership,
    Volunteer,
)
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.procurement import ProjectStatus
from matchmaker.models.volunteering import (
    ActivityStatus,
    CheckoutBy,
    RecordSource,
    RecordStatus,
    SignupStatus,
)
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import RegionInfo, SeedContext
from matchmaker.services import hours

ACTIVITIES = table_of(Activity)
SHIFTS = table_of(Shift)
SIGNUPS = table_of(Signup)
ATTENDANCES = table_of(Attendance)
RECORDS = table_of(ServiceRecord)

#: Other communities (outside the demo street) that get one activity, by scale.
EXTRA_COMMUNITIES = {"small": 6, "city": 120, "province": 600}
PAST_SHIFTS = 4
FUTURE_SHIFTS = 2

COMMUNITY_TITLES = [
    ("敬老院陪伴聊天", ServiceCategory.ELDERLY, "社区养老服务站"),
    ("四点半课堂作业辅导", ServiceCategory.CHILDREN_YOUTH, "社区活动室"),
    ("垃圾分类宣传引导", ServiceCategory.ENVIRONMENT, "小区垃圾分类投放点"),
    ("社区义诊志愿服务", ServiceCategory.REHABILITATION, "社区卫生服务站"),
    ("楼道清洁美化", ServiceCategory.ENVIRONMENT, "居民楼"),
    ("反诈宣传进社区", ServiceCategory.COMMUNITY_INTEGRATION, "社区广场"),
    ("助残出行陪同", ServiceCategory.DISABILITY, "社区残疾人之家"),
    ("文艺汇演后勤", ServiceCategory.CULTURE_SPORT, "社区文化广场"),
]
PROJECT_TITLES = ["助老送餐上门", "独居老人探访", "亲子阅读会", "心理疏导热线值守", "康复训练陪护"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A Beijing wall-clock time as UTC."""
    return dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=clock.SHANGHAI
    ).astimezone(dt.UTC)


class _Ledger:
    """Collects rows and writes them in batches."""

    def __init__(self, ctx: SeedContext) -> None:
        self.ctx = ctx
        self.rows: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self.touched: set[int] = set()

    async def add(self, table: Any, row: dict[str, Any]) -> None:
        self.rows[table].append(row)
        if len(self.rows[table]) >= self.ctx.scale.batch:
            await self.flush(table)

    async def flush(self, table: Any | None = None) -> None:
        # Parents first: shifts need activities, records need attendances.
        order = [ACTIVITIES, SHIFTS, SIGNUPS, ATTENDANCES, RECORDS]
        for t in order if table is None else order[: order.index(table) + 1]:
            if self.rows[t]:
                await self.ctx.writer.insert(t, self.rows[t])
                self.rows[t] = []


async def _staff_by_street(ctx: SeedContext) -> dict[int, int]:
    rows = await ctx.session.execute(
        select(RoleGrant.region_id, RoleGrant.account_id)
        .where(RoleGrant.role == Role.COMMUNITY_STAFF, RoleGrant.region_id.is_not(None))
        .order_by(RoleGrant.id)
    )
    found: dict[int, int] = {}
    for region_id, account_id in rows:
        if region_id is not None:
            found.setdefault(int(region_id), int(account_id))
    demo = ctx.shared.get("demo_accounts", {}).get(Role.COMMUNITY_STAFF)
    demo_street = ctx.shared.get("demo_street")
    if demo is not None and demo_street is not None:
        found[demo_street.id] = demo
    return found


async def _pools(ctx: SeedContext, community_ids: list[int]) -> dict[int, list[int]]:
    pools: dict[int, list[int]] = defaultdict(list)
    for chunk in range(0, len(community_ids), 500):
        rows = await ctx.session.execute(
            select(Volunteer.home_region_id, Volunteer.id)
            .where(
                Volunteer.home_region_id.in_(community_ids[chunk : chunk + 500]),
                Volunteer.is_active.is_(True),
            )
            .order_by(Volunteer.id)
        )
        for region_id, volunteer_id in rows:
            pools[int(region_id)].append(int(volunteer_id))
    return pools


async def _running_projects(ctx: SeedContext) -> list[tuple[int, int, int, int]]:
    """(project id, region id, organization id, a social worker account of it)."""
    rows = (
        await ctx.session.execute(
            select(Project.id, Project.region_id, Contract.organization_id)
            .join(Contract, Contract.project_id == Project.id)
            .where(
                Project.status.in_(
                    (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED, ProjectStatus.EVALUATED)
                )
            )
            .order_by(Project.id)
        )
    ).all()
    demo_sw = ctx.shared.get("demo_accounts", {}).get(Role.SOCIAL_WORKER)
    demo_org = ctx.shared.get("demo_org")
    result = []
    for project_id, region_id, org_id in rows:
        account = demo_sw if org_id == demo_org else None
        if account is None:
            account = await ctx.session.scalar(
                select(SocialWorker.account_id)
                .join(
                    SocialWorkerMembership,
                    SocialWorkerMembership.social_worker_id == SocialWorker.id,
                )
                .where(SocialWorkerMembership.organization_id == org_id)
                .order_by(SocialWorker.id)
                .limit(1)
            )
        if account is not None:
            result.append((int(project_id), int(region_id), int(org_id), int(account)))
    return result


async def seed_volunteering(ctx: SeedContext) -> None:
    rng = ctx.rng("volunteering")
    today = clock.today_shanghai()
    demo_street: RegionInfo = ctx.shared.get("demo_street") or ctx.streets[0]
    demo_communities = ctx.communities_by_street.get(demo_street.id) or ctx.communities[:1]
    others = sorted(
        (c for c in ctx.communities if c.parent_id != demo_street.id), key=lambda c: c.code
    )
    extra = rng.sample(others, min(len(others), EXTRA_COMMUNITIES.get(ctx.scale.name, 6)))
    staff = await _staff_by_street(ctx)
    projects = await _running_projects(ctx)
    community_ids = sorted(
        {c.id for c in (*demo_communities, *extra)} | {region for _, region, _, _ in projects}
    )
    pools = await _pools(ctx, community_ids)
    ledger = _Ledger(ctx)

    plans: list[dict[str, Any]] = []  # one per activity: where, who organizes, when
    for community in demo_communities:
        for k in range(3):
            plans.append({"community": community, "slot": k, "project": None})
    for community in extra:
        plans.append({"community": community, "slot": 0, "project": None})
    for pid, region_id, org_id, account in projects:
        region = ctx.regions.get(region_id)
        if region is not None:
            plans.append({"community": region, "slot": 3, "project": (pid, org_id, account)})

    for plan in plans:
        where: RegionInfo = plan["community"]
        project = plan["project"]
        if project is None:
            street = ctx.street_of(where)
            creator = staff.get(street.id)
            if creator is None:
                continue
            title, category, place = rng.choice(COMMUNITY_TITLES)
            organization_id: int | None = None
            project_id: int | None = None
        else:
            project_id, organization_id, creator = project[0], project[1], project[2]
            title, category, place = rng.choice(PROJECT_TITLES), ServiceCategory.ELDERLY, "服务点"
        activity_id = await ctx.writer.new_id(ACTIVITIES)
        lat = (where.latitude or 36.65) + rng.uniform(-0.003, 0.003)
        lng = (where.longitude or 117.0) + rng.uniform(-0.003, 0.003)
        await ledger.add(
            ACTIVITIES,
            {
                "id": activity_id,
                "title": f"{where.name}{title}",
                "description": f"{where.name}组织的{title}活动，欢迎居民志愿者参加。",
                "project_id": project_id,
                "organization_id": organization_id,
                "region_id": where.id,
                "region_path": where.path,
                "created_by_account_id": creator,
                "place_name": f"{where.name}{place}",
                "latitude": round(lat, 6),
                "longitude": round(lng, 6),
                "checkin_radius_m": rng.choice([None, 300, 500]),
                "category": category,
                "required_skills": [],
                "min_age": rng.choice([0, 0, 14, 18]),
                "status": ActivityStatus.PUBLISHED,
                "cancel_reason": None,
            },
        )
        ctx.count("activities", 1)
        pool = pools.get(where.id, [])
        # Distinct half-days per slot: one volunteer never has two overlapping shifts.
        start_hour = (9, 14, 19, 15)[plan["slot"]]
        for i in range(PAST_SHIFTS + FUTURE_SHIFTS):
            past = i < PAST_SHIFTS
            day = (
                today - dt.timedelta(days=7 * (i + 1) + plan["slot"])
                if past
                else today + dt.timedelta(days=3 + 7 * (i - PAST_SHIFTS) + plan["slot"])
            )
            starts = _at(day, start_hour)
            ends = starts + dt.timedelta(hours=2, minutes=rng.choice([0, 30]))
            capacity = rng.randint(8, 20)
            chosen = rng.sample(pool, min(len(pool), rng.randint(3, capacity))) if pool else []
            shift_id = await ctx.writer.new_id(SHIFTS)
            await ledger.add(
                SHIFTS,
                {
                    "id": shift_id,
                    "activity_id": activity_id,
                    "starts_at": starts,
                    "ends_at": ends,
                    "capacity": capacity,
                    "confirmed_count": len(chosen),
                    "waitlist_seq": 0,
                    "secret": rng.randbytes(20),
                    "reminders_sent_at": starts - dt.timedelta(hours=24) if past else None,
                    "checkouts_closed_at": ends if past else None,
                    "is_cancelled": False,
                },
            )
            ctx.count("shifts", 1)
            for volunteer_id in chosen:
                signup_id = await ctx.writer.new_id(SIGNUPS)
                await ledger.add(
                    SIGNUPS,
                    {
                        "id": signup_id,
                        "shift_id": shift_id,
                        "volunteer_id": volunteer_id,
                        "status": SignupStatus.ATTENDED if past else SignupStatus.CONFIRMED,
                        "waitlist_position": None,
                        "offer_expires_at": None,
                        "starts_at": starts,
                        "ends_at": ends,
                    },
                )
                ctx.count("signups", 1)
                if not past:
                    continue
                forgot = rng.random() < 0.05
                checked_in = starts - dt.timedelta(minutes=rng.randint(0, 15))
                checked_out = ends if forgot else ends + dt.timedelta(minutes=rng.randint(0, 10))
                attendance_id = await ctx.writer.new_id(ATTENDANCES)
                await ledger.add(
                    ATTENDANCES,
                    {
                        "id": attendance_id,
                        "shift_id": shift_id,
                        "volunteer_id": volunteer_id,
                        "signup_id": signup_id,
                        "checked_in_at": checked_in,
                        "checked_out_at": checked_out,
                        "checkout_by": CheckoutBy.SYSTEM if forgot else CheckoutBy.VOLUNTEER,
                        "checkin_latitude": None,
                        "checkin_longitude": None,
                        "idempotency_key": None,
                    },
                )
                pending = forgot or (i == 0 and rng.random() < 0.3)
                await ledger.add(
                    RECORDS,
                    {
                        "id": await ctx.writer.new_id(RECORDS),
                        "volunteer_id": volunteer_id,
                        "activity_id": activity_id,
                        "shift_id": shift_id,
                        "attendance_id": attendance_id,
                        "region_path": where.path,
                        "organization_id": organization_id,
                        "starts_at": starts,
                        "ends_at": ends,
                        "minutes": int((ends - starts).total_seconds() // 60),
                        "source": RecordSource.ATTENDANCE,
                        "status": RecordStatus.PENDING if pending else RecordStatus.APPROVED,
                        "description": "",
                        "needs_review": forgot,
                        "reverses_id": None,
                        "corrects_id": None,
                        "submitted_by_account_id": None,
                        "decided_by_account_id": None if pending else creator,
                        "decided_at": None if pending else ends + dt.timedelta(days=1),
                        "decision_note": None,
                        "idempotency_key": None,
                    },
                )
                ctx.count("service_records", 1)
                if not pending:
                    ledger.touched.add(volunteer_id)
    await ledger.flush()

    # Totals and star levels from the ledger, as the jobs compute them.
    touched = sorted(ledger.touched)
    for chunk in range(0, len(touched), 1000):
        await hours.recompute_totals(ctx.session, touched[chunk : chunk + 1000])
    ctx.count("volunteers_with_hours", len(touched))
    ctx.log(f"volunteering: {ctx.counts.get('service_records', 0)} service records")


__all__ = ["seed_volunteering"]
