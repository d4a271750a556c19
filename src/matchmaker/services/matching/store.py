"""The impression log, outcomes, and the model store (docs/matching.md).

Light to import (the signup and attendance services record outcomes through it); the pure core
and scikit-learn are imported only where a model is trained, promoted or loaded.

Impressions: every ranked list shown is one ``match_impressions`` row plus its items, written
with two statements (the items in one executemany INSERT, however long the list).

Outcomes: when the candidate of a shown pair reaches a stage (a volunteer shown a shift signs
up, then attends), the latest item of that pair shown within the outcome window is marked
(``engaged_at`` / ``succeeded_at``). The marking is one UPDATE per direction.

Models: a trained version is stored as a CANDIDATE; the promotion rule
(``matching.model.better_than``) makes it ACTIVE (the old one RETIRED) or REJECTED. A platform
admin may promote a version by hand or roll back to the previously promoted one. Every change is
an audit event. Scorers are cached per process by (direction, version): a request reads only the
active version's name, and parses the artifact once per process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models.matching import (
    MatchImpression,
    MatchImpressionItem,
    MatchingModel,
    MatchingModelStatus,
)
from matchmaker.services import audit
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.matching import SHIFT, VOLUNTEER

ENGAGED = "engaged"
SUCCEEDED = "succeeded"
MODEL_FIELDS = ("direction", "version", "kind", "status", "n_rows", "fingerprint")


# --- impressions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoggedCandidate:
    candidate_id: int
    score: float
    features: Sequence[float]


async def log_impression(
    session: AsyncSession,
    *,
    direction: str,
    requested_by_account_id: int | None,
    subject_type: str,
    subject_id: int,
    candidate_type: str,
    candidates: Sequence[LoggedCandidate],
    model_version: str | None,
    cold_start: bool,
    personalized: bool = True,
    at: dt.datetime | None = None,
) -> int:
    """Log one list as shown (candidates in rank order, rank 1 first); returns its id."""
    now = at or clock.now()
    impression_id = await session.scalar(
        insert(MatchImpression)
        .values(
            direction=direction,
            requested_by_account_id=requested_by_account_id,
            subject_type=subject_type,
            subject_id=subject_id,
            model_version=model_version,
            cold_start=cold_start,
            personalized=personalized,
            size=len(candidates),
            created_at=now,
            updated_at=now,
        )
        .returning(MatchImpression.id)
    )
    assert impression_id is not None
    if candidates:
        await session.execute(
            insert(MatchImpressionItem),
            [
                {
                    "impression_id": impression_id,
                    "rank": rank,
                    "candidate_type": candidate_type,
                    "candidate_id": c.candidate_id,
                    "score": float(c.score),
                    "features": [round(float(x), 6) for x in c.features],
                    "direction": direction,
                    "subject_type": subject_type,
                    "subject_id": subject_id,
                    "shown_at": now,
                }
                for rank, c in enumerate(candidates, start=1)
            ],
        )
    return int(impression_id)


def _latest_item(
    *,
    candidate_type: str,
    candidate_id: int,
    subject_type: str,
    subject_id: int,
    at: dt.datetime,
    window: dt.timedelta,
    stage: str,
    direction: str | None = None,
) -> Any:
    """The id of the latest item of the pair shown within the window before ``at``.

    For the second stage an item already marked engaged counts whatever its age: an attendance
    weeks after the signup still belongs to the list that led to the signup.
    """
    recent = MatchImpressionItem.shown_at >= at - window
    if stage == SUCCEEDED:
        recent = recent | MatchImpressionItem.engaged_at.is_not(None)
    same_direction = MatchImpressionItem.direction == direction if direction is not None else true()
    return (
        select(MatchImpressionItem.id)
        .where(
            same_direction,
            MatchImpressionItem.candidate_type == candidate_type,
            MatchImpressionItem.candidate_id == candidate_id,
            MatchImpressionItem.subject_type == subject_type,
            MatchImpressionItem.subject_id == subject_id,
            MatchImpressionItem.shown_at <= at,
            recent,
        )
        .order_by(MatchImpressionItem.shown_at.desc(), MatchImpressionItem.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def record_outcome(
    session: AsyncSession,
    settings: Settings,
    *,
    candidate_type: str,
    candidate_id: int,
    subject_type: str,
    subject_id: int,
    stage: str,
    at: dt.datetime | None = None,
    value: float | None = None,
    direction: str | None = None,
) -> int:
    """Mark the latest matching impression item of the pair as engaged or succeeded.

    Returns how many items were marked (0 or 1). Succeeding implies engaging. An item keeps
    the time it first reached a stage. Directions log the pair in their own orientation; call
    once per orientation (see :func:`record_volunteer_outcome`). ``direction`` narrows the
    match to one direction's lists when two directions share an orientation.
    """
    if stage not in (ENGAGED, SUCCEEDED):
        raise ValueError(f"unknown stage {stage!r}")
    now = at or clock.now()
    window = dt.timedelta(days=settings.matching_outcome_window_days)
    target = _latest_item(
        candidate_type=candidate_type,
        candidate_id=candidate_id,
        subject_type=subject_type,
        subject_id=subject_id,
        at=now,
        window=window,
        stage=stage,
        direction=direction,
    )
    values: dict[str, Any] = {"engaged_at": func.coalesce(MatchImpressionItem.engaged_at, now)}
    if stage == SUCCEEDED:
        values["succeeded_at"] = func.coalesce(MatchImpressionItem.succeeded_at, now)
    if value is not None:
        values["outcome_value"] = value
    result = await session.execute(
        update(MatchImpressionItem)
        .where(MatchImpressionItem.id == target)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def record_volunteer_outcome(
    session: AsyncSession,
    settings: Settings,
    *,
    volunteer_id: int,
    shift_id: int,
    stage: str,
    at: dt.datetime | None = None,
) -> int:
    """A volunteer signed up for (``engaged``) or attended (``succeeded``) a shift: both the
    organizer's list (volunteers for the shift) and the volunteer's feed (shifts for them)."""
    marked = await record_outcome(
        session,
        settings,
        candidate_type=VOLUNTEER,
        candidate_id=volunteer_id,
        subject_type=SHIFT,
        subject_id=shift_id,
        stage=stage,
        at=at,
    )
    marked += await record_outcome(
        session,
        settings,
        candidate_type=SHIFT,
        candidate_id=shift_id,
        subject_type=VOLUNTEER,
        subject_id=volunteer_id,
        stage=stage,
        at=at,
    )
    return marked


async def latest_item_id(
    session: AsyncSession,
    settings: Settings,
    *,
    candidate_type: str,
    candidate_id: int,
    subject_type: str,
    subject_id: int,
) -> int | None:
    """The item an invitation came from: the latest showing of the pair within the window."""
    return await session.scalar(
        select(
            _latest_item(
                candidate_type=candidate_type,
                candidate_id=candidate_id,
                subject_type=subject_type,
                subject_id=subject_id,
                at=clock.now(),
                window=dt.timedelta(days=settings.matching_outcome_window_days),
                stage=ENGAGED,
            )
        )
    )


# --- the model store ------------------------------------------------------------------------


def _ts(value: float | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(float(value), dt.UTC)


def _kind(artifact: dict[str, Any]) -> str:
    kind = artifact.get("kind") or artifact.get("model") or "logistic"
    return str(kind)[:40]


async def next_version(session: AsyncSession, direction: str) -> str:
    count = await session.scalar(
        select(func.count()).select_from(MatchingModel).where(MatchingModel.direction == direction)
    )
    return f"{direction}-v{int(count or 0) + 1}"


async def model_with_fingerprint(
    session: AsyncSession, direction: str, fingerprint: str
) -> MatchingModel | None:
    return await session.scalar(
        select(MatchingModel)
        .where(MatchingModel.direction == direction, MatchingModel.fingerprint == fingerprint)
        .limit(1)
    )


async def save_candidate(
    sc: ServiceContext, *, direction: str, result: Any, fingerprint: str
) -> MatchingModel:
    """Store a ``matching.model.TrainResult`` as a CANDIDATE version of the direction."""
    version = await next_version(sc.session, direction)
    artifact = {**dict(result.artifact), "version": version}
    row = MatchingModel(
        direction=direction,
        version=version,
        kind=_kind(artifact),
        status=MatchingModelStatus.CANDIDATE,
        artifact=artifact,
        metrics={k: dict(v) for k, v in dict(result.metrics).items()},
        fingerprint=fingerprint,
        train_from=_ts(result.train_from),
        train_to=_ts(result.train_to),
        valid_from=_ts(result.valid_from),
        valid_to=_ts(result.valid_to),
        n_rows=int(result.n_rows),
        n_groups=int(result.n_groups),
        trained_at=clock.now(),
    )
    sc.session.add(row)
    await sc.session.flush()
    await audit.record(
        sc,
        action="matching_model.train",
        subject_type="MatchingModel",
        subject_id=row.id,
        after={**audit.snapshot(row, MODEL_FIELDS), "metrics": row.metrics},
    )
    return row


async def active_model(session: AsyncSession, direction: str) -> MatchingModel | None:
    return await session.scalar(
        select(MatchingModel).where(
            MatchingModel.direction == direction,
            MatchingModel.status == MatchingModelStatus.ACTIVE,
        )
    )


async def _activate(sc: ServiceContext, row: MatchingModel, *, action: str) -> MatchingModel:
    current = await active_model(sc.session, row.direction)
    before = audit.snapshot(current, MODEL_FIELDS) if current is not None else None
    if current is not None and current.id != row.id:
        current.status = MatchingModelStatus.RETIRED
    row.status = MatchingModelStatus.ACTIVE
    row.promoted_at = clock.now()
    row.promoted_by_account_id = sc.actor.account_id
    await sc.session.flush()
    await audit.record(
        sc,
        action=action,
        subject_type="MatchingModel",
        subject_id=row.id,
        before=before,
        after=audit.snapshot(row, MODEL_FIELDS),
    )
    return row


async def apply_promotion_rule(sc: ServiceContext, row: MatchingModel) -> bool:
    """Promote ``row`` if it beats the active model and the best baseline; else REJECTED."""
    from matchmaker.matching import model as core_model

    current = await active_model(sc.session, row.direction)
    if core_model.better_than(row.metrics, current.metrics if current is not None else None):
        await _activate(sc, row, action="matching_model.promote")
        return True
    row.status = MatchingModelStatus.REJECTED
    await sc.session.flush()
    await audit.record(
        sc,
        action="matching_model.reject",
        subject_type="MatchingModel",
        subject_id=row.id,
        after={**audit.snapshot(row, MODEL_FIELDS), "metrics": row.metrics},
    )
    return False


async def promote(sc: ServiceContext, *, model_id: int) -> MatchingModel:
    """A platform admin puts a stored version in charge of its direction (audited)."""
    require(sc.actor, Capability.MATCHING_MANAGE)
    row = await sc.session.get(MatchingModel, model_id)
    if row is None:
        raise not_found("MatchingModel")
    if row.status is MatchingModelStatus.ACTIVE:
        raise DomainError(ErrorCode.INVALID_STATE, "This version is active already", "modelId")
    return await _activate(sc, row, action="matching_model.promote_manual")


async def rollback(sc: ServiceContext, *, direction: str) -> MatchingModel:
    """Set the active version aside and reactivate the one promoted before it."""
    require(sc.actor, Capability.MATCHING_MANAGE)
    current = await active_model(sc.session, direction)
    if current is None:
        raise DomainError(
            ErrorCode.INVALID_STATE, "This direction has no active model", "direction"
        )
    previous = await sc.session.scalar(
        select(MatchingModel)
        .where(
            MatchingModel.direction == direction,
            MatchingModel.status == MatchingModelStatus.RETIRED,
            MatchingModel.promoted_at.is_not(None),
            MatchingModel.id != current.id,
        )
        .order_by(MatchingModel.promoted_at.desc(), MatchingModel.id.desc())
        .limit(1)
    )
    if previous is None:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "No earlier promoted version to return to",
            "direction",
        )
    # The rolled-back version is set aside (REJECTED), so a second rollback goes one step further
    # back instead of toggling; an admin can still promote it by hand.
    current.status = MatchingModelStatus.REJECTED
    await sc.session.flush()
    return await _activate(sc, previous, action="matching_model.rollback")


def models_statement(sc: ServiceContext, *, direction: str | None = None) -> Any:
    require(sc.actor, Capability.MATCHING_MANAGE)
    stmt = select(MatchingModel)
    if direction is not None:
        stmt = stmt.where(MatchingModel.direction == direction)
    return stmt


def check_direction(direction: str) -> str:
    from matchmaker.models.matching import MatchingDirection

    try:
        return MatchingDirection(direction).value
    except ValueError:
        raise invalid("direction", f"Unknown direction {direction!r}") from None


# --- scorers ---------------------------------------------------------------------------------

_SCORERS: dict[tuple[str, str], Any] = {}


@dataclass(frozen=True, slots=True)
class ActiveScorer:
    scorer: Any
    version: str | None
    cold_start: bool


async def active_scorer(session: AsyncSession, direction: str) -> ActiveScorer:
    """The active model's scorer (parsed once per process), or the cold-start scorer.

    One statement per request: the active version's name; the artifact is read only the first
    time this process sees that version.
    """
    from matchmaker.matching import model as core_model

    version = await session.scalar(
        select(MatchingModel.version).where(
            MatchingModel.direction == direction,
            MatchingModel.status == MatchingModelStatus.ACTIVE,
        )
    )
    if version is None:
        return ActiveScorer(core_model.cold_start_scorer(direction), None, True)
    key = (direction, version)
    scorer = _SCORERS.get(key)
    if scorer is None:
        artifact = await session.scalar(
            select(MatchingModel.artifact).where(MatchingModel.version == version)
        )
        if artifact is None:  # retired between the two reads
            return ActiveScorer(core_model.cold_start_scorer(direction), None, True)
        scorer = core_model.load_artifact(artifact)
        _SCORERS[key] = scorer
    return ActiveScorer(scorer, version, False)


def clear_scorer_cache() -> None:
    _SCORERS.clear()
