"""GraphQL types of matching (docs/matching.md): reasons, models, volunteer recommendations and
invitations. The procurement recommendation types live in ``types/matching_procurement.py`` and
reuse :class:`MatchReason`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Self

import strawberry

from matchmaker import models
from matchmaker.matching.directions import REASON_CODES
from matchmaker.models.matching import MatchingDirection as MatchingDirectionEnum
from matchmaker.models.matching import MatchingModelStatus as MatchingModelStatusEnum
from matchmaker.models.matching import VolunteerInvitationStatus as InvitationStatusEnum
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.participant import Participant, load_participant
from matchmaker.schema.types.shift import Shift, load_shift
from matchmaker.schema.types.signup import Signup
from matchmaker.schema.types.volunteer import Volunteer, volunteer_nodes
from matchmaker.services.matching import store as matching_store
from matchmaker.services.matching import volunteering as matching_volunteering

MatchingDirection = strawberry.enum(
    MatchingDirectionEnum, name="MatchingDirection", description="A matching question."
)
MatchingModelStatus = strawberry.enum(
    MatchingModelStatusEnum,
    name="MatchingModelStatus",
    description="CANDIDATE: stored; ACTIVE: ranks requests; RETIRED: replaced or rolled back; "
    "REJECTED: lost against the active model or the best baseline, or rolled back.",
)
VolunteerInvitationStatus = strawberry.enum(
    InvitationStatusEnum,
    name="VolunteerInvitationStatus",
    description="EXPIRED: the shift started before an answer.",
)

#: One member per reason code of the core (``matching.directions.REASON_CODES``).
_ReasonCodes = StrEnum("_ReasonCodes", {c: c for c in REASON_CODES})  # type: ignore[misc]
MatchReasonCode = strawberry.enum(
    _ReasonCodes,
    name="MatchReasonCode",
    description="Why a candidate ranks where it does; the front end translates the code.",
)


@strawberry.type(description="One reason for a recommendation, strongest first.")
class MatchReason:
    code: MatchReasonCode  # type: ignore[valid-type]
    text: str = strawberry.field(description="Chinese text with the facts (距离 1.2 公里).")
    weight: float = strawberry.field(description="Contribution to the score (0 for notes).")


def reasons_to_gql(reasons: Sequence[Any]) -> list[MatchReason]:
    """Service/core reasons (``code``, ``text``, ``weight``) as GraphQL objects."""
    return [MatchReason(code=_ReasonCodes(r.code), text=r.text, weight=r.weight) for r in reasons]


@strawberry.type(description="A validation metric of a model or a baseline (NDCG@10, recall@10).")
class MatchingMetric:
    name: str = strawberry.field(description="model, random, nearest, popular or overlap.")
    ndcg_at10: float | None
    recall_at10: float | None


def _metric(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN → null


@strawberry.type(description="A trained model version of a matching direction.")
class MatchingModel(Node):
    direction: MatchingDirection  # type: ignore[valid-type]
    version: str
    kind: str
    status: MatchingModelStatus  # type: ignore[valid-type]
    trained_at: dt.datetime
    train_from: dt.datetime | None
    train_to: dt.datetime | None
    valid_from: dt.datetime | None
    valid_to: dt.datetime | None
    n_rows: int
    metrics: list[MatchingMetric]
    promoted_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: models.MatchingModel) -> Self:
        return cls(
            pk=row.id,
            direction=MatchingDirectionEnum(row.direction),
            version=row.version,
            kind=row.kind,
            status=row.status,
            trained_at=row.trained_at,
            train_from=row.train_from,
            train_to=row.train_to,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            n_rows=row.n_rows,
            metrics=[
                MatchingMetric(
                    name=name,
                    ndcg_at10=_metric(values.get("ndcg@10")),
                    recall_at10=_metric(values.get("recall@10")),
                )
                for name, values in (row.metrics or {}).items()
                if isinstance(values, dict)
            ],
            promoted_at=row.promoted_at,
        )


@node_resolver("MatchingModel")
async def resolve_matching_model(info: Info, pk: int) -> MatchingModel | None:
    sc = info.context.service
    row = await sc.session.scalar(
        matching_store.models_statement(sc).where(models.MatchingModel.id == pk)
    )
    return MatchingModel.from_row(row) if row else None


# --- volunteer directions ----------------------------------------------------------------------


@strawberry.type(description="A volunteer recommended for a shift.")
class RecommendedVolunteer:
    rank: int
    score: float
    reasons: list[MatchReason]
    volunteer: Volunteer = strawberry.field(
        description="Masked exactly as in `volunteers` (see the Volunteer type)."
    )


@strawberry.type(description="Volunteers to invite to a shift, best first.")
class VolunteerRecommendations:
    items: list[RecommendedVolunteer]
    model_version: str | None = strawberry.field(description="Null for a cold start.")
    cold_start: bool
    impression_id: strawberry.ID | None


@strawberry.type(description="A shift recommended to the volunteer.")
class RecommendedShift:
    rank: int
    score: float
    reasons: list[MatchReason]
    shift: Shift


@strawberry.type(
    description="Your feed, best first; with `personalizedFeed` off, ordered by distance and "
    "start time only."
)
class ShiftRecommendations:
    items: list[RecommendedShift]
    model_version: str | None
    cold_start: bool
    impression_id: strawberry.ID | None


async def volunteer_recommendations(
    info: Info, result: matching_volunteering.Recommendations[Any]
) -> VolunteerRecommendations:
    nodes = await volunteer_nodes(info, [item.volunteer for item in result.items])
    return VolunteerRecommendations(
        items=[
            RecommendedVolunteer(
                rank=item.rank,
                score=item.score,
                reasons=reasons_to_gql(item.reasons),
                volunteer=node,
            )
            for item, node in zip(result.items, nodes, strict=True)
        ],
        model_version=result.model_version,
        cold_start=result.cold_start,
        impression_id=_impression(result.impression_id),
    )


def shift_recommendations(
    result: matching_volunteering.Recommendations[Any],
) -> ShiftRecommendations:
    return ShiftRecommendations(
        items=[
            RecommendedShift(
                rank=item.rank,
                score=item.score,
                reasons=reasons_to_gql(item.reasons),
                shift=Shift.from_row(item.shift),
            )
            for item in result.items
        ],
        model_version=result.model_version,
        cold_start=result.cold_start,
        impression_id=_impression(result.impression_id),
    )


def _impression(pk: int | None) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(str(pk))


@strawberry.type(description="An organizer's invitation of a volunteer to a shift.")
class VolunteerInvitation(Node):
    status: VolunteerInvitationStatus  # type: ignore[valid-type]
    created_at: dt.datetime
    responded_at: dt.datetime | None
    shift_pk: strawberry.Private[int]
    volunteer_pk: strawberry.Private[int]
    signup_pk: strawberry.Private[int | None]
    stored_status: strawberry.Private[InvitationStatusEnum]

    @classmethod
    def from_row(cls, row: models.VolunteerInvitation) -> Self:
        return cls(
            pk=row.id,
            status=row.status,
            created_at=row.created_at,
            responded_at=row.responded_at,
            shift_pk=row.shift_id,
            volunteer_pk=row.volunteer_id,
            signup_pk=row.signup_id,
            stored_status=row.status,
        )

    @strawberry.field
    async def shift(self, info: Info) -> Shift | None:
        return await load_shift(info, self.shift_pk)

    @strawberry.field(description="The invited volunteer, masked as on a roster.")
    async def participant(self, info: Info) -> Participant | None:
        return await load_participant(info, self.volunteer_pk)

    @strawberry.field(description="The signup made by accepting, if accepted.")
    async def signup(self, info: Info) -> Signup | None:
        if self.signup_pk is None:
            return None
        row = await info.context.session.get(models.Signup, self.signup_pk)
        return Signup.from_row(row) if row else None


async def invitation_nodes(
    info: Info, rows: Sequence[models.VolunteerInvitation]
) -> list[VolunteerInvitation]:
    """Invitations with pending ones whose shift has started shown as EXPIRED."""
    from matchmaker.schema.dataloaders.volunteering import shift_by_id

    shifts = await info.context.loader(shift_by_id).load_many([r.shift_id for r in rows])
    out = []
    for row, shift in zip(rows, shifts, strict=True):
        node = VolunteerInvitation.from_row(row)
        node.status = InvitationStatusEnum(
            matching_volunteering.effective_status(
                row,
                shift.starts_at if shift else None,
                shift.is_cancelled if shift else False,
            )
        )
        out.append(node)
    return out


@node_resolver("VolunteerInvitation")
async def resolve_volunteer_invitation(info: Info, pk: int) -> VolunteerInvitation | None:
    sc = info.context.service
    row = await matching_volunteering.readable_invitation(sc, pk)
    return (await invitation_nodes(info, [row]))[0] if row else None
