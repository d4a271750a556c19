"""Volunteer matching: volunteers for a shift, shifts for a volunteer, invitations
(docs/matching.md: "Retrieval and scope", "People's rights", "Invitations").

Each request runs a fixed number of statements whatever ``first`` is: one retrieval query
(bounded by ``matching_max_candidates``), a few grouped aggregates over the retrieved ids, the
active model's version, the impression log (two INSERTs) and the rows of the items returned.
Features are computed as arrays with ``matchmaker.matching.features``; a volunteer's features are
"as of now", so the logged X row is exactly what the model saw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.matching import directions as core_directions
from matchmaker.matching import features as F
from matchmaker.models import (
    Activity,
    Region,
    ServiceRecord,
    Shift,
    Signup,
    Volunteer,
)
from matchmaker.models.matching import (
    MatchImpression,
    MatchImpressionItem,
    MatchingDirection,
    VolunteerInvitation,
    VolunteerInvitationStatus,
)
from matchmaker.models.volunteering import ActivityStatus, RecordStatus, SignupStatus
from matchmaker.services import audit, notifications
from matchmaker.services.activities import my_volunteer, organized_activity
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import (
    MAX_FIRST,
    SHIFT,
    VOLUNTEER,
    id_in,
    ids_param,
    plan_for_latency,
    store,
)
from matchmaker.services.validation import age_on

VFS = MatchingDirection.VOLUNTEERS_FOR_SHIFT.value
SFV = MatchingDirection.SHIFTS_FOR_VOLUNTEER.value

#: Nearby = within this radius of the place (volunteers for a shift) when it has coordinates: the
#: default travel limit of a volunteer (further away, the distance fit of most is 0 anyway), and
#: in a dense city centre still thousands of people (docs/benchmarks.md).
NEARBY_KM = 5.0
#: The retrieval looks this far first (km of latitude, as a coordinate "diamond" around the
#: place) and widens to the next step, then to the whole ``NEARBY_KM`` box, only while it holds
#: fewer than ``matching_max_candidates`` volunteers who may be recommended: each step is a
#: prefix of the nearest-first order, so the candidates are the same as from the whole box
#: (docs/matching.md, "Retrieval and scope").
RETRIEVAL_STEPS_KM = (1.5, 3.0)
KM_PER_DEGREE = 111.0
#: Distance at which the distance fit of a volunteer without a travel limit reaches 0.
DEFAULT_MAX_KM = 10.0
#: Shifts for a volunteer: how far ahead the feed looks.
FEED_HORIZON_DAYS = 30
#: Reliability: window and prior (a newcomer counts as 80 % reliable, worth 3 shifts).
RELIABILITY_DAYS = 90
RELIABILITY_PRIOR = 0.8
RELIABILITY_WEIGHT = 3.0
#: Load: approved or pending service minutes in 30 days against 40 hours.
LOAD_DAYS = 30
LOAD_CAP_MINUTES = 40 * 60
#: Most volunteers one invitation call takes.
MAX_INVITEES = 50

CATEGORY_ZH = {
    "ELDERLY": "为老服务",
    "CHILDREN_YOUTH": "青少年儿童",
    "DISABILITY": "助残",
    "FAMILY": "家庭服务",
    "COMMUNITY_INTEGRATION": "社区融入",
    "REHABILITATION": "社区康复",
    "EMPLOYMENT": "就业帮扶",
    "PSYCHOLOGICAL": "心理疏导",
    "HARDSHIP_RELIEF": "困难救助",
    "DISPUTE_MEDIATION": "矛盾调解",
    "CULTURE_SPORT": "文体",
    "ENVIRONMENT": "环境保护",
    "OTHER": "其他",
}
DAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SLOT_ZH = ("上午", "下午", "晚上")
#: Statuses of a signup that still counts (the volunteer is on the shift or its waitlist).
ACTIVE_SIGNUP = (
    SignupStatus.CONFIRMED,
    SignupStatus.WAITLISTED,
    SignupStatus.OFFERED,
    SignupStatus.ATTENDED,
    SignupStatus.NO_SHOW,
)
NON_PERSONALIZED_REASON = "按距离和开始时间排序（您关闭了个性化推荐，未使用个人特征）"


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class RankedVolunteer:
    rank: int
    score: float
    reasons: list[Reason]
    volunteer: Volunteer


@dataclass(frozen=True, slots=True)
class RankedShift:
    rank: int
    score: float
    reasons: list[Reason]
    shift: Shift


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Recommendations(Generic[T]):
    items: list[T]
    model_version: str | None
    cold_start: bool
    impression_id: int | None


def _check_first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise invalid("first", f"first is 1 to {MAX_FIRST}")
    return first


# --- small helpers ---------------------------------------------------------------------------


def _tags(column: Any) -> Any:
    return type_coerce(column, String)


def _parent_path(path: str) -> str:
    """The parent's materialized path (a community's street), or the path itself at the top."""
    parts = [p for p in path.split("/") if p]
    if len(parts) <= 1:
        return path
    return "/" + "/".join(parts[:-1]) + "/"


def _born_by(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _bbox(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / 111.0
    dlon = km / max(1e-6, 111.0 * float(np.cos(np.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def shift_slot_masks(starts: Sequence[dt.datetime], ends: Sequence[dt.datetime]) -> np.ndarray:
    """The availability bits each shift needs, from its Beijing-time span."""
    weekday, start_min, end_min = [], [], []
    for s, e in zip(starts, ends, strict=True):
        ls = s.astimezone(clock.SHANGHAI)
        le = e.astimezone(clock.SHANGHAI)
        weekday.append(ls.weekday())
        start_min.append(ls.hour * 60 + ls.minute)
        end_min.append(int((le - ls.replace(hour=0, minute=0, second=0)).total_seconds() // 60))
    return F.slot_mask(np.array(weekday), np.array(start_min), np.array(end_min))


def slot_label(mask: int) -> str:
    """ "周六上午" for the first bit of a shift's mask."""
    for bit in range(21):
        if mask & (1 << bit):
            return DAY_ZH[bit // 3] + SLOT_ZH[bit % 3]
    return "该时段"


def _nan(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _matrix(direction: str, columns: dict[str, np.ndarray]) -> np.ndarray:
    names = core_directions.DIRECTIONS[direction].feature_names
    return np.column_stack([columns[n] for n in names]).astype(np.float64)


def _reasons(
    direction: str, contributions: np.ndarray, facts: dict[str, list[Any]], cold: bool
) -> list[list[Reason]]:
    from matchmaker.matching import explain

    lists = explain.reasons(direction, contributions, facts, top=3, cold_start=cold)
    return [
        [Reason(code=r.code, text=r.text, weight=float(r.weight)) for r in row] for row in lists
    ]


def _penalized(scores: np.ndarray, counts: np.ndarray, strength: float) -> np.ndarray:
    from matchmaker.matching import fairness

    if strength <= 0 or len(scores) == 0:
        return scores
    return np.asarray(fairness.exposure_penalty(scores, counts, strength), dtype=np.float64)


def _order(scores: np.ndarray) -> np.ndarray:
    # Stable: equal scores keep the retrieval order.
    return np.argsort(-scores, kind="stable")


# --- features of (volunteer, shift) pairs ----------------------------------------------------


def pair_features(
    direction: str,
    *,
    distance_km: np.ndarray,
    max_km: np.ndarray | float,
    need_mask: np.ndarray,
    availability: np.ndarray,
    required_skills: Sequence[Collection[str]],
    skills: Sequence[Collection[str]],
    category: Sequence[str],
    interests: Sequence[Collection[str]],
    attended: np.ndarray | float,
    trials: np.ndarray | float,
    times_here: np.ndarray,
    recent_minutes: np.ndarray | float,
    invitations_recent: np.ndarray | float,
    places_left: np.ndarray | float,
    capacity: np.ndarray | float,
    invitation_cap: int,
) -> np.ndarray:
    """The X rows (direction's feature order) of volunteer/shift pairs, one row per pair.

    Both volunteer directions, the seed's simulated history and the tests compute features
    here, so a logged row always means the same thing. Counts are as of the moment the list is
    shown (the caller's job: no later outcome may leak in).
    """
    n = len(distance_km)

    def full(x: np.ndarray | float) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))

    columns = {
        "distance": F.distance_fit(distance_km, full(max_km)),
        "time": F.time_fit(np.asarray(need_mask, dtype=np.int64), np.asarray(availability)),
        "skills": F.overlap(required_skills, skills),
        "interest": np.array(
            [1.0 if c in i else 0.0 for c, i in zip(category, interests, strict=True)]
        ),
        "reliability": F.reliability(
            full(attended), full(trials), RELIABILITY_PRIOR, RELIABILITY_WEIGHT
        ),
        "familiarity": F.familiarity(times_here),
        "load": F.load(full(recent_minutes), LOAD_CAP_MINUTES),
        "exposure": F.exposure(full(invitations_recent), invitation_cap),
        "vacancy": np.clip(full(places_left) / np.maximum(full(capacity), 1.0), 0.0, 1.0),
    }
    return _matrix(direction, columns)


