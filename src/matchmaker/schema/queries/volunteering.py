from __future__ import annotations

import strawberry

from matchmaker.models import Activity as ActivityRow
from matchmaker.models import Certificate as CertificateRow
from matchmaker.models import HoursDispute as HoursDisputeRow
from matchmaker.models import Region as RegionRow
from matchmaker.models import ServiceRecord as ServiceRecordRow
from matchmaker.models import Signup as SignupRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id, to_global_id
from matchmaker.schema.types.activity import Activity
from matchmaker.schema.types.certificate import Certificate, CertificateVerification
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.hours_dispute import HoursDispute
from matchmaker.schema.types.service_record import ServiceRecord
from matchmaker.schema.types.shift import CheckinCode
from matchmaker.schema.types.signup import Signup
from matchmaker.schema.types.volunteering_enums import (
    ActivityStatus,
    DisputeStatus,
    RecordStatus,
    SignupStatus,
)
from matchmaker.services import activities as activity_service
from matchmaker.services import certificates as certificate_service
from matchmaker.services import hours as hours_service
from matchmaker.services import signups as signup_service
from matchmaker.services.pagination import paginate


@strawberry.type
class VolunteeringQueries:
    @strawberry.field(
        description="Activities (public notices), newest first. `regionId` limits to a "
        "subtree; `organizedByMe` to the ones you organize."
    )
    async def activities(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        region_id: strawberry.ID | None = None,
        project_id: strawberry.ID | None = None,
        status: ActivityStatus | None = None,
        category: ServiceCategory | None = None,
        text: str | None = None,
        organized_by_me: bool = False,
    ) -> Connection[Activity]:
        ctx = info.context
        region_path = None
        if region_id is not None:
            region = await ctx.session.get(RegionRow, decode_id(region_id, "Region", "regionId"))
            region_path = region.path if region else "/nonexistent/"
        stmt = activity_service.activities_statement(
            ctx.service,
            region_path=region_path,
            project_id=decode_id(project_id, "Project", "projectId") if project_id else None,
            status=status,
            category=category,
            text=text,
            organized_by_me=organized_by_me,
        )
        page = await paginate(
            ctx.session, stmt, ActivityRow.id, first=first, after=after, descending=True
        )
        return connection(page, Activity.from_row)

    @strawberry.field(description="The shift's current check-in code (its organizer only).")
    async def shift_checkin_code(self, info: Info, shift_id: strawberry.ID) -> CheckinCode:
        ctx = info.context
        result = await activity_service.checkin_code(
            ctx.service, shift_id=decode_id(shift_id, "Shift", "shiftId")
        )
        payload = (
            f"{ctx.settings.public_base_url}/checkin?shift="
            f"{to_global_id('Shift', result.shift_id)}&code={result.code}"
        )
        return CheckinCode(code=result.code, valid_until=result.valid_until, qr_payload=payload)

    @strawberry.field(description="A shift's signups (its organizer; hours readers in scope).")
    async def shift_roster(
        self,
        info: Info,
        shift_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        status: SignupStatus | None = None,
    ) -> Connection[Signup]:
        ctx = info.context
        stmt = signup_service.roster_statement(
            ctx.service, shift_id=decode_id(shift_id, "Shift", "shiftId"), status=status
        )
        page = await paginate(ctx.session, stmt, SignupRow.id, first=first, after=after)
        return connection(page, Signup.from_row)

    @strawberry.field(description="Your signups (volunteers).")
    async def my_signups(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: SignupStatus | None = None,
        upcoming: bool = False,
    ) -> Connection[Signup]:
        ctx = info.context
        stmt = signup_service.my_signups_statement(ctx.service, status=status, upcoming=upcoming)
        page = await paginate(
            ctx.session, stmt, SignupRow.id, first=first, after=after, descending=True
        )
        return connection(page, Signup.from_row)

    @strawberry.field(
        description="The hours ledger in your scope, newest first: your own (volunteers), your "
        "organization's or region's (organizers, auditors). `toDecide`: records of activities "
        "you organize."
    )
    async def service_records(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        activity_id: strawberry.ID | None = None,
        status: RecordStatus | None = None,
        mine: bool = False,
        to_decide: bool = False,
    ) -> Connection[ServiceRecord]:
        ctx = info.context
        stmt = hours_service.records_statement(
            ctx.service,
            activity_id=decode_id(activity_id, "Activity", "activityId") if activity_id else None,
            status=status,
            mine=mine,
            to_decide=to_decide,
        )
        page = await paginate(
            ctx.session, stmt, ServiceRecordRow.id, first=first, after=after, descending=True
        )
        return connection(page, ServiceRecord.from_row)

    @strawberry.field(description="Disputes about hours in your scope, newest first.")
    async def hours_disputes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: DisputeStatus | None = None,
    ) -> Connection[HoursDispute]:
        ctx = info.context
        stmt = hours_service.disputes_statement(ctx.service, status=status)
        page = await paginate(
            ctx.session, stmt, HoursDisputeRow.id, first=first, after=after, descending=True
        )
        return connection(page, HoursDispute.from_row)

    @strawberry.field(description="Service certificates in your scope, newest first.")
    async def certificates(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        mine: bool = False,
    ) -> Connection[Certificate]:
        ctx = info.context
        stmt = certificate_service.certificates_statement(ctx.service, mine=mine)
        page = await paginate(
            ctx.session, stmt, CertificateRow.id, first=first, after=after, descending=True
        )
        return connection(page, Certificate.from_row)

    @strawberry.field(description="Public: check a certificate by its serial and code.")
    async def verify_certificate(
        self, info: Info, serial: str, code: str
    ) -> CertificateVerification:
        ctx = info.context
        result = await certificate_service.verify(
            ctx.session, ctx.settings, serial=serial[:64], code=code[:64]
        )
        return CertificateVerification.from_result(result)
