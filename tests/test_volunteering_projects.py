"""Project activities: organized by the running organization's social workers; hours feed the
project's progress reports; reminders; lists without N+1."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from matchmaker import clock
from matchmaker.models import Notification
from matchmaker.models.enums import Role
from matchmaker.services import hours
from tests import factories
from tests.volunteering_helpers import (
    APPROVE,
    HOUR,
    SIGN_UP,
    SUBMIT,
    T0,
    community_activity,
    count,
    gid,
    organization,
    running_project,
    staff,
    volunteer,
)

CREATE = """mutation($i: CreateActivityInput!) { createActivity(input: $i) {
  activity { id viewerIsOrganizer projectId } errors { code field message } } }"""


def _activity_input(project_id: int, start: dt.datetime) -> dict:
    return {
        "i": {
            "title": "助老送餐",
            "placeName": "长者食堂",
            "category": "ELDERLY",
            "projectId": gid("Project", project_id),
            "shifts": [
                {
                    "startsAt": start.isoformat(),
                    "endsAt": (start + 2 * HOUR).isoformat(),
                    "capacity": 4,
                }
            ],
        }
    }


async def _project_world(session, settings):
    clock.freeze(T0)
    w = await factories.world(session)
    org = await organization(session, w.street_a, 1)
    rival = await organization(session, w.street_a, 2)
    project = await running_project(session, w.community_a1, org.id)
    worker = await factories.account(
        session, settings, role=Role.SOCIAL_WORKER, organization_id=org.id
    )
    rival_worker = await factories.account(
        session, settings, role=Role.SOCIAL_WORKER, organization_id=rival.id
    )
    return w, project, worker, rival_worker


async def test_social_workers_of_the_running_organization_organize_project_activities(
    session, settings, gql
):
    _, project, worker, rival_worker = await _project_world(session, settings)
    mine = await gql(CREATE, _activity_input(project.id, T0 + HOUR), token=worker.token)
    assert mine["createActivity"]["activity"]["viewerIsOrganizer"] is True
    theirs = await gql(CREATE, _activity_input(project.id, T0 + HOUR), token=rival_worker.token)
    assert [e["code"] for e in theirs["createActivity"]["errors"]] == ["NOT_FOUND"]


async def test_project_hours_are_approved_by_its_social_workers_and_counted_for_the_project(
    session, settings, gql
):
    w, project, worker, rival_worker = await _project_world(session, settings)
    start = T0 - 30 * HOUR
    # A manual record falls inside one of its activity's shifts: the activity was created
    # before its shift (start … start + 2 h), and the hours are reported afterwards.
    clock.freeze(start - HOUR)
    created = await gql(CREATE, _activity_input(project.id, start), token=worker.token)
    activity_id = created["createActivity"]["activity"]["id"]
    clock.freeze(T0)
    v = await volunteer(session, settings)
    submitted = await gql(
        SUBMIT,
        {
            "i": {
                "activityId": activity_id,
                "startsAt": start.isoformat(),
                "endsAt": (start + 90 * dt.timedelta(minutes=1)).isoformat(),
                "description": "送餐上门",
            }
        },
        token=v.token,
    )
    record_id = submitted["submitServiceRecord"]["record"]["id"]
    community_staff = await staff(session, settings, w.street_a)  # reads it, doesn't organize it
    for who, code in ((rival_worker, "NOT_FOUND"), (community_staff, "NOT_ORGANIZER")):
        refused = await gql(APPROVE, {"i": {"recordIds": [record_id]}}, token=who.token)
        assert [e["code"] for e in refused["approveServiceRecords"]["errors"]] == [code]
    listed = await gql(
        "{ serviceRecords(first: 5, toDecide: true) { nodes { id participant { name } } } }",
        token=worker.token,
    )
    # The organization needs the record, not the person's identity: the name is masked.
    assert listed["serviceRecords"]["nodes"] == [{"id": record_id, "participant": {"name": "李**"}}]
    ok = await gql(APPROVE, {"i": {"recordIds": [record_id]}}, token=worker.token)
    assert ok["approveServiceRecords"]["errors"] == []
    minutes = await hours.approved_minutes_for_project(
        session, project_id=project.id, start=T0 - 48 * HOUR, end=T0
    )
    outside = await hours.approved_minutes_for_project(
        session, project_id=project.id, start=T0 - 24 * HOUR, end=T0
    )
    assert (minutes, outside) == (90, 0)


async def test_confirmed_volunteers_are_reminded_24_hours_before_once(
    session, settings, gql, run_jobs
):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + 30 * HOUR, T0 + 32 * HOUR, 3)]
    )
    v = await volunteer(session, settings)
    await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    await run_jobs()
    assert await count(session, Notification, Notification.kind == "shift.reminder") == 0
    clock.advance(6 * HOUR + dt.timedelta(minutes=1))
    await run_jobs()
    clock.advance(20 * dt.timedelta(minutes=1))  # the sweep runs again: nothing new
    await run_jobs()
    reminders = list(
        await session.scalars(select(Notification).where(Notification.kind == "shift.reminder"))
    )
    assert [n.account_id for n in reminders] == [v.login.account.id]


async def test_listing_activities_with_shifts_costs_the_same_statements_for_10_or_50(
    session, settings, gql, app
):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    for k in range(12):
        await community_activity(
            session,
            settings,
            organizer,
            w.community_a1,
            title=f"活动{k}",
            shifts=[(T0 + (k + 1) * HOUR, T0 + (k + 2) * HOUR, 3)] * 2,
        )
    v = await volunteer(session, settings)
    query = """query($n: Int!) { activities(first: $n) { edges { node {
      title region { code } shifts { placesLeft mySignup { status } activity { title } } } } } }"""
    engine = app.state.mm.engine.sync_engine
    counts = []
    for n in (3, 12):
        statements: list[str] = []

        def on_execute(conn, cursor, statement, *args, _s=statements):
            _s.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            data = await gql(query, {"n": n}, token=v.token)
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
        assert len(data["activities"]["edges"]) == n
        counts.append(len(statements))
    assert counts[0] == counts[1]