# --- history aggregates (as of now) -----------------------------------------------------------


@dataclass(slots=True)
class History:
    trials: dict[int, int]
    attended: dict[int, int]
    #: (volunteer id, community region id) → attended shifts there.
    here: dict[tuple[int, int], int]
    minutes: dict[int, int]
    #: Invitations in the last 7 days.
    invitations: dict[int, int]
    #: Volunteers who may not be recommended for (or invited to) the shift asked about: on it or
    #: its waitlist, invited to it, holding an overlapping place, or at the weekly cap.
    unavailable: set[int] = field(default_factory=set)


#: What a row of the history statement counts (its first column).
_ATTENDANCE, _MINUTES, _INVITATION, _TAKEN = 0, 1, 2, 3


def _history_statement(
    session: AsyncSession, volunteer_ids: Sequence[int], shift: Shift | None
) -> Any:
    """One statement for a batch of volunteers: rows ``(kind, volunteer, region, a, b)``.

    - ``_ATTENDANCE``: finished signups in 90 days per community (a = count, b = attended);
    - ``_MINUTES``: approved or pending service minutes in 30 days (a);
    - ``_INVITATION``: one per invitation of the last 7 days, or to ``shift`` (a = to that
      shift, b = in the last 7 days);
    - ``_TAKEN`` (with ``shift``): a signup on the shift or its waitlist, or an overlapping
      confirmed or offered place elsewhere.

    One round trip instead of one per aggregate: on a busy database server each round trip
    waits for the backend to be scheduled (docs/benchmarks.md).
    """
    now = clock.now()
    dialect = dialect_name(session)
    ids = ids_param(volunteer_ids, dialect)
    week_ago = now - dt.timedelta(days=7)
    no_region = cast(null(), BigInteger)

    def kind(k: int) -> Any:
        return literal(k, BigInteger)

    def big(x: Any) -> Any:
        return cast(x, BigInteger)

    done = Signup.status.in_((SignupStatus.ATTENDED, SignupStatus.NO_SHOW)) | (
        (Signup.status == SignupStatus.CONFIRMED) & (Signup.ends_at < now)
    )
    parts: list[Any] = [
        select(
            kind(_ATTENDANCE),
            Signup.volunteer_id,
            Activity.region_id,
            big(func.count()),
            big(func.sum(case((Signup.status == SignupStatus.ATTENDED, 1), else_=0))),
        )
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(
            id_in(Signup.volunteer_id, ids, dialect),
            Signup.starts_at >= now - dt.timedelta(days=RELIABILITY_DAYS),
            Signup.starts_at < now,
            done,
        )
        .group_by(Signup.volunteer_id, Activity.region_id),
        select(
            kind(_MINUTES),
            ServiceRecord.volunteer_id,
            no_region,
            big(func.sum(ServiceRecord.minutes)),
            big(literal(0)),
        )
        .where(
            id_in(ServiceRecord.volunteer_id, ids, dialect),
            ServiceRecord.starts_at >= now - dt.timedelta(days=LOAD_DAYS),
            ServiceRecord.status.in_((RecordStatus.APPROVED, RecordStatus.PENDING)),
        )
        .group_by(ServiceRecord.volunteer_id),
    ]
    recent = VolunteerInvitation.created_at >= week_ago
    if shift is None:
        parts.append(
            select(
                kind(_INVITATION),
                VolunteerInvitation.volunteer_id,
                no_region,
                big(literal(0)),
                big(literal(1)),
            ).where(id_in(VolunteerInvitation.volunteer_id, ids, dialect), recent)
        )
        return union_all(*parts)
    to_shift = VolunteerInvitation.shift_id == shift.id
    parts += [
        select(
            kind(_INVITATION),
            VolunteerInvitation.volunteer_id,
            no_region,
            big(case((to_shift, 1), else_=0)),
            big(case((recent, 1), else_=0)),
        ).where(id_in(VolunteerInvitation.volunteer_id, ids, dialect), or_(to_shift, recent)),
        # Two parts rather than one OR, so each is an index lookup by volunteer.
        select(
            kind(_TAKEN), Signup.volunteer_id, no_region, big(literal(1)), big(literal(0))
        ).where(
            id_in(Signup.volunteer_id, ids, dialect),
            Signup.shift_id == shift.id,
            Signup.status.in_(ACTIVE_SIGNUP),
        ),
        select(
            kind(_TAKEN), Signup.volunteer_id, no_region, big(literal(1)), big(literal(0))
        ).where(
            id_in(Signup.volunteer_id, ids, dialect),
            Signup.shift_id != shift.id,
            Signup.status.in_((SignupStatus.CONFIRMED, SignupStatus.OFFERED)),
            Signup.starts_at < shift.ends_at,
            Signup.ends_at > shift.starts_at,
        ),
    ]
    return union_all(*parts)


