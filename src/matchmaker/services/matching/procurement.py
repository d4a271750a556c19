"""Procurement matching: which organizations to invite to a project, which open projects an
organization should bid on, and which of its social workers fit the project's team.

See docs/matching.md ("Retrieval and scope", "Fairness and load"). Each question is answered
in four steps:

1. **scope and retrieval** in SQL: the caller's scope decides whether the subject may be asked
   about at all (the same checks as the procurement screens), then a bounded candidate set is
   read (at most :data:`MAX_CANDIDATES` rows: active organizations reaching the project's
   region at or above its minimum grade; open projects the organization qualifies for; the
   organization's own active staff);
2. **facts** as of a moment: grouped queries over the candidates' history *before* that moment
   (bids, contracts, milestones, evaluations, teams, invitations), so the number of statements
   does not depend on how many candidates or how many results are asked for, and the seed and
   the training rows see exactly what a live request would have seen then;
3. **features**: :func:`organization_pair_features` and :func:`social_worker_features` turn
   facts into the direction's X columns with the pure functions of ``matchmaker.matching``;
4. **score, re-rank, explain, log**: the active model (or the cold-start prior), an exposure
   penalty for organizations already invited a lot this month, FA*IR for small and new
   organizations, the top reasons in Chinese, and one logged impression per list.

"Has won before" is deliberately not a feature: a win count feeds on itself and would shut new
organizations out. Reliability uses how contracts went (milestones on time, evaluation scores),
which a newcomer starts at the prior mean.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    and_,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings, get_settings
from matchmaker.db.engine import dialect_name
from matchmaker.db.types import UTCDateTime, tag_pattern
from matchmaker.matching import explain, fairness
from matchmaker.matching import features as F
from matchmaker.matching.directions import (
    ORGANIZATIONS_FOR_PROJECT,
    PROJECTS_FOR_ORGANIZATION,
    SOCIAL_WORKERS_FOR_PROJECT,
    direction_spec,
)
from matchmaker.models import (
    Bid,
    BidTeamMember,
    Contract,
    Milestone,
    Organization,
    OrganizationInvitation,
    PerformanceEvaluation,
    Project,
    Region,
    SocialWorker,
    SocialWorkerMembership,
    organization_service_regions,
)
from matchmaker.models.enums import ServiceCategory, WorkerLevel
from matchmaker.models.matching import MatchImpressionItem
from matchmaker.models.procurement import BidStatus, ProcurementMethod, ProjectStatus
from matchmaker.services import audit, notifications
from matchmaker.services import organizations as org_service
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import (
    MAX_FIRST,
    ORGANIZATION,
    PROJECT,
    SOCIAL_WORKER,
    id_in,
    ids_param,
    plan_for_latency,
    store,
    training,
)
from matchmaker.services.procurement import (
    RUNNING_STATES,
    load_in_scope,
    running_organization_id,
)
from matchmaker.services.projects import qualifying_open_statement

#: Most candidates one request scores (retrieval is bounded; scoring touches hundreds).
MAX_CANDIDATES = 500
#: Distance at which the DISTANCE feature reaches 0 (organization base to project community).
DISTANCE_MAX_KM = 30.0
#: One running contract per this many active staff members is a full load.
STAFF_PER_CONTRACT = 3.0
#: Live bid or contract teams at which a social worker counts as fully loaded.
WORKER_TEAM_CAP = 3.0
#: Live bids plus invitations at which a project no longer needs more attention (an open
#: tender fails with fewer than 3 valid bids, so projects short of bidders are pushed up).
PROJECT_ATTENTION_CAP = 6.0
#: How strongly the exposure penalty pushes down organizations invited often this month.
EXPOSURE_STRENGTH = 0.5
#: Past project titles per candidate used for the TEXT feature.
TITLES_PER_CANDIDATE = 10
#: Organizations one inviteOrganizations call takes.
MAX_INVITES_PER_CALL = 20
#: Project states in which asking "whom to invite" makes sense (before the bids are opened).
INVITABLE_STATES = (
    ProjectStatus.DRAFT,
    ProjectStatus.PENDING_APPROVAL,
    ProjectStatus.OPEN_FOR_BIDS,
    ProjectStatus.FAILED,
)
#: Outcomes (bid, award) are credited to a list shown at most this many days before them.
OUTCOME_WINDOW_DAYS = 90
#: An evaluated project counts as a success from this score / 100 on (60 = 合格).
WELL_EVALUATED = 0.6
#: Reliability prior: a newcomer counts as this punctual and well evaluated, worth 2 records.
RELIABILITY_PRIOR = 0.7
RELIABILITY_PRIOR_WEIGHT = 2.0

GRADE_LABELS = ("未评级", "1A 级", "2A 级", "3A 级", "4A 级", "5A 级")
LEVEL_LABELS = {
    WorkerLevel.NONE: "未持证",
    WorkerLevel.ASSISTANT: "助理社会工作师",
    WorkerLevel.SOCIAL_WORKER: "社会工作师",
    WorkerLevel.SENIOR: "高级社会工作师",
}
CATEGORY_LABELS = {
    "ELDERLY": "为老服务",
    "CHILDREN_YOUTH": "青少年儿童",
    "DISABILITY": "助残",
    "FAMILY": "家庭",
    "COMMUNITY_INTEGRATION": "社区融入",
    "REHABILITATION": "社区康复",
    "EMPLOYMENT": "就业帮扶",
    "PSYCHOLOGICAL": "心理疏导",
    "HARDSHIP_RELIEF": "困难救助",
    "DISPUTE_MEDIATION": "矛盾调解",
    "CULTURE_SPORT": "文体",
    "ENVIRONMENT": "环境",
    "OTHER": "其他",
}
QUALIFICATION_COLUMN = direction_spec(ORGANIZATIONS_FOR_PROJECT).index("qualification")
SMALL_ORGANIZATION_TEXT = "小型或新成立的社会组织，优先扶持"

FloatArray = NDArray[np.float64]


# --- facts ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ProjectFacts:
    """What the features need to know about a project."""

    id: int
    title: str
    description: str
    category: str
    region_path: str
    latitude: float | None
    longitude: float | None
    min_grade: int = 0
    #: Required social workers per certification level name (``{"SOCIAL_WORKER": 2}``).
    requirements: dict[str, int] = field(default_factory=dict)
    #: Live bids plus invitations so far: the project side of exposure.
    attention: int = 0

    @property
    def text(self) -> str:
        return f"{self.title} {self.description}".strip()

    @property
    def district_path(self) -> str:
        return district_of(self.region_path)


@dataclass(slots=True)
class OrganizationFacts:
    """What the features need to know about an organization, as of one moment."""

    id: int
    description: str
    categories: list[str]
    grade: int
    founded_on: dt.date | None
    latitude: float | None
    longitude: float | None
    #: (level rank, registration valid at the moment) of each active staff member.
    workers: list[tuple[int, bool]] = field(default_factory=list)
    #: Past live bids by the project's category (contracts come from bids, so they count too).
    bids_by_category: dict[str, int] = field(default_factory=dict)
    past_titles: list[str] = field(default_factory=list)
    milestones_accepted: int = 0
    milestones_on_time: int = 0
    evaluations: int = 0
    #: Sum of performance evaluation scores / 100.
    evaluation_points: float = 0.0
    active_contracts: int = 0
    #: Region paths of the projects of its past contracts.
    contract_paths: list[str] = field(default_factory=list)
    invitations_this_month: int = 0

    @property
    def staff(self) -> int:
        return len(self.workers)

    @property
    def text(self) -> str:
        return " ".join([self.description, *self.past_titles]).strip()


@dataclass(slots=True)
class WorkerFacts:
    """What the features need to know about a social worker, as of one moment."""

    id: int
    level: WorkerLevel
    registration_valid: bool
    specialties: list[str]
    latitude: float | None
    longitude: float | None
    past_titles: list[str] = field(default_factory=list)
    live_teams: int = 0
    #: Region paths of projects whose awarded team the worker was on.
    team_paths: list[str] = field(default_factory=list)
    completed_teams: int = 0
    #: Sum of the evaluation scores / 100 of those completed projects.
    evaluation_points: float = 0.0


def district_of(path: str) -> str:
    """The district containing a region: the tree is province → city → district → street →
    community (services.regions.PARENT_LEVEL), so its third level. A region above the district
    level is its own answer."""
    parts = [p for p in path.split("/") if p][:3]
    return "/" + "/".join(parts) + "/" if parts else "/"


def ancestor_paths(path: str) -> list[str]:
    """``/a/b/c/`` → ``["/a/", "/a/b/", "/a/b/c/"]``."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def month_start(at: dt.datetime) -> dt.datetime:
    """The start (UTC) of the Beijing calendar month containing ``at``."""
    local = at.astimezone(clock.SHANGHAI)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.astimezone(dt.UTC)


