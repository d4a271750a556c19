"""Races on PostgreSQL: a bid against the deadline, the opening run twice, the last payment."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select, text

from matchmaker import clock
from matchmaker.models import AuditEvent, Bid, Contract, OutboxJob, Payment, Project
from matchmaker.models.procurement import (
    BidStatus,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
)
from matchmaker.queue.runner import execute
from matchmaker.services import bids as bid_service
from matchmaker.services import contracts as contract_service
from matchmaker.services.accounts import actor_for_token
from matchmaker.services.authz import ANONYMOUS
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError
from tests.procurement_support import (
    START,
    YUAN,
    city,
    make_bid,
    make_contract,
    make_project,
    relogin,
)

pytestmark = pytest.mark.postgres_only


async def _until_someone_waits_on_a_lock(session_factory) -> None:
    """Bounded polling of pg_stat_activity until a backend is blocked on a row lock."""
    for _ in range(200):
        async with session_factory() as s:
            waiting = await s.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("nobody blocked on the lock")


async def _scalar(session_factory, stmt):
    async with session_factory() as s:
        return await s.scalar(stmt)


async def test_the_opening_job_delivered_twice_at_once_opens_once(
    session, settings, session_factory
):
    clock.freeze(START)
    c = await city(session, settings)
    deadline = START + dt.timedelta(days=21)
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=deadline
    )
    for i, b in enumerate(c.bidders):
        await make_bid(session, project, b.org, price_fen=(100_000 + i) * YUAN)
    job_id = await _scalar(
        session_factory, select(OutboxJob.id).where(OutboxJob.name == "open_bids")
    )
    clock.freeze(deadline + dt.timedelta(seconds=1))

    await asyncio.gather(
        execute(session_factory, settings, job_id), execute(session_factory, settings, job_id)
    )

    assert (
        await _scalar(session_factory, select(Project.status).where(Project.id == project.id))
        is ProjectStatus.BIDS_OPENED
    )
    assert (
        await _scalar(
            session_factory,
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "project.bids_opened"),
        )
        == 1
    )


async def test_two_openings_racing_in_the_service_change_the_project_once(
    session, settings, session_factory
):
    clock.freeze(START)
    c = await city(session, settings)
    deadline = START + dt.timedelta(days=21)
    project = await make_project(
        session, c.community, status=ProjectStatus.OPEN_FOR_BIDS, deadline=deadline
    )
    for b in c.bidders:
        await make_bid(session, project, b.org, price_fen=100_000 * YUAN)
    clock.freeze(deadline + dt.timedelta(seconds=1))

    async def open_once(job_id: int) -> bool:
        async with session_factory() as s, s.begin():
            sc = ServiceContext(session=s, actor=ANONYMOUS, settings=settings, request_id="race")
            return (await bid_service.open_bids(sc, project_id=project.id, job_id=job_id)).did_open

    results = await asyncio.gather(open_once(1), open_once(2))
    assert sorted(results) == [False, True]
    assert (
        await _scalar(
            session_factory,
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "project.bids_opened"),
        )
        == 1
    )


async def test_a_bid_holding_the_lock_before_the_deadline_is_opened_with_the_others(
    session, settings, session_factory
):
    clock.freeze(START)
    c = await city(session, settings)
    deadline = START + dt.timedelta(days=21)
    project = await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        deadline=deadline,
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
    )
    clock.freeze(deadline - dt.timedelta(seconds=1))
    await relogin(session, settings, c)
    bidder = c.bidders[0]
    async with session_factory() as bid_session:
        await bid_session.begin()
        sc = ServiceContext(
            session=bid_session,
            actor=await actor_for_token(bid_session, bidder.admin.token),
            settings=settings,
        )
        await bid_service.submit_bid(
            sc,
            project_id=project.id,
            organization_id=bidder.org.id,
            price_fen=100_000 * YUAN,
            technical_proposal="压线方案",
            volunteer_plan="",
            team=[],
        )
        clock.freeze(deadline + dt.timedelta(seconds=1))

        async def opening() -> int:
            async with session_factory() as s, s.begin():
                sc2 = ServiceContext(
                    session=s, actor=ANONYMOUS, settings=settings, request_id="job"
                )
                return (await bid_service.open_bids(sc2, project_id=project.id, job_id=99)).opened

        task = asyncio.create_task(opening())
        await _until_someone_waits_on_a_lock(session_factory)  # the opening waits on the row
        await bid_session.commit()
        assert await task == 1
    assert await _scalar(session_factory, select(Bid.status)) is BidStatus.OPENED


async def test_a_bid_waiting_on_the_opening_is_refused_once_it_gets_the_lock(
    session, settings, session_factory
):
    clock.freeze(START)
    c = await city(session, settings)
    deadline = START + dt.timedelta(days=21)
    project = await make_project(
        session,
        c.community,
        status=ProjectStatus.OPEN_FOR_BIDS,
        deadline=deadline,
        method=ProcurementMethod.COMPETITIVE_NEGOTIATION,
    )
    bidder = c.bidders[0]
    clock.freeze(deadline - dt.timedelta(seconds=1))
    await relogin(session, settings, c)
    async with session_factory() as opener:
        await opener.begin()
        await opener.execute(
            text("SELECT id FROM projects WHERE id = :id FOR UPDATE"), {"id": project.id}
        )

        async def bid() -> str:
            async with session_factory() as s, s.begin():
                sc = ServiceContext(
                    session=s, actor=await actor_for_token(s, bidder.admin.token), settings=settings
                )
                try:
                    await bid_service.submit_bid(
                        sc,
                        project_id=project.id,
                        organization_id=bidder.org.id,
                        price_fen=100_000 * YUAN,
                        technical_proposal="压线方案",
                        volunteer_plan="",
                        team=[],
                    )
                except DomainError as exc:
                    return exc.code
                return "ACCEPTED"

        task = asyncio.create_task(bid())
        # the bid, started before the deadline, waits on the row lock
        await _until_someone_waits_on_a_lock(session_factory)
        clock.freeze(deadline + dt.timedelta(seconds=1))
        sc = ServiceContext(session=opener, actor=ANONYMOUS, settings=settings, request_id="job")
        result = await bid_service.open_bids(sc, project_id=project.id, job_id=7)
        await opener.commit()
    assert result.opened == 0
    assert await task in {"INVALID_STATE", "BID_DEADLINE_PASSED"}
    assert await _scalar(session_factory, select(func.count()).select_from(Bid)) == 0


async def test_two_payments_racing_for_the_last_of_the_contract_one_succeeds(
    session, settings, session_factory
):
    clock.freeze(START)
    c = await city(session, settings, bidders=1)
    project = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    bid = await make_bid(session, project, c.bidders[0].org, price_fen=100_000 * YUAN, opened=True)
    contract, milestones = await make_contract(
        session,
        project,
        bid,
        milestone_status=MilestoneStatus.ACCEPTED,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )
    milestones[1].status = MilestoneStatus.ACCEPTED
    await session.commit()
    bureau_actor = await actor_for_token(session, c.bureau.token)
    await session.commit()

    async def pay(milestone_id: int, amount: int, voucher: str) -> str:
        async with session_factory() as s, s.begin():
            sc = ServiceContext(session=s, actor=bureau_actor, settings=settings)
            try:
                await contract_service.record_payment(
                    sc,
                    milestone_id=milestone_id,
                    amount_fen=amount,
                    paid_on=dt.date(2026, 3, 1),
                    voucher_number=voucher,
                )
            except DomainError as exc:
                return exc.code
            return "PAID"

    assert await pay(milestones[1].id, 50_000 * YUAN, "PZ-A") == "PAID"
    assert await pay(milestones[0].id, 40_000 * YUAN, "PZ-B") == "PAID"
    results = await asyncio.gather(
        pay(milestones[0].id, 10_000 * YUAN, "PZ-C"), pay(milestones[0].id, 10_000 * YUAN, "PZ-D")
    )
    assert sorted(results) == ["PAID", "PAYMENT_EXCEEDS_LIMIT"]
    assert (
        await _scalar(session_factory, select(Contract.paid_fen).where(Contract.id == contract.id))
        == 100_000 * YUAN
    )
    assert await _scalar(session_factory, select(func.sum(Payment.amount_fen))) == 100_000 * YUAN