async def _history(
    session: AsyncSession,
    volunteer_ids: Sequence[int],
    *,
    shift: Shift | None = None,
    invitation_cap: int = 0,
) -> History:
    """Reliability, familiarity, load and exposure inputs for the volunteers (one statement);
    with ``shift``, also who may not be recommended for it (``invitation_cap``: the weekly cap
    of invitations)."""
    history = History(defaultdict(int), defaultdict(int), defaultdict(int), {}, defaultdict(int))
    ids = list(volunteer_ids)
    if not ids:
        return history
    for k, vid, region_id, a, b in await session.execute(_history_statement(session, ids, shift)):
        vid = int(vid)
        if k == _ATTENDANCE:
            history.trials[vid] += int(a)
            history.attended[vid] += int(b or 0)
            history.here[(vid, region_id)] += int(b or 0)
        elif k == _MINUTES:
            history.minutes[vid] = max(0, int(a or 0))
        elif k == _INVITATION:
            history.invitations[vid] += int(b)
            if a:
                history.unavailable.add(vid)
        else:
            history.unavailable.add(vid)
    if shift is not None:
        history.unavailable.update(
            vid for vid, n in history.invitations.items() if n >= invitation_cap
        )
    return history


# --- volunteers for a shift ------------------------------------------------------------------


async def _street_regions(
    session: AsyncSession, activity: Activity
) -> dict[int, tuple[float | None, float | None]]:
    """The regions of the activity's street (its community's parent) and their centres, by the
    path index.

    Fetched first so the retrieval's "in the street or nearby" is two index conditions
    (home region = ANY(ids) OR coordinates in a box) that PostgreSQL combines with a bitmap OR,
    instead of a join it would plan as a scan of every volunteer (docs/benchmarks.md). The
    centres stand in for a volunteer without coordinates of their own, who can only be
    retrieved as one of the street's people.
    """
    prefix = _parent_path(activity.region_path)
    rows = await session.execute(
        select(Region.id, Region.latitude, Region.longitude).where(
            Region.path.startswith(prefix, autoescape=True)
        )
    )
    return {int(rid): (lat, lon) for rid, lat, lon in rows}


def _coordinate_gap(activity: Activity) -> Any:
    """The retrieval's cheap distance: |Δ latitude| + |Δ longitude| in degrees (NULL without
    the volunteer's own coordinates)."""
    return func.abs(Volunteer.latitude - activity.latitude) + func.abs(
        Volunteer.longitude - activity.longitude
    )


def _reachable_volunteers(
    shift: Shift,
    activity: Activity,
    street_region_ids: Sequence[int],
    *,
    within_km: float | None = None,
) -> ColumnElement[bool]:
    """SQL on the volunteer's own row: who could be recommended for the shift at all.

    Active and recommendable; home in the shift's street (the parent of its community) or, when
    the place has coordinates, within ``NEARBY_KM``; old enough on the shift's day; has the
    activity's required skills. ``within_km`` keeps of the nearby ones outside the street only
    those whose coordinate gap is under that many km of latitude: a prefix of the nearest-first
    order. The rest of "may be recommended" is ``History.unavailable`` (:func:`_history`).
    """
    start_day = shift.starts_at.astimezone(clock.SHANGHAI).date()
    nearby: ColumnElement[bool] = Volunteer.home_region_id.in_(street_region_ids)
    if activity.latitude is not None and activity.longitude is not None:
        lat0, lat1, lon0, lon1 = _bbox(activity.latitude, activity.longitude, NEARBY_KM)
        box = [Volunteer.latitude.between(lat0, lat1), Volunteer.longitude.between(lon0, lon1)]
        if within_km is not None:
            gap = within_km / KM_PER_DEGREE
            # The gap's bounding square first (what the coordinate index can use), then the gap.
            box += [
                Volunteer.latitude.between(activity.latitude - gap, activity.latitude + gap),
                Volunteer.longitude.between(activity.longitude - gap, activity.longitude + gap),
                _coordinate_gap(activity) < gap,
            ]
        nearby = or_(nearby, and_(*box))
    clauses: list[ColumnElement[bool]] = [
        Volunteer.is_active.is_(True),
        Volunteer.recommendable.is_(True),
        nearby,
    ]
    if activity.min_age:
        clauses.append(Volunteer.birth_date <= _born_by(start_day, activity.min_age))
    for skill in activity.required_skills:
        clauses.append(_tags(Volunteer.skills).contains(f",{skill},", autoescape=True))
    return and_(*clauses)


