from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate, mutate_limited
from matchmaker.schema.relay import gid, gids, opt_gid
from matchmaker.schema.types.activity import Activity
from matchmaker.schema.types.attendance import Attendance
from matchmaker.schema.types.certificate import Certificate
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.hours_dispute import HoursDispute
from matchmaker.schema.types.service_record import ServiceRecord
from matchmaker.schema.types.shift import Shift
from matchmaker.schema.types.signup import Signup
from matchmaker.services import activities as activity_service
from matchmaker.services import attendance as attendance_service
from matchmaker.services import certificates as certificate_service
from matchmaker.services import hours as hours_service
from matchmaker.services import signups as signup_service
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import ErrorCode, invalid

MAX_IDS = hours_service.MAX_BATCH


#: Check-in refusals that count as a guessed code (docs/security.md).
WRONG_CODE = frozenset({ErrorCode.INVALID_CHECKIN_CODE})


@strawberry.input
class ShiftInput:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int


def _spec(s: ShiftInput) -> activity_service.ShiftSpec:
    return activity_service.ShiftSpec(starts_at=s.starts_at, ends_at=s.ends_at, capacity=s.capacity)


@strawberry.input
class CreateActivityInput:
    title: str
    place_name: str
    category: ServiceCategory
    shifts: list[ShiftInput]
    description: str = ""
    region_id: strawberry.ID | None = strawberry.field(
        default=None, description="The community, for a community activity."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="The project, for an activity of a project you run."
    )
    latitude: float | None = None
    longitude: float | None = None
    checkin_radius_m: int | None = None
    required_skills: list[str] = strawberry.field(default_factory=list)
    min_age: int = 0


@strawberry.type
class ActivityPayload(Payload):
    activity: Activity | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Activity) -> ActivityPayload:
        return cls(activity=Activity.from_row(row))


@strawberry.input
class AddShiftInput:
    activity_id: strawberry.ID
    shift: ShiftInput


@strawberry.type
class ShiftPayload(Payload):
    shift: Shift | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Shift) -> ShiftPayload:
        return cls(shift=Shift.from_row(row))


@strawberry.input
class CancelActivityInput:
    activity_id: strawberry.ID
    reason: str
    version: int


@strawberry.input
class SignUpInput:
    shift_id: strawberry.ID


@strawberry.input
class SignupIdInput:
    signup_id: strawberry.ID


@strawberry.input
class SetNoShowInput:
    signup_id: strawberry.ID
    no_show: bool = strawberry.field(description="false corrects an earlier no-show.")


@strawberry.type
class SignupPayload(Payload):
    signup: Signup | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Signup) -> SignupPayload:
        return cls(signup=Signup.from_row(row))


@strawberry.input
class CheckInInput:
    shift_id: strawberry.ID
    code: str
    latitude: float | None = None
    longitude: float | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Send the same key when retrying: one check-in results."
    )


@strawberry.input
class CheckOutInput:
    shift_id: strawberry.ID
    code: str


@strawberry.type
class AttendancePayload(Payload):
    attendance: Attendance | None = None
    record: ServiceRecord | None = None

    @classmethod
    async def of(
        cls, info: Info, result: tuple[models.Attendance, models.ServiceRecord | None]
    ) -> AttendancePayload:
        attendance, record = result
        return cls(
            attendance=Attendance.from_row(attendance),
            record=ServiceRecord.from_row(record) if record else None,
        )


@strawberry.input
class MarkAttendedInput:
    signup_id: strawberry.ID
    check_in_at: dt.datetime | None = strawberry.field(
        default=None, description="Within the shift; default: the shift's start."
    )
    check_out_at: dt.datetime | None = strawberry.field(
        default=None, description="Within the shift, not in the future; default: the shift's end."
    )


@strawberry.input
class ShiftIdInput:
    shift_id: strawberry.ID


@strawberry.type
class CheckOutRosterPayload(Payload):
    checked_out: int = 0

    @classmethod
    async def of(cls, info: Info, rows: list[models.Attendance]) -> CheckOutRosterPayload:
        return cls(checked_out=len(rows))


