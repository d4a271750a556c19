"""Volunteer matching: whom to invite to a shift, and the volunteer's feed (docs/matching.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from matchmaker import clock
from matchmaker.models import MatchImpression, MatchImpressionItem, Volunteer
from matchmaker.models.enums import Role
from tests import factories
from tests.volunteering_helpers import (
    HOUR,
    SIGN_UP,
    T0,
    community_activity,
    gid,
    staff,
    volunteer,
)

RECOMMEND = """query($s: ID!, $n: Int!) { recommendedVolunteers(shiftId: $s, first: $n) {
  modelVersion coldStart impressionId
  items { rank score reasons { code text weight }
          volunteer { id realName age phone idNumber volunteerNumber recommendable } } } }"""
FEED = """query($n: Int!) { recommendedShifts(first: $n) {
  modelVersion coldStart impressionId
  items { rank score reasons { code text } shift { id startsAt activity { title } } } } }"""
UPDATE_PROFILE = """mutation($i: UpdateVolunteerProfileInput!) { updateVolunteerProfile(input: $i) {
  volunteer { personalizedFeed recommendable } errors { code field } } }"""
MARK_ATTENDED = """mutation($i: MarkAttendedInput!) { markAttended(input: $i) {
  errors { code message } } }"""
VOLUNTEERS = """{ volunteers(first: 50) { nodes {
  id realName age phone idNumber volunteerNumber recommendable } } }"""


async def _world_with_shift(session, settings, *, min_age=0, skills=None, capacity=10):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = T0 + 48 * HOUR  # Wednesday 09:00 Beijing
    activity, shifts = await community_activity(
        session,
        settings,
        organizer,
        w.community_a1,
        shifts=[(start, start + 3 * HOUR, capacity)],
        min_age=min_age,
        skills=skills,
    )
    return w, organizer, activity, shifts[0]


async def _ids(data) -> list[str]:
    return [i["volunteer"]["id"] for i in data["recommendedVolunteers"]["items"]]


async def test_an_organizer_gets_the_volunteers_of_the_street_ranked_with_reasons_and_logged(
    session, settings, gql
):
    w, organizer, _, shift = await _world_with_shift(session, settings)
    here = await volunteer(session, settings, region=w.community_a1, name="张近邻")
    same_street = await volunteer(session, settings, region=w.community_a2, name="王同街")
    other_street = await volunteer(session, settings, region=w.community_b1, name="赵外街")

    data = await gql(RECOMMEND, {"s": gid("Shift", shift.id), "n": 10}, token=organizer.token)

    result = data["recommendedVolunteers"]
    ids = [i["volunteer"]["id"] for i in result["items"]]
    assert set(ids) == {
        gid("Volunteer", here.volunteer.id),
        gid("Volunteer", same_street.volunteer.id),
    }
    assert gid("Volunteer", other_street.volunteer.id) not in ids
    # No trained model yet: the prior weights rank, and every list says so.
    assert result["coldStart"] is True and result["modelVersion"] is None
    assert [i["rank"] for i in result["items"]] == [1, 2]
    assert all(any(r["code"] == "COLD_START" for r in i["reasons"]) for i in result["items"])
    impression = await session.get(MatchImpression, int(result["impressionId"]))
    assert impression is not None and impression.size == 2
    items = list(
        await session.scalars(
            select(MatchImpressionItem)
            .where(MatchImpressionItem.impression_id == impression.id)
            .order_by(MatchImpressionItem.rank)
        )
    )
    # The logged X row is the one the model saw: 9 features in the direction's order.
    assert [len(i.features) for i in items] == [9, 9]
    assert [gid("Volunteer", i.candidate_id) for i in items] == ids
    await session.commit()


async def test_recommendations_are_refused_for_a_shift_the_caller_does_not_organize(
    session, settings, gql
):
    w, _, _, shift = await _world_with_shift(session, settings)
    await volunteer(session, settings, region=w.community_a1)
    other_street_staff = await staff(session, settings, w.street_b)
    colleague = await staff(session, settings, w.street_a)
    v = await volunteer(session, settings, region=w.community_a1)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    variables = {"s": gid("Shift", shift.id), "n": 5}

    codes = {}
    for who, token in {
        "other street": other_street_staff.token,
        "colleague": colleague.token,
        "volunteer": v.token,
        "admin": admin.token,
        "anonymous": None,
    }.items():
        body = await gql(RECOMMEND, variables, token=token, expect_errors=True)
        assert body["data"] is None
        codes[who] = body["errors"][0]["extensions"]["code"]
    assert codes == {
        "other street": "NOT_FOUND",
        "colleague": "NOT_ORGANIZER",
        "volunteer": "FORBIDDEN",
        "admin": "FORBIDDEN",
        "anonymous": "UNAUTHENTICATED",
    }
    assert (await session.scalar(select(MatchImpression.id))) is None


async def test_a_recommended_volunteer_shows_the_same_masked_fields_as_the_volunteers_list(
    session, settings, gql
):
    w, organizer, _, shift = await _world_with_shift(session, settings)
    await volunteer(session, settings, region=w.community_a1, name="张三丰")

    recommended = await gql(RECOMMEND, {"s": gid("Shift", shift.id), "n": 5}, token=organizer.token)
    listed = await gql(VOLUNTEERS, {}, token=organizer.token)

    node = recommended["recommendedVolunteers"]["items"][0]["volunteer"]
    assert node == listed["volunteers"]["nodes"][0]
    # The organizer sees the real name (their region holds the home) but never the ID number,
    # the phone or the volunteer's own settings.
    assert node["idNumber"].count("*") >= 10 and node["recommendable"] is None


async def test_minors_are_never_recommended_for_a_shift_whose_activity_sets_a_higher_minimum_age(
    session, settings, gql
):
    w, organizer, _, adults_only = await _world_with_shift(session, settings, min_age=18)
    # 17 on the shift's day (born 2008-03-05; the shift is 2026-03-04).
    minor = await volunteer(session, settings, region=w.community_a1, birth="20080305")
    adult = await volunteer(session, settings, region=w.community_a1, birth="20080304")
    _, open_to_all = await community_activity(
        session,
        settings,
        organizer,
        w.community_a1,
        shifts=[(T0 + 72 * HOUR, T0 + 75 * HOUR, 5)],
    )

    adults = await gql(
        RECOMMEND, {"s": gid("Shift", adults_only.id), "n": 10}, token=organizer.token
    )
    everyone = await gql(
        RECOMMEND, {"s": gid("Shift", open_to_all[0].id), "n": 10}, token=organizer.token
    )

    assert await _ids(adults) == [gid("Volunteer", adult.volunteer.id)]
    assert set(await _ids(everyone)) == {
        gid("Volunteer", adult.volunteer.id),
        gid("Volunteer", minor.volunteer.id),
    }
    # And the minor's own feed leaves the adults-only shift out.
    feed = await gql(FEED, {"n": 10}, token=minor.token)
    titles = [i["shift"]["id"] for i in feed["recommendedShifts"]["items"]]
    assert gid("Shift", adults_only.id) not in titles
    assert gid("Shift", open_to_all[0].id) in titles


async def test_a_volunteer_who_turns_recommendations_off_disappears_from_every_list_at_once(
    session, settings, gql
):
    w, organizer, _, shift = await _world_with_shift(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    variables = {"s": gid("Shift", shift.id), "n": 10}
    assert await _ids(await gql(RECOMMEND, variables, token=organizer.token)) == [
        gid("Volunteer", v.volunteer.id)
    ]

    changed = await gql(
        UPDATE_PROFILE,
        {
            "i": {
                "volunteerId": gid("Volunteer", v.volunteer.id),
                "version": 1,
                "recommendable": False,
            }
        },
        token=v.token,
    )

    assert changed["updateVolunteerProfile"]["volunteer"]["recommendable"] is False
    assert await _ids(await gql(RECOMMEND, variables, token=organizer.token)) == []


async def test_only_the_volunteer_sets_their_own_matching_choices(session, settings, gql):
    w, _, _, _ = await _world_with_shift(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)

    data = await gql(
        UPDATE_PROFILE,
        {
            "i": {
                "volunteerId": gid("Volunteer", v.volunteer.id),
                "version": 1,
                "recommendable": False,
            }
        },
        token=admin.token,
    )

    assert data["updateVolunteerProfile"]["errors"] == [
        {"code": "FORBIDDEN", "field": "recommendable"}
    ]
    await session.refresh(v.volunteer)
    assert v.volunteer.recommendable is True


async def test_a_non_personalized_feed_orders_by_distance_then_start_and_uses_no_personal_features(
    session, settings, gql
):
    w, organizer, _, _ = await _world_with_shift(session, settings)
    # Three more shifts: later here, sooner in the neighbouring community.
    for community, hours in ((w.community_a1, 96), (w.community_a2, 30)):
        await community_activity(
            session,
            settings,
            organizer,
            community,
            shifts=[(T0 + hours * HOUR, T0 + (hours + 2) * HOUR, 5)],
            title=f"活动{hours}",
        )
    v = await volunteer(session, settings, region=w.community_a1)
    await gql(
        UPDATE_PROFILE,
        {
            "i": {
                "volunteerId": gid("Volunteer", v.volunteer.id),
                "version": 1,
                "personalizedFeed": False,
            }
        },
        token=v.token,
    )

    feed = (await gql(FEED, {"n": 10}, token=v.token))["recommendedShifts"]

    assert feed["modelVersion"] is None and feed["coldStart"] is False
    starts = [i["shift"]["startsAt"] for i in feed["items"]]
    assert len(starts) == 3
    assert all("未使用个人特征" in i["reasons"][0]["text"] for i in feed["items"])
    impression = await session.get(MatchImpression, int(feed["impressionId"]))
    assert impression is not None and impression.personalized is False
    rows = list(
        await session.scalars(
            select(MatchImpressionItem.features).where(
                MatchImpressionItem.impression_id == impression.id
            )
        )
    )
    assert rows == [[], [], []]
    await session.commit()


async def test_signing_up_and_attending_mark_the_list_that_showed_the_shift(session, settings, gql):
    w, organizer, _, shift = await _world_with_shift(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    feed = (await gql(FEED, {"n": 10}, token=v.token))["recommendedShifts"]
    assert feed["items"][0]["shift"]["id"] == gid("Shift", shift.id)

    clock.freeze(T0 + 2 * HOUR)
    signed = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    assert signed["signUp"]["errors"] == []

    item = await session.scalar(
        select(MatchImpressionItem).where(
            MatchImpressionItem.impression_id == int(feed["impressionId"])
        )
    )
    assert item is not None
    assert item.engaged_at == T0 + 2 * HOUR and item.succeeded_at is None
    await session.commit()

    clock.freeze(shift.starts_at + HOUR)
    marked = await gql(
        MARK_ATTENDED,
        {"i": {"signupId": signed["signUp"]["signup"]["id"]}},
        token=organizer.token,
    )
    assert marked["markAttended"]["errors"] == []
    await session.refresh(item)
    assert item.engaged_at == T0 + 2 * HOUR
    assert item.succeeded_at == shift.starts_at + HOUR
    await session.commit()


async def test_an_outcome_outside_the_window_marks_nothing(session, settings, gql):
    w, _, _, shift = await _world_with_shift(session, settings)
    v = await volunteer(session, settings, region=w.community_a1)
    feed = (await gql(FEED, {"n": 10}, token=v.token))["recommendedShifts"]
    # 14 days (the window) and one hour later: the list did not lead to this signup.
    await session.execute(
        MatchImpressionItem.__table__.update()
        .where(MatchImpressionItem.impression_id == int(feed["impressionId"]))
        .values(shown_at=T0 - dt.timedelta(days=14, hours=1))
    )
    await session.commit()

    signed = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)

    assert signed["signUp"]["errors"] == []
    engaged = await session.scalar(select(MatchImpressionItem.engaged_at))
    assert engaged is None
    await session.commit()


async def _count_statements(app, gql, query, variables, token) -> int:
    statements: list[str] = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = app.state.mm.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        body = await gql(query, variables, token=token)
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert "errors" not in body
    return len(statements)


async def test_recommendations_take_the_same_number_of_statements_for_3_or_30_items(
    app, session, settings, gql
):
    w, organizer, _, shift = await _world_with_shift(session, settings)
    v = None
    for i in range(35):
        v = await volunteer(session, settings, region=w.community_a1 if i % 2 else w.community_a2)
    for hours in range(60, 60 + 35 * 3, 3):
        await community_activity(
            session,
            settings,
            organizer,
            w.community_a2,
            shifts=[(T0 + hours * HOUR, T0 + (hours + 2) * HOUR, 5)],
        )
    assert v is not None
    s = gid("Shift", shift.id)

    small = await _count_statements(app, gql, RECOMMEND, {"s": s, "n": 3}, organizer.token)
    large = await _count_statements(app, gql, RECOMMEND, {"s": s, "n": 30}, organizer.token)
    feed_small = await _count_statements(app, gql, FEED, {"n": 3}, v.token)
    feed_large = await _count_statements(app, gql, FEED, {"n": 30}, v.token)

    assert small == large
    assert feed_small == feed_large


async def test_first_is_bounded(session, settings, gql):
    _, organizer, _, shift = await _world_with_shift(session, settings)

    body = await gql(
        RECOMMEND, {"s": gid("Shift", shift.id), "n": 51}, token=organizer.token, expect_errors=True
    )

    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert (await session.scalar(select(Volunteer.id))) is None


async def test_a_social_worker_organizer_sees_recommended_volunteers_masked_as_on_a_roster(
    session, settings, gql
):
    from tests.volunteering_helpers import organization, running_project

    clock.freeze(T0)
    w = await factories.world(session)
    org = await organization(session, w.street_a, 1)
    project = await running_project(session, w.community_a1, org.id)
    worker = await factories.account(
        session, settings, role=Role.SOCIAL_WORKER, organization_id=org.id
    )
    await volunteer(session, settings, region=w.community_a1, name="张三丰")
    created = await gql(
        """mutation($i: CreateActivityInput!) { createActivity(input: $i) {
          activity { shifts { id } } errors { code } } }""",
        {
            "i": {
                "title": "助老送餐",
                "placeName": "长者食堂",
                "category": "ELDERLY",
                "projectId": gid("Project", project.id),
                "shifts": [
                    {
                        "startsAt": (T0 + 24 * HOUR).isoformat(),
                        "endsAt": (T0 + 26 * HOUR).isoformat(),
                        "capacity": 4,
                    }
                ],
            }
        },
        token=worker.token,
    )
    shift_id = created["createActivity"]["activity"]["shifts"][0]["id"]

    data = await gql(RECOMMEND, {"s": shift_id, "n": 5}, token=worker.token)

    (item,) = data["recommendedVolunteers"]["items"]
    node = item["volunteer"]
    # A social worker is no official of the volunteer's region: masked name, no age, masked
    # ID number and phone — as on the shift's roster.
    assert node["realName"] == "张**"
    assert node["age"] is None and node["recommendable"] is None
    assert "*" in node["idNumber"] and (node["phone"] is None or "*" in node["phone"])


def test_pair_features_worked_example():
    import numpy as np

    from matchmaker.services.matching.volunteering import VFS, pair_features

    X = pair_features(
        VFS,
        distance_km=np.array([2.5]),
        max_km=5.0,
        need_mask=np.array([0b1]),  # Monday morning
        availability=np.array([0b11]),  # Monday morning and afternoon
        required_skills=[["急救"]],
        skills=[["急救", "驾驶"]],
        category=["ELDERLY"],
        interests=[["ELDERLY"]],
        attended=3.0,
        trials=4.0,
        times_here=np.array([3.0]),
        recent_minutes=1200.0,
        invitations_recent=1.0,
        places_left=3.0,
        capacity=10.0,
        invitation_cap=3,
    )

    # distance, time, skills, interest, reliability, familiarity, load, exposure, vacancy
    expected = [0.5, 1.0, 1.0, 1.0, (3 + 3 * 0.8) / (4 + 3), 1 - np.exp(-1), 0.5, 2 / 3, 0.3]
    assert np.allclose(X[0], expected)


async def test_the_stepped_retrieval_keeps_exactly_the_nearest_first_volunteers_of_the_whole_box(
    session, settings
):
    """The retrieval widens 1.5 km → 3 km → the 5 km box only while it has too few; whatever the
    cap, it keeps what one nearest-first query over the whole box would keep: the community's
    people, then the street's, then the others by coordinate gap, never the unavailable."""
    import dataclasses

    from matchmaker.models.matching import VolunteerInvitation, VolunteerInvitationStatus
    from matchmaker.services.matching import volunteering as service
    from tests.volunteering_helpers import LAT, LNG, context_for

    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = T0 + 48 * HOUR
    activity, shifts = await community_activity(
        session,
        settings,
        organizer,
        w.community_a1,
        shifts=[(start, start + 3 * HOUR, 10)],
        radius=200,
    )
    shift = shifts[0]
    km = 1 / 111.0  # degrees of latitude
    # Street people (no coordinates of their own), then others by gap; 6 km is outside the box.
    here = [await volunteer(session, settings, region=w.community_a1) for _ in range(2)]
    street = await volunteer(session, settings, region=w.community_a2)
    away = {}
    for name, dlat, dlng in (
        ("0.3 invited", 0.3, 0.0),
        ("0.5", 0.5, 0.0),
        ("2.0", 2.0, 0.0),
        ("diagonal 2.7", 1.35, 1.35),
        ("2.8", 2.8, 0.0),
        ("4.0", -4.0, 0.0),
        ("6.0 outside", 6.0, 0.0),
    ):
        v = await volunteer(session, settings, region=w.community_b1)
        v.volunteer.latitude = LAT + dlat * km
        v.volunteer.longitude = LNG + dlng * km
        away[name] = v.volunteer.id
    session.add(
        VolunteerInvitation(
            shift_id=shift.id,
            volunteer_id=away["0.3 invited"],
            invited_by_account_id=organizer.account.id,
            status=VolunteerInvitationStatus.PENDING,
        )
    )
    await session.commit()
    nearest_first = [
        *sorted(h.volunteer.id for h in here),
        street.volunteer.id,
        away["0.5"],
        away["2.0"],
        away["diagonal 2.7"],
        away["2.8"],
        away["4.0"],
    ]
    sc = await context_for(session, settings, organizer)
    regions = list(await service._street_regions(session, activity))
    for cap in (1, 3, 4, 5, 6, 7, 8, 100):
        sc.settings = dataclasses.replace(settings, matching_max_candidates=cap)
        rows, history = await service._retrieve_volunteers(sc, shift, activity, regions)
        assert [r.id for r in rows] == nearest_first[:cap], cap
        assert history.unavailable == {away["0.3 invited"]}