async def _organized_open_shift(sc: ServiceContext, shift_id: int) -> tuple[Shift, Activity]:
    """The shift, if the caller organizes its activity and it has not started or been cancelled."""
    require(sc.actor, Capability.ACTIVITY_MANAGE)
    shift = await sc.session.get(Shift, shift_id)
    if shift is None:
        raise not_found("Shift")
    activity = await organized_activity(sc, shift.activity_id)
    if activity.status is ActivityStatus.CANCELLED or shift.is_cancelled:
        raise DomainError(ErrorCode.ACTIVITY_CANCELLED, "The activity is cancelled", "shiftId")
    if shift.starts_at <= clock.now():
        raise DomainError(ErrorCode.SHIFT_STARTED, "The shift has started already", "shiftId")
    return shift, activity


def _volunteer_retrieval(
    shift: Shift,
    activity: Activity,
    street_region_ids: Sequence[int],
    *,
    within_km: float | None,
    offset: int,
    limit: int,
) -> Any:
    return (
        select(
            Volunteer.id,
            Volunteer.latitude,
            Volunteer.longitude,
            Volunteer.home_region_id,
            Volunteer.skills,
            Volunteer.interests,
            Volunteer.availability,
            Volunteer.max_distance_km,
        )
        .where(_reachable_volunteers(shift, activity, street_region_ids, within_km=within_km))
        .order_by(*_nearest_first(activity, street_region_ids))
        .offset(offset)
        .limit(limit)
    )


def _nearest_first(activity: Activity, street_region_ids: Sequence[int]) -> list[Any]:
    """Which candidates the retrieval cap keeps: the community's own people, then the street's,
    then the nearest by a cheap coordinate distance (no coordinates: last), then by id."""
    order: list[Any] = [
        (Volunteer.home_region_id == activity.region_id).desc(),
        Volunteer.home_region_id.in_(street_region_ids).desc(),
    ]
    if activity.latitude is not None and activity.longitude is not None:
        order.append(func.coalesce(_coordinate_gap(activity), 1e6))
    order.append(Volunteer.id)
    return order


