"""The workbench (docs/workbench.md): what each of the caller's roles must do now, as counts."""

from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker.services import workbench as service


@strawberry.type(description="Community staff: the work of their communities waiting on them.")
class CommunityStaffWork:
    needs_without_project: int = strawberry.field(
        description="Residents' needs no project addresses yet."
    )
    projects_awaiting_action: int = strawberry.field(
        description="Draft projects (returned ones included) to finish and submit."
    )
    reports_to_review: int = strawberry.field(description="Progress reports submitted for review.")
    hours_to_approve: int = strawberry.field(
        description="Pending service hours of activities the caller organizes."
    )
    shifts_today: int = strawberry.field(
        description="Today's (Beijing) shifts of published activities the caller organizes."
    )
    micro_wishes_to_confirm: int = strawberry.field(
        description="Micro-wishes reported fulfilled, waiting for the community's confirmation."
    )


@strawberry.type(description="Social workers: their organization's volunteering and reports.")
class SocialWorkerWork:
    shifts_today: int = strawberry.field(
        description="Today's (Beijing) shifts of the organization's published activities."
    )
    places_today: int = strawberry.field(description="Places offered across today's shifts.")
    places_filled_today: int = strawberry.field(description="Places held across today's shifts.")
    fill_rate: float | None = strawberry.field(
        description="placesFilledToday / placesToday (0–1); null without shifts today."
    )
    hours_to_approve: int = strawberry.field(
        description="Pending service hours of the organization's activities."
    )
    reports_due: int = strawberry.field(
        description="Milestones without a report, due within 14 days or overdue."
    )


@strawberry.type(description="Organization admins: tenders to answer and reports to deliver.")
class OrgAdminWork:
    open_projects_qualified: int = strawberry.field(
        description="Open projects the organization qualifies for (grade and workers)."
    )
    bids_before_deadline: int = strawberry.field(
        description="Submitted bids whose project's deadline has not passed (still changeable)."
    )
    milestones_due: int = strawberry.field(
        description="Milestones without a report, due within 14 days or overdue."
    )


@strawberry.type(description="Bureau officers: decisions waiting in their region.")
class BureauOfficerWork:
    approvals: int = strawberry.field(description="Projects submitted for approval.")
    evaluations: int = strawberry.field(
        description="Completed projects waiting for their performance evaluation."
    )
    payments_due: int = strawberry.field(description="Accepted milestones not yet paid.")


@strawberry.type(description="The last nightly verification of the audit chain.")
class AuditChainCheck:
    at: dt.datetime | None
    ok: bool
    reason: str | None = strawberry.field(description="Why the check failed; null when it passed.")


@strawberry.type(description="Platform admins: the platform's health.")
class PlatformAdminWork:
    failed_jobs: int = strawberry.field(description="Background jobs that failed.")
    last_chain_check: AuditChainCheck | None = strawberry.field(
        description="Null when the chain was never verified."
    )


@strawberry.type(
    description="What the caller must do now, one section per role held (null for a role the "
    "caller doesn't hold); each count is the length of the list it links to (docs/workbench.md)."
)
class Workbench:
    community_staff: CommunityStaffWork | None
    social_worker: SocialWorkerWork | None
    org_admin: OrgAdminWork | None
    bureau_officer: BureauOfficerWork | None
    platform_admin: PlatformAdminWork | None

    @classmethod
    def of(cls, work: service.Workbench) -> Workbench:
        cs, sw, oa, bo, pa = (
            work.community_staff,
            work.social_worker,
            work.org_admin,
            work.bureau_officer,
            work.platform_admin,
        )
        return cls(
            community_staff=CommunityStaffWork(
                needs_without_project=cs.needs_without_project,
                projects_awaiting_action=cs.projects_awaiting_action,
                reports_to_review=cs.reports_to_review,
                hours_to_approve=cs.hours_to_approve,
                shifts_today=cs.shifts_today,
                micro_wishes_to_confirm=cs.micro_wishes_to_confirm,
            )
            if cs
            else None,
            social_worker=SocialWorkerWork(
                shifts_today=sw.shifts_today,
                places_today=sw.places_today,
                places_filled_today=sw.places_filled_today,
                fill_rate=None if sw.fill_rate is None else round(sw.fill_rate, 4),
                hours_to_approve=sw.hours_to_approve,
                reports_due=sw.reports_due,
            )
            if sw
            else None,
            org_admin=OrgAdminWork(
                open_projects_qualified=oa.open_projects_qualified,
                bids_before_deadline=oa.bids_before_deadline,
                milestones_due=oa.milestones_due,
            )
            if oa
            else None,
            bureau_officer=BureauOfficerWork(
                approvals=bo.approvals, evaluations=bo.evaluations, payments_due=bo.payments_due
            )
            if bo
            else None,
            platform_admin=PlatformAdminWork(
                failed_jobs=pa.failed_jobs,
                last_chain_check=AuditChainCheck(
                    at=pa.last_chain_check.at,
                    ok=pa.last_chain_check.ok,
                    reason=pa.last_chain_check.reason,
                )
                if pa.last_chain_check
                else None,
            )
            if pa
            else None,
        )
