"""Procurement enums and the money scalar exposed to GraphQL.

Kept apart from ``enums.py`` so the procurement domain registers its own enums in one place.
"""

from __future__ import annotations

from typing import NewType

import strawberry
from graphql import GraphQLError

from matchmaker.models.procurement import (
    BidStatus,
    ContractStatus,
    FundingSource,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
    ReportStatus,
)

strawberry.enum(
    ProjectStatus, description="Where a project is in its procurement (docs/procurement.md)."
)
strawberry.enum(FundingSource, description="Who pays for a project.")
strawberry.enum(ProcurementMethod, description="How the service is purchased.")
strawberry.enum(BidStatus, description="State of a bid.")
strawberry.enum(ContractStatus, description="State of a contract.")
strawberry.enum(MilestoneStatus, description="State of a contract milestone.")
strawberry.enum(ReportStatus, description="Review state of a progress report.")

#: Money in integer fen (分; 100 fen = ¥1). A scalar rather than Int because amounts exceed the
#: 32-bit range of GraphQL Int; it is a JSON number on the wire, never a float in the database.
Fen = NewType("Fen", int)
FEN_SCALAR = strawberry.scalar(
    name="Fen",
    serialize=int,
    parse_value=lambda v: _parse_fen(v),
    description="Money in integer fen (分; 100 fen = ¥1). A JSON integer, never fractional.",
)


#: Largest amount accepted (¥10 trillion): far inside the 64-bit money columns, so sums and
#: differences never overflow either (docs/security.md).
MAX_FEN = 10**15


def _parse_fen(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("Fen is an integer number of fen")
    if not -MAX_FEN <= value <= MAX_FEN:
        raise GraphQLError(
            f"An amount is at most {MAX_FEN} fen", extensions={"code": "INVALID_INPUT"}
        )
    return value


def score_text(centi: int | None) -> str | None:
    """Hundredths of a point as a fixed two-decimal string ("27.00")."""
    if centi is None:
        return None
    return f"{centi // 100}.{centi % 100:02d}"


__all__ = [
    "FEN_SCALAR",
    "BidStatus",
    "ContractStatus",
    "Fen",
    "FundingSource",
    "MilestoneStatus",
    "ProcurementMethod",
    "ProjectStatus",
    "ReportStatus",
    "score_text",
]