def is_small_or_new(org: OrganizationFacts, as_of: dt.datetime, *, years: int, staff: int) -> bool:
    """FA*IR's protected group (settings ``matching_new_org_years``/``matching_small_org_staff``):
    founded fewer than ``years`` years before ``as_of``, or at most ``staff`` active workers."""
    if org.staff <= staff:
        return True
    if org.founded_on is None:
        return False
    return (as_of.date() - org.founded_on).days < years * 365.25


def _coord(v: float | None) -> float:
    return math.nan if v is None else float(v)


# --- features ---------------------------------------------------------------------------------


def _qualification(project: ProjectFacts, org: OrganizationFacts) -> float:
    """0 below the minimum grade; else the mean share of each required level's head count met
    by active staff at that level or above *with a valid registration* (1 with no requirement)."""
    if org.grade < project.min_grade:
        return 0.0
    shares = []
    for level_name, needed in project.requirements.items():
        if needed <= 0:
            continue
        rank = WorkerLevel(level_name).rank
        have = sum(1 for r, valid in org.workers if valid and r >= rank)
        shares.append(min(have / needed, 1.0))
    return float(np.mean(shares)) if shares else 1.0


def organization_pair_features(
    projects: Sequence[ProjectFacts],
    orgs: Sequence[OrganizationFacts],
    *,
    exposure_counts: Sequence[float],
    exposure_cap: float,
) -> tuple[FloatArray, dict[str, list[Any]]]:
    """X rows (ORGANIZATIONS_FOR_PROJECT / PROJECTS_FOR_ORGANIZATION column order) for the
    pairs ``(projects[i], orgs[i])``, and the facts their reasons quote.

    ``exposure_counts`` is the side that gets exposed: the organization's invitations this
    month when organizations are recommended, the project's bids and invitations when projects
    are.
    """
    n = len(projects)
    assert len(orgs) == n and len(exposure_counts) == n
    in_cat = np.array(
        [o.bids_by_category.get(p.category, 0) for p, o in zip(projects, orgs, strict=True)],
        dtype=np.float64,
    )
    total = np.array([sum(o.bids_by_category.values()) for o in orgs], dtype=np.float64)
    declared = np.array(
        [1.0 if p.category in o.categories else 0.0 for p, o in zip(projects, orgs, strict=True)]
    )
    # A declared category counts as two past items in it: a stated focus, weaker than a record.
    category = F.category_affinity(in_cat + 2 * declared, total + 2 * (declared > 0))
    text = F.text_similarity([p.text for p in projects], [o.text for o in orgs])
    dist_km = F.haversine_km(
        [_coord(o.latitude) for o in orgs],
        [_coord(o.longitude) for o in orgs],
        [_coord(p.latitude) for p in projects],
        [_coord(p.longitude) for p in projects],
    )
    distance = F.distance_fit(dist_km, DISTANCE_MAX_KM)
    successes = np.array([o.milestones_on_time + o.evaluation_points for o in orgs])
    trials = np.array([o.milestones_accepted + o.evaluations for o in orgs], dtype=np.float64)
    reliability = F.reliability(successes, trials, RELIABILITY_PRIOR, RELIABILITY_PRIOR_WEIGHT)
    active = np.array([o.active_contracts for o in orgs], dtype=np.float64)
    capacity = np.array([max(1.0, o.staff / STAFF_PER_CONTRACT) for o in orgs])
    load = F.load(active, capacity)
    qualification = np.array(
        [_qualification(p, o) for p, o in zip(projects, orgs, strict=True)], dtype=np.float64
    )
    here = np.array(
        [
            sum(1 for path in o.contract_paths if path.startswith(p.district_path))
            for p, o in zip(projects, orgs, strict=True)
        ],
        dtype=np.float64,
    )
    familiarity = F.familiarity(here)
    exposure = F.exposure(np.asarray(exposure_counts, dtype=np.float64), exposure_cap)
    X = np.column_stack(
        [category, text, distance, reliability, load, qualification, familiarity, exposure]
    )
    punctuality = [
        (o.milestones_on_time / o.milestones_accepted) if o.milestones_accepted else None
        for o in orgs
    ]
    facts: dict[str, list[Any]] = {
        "category_label": [CATEGORY_LABELS.get(p.category, p.category) for p in projects],
        # No past project in the category: the fit comes from the declared service categories,
        # which the fallback text says ("在…领域做过 0 个项目" would be no reason at all).
        "category_count": [int(c) if c > 0 else None for c in in_cat],
        "distance_km": [None if math.isnan(d) else float(d) for d in dist_km],
        "punctuality": punctuality,
        "active_contracts": [int(a) for a in active],
        "grade_label": [GRADE_LABELS[max(0, min(5, o.grade))] for o in orgs],
        "contracts_here": [int(h) for h in here],
        "invitations_month": [int(c) for c in exposure_counts],
    }
    return X, facts


