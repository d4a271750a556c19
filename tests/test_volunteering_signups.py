"""Activities, shifts, signups and the waitlist, through GraphQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import Notification, Shift, Signup
from matchmaker.models.volunteering import SignupStatus
from tests import factories
from tests.volunteering_helpers import (
    ACCEPT_OFFER,
    CANCEL_SIGNUP,
    HOUR,
    SIGN_UP,
    T0,
    audit_count,
    community_activity,
    count,
    gid,
    staff,
    volunteer,
)

CREATE = """mutation($i: CreateActivityInput!) { createActivity(input: $i) {
  activity { id title status shifts { id capacity placesLeft } region { code } }
  errors { code field message } } }"""


async def test_community_staff_create_an_activity_with_shifts(session, settings, gql):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    data = await gql(
        CREATE,
        {
            "i": {
                "title": "社区助老理发",
                "placeName": "朝山街社区服务中心",
                "category": "ELDERLY",
                "regionId": gid("Region", w.community_a1.id),
                "latitude": 36.66,
                "longitude": 117.03,
                "checkinRadiusM": 300,
                "shifts": [
                    {
                        "startsAt": (T0 + 24 * HOUR).isoformat(),
                        "endsAt": (T0 + 27 * HOUR).isoformat(),
                        "capacity": 5,
                    }
                ],
            }
        },
        token=organizer.token,
    )
    payload = data["createActivity"]
    assert payload["errors"] == []
    assert payload["activity"]["region"]["code"] == w.community_a1.code
    assert payload["activity"]["shifts"][0]["placesLeft"] == 5


async def test_staff_cannot_create_an_activity_in_another_street(session, settings, gql):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    before = await audit_count(session)
    data = await gql(
        CREATE,
        {
            "i": {
                "title": "越界活动",
                "placeName": "某地",
                "category": "OTHER",
                "regionId": gid("Region", w.community_b1.id),
                "shifts": [
                    {
                        "startsAt": (T0 + HOUR).isoformat(),
                        "endsAt": (T0 + 2 * HOUR).isoformat(),
                        "capacity": 5,
                    }
                ],
            }
        },
        token=organizer.token,
    )
    assert [e["code"] for e in data["createActivity"]["errors"]] == ["NOT_FOUND"]
    assert await audit_count(session) == before


async def test_a_full_shift_puts_volunteers_on_the_waitlist_in_order(session, settings, gql):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + HOUR, T0 + 3 * HOUR, 1)]
    )
    people = [await volunteer(session, settings) for _ in range(3)]
    results = [
        (await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=p.token))["signUp"]
        for p in people
    ]
    assert [r["signup"]["status"] for r in results] == ["CONFIRMED", "WAITLISTED", "WAITLISTED"]
    assert [r["signup"]["waitlistPosition"] for r in results] == [None, 1, 2]
    await session.refresh(shift)
    assert shift.confirmed_count == 1


async def test_signing_up_twice_is_refused(session, settings, gql):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(session, settings, organizer, w.community_a1)
    v = await volunteer(session, settings)
    await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    again = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    assert [e["code"] for e in again["signUp"]["errors"]] == ["ALREADY_SIGNED_UP"]
    assert await count(session, Signup) == 1


async def test_overlapping_confirmed_shifts_are_refused_and_nothing_is_written(
    session, settings, gql
):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (first,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + HOUR, T0 + 3 * HOUR, 5)]
    )
    _, (second,) = await community_activity(
        session, settings, organizer, w.community_a2, shifts=[(T0 + 2 * HOUR, T0 + 4 * HOUR, 5)]
    )
    v = await volunteer(session, settings)
    await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", first.id)}}, token=v.token)
    before = await audit_count(session)
    data = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", second.id)}}, token=v.token)
    assert [e["code"] for e in data["signUp"]["errors"]] == ["SHIFT_OVERLAP"]
    assert await count(session, Signup, Signup.shift_id == second.id) == 0
    assert await audit_count(session) == before


async def test_age_and_skill_requirements_are_checked(session, settings, gql):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (adult_only,) = await community_activity(
        session, settings, organizer, w.community_a1, min_age=18
    )
    _, (first_aid,) = await community_activity(
        session,
        settings,
        organizer,
        w.community_a2,
        skills=["急救"],
        shifts=[(T0 + 10 * HOUR, T0 + 12 * HOUR, 3)],
    )
    minor = await volunteer(session, settings, birth="20150101")
    untrained = await volunteer(session, settings)
    trained = await volunteer(session, settings, skills=["急救", "驾驶"])
    young = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", adult_only.id)}}, token=minor.token)
    assert [e["code"] for e in young["signUp"]["errors"]] == ["AGE_REQUIREMENT"]
    no_skill = await gql(
        SIGN_UP, {"i": {"shiftId": gid("Shift", first_aid.id)}}, token=untrained.token
    )
    assert [e["code"] for e in no_skill["signUp"]["errors"]] == ["SKILLS_REQUIRED"]
    ok = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", first_aid.id)}}, token=trained.token)
    assert ok["signUp"]["signup"]["status"] == "CONFIRMED"


async def test_a_cancellation_offers_the_place_to_the_first_waitlisted(session, settings, gql):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + 5 * HOUR, T0 + 7 * HOUR, 1)]
    )
    holder, first, second = [await volunteer(session, settings) for _ in range(3)]
    ids = []
    for p in (holder, first, second):
        r = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=p.token)
        ids.append(r["signUp"]["signup"]["id"])
    await gql(CANCEL_SIGNUP, {"i": {"signupId": ids[0]}}, token=holder.token)
    rows = {
        s.volunteer_id: s
        for s in await session.scalars(select(Signup).execution_options(populate_existing=True))
    }
    assert rows[first.volunteer.id].status is SignupStatus.OFFERED
    assert rows[second.volunteer.id].status is SignupStatus.WAITLISTED
    offer = await session.scalar(
        select(Notification).where(
            Notification.account_id == first.login.account.id, Notification.kind == "signup.offer"
        )
    )
    assert offer is not None
    await session.commit()
    accepted = await gql(ACCEPT_OFFER, {"i": {"signupId": ids[1]}}, token=first.token)
    assert accepted["acceptSignupOffer"]["signup"]["status"] == "CONFIRMED"


async def test_an_unaccepted_offer_expires_and_passes_on(session, settings, gql, run_jobs):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + 8 * HOUR, T0 + 9 * HOUR, 1)]
    )
    holder, first, second = [await volunteer(session, settings) for _ in range(3)]
    ids = []
    for p in (holder, first, second):
        r = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=p.token)
        ids.append(r["signUp"]["signup"]["id"])
    await gql(CANCEL_SIGNUP, {"i": {"signupId": ids[0]}}, token=holder.token)
    clock.advance(dt.timedelta(hours=2, minutes=1))  # the default window is 2 hours
    await run_jobs()
    late = await gql(ACCEPT_OFFER, {"i": {"signupId": ids[1]}}, token=first.token)
    assert [e["code"] for e in late["acceptSignupOffer"]["errors"]] == ["INVALID_STATE"]
    statuses = {
        s.volunteer_id: s.status
        for s in await session.scalars(select(Signup).execution_options(populate_existing=True))
    }
    assert statuses[first.volunteer.id] is SignupStatus.EXPIRED
    assert statuses[second.volunteer.id] is SignupStatus.OFFERED
    fresh = await session.scalar(
        select(Shift).where(Shift.id == shift.id).execution_options(populate_existing=True)
    )
    assert fresh is not None and fresh.confirmed_count == 1


async def test_no_show_is_marked_after_the_start_and_can_be_corrected(session, settings, gql):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(session, settings, organizer, w.community_a1)
    v = await volunteer(session, settings)
    r = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    signup_id = r["signUp"]["signup"]["id"]
    q = """mutation($i: SetNoShowInput!) { setNoShow(input: $i) { signup { status }
      errors { code } } }"""
    early = await gql(q, {"i": {"signupId": signup_id, "noShow": True}}, token=organizer.token)
    assert [e["code"] for e in early["setNoShow"]["errors"]] == ["INVALID_STATE"]
    clock.advance(3 * HOUR)
    marked = await gql(q, {"i": {"signupId": signup_id, "noShow": True}}, token=organizer.token)
    assert marked["setNoShow"]["signup"]["status"] == "NO_SHOW"
    fixed = await gql(q, {"i": {"signupId": signup_id, "noShow": False}}, token=organizer.token)
    assert fixed["setNoShow"]["signup"]["status"] == "CONFIRMED"


async def test_cancelling_an_activity_notifies_everyone_signed_up(session, settings, gql, run_jobs):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    activity, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + HOUR, T0 + 2 * HOUR, 1)]
    )
    people = [await volunteer(session, settings) for _ in range(2)]  # one place, one waitlist
    for p in people:
        await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=p.token)
    data = await gql(
        """mutation($i: CancelActivityInput!) { cancelActivity(input: $i) {
          activity { status cancelReason } errors { code } } }""",
        {"i": {"activityId": gid("Activity", activity.id), "reason": "天气原因", "version": 1}},
        token=organizer.token,
    )
    assert data["cancelActivity"]["activity"]["status"] == "CANCELLED"
    await run_jobs()
    notified = set(
        await session.scalars(
            select(Notification.account_id).where(Notification.kind == "activity.cancelled")
        )
    )
    assert notified == {p.login.account.id for p in people}


async def test_an_offer_that_clashes_with_another_confirmed_shift_can_not_be_accepted(
    session, settings, gql
):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (full,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + 5 * HOUR, T0 + 7 * HOUR, 1)]
    )
    _, (clashing,) = await community_activity(
        session, settings, organizer, w.community_a2, shifts=[(T0 + 6 * HOUR, T0 + 8 * HOUR, 5)]
    )
    holder, waiting = await volunteer(session, settings), await volunteer(session, settings)
    held = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", full.id)}}, token=holder.token)
    queued = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", full.id)}}, token=waiting.token)
    await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", clashing.id)}}, token=waiting.token)
    await gql(
        CANCEL_SIGNUP, {"i": {"signupId": held["signUp"]["signup"]["id"]}}, token=holder.token
    )
    refused = await gql(
        ACCEPT_OFFER, {"i": {"signupId": queued["signUp"]["signup"]["id"]}}, token=waiting.token
    )
    assert [e["code"] for e in refused["acceptSignupOffer"]["errors"]] == ["SHIFT_OVERLAP"]
