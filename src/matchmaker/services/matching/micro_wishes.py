"""The micro-wish questions of matching (docs/matching.md, Micro-wishes; docs/micro_wishes.md).

``CLAIMERS_FOR_WISH``: whom the community's staff might ask about an open wish — volunteers
living in the wish's street and the street's active volunteer teams. ``WISHES_FOR_VOLUNTEER``:
open wishes near a volunteer (their feed). Both use the same machinery as the other
directions: candidates retrieved in SQL, one X row per candidate (``matching.directions``,
``_wish_features``), the active model or the cold-start priors, reasons from the contributions,
the impression log, outcomes (claimed → engaged, confirmed → succeeded) and the training job.

Volunteers who turned ``recommendable`` off are never candidates; with ``personalized_feed``
off the feed is ordered by distance and deadline only and logged as not personalized. A
volunteer candidate is shown masked, as everywhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.matching import directions as core_directions
from matchmaker.matching import features as F
from matchmaker.models import (
    MatchImpression,
    MatchImpressionItem,
    MicroWish,
    Region,
    Volunteer,
    VolunteerTeam,
)
from matchmaker.models.matching import MatchingDirection
from matchmaker.models.micro_wishes import ClaimantType, MicroWishStatus
from matchmaker.services.activities import my_volunteer
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import MAX_FIRST, VOLUNTEER, store
from matchmaker.services.matching.volunteering import (
    CATEGORY_ZH,
    DEFAULT_MAX_KM,
    NEARBY_KM,
    Reason,
    Recommendations,
)

CFW = MatchingDirection.CLAIMERS_FOR_WISH.value
WFV = MatchingDirection.WISHES_FOR_VOLUNTEER.value
#: Subject and candidate type names in the impression log.
MICRO_WISH = "micro_wish"
TEAM = "volunteer_team"
#: Reliability of claims: Beta prior (mean, weight), as for shifts.
RELIABILITY_PRIOR = 0.8
RELIABILITY_WEIGHT = 3.0
#: Wishes held at once before the load feature reaches 0.
HELD_CAP = 3
#: Deadlines this many days away or more count as not urgent (urgency 0).
URGENCY_DAYS = 30
#: A team's interest is unknown (teams declare none): neutral.
TEAM_INTEREST = 0.5
NON_PERSONALIZED_REASON = "按距离和截止时间排序（您关闭了个性化推荐，未使用个人特征）"


@dataclass(frozen=True, slots=True)
class RankedClaimer:
    rank: int
    score: float
    reasons: list[Reason]
    volunteer: Volunteer | None
    team: VolunteerTeam | None


@dataclass(frozen=True, slots=True)
class RankedWish:
    rank: int
    score: float
    reasons: list[Reason]
    wish: MicroWish


def _check_first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise invalid("first", f"first is 1 to {MAX_FIRST}")
    return first


def _street_path(path: str) -> str:
    """The street's materialized path for a community's (its parent)."""
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else path


def _nan(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def wish_features(
    direction: str,
    *,
    distance_km: np.ndarray,
    max_km: np.ndarray | float,
    interest: np.ndarray,
    claimed: np.ndarray | float,
    confirmed: np.ndarray | float,
    times_here: np.ndarray | float,
    held: np.ndarray | float,
    days_left: np.ndarray | float,
) -> np.ndarray:
    """The X rows (the direction's feature order) of wish/claimant pairs, as of now."""
    n = len(distance_km)

    def full(x: np.ndarray | float) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))

    columns = {
        "distance": F.distance_fit(distance_km, full(max_km)),
        "interest": full(interest),
        "reliability": F.reliability(
            full(confirmed), full(claimed), RELIABILITY_PRIOR, RELIABILITY_WEIGHT
        ),
        "familiarity": F.familiarity(full(times_here)),
        "load": F.load(full(held), HELD_CAP),
        "urgency": np.clip(1.0 - full(days_left) / URGENCY_DAYS, 0.0, 1.0),
    }
    names = core_directions.DIRECTIONS[direction].feature_names
    return np.column_stack([columns[n] for n in names]).astype(np.float64)