def social_worker_features(
    project: ProjectFacts, workers: Sequence[WorkerFacts]
) -> tuple[FloatArray, dict[str, list[Any]]]:
    """X rows (SOCIAL_WORKERS_FOR_PROJECT column order) of ``workers`` for ``project``."""
    n = len(workers)
    specialty = F.overlap([{project.category}] * n, [set(w.specialties) for w in workers])
    text = F.text_similarity([project.text] * n, [" ".join(w.past_titles) for w in workers])
    needed_rank = max(
        [WorkerLevel(name).rank for name, c in project.requirements.items() if c > 0]
        or [WorkerLevel.ASSISTANT.rank]
    )
    qualification = np.array(
        [min(1.0, w.level.rank / needed_rank) if w.registration_valid else 0.0 for w in workers],
        dtype=np.float64,
    )
    live = np.array([w.live_teams for w in workers], dtype=np.float64)
    load = F.load(live, WORKER_TEAM_CAP)
    here = np.array(
        [sum(1 for p in w.team_paths if p.startswith(project.district_path)) for w in workers],
        dtype=np.float64,
    )
    familiarity = F.familiarity(here)
    dist_km = F.haversine_km(
        [_coord(w.latitude) for w in workers],
        [_coord(w.longitude) for w in workers],
        [_coord(project.latitude)] * n,
        [_coord(project.longitude)] * n,
    )
    distance = F.distance_fit(dist_km, DISTANCE_MAX_KM)
    reliability = F.reliability(
        np.array([w.evaluation_points for w in workers]),
        np.array([w.completed_teams for w in workers], dtype=np.float64),
        RELIABILITY_PRIOR,
        RELIABILITY_PRIOR_WEIGHT,
    )
    X = np.column_stack(
        [specialty, text, qualification, load, familiarity, distance, reliability]
    ).reshape(n, 7)
    facts: dict[str, list[Any]] = {
        "specialties_matched": [
            CATEGORY_LABELS.get(project.category, project.category)
            if project.category in w.specialties
            else None
            for w in workers
        ],
        "level_label": [LEVEL_LABELS[w.level] for w in workers],
        "active_teams": [w.live_teams for w in workers],
        "projects_here": [int(h) for h in here],
        "distance_km": [None if math.isnan(d) else float(d) for d in dist_km],
        "completed_projects": [w.completed_teams for w in workers],
    }
    return X, facts


# --- fact loaders (grouped queries; a constant number per request) -----------------------------


