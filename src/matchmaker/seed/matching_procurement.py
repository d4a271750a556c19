"""A year of procurement matching history: lists shown, bids, awards and evaluations.

Called by the ``matching`` seed step (``seed/matching.py``) before it trains every direction, so
the demo starts with trained procurement models whose numbers mean something. The history is
simulated, but with the structure of the real thing (docs/demo-data.md):

- organizations specialise: they bid mostly on projects in their declared categories and near
  their base, less when busy, and less the further down a list they are shown;
- some are reliable (their milestones are on time, their evaluations high), some are not, and
  the reliable ones win more of the bids they make;
- small and new organizations exist (the seeded founding dates and staff), and the shown lists
  are re-ranked with FA*IR as the live service does.

Every X row is computed by the service's own feature functions
(``services.matching.procurement.organization_pair_features`` / ``social_worker_features``)
from facts as of the moment the list is shown: a bid, contract, milestone or evaluation enters
the facts only once its (simulated) date has passed, so the training rows hold no future.
The subjects are the seeded projects (asked about again at different times) and the
candidates are the seeded organizations and social workers. Rows are written in bulk: a few
thousand, in about a second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import insert, select

from matchmaker import clock
from matchmaker.matching import fairness
from matchmaker.matching.directions import (
    ORGANIZATIONS_FOR_PROJECT,
    PROJECTS_FOR_ORGANIZATION,
    SOCIAL_WORKERS_FOR_PROJECT,
)
from matchmaker.matching.model import Scorer, cold_start_scorer
from matchmaker.models import (
    MatchImpression,
    MatchImpressionItem,
    Project,
    SocialWorker,
    SocialWorkerMembership,
)
from matchmaker.models.enums import WorkerLevel
from matchmaker.models.procurement import ProjectStatus
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import SeedContext
from matchmaker.services.matching import ORGANIZATION, PROJECT, SOCIAL_WORKER
from matchmaker.services.matching.procurement import (
    PROJECT_ATTENTION_CAP,
    OrganizationFacts,
    ProjectFacts,
    WorkerFacts,
    is_small_or_new,
    load_organization_facts,
    load_project_facts,
    organization_pair_features,
    social_worker_features,
)

IMPRESSIONS = table_of(MatchImpression)
ITEMS = table_of(MatchImpressionItem)

#: Lists shown per direction (organizations for a project; projects for an organization).
ROUNDS = {"small": 90, "city": 300, "province": 300}
LIST_SIZE = 15
#: At most this many organizations take part (the demo district's first).
MAX_ORGANIZATIONS = 400
#: The simulated year ends this many days ago, so every outcome has happened by now.
DAYS = 360
SETTLE_DAYS = 60
#: Days from a list being shown to the bid, the award, the contract, the first milestone, the
#: end and the evaluation.
BID_AFTER, AWARD_AFTER, CONTRACT_AFTER = 12, 30, 40
MILESTONE_AFTER, END_AFTER, EVALUATION_AFTER = 200, 330, 340


@dataclass
class Latent:
    """What the simulation knows and the features must discover."""

    quality: float  # punctual, well evaluated, wins on merit
    activity: float  # how eager to bid at all
    district: str


@dataclass(order=True)
class Event:
    at: dt.datetime
    seq: int
    apply: Callable[[], None] = field(compare=False)


@dataclass
class History:
    """The facts of every organization and worker, moved forward event by event."""

    orgs: dict[int, OrganizationFacts]
    workers: dict[int, WorkerFacts]
    events: list[Event] = field(default_factory=list)
    invitations: dict[int, list[dt.datetime]] = field(default_factory=dict)
    seq: itertools.count[int] = field(default_factory=itertools.count)

    def later(self, at: dt.datetime, apply: Callable[[], None]) -> None:
        heapq.heappush(self.events, Event(at, next(self.seq), apply))

    def advance(self, now: dt.datetime) -> None:
        while self.events and self.events[0].at <= now:
            heapq.heappop(self.events).apply()

    def invitations_this_month(self, org_id: int, now: dt.datetime) -> int:
        local = now.astimezone(clock.SHANGHAI)
        return sum(
            1
            for t in self.invitations.get(org_id, [])
            if t <= now
            and (t.astimezone(clock.SHANGHAI).year, t.astimezone(clock.SHANGHAI).month)
            == (local.year, local.month)
        )


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


async def seed_procurement_matching(ctx: SeedContext) -> None:
    """Write the simulated history (see the module docstring); counts ``matching_impressions``."""
    rng = ctx.rng("matching_procurement")
    session = ctx.session
    now = clock.now()
    start = now - dt.timedelta(days=DAYS + SETTLE_DAYS)
    end = now - dt.timedelta(days=SETTLE_DAYS)
    project_ids = list(
        await session.scalars(
            select(Project.id)
            .where(Project.status.not_in([ProjectStatus.DRAFT, ProjectStatus.CANCELLED]))
            .order_by(Project.id)
        )
    )
    if not project_ids or not ctx.organizations:
        return
    # The demo district first, then the others, up to MAX_ORGANIZATIONS organizations.
    demo_street = ctx.shared.get("demo_street")
    first_district = ctx.district_of(demo_street).path if demo_street else ""
    chosen = sorted(
        ctx.organizations,
        key=lambda o: (ctx.district_of(o.region).path != first_district, o.id),
    )[:MAX_ORGANIZATIONS]
    latent = {
        o.id: Latent(
            quality=rng.betavariate(6, 2) if rng.random() < 0.7 else rng.betavariate(2, 4),
            activity=rng.uniform(0.2, 1.0),
            district=ctx.district_of(o.region).path,
        )
        for o in chosen
    }
    projects = await load_project_facts(session, project_ids, as_of=start)
    orgs = await load_organization_facts(session, [o.id for o in chosen], as_of=start)
    workers, staff = await _workers(ctx, list(orgs), start)
    history = History(orgs, workers)
    scorer_orgs = cold_start_scorer(ORGANIZATIONS_FOR_PROJECT)
    scorer_projects = cold_start_scorer(PROJECTS_FOR_ORGANIZATION)
    scorer_workers = cold_start_scorer(SOCIAL_WORKERS_FOR_PROJECT)
    settings = ctx.settings
    rounds = ROUNDS.get(ctx.scale.name, 90)
    step = (end - start) / rounds
    impressions: list[dict[str, object]] = []
    items: list[dict[str, object]] = []

    def log(
        direction: str,
        subject_type: str,
        subject_id: int,
        candidate_type: str,
        shown: list[tuple[int, float, list[float]]],
        outcomes: dict[int, tuple[dt.datetime | None, dt.datetime | None, float | None]],
        at: dt.datetime,
    ) -> None:
        impression_id = len(impressions)  # an index until the ids are reserved at the end
        impressions.append(
            {
                "id": impression_id,
                "direction": direction,
                "requested_by_account_id": None,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "model_version": None,
                "cold_start": True,
                "personalized": True,
                "size": len(shown),
                "created_at": at,
                "updated_at": at,
            }
        )
        for rank, (cid, score, x) in enumerate(shown, start=1):
            engaged, succeeded, value = outcomes.get(cid, (None, None, None))
            items.append(
                {
                    "impression_id": impression_id,
                    "rank": rank,
                    "candidate_type": candidate_type,
                    "candidate_id": cid,
                    "score": score,
                    "features": [round(v, 6) for v in x],
                    "direction": direction,
                    "subject_type": subject_type,
                    "subject_id": subject_id,
                    "shown_at": at,
                    "engaged_at": engaged,
                    "succeeded_at": succeeded,
                    "outcome_value": value,
                }
            )

    def bid_probability(
        p: ProjectFacts, o: OrganizationFacts, rank: int, x: np.ndarray, eager: float = 0.0
    ) -> float:
        lat = latent[o.id]
        busy = o.active_contracts / max(1.0, o.staff / 3.0)
        z = (
            -0.4
            + 1.8 * (p.category in o.categories)
            + 2.0 * p.region_path.startswith(lat.district)
            + 1.5 * (lat.activity - 0.6)
            + 1.0 * (lat.quality - 0.6)
            - 1.5 * min(busy, 2.0)
            - 2.5 * (1.0 - float(x[5]))  # not qualified: rarely bids
            - 0.05 * (rank - 1)  # position bias
            + eager
        )
        return _sigmoid(1.5 * z)

    def award(
        p: ProjectFacts, bidders: list[int], at: dt.datetime
    ) -> tuple[int, dt.datetime, float]:
        weights = [
            math.exp(3.0 * latent[o].quality + 0.5 * (p.category in orgs[o].categories))
            for o in bidders
        ]
        winner = rng.choices(bidders, weights=weights)[0]
        q = latent[winner].quality
        score = max(40.0, min(98.0, 55 + 40 * q + rng.gauss(0, 5)))
        award_at = at + dt.timedelta(days=AWARD_AFTER)
        _schedule_contract(history, rng, p, winner, q, score, award_at, at)
        return winner, award_at, round(score) / 100.0

    for r in range(rounds):
        at = start + step * r + dt.timedelta(hours=rng.randint(0, 8))
        history.advance(at)
        # 1. Community staff ask which organizations to invite to a project.
        p = projects[project_ids[r % len(project_ids)]]
        pool = _reachable(p, chosen_ids=list(orgs), orgs=orgs, latent=latent)
        if pool:
            cand = [orgs[i] for i in pool]
            counts = [float(history.invitations_this_month(o.id, at)) for o in cand]
            X, _ = organization_pair_features(
                [p] * len(cand),
                cand,
                exposure_counts=counts,
                exposure_cap=settings.matching_org_invitations_per_month,
            )
            scores = fairness.exposure_penalty(scorer_orgs.scores_only(X), counts, 0.5)
            protected = np.array(
                [
                    is_small_or_new(
                        o,
                        at,
                        years=settings.matching_new_org_years,
                        staff=settings.matching_small_org_staff,
                    )
                    and X[i, 5] >= 1.0
                    for i, o in enumerate(cand)
                ],
                dtype=bool,
            )
            order = fairness.fair_topk(
                scores,
                protected,
                LIST_SIZE,
                settings.matching_org_fair_p,
                settings.matching_org_fair_alpha,
            )[:LIST_SIZE]
            shown = [(cand[i].id, float(scores[i]), X[i].tolist()) for i in order]
            bidders, bid_times = [], {}
            for rank, i in enumerate(order, start=1):
                if rank <= 3:  # the top of the list gets an invitation
                    history.invitations.setdefault(cand[i].id, []).append(at)
                if rng.random() < bid_probability(p, cand[i], rank, X[i]):
                    bidders.append(cand[i].id)
                    bid_times[cand[i].id] = at + dt.timedelta(days=rng.randint(2, BID_AFTER))
            outcomes: dict[int, tuple[dt.datetime | None, dt.datetime | None, float | None]] = {
                o: (t, None, None) for o, t in bid_times.items()
            }
            if bidders:
                winner, award_at, value = award(p, bidders, at)
                outcomes[winner] = (bid_times[winner], award_at, value)
                for o in bidders:
                    _schedule_bid(history, p, o, bid_times[o] + dt.timedelta(days=BID_AFTER))
                # 3. The winner's admin (and some others) ask who should be on the team.
                for o in bidders:
                    if o == winner or rng.random() < 0.8:
                        _team(
                            history,
                            rng,
                            p,
                            o,
                            staff.get(o, []),
                            o == winner,
                            at,
                            award_at,
                            scorer_workers,
                            log,
                        )
            log(ORGANIZATIONS_FOR_PROJECT, PROJECT, p.id, ORGANIZATION, shown, outcomes, at)
        # 2. An organization's admin asks which open projects to bid on.
        o = orgs[chosen[rng.randrange(len(chosen))].id]
        open_now = rng.sample(project_ids, min(len(project_ids), 2 * LIST_SIZE))
        plist = [dataclasses.replace(projects[i], attention=rng.randint(0, 7)) for i in open_now]
        plist = [q for q in plist if q.min_grade <= o.grade]
        if plist:
            counts = [float(q.attention) for q in plist]
            X, _ = organization_pair_features(
                plist, [o] * len(plist), exposure_counts=counts, exposure_cap=PROJECT_ATTENTION_CAP
            )
            scores = scorer_projects.scores_only(X)
            order = np.argsort(-scores, kind="stable")[:LIST_SIZE]
            shown = [(plist[i].id, float(scores[i]), X[i].tolist()) for i in order]
            outcomes = {}
            for rank, i in enumerate(order, start=1):
                q = plist[i]
                # An admin browsing open projects is looking for one to bid on (eager); projects
                # short of bidders draw it a little more.
                chance = bid_probability(q, o, rank, X[i], eager=1.2) * (1.2 - q.attention / 10)
                if rng.random() < chance:
                    bid_at = at + dt.timedelta(days=rng.randint(2, BID_AFTER))
                    won = rng.random() < 0.25 + 0.5 * latent[o.id].quality - q.attention / 20
                    outcomes[q.id] = (
                        bid_at,
                        at + dt.timedelta(days=AWARD_AFTER) if won else None,
                        None,
                    )
                    _schedule_bid(history, q, o.id, bid_at + dt.timedelta(days=BID_AFTER))
                    if won:
                        _schedule_contract(
                            history,
                            rng,
                            q,
                            o.id,
                            latent[o.id].quality,
                            55 + 40 * latent[o.id].quality,
                            at + dt.timedelta(days=AWARD_AFTER),
                            at,
                        )
            log(PROJECTS_FOR_ORGANIZATION, ORGANIZATION, o.id, PROJECT, shown, outcomes, at)
    impression_ids = list(await ctx.writer.ids(IMPRESSIONS, len(impressions)))
    for row in impressions:
        row["id"] = impression_ids[int(str(row["id"]))]
    item_ids = iter(await ctx.writer.ids(ITEMS, len(items)))
    for row in items:
        row["id"] = next(item_ids)
        row["impression_id"] = impression_ids[int(str(row["impression_id"]))]
    # Core inserts on both backends: the features column is JSON (the COPY path writes only
    # scalar columns faithfully).
    if impressions:
        await session.execute(insert(IMPRESSIONS), impressions)
    for chunk in range(0, len(items), 5000):
        await session.execute(insert(ITEMS), items[chunk : chunk + 5000])
    ctx.count("matching_impressions", len(impressions))
    ctx.log(f"matching: {len(impressions)} procurement lists, {len(items)} rows")


def _reachable(
    p: ProjectFacts,
    *,
    chosen_ids: list[int],
    orgs: dict[int, OrganizationFacts],
    latent: dict[int, Latent],
) -> list[int]:
    """Organizations of the project's district at or above its grade; at least 2 lists' worth
    from the nearest others where a district has few (a city-wide organization serves it)."""
    eligible = [i for i in chosen_ids if orgs[i].grade >= p.min_grade]
    local = [i for i in eligible if p.region_path.startswith(latent[i].district)]
    if len(local) >= 2 * LIST_SIZE:
        # Bounded like the live retrieval: declared category first, then the nearest.
        local.sort(key=lambda i: (p.category not in orgs[i].categories, _km(p, orgs[i])))
        return local[: 4 * LIST_SIZE]
    rest = [i for i in eligible if i not in set(local)]
    rest.sort(key=lambda i: _km(p, orgs[i]))
    return local + rest[: 2 * LIST_SIZE - len(local)]


def _km(p: ProjectFacts, o: OrganizationFacts) -> float:
    if None in (p.latitude, p.longitude, o.latitude, o.longitude):
        return math.inf
    dy = (p.latitude or 0.0) - (o.latitude or 0.0)
    dx = ((p.longitude or 0.0) - (o.longitude or 0.0)) * math.cos(math.radians(p.latitude or 0.0))
    return 111.0 * math.hypot(dx, dy)


def _schedule_bid(history: History, p: ProjectFacts, org_id: int, opened: dt.datetime) -> None:
    """Once the bids are opened the bid is part of the organization's public record."""

    def apply() -> None:
        o = history.orgs[org_id]
        o.bids_by_category[p.category] = o.bids_by_category.get(p.category, 0) + 1
        o.past_titles = [p.title, *o.past_titles][:10]

    history.later(opened, apply)