@dataclass(slots=True)
class ClaimHistory:
    """Per claimant (type, id): claims that stuck, confirmed ones, ones held now, and
    confirmed ones in one community."""

    claimed: dict[tuple[str, int], int]
    confirmed: dict[tuple[str, int], int]
    held: dict[tuple[str, int], int]
    here: dict[tuple[str, int, int], int]


async def _claim_history(
    session: AsyncSession, claimants: Sequence[tuple[ClaimantType, int]]
) -> ClaimHistory:
    """One grouped statement over the claimants' wishes (released claims leave no trace)."""
    history = ClaimHistory(defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int))
    if not claimants:
        return history
    confirmed = case((MicroWish.status == MicroWishStatus.CONFIRMED, 1), else_=0)
    held = case((MicroWish.status == MicroWishStatus.CLAIMED, 1), else_=0)
    rows = await session.execute(
        select(
            MicroWish.claimant_type,
            MicroWish.claimant_id,
            MicroWish.region_id,
            func.count(),
            func.sum(confirmed),
            func.sum(held),
        )
        .where(
            tuple_(MicroWish.claimant_type, MicroWish.claimant_id).in_(
                [(t.value, i) for t, i in claimants]
            )
        )
        .group_by(MicroWish.claimant_type, MicroWish.claimant_id, MicroWish.region_id)
    )
    for ctype, cid, region_id, n, n_confirmed, n_held in rows:
        key = (str(ClaimantType(ctype).value), int(cid))
        history.claimed[key] += int(n)
        history.confirmed[key] += int(n_confirmed or 0)
        history.held[key] += int(n_held or 0)
        history.here[(key[0], key[1], int(region_id))] += int(n_confirmed or 0)
    return history


def _reasons(direction: str, X: np.ndarray, scorer: Any, facts: dict[str, list[Any]], cold: bool):  # type: ignore[no-untyped-def]
    from matchmaker.matching import explain

    contributions = np.asarray(scorer.score(X).contributions) if len(X) else np.zeros((0, 6))
    lists = explain.reasons(direction, contributions, facts, top=3, cold_start=cold)
    return [[Reason(r.code, r.text, float(r.weight)) for r in row] for row in lists]


# --- whom to ask about a wish ----------------------------------------------------------------


async def _staff_open_wish(sc: ServiceContext, wish_id: int) -> MicroWish:
    scope = require(sc.actor, Capability.MICRO_WISH_MANAGE)
    wish = await sc.session.get(MicroWish, wish_id)
    if wish is None or not (scope.region_paths and scope.covers_region(wish.region_path)):
        raise not_found("Micro-wish")
    if wish.status is not MicroWishStatus.OPEN:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only an open wish looks for claimants", "wishId"
        )
    return wish