async def load_project_facts(
    session: AsyncSession, project_ids: Sequence[int], *, as_of: dt.datetime
) -> dict[int, ProjectFacts]:
    """Projects with their community's path and centroid, and their attention before
    ``as_of`` (live bids and invitations, counted per project in the same statement)."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    live_bids = (
        select(func.count())
        .where(
            Bid.project_id == Project.id,
            Bid.submitted_at < as_of,
            or_(Bid.withdrawn_at.is_(None), Bid.withdrawn_at >= as_of),
        )
        .correlate(Project)
        .scalar_subquery()
    )
    invitations = (
        select(func.count())
        .where(
            OrganizationInvitation.project_id == Project.id,
            OrganizationInvitation.created_at < as_of,
        )
        .correlate(Project)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Project, Region.path, Region.latitude, Region.longitude, live_bids, invitations)
        .join(Region, Region.id == Project.region_id)
        .where(id_in(Project.id, ids, dialect_name(session)))
    )
    result: dict[int, ProjectFacts] = {}
    for project, path, lat, lon, n_bids, n_invitations in rows:
        result[project.id] = ProjectFacts(
            id=project.id,
            title=project.title,
            description=project.description or "",
            category=project.category.value,
            region_path=path,
            latitude=lat,
            longitude=lon,
            min_grade=project.min_grade,
            requirements=dict(project.worker_requirements),
            attention=int(n_bids or 0) + int(n_invitations or 0),
        )
    return result


async def load_organization_facts(
    session: AsyncSession, org_ids: Sequence[int], *, as_of: dt.datetime
) -> dict[int, OrganizationFacts]:
    """Organizations and their record before ``as_of``: two statements for any number.

    The first reads the organizations (plain columns, no ORM instances: hundreds per request)
    with their invitations this month; the second is every detail row of their record (active
    staff, opened bids, accepted milestones, evaluations, contracts) in one UNION ALL, each part
    tagged with what it is, so a request waits for two round trips instead of seven.
    """
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    dialect = dialect_name(session)
    invitations_this_month = (
        select(func.count())
        .where(
            OrganizationInvitation.organization_id == Organization.id,
            OrganizationInvitation.created_at >= month_start(as_of),
            OrganizationInvitation.created_at < as_of,
        )
        .correlate(Organization)
        .scalar_subquery()
    )
    result: dict[int, OrganizationFacts] = {}
    rows = await session.execute(
        select(
            Organization.id,
            Organization.description,
            Organization.categories,
            Organization.grade,
            Organization.founded_on,
            Region.latitude,
            Region.longitude,
            invitations_this_month,
        )
        .join(Region, Region.id == Organization.region_id)
        .where(id_in(Organization.id, ids, dialect))
    )
    for org_id, description, categories, grade, founded_on, lat, lon, invited in rows:
        result[org_id] = OrganizationFacts(
            id=org_id,
            description=description or "",
            categories=list(categories),
            grade=grade,
            founded_on=founded_on,
            latitude=lat,
            longitude=lon,
            invitations_this_month=int(invited or 0),
        )
    today = as_of.astimezone(clock.SHANGHAI).date()
    bids: list[tuple[dt.datetime, float, int, str, str]] = []
    for kind, org_id, text_a, text_b, number, day, at in await session.execute(
        _record_statement(ids, dialect, as_of)
    ):
        facts = result[org_id]
        if kind == _STAFF:
            valid = day is not None and today <= day
            facts.workers.append((WorkerLevel(text_a).rank, valid))
        elif kind == _BID:
            bids.append((at, number, org_id, text_a, text_b))
        elif kind == _MILESTONE:
            facts.milestones_accepted += 1
            if at is not None and at.astimezone(clock.SHANGHAI).date() <= day:
                facts.milestones_on_time += 1
        elif kind == _EVALUATION:
            facts.evaluations += 1
            facts.evaluation_points += number / 100.0
        else:
            facts.contract_paths.append(text_a)
            if at is None or at >= as_of:
                facts.active_contracts += 1
    # Latest opened first (then the latest bid): the titles kept are the most recent ones.
    for _, _, org_id, category, title in sorted(bids, reverse=True):
        facts = result[org_id]
        cat = ServiceCategory(category).value
        facts.bids_by_category[cat] = facts.bids_by_category.get(cat, 0) + 1
        if len(facts.past_titles) < TITLES_PER_CANDIDATE:
            facts.past_titles.append(title)
    return result


#: What a row of :func:`_record_statement` is (its first column).
_STAFF, _BID, _MILESTONE, _EVALUATION, _CONTRACT = 0, 1, 2, 3, 4


def _record_statement(ids: Sequence[int], dialect: str, as_of: dt.datetime) -> Any:
    """Rows ``(kind, organization, text_a, text_b, number, day, at)`` of the organizations'
    record before ``as_of``:

    - ``_STAFF``: an active staff member (level, registration expiry day) — the one definition
      of "staff" (services.organizations);
    - ``_BID``: an opened bid (category, title, bid id, opened at) — opened bids only: who has
      bid is sealed until the opening (docs/procurement.md), and a category count that moved
      with a sealed bid would tell;
    - ``_MILESTONE``: an accepted milestone (due day, accepted at);
    - ``_EVALUATION``: a performance evaluation (score);
    - ``_CONTRACT``: a contract (the project's region path, completed at).
    """
    param = ids_param(ids, dialect)
    no_text = cast(null(), String)
    no_number = cast(null(), Float)
    no_day = cast(null(), Date)
    no_time = cast(null(), UTCDateTime())

    def kind(k: int) -> Any:
        return literal(k, Integer)

    staff = org_service._active_memberships(
        kind(_STAFF),
        SocialWorkerMembership.organization_id,
        cast(SocialWorker.level, String),
        no_text,
        no_number,
        SocialWorker.registration_expires_on,
        no_time,
    ).where(id_in(SocialWorkerMembership.organization_id, param, dialect))
    bids = (
        select(
            kind(_BID),
            Bid.organization_id,
            cast(Project.category, String),
            cast(Project.title, String),
            cast(Bid.id, Float),
            no_day,
            Bid.opened_at,
        )
        .join(Project, Project.id == Bid.project_id)
        .where(
            id_in(Bid.organization_id, param, dialect),
            Bid.opened_at.is_not(None),
            Bid.opened_at < as_of,
        )
    )
    milestones = (
        select(
            kind(_MILESTONE),
            Contract.organization_id,
            no_text,
            no_text,
            no_number,
            Milestone.due_date,
            Milestone.accepted_at,
        )
        .join(Contract, Contract.id == Milestone.contract_id)
        .where(
            id_in(Contract.organization_id, param, dialect),
            Milestone.accepted_at.is_not(None),
            Milestone.accepted_at < as_of,
        )
    )
    evaluations = select(
        kind(_EVALUATION),
        PerformanceEvaluation.organization_id,
        no_text,
        no_text,
        cast(PerformanceEvaluation.score, Float),
        no_day,
        no_time,
    ).where(
        id_in(PerformanceEvaluation.organization_id, param, dialect),
        PerformanceEvaluation.created_at < as_of,
    )
    contracts = (
        select(
            kind(_CONTRACT),
            Contract.organization_id,
            cast(Region.path, String),
            no_text,
            no_number,
            no_day,
            Project.completed_at,
        )
        .join(Project, Project.id == Contract.project_id)
        .join(Region, Region.id == Project.region_id)
        .where(id_in(Contract.organization_id, param, dialect), Contract.created_at < as_of)
    )
    return union_all(staff, bids, milestones, evaluations, contracts)


async def load_worker_facts(
    session: AsyncSession,
    worker_ids: Sequence[int],
    *,
    as_of: dt.datetime,
    organization_id: int,
) -> dict[int, WorkerFacts]:
    """Social workers and their team record before ``as_of``: two statements.

    Teams count when their bid was opened before ``as_of`` or is ``organization_id``'s own: a
    worker employed by two organizations must not reveal the other one's sealed bid.
    """
    ids = sorted(set(worker_ids))
    if not ids:
        return {}
    today = as_of.astimezone(clock.SHANGHAI).date()
    result: dict[int, WorkerFacts] = {}
    rows = await session.execute(
        select(SocialWorker, Region.latitude, Region.longitude)
        .outerjoin(Region, Region.id == SocialWorker.home_region_id)
        .where(SocialWorker.id.in_(ids))
    )
    for worker, lat, lon in rows:
        expires = worker.registration_expires_on
        result[worker.id] = WorkerFacts(
            id=worker.id,
            level=worker.level,
            registration_valid=(
                worker.level is not WorkerLevel.NONE and expires is not None and today <= expires
            ),
            specialties=list(worker.specialties),
            latitude=lat,
            longitude=lon,
        )
    teams = await session.execute(
        select(
            BidTeamMember.social_worker_id,
            Bid.status,
            Bid.withdrawn_at,
            Project.title,
            Project.awarded_bid_id,
            Bid.id,
            Project.awarded_at,
            Project.completed_at,
            Region.path,
            PerformanceEvaluation.score,
            PerformanceEvaluation.created_at,
        )
        .join(Bid, Bid.id == BidTeamMember.bid_id)
        .join(Project, Project.id == Bid.project_id)
        .join(Region, Region.id == Project.region_id)
        .outerjoin(PerformanceEvaluation, PerformanceEvaluation.project_id == Project.id)
        .where(
            BidTeamMember.social_worker_id.in_(ids),
            Bid.submitted_at < as_of,
            or_(
                Bid.organization_id == organization_id,
                and_(Bid.opened_at.is_not(None), Bid.opened_at < as_of),
            ),
        )
        .order_by(Bid.submitted_at.desc(), Bid.id.desc())
    )
    for (
        worker_id,
        status,
        withdrawn_at,
        title,
        awarded_bid_id,
        bid_id,
        awarded_at,
        completed_at,
        path,
        score,
        evaluated_at,
    ) in teams:
        facts = result[worker_id]
        if status is BidStatus.WITHDRAWN and withdrawn_at is not None and withdrawn_at < as_of:
            continue
        if len(facts.past_titles) < TITLES_PER_CANDIDATE:
            facts.past_titles.append(title)
        decided = awarded_at is not None and awarded_at < as_of
        won = decided and awarded_bid_id == bid_id
        finished = completed_at is not None and completed_at < as_of
        if (not decided) or (won and not finished):
            facts.live_teams += 1
        if won:
            facts.team_paths.append(path)
        if won and finished:
            facts.completed_teams += 1
            if score is not None and evaluated_at is not None and evaluated_at < as_of:
                facts.evaluation_points += score / 100.0
            else:
                facts.evaluation_points += RELIABILITY_PRIOR
    return result


# --- retrieval --------------------------------------------------------------------------------


def _reach_clause(project_path: str) -> Any:
    """Organizations reaching a project's community: a service region that is the community,
    one of its ancestors or inside it, or a base region inside the project's district."""
    serving = (
        select(organization_service_regions.c.organization_id)
        .join(Region, Region.id == organization_service_regions.c.region_id)
        .where(
            or_(
                Region.path.in_(ancestor_paths(project_path)),
                Region.path.startswith(project_path, autoescape=True),
            )
        )
    )
    based = select(Region.id).where(
        Region.path.startswith(district_of(project_path), autoescape=True)
    )
    return or_(Organization.id.in_(serving), Organization.region_id.in_(based))


def organization_candidates_statement(project: Project, project_path: str) -> Any:
    """Active organizations reaching the project at or above its minimum grade (a hard filter:
    a bid below it is refused ``NOT_QUALIFIED``), declared category first, at most
    :data:`MAX_CANDIDATES`. Kind (登记/备案) is not a filter: bidding doesn't restrict it.
    Bidders are *not* excluded: who has bid is sealed until the opening."""
    declared = type_coerce(Organization.categories, String).like(
        tag_pattern(project.category.value)
    )
    return (
        select(Organization.id)
        .where(
            Organization.is_active.is_(True),
            Organization.grade >= project.min_grade,
            _reach_clause(project_path),
        )
        .order_by(declared.desc(), Organization.id)
        .limit(MAX_CANDIDATES)
    )


# --- scoring, re-ranking, logging -------------------------------------------------------------


@dataclass(slots=True)
class Ranked:
    """One recommended candidate, in the order shown."""

    rank: int
    candidate_id: int
    score: float
    reasons: list[explain.Reason]
    #: The candidate's row (Organization, Project or SocialWorker), filled by the question.
    row: Any = None


@dataclass(slots=True)
class Recommendations:
    items: list[Ranked]
    model_version: str | None
    cold_start: bool
    impression_id: int | None


async def _attach_rows(session: AsyncSession, model: Any, recs: Recommendations) -> None:
    """The shown candidates' rows, in one statement."""
    ids = [item.candidate_id for item in recs.items]
    if not ids:
        return
    rows = {r.id: r for r in await session.scalars(select(model).where(model.id.in_(ids)))}
    for item in recs.items:
        item.row = rows[item.candidate_id]


def _slice_facts(facts: dict[str, list[Any]], order: Sequence[int]) -> dict[str, list[Any]]:
    return {k: [v[i] for i in order] for k, v in facts.items()}


async def _rank_and_log(
    sc: ServiceContext,
    *,
    direction: str,
    subject_type: str,
    subject_id: int,
    candidate_type: str,
    candidate_ids: Sequence[int],
    X: FloatArray,
    facts: dict[str, list[Any]],
    first: int,
    protected: NDArray[np.bool_] | None = None,
    exposure_counts: Sequence[float] | None = None,
    tiers: Sequence[int] | None = None,
) -> Recommendations:
    """Score with the active model (or the cold-start prior), re-rank, explain, log.

    ``exposure_counts`` pushes down candidates by how much they were exposed already;
    ``protected`` applies FA*IR to the top ``first``; ``tiers`` (lower first) is a hard order
    over the scores (social workers with a valid registration before the others).
    """
    active = await store.active_scorer(sc.session, direction)
    scorer = active.scorer
    n = len(candidate_ids)
    if n == 0:
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
    # Rank on scores alone; contributions (costly for a boosted model) only for the rows shown.
    scores = np.asarray(scorer.scores_only(X), dtype=np.float64)
    if exposure_counts is not None:
        scores = fairness.exposure_penalty(
            scores, np.asarray(exposure_counts, dtype=np.float64), EXPOSURE_STRENGTH
        )
    k = min(first, n)
    if tiers is not None:
        order = np.lexsort((-scores, np.asarray(tiers)))[:k]
    elif protected is not None:
        order = np.asarray(
            fairness.fair_topk(
                scores,
                protected,
                k,
                sc.settings.matching_org_fair_p,
                sc.settings.matching_org_fair_alpha,
            )
        )[:k]
    else:
        order = np.argsort(-scores, kind="stable")[:k]
    order_list = [int(i) for i in order]
    reasons = explain.reasons(
        direction,
        np.asarray(scorer.score(X[order_list]).contributions),
        _slice_facts(facts, order_list),
        top=3,
        cold_start=active.cold_start,
    )
    if protected is not None:
        by_score = {int(i): r for r, i in enumerate(np.argsort(-scores, kind="stable"))}
        for pos, i in enumerate(order_list):
            if protected[i] and pos < by_score[i]:
                reasons[pos].append(
                    explain.Reason(
                        code="SMALL_ORGANIZATION", text=SMALL_ORGANIZATION_TEXT, weight=0.0
                    )
                )
    items = [
        Ranked(
            rank=pos + 1,
            candidate_id=int(candidate_ids[i]),
            score=float(scores[i]),
            reasons=reasons[pos],
        )
        for pos, i in enumerate(order_list)
    ]
    impression_id = await store.log_impression(
        sc.session,
        direction=direction,
        requested_by_account_id=sc.actor.account_id,
        subject_type=subject_type,
        subject_id=subject_id,
        candidate_type=candidate_type,
        candidates=[
            store.LoggedCandidate(item.candidate_id, item.score, X[i].tolist())
            for item, i in zip(items, order_list, strict=True)
        ],
        model_version=active.version,
        cold_start=active.cold_start,
    )
    return Recommendations(items, active.version, active.cold_start, impression_id)


def _check_first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise invalid(
            "first", f"Ask for 1 to {MAX_FIRST} recommendations", ErrorCode.PAGE_TOO_LARGE
        )
    return first


# --- the three questions ----------------------------------------------------------------------


async def recommended_organizations(
    sc: ServiceContext, *, project_id: int, first: int = 20
) -> Recommendations:
    """Organizations to invite to bid on a project (community staff and bureau officers whose
    regions contain the project), before its bids are opened."""
    scope = require(sc.actor, Capability.ORGANIZATION_INVITE)
    _check_first(first)
    project, path = await load_in_scope(sc.session, project_id, scope)
    if project.status not in INVITABLE_STATES:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "Recommendations are for projects whose bids are not opened yet",
            "projectId",
        )
    now = clock.now()
    await plan_for_latency(sc.session)
    ids = list(await sc.session.scalars(organization_candidates_statement(project, path)))
    projects = await load_project_facts(sc.session, [project.id], as_of=now)
    orgs = await load_organization_facts(sc.session, ids, as_of=now)
    pf = projects[project.id]
    org_list = [orgs[i] for i in ids]
    counts = [float(o.invitations_this_month) for o in org_list]
    X, facts = organization_pair_features(
        [pf] * len(ids),
        org_list,
        exposure_counts=counts,
        exposure_cap=sc.settings.matching_org_invitations_per_month,
    )
    q = QUALIFICATION_COLUMN
    protected = np.array(
        [
            is_small_or_new(
                o,
                now,
                years=sc.settings.matching_new_org_years,
                staff=sc.settings.matching_small_org_staff,
            )
            and X[i, q] >= 1.0
            for i, o in enumerate(org_list)
        ],
        dtype=bool,
    ).reshape(len(ids))
    recs = await _rank_and_log(
        sc,
        direction=ORGANIZATIONS_FOR_PROJECT,
        subject_type=PROJECT,
        subject_id=project.id,
        candidate_type=ORGANIZATION,
        candidate_ids=ids,
        X=X.reshape(len(ids), 8),
        facts=facts,
        first=first,
        protected=protected,
        exposure_counts=counts,
    )
    await _attach_rows(sc.session, Organization, recs)
    return recs


