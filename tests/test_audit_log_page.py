"""The audit log page's query: each event's actor name and roles and region name, the filters
(actor, action, subject, region, Beijing days), the scope, and a statement count that does
not grow with the page (docs/oversight.md, "The audit log page")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event

from matchmaker import clock
from matchmaker.models import Region
from matchmaker.models.enums import Role
from matchmaker.services import audit
from matchmaker.services.bootstrap import system_context
from tests import factories
from tests.procurement_support import gid

EVENTS = """query($f: Int, $a: String, $t: String, $s: Int, $actor: Int, $r: ID,
  $since: Date, $until: Date) {
  auditEvents(first: $f, action: $a, subjectType: $t, subjectId: $s, actorAccountId: $actor,
    regionId: $r, since: $since, until: $until) {
    nodes { action subjectType subjectId actorAccountId actorName actorRoles regionPath
      regionName at before after } } }"""

# 23:30 on 10 March in Beijing is 15:30 UTC; 00:30 on 11 March in Beijing is 16:30 UTC on the 10th.
LATE_ON_THE_10TH = dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC)
EARLY_ON_THE_11TH = dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC)


async def _record(
    session: Any,
    settings: Any,
    *,
    at: dt.datetime,
    actor_id: int | None,
    action: str,
    region: Region | None,
    subject_type: str = "Project",
    subject_id: int = 1,
) -> None:
    clock.freeze(at)
    sc = system_context(session, settings)
    await audit.record(
        sc,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before={"status": "DRAFT"},
        after={"status": "SUBMITTED"},
        region_path=region.path if region else None,
        actor_id=actor_id,
    )
    await session.commit()


async def _nodes(gql: Any, token: str, **variables: Any) -> list[dict[str, Any]]:
    body = await gql(EVENTS, {"f": 100, **variables}, token=token)
    nodes: list[dict[str, Any]] = body["auditEvents"]["nodes"]
    return nodes


async def test_an_event_names_its_actor_roles_and_region(gql, session, settings):
    w = await factories.world(session)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.district)
    staff = await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=w.community_a1
    )
    await _record(
        session,
        settings,
        at=LATE_ON_THE_10TH,
        actor_id=staff.account.id,
        action="project.submit",
        region=w.community_a1,
    )
    await _record(
        session, settings, at=LATE_ON_THE_10TH, actor_id=None, action="job.run", region=w.district
    )
    clock.reset()
    nodes = await _nodes(gql, auditor.token, a="project.submit")
    assert len(nodes) == 1
    node = nodes[0]
    assert node["actorName"] == staff.account.display_name
    assert node["actorRoles"] == ["COMMUNITY_STAFF"]
    assert node["regionName"] == "朝山街社区"
    assert node["before"] == {"status": "DRAFT"} and node["after"] == {"status": "SUBMITTED"}
    system = await _nodes(gql, auditor.token, a="job.run")
    assert [(n["actorName"], n["actorRoles"], n["regionName"]) for n in system] == [
        (None, [], "历下区")
    ]


async def test_the_filters_narrow_by_actor_action_subject_region_and_beijing_day(
    gql, session, settings
):
    w = await factories.world(session)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.district)
    one = await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=w.street_a)
    two = await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=w.street_b)
    await _record(
        session,
        settings,
        at=LATE_ON_THE_10TH,
        actor_id=one.account.id,
        action="project.create",
        region=w.community_a1,
        subject_id=7,
    )
    await _record(
        session,
        settings,
        at=EARLY_ON_THE_11TH,
        actor_id=two.account.id,
        action="project.submit",
        region=w.community_b1,
        subject_id=8,
    )
    await _record(
        session,
        settings,
        at=EARLY_ON_THE_11TH,
        actor_id=one.account.id,
        action="activity.create",
        region=w.community_a2,
        subject_type="Activity",
        subject_id=7,
    )
    clock.reset()

    def keys(nodes: list[dict[str, Any]]) -> list[tuple[str, int]]:
        return sorted((n["action"], n["subjectId"]) for n in nodes)

    by_actor = await _nodes(gql, auditor.token, actor=one.account.id)
    assert keys(by_actor) == [("activity.create", 7), ("project.create", 7)]
    assert keys(await _nodes(gql, auditor.token, a="project.submit")) == [("project.submit", 8)]
    assert keys(await _nodes(gql, auditor.token, t="Project", s=7)) == [("project.create", 7)]
    street_a = await _nodes(gql, auditor.token, r=gid("Region", w.street_a.id))
    assert keys(street_a) == [("activity.create", 7), ("project.create", 7)]
    # Days are Beijing days: 00:30 on the 11th belongs to the 11th though it is the 10th in UTC.
    assert keys(await _nodes(gql, auditor.token, since="2026-03-10", until="2026-03-10")) == [
        ("project.create", 7)
    ]
    assert keys(await _nodes(gql, auditor.token, since="2026-03-11")) == [
        ("activity.create", 7),
        ("project.submit", 8),
    ]


async def test_a_region_outside_the_scope_is_not_found_and_days_in_the_wrong_order_are_refused(
    gql, session, settings
):
    w = await factories.world(session)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_a)
    other = await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=w.street_b)
    await _record(
        session,
        settings,
        at=LATE_ON_THE_10TH,
        actor_id=other.account.id,
        action="project.create",
        region=w.community_b1,
    )
    clock.reset()
    assert await _nodes(gql, auditor.token, actor=other.account.id) == []
    body = await gql(
        EVENTS, {"r": gid("Region", w.street_b.id)}, token=auditor.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await gql(
        EVENTS,
        {"since": "2026-03-11", "until": "2026-03-10"},
        token=auditor.token,
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_the_page_costs_the_same_statements_for_few_or_many_actors_and_regions(
    gql, session, settings, app
):
    w = await factories.world(session)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.district)
    regions = [w.community_a1, w.community_a2, w.community_b1, w.street_a, w.street_b]
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def add(n: int) -> None:
        for i in range(n):
            actor = await factories.account(
                session, settings, role=Role.COMMUNITY_STAFF, region=regions[i % len(regions)]
            )
            await _record(
                session,
                settings,
                at=LATE_ON_THE_10TH,
                actor_id=actor.account.id,
                action="project.update",
                region=regions[i % len(regions)],
                subject_id=i,
            )
        clock.reset()

    async def run() -> int:
        statements.clear()
        event.listen(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        try:
            nodes = await _nodes(gql, auditor.token, a="project.update")
        finally:
            event.remove(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        assert all(n["actorName"] and n["regionName"] for n in nodes)
        return len(statements)

    await add(2)
    few = await run()
    await add(10)
    many = await run()
    assert few == many