async def recommended_claimers(
    sc: ServiceContext, *, wish_id: int, first: int = 20
) -> Recommendations[RankedClaimer]:
    """Volunteers and teams of the wish's street to ask about an open wish (the community's
    staff), best first. One list, logged as one impression per candidate kind."""
    _check_first(first)
    wish = await _staff_open_wish(sc, wish_id)
    place = await sc.session.get(Region, wish.region_id)
    assert place is not None
    street = _street_path(wish.region_path)
    cap = sc.settings.matching_max_candidates
    home = Region
    volunteers = list(
        (
            await sc.session.execute(
                select(Volunteer, home.latitude, home.longitude)
                .join(home, home.id == Volunteer.home_region_id)
                .where(
                    home.path.startswith(street, autoescape=True),
                    Volunteer.is_active.is_(True),
                    Volunteer.recommendable.is_(True),
                )
                .order_by((Volunteer.home_region_id == wish.region_id).desc(), Volunteer.id)
                .limit(cap)
            )
        ).all()
    )
    teams = list(
        (
            await sc.session.execute(
                select(VolunteerTeam, Region.latitude, Region.longitude)
                .join(Region, Region.id == VolunteerTeam.region_id)
                .where(Region.path.startswith(street, autoescape=True), VolunteerTeam.is_active)
                .order_by(VolunteerTeam.id)
                .limit(cap)
            )
        ).all()
    )
    active = await store.active_scorer(sc.session, CFW)
    candidates: list[tuple[ClaimantType, int]] = [
        (ClaimantType.VOLUNTEER, v.id) for v, _, _ in volunteers
    ] + [(ClaimantType.TEAM, t.id) for t, _, _ in teams]
    if not candidates:
        empty_id = await store.log_impression(
            sc.session,
            direction=CFW,
            requested_by_account_id=sc.actor.account_id,
            subject_type=MICRO_WISH,
            subject_id=wish.id,
            candidate_type=VOLUNTEER,
            candidates=[],
            model_version=active.version,
            cold_start=active.cold_start,
        )
        return Recommendations([], active.version, active.cold_start, empty_id)
    hist = await _claim_history(sc.session, candidates)
    lat = _nan(
        [v.latitude if v.latitude is not None else hlat for v, hlat, _ in volunteers]
        + [tlat for _, tlat, _ in teams]
    )
    lon = _nan(
        [v.longitude if v.longitude is not None else hlon for v, _, hlon in volunteers]
        + [tlon for _, _, tlon in teams]
    )
    n = len(candidates)
    dist = F.haversine_km(
        lat, lon, np.full(n, _nan([place.latitude])[0]), np.full(n, _nan([place.longitude])[0])
    )
    max_km = np.array(
        [float(v.max_distance_km or DEFAULT_MAX_KM) for v, _, _ in volunteers]
        + [DEFAULT_MAX_KM] * len(teams)
    )
    interest = np.array(
        [1.0 if wish.category.value in v.interests else 0.0 for v, _, _ in volunteers]
        + [TEAM_INTEREST] * len(teams)
    )
    keys = [(t.value, i) for t, i in candidates]
    claimed = np.array([hist.claimed.get(k, 0) for k in keys], dtype=np.float64)
    confirmed = np.array([hist.confirmed.get(k, 0) for k in keys], dtype=np.float64)
    here = np.array([hist.here.get((*k, wish.region_id), 0) for k in keys], dtype=np.float64)
    held = np.array([hist.held.get(k, 0) for k in keys], dtype=np.float64)
    days_left = max(0.0, (wish.deadline - clock.now()).total_seconds() / 86400)
    X = wish_features(
        CFW,
        distance_km=dist,
        max_km=max_km,
        interest=interest,
        claimed=claimed,
        confirmed=confirmed,
        times_here=here,
        held=held,
        days_left=days_left,
    )
    scores = np.asarray(active.scorer.scores_only(X), dtype=np.float64)
    top = np.argsort(-scores, kind="stable")[:first]
    facts: dict[str, list[Any]] = {
        "distance_km": [None if np.isnan(dist[i]) else float(dist[i]) for i in top],
        "category_label": [CATEGORY_ZH.get(wish.category.value, "")] * len(top),
        "wishes_done": [int(confirmed[i]) for i in top],
        "times_here": [int(here[i]) for i in top],
        "held": [int(held[i]) for i in top],
        "days_left": [int(days_left)] * len(top),
    }
    reasons = _reasons(CFW, X[top], active.scorer, facts, active.cold_start)
    impression_id: int | None = None
    for ctype, candidate_type in ((ClaimantType.VOLUNTEER, VOLUNTEER), (ClaimantType.TEAM, TEAM)):
        shown = [i for i in top if candidates[i][0] is ctype]
        if not shown and impression_id is not None:
            continue
        logged = await store.log_impression(
            sc.session,
            direction=CFW,
            requested_by_account_id=sc.actor.account_id,
            subject_type=MICRO_WISH,
            subject_id=wish.id,
            candidate_type=candidate_type,
            candidates=[
                store.LoggedCandidate(candidates[i][1], float(scores[i]), X[i].tolist())
                for i in shown
            ],
            model_version=active.version,
            cold_start=active.cold_start,
        )
        impression_id = impression_id or logged
    by_volunteer = {v.id: v for v, _, _ in volunteers}
    by_team = {t.id: t for t, _, _ in teams}
    items = [
        RankedClaimer(
            rank=k + 1,
            score=float(scores[i]),
            reasons=reasons[k],
            volunteer=by_volunteer.get(candidates[i][1])
            if candidates[i][0] is ClaimantType.VOLUNTEER
            else None,
            team=by_team.get(candidates[i][1]) if candidates[i][0] is ClaimantType.TEAM else None,
        )
        for k, i in enumerate(top)
    ]
    return Recommendations(items, active.version, active.cold_start, impression_id)