async def _retrieve_volunteers(
    sc: ServiceContext, shift: Shift, activity: Activity, street_region_ids: Sequence[int]
) -> tuple[list[Any], History]:
    """The first ``matching_max_candidates`` volunteers in nearest-first order who may be
    recommended for the shift, and their history.

    Read in batches of the order (a little more than the cap, since some turn out unavailable),
    first within ``RETRIEVAL_STEPS_KM`` of the place, widening to the next step only when a step
    runs out: every step's volunteers are a prefix of the next step's, so the batches continue
    where the last one ended and the result is what one query over the whole ``NEARBY_KM`` box
    would keep, without sorting the ten thousand people of a dense centre's box. Each batch's
    availability and history is one statement (:func:`_history`).
    """
    cap = sc.settings.matching_max_candidates
    batch = cap + max(10, cap // 10)
    steps: list[float | None] = [None]
    if activity.latitude is not None and activity.longitude is not None:
        steps = [*RETRIEVAL_STEPS_KM, None]
    kept: list[Any] = []
    history = History(defaultdict(int), defaultdict(int), defaultdict(int), {}, defaultdict(int))
    seen = 0
    for within_km in steps:
        while True:
            stmt = _volunteer_retrieval(
                shift, activity, street_region_ids, within_km=within_km, offset=seen, limit=batch
            )
            rows = list(await sc.session.execute(stmt))
            seen += len(rows)
            more = await _history(
                sc.session,
                [r.id for r in rows],
                shift=shift,
                invitation_cap=sc.settings.matching_volunteer_invitations_per_week,
            )
            _merge(history, more)
            kept += [r for r in rows if r.id not in more.unavailable]
            if len(kept) >= cap:
                return kept[:cap], history
            if len(rows) < batch:
                break
    return kept, history


def _merge(into: History, more: History) -> None:
    """Add a batch's history (batches hold different volunteers)."""
    into.trials.update(more.trials)
    into.attended.update(more.attended)
    into.here.update(more.here)
    into.minutes.update(more.minutes)
    into.invitations.update(more.invitations)
    into.unavailable |= more.unavailable


async def _empty_list(
    sc: ServiceContext,
    active: Any,
    direction: str,
    subject_type: str,
    subject_id: int,
    candidate_type: str,
) -> Recommendations[Any]:
    """An empty list is still an impression: logged like any other, with no candidates."""
    impression_id = await store.log_impression(
        sc.session,
        direction=direction,
        requested_by_account_id=sc.actor.account_id,
        subject_type=subject_type,
        subject_id=subject_id,
        candidate_type=candidate_type,
        candidates=[],
        model_version=active.version,
        cold_start=active.cold_start,
    )
    return Recommendations([], active.version, active.cold_start, impression_id)


async def recommended_volunteers(
    sc: ServiceContext, *, shift_id: int, first: int = 20
) -> Recommendations[RankedVolunteer]:
    """Whom to invite to a shift (its organizer only), best first."""
    _check_first(first)
    shift, activity = await _organized_open_shift(sc, shift_id)
    await plan_for_latency(sc.session)
    street = await _street_regions(sc.session, activity)
    rows, hist = await _retrieve_volunteers(sc, shift, activity, list(street))
    active = await store.active_scorer(sc.session, VFS)
    if not rows:
        return await _empty_list(sc, active, VFS, SHIFT, shift.id, VOLUNTEER)
    ids = [r.id for r in rows]
    n = len(rows)
    # Own coordinates, else the home community's centre (only the street's people lack them).
    no_centre = (None, None)
    lat = _nan(
        [
            r.latitude if r.latitude is not None else street.get(r.home_region_id, no_centre)[0]
            for r in rows
        ]
    )
    lon = _nan(
        [
            r.longitude if r.longitude is not None else street.get(r.home_region_id, no_centre)[1]
            for r in rows
        ]
    )
    place_lat = activity.latitude
    place_lon = activity.longitude
    if place_lat is None or place_lon is None:
        region = await sc.session.get(Region, activity.region_id)
        place_lat = region.latitude if region else None
        place_lon = region.longitude if region else None
    dist = F.haversine_km(
        lat,
        lon,
        np.full(n, np.nan if place_lat is None else place_lat),
        np.full(n, np.nan if place_lon is None else place_lon),
    )
    max_km = np.array([float(r.max_distance_km or DEFAULT_MAX_KM) for r in rows])
    need = int(shift_slot_masks([shift.starts_at], [shift.ends_at])[0])
    trials = np.array([hist.trials.get(i, 0) for i in ids], dtype=np.float64)
    attended = np.array([hist.attended.get(i, 0) for i in ids], dtype=np.float64)
    community = activity.region_id
    here = np.array([hist.here.get((i, community), 0) for i in ids], dtype=np.float64)
    minutes = np.array([hist.minutes.get(i, 0) for i in ids], dtype=np.float64)
    invites = np.array([hist.invitations.get(i, 0) for i in ids], dtype=np.float64)
    X = pair_features(
        VFS,
        distance_km=dist,
        max_km=max_km,
        need_mask=np.full(n, need, dtype=np.int64),
        availability=np.array([r.availability for r in rows], dtype=np.int64),
        required_skills=[activity.required_skills] * n,
        skills=[r.skills for r in rows],
        category=[activity.category.value] * n,
        interests=[r.interests for r in rows],
        attended=attended,
        trials=trials,
        times_here=here,
        recent_minutes=minutes,
        invitations_recent=invites,
        places_left=max(0, shift.capacity - shift.confirmed_count),
        capacity=shift.capacity,
        invitation_cap=sc.settings.matching_volunteer_invitations_per_week,
    )
    # Rank on the scores alone; the contributions (the reasons) only for the rows shown, which is
    # what a boosted model's attribution costs most on (docs/matching.md, "Cost of scoring").
    scores = np.asarray(active.scorer.scores_only(X), dtype=np.float64)
    adjusted = _penalized(scores, invites, sc.settings.matching_exposure_strength)
    top = _order(adjusted)[:first]
    facts: dict[str, list[Any]] = {
        "distance_km": [None if np.isnan(dist[i]) else float(dist[i]) for i in top],
        "slot_label": [slot_label(need)] * len(top),
        # Retrieval keeps only volunteers with every required skill; none required → the
        # fallback text (无需特殊技能).
        "skills_matched": ["、".join(activity.required_skills) or None] * len(top),
        "category_label": [CATEGORY_ZH.get(activity.category.value, "")] * len(top),
        "attendance_rate": [
            float(attended[i] / trials[i]) if trials[i] else RELIABILITY_PRIOR for i in top
        ],
        "times_here": [int(here[i]) for i in top],
        "recent_hours": [float(minutes[i]) / 60 for i in top],
        "invitations_recent": [int(invites[i]) for i in top],
        "places_left": [max(0, shift.capacity - shift.confirmed_count)] * len(top),
    }
    contributions = np.asarray(active.scorer.score(X[top]).contributions)
    reasons = _reasons(VFS, contributions, facts, active.cold_start)
    impression_id = await store.log_impression(
        sc.session,
        direction=VFS,
        requested_by_account_id=sc.actor.account_id,
        subject_type=SHIFT,
        subject_id=shift.id,
        candidate_type=VOLUNTEER,
        candidates=[store.LoggedCandidate(ids[i], float(adjusted[i]), X[i].tolist()) for i in top],
        model_version=active.version,
        cold_start=active.cold_start,
    )
    top_ids = [ids[i] for i in top]
    by_id = {
        v.id: v
        for v in await sc.session.scalars(select(Volunteer).where(Volunteer.id.in_(top_ids)))
    }
    items = [
        RankedVolunteer(
            rank=k + 1, score=float(adjusted[i]), reasons=reasons[k], volunteer=by_id[ids[i]]
        )
        for k, i in enumerate(top)
    ]
    return Recommendations(items, active.version, active.cold_start, impression_id)


# --- shifts for a volunteer ------------------------------------------------------------------


def _shift_retrieval(sc: ServiceContext, volunteer: Volunteer, home: Region) -> Any:
    """Open upcoming shifts near the volunteer that they may sign up for."""
    now = clock.now()
    today = now.astimezone(clock.SHANGHAI).date()
    age_now = age_on(volunteer.birth_date, today)
    nearby: ColumnElement[bool] = Activity.region_path.startswith(
        _parent_path(home.path), autoescape=True
    )
    lat = volunteer.latitude if volunteer.latitude is not None else home.latitude
    lon = volunteer.longitude if volunteer.longitude is not None else home.longitude
    if lat is not None and lon is not None:
        lat0, lat1, lon0, lon1 = _bbox(lat, lon, float(volunteer.max_distance_km or NEARBY_KM))
        nearby = or_(
            nearby,
            and_(Activity.latitude.between(lat0, lat1), Activity.longitude.between(lon0, lon1)),
        )
    place = aliased(Region)
    return (
        select(
            Shift.id,
            Shift.starts_at,
            Shift.ends_at,
            Shift.capacity,
            Shift.confirmed_count,
            Activity.region_id,
            Activity.latitude,
            Activity.longitude,
            place.latitude.label("region_lat"),
            place.longitude.label("region_lon"),
            Activity.category,
            Activity.required_skills,
        )
        .join(Activity, Activity.id == Shift.activity_id)
        .join(place, place.id == Activity.region_id)
        .where(
            Shift.starts_at > now,
            Shift.starts_at < now + dt.timedelta(days=FEED_HORIZON_DAYS),
            Shift.is_cancelled.is_(False),
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.min_age <= age_now,
            nearby,
            ~exists().where(
                Signup.shift_id == Shift.id,
                Signup.volunteer_id == volunteer.id,
                Signup.status.in_(ACTIVE_SIGNUP),
            ),
        )
        .order_by(Shift.starts_at, Shift.id)
        .limit(sc.settings.matching_max_candidates)
    )


async def recommended_shifts(
    sc: ServiceContext, *, first: int = 20
) -> Recommendations[RankedShift]:
    """The caller's feed: shifts they may sign up for, best first.

    With ``personalized_feed`` off, the order uses no personal characteristic beyond the home
    community: nearest community first, then soonest (docs/matching.md, People's rights).
    """
    _check_first(first)
    volunteer = await my_volunteer(sc)
    home = await sc.session.get(Region, volunteer.home_region_id)
    assert home is not None
    skills = set(volunteer.skills)
    rows = [
        r
        for r in await sc.session.execute(_shift_retrieval(sc, volunteer, home))
        if set(r.required_skills) <= skills
    ]
    n = len(rows)
    ids = [r.id for r in rows]
    place_lat = _nan([r.latitude if r.latitude is not None else r.region_lat for r in rows])
    place_lon = _nan([r.longitude if r.longitude is not None else r.region_lon for r in rows])
    if not volunteer.personalized_feed:
        dist = F.haversine_km(
            np.full(n, np.nan if home.latitude is None else home.latitude),
            np.full(n, np.nan if home.longitude is None else home.longitude),
            place_lat,
            place_lon,
        )
        km = np.where(np.isnan(dist), 1e6, np.floor(dist))
        order = sorted(range(n), key=lambda i: (km[i], rows[i].starts_at, rows[i].id))[:first]
        impression_id = await store.log_impression(
            sc.session,
            direction=SFV,
            requested_by_account_id=sc.actor.account_id,
            subject_type=VOLUNTEER,
            subject_id=volunteer.id,
            candidate_type=SHIFT,
            candidates=[store.LoggedCandidate(ids[i], 0.0, []) for i in order],
            model_version=None,
            cold_start=False,
            personalized=False,
        )
        shifts = await _shifts_by_id(sc.session, [ids[i] for i in order])
        items = [
            RankedShift(
                rank=k + 1,
                score=0.0,
                reasons=[Reason("DISTANCE", NON_PERSONALIZED_REASON, 0.0)],
                shift=shifts[ids[i]],
            )
            for k, i in enumerate(order)
        ]
        return Recommendations(items, None, False, impression_id)

    active = await store.active_scorer(sc.session, SFV)
    if not rows:
        return await _empty_list(sc, active, SFV, VOLUNTEER, volunteer.id, SHIFT)
    hist = await _history(sc.session, [volunteer.id])
    vlat = volunteer.latitude if volunteer.latitude is not None else home.latitude
    vlon = volunteer.longitude if volunteer.longitude is not None else home.longitude
    dist = F.haversine_km(
        np.full(n, np.nan if vlat is None else vlat),
        np.full(n, np.nan if vlon is None else vlon),
        place_lat,
        place_lon,
    )
    needs = shift_slot_masks([r.starts_at for r in rows], [r.ends_at for r in rows])
    trials = float(hist.trials.get(volunteer.id, 0))
    attended = float(hist.attended.get(volunteer.id, 0))
    here = np.array([hist.here.get((volunteer.id, r.region_id), 0) for r in rows], dtype=np.float64)
    minutes = float(hist.minutes.get(volunteer.id, 0))
    invites = float(hist.invitations.get(volunteer.id, 0))
    places_left = np.array([max(0, r.capacity - r.confirmed_count) for r in rows])
    X = pair_features(
        SFV,
        distance_km=dist,
        max_km=float(volunteer.max_distance_km or DEFAULT_MAX_KM),
        need_mask=needs,
        availability=np.full(n, volunteer.availability, dtype=np.int64),
        required_skills=[r.required_skills for r in rows],
        skills=[volunteer.skills] * n,
        category=[r.category.value for r in rows],
        interests=[volunteer.interests] * n,
        attended=attended,
        trials=trials,
        times_here=here,
        recent_minutes=minutes,
        invitations_recent=invites,
        places_left=places_left,
        capacity=np.array([r.capacity for r in rows], dtype=np.float64),
        invitation_cap=sc.settings.matching_volunteer_invitations_per_week,
    )
    # Rank on the scores alone; the contributions (the reasons) only for the rows shown, which is
    # what a boosted model's attribution costs most on (docs/matching.md, "Cost of scoring").
    scores = np.asarray(active.scorer.scores_only(X), dtype=np.float64)
    # SmartSort: each place already taken pushes a shift down, so attention spreads over shifts.
    taken = np.array([r.confirmed_count for r in rows], dtype=np.float64)
    adjusted = _penalized(scores, taken, sc.settings.matching_exposure_strength)
    top = _order(adjusted)[:first]
    facts: dict[str, list[Any]] = {
        "distance_km": [None if np.isnan(dist[i]) else float(dist[i]) for i in top],
        "slot_label": [slot_label(int(needs[i])) for i in top],
        # The required skills the volunteer has (a shift may ask for more than they have).
        "skills_matched": [
            "、".join(k for k in rows[i].required_skills if k in set(volunteer.skills)) or None
            for i in top
        ],
        "category_label": [CATEGORY_ZH.get(rows[i].category.value, "") for i in top],
        "attendance_rate": [attended / trials if trials else RELIABILITY_PRIOR] * len(top),
        "times_here": [int(here[i]) for i in top],
        "recent_hours": [minutes / 60] * len(top),
        "invitations_recent": [int(invites)] * len(top),
        "places_left": [int(places_left[i]) for i in top],
    }
    contributions = np.asarray(active.scorer.score(X[top]).contributions)
    reasons = _reasons(SFV, contributions, facts, active.cold_start)
    impression_id = await store.log_impression(
        sc.session,
        direction=SFV,
        requested_by_account_id=sc.actor.account_id,
        subject_type=VOLUNTEER,
        subject_id=volunteer.id,
        candidate_type=SHIFT,
        candidates=[store.LoggedCandidate(ids[i], float(adjusted[i]), X[i].tolist()) for i in top],
        model_version=active.version,
        cold_start=active.cold_start,
    )
    shifts = await _shifts_by_id(sc.session, [ids[i] for i in top])
    items = [
        RankedShift(rank=k + 1, score=float(adjusted[i]), reasons=reasons[k], shift=shifts[ids[i]])
        for k, i in enumerate(top)
    ]
    return Recommendations(items, active.version, active.cold_start, impression_id)


async def _shifts_by_id(session: AsyncSession, ids: list[int]) -> dict[int, Shift]:
    if not ids:
        return {}
    return {s.id: s for s in await session.scalars(select(Shift).where(Shift.id.in_(ids)))}


# --- invitations -----------------------------------------------------------------------------

INVITATION_FIELDS = ("shift_id", "volunteer_id", "status", "signup_id")


async def invite_volunteers(
    sc: ServiceContext, *, shift_id: int, volunteer_ids: Sequence[int]
) -> list[VolunteerInvitation]:
    """The shift's organizer invites volunteers; each is notified.

    All or nothing: every id must be a volunteer the shift could be recommended to (active,
    recommendable, nearby, old enough, with the skills, free, under the weekly cap). Anyone else —
    unknown, out of reach or opted out — gets one answer, ``NOT_FOUND`` on ``volunteerIds``, so the
    answer reveals nobody's settings. Inviting someone invited already is refused the same way.
    """
    ids = sorted(set(volunteer_ids))
    if not 1 <= len(ids) <= MAX_INVITEES:
        raise invalid("volunteerIds", f"Invite 1 to {MAX_INVITEES} volunteers at a time")
    shift, activity = await _organized_open_shift(sc, shift_id)
    street = list(await _street_regions(sc.session, activity))
    reachable = list(
        await sc.session.scalars(
            select(Volunteer.id).where(
                Volunteer.id.in_(ids), _reachable_volunteers(shift, activity, street)
            )
        )
    )
    hist = await _history(
        sc.session,
        reachable,
        shift=shift,
        invitation_cap=sc.settings.matching_volunteer_invitations_per_week,
    )
    if set(reachable) - hist.unavailable != set(ids):
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "Some volunteers can't be invited to this shift",
            "volunteerIds",
        )
    account_rows = await sc.session.execute(
        select(Volunteer.id, Volunteer.account_id).where(Volunteer.id.in_(ids))
    )
    accounts = {int(vid): int(aid) for vid, aid in account_rows}
    items = await _latest_items(sc, shift.id, ids)
    rows = [
        VolunteerInvitation(
            shift_id=shift.id,
            volunteer_id=vid,
            invited_by_account_id=sc.actor.account_id,
            impression_item_id=items.get(vid),
            status=VolunteerInvitationStatus.PENDING,
        )
        for vid in ids
    ]
    sc.session.add_all(rows)
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_invitation.create",
        subject_type="Shift",
        subject_id=shift.id,
        after={"volunteer_ids": ids, "invitation_ids": [r.id for r in rows]},
        region_path=activity.region_path,
    )
    start = shift.starts_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M")
    for row in rows:
        await notifications.notify(
            sc,
            [accounts[row.volunteer_id]],
            code="matching.volunteer_invitation",
            params={"activity": activity.title, "startsAt": shift.starts_at.isoformat()},
            text="志愿服务邀请",
            body=f"「{activity.title}」邀请您参加 {start} 的班次，可在“我的邀请”中接受或婉拒。",
            subject_type="VolunteerInvitation",
            subject_id=row.id,
            dedupe=f"volunteer_invitation:{row.id}",
        )
    return rows