async def _organization_reach_paths(session: AsyncSession, org: Organization) -> list[str]:
    """Paths under which an organization works: its service regions and its base district."""
    base_path = await session.scalar(select(Region.path).where(Region.id == org.region_id))
    served = await session.scalars(
        select(Region.path)
        .join(
            organization_service_regions,
            organization_service_regions.c.region_id == Region.id,
        )
        .where(organization_service_regions.c.organization_id == org.id)
    )
    paths = set(served)
    if base_path:
        paths.add(district_of(base_path))
    return sorted(paths)


async def recommended_projects(
    sc: ServiceContext, *, organization_id: int, first: int = 20
) -> Recommendations:
    """Open projects (published, before the deadline) the organization qualifies for and
    reaches, that it has not bid on yet (its admins)."""
    _check_first(first)
    stmt = await qualifying_open_statement(sc, organization_id=organization_id)
    org = await sc.session.get(Organization, organization_id)
    assert org is not None  # qualifying_open_statement checked it
    reach = await _organization_reach_paths(sc.session, org)
    in_reach = select(Region.id).where(
        or_(*(Region.path.startswith(p, autoescape=True) for p in reach))
        if reach
        else literal(False)
    )
    own_bid = select(Bid.project_id).where(
        Bid.organization_id == organization_id, Bid.status != BidStatus.WITHDRAWN
    )
    ids = list(
        await sc.session.scalars(
            stmt.with_only_columns(Project.id)
            .where(Project.region_id.in_(in_reach), Project.id.not_in(own_bid))
            .order_by(Project.bid_deadline, Project.id)
            .limit(MAX_CANDIDATES)
        )
    )
    now = clock.now()
    projects = await load_project_facts(sc.session, ids, as_of=now)
    orgs = await load_organization_facts(sc.session, [organization_id], as_of=now)
    of = orgs[organization_id]
    project_list = [projects[i] for i in ids]
    counts = [float(p.attention) for p in project_list]
    X, facts = organization_pair_features(
        project_list, [of] * len(ids), exposure_counts=counts, exposure_cap=PROJECT_ATTENTION_CAP
    )
    recs = await _rank_and_log(
        sc,
        direction=PROJECTS_FOR_ORGANIZATION,
        subject_type=ORGANIZATION,
        subject_id=organization_id,
        candidate_type=PROJECT,
        candidate_ids=ids,
        X=X.reshape(len(ids), 8),
        facts=facts,
        first=first,
    )
    await _attach_rows(sc.session, Project, recs)
    return recs


