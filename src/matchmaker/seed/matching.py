"""Demo matching history: simulated impressions with outcomes, then trained models.

So the first ``make run`` ranks with a trained model, this step replays the past five weeks as
if the platform had been recommending all along: before each past shift its organizer was shown
the volunteers of the street, and volunteers were shown the upcoming shifts of their street.
Features come from the service's own :func:`~matchmaker.services.matching.volunteering.
pair_features` with every count "as of" the moment of the list, so the logged X rows are what a
live request would have logged. Who signs up follows a hidden, realistic structure — people go
to nearby places, at times they are free, for causes they care about, with the skills asked
for, less when already busy, and a little less further down a list — and whether they then
attend depends on a personal reliability. The models are then trained by the same service as
the nightly job, including the procurement directions when ``seed/matching_procurement.py``
provides their history.

The simulated log is separate from the demo signups of ``seed/volunteering.py`` (the ledger and
rosters stay as they are); it only feeds the models and the evaluation.
"""

from __future__ import annotations

import datetime as dt
import heapq
import importlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import insert, select

from matchmaker import clock
from matchmaker.matching import features as F
from matchmaker.matching.model import cold_start_scorer
from matchmaker.models import (
    Activity,
    MatchImpression,
    MatchImpressionItem,
    Shift,
    Signup,
    Volunteer,
    VolunteerInvitation,
)
from matchmaker.models.enums import RegionLevel, Role
from matchmaker.models.matching import VolunteerInvitationStatus
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import SeedContext
from matchmaker.services import notifications
from matchmaker.services.matching import SHIFT, VOLUNTEER, training
from matchmaker.services.matching.volunteering import (
    DEFAULT_MAX_KM,
    SFV,
    VFS,
    pair_features,
    shift_slot_masks,
)
from matchmaker.services.validation import age_on

IMPRESSIONS = table_of(MatchImpression)
#: Longest simulated list (an organizer's page, a volunteer's feed).
LIST_SIZE = 20
#: Feeds per volunteer over the simulated weeks, by scale.
FEEDS_PER_VOLUNTEER = {"small": 2, "city": 1, "province": 0}
#: At most this many past shifts get an organizer's list, by scale.
MAX_SHIFT_LISTS = {"small": 400, "city": 3000, "province": 5000}


@dataclass(slots=True)
class _Person:
    id: int
    street_id: int
    lat: float | None
    lon: float | None
    max_km: float
    availability: int
    skills: list[str]
    interests: list[str]
    birth: dt.date
    #: Hidden traits: how keen they are, and how often they turn up once signed up.
    keenness: float
    reliability: float


@dataclass(slots=True)
class _Slot:
    id: int
    street_id: int
    region_id: int
    lat: float | None
    lon: float | None
    starts: dt.datetime
    ends: dt.datetime
    capacity: int
    category: str
    required: list[str]
    min_age: int
    need: int = 0
    taken: int = 0