async def _latest_items(
    sc: ServiceContext, shift_id: int, volunteer_ids: list[int]
) -> dict[int, int]:
    """The item of the latest recommendation of each volunteer for the shift, in the window."""
    since = clock.now() - dt.timedelta(days=sc.settings.matching_outcome_window_days)
    rows = await sc.session.execute(
        select(MatchImpressionItem.candidate_id, func.max(MatchImpressionItem.id))
        .where(
            MatchImpressionItem.direction == VFS,
            MatchImpressionItem.subject_type == SHIFT,
            MatchImpressionItem.subject_id == shift_id,
            MatchImpressionItem.candidate_type == VOLUNTEER,
            MatchImpressionItem.candidate_id.in_(volunteer_ids),
            MatchImpressionItem.shown_at >= since,
        )
        .group_by(MatchImpressionItem.candidate_id)
    )
    return {int(c): int(i) for c, i in rows}


async def respond_to_invitation(
    sc: ServiceContext, *, invitation_id: int, accept: bool
) -> VolunteerInvitation:
    """The invited volunteer accepts (a normal signup: capacity and waitlist apply) or declines."""
    from matchmaker.services import signups

    volunteer = await my_volunteer(sc, lock=True)
    row = await sc.session.scalar(
        select(VolunteerInvitation)
        .where(
            VolunteerInvitation.id == invitation_id,
            VolunteerInvitation.volunteer_id == volunteer.id,
        )
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise not_found("VolunteerInvitation")
    if row.status is not VolunteerInvitationStatus.PENDING:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"This invitation is {row.status.value.lower()} already",
            "invitationId",
        )
    shift = await sc.session.get(Shift, row.shift_id)
    assert shift is not None
    activity = await sc.session.get(Activity, shift.activity_id)
    assert activity is not None
    if effective_status(row, shift.starts_at, shift.is_cancelled) != row.status.value:
        raise DomainError(ErrorCode.INVALID_STATE, "This invitation has expired", "invitationId")
    before = audit.snapshot(row, INVITATION_FIELDS)
    if accept:
        signup = await signups.sign_up(sc, shift_id=row.shift_id)
        row.status = VolunteerInvitationStatus.ACCEPTED
        row.signup_id = signup.id
    else:
        row.status = VolunteerInvitationStatus.DECLINED
    row.responded_at = clock.now()
    await sc.session.flush()
    if row.impression_item_id is not None:
        from sqlalchemy import update

        # The answer is an outcome of the recommendation: 1 accepted, 0 declined.
        await sc.session.execute(
            update(MatchImpressionItem)
            .where(MatchImpressionItem.id == row.impression_item_id)
            .values(outcome_value=1.0 if accept else 0.0)
            .execution_options(synchronize_session=False)
        )
    await audit.record(
        sc,
        action="volunteer_invitation.accept" if accept else "volunteer_invitation.decline",
        subject_type="VolunteerInvitation",
        subject_id=row.id,
        before=before,
        after=audit.snapshot(row, INVITATION_FIELDS),
        region_path=activity.region_path,
    )
    return row