async def recommended_social_workers(
    sc: ServiceContext, *, project_id: int, organization_id: int | None, first: int = 20
) -> Recommendations:
    """The organization's own active social workers for a project's team (its admins): while
    the project is open for bids (the organization preparing a bid), or once the organization
    runs it. Anything else is ``NOT_FOUND``, the same answer as a missing project.

    Without ``organization_id``: the organization running the project when the caller
    administers it, else the caller's only organization; an admin of several organizations
    must name one (``NOT_FOUND`` on ``organizationId`` otherwise)."""
    scope = require(sc.actor, Capability.BID_SUBMIT)
    _check_first(first)
    session = sc.session
    if organization_id is None:
        runner = await running_organization_id(session, project_id)
        if runner is not None and runner in scope.organization_ids:
            organization_id = runner
        elif len(scope.organization_ids) == 1:
            organization_id = next(iter(scope.organization_ids))
        else:
            raise not_found("Organization")
    if organization_id not in scope.organization_ids:
        raise not_found("Organization")
    org = await session.get(Organization, organization_id)
    if org is None or not org.is_active:
        raise not_found("Organization")
    project = await session.get(Project, project_id)
    if project is None:
        raise not_found("Project")
    now = clock.now()
    bidding = (
        project.status is ProjectStatus.OPEN_FOR_BIDS
        and project.bid_deadline is not None
        and now < project.bid_deadline
    )
    running = (
        project.status in RUNNING_STATES
        and await running_organization_id(session, project.id) == organization_id
    )
    if not (bidding or running):
        raise not_found("Project")
    ids = list(
        await session.scalars(
            org_service._active_memberships(SocialWorker.id)
            .where(SocialWorkerMembership.organization_id == organization_id)
            .order_by(SocialWorker.id)
            .limit(MAX_CANDIDATES)
        )
    )
    projects = await load_project_facts(session, [project.id], as_of=now)
    workers = await load_worker_facts(session, ids, as_of=now, organization_id=organization_id)
    pf = projects[project.id]
    worker_list = [workers[i] for i in ids]
    X, facts = social_worker_features(pf, worker_list)
    recs = await _rank_and_log(
        sc,
        direction=SOCIAL_WORKERS_FOR_PROJECT,
        subject_type=PROJECT,
        subject_id=project.id,
        candidate_type=SOCIAL_WORKER,
        candidate_ids=ids,
        X=X,
        facts=facts,
        first=first,
        tiers=[0 if w.registration_valid else 1 for w in worker_list],
    )
    await _attach_rows(sc.session, SocialWorker, recs)
    return recs


# --- invitations ------------------------------------------------------------------------------


@dataclass(slots=True)
class InvitationResult:
    invitations: list[OrganizationInvitation]
    #: Organizations invited by this call (the others were invited already).
    new_organization_ids: list[int]