def _schedule_contract(
    history: History,
    rng: random.Random,
    p: ProjectFacts,
    org_id: int,
    quality: float,
    score: float,
    award_at: dt.datetime,
    shown_at: dt.datetime,
) -> None:
    """The contract, its milestones (on time with the organization's quality), its end and
    the evaluation, each entering the record on its date."""
    o = history.orgs[org_id]

    def sign() -> None:
        o.active_contracts += 1
        o.contract_paths.append(p.region_path)

    def milestone() -> None:
        o.milestones_accepted += 1
        o.milestones_on_time += rng.random() < quality

    def finish() -> None:
        o.active_contracts = max(0, o.active_contracts - 1)
        o.milestones_accepted += 1
        o.milestones_on_time += rng.random() < quality

    def evaluate() -> None:
        o.evaluations += 1
        o.evaluation_points += score / 100.0

    history.later(shown_at + dt.timedelta(days=CONTRACT_AFTER), sign)
    history.later(shown_at + dt.timedelta(days=MILESTONE_AFTER), milestone)
    history.later(shown_at + dt.timedelta(days=END_AFTER), finish)
    history.later(shown_at + dt.timedelta(days=EVALUATION_AFTER), evaluate)


def _team(
    history: History,
    rng: random.Random,
    p: ProjectFacts,
    org_id: int,
    staff: list[int],
    won: bool,
    at: dt.datetime,
    award_at: dt.datetime,
    scorer: Scorer,
    log: Callable[..., None],
) -> None:
    """A bidder's admin asks who should be on the team; it picks the best fits by its own
    judgement (specialty, a valid registration, level, not overloaded)."""
    if not staff:
        return
    when = at + dt.timedelta(days=rng.randint(1, BID_AFTER - 1))
    workers = [history.workers[w] for w in staff]
    X, _ = social_worker_features(p, workers)
    scores = scorer.scores_only(X)
    tiers = [0 if w.registration_valid else 1 for w in workers]
    order = np.lexsort((-scores, np.asarray(tiers)))[:LIST_SIZE]
    judged = sorted(
        range(len(workers)),
        key=lambda i: (
            -(
                2.0 * (p.category in workers[i].specialties)
                + 1.5 * workers[i].registration_valid
                + 0.5 * workers[i].level.rank
                - 0.8 * workers[i].live_teams
                + rng.gauss(0, 0.7)
            )
        ),
    )
    size = max(1, min(len(workers), sum(p.requirements.values()) or 2))
    team = set(judged[:size])
    outcomes = {workers[i].id: (when, award_at if won else None, None) for i in team}
    shown = [(workers[i].id, float(scores[i]), X[i].tolist()) for i in order]
    log(SOCIAL_WORKERS_FOR_PROJECT, PROJECT, p.id, SOCIAL_WORKER, shown, outcomes, when)
    for i in team:
        w = workers[i]

        def join(w: WorkerFacts = w) -> None:
            w.live_teams += 1
            w.past_titles = [p.title, *w.past_titles][:10]

        def settle(w: WorkerFacts = w) -> None:
            w.live_teams = max(0, w.live_teams - 1)
            if won:
                w.team_paths.append(p.region_path)

        history.later(when + dt.timedelta(minutes=1), join)
        history.later(award_at + dt.timedelta(days=END_AFTER - AWARD_AFTER if won else 0), settle)
        if won:

            def complete(w: WorkerFacts = w) -> None:
                w.completed_teams += 1
                w.evaluation_points += 0.55 + 0.4 * rng.random()

            history.later(at + dt.timedelta(days=EVALUATION_AFTER), complete)