@dataclass(slots=True)
class _History:
    """Per volunteer, what was known at the simulated moment."""

    trials: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    attended: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    here: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    minutes: dict[int, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    signed: set[tuple[int, int]] = field(default_factory=set)

    def recent_minutes(self, volunteer_id: int, at: float) -> int:
        since = at - 30 * 86400
        return sum(m for t, m in self.minutes.get(volunteer_id, []) if since <= t < at)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


async def _people(ctx: SeedContext, rng: Any, streets: set[int]) -> list[_Person]:
    """The volunteers living in the streets that had shifts (at province scale, a few)."""
    communities = {c.id for street in streets for c in ctx.communities_by_street.get(street, [])}
    grids = {r.id for r in ctx.regions.values() if r.parent_id in communities}
    homes = sorted(communities | grids)
    rows: list[Any] = []
    for start in range(0, len(homes), 500):
        rows.extend(
            await ctx.session.execute(
                _PEOPLE.where(Volunteer.home_region_id.in_(homes[start : start + 500]))
            )
        )
    rows.sort(key=lambda r: r.id)
    return _persons(ctx, rng, rows)


_PEOPLE = select(
    Volunteer.id,
    Volunteer.home_region_id,
    Volunteer.latitude,
    Volunteer.longitude,
    Volunteer.max_distance_km,
    Volunteer.availability,
    Volunteer.skills,
    Volunteer.interests,
    Volunteer.birth_date,
).where(Volunteer.is_active.is_(True), Volunteer.recommendable.is_(True))


def _persons(ctx: SeedContext, rng: Any, rows: list[Any]) -> list[_Person]:
    people = []
    for r in rows:
        home = ctx.regions.get(int(r.home_region_id))
        if home is None:
            continue
        if home.id not in ctx.regions or home.parent_id is None:
            continue
        street = ctx.street_of(home)
        if street.level is not RegionLevel.STREET and street.parent_id is not None:
            street = ctx.street_of(street)  # a grid's community's street
        people.append(
            _Person(
                id=int(r.id),
                street_id=street.id,
                lat=r.latitude if r.latitude is not None else home.latitude,
                lon=r.longitude if r.longitude is not None else home.longitude,
                max_km=float(r.max_distance_km or DEFAULT_MAX_KM),
                availability=int(r.availability or 0),
                skills=list(r.skills),
                interests=list(r.interests),
                birth=r.birth_date,
                keenness=rng.gauss(0.0, 0.7),
                reliability=rng.betavariate(6, 2),
            )
        )
    return people


async def _past_shifts(ctx: SeedContext, now: dt.datetime) -> list[_Slot]:
    rows = await ctx.session.execute(
        select(
            Shift.id,
            Shift.starts_at,
            Shift.ends_at,
            Shift.capacity,
            Activity.region_id,
            Activity.latitude,
            Activity.longitude,
            Activity.category,
            Activity.required_skills,
            Activity.min_age,
        )
        .join(Activity, Activity.id == Shift.activity_id)
        .where(Shift.starts_at < now - dt.timedelta(days=1), Shift.is_cancelled.is_(False))
        .order_by(Shift.starts_at, Shift.id)
    )
    slots = []
    for r in rows:
        region = ctx.regions.get(int(r.region_id))
        if region is None:
            continue
        street = ctx.street_of(region) if region.parent_id is not None else region
        slots.append(
            _Slot(
                id=int(r.id),
                street_id=street.id,
                region_id=region.id,
                lat=r.latitude if r.latitude is not None else region.latitude,
                lon=r.longitude if r.longitude is not None else region.longitude,
                starts=r.starts_at,
                ends=r.ends_at,
                capacity=int(r.capacity),
                category=str(getattr(r.category, "value", r.category)),
                required=list(r.required_skills),
                min_age=int(r.min_age or 0),
            )
        )
    if slots:
        masks = shift_slot_masks([s.starts for s in slots], [s.ends for s in slots])
        for s, m in zip(slots, masks, strict=True):
            s.need = int(m)
    return slots


def _nan(x: float | None) -> float:
    return math.nan if x is None else float(x)


class _Simulator:
    def __init__(self, ctx: SeedContext, rng: Any, people: list[_Person], slots: list[_Slot]):
        self.ctx = ctx
        self.rng = rng
        self.np_rng = np.random.default_rng(rng.randrange(2**32))
        self.people = people
        self.by_id = {p.id: p for p in people}
        self.slots = slots
        self.history = _History()
        #: (time, seq, volunteer id, slot, attended): shifts that happen, applied in time order.
        self.pending: list[tuple[float, int, int, _Slot, bool]] = []
        self.seq = 0
        self.impressions: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.cap = ctx.settings.matching_volunteer_invitations_per_week

    def _advance(self, t: float) -> None:
        h = self.history
        while self.pending and self.pending[0][0] <= t:
            when, _, vid, slot, came = heapq.heappop(self.pending)
            h.trials[vid] += 1
            if came:
                h.attended[vid] += 1
                h.here[(vid, slot.region_id)] += 1
                minutes = int((slot.ends - slot.starts).total_seconds() // 60)
                h.minutes[vid].append((when, minutes))

    def _features(self, direction: str, pairs: list[tuple[_Person, _Slot]], t: float) -> Any:
        h = self.history
        dist = F.haversine_km(
            [_nan(p.lat) for p, _ in pairs],
            [_nan(p.lon) for p, _ in pairs],
            [_nan(s.lat) for _, s in pairs],
            [_nan(s.lon) for _, s in pairs],
        )
        return pair_features(
            direction,
            distance_km=dist,
            max_km=np.array([p.max_km for p, _ in pairs]),
            need_mask=np.array([s.need for _, s in pairs], dtype=np.int64),
            availability=np.array([p.availability for p, _ in pairs], dtype=np.int64),
            required_skills=[s.required for _, s in pairs],
            skills=[p.skills for p, _ in pairs],
            category=[s.category for _, s in pairs],
            interests=[p.interests for p, _ in pairs],
            attended=np.array([h.attended.get(p.id, 0) for p, _ in pairs], dtype=np.float64),
            trials=np.array([h.trials.get(p.id, 0) for p, _ in pairs], dtype=np.float64),
            times_here=np.array(
                [h.here.get((p.id, s.region_id), 0) for p, s in pairs], dtype=np.float64
            ),
            recent_minutes=np.array(
                [h.recent_minutes(p.id, t) for p, _ in pairs], dtype=np.float64
            ),
            invitations_recent=0.0,
            places_left=np.array([max(0, s.capacity - s.taken) for _, s in pairs]),
            capacity=np.array([s.capacity for _, s in pairs], dtype=np.float64),
            invitation_cap=self.cap,
        )

    def _show(
        self,
        direction: str,
        subject_type: str,
        subject_id: int,
        candidate_type: str,
        pairs: list[tuple[_Person, _Slot]],
        shown: dt.datetime,
    ) -> None:
        t = shown.timestamp()
        self._advance(t)
        X = self._features(direction, pairs, t)
        shown_scores = cold_start_scorer(direction).score(X).scores
        order = np.argsort(-shown_scores, kind="stable")
        order = order[:LIST_SIZE]
        spec_x = X[order]
        # The hidden structure: nearby, free, caring about the cause, skilled, not too busy;
        # keen people more, and a little less further down the list.
        keen = np.array([pairs[i][0].keenness for i in order])
        rank = np.arange(1, len(order) + 1)
        utility = (
            -5.0
            + 2.6 * spec_x[:, 0]  # distance
            + 1.6 * spec_x[:, 1]  # time
            + 0.7 * spec_x[:, 2]  # skills
            + 1.1 * spec_x[:, 3]  # interest
            + 0.6 * spec_x[:, 5]  # familiarity
            + 0.8 * spec_x[:, 6]  # load (room left)
            + 0.5 * spec_x[:, 8]  # vacancy
            + keen
            - 0.35 * np.log2(rank)
        )
        engaged = self.np_rng.random(len(order)) < _sigmoid(utility)
        impression_id = len(self.impressions) + 1  # offset later
        self.impressions.append(
            {
                "direction": direction,
                "requested_by_account_id": None,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "model_version": None,
                "cold_start": True,
                "personalized": True,
                "size": len(order),
                "created_at": shown,
                "updated_at": shown,
            }
        )
        for k, i in enumerate(order):
            person, slot = pairs[int(i)]
            row: dict[str, Any] = {
                "impression_id": impression_id,
                "rank": k + 1,
                "candidate_type": candidate_type,
                "candidate_id": person.id if candidate_type == VOLUNTEER else slot.id,
                "score": float(shown_scores[i]),
                "features": [round(float(x), 6) for x in X[i]],
                "direction": direction,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "shown_at": shown,
                "engaged_at": None,
                "succeeded_at": None,
                "outcome_value": None,
            }
            pair = (person.id, slot.id)
            if engaged[k] and pair not in self.history.signed and slot.taken < slot.capacity:
                self.history.signed.add(pair)
                slot.taken += 1
                delay = self.rng.uniform(0.5, 36.0)
                signed_at = min(
                    shown + dt.timedelta(hours=delay), slot.starts - dt.timedelta(hours=1)
                )
                row["engaged_at"] = max(signed_at, shown)
                came = self.rng.random() < person.reliability
                if came:
                    row["succeeded_at"] = slot.starts
                self.seq += 1
                heapq.heappush(
                    self.pending, (slot.ends.timestamp(), self.seq, person.id, slot, came)
                )
            self.items.append(row)

    def run(self, now: dt.datetime) -> None:
        events: list[tuple[dt.datetime, str, Any]] = []
        by_street: dict[int, list[_Person]] = defaultdict(list)
        for p in self.people:
            by_street[p.street_id].append(p)
        slots_by_street: dict[int, list[_Slot]] = defaultdict(list)
        for s in self.slots:
            slots_by_street[s.street_id].append(s)
        limit = MAX_SHIFT_LISTS.get(self.ctx.scale.name, 400)
        for past in self.slots[-limit:]:
            shown = past.starts - dt.timedelta(days=self.rng.uniform(1.0, 6.0))
            events.append((shown, "shift", past))
        if self.slots:
            first = min(s.starts for s in self.slots) - dt.timedelta(days=7)
            span = max(1.0, (now - first).total_seconds() - 86400)
            for p in self.people:
                for _ in range(FEEDS_PER_VOLUNTEER.get(self.ctx.scale.name, 1)):
                    shown = first + dt.timedelta(seconds=self.rng.uniform(0, span))
                    events.append((shown, "feed", p))
        events.sort(key=lambda e: (e[0], e[1]))
        for shown, kind, what in events:
            if kind == "shift":
                slot: _Slot = what
                day = slot.starts.astimezone(clock.SHANGHAI).date()
                pool = [
                    p
                    for p in by_street.get(slot.street_id, [])
                    if age_on(p.birth, day) >= slot.min_age
                    and set(slot.required) <= set(p.skills)
                    and (p.id, slot.id) not in self.history.signed
                ]
                if len(pool) < 3:
                    continue
                pool = self.rng.sample(pool, min(len(pool), 60))
                self._show(VFS, SHIFT, slot.id, VOLUNTEER, [(p, slot) for p in pool], shown)
            else:
                person: _Person = what
                horizon = shown + dt.timedelta(days=14)
                upcoming = [
                    s
                    for s in slots_by_street.get(person.street_id, [])
                    if shown < s.starts <= horizon
                    and age_on(person.birth, s.starts.astimezone(clock.SHANGHAI).date())
                    >= s.min_age
                    and set(s.required) <= set(person.skills)
                    and (person.id, s.id) not in self.history.signed
                ]
                if len(upcoming) < 2:
                    continue
                self._show(SFV, VOLUNTEER, person.id, SHIFT, [(person, s) for s in upcoming], shown)


async def _write(ctx: SeedContext, sim: _Simulator) -> None:
    if not sim.impressions:
        return
    ids = await ctx.writer.ids(IMPRESSIONS, len(sim.impressions))
    first = ids[0]
    rows = [{"id": first + n, **row} for n, row in enumerate(sim.impressions)]
    await ctx.session.execute(insert(MatchImpression), rows)
    batch = ctx.scale.batch
    for row in sim.items:
        row["impression_id"] += first - 1
    for start in range(0, len(sim.items), batch):
        await ctx.session.execute(insert(MatchImpressionItem), sim.items[start : start + batch])
    ctx.count("match_impressions", len(rows))
    ctx.count("match_impression_items", len(sim.items))


async def _demo_invitation(ctx: SeedContext, now: dt.datetime) -> None:
    """The demo volunteer has an invitation waiting from the demo community staff member."""
    demo = ctx.shared.get("demo_accounts", {})
    volunteer_account, staff_account = demo.get(Role.VOLUNTEER), demo.get(Role.COMMUNITY_STAFF)
    if volunteer_account is None or staff_account is None:
        return
    volunteer_id = await ctx.session.scalar(
        select(Volunteer.id).where(Volunteer.account_id == volunteer_account)
    )
    if volunteer_id is None:
        return
    row = (
        await ctx.session.execute(
            select(Shift.id, Shift.starts_at, Activity.title)
            .join(Activity, Activity.id == Shift.activity_id)
            .where(
                Activity.created_by_account_id == staff_account,
                Activity.min_age == 0,
                Shift.starts_at > now + dt.timedelta(days=1),
                ~select(Signup.id)
                .where(Signup.shift_id == Shift.id, Signup.volunteer_id == volunteer_id)
                .exists(),
            )
            .order_by(Shift.starts_at, Shift.id)
            .limit(1)
        )
    ).first()
    if row is None:
        return
    invitation = VolunteerInvitation(
        shift_id=row.id,
        volunteer_id=volunteer_id,
        invited_by_account_id=staff_account,
        status=VolunteerInvitationStatus.PENDING,
    )
    ctx.session.add(invitation)
    await ctx.session.flush()
    start = row.starts_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M")
    await notifications.notify(
        ctx.session,
        [volunteer_account],
        code="matching.volunteer_invitation",
        params={"activity": row.title, "startsAt": row.starts_at.isoformat()},
        text="志愿服务邀请",
        body=f"「{row.title}」邀请您参加 {start} 的班次，可在“我的邀请”中接受或婉拒。",
        subject_type="VolunteerInvitation",
        subject_id=invitation.id,
        dedupe=f"volunteer_invitation:{invitation.id}",
    )
    ctx.count("volunteer_invitations", 1)


async def seed_matching(ctx: SeedContext) -> None:
    rng = ctx.rng("matching")
    now = clock.now()
    slots = await _past_shifts(ctx, now)
    people = await _people(ctx, rng, {s.street_id for s in slots})
    sim = _Simulator(ctx, rng, people, slots)
    sim.run(now)
    await _write(ctx, sim)
    engaged = sum(1 for r in sim.items if r["engaged_at"] is not None)
    ctx.log(f"matching: {len(sim.impressions)} lists, {len(sim.items)} rows, {engaged} signups")

    try:  # the procurement directions' history, when that module exists
        procurement = importlib.import_module("matchmaker.seed.matching_procurement")
    except ModuleNotFoundError as exc:
        if exc.name != "matchmaker.seed.matching_procurement":
            raise
    else:
        await procurement.seed_procurement_matching(ctx)

    await _demo_invitation(ctx, now)
    await ctx.session.flush()
    outcomes = await training.train_directions(ctx.sc)
    for o in outcomes:
        ctx.log(f"matching: {o.direction} {o.status} {o.version or ''} promoted={o.promoted}")
        if o.status == "trained":
            ctx.count("matching_models", 1)
        if o.promoted:
            ctx.count("matching_models_active", 1)


__all__ = ["seed_matching"]