async def invite_organizations(
    sc: ServiceContext, *, project_id: int, organization_ids: Sequence[int]
) -> InvitationResult:
    """Invite organizations to bid on a project open for bids (community staff and bureau
    officers in its region).

    For an invited tender (邀请招标) this records the invitation list and notifies each
    organization's admins with the invitation to bid; for any other method it is an "invite to
    look" notice. Bidding itself is not restricted to the invited organizations (docs/matching.md).
    Inviting an organization again is a no-op. Every organization must be one the
    recommendations could show (active, at or above the minimum grade, reaching the project),
    else the whole call is ``NOT_FOUND``; one that has reached this month's cap
    (``matching_org_invitations_per_month``) refuses the whole call with ``RATE_LIMITED``.
    """
    scope = require(sc.actor, Capability.ORGANIZATION_INVITE)
    wanted = sorted(set(organization_ids))
    if not 1 <= len(wanted) <= MAX_INVITES_PER_CALL:
        raise invalid("organizationIds", f"Invite 1 to {MAX_INVITES_PER_CALL} organizations")
    session = sc.session
    project, path = await load_in_scope(session, project_id, scope, for_update=True)
    now = clock.now()
    if project.status is not ProjectStatus.OPEN_FOR_BIDS:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "Invitations are sent while the project is open for bids",
            "status",
        )
    if project.bid_deadline is None or now >= project.bid_deadline:
        raise DomainError(ErrorCode.BID_DEADLINE_PASSED, "The bid deadline has passed", "projectId")
    reachable = set(
        await session.scalars(
            organization_candidates_statement(project, path)
            .limit(None)
            .where(Organization.id.in_(wanted))
        )
    )
    if reachable != set(wanted):
        raise invalid(
            "organizationIds",
            "Invite active organizations that serve the project's region and meet its grade",
            ErrorCode.NOT_FOUND,
        )
    existing = {
        inv.organization_id: inv
        for inv in await session.scalars(
            select(OrganizationInvitation).where(
                OrganizationInvitation.project_id == project.id,
                OrganizationInvitation.organization_id.in_(wanted),
            )
        )
    }
    new_ids = [o for o in wanted if o not in existing]
    if new_ids:
        cap = sc.settings.matching_org_invitations_per_month
        counts = dict(
            (
                await session.execute(
                    select(OrganizationInvitation.organization_id, func.count())
                    .where(
                        OrganizationInvitation.organization_id.in_(new_ids),
                        OrganizationInvitation.created_at >= month_start(now),
                    )
                    .group_by(OrganizationInvitation.organization_id)
                )
            ).all()
        )
        full = [o for o in new_ids if counts.get(o, 0) >= cap]
        if full:
            raise invalid(
                "organizationIds",
                f"{len(full)} of these organizations have had {cap} invitations this month",
                ErrorCode.RATE_LIMITED,
            )
    shown = await _latest_items(session, project.id, new_ids, now)
    created: list[OrganizationInvitation] = []
    for org_id in new_ids:
        inv = OrganizationInvitation(
            project_id=project.id,
            organization_id=org_id,
            invited_by_account_id=sc.actor.account_id,
            impression_item_id=shown.get(org_id),
        )
        session.add(inv)
        created.append(inv)
    await session.flush()
    invited_tender = project.procurement_method is ProcurementMethod.INVITED_TENDER
    deadline = project.bid_deadline.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")
    for org_id in new_ids:
        await notifications.notify(
            session,
            await notifications.org_admin_ids(session, org_id),
            code="project.invitation" if invited_tender else "project.recommended",
            params={"project": project.title, "deadline": project.bid_deadline.isoformat()},
            text="投标邀请" if invited_tender else "推荐关注招标项目",
            body=(
                f"「{project.title}」（邀请招标）邀请贵机构投标，截止 {deadline}。"
                if invited_tender
                else f"「{project.title}」正在公开招标，社区推荐贵机构关注，截止 {deadline}。"
            ),
            subject_type="Project",
            subject_id=project.id,
            dedupe=f"project.invitation:{project.id}:{org_id}",
        )
    if new_ids:
        await audit.record(
            sc,
            action="project.invite_organizations",
            subject_type="Project",
            subject_id=project.id,
            after={
                "procurement_method": project.procurement_method.value,
                "organization_ids": new_ids,
                "already_invited": sorted(existing),
            },
            region_path=path,
        )
    invitations = sorted([*existing.values(), *created], key=lambda i: i.organization_id)
    return InvitationResult(invitations, new_ids)


async def _latest_items(
    session: AsyncSession, project_id: int, org_ids: Sequence[int], before: dt.datetime
) -> dict[int, int]:
    """The latest recommendation item that showed each organization for this project."""
    if not org_ids:
        return {}
    rows = await session.execute(
        select(MatchImpressionItem.candidate_id, func.max(MatchImpressionItem.id))
        .where(
            MatchImpressionItem.direction == ORGANIZATIONS_FOR_PROJECT,
            MatchImpressionItem.subject_type == PROJECT,
            MatchImpressionItem.subject_id == project_id,
            MatchImpressionItem.candidate_type == ORGANIZATION,
            MatchImpressionItem.candidate_id.in_(list(org_ids)),
            MatchImpressionItem.shown_at <= before,
        )
        .group_by(MatchImpressionItem.candidate_id)
    )
    return {int(c): int(i) for c, i in rows}


async def invitations_of_project(
    sc: ServiceContext, *, project_id: int
) -> list[OrganizationInvitation]:
    """The invitations of a project (community staff and bureau officers in its region)."""
    scope = require(sc.actor, Capability.ORGANIZATION_INVITE)
    project, _ = await load_in_scope(sc.session, project_id, scope)
    rows = await sc.session.scalars(
        select(OrganizationInvitation)
        .where(OrganizationInvitation.project_id == project.id)
        .order_by(OrganizationInvitation.organization_id)
    )
    return list(rows)


# --- outcome hooks (called by the procurement services) ---------------------------------------


def _outcome_settings(settings: Settings) -> Settings:
    """Procurement outcomes come weeks after a list was seen (an open tender runs at least 20
    days), so they are credited within :data:`OUTCOME_WINDOW_DAYS` rather than the volunteer
    window; an award credits the list that led to the bid, whatever its age."""
    return dataclasses.replace(settings, matching_outcome_window_days=OUTCOME_WINDOW_DAYS)


async def _mark(
    session: AsyncSession,
    settings: Settings,
    pairs: Sequence[tuple[str, int, str, int]],
    *,
    stage: str,
    at: dt.datetime,
    value: float | None = None,
) -> None:
    window = _outcome_settings(settings)
    for candidate_type, candidate_id, subject_type, subject_id in pairs:
        await store.record_outcome(
            session,
            window,
            candidate_type=candidate_type,
            candidate_id=candidate_id,
            subject_type=subject_type,
            subject_id=subject_id,
            stage=stage,
            at=at,
            value=value,
        )


def _organization_pairs(organization_id: int, project_id: int) -> list[tuple[str, int, str, int]]:
    """Both orientations: the organization on the project's list, the project on the
    organization's list."""
    return [
        (ORGANIZATION, organization_id, PROJECT, project_id),
        (PROJECT, project_id, ORGANIZATION, organization_id),
    ]


async def on_bid_submitted(
    session: AsyncSession,
    settings: Settings,
    *,
    organization_id: int,
    project_id: int,
    team_worker_ids: Sequence[int],
    at: dt.datetime,
) -> None:
    """A bid is the first stage (engaged) for the organization, in both organization
    directions, and for each social worker put on its team."""
    pairs = _organization_pairs(organization_id, project_id)
    pairs += [(SOCIAL_WORKER, w, PROJECT, project_id) for w in team_worker_ids]
    await _mark(session, settings, pairs, stage=store.ENGAGED, at=at)


