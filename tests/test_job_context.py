"""Every job acts in one context: the platform itself, request id ``job:<id>``, so the audit
rows a job writes name the job, not the command line (docs/architecture.md, "Jobs")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

import matchmaker.jobs.tasks  # noqa: F401  (registers every job)
from matchmaker import clock
from matchmaker.jobs.context import service_context
from matchmaker.models import AuditEvent, OutboxJob, Signup
from matchmaker.models.enums import JobStatus
from matchmaker.models.procurement import ProjectStatus
from matchmaker.models.volunteering import SignupStatus
from matchmaker.queue.outbox import schedule
from matchmaker.queue.registry import JobContext
from matchmaker.queue.runner import execute
from matchmaker.services import signups
from matchmaker.services.authz import SYSTEM
from matchmaker.services.context import ServiceContext
from tests import factories
from tests.procurement_support import START, YUAN, city, make_bid, make_project
from tests.volunteering_helpers import (
    HOUR,
    T0,
    community_activity,
    many_volunteers,
    staff,
    volunteer_actor,
)


async def _as(
    session_factory, settings, account_id: int, action: Callable[[ServiceContext], Awaitable[Any]]
) -> Any:
    async with session_factory() as session, session.begin():
        sc = ServiceContext(session=session, actor=volunteer_actor(account_id), settings=settings)
        return await action(sc)


async def _audit_rows(session_factory, action: str) -> list[tuple[int | None, str | None]]:
    async with session_factory() as s:
        rows = await s.execute(
            select(AuditEvent.actor_account_id, AuditEvent.request_id).where(
                AuditEvent.action == action
            )
        )
        return [tuple(r) for r in rows]


def test_a_job_context_is_the_platform_with_the_job_in_the_request_id(session, settings):
    sc = service_context(JobContext(session=session, settings=settings, job_id=42, args={}))
    assert sc.actor is SYSTEM and sc.request_id == "job:42"


async def test_the_bid_opening_job_audits_as_the_job(session, settings, session_factory):
    clock.freeze(START)
    c = await city(session, settings)
    deadline = START + dt.timedelta(days=21)
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=deadline
    )
    for i, b in enumerate(c.bidders):
        await make_bid(session, project, b.org, price_fen=(100_000 + i) * YUAN)
    async with session_factory() as s:
        job_id = await s.scalar(select(OutboxJob.id).where(OutboxJob.name == "open_bids"))
    assert job_id is not None
    clock.freeze(deadline + dt.timedelta(seconds=1))

    assert await execute(session_factory, settings, job_id) is JobStatus.DONE

    assert await _audit_rows(session_factory, "project.bids_opened") == [(None, f"job:{job_id}")]


async def test_the_waitlist_expiry_job_audits_as_the_job_not_the_command_line(
    session, settings, session_factory
):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + 5 * HOUR, T0 + 7 * HOUR, 1)]
    )
    people = await many_volunteers(session, 2, w.community_a1)
    ids = [
        (
            await _as(
                session_factory,
                settings,
                account_id,
                lambda sc: signups.sign_up(sc, shift_id=shift.id),
            )
        ).id
        for account_id, _ in people
    ]
    await _as(
        session_factory,
        settings,
        people[0][0],
        lambda sc: signups.cancel_signup(sc, signup_id=ids[0]),
    )
    clock.freeze(T0 + 2 * HOUR + dt.timedelta(minutes=1))  # the offer is past its deadline
    async with session_factory() as s, s.begin():
        job_id = await schedule(s, "expire_waitlist_offers")

    assert await execute(session_factory, settings, job_id) is JobStatus.DONE

    async with session_factory() as s:
        status = await s.scalar(select(Signup.status).where(Signup.id == ids[1]))
    assert status is SignupStatus.EXPIRED
    assert await _audit_rows(session_factory, "signup.offer_expired") == [(None, f"job:{job_id}")]