# --- wishes near a volunteer -----------------------------------------------------------------


async def recommended_wishes(sc: ServiceContext, *, first: int = 20) -> Recommendations[RankedWish]:
    """The caller's feed of open wishes in their street or within their travel distance, best
    first; by distance and deadline only when ``personalized_feed`` is off."""
    _check_first(first)
    volunteer = await my_volunteer(sc)
    home = await sc.session.get(Region, volunteer.home_region_id)
    assert home is not None
    now = clock.now()
    vlat = volunteer.latitude if volunteer.latitude is not None else home.latitude
    vlon = volunteer.longitude if volunteer.longitude is not None else home.longitude
    nearby: Any = MicroWish.region_path.startswith(_street_path(home.path), autoescape=True)
    if vlat is not None and vlon is not None:
        km = float(volunteer.max_distance_km or NEARBY_KM)
        dlat = km / 111.0
        dlon = km / max(1e-6, 111.0 * float(np.cos(np.radians(vlat))))
        nearby = or_(
            nearby,
            and_(
                Region.latitude.between(vlat - dlat, vlat + dlat),
                Region.longitude.between(vlon - dlon, vlon + dlon),
            ),
        )
    rows = list(
        (
            await sc.session.execute(
                select(MicroWish, Region.latitude, Region.longitude)
                .join(Region, Region.id == MicroWish.region_id)
                .where(MicroWish.status == MicroWishStatus.OPEN, MicroWish.deadline > now, nearby)
                .order_by(MicroWish.deadline, MicroWish.id)
                .limit(sc.settings.matching_max_candidates)
            )
        ).all()
    )
    n = len(rows)
    ids = [w.id for w, _, _ in rows]
    dist = F.haversine_km(
        np.full(n, np.nan if vlat is None else vlat),
        np.full(n, np.nan if vlon is None else vlon),
        _nan([lat for _, lat, _ in rows]),
        _nan([lon for _, _, lon in rows]),
    )
    if not volunteer.personalized_feed:
        km_floor = np.where(np.isnan(dist), 1e6, np.floor(dist))
        order = sorted(range(n), key=lambda i: (km_floor[i], rows[i][0].deadline, ids[i]))[:first]
        impression_id = await store.log_impression(
            sc.session,
            direction=WFV,
            requested_by_account_id=sc.actor.account_id,
            subject_type=VOLUNTEER,
            subject_id=volunteer.id,
            candidate_type=MICRO_WISH,
            candidates=[store.LoggedCandidate(ids[i], 0.0, []) for i in order],
            model_version=None,
            cold_start=False,
            personalized=False,
        )
        items = [
            RankedWish(k + 1, 0.0, [Reason("DISTANCE", NON_PERSONALIZED_REASON, 0.0)], rows[i][0])
            for k, i in enumerate(order)
        ]
        return Recommendations(items, None, False, impression_id)
    active = await store.active_scorer(sc.session, WFV)
    hist = await _claim_history(sc.session, [(ClaimantType.VOLUNTEER, volunteer.id)])
    key = (ClaimantType.VOLUNTEER.value, volunteer.id)
    here = np.array([hist.here.get((*key, w.region_id), 0) for w, _, _ in rows], dtype=np.float64)
    days_left = np.array([max(0.0, (w.deadline - now).total_seconds() / 86400) for w, _, _ in rows])
    X = wish_features(
        WFV,
        distance_km=dist,
        max_km=float(volunteer.max_distance_km or DEFAULT_MAX_KM),
        interest=np.array(
            [1.0 if w.category.value in volunteer.interests else 0.0 for w, _, _ in rows]
        ),
        claimed=float(hist.claimed.get(key, 0)),
        confirmed=float(hist.confirmed.get(key, 0)),
        times_here=here,
        held=float(hist.held.get(key, 0)),
        days_left=days_left,
    )
    scores = np.asarray(active.scorer.scores_only(X), dtype=np.float64) if n else np.zeros(0)
    top = np.argsort(-scores, kind="stable")[:first]
    facts: dict[str, list[Any]] = {
        "distance_km": [None if np.isnan(dist[i]) else float(dist[i]) for i in top],
        "category_label": [CATEGORY_ZH.get(rows[i][0].category.value, "") for i in top],
        "wishes_done": [hist.confirmed.get(key, 0)] * len(top),
        "times_here": [int(here[i]) for i in top],
        "held": [hist.held.get(key, 0)] * len(top),
        "days_left": [int(days_left[i]) for i in top],
    }
    reasons = _reasons(WFV, X[top], active.scorer, facts, active.cold_start)
    impression_id = await store.log_impression(
        sc.session,
        direction=WFV,
        requested_by_account_id=sc.actor.account_id,
        subject_type=VOLUNTEER,
        subject_id=volunteer.id,
        candidate_type=MICRO_WISH,
        candidates=[store.LoggedCandidate(ids[i], float(scores[i]), X[i].tolist()) for i in top],
        model_version=active.version,
        cold_start=active.cold_start,
    )
    items = [RankedWish(k + 1, float(scores[i]), reasons[k], rows[i][0]) for k, i in enumerate(top)]
    return Recommendations(items, active.version, active.cold_start, impression_id)


