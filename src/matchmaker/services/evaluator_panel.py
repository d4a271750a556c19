"""A project's evaluation panel (评审专家组) apart from the scoring: who the bureau may put on
it (the list behind the officer's picker), an evaluator's own assignments, and taking an
evaluator off it.

The rules are :func:`matchmaker.services.evaluation.assign_evaluator`'s, applied to a set
instead of one account: the caller needs ``evaluator.assign`` over the project's region, the
project takes evaluators only while its bids are sealed or just opened, and nobody tied to a
bidding organization or already on the panel is offered. Like ``assign_evaluator``, only
accounts whose evaluator grant covers the project's region count (``evaluate`` is
region-scoped, so anyone else could never score it); on top of that the picker offers only
active accounts holding the expert role (评审专家) — staff and officers are assigned by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from matchmaker.models import Account, Evaluator, Project, Region, RoleGrant, Score
from matchmaker.models.enums import AccountStatus, Role
from matchmaker.models.procurement import ProjectStatus
from matchmaker.services import audit
from matchmaker.services.authz import Capability, require, require_authenticated
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import invalid, not_found
from matchmaker.services.evaluation import live_bidder_grants
from matchmaker.services.notifications import notify
from matchmaker.services.pagination import check_page_size
from matchmaker.services.procurement import expect_state, load_in_scope
from matchmaker.services.validation import check_text_filter, mask_phone

MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class EvaluatorCandidate:
    account_id: int
    display_name: str
    masked_phone: str | None


def ancestor_paths(path: str) -> list[str]:
    """``/a/b/c/`` → ``/a/``, ``/a/b/``, ``/a/b/c/``: the regions whose subtree holds ``path``."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


async def evaluator_candidates(
    sc: ServiceContext,
    *,
    project_id: int,
    text: str | None = None,
    first: int | None = None,
) -> list[EvaluatorCandidate]:
    """Experts the caller may assign to the project's panel, by display name (bureau officer).

    ``text`` narrows to display names containing it; at most ``first`` (≤ 100) come back.
    """
    scope = require(sc.actor, Capability.EVALUATOR_ASSIGN)
    size = check_page_size(first)
    needle = (text or "").strip()
    check_text_filter(needle)
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope)
    expect_state(project, ProjectStatus.OPEN_FOR_BIDS, ProjectStatus.BIDS_OPENED)

    experts_over_project = (
        select(RoleGrant.account_id)
        .join(Region, Region.id == RoleGrant.region_id)
        .where(RoleGrant.role == Role.EXPERT, Region.path.in_(ancestor_paths(path)))
    )
    if project.status is ProjectStatus.BIDS_OPENED:
        # The bidders are public now: leave out exactly the people assign_evaluator refuses.
        tied = live_bidder_grants(project.id, RoleGrant.account_id)
    else:
        # Before the opening, who has bid is sealed (docs/procurement.md): a list that dropped
        # only the bidders' people would name the bidders. Leave out everyone holding a grant in any
        # organization instead, so the list does not depend on the bids; assign_evaluator refuses
        # the same people before the opening, with one answer for all of them.
        tied = select(RoleGrant.account_id).where(RoleGrant.organization_id.is_not(None))
    on_panel = select(Evaluator.account_id).where(Evaluator.project_id == project.id)

    stmt = select(Account.id, Account.display_name, Account.phone).where(
        Account.id.in_(experts_over_project),
        Account.status == AccountStatus.ACTIVE,
        Account.id.not_in(tied),
        Account.id.not_in(on_panel),
    )
    if needle:
        stmt = stmt.where(Account.display_name.icontains(needle, autoescape=True))
    rows = await session.execute(stmt.order_by(Account.display_name, Account.id).limit(size))
    return [
        EvaluatorCandidate(account_id=pk, display_name=name, masked_phone=mask_phone(phone))
        for pk, name, phone in rows
    ]


def my_evaluations_statement(sc: ServiceContext) -> Select[Any]:
    """The projects on whose panel the caller sits (community staff, bureau officers, experts).

    Only the caller's own assignments, and only projects inside the region of one of their
    evaluator grants — the ones they can actually score; an assignment left over from a grant
    since moved elsewhere is not listed.
    """
    scope = require(sc.actor, Capability.EVALUATE)
    account_id = require_authenticated(sc.actor)
    return (
        select(Project)
        .join(Region, Region.id == Project.region_id)
        .where(
            Project.id.in_(select(Evaluator.project_id).where(Evaluator.account_id == account_id)),
            scope.region_clause(Region.path),
        )
    )


async def remove_evaluator(sc: ServiceContext, *, evaluator_id: int, reason: str) -> Project:
    """Take an evaluator off a panel, with a reason (bureau officer); returns the project.

    What unblocks an award held up (``SCORES_INCOMPLETE``) by an evaluator who can no longer
    score — a disabled account, or someone whose organization has turned out to be a bidder —
    so the bureau can seat someone else with ``assignEvaluator``, whose rules apply as ever.
    Allowed in the states that take evaluators (``OPEN_FOR_BIDS``, ``BIDS_OPENED``) under the
    project row lock; the evaluator's scores go with them (only their number is audited).
    Nothing here depends on the bids, so before the opening the answer names no bidder; an
    evaluator of a project outside the caller's region is ``NOT_FOUND``, like a missing one.
    """
    scope = require(sc.actor, Capability.EVALUATOR_ASSIGN)
    session = sc.session
    project_id = await session.scalar(
        select(Evaluator.project_id)
        .join(Project, Project.id == Evaluator.project_id)
        .join(Region, Region.id == Project.region_id)
        .where(Evaluator.id == evaluator_id, scope.region_clause(Region.path))
    )
    if project_id is None:
        raise not_found("Evaluator")
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    expect_state(project, ProjectStatus.OPEN_FOR_BIDS, ProjectStatus.BIDS_OPENED)
    evaluator = await session.scalar(
        select(Evaluator)
        .where(Evaluator.id == evaluator_id)
        .execution_options(populate_existing=True)
    )
    if evaluator is None:  # removed by someone else while we waited for the lock
        raise not_found("Evaluator")
    reason = reason.strip()
    if not 2 <= len(reason) <= MAX_REASON:
        raise invalid("reason", f"Say why (2 to {MAX_REASON} characters)")
    scores = list(await session.scalars(select(Score).where(Score.evaluator_id == evaluator.id)))
    account_id = evaluator.account_id
    for score in scores:
        await session.delete(score)
    await session.flush()
    await session.delete(evaluator)
    await session.flush()
    await audit.record(
        sc,
        action="evaluator.remove",
        subject_type="Evaluator",
        subject_id=evaluator_id,
        before={"project_id": project.id, "account_id": account_id},
        after={"reason": reason, "scores_discarded": len(scores)},
        region_path=path,
    )
    await notify(
        session,
        [account_id],
        code="evaluator.removed",
        params={"project": project.title},
        text="评审任务已取消",
        body=f"您已不再担任「{project.title}」的评审专家。",
        subject_type="Project",
        subject_id=project.id,
        dedupe=f"evaluator.removed:{evaluator_id}",
    )
    return project