async def on_award(
    session: AsyncSession,
    settings: Settings,
    *,
    project_id: int,
    winner_bid_id: int,
    at: dt.datetime,
) -> None:
    """The award is the second stage (succeeded) for the winning organization and its team."""
    organization_id = await session.scalar(
        select(Bid.organization_id).where(Bid.id == winner_bid_id)
    )
    if organization_id is None:
        return
    team = list(
        await session.scalars(
            select(BidTeamMember.social_worker_id).where(BidTeamMember.bid_id == winner_bid_id)
        )
    )
    pairs = _organization_pairs(organization_id, project_id)
    pairs += [(SOCIAL_WORKER, w, PROJECT, project_id) for w in team]
    await _mark(session, settings, pairs, stage=store.SUCCEEDED, at=at)


async def on_performance_evaluated(
    session: AsyncSession,
    settings: Settings,
    *,
    project_id: int,
    organization_id: int,
    score: int,
    at: dt.datetime,
) -> None:
    """The performance evaluation grades the success: ``outcome_value`` = score / 100."""
    await _mark(
        session,
        settings,
        _organization_pairs(organization_id, project_id),
        stage=store.SUCCEEDED,
        at=at,
        value=score / 100.0,
    )


# --- training sets ----------------------------------------------------------------------------


async def _logged_rows(session: AsyncSession, direction: str) -> list[Any]:
    """The direction's logged rows in training-set order (list by list, in rank order)."""
    width = len(direction_spec(direction).features)
    return [
        r
        for r in await session.execute(
            select(
                MatchImpressionItem.impression_id,
                MatchImpressionItem.candidate_id,
                MatchImpressionItem.features,
                MatchImpressionItem.shown_at,
                MatchImpressionItem.engaged_at,
                MatchImpressionItem.succeeded_at,
                MatchImpressionItem.outcome_value,
            )
            .where(MatchImpressionItem.direction == direction)
            .order_by(MatchImpressionItem.impression_id, MatchImpressionItem.rank)
        )
        if r.features is not None and len(r.features) == width
    ]


async def _training_set(session: AsyncSession, direction: str) -> Any:
    """Every logged list of ``direction`` with its outcomes, as the core's ``TrainingSet``.

    The X rows are the logged ones: computed when the list was shown from what was known then,
    never recomputed. Outcomes are only credited to lists shown before them (the store marks the
    latest showing before the event). A success needs the award and, once the project has been
    evaluated, a score of at least :data:`WELL_EVALUATED` (as ``outcome_value``, score / 100).
    """
    from matchmaker.matching.model import TrainingSet

    spec = direction_spec(direction)
    rows = await _logged_rows(session, direction)
    if not rows:
        return None
    X = np.array([r.features for r in rows], dtype=np.float64)
    time = np.array([r.shown_at.timestamp() for r in rows], dtype=np.float64)
    engaged = np.array(
        [r.engaged_at is not None and r.engaged_at >= r.shown_at for r in rows], dtype=bool
    )
    succeeded = engaged & np.array(
        [
            r.succeeded_at is not None
            and r.succeeded_at >= r.shown_at
            and (r.outcome_value is None or r.outcome_value >= WELL_EVALUATED)
            for r in rows
        ],
        dtype=bool,
    )
    # Popular: how often the candidate was taken up (bid on / bid) before this showing, from
    # the log itself, so nothing later leaks in.
    taken: dict[int, list[float]] = {}
    for r in rows:
        if r.engaged_at is not None:
            taken.setdefault(r.candidate_id, []).append(r.engaged_at.timestamp())
    for times in taken.values():
        times.sort()
    popular = np.array(
        [
            float(bisect_left(taken.get(r.candidate_id, []), t))
            for r, t in zip(rows, time, strict=True)
        ]
    )
    overlap_feature = "specialty" if direction == SOCIAL_WORKERS_FOR_PROJECT else "category"
    return TrainingSet(
        direction=direction,
        X=X,
        group=np.array([r.impression_id for r in rows], dtype=np.int64),
        time=time,
        engaged=engaged,
        succeeded=succeeded,
        baselines={
            "nearest": X[:, spec.index("distance")],
            "popular": popular,
            "overlap": X[:, spec.index(overlap_feature)],
        },
        feature_names=spec.feature_names,
    )


async def training_set_organizations_for_project(session: AsyncSession) -> Any:
    """Every list of organizations shown for a project, with bids and awards."""
    return await _training_set(session, ORGANIZATIONS_FOR_PROJECT)


async def training_set_projects_for_organization(session: AsyncSession) -> Any:
    """Every list of open projects shown to an organization, with its bids and awards."""
    return await _training_set(session, PROJECTS_FOR_ORGANIZATION)


async def training_set_social_workers_for_project(session: AsyncSession) -> Any:
    """Every team suggestion shown, with who was put on the bid team and whether it won."""
    return await _training_set(session, SOCIAL_WORKERS_FOR_PROJECT)


async def protected_rows_organizations_for_project(session: AsyncSession, ts: Any) -> Any:
    """For ``matchmaker matching evaluate``: whether each training row's organization was small
    or new when shown (founding date then; today's active staff, the only staff count kept) and
    qualified for the project — FA*IR's protected group."""
    settings = get_settings()
    rows = await _logged_rows(session, ORGANIZATIONS_FOR_PROJECT)
    ids = sorted({r.candidate_id for r in rows})
    founded = dict(
        (
            await session.execute(
                select(Organization.id, Organization.founded_on).where(Organization.id.in_(ids))
            )
        ).all()
    )
    staff = await org_service.staff_counts(session, ids)
    out = np.zeros(len(rows), dtype=bool)
    for i, r in enumerate(rows):
        facts = OrganizationFacts(
            id=r.candidate_id,
            description="",
            categories=[],
            grade=0,
            founded_on=founded.get(r.candidate_id),
            latitude=None,
            longitude=None,
            workers=[(0, False)] * staff.get(r.candidate_id, 0),
        )
        out[i] = (
            is_small_or_new(
                facts,
                r.shown_at,
                years=settings.matching_new_org_years,
                staff=settings.matching_small_org_staff,
            )
            and r.features[QUALIFICATION_COLUMN] >= 1.0
        )
    return out


# The training job and the evaluation command find the procurement directions here
# (services.matching.training imports this module).
training.PROTECTED_ROWS[ORGANIZATIONS_FOR_PROJECT] = protected_rows_organizations_for_project
training.TRAINING_SETS.update(
    {
        ORGANIZATIONS_FOR_PROJECT: training_set_organizations_for_project,
        PROJECTS_FOR_ORGANIZATION: training_set_projects_for_organization,
        SOCIAL_WORKERS_FOR_PROJECT: training_set_social_workers_for_project,
    }
)
