from __future__ import annotations

import strawberry

from matchmaker.schema.types.procurement_enums import Fen
from matchmaker.services.contracts import TrackRecord as TrackRecordData


@strawberry.type(description="An organization's delivery record, for matching and review.")
class TrackRecord:
    evaluations: int
    average_score: float | None = strawberry.field(description="Mean performance score 0–100.")
    milestones_accepted: int
    milestones_on_time: int
    on_time_rate: float | None
    contracts: int
    contracted_fen: Fen

    @classmethod
    def from_data(cls, d: TrackRecordData) -> TrackRecord:
        return cls(
            evaluations=d.evaluations,
            average_score=d.average_score,
            milestones_accepted=d.milestones_accepted,
            milestones_on_time=d.milestones_on_time,
            on_time_rate=d.on_time_rate,
            contracts=d.contracts,
            contracted_fen=Fen(d.contracted_fen),
        )