def my_invitations_statement(
    sc: ServiceContext, *, status: VolunteerInvitationStatus | None = None
) -> Select[Any]:
    require(sc.actor, Capability.VOLUNTEERING_PARTICIPATE)
    stmt = (
        select(VolunteerInvitation)
        .join(Volunteer, Volunteer.id == VolunteerInvitation.volunteer_id)
        .where(Volunteer.account_id == sc.actor.account_id)
    )
    if status is not None:
        stmt = stmt.where(VolunteerInvitation.status == status)
    return stmt


async def shift_invitations_statement(sc: ServiceContext, *, shift_id: int) -> Select[Any]:
    """A shift's invitations: its organizer only."""
    require(sc.actor, Capability.ACTIVITY_MANAGE)
    shift = await sc.session.get(Shift, shift_id)
    if shift is None:
        raise not_found("Shift")
    await organized_activity(sc, shift.activity_id)
    return select(VolunteerInvitation).where(VolunteerInvitation.shift_id == shift.id)


def effective_status(
    row: VolunteerInvitation, shift_starts_at: dt.datetime | None, cancelled: bool = False
) -> str:
    """A pending invitation whose shift has started or was cancelled reads as EXPIRED."""
    if row.status is VolunteerInvitationStatus.PENDING and (
        cancelled or (shift_starts_at is not None and shift_starts_at <= clock.now())
    ):
        return VolunteerInvitationStatus.EXPIRED.value
    return row.status.value


