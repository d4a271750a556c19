"""Invitations to shifts: organizer invites, volunteer is notified and answers (docs/matching.md,
"Invitations")."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import (
    AuditEvent,
    MatchImpressionItem,
    Notification,
    Shift,
    Signup,
    VolunteerInvitation,
)
from matchmaker.models.matching import VolunteerInvitationStatus
from matchmaker.models.volunteering import SignupStatus
from matchmaker.services.context import ServiceContext
from matchmaker.services.matching import volunteering as matching_service
from tests import factories
from tests.volunteering_helpers import (
    HOUR,
    SIGN_UP,
    T0,
    community_activity,
    count,
    gid,
    many_volunteers,
    staff,
    volunteer,
    volunteer_actor,
)

RECOMMEND = """query($s: ID!) { recommendedVolunteers(shiftId: $s, first: 10) {
  items { volunteer { id } } } }"""
INVITE = """mutation($i: InviteVolunteersInput!) { inviteVolunteers(input: $i) {
  invitations { id status participant { volunteerNumber } shift { id } }
  errors { code field message } } }"""
RESPOND = """mutation($i: RespondToVolunteerInvitationInput!) {
  respondToVolunteerInvitation(input: $i) {
    invitation { id status respondedAt } signup { id status waitlistPosition }
    errors { code field } } }"""
MINE = """{ myVolunteerInvitations(first: 10) { nodes { id status shift { id } } } }"""
OF_SHIFT = """query($s: ID!) { shiftInvitations(shiftId: $s, first: 10) {
  nodes { id status participant { name } } } }"""
MARK_ATTENDED = """mutation($i: MarkAttendedInput!) { markAttended(input: $i) {
  errors { code } } }"""


async def _setup(session, settings, *, capacity=10):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = T0 + 48 * HOUR
    _, shifts = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(start, start + 3 * HOUR, capacity)]
    )
    return w, organizer, shifts[0]


async def _invite(gql, organizer, shift, *volunteers):
    data = await gql(
        INVITE,
        {
            "i": {
                "shiftId": gid("Shift", shift.id),
                "volunteerIds": [gid("Volunteer", v.volunteer.id) for v in volunteers],
            }
        },
        token=organizer.token,
    )
    return data["inviteVolunteers"]


async def test_invited_volunteer_is_notified_accepts_signs_up_attends_and_each_step_is_an_outcome(
    session, settings, gql
):
    w, organizer, shift = await _setup(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    await gql(RECOMMEND, {"s": gid("Shift", shift.id)}, token=organizer.token)

    invited = await _invite(gql, organizer, shift, v)

    assert invited["errors"] == []
    (invitation,) = invited["invitations"]
    assert invitation["status"] == "PENDING"
    note = await session.scalar(
        select(Notification).where(Notification.account_id == v.login.account.id)
    )
    assert note is not None and note.kind == "matching.volunteer_invitation"
    await session.commit()
    mine = await gql(MINE, {}, token=v.token)
    assert [n["id"] for n in mine["myVolunteerInvitations"]["nodes"]] == [invitation["id"]]

    clock.freeze(T0 + HOUR)
    answered = await gql(
        RESPOND, {"i": {"invitationId": invitation["id"], "accept": True}}, token=v.token
    )

    payload = answered["respondToVolunteerInvitation"]
    assert payload["errors"] == []
    assert payload["invitation"]["status"] == "ACCEPTED"
    assert payload["signup"]["status"] == "CONFIRMED"
    item = await session.scalar(select(MatchImpressionItem))
    assert item is not None
    assert item.engaged_at == T0 + HOUR and item.outcome_value == 1.0
    await session.commit()

    clock.freeze(shift.starts_at + HOUR)
    marked = await gql(
        MARK_ATTENDED, {"i": {"signupId": payload["signup"]["id"]}}, token=organizer.token
    )
    assert marked["markAttended"]["errors"] == []
    await session.refresh(item)
    assert item.succeeded_at == shift.starts_at + HOUR
    await session.commit()
    of_shift = await gql(OF_SHIFT, {"s": gid("Shift", shift.id)}, token=organizer.token)
    assert [n["status"] for n in of_shift["shiftInvitations"]["nodes"]] == ["ACCEPTED"]


async def test_accepting_an_invitation_to_a_full_shift_joins_its_waitlist(session, settings, gql):
    w, organizer, shift = await _setup(session, settings, capacity=1)
    first = await volunteer(session, settings, region=w.community_a1)
    invited = await volunteer(session, settings, region=w.community_a1)
    (invitation,) = (await _invite(gql, organizer, shift, invited))["invitations"]
    taken = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=first.token)
    assert taken["signUp"]["signup"]["status"] == "CONFIRMED"

    answered = await gql(
        RESPOND, {"i": {"invitationId": invitation["id"], "accept": True}}, token=invited.token
    )

    signup = answered["respondToVolunteerInvitation"]["signup"]
    assert (signup["status"], signup["waitlistPosition"]) == ("WAITLISTED", 1)
    await session.refresh(shift)
    assert shift.confirmed_count == 1
    await session.commit()


async def test_declining_is_logged_as_an_outcome_and_signs_nobody_up(session, settings, gql):
    w, organizer, shift = await _setup(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    await gql(RECOMMEND, {"s": gid("Shift", shift.id)}, token=organizer.token)
    (invitation,) = (await _invite(gql, organizer, shift, v))["invitations"]

    answered = await gql(
        RESPOND, {"i": {"invitationId": invitation["id"], "accept": False}}, token=v.token
    )

    payload = answered["respondToVolunteerInvitation"]
    assert payload["invitation"]["status"] == "DECLINED" and payload["signup"] is None
    assert await count(session, Signup) == 0
    item = await session.scalar(select(MatchImpressionItem))
    assert item is not None and item.outcome_value == 0.0 and item.engaged_at is None
    await session.commit()
    again = await gql(
        RESPOND, {"i": {"invitationId": invitation["id"], "accept": True}}, token=v.token
    )
    assert again["respondToVolunteerInvitation"]["errors"] == [
        {"code": "INVALID_STATE", "field": "invitationId"}
    ]


async def test_opted_out_and_out_of_reach_volunteers_get_the_same_refusal_and_nothing_is_written(
    session, settings, gql
):
    w, organizer, shift = await _setup(session, settings)
    opted_out = await volunteer(session, settings, region=w.community_a1)
    opted_out.volunteer.recommendable = False
    await session.commit()
    elsewhere = await volunteer(session, settings, region=w.community_b1)
    fine = await volunteer(session, settings, region=w.community_a1)
    audits = await count(session, AuditEvent)

    answers = [
        (await _invite(gql, organizer, shift, fine, who))["errors"]
        for who in (opted_out, elsewhere)
    ]

    assert (
        answers[0]
        == answers[1]
        == [
            {
                "code": "NOT_FOUND",
                "field": "volunteerIds",
                "message": "Some volunteers can't be invited to this shift",
            }
        ]
    )
    assert await count(session, VolunteerInvitation) == 0
    assert await count(session, Notification) == 0
    assert await count(session, AuditEvent) == audits


async def test_a_volunteer_invited_three_times_this_week_is_neither_recommended_nor_invitable(
    session, settings, gql
):
    w, organizer, shift = await _setup(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    for day in range(3):
        _, (other,) = await community_activity(
            session,
            settings,
            organizer,
            w.community_a1,
            shifts=[(T0 + (72 + 24 * day) * HOUR, T0 + (74 + 24 * day) * HOUR, 5)],
        )
        assert (await _invite(gql, organizer, other, v))["errors"] == []

    recommended = await gql(RECOMMEND, {"s": gid("Shift", shift.id)}, token=organizer.token)
    fourth = await _invite(gql, organizer, shift, v)

    assert recommended["recommendedVolunteers"]["items"] == []
    assert fourth["errors"][0]["code"] == "NOT_FOUND"
    # A week later the cap is free again.
    clock.freeze(T0 + 7 * 24 * HOUR + HOUR)
    _, (later,) = await community_activity(
        session,
        settings,
        organizer,
        w.community_a1,
        shifts=[(clock.now() + 24 * HOUR, clock.now() + 26 * HOUR, 5)],
    )
    assert (await _invite(gql, organizer, later, v))["errors"] == []


async def test_another_volunteers_invitation_looks_missing(session, settings, gql):
    w, organizer, shift = await _setup(session, settings)
    invited = await volunteer(session, settings, region=w.community_a1)
    other = await volunteer(session, settings, region=w.community_a1)
    (invitation,) = (await _invite(gql, organizer, shift, invited))["invitations"]

    answered = await gql(
        RESPOND, {"i": {"invitationId": invitation["id"], "accept": True}}, token=other.token
    )

    assert answered["respondToVolunteerInvitation"]["errors"] == [
        {"code": "NOT_FOUND", "field": None}
    ]
    assert await count(session, Signup) == 0


async def test_an_unanswered_invitation_reads_as_expired_once_the_shift_starts(
    session, settings, gql
):
    w, organizer, shift = await _setup(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    await _invite(gql, organizer, shift, v)

    clock.freeze(shift.starts_at + HOUR)
    mine = await gql(MINE, {}, token=v.token)

    assert [n["status"] for n in mine["myVolunteerInvitations"]["nodes"]] == ["EXPIRED"]
    (invitation,) = mine["myVolunteerInvitations"]["nodes"]
    late = await gql(
        RESPOND, {"i": {"invitationId": invitation["id"], "accept": False}}, token=v.token
    )
    assert late["respondToVolunteerInvitation"]["errors"] == [
        {"code": "INVALID_STATE", "field": "invitationId"}
    ]


@pytest.mark.postgres_only
async def test_concurrent_accepts_never_exceed_the_shifts_capacity(
    session, settings, session_factory
):
    w, organizer, shift = await _setup(session, settings, capacity=3)
    people = await many_volunteers(session, 12, w.community_a1)
    await session.commit()
    rows = [
        VolunteerInvitation(
            shift_id=shift.id,
            volunteer_id=vid,
            invited_by_account_id=organizer.account.id,
            status=VolunteerInvitationStatus.PENDING,
        )
        for _, vid in people
    ]
    session.add_all(rows)
    await session.commit()

    async def accept(account_id: int, invitation_id: int) -> None:
        async with session_factory() as s, s.begin():
            sc = ServiceContext(session=s, actor=volunteer_actor(account_id), settings=settings)
            await matching_service.respond_to_invitation(
                sc, invitation_id=invitation_id, accept=True
            )

    await asyncio.gather(
        *(accept(account_id, row.id) for (account_id, _), row in zip(people, rows, strict=True))
    )

    statuses = {
        status: n
        for status, n in await session.execute(
            select(Signup.status, func.count()).group_by(Signup.status)
        )
    }
    assert statuses == {SignupStatus.CONFIRMED: 3, SignupStatus.WAITLISTED: 9}
    fresh = await session.scalar(
        select(Shift).where(Shift.id == shift.id).execution_options(populate_existing=True)
    )
    assert fresh is not None and fresh.confirmed_count == 3
    accepted = await session.scalar(
        select(func.count())
        .select_from(VolunteerInvitation)
        .where(VolunteerInvitation.status == VolunteerInvitationStatus.ACCEPTED)
    )
    assert accepted == 12