@strawberry.input
class SubmitServiceRecordInput:
    activity_id: strawberry.ID
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str
    shift_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class UpdateServiceRecordInput:
    record_id: strawberry.ID
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str
    version: int


@strawberry.type
class ServiceRecordPayload(Payload):
    record: ServiceRecord | None = None

    @classmethod
    async def of(cls, info: Info, row: models.ServiceRecord) -> ServiceRecordPayload:
        return cls(record=ServiceRecord.from_row(row))


@strawberry.input
class DecideServiceRecordsInput:
    record_ids: list[strawberry.ID]
    note: str | None = None


@strawberry.type
class ServiceRecordsPayload(Payload):
    records: list[ServiceRecord] = strawberry.field(default_factory=list)

    @classmethod
    async def of(cls, info: Info, rows: list[models.ServiceRecord]) -> ServiceRecordsPayload:
        return cls(records=[ServiceRecord.from_row(r) for r in rows])


@strawberry.input
class CorrectServiceRecordInput:
    record_id: strawberry.ID
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str


@strawberry.type
class CorrectionPayload(Payload):
    reversal: ServiceRecord | None = None
    correction: ServiceRecord | None = None

    @classmethod
    async def of(
        cls, info: Info, pair: tuple[models.ServiceRecord, models.ServiceRecord]
    ) -> CorrectionPayload:
        reversal, correction = pair
        return cls(
            reversal=ServiceRecord.from_row(reversal),
            correction=ServiceRecord.from_row(correction),
        )


@strawberry.input
class DisputeServiceRecordInput:
    record_id: strawberry.ID
    reason: str


@strawberry.input
class ResolveHoursDisputeInput:
    dispute_id: strawberry.ID
    upheld: bool
    note: str
    corrected_starts_at: dt.datetime | None = None
    corrected_ends_at: dt.datetime | None = None


@strawberry.type
class HoursDisputePayload(Payload):
    dispute: HoursDispute | None = None

    @classmethod
    async def of(cls, info: Info, row: models.HoursDispute) -> HoursDisputePayload:
        return cls(dispute=HoursDispute.from_row(row))


@strawberry.input
class RequestCertificateInput:
    period_start: dt.date
    period_end: dt.date
    volunteer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Organizers: the volunteer. Volunteers leave it out."
    )


@strawberry.input
class RevokeCertificateInput:
    certificate_id: strawberry.ID
    reason: str


@strawberry.type
class CertificatePayload(Payload):
    certificate: Certificate | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Certificate) -> CertificatePayload:
        return cls(certificate=Certificate.from_row(row))


def _ids(ids: list[strawberry.ID], type_name: str, field: str) -> list[int]:
    if len(ids) > MAX_IDS:
        raise invalid(field, f"At most {MAX_IDS} ids")
    return gids(ids, type_name, field)