# --- training sets ---------------------------------------------------------------------------


async def _log_rows(session: AsyncSession, direction: str) -> list[Any]:
    """The direction's personalized logged rows, whole lists in impression and rank order."""
    width = len(core_directions.DIRECTIONS[direction].features)
    rows = list(
        await session.execute(
            select(
                MatchImpressionItem.impression_id,
                MatchImpressionItem.candidate_id,
                MatchImpressionItem.subject_id,
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
    )
    return [r for r in rows if r.features is not None and len(r.features) == width]


async def shift_of_rows(session: AsyncSession, direction: str) -> np.ndarray:
    """The shift of each training row (same order as the training set): the subject of an
    organizer's list, the candidate of a volunteer's feed. For the weekly-coverage measure."""
    rows = await _log_rows(session, direction)
    if direction == VFS:
        return np.array([r.subject_id for r in rows], dtype=np.int64)
    return np.array([r.candidate_id for r in rows], dtype=np.int64)


async def _training_set(session: AsyncSession, direction: str) -> Any:
    from matchmaker.matching.model import TrainingSet

    spec = core_directions.DIRECTIONS[direction]
    rows = await _log_rows(session, direction)
    if not rows:
        return None
    X = np.array([r.features for r in rows], dtype=np.float64)
    time = np.array([r.shown_at.timestamp() for r in rows], dtype=np.float64)
    engaged = np.array([r.engaged_at is not None for r in rows], dtype=bool)
    succeeded = np.array([r.succeeded_at is not None for r in rows], dtype=bool)
    # Popular: how often the candidate was taken up before this showing (from the log itself,
    # so nothing later leaks in).
    taken: dict[int, list[float]] = defaultdict(list)
    for r in rows:
        if r.engaged_at is not None:
            taken[r.candidate_id].append(r.engaged_at.timestamp())
    for times in taken.values():
        times.sort()
    popular = np.array(
        [
            float(bisect_left(taken.get(r.candidate_id, []), t))
            for r, t in zip(rows, time, strict=True)
        ]
    )
    baselines = {
        "nearest": X[:, spec.index("distance")],
        "popular": popular,
        "overlap": (X[:, spec.index("skills")] + X[:, spec.index("interest")]) / 2,
    }
    return TrainingSet(
        direction=direction,
        X=X,
        group=np.array([r.impression_id for r in rows], dtype=np.int64),
        time=time,
        engaged=engaged,
        succeeded=succeeded,
        baselines=baselines,
        feature_names=spec.feature_names,
    )


async def training_set_volunteers_for_shift(session: AsyncSession) -> Any:
    """Every personalized list of volunteers shown to organizers, with its outcomes."""
    return await _training_set(session, VFS)


async def training_set_shifts_for_volunteer(session: AsyncSession) -> Any:
    """Every personalized feed shown to volunteers, with its outcomes."""
    return await _training_set(session, SFV)


def fingerprint(ts: Any) -> str:
    """A hash of a training set's rows and outcomes: the same data trains no second version."""
    h = hashlib.sha256(ts.direction.encode())
    for arr in (ts.X, ts.group, ts.time, ts.engaged, ts.succeeded):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


async def readable_invitation(sc: ServiceContext, invitation_id: int) -> VolunteerInvitation | None:
    """One invitation for ``node(id:)``: the invited volunteer's own, or one of a shift the
    caller organizes; None otherwise."""
    row = None
    if sc.actor.can(Capability.VOLUNTEERING_PARTICIPATE):
        row = await sc.session.scalar(
            my_invitations_statement(sc).where(VolunteerInvitation.id == invitation_id)
        )
    if row is None and sc.actor.can(Capability.ACTIVITY_MANAGE):
        shift_id = await sc.session.scalar(
            select(VolunteerInvitation.shift_id).where(VolunteerInvitation.id == invitation_id)
        )
        if shift_id is not None:
            try:
                stmt = await shift_invitations_statement(sc, shift_id=shift_id)
            except DomainError:
                return None
            row = await sc.session.scalar(stmt.where(VolunteerInvitation.id == invitation_id))
    return row