async def _workers(
    ctx: SeedContext, org_ids: list[int], at: dt.datetime
) -> tuple[dict[int, WorkerFacts], dict[int, list[int]]]:
    """Every active worker of the organizations as a blank record as of ``at``, and each
    organization's staff: two statements."""
    from matchmaker.models import Region

    today = at.astimezone(clock.SHANGHAI).date()
    staff: dict[int, list[int]] = {}
    for org_id, worker_id in await ctx.session.execute(
        select(SocialWorkerMembership.organization_id, SocialWorkerMembership.social_worker_id)
        .join(SocialWorker, SocialWorker.id == SocialWorkerMembership.social_worker_id)
        .where(
            SocialWorkerMembership.organization_id.in_(org_ids), SocialWorker.is_active.is_(True)
        )
    ):
        staff.setdefault(org_id, []).append(worker_id)
    ids = sorted({w for ws in staff.values() for w in ws})
    workers: dict[int, WorkerFacts] = {}
    if ids:
        rows = await ctx.session.execute(
            select(SocialWorker, Region.latitude, Region.longitude)
            .outerjoin(Region, Region.id == SocialWorker.home_region_id)
            .where(SocialWorker.id.in_(ids))
        )
        for w, lat, lon in rows:
            expires = w.registration_expires_on
            workers[w.id] = WorkerFacts(
                id=w.id,
                level=w.level,
                registration_valid=w.level is not WorkerLevel.NONE
                and expires is not None
                and today <= expires,
                specialties=list(w.specialties),
                latitude=lat,
                longitude=lon,
            )
    return workers, staff
