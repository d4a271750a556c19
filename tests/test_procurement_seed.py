"""The demo data has projects in every state, each consistent with the rules of its state."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.models import Bid, Contract, Milestone, Payment, PerformanceEvaluation, Project
from matchmaker.models.procurement import BidStatus, ProjectStatus
from matchmaker.seed import run_seed
from matchmaker.services.audit import verify_chain


async def test_the_demo_city_has_a_project_in_every_state(settings, session, session_factory):
    await run_seed(settings, scale="small", seed=1, quiet=True)
    states = set(await session.scalars(select(Project.status).distinct()))
    assert states == set(ProjectStatus)
    assert (await verify_chain(session)).ok


async def test_seeded_money_follows_the_rules(settings, session, session_factory):
    await run_seed(settings, scale="small", seed=1, quiet=True)
    for contract in await session.scalars(select(Contract)):
        bid = await session.get(Bid, contract.bid_id)
        project = await session.get(Project, contract.project_id)
        assert contract.amount_fen <= bid.price_fen <= project.budget_ceiling_fen
        shares = await session.scalar(
            select(func.sum(Milestone.share_bp)).where(Milestone.contract_id == contract.id)
        )
        assert shares == 10000
        paid = await session.scalar(
            select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
                Payment.contract_id == contract.id
            )
        )
        assert paid == contract.paid_fen <= contract.amount_fen
        for payment in await session.scalars(
            select(Payment).where(Payment.contract_id == contract.id)
        ):
            assert contract.start_date <= payment.paid_on <= contract.end_date
    evaluated = await session.scalar(
        select(func.count()).select_from(Project).where(Project.status == ProjectStatus.EVALUATED)
    )
    assert evaluated == await session.scalar(
        select(func.count()).select_from(PerformanceEvaluation)
    )
    # Sealed until opening: no project open for bids has an opened bid.
    assert not await session.scalar(
        select(func.count())
        .select_from(Bid)
        .join(Project, Project.id == Bid.project_id)
        .where(Project.status == ProjectStatus.OPEN_FOR_BIDS, Bid.status != BidStatus.SUBMITTED)
    )
