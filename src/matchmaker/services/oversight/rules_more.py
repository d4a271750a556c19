"""The audit rules about ties, patterns and double counting (docs/oversight.md, "Rules").

Registered in :data:`matchmaker.services.oversight.rules.RULES` like the others: an evaluator
tied to a bidder, one organization winning repeatedly in one community, the single-source share
of a community's awards, regular price patterns and bids clustering under the ceiling, a
contracted organization's staff logging volunteer hours on its own project, the same
beneficiary in the reports of concurrent projects, and the audit chain's standing alarm. Bid
rules read opened bids only; beneficiary evidence holds counts, never identities or hashes.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import defaultdict
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import (
    Account,
    Activity,
    AuditEvent,
    Bid,
    Contract,
    Evaluator,
    Milestone,
    Organization,
    ProgressReport,
    Project,
    Region,
    ReportBeneficiary,
    RoleGrant,
    ServiceRecord,
    SocialWorker,
    SocialWorkerMembership,
    Volunteer,
)
from matchmaker.models.organizations import MembershipStatus
from matchmaker.models.procurement import BidStatus, ProcurementMethod, ReportStatus
from matchmaker.services.oversight.rules import (
    OPENED_BID_STATUSES,
    H,
    Hit,
    M,
    _live_approved,
    rule,
)

#: The region path of a finding about the whole installation (the audit chain): every auditor
#: reads and decides it, whatever their region (docs/oversight.md, "Who sees what").
INSTALLATION_PATH = "/"

#: Audit actions that end an account's link to an organization (docs/oversight.md).
_LINK_ENDED = ("role_grant.revoke", "organization.staff.remove")


def _months_before(when: dt.datetime, months: int) -> dt.datetime:
    """The same instant ``months`` calendar months earlier (the day clamped to the month)."""
    month0 = when.month - 1 - months
    year, month = when.year + month0 // 12, month0 % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, monthrange(year, month)[1]))


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --- procedure --------------------------------------------------------------------------------


@rule("EVALUATOR_TIED_TO_BIDDER", H, 4, "An evaluator is tied to a bidding organization")
async def evaluator_tied_to_bidder(session: AsyncSession, settings: Settings) -> list[Hit]:
    """An evaluator of a project whose opened bids include an organization the evaluator
    belongs to (a role in it or active staff), belonged to within the setting's months before
    the assignment (the audit log's revocations and staff removals), or whose legal
    representative is also that of an organization the evaluator belongs to."""
    panel = (
        await session.execute(
            select(
                Evaluator.id,
                Evaluator.account_id,
                Evaluator.created_at,
                Account.display_name,
                Project.id,
                Project.title,
                Project.budget_ceiling_fen,
                Region.path,
            )
            .join(Project, Project.id == Evaluator.project_id)
            .join(Region, Region.id == Project.region_id)
            .join(Account, Account.id == Evaluator.account_id)
            .where(Project.opened_at.is_not(None))
            .order_by(Evaluator.id)
        )
    ).all()
    if not panel:
        return []
    project_ids = sorted({row[4] for row in panel})
    account_ids = sorted({row[1] for row in panel})
    bidders: dict[int, list[int]] = defaultdict(list)
    for pid, oid in await session.execute(
        select(Bid.project_id, Bid.organization_id)
        .where(
            Bid.project_id.in_(project_ids),
            Bid.opened_at.is_not(None),
            Bid.status != BidStatus.WITHDRAWN,
        )
        .order_by(Bid.organization_id)
    ):
        bidders[pid].append(oid)
    # Current links: a role in the organization, or active staff of it.
    current: dict[int, set[int]] = defaultdict(set)
    for grant_account, grant_org in await session.execute(
        select(RoleGrant.account_id, RoleGrant.organization_id).where(
            RoleGrant.account_id.in_(account_ids), RoleGrant.organization_id.is_not(None)
        )
    ):
        if grant_org is not None:
            current[grant_account].add(grant_org)
    workers: dict[int, int] = {}
    for wid, aid in await session.execute(
        select(SocialWorker.id, SocialWorker.account_id).where(
            SocialWorker.account_id.in_(account_ids)
        )
    ):
        workers[wid] = aid
    if workers:
        for wid, oid in await session.execute(
            select(
                SocialWorkerMembership.social_worker_id, SocialWorkerMembership.organization_id
            ).where(
                SocialWorkerMembership.social_worker_id.in_(sorted(workers)),
                SocialWorkerMembership.status == MembershipStatus.ACTIVE,
            )
        ):
            current[workers[wid]].add(oid)
    # Ended links, from the audit log, since the earliest window start of any assignment.
    months = settings.oversight_evaluator_link_months
    earliest = min(_months_before(row[2], months) for row in panel)
    ended: dict[tuple[int, int], dt.datetime] = {}
    for action, subject_id, before, at in await session.execute(
        select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.before, AuditEvent.at).where(
            AuditEvent.action.in_(_LINK_ENDED), AuditEvent.at >= earliest
        )
    ):
        data = before or {}
        who: Any = data.get("account_id")
        where: Any = data.get("organization_id")
        if action != "role_grant.revoke":
            who, where = workers.get(int(data.get("social_worker_id") or 0)), subject_id
        if isinstance(who, int) and isinstance(where, int) and who in account_ids:
            key = (who, where)
            ended[key] = max(ended.get(key, at), at)
    org_ids = {o for orgs in bidders.values() for o in orgs} | {
        o for orgs in current.values() for o in orgs
    }
    representative = {
        oid: (rep or "").strip()
        for oid, rep in await session.execute(
            select(Organization.id, Organization.legal_representative).where(
                Organization.id.in_(sorted(org_ids))
            )
        )
    }
    hits = []
    for eid, aid, assigned_at, name, pid, title, budget, path in panel:
        window_start = _months_before(assigned_at, months)
        ties: list[dict[str, Any]] = []
        for oid in bidders.get(pid, []):
            if oid in current[aid]:
                ties.append({"organizationId": oid, "tie": "member"})
                continue
            left = ended.get((aid, oid))
            if left is not None and left >= window_start:
                ties.append(
                    {
                        "organizationId": oid,
                        "tie": "formerMember",
                        "endedOn": left.astimezone(clock.SHANGHAI).date().isoformat(),
                    }
                )
                continue
            rep = representative.get(oid, "")
            sisters = sorted(
                o for o in current[aid] if o != oid and rep and representative.get(o) == rep
            )
            if sisters:
                ties.append(
                    {
                        "organizationId": oid,
                        "tie": "sameLegalRepresentative",
                        "viaOrganizationIds": sisters,
                    }
                )
        if ties:
            hits.append(
                Hit(
                    "Evaluator",
                    eid,
                    f"{title} · 评标委员 {name}",
                    path,
                    {
                        "projectId": pid,
                        "evaluatorAccountId": aid,
                        "ties": ties,
                        "windowMonths": months,
                    },
                    int(budget),
                )
            )
    return hits


async def _awards(session: AsyncSession, since: dt.datetime) -> list[Any]:
    """Projects awarded since ``since``: community, method, winner and winning price."""
    return list(
        (
            await session.execute(
                select(
                    Project.id,
                    Project.region_id,
                    Project.procurement_method,
                    Bid.organization_id,
                    Bid.price_fen,
                    Region.name,
                    Region.path,
                )
                .join(Bid, Bid.id == Project.awarded_bid_id)
                .join(Region, Region.id == Project.region_id)
                .where(Project.awarded_at.is_not(None), Project.awarded_at >= since)
                .order_by(Project.region_id, Project.id)
            )
        ).all()
    )


@rule("SINGLE_SOURCE_SHARE", M, 3, "Single-source share of a community's awards above the limit")
async def single_source_share(session: AsyncSession, settings: Settings) -> list[Hit]:
    """Within the window, a community (the purchasing unit) whose single-source awards make up
    more than the setting's share of its awarded value, with at least the minimum of awards."""
    window = settings.oversight_single_source_window_days
    rows = await _awards(session, clock.now() - dt.timedelta(days=window))
    by_community: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_community[row.region_id].append(row)
    hits = []
    for community_id, awards in by_community.items():
        if len(awards) < settings.oversight_single_source_min_awards:
            continue
        total = sum(int(a.price_fen) for a in awards)
        single = [a for a in awards if a.procurement_method is ProcurementMethod.SINGLE_SOURCE]
        single_fen = sum(int(a.price_fen) for a in single)
        if single_fen * 100 <= settings.oversight_single_source_share_pct * total:
            continue
        first = awards[0]
        hits.append(
            Hit(
                "Region",
                community_id,
                first.name,
                first.path,
                {
                    "awards": len(awards),
                    "singleSourceAwards": len(single),
                    "awardedFen": total,
                    "singleSourceFen": single_fen,
                    "sharePct": _pct(single_fen, total),
                    "limitPct": settings.oversight_single_source_share_pct,
                    "windowDays": window,
                    "projectIds": [a.id for a in single],
                },
                single_fen,
            )
        )
    return hits


# --- collusion signs --------------------------------------------------------------------------


@rule("REPEATED_WINS", M, 3, "One organization wins most of a community's awards")
async def repeated_wins(session: AsyncSession, settings: Settings) -> list[Hit]:
    """Within the window, an organization holding at least the minimum number of a
    community's awards and at least the setting's share of them (the top one; ties to the
    lower id)."""
    window = settings.oversight_repeat_win_window_days
    rows = await _awards(session, clock.now() - dt.timedelta(days=window))
    by_community: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_community[row.region_id].append(row)
    hits = []
    for community_id, awards in by_community.items():
        wins: dict[int, list[Any]] = defaultdict(list)
        for a in awards:
            wins[a.organization_id].append(a)
        org_id, won = min(wins.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(won) < settings.oversight_repeat_win_min_count:
            continue
        if len(won) * 100 < settings.oversight_repeat_win_share_pct * len(awards):
            continue
        value = sum(int(a.price_fen) for a in won)
        first = awards[0]
        hits.append(
            Hit(
                "Region",
                community_id,
                first.name,
                first.path,
                {
                    "organizationId": org_id,
                    "wins": len(won),
                    "awards": len(awards),
                    "sharePct": _pct(len(won), len(awards)),
                    "awardedFen": value,
                    "windowDays": window,
                    "projectIds": [a.id for a in won],
                },
                value,
            )
        )
    return hits


async def _opened_prices(session: AsyncSession) -> dict[int, tuple[Any, list[int]]]:
    """Per project with opened bids: (project row, the opened bids' prices ascending)."""
    rows = await session.execute(
        select(Project.id, Project.title, Project.budget_ceiling_fen, Region.path, Bid.price_fen)
        .join(Region, Region.id == Project.region_id)
        .join(Bid, Bid.project_id == Project.id)
        .where(
            Project.opened_at.is_not(None),
            Bid.opened_at.is_not(None),
            Bid.status.in_(OPENED_BID_STATUSES),
        )
        .order_by(Project.id, Bid.price_fen)
    )
    out: dict[int, tuple[Any, list[int]]] = {}
    for pid, title, budget, path, price in rows.all():
        out.setdefault(pid, ((pid, title, int(budget), path), []))[1].append(int(price))
    return out


def price_patterns(prices: list[int], ceiling: int, tolerance_bp: int) -> list[str]:
    """``STEP`` when the gaps between the ascending prices are equal within ``tolerance_bp`` of
    the ceiling, ``RATIO`` when each price is the same multiple of the one below within
    ``tolerance_bp`` (as a fraction); gaps must be positive (equal prices are another rule)."""
    gaps = [b - a for a, b in pairwise(prices)]
    if len(gaps) < 2 or min(gaps) <= 0:
        return []
    found = []
    if (max(gaps) - min(gaps)) * 10_000 <= tolerance_bp * ceiling:
        found.append("STEP")
    ratios = [b / a for a, b in pairwise(prices)]
    if (max(ratios) - min(ratios)) * 10_000 <= tolerance_bp:
        found.append("RATIO")
    return found


@rule("REGULAR_PRICE_PATTERN", M, 3, "Bid prices in a regular pattern (equal steps or ratios)")
async def regular_price_pattern(session: AsyncSession, settings: Settings) -> list[Hit]:
    """At least the minimum of opened bids whose ascending prices step up by the same amount
    or the same ratio (within the tolerance): prices computed from one another."""
    tolerance = settings.oversight_price_pattern_tolerance_bp
    hits = []
    for (pid, title, budget, path), prices in (await _opened_prices(session)).values():
        if len(prices) < settings.oversight_price_pattern_min_bids:
            continue
        patterns = price_patterns(prices, budget, tolerance)
        if not patterns:
            continue
        hits.append(
            Hit(
                "Project",
                pid,
                title,
                path,
                {
                    "patterns": patterns,
                    "pricesFen": prices,
                    "stepsFen": [b - a for a, b in pairwise(prices)],
                    "budgetCeilingFen": budget,
                    "toleranceBp": tolerance,
                },
                budget,
            )
        )
    return hits


@rule("BIDS_CLUSTER_UNDER_CEILING", M, 2, "Every bid just under the budget ceiling")
async def bids_cluster_under_ceiling(session: AsyncSession, settings: Settings) -> list[Hit]:
    """Two or more opened bids, every one of them at most the setting's basis points below
    the budget ceiling (and not above it): nobody priced to compete."""
    band = settings.oversight_ceiling_cluster_bp
    hits = []
    for (pid, title, budget, path), prices in (await _opened_prices(session)).values():
        if len(prices) < 2:
            continue
        floor = budget * (10_000 - band)
        if not all(p * 10_000 >= floor and p <= budget for p in prices):
            continue
        hits.append(
            Hit(
                "Project",
                pid,
                title,
                path,
                {
                    "pricesFen": prices,
                    "budgetCeilingFen": budget,
                    "bandBp": band,
                    "lowestShareBp": prices[0] * 10_000 // budget,
                },
                budget,
            )
        )
    return hits


# --- delivery ---------------------------------------------------------------------------------


def _beijing_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.SHANGHAI).astimezone(dt.UTC)


@rule("STAFF_LOGGING_VOLUNTEER_HOURS", M, 3, "Paid staff logging volunteer hours on their project")
async def staff_logging_volunteer_hours(session: AsyncSession, settings: Settings) -> list[Hit]:
    """Approved volunteer records, within the contract period, on the activities of a
    contracted project by a person who is active staff (a social worker with an active
    membership) of the contracted organization: paid and counted as volunteering at once.
    One finding per contract and person, on their first such record."""
    rec = ServiceRecord
    rows = await session.execute(
        select(
            rec.id,
            rec.volunteer_id,
            rec.starts_at,
            rec.minutes,
            rec.region_path,
            Contract.id,
            Contract.organization_id,
            Contract.start_date,
            Contract.end_date,
            Project.id,
            Project.title,
            SocialWorker.id,
        )
        .join(Activity, Activity.id == rec.activity_id)
        .join(Project, Project.id == Activity.project_id)
        .join(Contract, Contract.project_id == Project.id)
        .join(Volunteer, Volunteer.id == rec.volunteer_id)
        .join(SocialWorker, SocialWorker.account_id == Volunteer.account_id)
        .join(
            SocialWorkerMembership,
            (SocialWorkerMembership.social_worker_id == SocialWorker.id)
            & (SocialWorkerMembership.organization_id == Contract.organization_id)
            & (SocialWorkerMembership.status == MembershipStatus.ACTIVE),
        )
        .where(_live_approved(rec))
        .order_by(Contract.id, rec.volunteer_id, rec.id)
    )
    groups: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in rows.all():
        start, end = _beijing_midnight(row[7]), _beijing_midnight(row[8] + dt.timedelta(days=1))
        if start <= row[2] < end:
            groups[(row[5], row[1])].append(row)
    hits = []
    for (cid, vid), records in groups.items():
        first = records[0]
        hits.append(
            Hit(
                "ServiceRecord",
                first[0],
                f"{first[10]} · 志愿者 {vid}",
                first[4],
                {
                    "projectId": first[9],
                    "contractId": cid,
                    "organizationId": first[6],
                    "volunteerId": vid,
                    "socialWorkerId": first[11],
                    "records": len(records),
                    "totalMinutes": sum(int(r[3]) for r in records),
                },
            )
        )
    return hits


@rule("BENEFICIARY_IN_SEVERAL_PROJECTS", M, 3, "Beneficiaries also counted by concurrent projects")
async def beneficiary_in_several_projects(session: AsyncSession, settings: Settings) -> list[Hit]:
    """A submitted or accepted report listing a beneficiary (compared by keyed hash) whom the
    reports of other projects, of other organizations, over an overlapping period also list,
    when the person is in at least the setting's number of projects in all. One finding per
    report; the evidence counts people and names the other reports, never a person."""
    reports = (
        await session.execute(
            select(
                ProgressReport.id,
                ProgressReport.beneficiaries_served,
                ProgressReport.organization_id,
                Milestone.sequence,
                Milestone.due_date,
                Contract.id,
                Contract.start_date,
                Project.id,
                Project.title,
                Region.path,
            )
            .join(Milestone, Milestone.id == ProgressReport.milestone_id)
            .join(Contract, Contract.id == Milestone.contract_id)
            .join(Project, Project.id == Contract.project_id)
            .join(Region, Region.id == Project.region_id)
            .where(
                ProgressReport.status.in_((ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)),
                ProgressReport.id.in_(select(ReportBeneficiary.report_id)),
            )
            .order_by(ProgressReport.id)
        )
    ).all()
    if not reports:
        return []
    # Each report's period: the day after the previous milestone's due date (or the contract's
    # start) to its own due date, as for the report's volunteer minutes.
    dues: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for cid, seq, due in await session.execute(
        select(Milestone.contract_id, Milestone.sequence, Milestone.due_date).where(
            Milestone.contract_id.in_(sorted({r[5] for r in reports}))
        )
    ):
        dues[cid].append((seq, due))
    info: dict[int, Any] = {}
    for rid, claimed, org, seq, due, cid, start, pid, title, path in reports:
        previous = [d for s, d in dues[cid] if s < seq]
        first_day = max(previous) + dt.timedelta(days=1) if previous else start
        info[rid] = (claimed, org, pid, title, path, first_day, due)
    listed: dict[int, set[str]] = defaultdict(set)
    by_hash: dict[str, list[int]] = defaultdict(list)
    for rid, digest in await session.execute(
        select(ReportBeneficiary.report_id, ReportBeneficiary.identity_hash)
        .where(ReportBeneficiary.report_id.in_(sorted(info)))
        .order_by(ReportBeneficiary.report_id)
    ):
        listed[rid].add(digest)
        by_hash[digest].append(rid)
    minimum = settings.oversight_beneficiary_min_projects
    hits = []
    for rid, (claimed, org, pid, title, path, lo, hi) in info.items():
        shared_with: dict[int, int] = defaultdict(int)
        shared = 0
        for digest in listed[rid]:
            others = [
                o
                for o in by_hash[digest]
                if info[o][1] != org and info[o][2] != pid and info[o][5] <= hi and lo <= info[o][6]
            ]
            if len({pid} | {info[o][2] for o in others}) < minimum or not others:
                continue
            shared += 1
            for o in others:
                shared_with[o] += 1
        if not shared:
            continue
        hits.append(
            Hit(
                "ProgressReport",
                rid,
                f"{title} · 受益人名单",
                path,
                {
                    "projectId": pid,
                    "claimedBeneficiaries": int(claimed),
                    "listedBeneficiaries": len(listed[rid]),
                    "sharedBeneficiaries": shared,
                    "periodStart": lo.isoformat(),
                    "periodEnd": hi.isoformat(),
                    "otherReports": [
                        {
                            "reportId": o,
                            "projectId": info[o][2],
                            "organizationId": info[o][1],
                            "shared": n,
                        }
                        for o, n in sorted(shared_with.items())
                    ],
                },
            )
        )
    return hits


# --- the audit log --------------------------------------------------------------------------


@rule("AUDIT_CHAIN_BROKEN", H, 6, "The audit log's hash chain failed verification")
async def audit_chain_broken(session: AsyncSession, settings: Settings) -> list[Hit]:
    """The standing alarm of the audit chain's verification: a failed verification run nobody
    has acknowledged yet, or a stored head whose signature does not verify (services/audit.py).
    Read from the verification runs, not by walking the chain again; the subject is the run."""
    from matchmaker.services.audit import chain_baseline

    baseline = await chain_baseline(session, settings)
    first_broken: int | None = None
    reason: str | None = "a stored head is not signed with this installation's key"
    if baseline.forged_run is not None:
        run = baseline.forged_run
    elif baseline.alarm is not None:
        alarm = baseline.alarm
        run, first_broken, reason = alarm.job_id, alarm.first_broken_id, alarm.reason
    else:
        return []
    return [
        Hit(
            "Job",
            run,
            f"审计日志校验 #{run}",
            INSTALLATION_PATH,
            {"verificationRunId": run, "firstBrokenId": first_broken, "reason": reason},
        )
    ]
