"""Seed step: micro-wishes (微心愿) in every state around the demo street (docs/micro_wishes.md).

The demo street's communities get a board: open wishes (time and goods, wishes and affairs), a
wish the demo volunteer holds and one the demo organization holds, reports waiting for the demo
``community`` login to confirm (the demo volunteer's with minutes, a team's without), confirmed
wishes of past months with their ledger entries (source MICRO_WISH, certified by the demo
community staff), and an expired, a withdrawn and an escalated one. Confirmed volunteer time is
placed where the volunteer's ledger is free (the ledger's overlap rule) and their totals are
recomputed from the ledger, as the jobs would. Beneficiaries are fictitious and encrypted like
real ones; titles and public descriptions name nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import MicroWish, Project, ServiceRecord, Volunteer
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.micro_wishes import (
    ClaimantType,
    MicroWishKind,
    MicroWishNeed,
    MicroWishStatus,
)
from matchmaker.models.procurement import ProjectStatus
from matchmaker.models.volunteering import RecordSource, RecordStatus
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import RegionInfo, SeedContext
from matchmaker.services import hours
from matchmaker.services.crypto import encrypt_pii

S = MicroWishStatus
K = MicroWishKind
N = MicroWishNeed
C = ServiceCategory
RECORDS = table_of(ServiceRecord)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Spec:
    title: str
    public: str
    category: ServiceCategory
    kind: MicroWishKind
    needs: MicroWishNeed
    status: MicroWishStatus
    #: Days before now it was recorded.
    age_days: int
    #: Who holds it: "volunteer" (the demo one), "neighbour" (another volunteer of the street),
    #: "team" (the community's team), "org" (the demo organization).
    claimant: str | None = None
    minutes: int | None = None


#: (beneficiary's name, address) per wish; fictitious.
RESIDENTS = [
    ("刘桂芳", "3号楼2单元401"),
    ("孙德明", "7号楼1单元102"),
    ("陈玉兰", "12号楼3单元502"),
    ("赵国强", "5号楼2单元301"),
    ("周秀英", "9号楼1单元201"),
    ("吴建华", "2号楼4单元602"),
    ("郑淑珍", "11号楼2单元101"),
    ("王立群", "6号楼3单元402"),
    ("冯丽娟", "8号楼1单元302"),
    ("何永福", "4号楼2单元202"),
    ("马春兰", "10号楼1单元501"),
    ("朱振华", "1号楼3单元301"),
    ("胡桂兰", "13号楼2单元102"),
    ("林志刚", "14号楼1单元401"),
]

SPECS = [
    Spec(
        "陪独居老人聊天",
        "一位独居老人希望每周有人上门陪她聊聊天。",
        C.ELDERLY,
        K.WISH,
        N.TIME,
        S.OPEN,
        3,
    ),
    Spec(
        "给孩子送一个新书包",
        "一名小学生的书包坏了，希望有一个新书包。",
        C.CHILDREN_YOUTH,
        K.WISH,
        N.GOODS,
        S.OPEN,
        2,
    ),
    Spec(
        "楼道杂物清理",
        "单元楼道堆放杂物，需要志愿者帮忙清理。",
        C.ENVIRONMENT,
        K.AFFAIR,
        N.TIME,
        S.OPEN,
        5,
    ),
    Spec(
        "教老人用智能手机",
        "一位老人想学会用手机视频通话和扫码。",
        C.ELDERLY,
        K.WISH,
        N.TIME,
        S.OPEN,
        1,
    ),
    Spec(
        "帮行动不便的老人取药",
        "一位行动不便的老人需要有人帮忙去社区卫生服务站取药。",
        C.DISABILITY,
        K.WISH,
        N.TIME,
        S.CLAIMED,
        4,
        "volunteer",
    ),
    Spec(
        "修理单元门禁",
        "单元门禁损坏，居民进出不便。",
        C.COMMUNITY_INTEGRATION,
        K.AFFAIR,
        N.TIME,
        S.CLAIMED,
        6,
        "org",
    ),
    Spec(
        "帮独居老人换灯泡",
        "一位独居老人家中厨房灯坏了，需要上门更换。",
        C.ELDERLY,
        K.WISH,
        N.TIME,
        S.FULFILLED,
        6,
        "volunteer",
        60,
    ),
    Spec(
        "小区花坛补种",
        "小区花坛缺苗，需要补种。",
        C.ENVIRONMENT,
        K.AFFAIR,
        N.TIME,
        S.FULFILLED,
        8,
        "team",
    ),
    Spec(
        "陪老人去医院复查",
        "一位老人需要有人陪同去医院复查。",
        C.ELDERLY,
        K.WISH,
        N.TIME,
        S.CONFIRMED,
        40,
        "volunteer",
        150,
    ),
    Spec(
        "给困难家庭送米面油",
        "一户困难家庭需要米面油。",
        C.HARDSHIP_RELIEF,
        K.WISH,
        N.GOODS,
        S.CONFIRMED,
        65,
        "team",
    ),
    Spec(
        "辅导孩子功课",
        "一名留守儿童希望有人辅导数学功课。",
        C.CHILDREN_YOUTH,
        K.WISH,
        N.TIME,
        S.CONFIRMED,
        20,
        "neighbour",
        90,
    ),
    Spec("帮老人修理收音机", "一位老人的收音机坏了。", C.ELDERLY, K.WISH, N.TIME, S.EXPIRED, 30),
    Spec("代写家书", "一位老人想给外地的子女写信。", C.ELDERLY, K.WISH, N.TIME, S.WITHDRAWN, 12),
    Spec(
        "老旧小区路灯改造",
        "小区主干道路灯老化，需要整体改造。",
        C.COMMUNITY_INTEGRATION,
        K.AFFAIR,
        N.GOODS,
        S.ESCALATED,
        15,
    ),
]


async def _free_start(
    ctx: SeedContext, volunteer_id: int, day: dt.datetime, minutes: int
) -> dt.datetime:
    """An evening start (19:00 Beijing) on ``day`` or a day before, where the volunteer's
    ledger is free."""
    for back in range(0, 30):
        local = (
            (day - back * DAY)
            .astimezone(clock.SHANGHAI)
            .replace(hour=19, minute=0, second=0, microsecond=0)
        )
        start = local.astimezone(dt.UTC)
        if not await hours.overlapping_record(
            ctx.session,
            volunteer_id=volunteer_id,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
        ):
            return start
    raise RuntimeError(f"no free evening for volunteer {volunteer_id}")


async def seed_micro_wishes(ctx: SeedContext) -> None:
    demo_street: RegionInfo | None = ctx.shared.get("demo_street")
    accounts: dict[Role, int] = ctx.shared.get("demo_accounts", {})
    staff_id = accounts.get(Role.COMMUNITY_STAFF)
    if demo_street is None or staff_id is None:
        return
    communities = ctx.communities_by_street.get(demo_street.id) or []
    if not communities:
        return
    session = ctx.session
    key = ctx.settings.secret_key
    now = clock.now()
    demo_volunteer = await session.scalar(
        select(Volunteer.id).where(Volunteer.account_id == accounts.get(Role.VOLUNTEER))
    )
    neighbour = await session.scalar(
        select(Volunteer.id)
        .where(
            Volunteer.home_region_id.in_([c.id for c in communities]),
            Volunteer.id != demo_volunteer,
            Volunteer.account_id.is_not(None),
        )
        .order_by(Volunteer.id)
        .limit(1)
    )
    teams: dict[int, int] = ctx.shared.get("community_team", {})
    demo_org: int | None = ctx.shared.get("demo_org")
    drafts = {
        region_id: pid
        for pid, region_id in await session.execute(
            select(Project.id, Project.region_id)
            .where(
                Project.status == ProjectStatus.DRAFT,
                Project.region_id.in_([c.id for c in communities]),
            )
            .order_by(Project.id)
        )
    }
    volunteer_accounts = dict(
        (
            await session.execute(
                select(Volunteer.id, Volunteer.account_id).where(
                    Volunteer.id.in_([v for v in (demo_volunteer, neighbour) if v is not None])
                )
            )
        ).all()
    )
    planted = records = 0
    touched: set[int] = set()
    for i, spec in enumerate(SPECS):
        community = communities[i % len(communities)]
        if spec.status is S.ESCALATED:
            if not drafts:
                continue
            region_id, project_id = next(iter(drafts.items()))
            community = next(c for c in communities if c.id == region_id)
        else:
            project_id = None
        claimant: tuple[ClaimantType, int] | None = None
        if spec.claimant == "volunteer" and demo_volunteer is not None:
            claimant = (ClaimantType.VOLUNTEER, demo_volunteer)
        elif spec.claimant == "neighbour" and neighbour is not None:
            claimant = (ClaimantType.VOLUNTEER, neighbour)
        elif spec.claimant == "team" and community.id in teams:
            claimant = (ClaimantType.TEAM, teams[community.id])
        elif spec.claimant == "org" and demo_org is not None:
            claimant = (ClaimantType.ORGANIZATION, demo_org)
        if spec.claimant is not None and claimant is None:
            continue
        name, address = RESIDENTS[i % len(RESIDENTS)]
        recorded = now - spec.age_days * DAY
        held = spec.status in (S.CLAIMED, S.FULFILLED, S.CONFIRMED)
        done = spec.status in (S.FULFILLED, S.CONFIRMED)
        claimed_at = recorded + (3 + i % 5) * HOUR if held else None
        fulfilled_at = claimed_at + (1 + i % 3) * DAY if done and claimed_at else None
        if spec.status is S.EXPIRED:
            deadline = now - 2 * DAY
        elif spec.status in (S.CONFIRMED, S.WITHDRAWN, S.ESCALATED):
            deadline = recorded + 14 * DAY
        else:
            deadline = now + (7 + i) * DAY
        minutes = spec.minutes if claimant and claimant[0] is ClaimantType.VOLUNTEER else None
        started_at = None
        if minutes is not None and fulfilled_at is not None and claimant is not None:
            started_at = await _free_start(ctx, claimant[1], fulfilled_at - HOUR, minutes)
        claimed_by = None
        if claimant is not None:
            # A team is claimed by whoever manages it: the community's staff.
            claimer = {
                ClaimantType.ORGANIZATION: accounts.get(Role.ORG_ADMIN),
                ClaimantType.TEAM: staff_id,
            }
            claimed_by = (
                volunteer_accounts.get(claimant[1])
                if claimant[0] is ClaimantType.VOLUNTEER
                else claimer[claimant[0]]
            )
        confirmed_at = fulfilled_at + DAY if spec.status is S.CONFIRMED and fulfilled_at else None
        wish = MicroWish(
            region_id=community.id,
            region_path=community.path,
            kind=spec.kind,
            category=spec.category,
            title=spec.title,
            description=f"{name}（{community.name}{address}）：{spec.public}",
            public_description=spec.public,
            needs=spec.needs,
            deadline=deadline,
            beneficiary_name_encrypted=encrypt_pii(key, name),
            beneficiary_address_encrypted=encrypt_pii(key, f"{community.name}{address}"),
            status=spec.status,
            recorded_by_id=staff_id,
            claimant_type=claimant[0] if claimant else None,
            claimant_id=claimant[1] if claimant else None,
            claimed_by_id=claimed_by,
            claimed_at=claimed_at,
            fulfilment_report="已按约定完成，居民表示满意。" if done else None,
            minutes_given=minutes if done else None,
            started_at=started_at,
            fulfilled_at=fulfilled_at,
            confirmed_by_id=staff_id if confirmed_at else None,
            confirmed_at=confirmed_at,
            project_id=project_id,
            created_at=recorded,
            updated_at=confirmed_at or fulfilled_at or claimed_at or recorded,
        )
        session.add(wish)
        await session.flush()
        planted += 1
        if confirmed_at and minutes and started_at and claimant:
            session.add(
                ServiceRecord(
                    # The volunteering step wrote the ledger in bulk: ids from the same writer.
                    id=await ctx.writer.new_id(RECORDS),
                    volunteer_id=claimant[1],
                    micro_wish_id=wish.id,
                    region_path=community.path,
                    starts_at=started_at,
                    ends_at=started_at + dt.timedelta(minutes=minutes),
                    minutes=minutes,
                    source=RecordSource.MICRO_WISH,
                    status=RecordStatus.APPROVED,
                    description=f"微心愿：{spec.title}",
                    submitted_by_account_id=claimed_by,
                    decided_by_account_id=staff_id,
                    decided_at=confirmed_at,
                )
            )
            await session.flush()
            records += 1
            touched.add(claimant[1])
    await hours.recompute_totals(session, sorted(touched))
    ctx.count("micro_wishes", planted)
    ctx.count("micro_wish_service_records", records)