@strawberry.type
class VolunteeringMutations:
    @strawberry.mutation(
        description="Create an activity with its shifts: community staff for a community in "
        "their grant, social workers for a project their organization runs."
    )
    async def create_activity(self, info: Info, input: CreateActivityInput) -> ActivityPayload:
        return await mutate(
            info,
            ActivityPayload,
            lambda sc: activity_service.create_activity(
                sc,
                title=input.title,
                description=input.description,
                region_id=opt_gid(input.region_id, "Region", "regionId"),
                project_id=opt_gid(input.project_id, "Project", "projectId"),
                place_name=input.place_name,
                latitude=input.latitude,
                longitude=input.longitude,
                checkin_radius_m=input.checkin_radius_m,
                category=input.category,
                required_skills=input.required_skills,
                min_age=input.min_age,
                shifts=[_spec(s) for s in input.shifts],
            ),
        )

    @strawberry.mutation(description="Add a shift to an activity you organize.")
    async def add_shift(self, info: Info, input: AddShiftInput) -> ShiftPayload:
        return await mutate(
            info,
            ShiftPayload,
            lambda sc: activity_service.add_shift(
                sc,
                activity_id=gid(input.activity_id, "Activity", "activityId"),
                spec=_spec(input.shift),
            ),
        )

    @strawberry.mutation(description="Cancel an activity you organize; everyone is notified.")
    async def cancel_activity(self, info: Info, input: CancelActivityInput) -> ActivityPayload:
        return await mutate(
            info,
            ActivityPayload,
            lambda sc: activity_service.cancel_activity(
                sc,
                activity_id=gid(input.activity_id, "Activity", "activityId"),
                reason=input.reason,
                version=input.version,
            ),
        )

    @strawberry.mutation(description="Sign up for a shift; when it is full, join its waitlist.")
    async def sign_up(self, info: Info, input: SignUpInput) -> SignupPayload:
        return await mutate(
            info,
            SignupPayload,
            lambda sc: signup_service.sign_up(sc, shift_id=gid(input.shift_id, "Shift", "shiftId")),
        )

    @strawberry.mutation(description="Leave a shift, the waitlist, or decline an offer.")
    async def cancel_signup(self, info: Info, input: SignupIdInput) -> SignupPayload:
        return await mutate(
            info,
            SignupPayload,
            lambda sc: signup_service.cancel_signup(
                sc, signup_id=gid(input.signup_id, "Signup", "signupId")
            ),
        )

    @strawberry.mutation(description="Accept a place offered from the waitlist, before it expires.")
    async def accept_signup_offer(self, info: Info, input: SignupIdInput) -> SignupPayload:
        return await mutate(
            info,
            SignupPayload,
            lambda sc: signup_service.accept_offer(
                sc, signup_id=gid(input.signup_id, "Signup", "signupId")
            ),
        )

    @strawberry.mutation(description="Mark a no-show (or correct one) on a shift you organize.")
    async def set_no_show(self, info: Info, input: SetNoShowInput) -> SignupPayload:
        return await mutate(
            info,
            SignupPayload,
            lambda sc: signup_service.set_no_show(
                sc,
                signup_id=gid(input.signup_id, "Signup", "signupId"),
                no_show=input.no_show,
            ),
        )

    @strawberry.mutation(description="Check in with the shift's current code.")
    async def check_in(self, info: Info, input: CheckInInput) -> AttendancePayload:
        async def action(sc: ServiceContext) -> tuple[models.Attendance, None]:
            attendance = await attendance_service.check_in(
                sc,
                shift_id=gid(input.shift_id, "Shift", "shiftId"),
                code=input.code,
                latitude=input.latitude,
                longitude=input.longitude,
                idempotency_key=input.idempotency_key,
            )
            return attendance, None

        return await mutate_limited(
            info,
            AttendancePayload,
            lambda sc: attendance_service.reserve_code_attempt(
                sc, shift_id=gid(input.shift_id, "Shift", "shiftId")
            ),
            action,
            wrong_secret=WRONG_CODE,
        )

    @strawberry.mutation(description="Check out with the shift's current code.")
    async def check_out(self, info: Info, input: CheckOutInput) -> AttendancePayload:
        return await mutate_limited(
            info,
            AttendancePayload,
            lambda sc: attendance_service.reserve_code_attempt(
                sc, shift_id=gid(input.shift_id, "Shift", "shiftId")
            ),
            lambda sc: attendance_service.check_out(
                sc, shift_id=gid(input.shift_id, "Shift", "shiftId"), code=input.code
            ),
            wrong_secret=WRONG_CODE,
        )

    @strawberry.mutation(
        description="Record that a volunteer attended a shift you organize (no phone needed)."
    )
    async def mark_attended(self, info: Info, input: MarkAttendedInput) -> AttendancePayload:
        return await mutate(
            info,
            AttendancePayload,
            lambda sc: attendance_service.mark_attended(
                sc,
                signup_id=gid(input.signup_id, "Signup", "signupId"),
                check_in_at=input.check_in_at,
                check_out_at=input.check_out_at,
            ),
        )

    @strawberry.mutation(description="Check out everyone still checked in (the organizer).")
    async def check_out_roster(self, info: Info, input: ShiftIdInput) -> CheckOutRosterPayload:
        return await mutate(
            info,
            CheckOutRosterPayload,
            lambda sc: attendance_service.check_out_roster(
                sc, shift_id=gid(input.shift_id, "Shift", "shiftId")
            ),
        )

    @strawberry.mutation(description="Report hours for the organizer's approval (volunteers).")
    async def submit_service_record(
        self, info: Info, input: SubmitServiceRecordInput
    ) -> ServiceRecordPayload:
        return await mutate(
            info,
            ServiceRecordPayload,
            lambda sc: hours_service.submit_manual_record(
                sc,
                activity_id=gid(input.activity_id, "Activity", "activityId"),
                shift_id=opt_gid(input.shift_id, "Shift", "shiftId"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                description=input.description,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation(description="Edit your pending manual record. Decided ones can't change.")
    async def update_service_record(
        self, info: Info, input: UpdateServiceRecordInput
    ) -> ServiceRecordPayload:
        return await mutate(
            info,
            ServiceRecordPayload,
            lambda sc: hours_service.update_manual_record(
                sc,
                record_id=gid(input.record_id, "ServiceRecord", "recordId"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                description=input.description,
                version=input.version,
            ),
        )

    @strawberry.mutation(
        description="Approve pending records of activities you organize (all or none)."
    )
    async def approve_service_records(
        self, info: Info, input: DecideServiceRecordsInput
    ) -> ServiceRecordsPayload:
        return await mutate(
            info,
            ServiceRecordsPayload,
            lambda sc: hours_service.decide_records(
                sc,
                record_ids=_ids(input.record_ids, "ServiceRecord", "recordIds"),
                approve=True,
                note=input.note,
            ),
        )

    @strawberry.mutation(description="Reject pending records, with a reason (all or none).")
    async def reject_service_records(
        self, info: Info, input: DecideServiceRecordsInput
    ) -> ServiceRecordsPayload:
        return await mutate(
            info,
            ServiceRecordsPayload,
            lambda sc: hours_service.decide_records(
                sc,
                record_ids=_ids(input.record_ids, "ServiceRecord", "recordIds"),
                approve=False,
                note=input.note,
            ),
        )

    @strawberry.mutation(
        description="Correct an approved record: a reversing record plus a corrected one."
    )
    async def correct_service_record(
        self, info: Info, input: CorrectServiceRecordInput
    ) -> CorrectionPayload:
        return await mutate(
            info,
            CorrectionPayload,
            lambda sc: hours_service.correct_record(
                sc,
                record_id=gid(input.record_id, "ServiceRecord", "recordId"),
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(description="Dispute one of your records, with a reason.")
    async def dispute_service_record(
        self, info: Info, input: DisputeServiceRecordInput
    ) -> HoursDisputePayload:
        return await mutate(
            info,
            HoursDisputePayload,
            lambda sc: hours_service.dispute_record(
                sc,
                record_id=gid(input.record_id, "ServiceRecord", "recordId"),
                reason=input.reason,
            ),
        )

    @strawberry.mutation(description="Resolve a dispute about an activity you organize.")
    async def resolve_hours_dispute(
        self, info: Info, input: ResolveHoursDisputeInput
    ) -> HoursDisputePayload:
        return await mutate(
            info,
            HoursDisputePayload,
            lambda sc: hours_service.resolve_dispute(
                sc,
                dispute_id=gid(input.dispute_id, "HoursDispute", "disputeId"),
                upheld=input.upheld,
                note=input.note,
                corrected_starts_at=input.corrected_starts_at,
                corrected_ends_at=input.corrected_ends_at,
            ),
        )

    @strawberry.mutation(description="Request a service certificate for a period.")
    async def request_certificate(
        self, info: Info, input: RequestCertificateInput
    ) -> CertificatePayload:
        return await mutate(
            info,
            CertificatePayload,
            lambda sc: certificate_service.request_certificate(
                sc,
                volunteer_id=opt_gid(input.volunteer_id, "Volunteer", "volunteerId"),
                period_start=input.period_start,
                period_end=input.period_end,
            ),
        )

    @strawberry.mutation(description="Revoke a certificate (bureau in scope, platform admins).")
    async def revoke_certificate(
        self, info: Info, input: RevokeCertificateInput
    ) -> CertificatePayload:
        return await mutate(
            info,
            CertificatePayload,
            lambda sc: certificate_service.revoke(
                sc,
                certificate_id=gid(input.certificate_id, "Certificate", "certificateId"),
                reason=input.reason,
            ),
        )
