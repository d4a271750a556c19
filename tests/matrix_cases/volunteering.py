"""Matrix cases for volunteering: activities, signups, attendance, hours, certificates.

The setup puts, next to the matrix env's street A / organization A, the same things in street
B / organization B: a community activity of each street (created by that street's staff), a
project activity of each organization, signups, pending/approved/rejected records, disputes
and certificates. "In scope" targets are street A's / organization A's / the env volunteer's;
"out of scope" targets are the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from matchmaker import clock
from matchmaker.models import (
    Activity,
    Bid,
    Certificate,
    HoursDispute,
    Project,
    ServiceRecord,
    Shift,
    Signup,
    Volunteer,
)
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.procurement import FundingSource, ProcurementMethod, ProjectStatus
from matchmaker.models.volunteering import (
    CertificateStatus,
    DisputeStatus,
    RecordSource,
    RecordStatus,
    SignupStatus,
)
from matchmaker.services.activities import current_code
from matchmaker.services.certificates import _code_hash
from tests import factories
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error
from tests.volunteering_helpers import T0, gid, volunteer

H = dt.timedelta(hours=1)
LOGGED_IN = [r for r in ROLES if r is not None]
ALL_BUT_ADMIN = [r for r in ROLES if r is not Role.PLATFORM_ADMIN]
ORGANIZERS = [Role.COMMUNITY_STAFF, Role.SOCIAL_WORKER]
READERS = [Role.BUREAU_OFFICER, Role.AUDITOR, Role.COMMUNITY_STAFF, Role.SOCIAL_WORKER]
NOT_ORGANIZERS = [r for r in ROLES if r not in ORGANIZERS]
NOT_VOLUNTEER = [r for r in ROLES if r is not Role.VOLUNTEER]
NOT_READERS = [Role.ORG_ADMIN, Role.EXPERT, None]
VERIFY_CODE = "MATRIXCODE"


@dataclass
class Side:
    """One side (A: in scope, B: out of scope) of the world."""

    activity: Activity  # community activity
    project_activity: Activity
    ongoing: Shift
    future: Shift
    offered_shift: Shift
    project_ongoing: Shift
    signup_ongoing: Signup
    signup_offered: Signup
    project_signup: Signup
    approved: ServiceRecord
    pending: ServiceRecord
    rejected: ServiceRecord
    project_approved: ServiceRecord
    project_pending: ServiceRecord
    dispute: HoursDispute
    project_dispute: HoursDispute
    certificate: Certificate
    volunteer: Volunteer


async def _project(env: MatrixEnv, region_id: int, org_id: int) -> Project:
    s = env.session
    project = Project(
        region_id=region_id,
        title="居家养老服务项目",
        category=ServiceCategory.ELDERLY,
        funding_source=FundingSource.GOVERNMENT_PURCHASE,
        budget_ceiling_fen=50_000_000,
        procurement_method=ProcurementMethod.OPEN_TENDER,
        service_start=dt.date(2026, 1, 1),
        service_end=dt.date(2026, 12, 31),
        status=ProjectStatus.IN_PROGRESS,
    )
    s.add(project)
    await s.flush()
    bid = Bid(
        project_id=project.id,
        organization_id=org_id,
        price_fen=40_000_000,
        technical_proposal="方案",
        submitted_at=T0 - 100 * H,
    )
    s.add(bid)
    await s.flush()
    project.awarded_bid_id = bid.id
    await s.flush()
    return project


def _shift(activity: Activity, start: dt.datetime, end: dt.datetime, taken: int = 0) -> Shift:
    return Shift(
        activity_id=activity.id,
        starts_at=start,
        ends_at=end,
        capacity=5,
        confirmed_count=taken,
        waitlist_seq=0,
        secret=b"0123456789abcdefghij",
    )


def _record(
    v: Volunteer, activity: Activity, start: dt.datetime, status: RecordStatus
) -> ServiceRecord:
    return ServiceRecord(
        volunteer_id=v.id,
        activity_id=activity.id,
        region_path=activity.region_path,
        organization_id=activity.organization_id,
        starts_at=start,
        ends_at=start + H,
        minutes=60,
        source=RecordSource.MANUAL,
        status=status,
        description="陪伴老人",
    )


async def _side(
    env: MatrixEnv,
    *,
    community: Any,
    staff: factories.Login,
    org_id: int,
    v: Volunteer,
    creator_sw_account: int,
) -> Side:
    s = env.session
    now = clock.now()
    project = await _project(env, community.id, org_id)
    activity = Activity(
        title="社区活动",
        region_id=community.id,
        region_path=community.path,
        created_by_account_id=staff.account.id,
        place_name="服务中心",
        category=ServiceCategory.ELDERLY,
        required_skills=[],
    )
    project_activity = Activity(
        title="项目活动",
        project_id=project.id,
        organization_id=org_id,
        region_id=community.id,
        region_path=community.path,
        created_by_account_id=creator_sw_account,
        place_name="服务中心",
        category=ServiceCategory.ELDERLY,
        required_skills=[],
    )
    s.add_all([activity, project_activity])
    await s.flush()
    ongoing = _shift(activity, now - H, now + 2 * H, taken=1)
    future = _shift(activity, now + 30 * H, now + 32 * H)
    offered_shift = _shift(activity, now + 50 * H, now + 52 * H, taken=1)
    project_ongoing = _shift(project_activity, now - H, now + 2 * H, taken=1)
    s.add_all([ongoing, future, offered_shift, project_ongoing])
    await s.flush()

    def signup(shift: Shift, status: SignupStatus) -> Signup:
        return Signup(
            shift_id=shift.id,
            volunteer_id=v.id,
            status=status,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            offer_expires_at=now + 2 * H if status is SignupStatus.OFFERED else None,
        )

    signup_ongoing = signup(ongoing, SignupStatus.CONFIRMED)
    signup_offered = signup(offered_shift, SignupStatus.OFFERED)
    project_signup = signup(project_ongoing, SignupStatus.CONFIRMED)
    s.add_all([signup_ongoing, signup_offered, project_signup])
    base = now - 200 * H
    approved = _record(v, activity, base, RecordStatus.APPROVED)
    pending = _record(v, activity, base + 2 * H, RecordStatus.PENDING)
    rejected = _record(v, activity, base + 4 * H, RecordStatus.REJECTED)
    project_approved = _record(v, project_activity, base + 6 * H, RecordStatus.APPROVED)
    project_pending = _record(v, project_activity, base + 8 * H, RecordStatus.PENDING)
    s.add_all([approved, pending, rejected, project_approved, project_pending])
    await s.flush()

    def dispute(record: ServiceRecord) -> HoursDispute:
        return HoursDispute(
            record_id=record.id,
            volunteer_id=v.id,
            activity_id=record.activity_id,
            region_path=record.region_path,
            organization_id=record.organization_id,
            reason="时长少算了一小时",
            status=DisputeStatus.OPEN,
            record_status_before=RecordStatus.APPROVED,
        )

    d1, d2 = dispute(approved), dispute(project_approved)
    serial = f"ZYFWMATRIX{v.id:06d}"
    cert = Certificate(
        serial=serial,
        volunteer_id=v.id,
        region_path=community.path,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 2, 1),
        issuer="四社联动志愿服务平台",
        status=CertificateStatus.READY,
        code_hash=_code_hash(env.settings, serial, VERIFY_CODE),
        minutes=120,
        content=[],
        issued_on=dt.date(2026, 2, 2),
        pdf=b"%PDF-1.4 matrix",
    )
    s.add_all([d1, d2, cert])
    await s.commit()
    return Side(
        activity=activity,
        project_activity=project_activity,
        ongoing=ongoing,
        future=future,
        offered_shift=offered_shift,
        project_ongoing=project_ongoing,
        signup_ongoing=signup_ongoing,
        signup_offered=signup_offered,
        project_signup=project_signup,
        approved=approved,
        pending=pending,
        rejected=rejected,
        project_approved=project_approved,
        project_pending=project_pending,
        dispute=d1,
        project_dispute=d2,
        certificate=cert,
        volunteer=v,
    )


async def setup(env: MatrixEnv) -> tuple[Side, Side]:
    """(in scope, out of scope). The env's volunteer owns side A's signups and records."""
    clock.freeze(T0)
    w = env.world
    s = env.session
    me = Volunteer(
        account_id=env.logins[Role.VOLUNTEER].account.id,
        real_name="王小明",
        id_number_encrypted=b"x",
        id_number_hash="h" * 64,
        id_number_masked="3701**********0011",
        birth_date=dt.date(1990, 1, 1),
        gender="M",
        volunteer_number="V9000000001",
        skills=[],
        interests=[],
        home_region_id=w.community_a1.id,
    )
    s.add(me)
    await s.commit()
    other = (await volunteer(s, env.settings, region=w.community_b1)).volunteer
    staff_b = await factories.account(s, env.settings, role=Role.COMMUNITY_STAFF, region=w.street_b)
    sw_a = env.logins[Role.SOCIAL_WORKER].account.id
    side_a = await _side(
        env,
        community=w.community_a1,
        staff=env.logins[Role.COMMUNITY_STAFF],
        org_id=w.extra["org_a"].id,
        v=me,
        creator_sw_account=sw_a,
    )
    side_b = await _side(
        env,
        community=w.community_b1,
        staff=staff_b,
        org_id=w.extra["org_b"].id,
        v=other,
        creator_sw_account=sw_a,
    )
    return side_a, side_b


def _activity_for(role: Any, side: Side) -> Activity:
    return side.project_activity if role is Role.SOCIAL_WORKER else side.activity


def _ongoing_for(role: Any, side: Side) -> Shift:
    return side.project_ongoing if role is Role.SOCIAL_WORKER else side.ongoing


async def _mutation(env: MatrixEnv, role: Any, name: str, input_type: str, value: Any) -> Outcome:
    body = await env.gql(
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code message }} }} }}",
        {"i": value},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, name)


async def _query(env: MatrixEnv, role: Any, query: str, variables: dict[str, Any]) -> Any:
    body = await env.gql(query, variables, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return None
    assert "errors" not in body, body
    return body["data"]


def _ids(conn: dict[str, Any]) -> set[str]:
    return {e["node"]["id"] for e in conn["edges"]}


# --- queries ---------------------------------------------------------------------------------


@case("activities", LOGGED_IN + [None], allowed=True)
async def activities_are_public(env: MatrixEnv, role):
    a, _ = await setup(env)
    data = await _query(env, role, "{ activities(first: 50) { edges { node { id } } } }", {})
    return Outcome(
        allowed=data is not None and gid("Activity", a.activity.id) in _ids(data["activities"])
    )


@case("verifyCertificate", LOGGED_IN + [None], allowed=True)
async def certificates_are_verifiable_by_anyone(env: MatrixEnv, role):
    a, _ = await setup(env)
    data = await _query(
        env,
        role,
        "query($s: String!, $c: String!) { verifyCertificate(serial: $s, code: $c) { valid } }",
        {"s": a.certificate.serial, "c": VERIFY_CODE},
    )
    return Outcome(allowed=data is not None and data["verifyCertificate"]["valid"] is True)


def _code_case(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        shift = _ongoing_for(role, a if in_scope else b)
        data = await _query(
            env,
            role,
            "query($s: ID!) { shiftCheckinCode(shiftId: $s) { code } }",
            {"s": gid("Shift", shift.id)},
        )
        return Outcome(allowed=data is not None, detail=data)

    return run


case("shiftCheckinCode", ORGANIZERS, allowed=True, name="own_shift")(_code_case(True))
case("shiftCheckinCode", ROLES, allowed=False, name="other_street_or_organization")(
    _code_case(False)
)


def _visible(query: str, field: str, pick: Any, *, by_var: Any = None):
    """A list query: allowed when the in-scope target is listed; refused when the target is
    hidden (filtered) or the query is refused with a typed error."""

    def make(in_scope: bool):
        async def run(env: MatrixEnv, role):
            a, b = await setup(env)
            side = a if in_scope else b
            type_name, pk = pick(role, side)
            variables = by_var(role, side) if by_var else {}
            data = await _query(env, role, query, variables)
            if data is None:
                return Outcome(allowed=False)
            return Outcome(allowed=gid(type_name, pk) in _ids(data[field]), detail=data)

        return run

    return make


def _roster_vars(role, side):
    return {"s": gid("Shift", _ongoing_for(role, side).id)}


def _roster_pick(role, side):
    signup = side.project_signup if role is Role.SOCIAL_WORKER else side.signup_ongoing
    return "Signup", signup.id


_roster = _visible(
    "query($s: ID!) { shiftRoster(shiftId: $s, first: 50) { edges { node { id } } } }",
    "shiftRoster",
    _roster_pick,
    by_var=_roster_vars,
)
case("shiftRoster", READERS + [Role.VOLUNTEER, Role.PLATFORM_ADMIN], allowed=True)(_roster(True))
case("shiftRoster", ALL_BUT_ADMIN, allowed=False, name="other_side_hidden")(_roster(False))

_my_signups = _visible(
    "{ mySignups(first: 50) { edges { node { id } } } }",
    "mySignups",
    lambda role, side: ("Signup", side.signup_ongoing.id),
)
case("mySignups", [Role.VOLUNTEER], allowed=True)(_my_signups(True))
case("mySignups", ROLES, allowed=False, name="others_hidden")(_my_signups(False))


def _record_pick(role, side):
    record = side.project_approved if role is Role.SOCIAL_WORKER else side.approved
    return "ServiceRecord", record.id


_records = _visible(
    "{ serviceRecords(first: 100) { edges { node { id } } } }", "serviceRecords", _record_pick
)
case("serviceRecords", READERS + [Role.VOLUNTEER, Role.PLATFORM_ADMIN], allowed=True)(
    _records(True)
)
case("serviceRecords", ALL_BUT_ADMIN, allowed=False, name="other_side_hidden")(_records(False))


def _dispute_pick(role, side):
    d = side.project_dispute if role is Role.SOCIAL_WORKER else side.dispute
    return "HoursDispute", d.id


_disputes = _visible(
    "{ hoursDisputes(first: 100) { edges { node { id } } } }", "hoursDisputes", _dispute_pick
)
case("hoursDisputes", READERS + [Role.VOLUNTEER, Role.PLATFORM_ADMIN], allowed=True)(
    _disputes(True)
)
case("hoursDisputes", ALL_BUT_ADMIN, allowed=False, name="other_side_hidden")(_disputes(False))


def _certificates(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        side = a if in_scope else b
        if role is Role.SOCIAL_WORKER:
            side.certificate.organization_id = env.world.extra["org_a" if in_scope else "org_b"].id
            await env.session.commit()
        data = await _query(env, role, "{ certificates(first: 50) { edges { node { id } } } }", {})
        if data is None:
            return Outcome(allowed=False)
        return Outcome(
            allowed=gid("Certificate", side.certificate.id) in _ids(data["certificates"])
        )

    return run


case("certificates", READERS + [Role.VOLUNTEER, Role.PLATFORM_ADMIN], allowed=True)(
    _certificates(True)
)
case("certificates", ALL_BUT_ADMIN, allowed=False, name="other_side_hidden")(_certificates(False))


# --- organizer mutations ----------------------------------------------------------------------


def _organizer_mutation(name: str, input_type: str, build: Any):
    def make(in_scope: bool):
        async def run(env: MatrixEnv, role):
            a, b = await setup(env)
            side = a if in_scope else b
            value = build(env, role, side)
            return await _mutation(env, role, name, input_type, value)

        return run

    case(name, ORGANIZERS, allowed=True, name="own")(make(True))
    case(name, ROLES, allowed=False, name="other_street_or_organization")(make(False))


def _create_activity_input(env, role, side):
    start = clock.now() + 24 * H
    value = {
        "title": "新活动",
        "placeName": "服务中心",
        "category": "ELDERLY",
        "shifts": [
            {"startsAt": start.isoformat(), "endsAt": (start + H).isoformat(), "capacity": 3}
        ],
    }
    if role is Role.SOCIAL_WORKER:
        value["projectId"] = gid("Project", side.project_activity.project_id)
    else:
        value["regionId"] = gid("Region", side.activity.region_id)
    return value


_organizer_mutation("createActivity", "CreateActivityInput", _create_activity_input)
_organizer_mutation(
    "addShift",
    "AddShiftInput",
    lambda env, role, side: {
        "activityId": gid("Activity", _activity_for(role, side).id),
        "shift": {
            "startsAt": (clock.now() + 60 * H).isoformat(),
            "endsAt": (clock.now() + 61 * H).isoformat(),
            "capacity": 2,
        },
    },
)
_organizer_mutation(
    "cancelActivity",
    "CancelActivityInput",
    lambda env, role, side: {
        "activityId": gid("Activity", _activity_for(role, side).id),
        "reason": "场地维修",
        "version": 1,
    },
)
_organizer_mutation(
    "setNoShow",
    "SetNoShowInput",
    lambda env, role, side: {
        "signupId": gid(
            "Signup",
            (side.project_signup if role is Role.SOCIAL_WORKER else side.signup_ongoing).id,
        ),
        "noShow": True,
    },
)
_organizer_mutation(
    "markAttended",
    "MarkAttendedInput",
    lambda env, role, side: {
        "signupId": gid(
            "Signup",
            (side.project_signup if role is Role.SOCIAL_WORKER else side.signup_ongoing).id,
        )
    },
)
_organizer_mutation(
    "checkOutRoster",
    "ShiftIdInput",
    lambda env, role, side: {"shiftId": gid("Shift", _ongoing_for(role, side).id)},
)
_organizer_mutation(
    "approveServiceRecords",
    "DecideServiceRecordsInput",
    lambda env, role, side: {
        "recordIds": [
            gid(
                "ServiceRecord",
                (side.project_pending if role is Role.SOCIAL_WORKER else side.pending).id,
            )
        ]
    },
)
_organizer_mutation(
    "rejectServiceRecords",
    "DecideServiceRecordsInput",
    lambda env, role, side: {
        "recordIds": [
            gid(
                "ServiceRecord",
                (side.project_pending if role is Role.SOCIAL_WORKER else side.pending).id,
            )
        ],
        "note": "时间不符",
    },
)


def _correct_input(env, role, side):
    record = side.project_approved if role is Role.SOCIAL_WORKER else side.approved
    return {
        "recordId": gid("ServiceRecord", record.id),
        "startsAt": record.starts_at.isoformat(),
        "endsAt": (record.starts_at + dt.timedelta(minutes=30)).isoformat(),
        "reason": "实际服务半小时",
    }


_organizer_mutation("correctServiceRecord", "CorrectServiceRecordInput", _correct_input)
_organizer_mutation(
    "resolveHoursDispute",
    "ResolveHoursDisputeInput",
    lambda env, role, side: {
        "disputeId": gid(
            "HoursDispute",
            (side.project_dispute if role is Role.SOCIAL_WORKER else side.dispute).id,
        ),
        "upheld": False,
        "note": "记录无误",
    },
)


# --- volunteer mutations -----------------------------------------------------------------------


def _volunteer_mutation(name: str, input_type: str, build: Any, *, other_side: bool):
    """Allowed: the env volunteer on their own things. Refused for the volunteer: the other
    volunteer's thing (``other_side``) or, for operations without a target, a deactivated
    profile. Refused for every other role: no volunteering capability."""

    async def allowed(env: MatrixEnv, role):
        a, _ = await setup(env)
        return await _mutation(env, role, name, input_type, await build(env, a))

    async def refused(env: MatrixEnv, role):
        a, b = await setup(env)
        if role is Role.VOLUNTEER and not other_side:
            a.volunteer.is_active = False
            await env.session.commit()
        value = await build(env, b if other_side else a)
        return await _mutation(env, role, name, input_type, value)

    case(name, [Role.VOLUNTEER], allowed=True, name="own")(allowed)
    case(name, ROLES, allowed=False, name="others_or_inactive")(refused)


async def _sign_up(env, side):
    return {"shiftId": gid("Shift", side.future.id)}


async def _check_in(env, side):
    return {
        "shiftId": gid("Shift", side.ongoing.id),
        "code": current_code(side.ongoing.secret, clock.now()),
    }


async def _submit(env, side):
    # Inside the ongoing shift (now - 1 h … now + 2 h): a manual record falls inside one of
    # its activity's shifts (docs/volunteering.md, The ledger).
    start = clock.now() - H
    return {
        "activityId": gid("Activity", side.activity.id),
        "startsAt": start.isoformat(),
        "endsAt": (start + dt.timedelta(minutes=20)).isoformat(),
        "description": "整理图书",
    }


_volunteer_mutation("signUp", "SignUpInput", _sign_up, other_side=False)
_volunteer_mutation("checkIn", "CheckInInput", _check_in, other_side=False)
_volunteer_mutation("submitServiceRecord", "SubmitServiceRecordInput", _submit, other_side=False)


async def _signup_id(env, side):
    return {"signupId": gid("Signup", side.signup_offered.id)}


_volunteer_mutation("cancelSignup", "SignupIdInput", _signup_id, other_side=True)
_volunteer_mutation("acceptSignupOffer", "SignupIdInput", _signup_id, other_side=True)


async def _update_record(env, side):
    p = side.pending
    start = clock.now() - H + dt.timedelta(minutes=30)  # moved into the ongoing shift
    return {
        "recordId": gid("ServiceRecord", p.id),
        "startsAt": start.isoformat(),
        "endsAt": (start + dt.timedelta(minutes=15)).isoformat(),
        "description": "整理图书（更正）",
        "version": p.version,
    }


_volunteer_mutation(
    "updateServiceRecord", "UpdateServiceRecordInput", _update_record, other_side=True
)


async def _dispute(env, side):
    return {"recordId": gid("ServiceRecord", side.rejected.id), "reason": "我确实参加了这次服务"}


_volunteer_mutation("disputeServiceRecord", "DisputeServiceRecordInput", _dispute, other_side=True)


@case("checkOut", [Role.VOLUNTEER], allowed=True, name="own")
async def check_out_own(env: MatrixEnv, role):
    a, _ = await setup(env)
    code = current_code(a.ongoing.secret, clock.now())
    await _mutation(
        env, role, "checkIn", "CheckInInput", {"shiftId": gid("Shift", a.ongoing.id), "code": code}
    )
    return await _mutation(
        env,
        role,
        "checkOut",
        "CheckOutInput",
        {"shiftId": gid("Shift", a.ongoing.id), "code": code},
    )


@case("checkOut", ROLES, allowed=False, name="others_or_inactive")
async def check_out_refused(env: MatrixEnv, role):
    a, _ = await setup(env)
    code = current_code(a.ongoing.secret, clock.now())
    if role is Role.VOLUNTEER:
        await _mutation(
            env,
            role,
            "checkIn",
            "CheckInInput",
            {"shiftId": gid("Shift", a.ongoing.id), "code": code},
        )
        a.volunteer.is_active = False
        await env.session.commit()
    return await _mutation(
        env,
        role,
        "checkOut",
        "CheckOutInput",
        {"shiftId": gid("Shift", a.ongoing.id), "code": code},
    )


# --- certificates --------------------------------------------------------------------------------


def _request_certificate(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        value: dict[str, Any] = {"periodStart": "2025-01-01", "periodEnd": "2026-02-28"}
        if role is not Role.VOLUNTEER or not in_scope:
            value["volunteerId"] = gid("Volunteer", (a if in_scope else b).volunteer.id)
        return await _mutation(env, role, "requestCertificate", "RequestCertificateInput", value)

    return run


case("requestCertificate", [Role.VOLUNTEER, *ORGANIZERS], allowed=True, name="own_or_served")(
    _request_certificate(True)
)
case("requestCertificate", ROLES, allowed=False, name="other_side")(_request_certificate(False))


def _revoke(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        cert = (a if in_scope else b).certificate
        return await _mutation(
            env,
            role,
            "revokeCertificate",
            "RevokeCertificateInput",
            {"certificateId": gid("Certificate", cert.id), "reason": "信息有误"},
        )

    return run


case("revokeCertificate", [Role.BUREAU_OFFICER, Role.PLATFORM_ADMIN], allowed=True)(_revoke(True))
case("revokeCertificate", ALL_BUT_ADMIN, allowed=False, name="other_street")(_revoke(False))
