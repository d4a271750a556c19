"""The micro-wish lists of matching (docs/matching.md, Micro-wishes): the same list shape as
the other recommendation lists."""

from __future__ import annotations

from typing import Any

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.types.matching import MatchReason, reasons_to_gql
from matchmaker.schema.types.micro_wish import MicroWish, wishes_from_rows
from matchmaker.schema.types.volunteer import Volunteer, volunteer_nodes
from matchmaker.schema.types.volunteer_team import VolunteerTeam
from matchmaker.services.matching import volunteering as matching_volunteering


def _impression(pk: int | None) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(str(pk))


@strawberry.type(description="Someone to ask about a wish: a volunteer (masked) or a team.")
class RecommendedWishClaimer:
    rank: int
    score: float
    reasons: list[MatchReason]
    volunteer: Volunteer | None = strawberry.field(
        description="Masked exactly as in `volunteers`; null for a team."
    )
    team: VolunteerTeam | None = strawberry.field(description="Null for a volunteer.")


@strawberry.type(description="Volunteers and teams of the street to ask about a wish, best first.")
class WishClaimerRecommendations:
    items: list[RecommendedWishClaimer]
    model_version: str | None = strawberry.field(description="Null for a cold start.")
    cold_start: bool
    impression_id: strawberry.ID | None


@strawberry.type(description="An open wish recommended to the volunteer.")
class RecommendedMicroWish:
    rank: int
    score: float
    reasons: list[MatchReason]
    micro_wish: MicroWish = strawberry.field(description="Masked like the board.")


@strawberry.type(
    description="Open wishes near you, best first; by distance and deadline only when you "
    "turned `personalizedFeed` off."
)
class MicroWishRecommendations:
    items: list[RecommendedMicroWish]
    model_version: str | None
    cold_start: bool
    impression_id: strawberry.ID | None


async def claimer_recommendations(
    info: Info, result: matching_volunteering.Recommendations[Any]
) -> WishClaimerRecommendations:
    people = [item.volunteer for item in result.items if item.volunteer is not None]
    nodes = iter(await volunteer_nodes(info, people))
    return WishClaimerRecommendations(
        items=[
            RecommendedWishClaimer(
                rank=item.rank,
                score=item.score,
                reasons=reasons_to_gql(item.reasons),
                volunteer=next(nodes) if item.volunteer is not None else None,
                team=VolunteerTeam.from_row(item.team) if item.team is not None else None,
            )
            for item in result.items
        ],
        model_version=result.model_version,
        cold_start=result.cold_start,
        impression_id=_impression(result.impression_id),
    )


async def wish_recommendations(
    info: Info, result: matching_volunteering.Recommendations[Any]
) -> MicroWishRecommendations:
    wishes = await wishes_from_rows(info.context.service, [item.wish for item in result.items])
    return MicroWishRecommendations(
        items=[
            RecommendedMicroWish(
                rank=item.rank,
                score=item.score,
                reasons=reasons_to_gql(item.reasons),
                micro_wish=wish,
            )
            for item, wish in zip(result.items, wishes, strict=True)
        ],
        model_version=result.model_version,
        cold_start=result.cold_start,
        impression_id=_impression(result.impression_id),
    )