# --- outcomes and training -------------------------------------------------------------------


async def record_wish_outcome(
    session: AsyncSession,
    settings: Settings,
    *,
    wish_id: int,
    claimant_type: ClaimantType,
    claimant_id: int,
    stage: str,
) -> int:
    """A wish was claimed (``engaged``) or confirmed (``succeeded``): the staff's list of
    claimers and, for a volunteer, their feed of wishes."""
    marked = await store.record_outcome(
        session,
        settings,
        candidate_type=VOLUNTEER if claimant_type is ClaimantType.VOLUNTEER else TEAM,
        candidate_id=claimant_id,
        subject_type=MICRO_WISH,
        subject_id=wish_id,
        stage=stage,
        direction=CFW,
    )
    if claimant_type is ClaimantType.VOLUNTEER:
        marked += await store.record_outcome(
            session,
            settings,
            candidate_type=MICRO_WISH,
            candidate_id=wish_id,
            subject_type=VOLUNTEER,
            subject_id=claimant_id,
            stage=stage,
            direction=WFV,
        )
    return marked


async def _training_set(session: AsyncSession, direction: str) -> Any:
    from matchmaker.matching.model import TrainingSet

    spec = core_directions.DIRECTIONS[direction]
    width = len(spec.features)
    rows = [
        r
        for r in await session.execute(
            select(
                MatchImpressionItem.impression_id,
                MatchImpressionItem.features,
                MatchImpressionItem.shown_at,
                MatchImpressionItem.engaged_at,
                MatchImpressionItem.succeeded_at,
            )
            .join(MatchImpression, MatchImpression.id == MatchImpressionItem.impression_id)
            .where(
                MatchImpressionItem.direction == direction,
                MatchImpression.personalized.is_(True),
            )
            .order_by(MatchImpressionItem.impression_id, MatchImpressionItem.rank)
        )
        if r.features is not None and len(r.features) == width
    ]
    if not rows:
        return None
    X = np.array([r.features for r in rows], dtype=np.float64)
    return TrainingSet(
        direction=direction,
        X=X,
        group=np.array([r.impression_id for r in rows], dtype=np.int64),
        time=np.array([r.shown_at.timestamp() for r in rows], dtype=np.float64),
        engaged=np.array([r.engaged_at is not None for r in rows], dtype=bool),
        succeeded=np.array([r.succeeded_at is not None for r in rows], dtype=bool),
        baselines={
            "nearest": X[:, spec.index("distance")],
            "overlap": X[:, spec.index("interest")],
        },
        feature_names=spec.feature_names,
    )


async def training_set_claimers_for_wish(session: AsyncSession) -> Any:
    """Every personalized list of claimers shown to community staff, with its outcomes."""
    return await _training_set(session, CFW)


async def training_set_wishes_for_volunteer(session: AsyncSession) -> Any:
    """Every personalized feed of wishes shown to volunteers, with its outcomes."""
    return await _training_set(session, WFV)
