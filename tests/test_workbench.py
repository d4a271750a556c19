"""The workbench (docs/workbench.md): per role, counts of the work waiting, hand-counted from a
seed that puts rows inside and outside each caller's reach."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import event

from matchmaker import clock
from matchmaker.models import (
    Activity,
    Bid,
    Contract,
    MicroWish,
    Milestone,
    Need,
    OutboxJob,
    ProgressReport,
    Project,
    ProjectNeed,
    Region,
    ServiceRecord,
    Shift,
)
from matchmaker.models.enums import JobStatus, Role, ServiceCategory
from matchmaker.models.micro_wishes import MicroWishKind, MicroWishNeed, MicroWishStatus
from matchmaker.models.procurement import (
    BidStatus,
    FundingSource,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)
from matchmaker.models.volunteering import ActivityStatus, RecordSource, RecordStatus
from tests import factories
from tests.volunteering_helpers import volunteer

BJ = clock.SHANGHAI
#: 09:00 on 4 December in Beijing: "today" runs to 5 December 00:00 Beijing.
NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=BJ)
TODAY = NOW.date()
DAY = dt.timedelta(days=1)

QUERY = """{ workbench {
  communityStaff { needsWithoutProject projectsAwaitingAction reportsToReview hoursToApprove
                   shiftsToday microWishesToConfirm }
  socialWorker { shiftsToday placesToday placesFilledToday fillRate hoursToApprove reportsDue }
  orgAdmin { openProjectsQualified bidsBeforeDeadline milestonesDue }
  bureauOfficer { approvals evaluations paymentsDue }
  platformAdmin { failedJobs lastChainCheck { at ok reason } } } }"""


def _project(region: Region, status: ProjectStatus, **extra: Any) -> Project:
    return Project(
        region_id=region.id,
        title=f"项目{status.value}",
        category=ServiceCategory.ELDERLY,
        funding_source=FundingSource.GOVERNMENT_PURCHASE,
        budget_ceiling_fen=10_000_000,
        procurement_method=ProcurementMethod.OPEN_TENDER,
        service_start=dt.date(2027, 1, 1),
        service_end=dt.date(2027, 12, 31),
        status=status,
        **extra,
    )


def _wish(region: Region, status: MicroWishStatus) -> MicroWish:
    return MicroWish(
        region_id=region.id,
        region_path=region.path,
        kind=MicroWishKind.WISH,
        category=ServiceCategory.ELDERLY,
        title="换灯泡",
        description="灯坏了",
        public_description="灯坏了",
        needs=MicroWishNeed.TIME,
        deadline=NOW + 30 * DAY,
        beneficiary_name_encrypted=b"x",
        beneficiary_address_encrypted=b"x",
        status=status,
    )


def _activity(region: Region, organizer_id: int, **extra: Any) -> Activity:
    return Activity(
        title="敬老院陪伴",
        region_id=region.id,
        region_path=region.path,
        created_by_account_id=organizer_id,
        place_name="服务中心",
        category=ServiceCategory.ELDERLY,
        status=ActivityStatus.PUBLISHED,
        **extra,
    )


def _shift(activity: Activity, starts: dt.datetime, capacity: int, filled: int) -> Shift:
    return Shift(
        activity_id=activity.id,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=capacity,
        confirmed_count=filled,
        secret=os.urandom(32),
    )


def _record(activity: Activity, volunteer_id: int, status: RecordStatus) -> ServiceRecord:
    start = NOW - 3 * DAY
    return ServiceRecord(
        volunteer_id=volunteer_id,
        activity_id=activity.id,
        region_path=activity.region_path,
        organization_id=activity.organization_id,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        minutes=120,
        source=RecordSource.MANUAL,
        status=status,
    )


async def _seed(session, settings) -> dict[str, Any]:
    """Everything in 朝山街社区 (street A) unless said otherwise; 佛山苑社区 (street B) is the
    outside every regional caller must not count."""
    clock.freeze(NOW)
    w = await factories.world(session)
    a1, b1 = w.community_a1, w.community_b1
    org = await factories.organization(session, settings, region=a1, grade=3)
    other_org = await factories.organization(session, settings, region=a1, grade=3)
    staff = await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=a1)
    staff_b = await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=b1)
    worker = await factories.account(
        session, settings, role=Role.SOCIAL_WORKER, organization_id=org.id
    )
    admin = await factories.account(session, settings, role=Role.ORG_ADMIN, organization_id=org.id)
    bureau = await factories.account(session, settings, role=Role.BUREAU_OFFICER, region=w.street_a)
    platform = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    vol = await volunteer(session, settings, region=a1)
    vid = vol.volunteer.id

    # Needs: three in a1, one already in a project → 2; one in b1 (outside).
    needs = [
        Need(
            region_id=r.id,
            category=ServiceCategory.ELDERLY,
            target_group="独居老人",
            description="助餐",
            people_affected=10,
        )
        for r in (a1, a1, a1, b1)
    ]
    session.add_all(needs)
    # Projects: two drafts in a1 (2 for staff), one in b1; one awaiting approval in a1 and one
    # in b1 (1 for the bureau of street A); one completed in a1 (1 evaluation due).
    drafts = [_project(a1, ProjectStatus.DRAFT), _project(a1, ProjectStatus.DRAFT)]
    session.add_all(
        [
            *drafts,
            _project(b1, ProjectStatus.DRAFT),
            _project(a1, ProjectStatus.PENDING_APPROVAL),
            _project(b1, ProjectStatus.PENDING_APPROVAL),
            _project(a1, ProjectStatus.COMPLETED),
            _project(b1, ProjectStatus.COMPLETED),
        ]
    )
    # Tenders: open and qualified (1), open but grade 5 (no), deadline passed (no).
    tender = _project(a1, ProjectStatus.OPEN_FOR_BIDS, bid_deadline=NOW + 5 * DAY)
    session.add_all(
        [
            tender,
            _project(a1, ProjectStatus.OPEN_FOR_BIDS, bid_deadline=NOW + 5 * DAY, min_grade=5),
            _project(a1, ProjectStatus.OPEN_FOR_BIDS, bid_deadline=NOW - DAY),
        ]
    )
    await session.flush()
    session.add(ProjectNeed(project_id=drafts[0].id, need_id=needs[0].id))
    # The organization's bids: one submitted before the deadline (1), one withdrawn (no); the
    # other organization's submitted bid (no).
    session.add_all(
        [
            Bid(
                project_id=tender.id,
                organization_id=org.id,
                price_fen=1,
                technical_proposal="方案",
                submitted_at=NOW - DAY,
                status=BidStatus.SUBMITTED,
            ),
            Bid(
                project_id=tender.id,
                organization_id=other_org.id,
                price_fen=1,
                technical_proposal="方案",
                submitted_at=NOW - DAY,
                status=BidStatus.SUBMITTED,
            ),
        ]
    )
    # Running projects: the organization's in a1, another organization's in b1.
    contracts = []
    for region, runner in ((a1, org), (b1, other_org)):
        project = _project(region, ProjectStatus.IN_PROGRESS)
        session.add(project)
        await session.flush()
        bid = Bid(
            project_id=project.id,
            organization_id=runner.id,
            price_fen=1,
            technical_proposal="方案",
            submitted_at=NOW - 60 * DAY,
            status=BidStatus.AWARDED,
        )
        session.add(bid)
        await session.flush()
        contract = Contract(
            project_id=project.id,
            organization_id=runner.id,
            bid_id=bid.id,
            amount_fen=1000,
            start_date=TODAY - 30 * DAY,
            end_date=TODAY + 300 * DAY,
        )
        session.add(contract)
        await session.flush()
        contracts.append(contract)

    def milestone(contract: Contract, seq: int, status: MilestoneStatus, due: dt.date) -> Milestone:
        return Milestone(
            contract_id=contract.id,
            sequence=seq,
            title=f"第{seq}期",
            share_bp=2500,
            amount_fen=250,
            due_date=due,
            status=status,
        )

    ours, theirs = contracts
    # Ours: reported (report under review), due in 7 days (due), in 30 days (not yet), overdue
    # (due), accepted (payment due). Theirs: reported, accepted.
    reported = milestone(ours, 1, MilestoneStatus.REPORTED, TODAY - 10 * DAY)
    theirs_reported = milestone(theirs, 1, MilestoneStatus.REPORTED, TODAY - 10 * DAY)
    session.add_all(
        [
            reported,
            milestone(ours, 2, MilestoneStatus.PENDING, TODAY + 7 * DAY),
            milestone(ours, 3, MilestoneStatus.PENDING, TODAY + 30 * DAY),
            milestone(ours, 4, MilestoneStatus.PENDING, TODAY - 2 * DAY),
            milestone(ours, 5, MilestoneStatus.ACCEPTED, TODAY - 40 * DAY),
            theirs_reported,
            milestone(theirs, 2, MilestoneStatus.ACCEPTED, TODAY - 40 * DAY),
        ]
    )
    await session.flush()
    for m, runner, status in (
        (reported, org, ReportStatus.SUBMITTED),
        (reported, org, ReportStatus.RETURNED),
        (theirs_reported, other_org, ReportStatus.SUBMITTED),
    ):
        session.add(
            ProgressReport(
                milestone_id=m.id,
                organization_id=runner.id,
                narrative="进展",
                activities_held=1,
                beneficiaries_served=1,
                submitted_at=NOW - DAY,
                status=status,
            )
        )
    # Micro-wishes: two fulfilled in a1 (2), one confirmed in a1, one fulfilled in b1.
    session.add_all(
        [
            _wish(a1, MicroWishStatus.FULFILLED),
            _wish(a1, MicroWishStatus.FULFILLED),
            _wish(a1, MicroWishStatus.CONFIRMED),
            _wish(b1, MicroWishStatus.FULFILLED),
        ]
    )
    # Activities: the staff member's own (two shifts today, one cancelled today, one
    # tomorrow), a colleague's in b1, the organization's project activity (today 6 of 10 and
    # 3 of 5 places), the other organization's.
    mine = _activity(a1, staff.account.id)
    colleague = _activity(b1, staff_b.account.id)
    project_activity = _activity(
        a1, worker.account.id, project_id=ours.project_id, organization_id=org.id
    )
    foreign = _activity(
        b1, staff_b.account.id, project_id=theirs.project_id, organization_id=other_org.id
    )
    session.add_all([mine, colleague, project_activity, foreign])
    await session.flush()
    at = dt.datetime.combine(TODAY, dt.time(14), tzinfo=BJ)
    cancelled = _shift(mine, at, 5, 0)
    cancelled.is_cancelled = True
    session.add_all(
        [
            _shift(mine, at, 10, 4),
            _shift(mine, at + dt.timedelta(hours=6), 10, 4),  # 20:00 Beijing, still today
            cancelled,
            _shift(mine, at + DAY, 10, 0),
            _shift(colleague, at, 10, 0),
            _shift(project_activity, at, 10, 6),
            _shift(project_activity, at + dt.timedelta(hours=3), 5, 3),
            _shift(project_activity, at - DAY, 5, 5),  # yesterday
            _shift(foreign, at, 10, 10),
        ]
    )
    # Hours: two pending on the staff's activity (2), one approved; one pending on the
    # colleague's; three pending on the organization's (3), one on the other organization's.
    session.add_all(
        [
            _record(mine, vid, RecordStatus.PENDING),
            _record(mine, vid, RecordStatus.PENDING),
            _record(mine, vid, RecordStatus.APPROVED),
            _record(colleague, vid, RecordStatus.PENDING),
            _record(project_activity, vid, RecordStatus.PENDING),
            _record(project_activity, vid, RecordStatus.PENDING),
            _record(project_activity, vid, RecordStatus.PENDING),
            _record(foreign, vid, RecordStatus.PENDING),
        ]
    )
    # Jobs: two failed (one of them an old audit-chain run), the chain's last run found a
    # break after an earlier good one.
    session.add_all(
        [
            OutboxJob(name="send_email", run_at=NOW, status=JobStatus.FAILED, last_error="x"),
            OutboxJob(name="send_email", run_at=NOW, status=JobStatus.DONE),
            OutboxJob(
                name="verify_audit_chain",
                run_at=NOW - 2 * DAY,
                status=JobStatus.DONE,
                finished_at=NOW - 2 * DAY,
                result={"ok": True, "reason": None},
            ),
            OutboxJob(
                name="verify_audit_chain",
                run_at=NOW - DAY,
                status=JobStatus.DONE,
                finished_at=NOW - DAY,
                result={"ok": False, "reason": "content does not match its hash"},
            ),
            OutboxJob(
                name="verify_audit_chain",
                run_at=NOW - 3 * DAY,
                status=JobStatus.FAILED,
                finished_at=NOW - 3 * DAY,
                last_error="timeout",
            ),
        ]
    )
    await session.commit()
    return {
        "a1": a1,
        "staff": staff,
        "worker": worker,
        "admin": admin,
        "bureau": bureau,
        "platform": platform,
        "volunteer": vol.login,
    }


async def _workbench(gql, login) -> dict[str, Any]:
    data = await gql(QUERY, token=login.token)
    return data["workbench"]


async def test_community_staff_counts_their_communities_and_their_own_activities(
    session, settings, gql
):
    seed = await _seed(session, settings)
    work = await _workbench(gql, seed["staff"])
    assert work["communityStaff"] == {
        "needsWithoutProject": 2,
        "projectsAwaitingAction": 2,
        "reportsToReview": 1,
        "hoursToApprove": 2,
        "shiftsToday": 2,
        "microWishesToConfirm": 2,
    }
    assert work["socialWorker"] is None and work["orgAdmin"] is None
    assert work["bureauOfficer"] is None and work["platformAdmin"] is None


async def test_social_worker_sees_todays_shifts_with_fill_rate_hours_and_reports_due(
    session, settings, gql
):
    seed = await _seed(session, settings)
    work = await _workbench(gql, seed["worker"])
    assert work["socialWorker"] == {
        "shiftsToday": 2,
        "placesToday": 15,
        "placesFilledToday": 9,
        "fillRate": 0.6,
        "hoursToApprove": 3,
        "reportsDue": 2,
    }
    assert work["communityStaff"] is None


async def test_org_admin_sees_qualified_tenders_live_bids_and_milestones_due(
    session, settings, gql
):
    seed = await _seed(session, settings)
    work = await _workbench(gql, seed["admin"])
    assert work["orgAdmin"] == {
        "openProjectsQualified": 1,
        "bidsBeforeDeadline": 1,
        "milestonesDue": 2,
    }


async def test_a_bid_stops_counting_once_its_deadline_passes(session, settings, gql):
    seed = await _seed(session, settings)
    clock.freeze(NOW + 6 * DAY)
    work = await _workbench(gql, seed["admin"])
    assert work["orgAdmin"]["bidsBeforeDeadline"] == 0
    assert work["orgAdmin"]["openProjectsQualified"] == 0


async def test_bureau_officer_counts_approvals_evaluations_and_payments_in_their_street(
    session, settings, gql
):
    seed = await _seed(session, settings)
    work = await _workbench(gql, seed["bureau"])
    assert work["bureauOfficer"] == {"approvals": 1, "evaluations": 1, "paymentsDue": 1}


async def test_platform_admin_sees_failed_jobs_and_the_last_chain_check(session, settings, gql):
    seed = await _seed(session, settings)
    work = await _workbench(gql, seed["platform"])
    admin = work["platformAdmin"]
    assert admin["failedJobs"] == 2
    check = admin["lastChainCheck"]
    assert check["ok"] is False
    assert check["reason"] == "content does not match its hash"
    assert dt.datetime.fromisoformat(check["at"]) == NOW - DAY


async def test_platform_admin_without_a_chain_check_sees_none(session, settings, gql):
    await factories.world(session)
    platform = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    work = await _workbench(gql, platform)
    assert work["platformAdmin"] == {"failedJobs": 0, "lastChainCheck": None}


async def test_a_volunteer_has_no_workbench_sections(session, settings, gql):
    seed = await _seed(session, settings)
    work = await _workbench(gql, seed["volunteer"])
    assert all(section is None for section in work.values())


async def test_the_workbench_needs_a_login(session, settings, gql):
    body = await gql("{ workbench { communityStaff { shiftsToday } } }", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_each_sections_statements_do_not_grow_with_the_rows_counted(
    session, settings, gql, app
):
    seed = await _seed(session, settings)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    async def run(login) -> int:
        statements.clear()
        event.listen(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        try:
            await _workbench(gql, login)
        finally:
            event.remove(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    roles = ("staff", "worker", "admin", "bureau", "platform")
    before = {role: await run(seed[role]) for role in roles}
    a1 = seed["a1"]
    for _ in range(5):
        session.add(_wish(a1, MicroWishStatus.FULFILLED))
        session.add(
            Need(
                region_id=a1.id,
                category=ServiceCategory.ELDERLY,
                target_group="独居老人",
                description="助餐",
                people_affected=3,
            )
        )
        session.add(OutboxJob(name="send_email", run_at=NOW, status=JobStatus.FAILED))
    await session.commit()
    after = {role: await run(seed[role]) for role in roles}
    assert after == before
    assert (await _workbench(gql, seed["staff"]))["communityStaff"]["needsWithoutProject"] == 7
