"""Volunteering enums exposed to GraphQL (the model enums themselves, registered)."""

from __future__ import annotations

import strawberry

from matchmaker.models.volunteering import (
    ActivityStatus,
    CertificateStatus,
    CheckoutBy,
    DisputeStatus,
    RecordSource,
    RecordStatus,
    SignupStatus,
)

strawberry.enum(ActivityStatus, description="Whether an activity is on or cancelled.")
strawberry.enum(
    SignupStatus,
    description="A signup: holding a place (CONFIRMED, OFFERED until accepted), waiting "
    "(WAITLISTED), gone (CANCELLED, EXPIRED offer), or the outcome (ATTENDED, NO_SHOW).",
)
strawberry.enum(CheckoutBy, description="Who closed an attendance.")
strawberry.enum(RecordSource, description="Where a service record comes from.")
strawberry.enum(RecordStatus, description="Approval state of a service record.")
strawberry.enum(DisputeStatus, description="State of a dispute about hours.")
strawberry.enum(CertificateStatus, description="State of a service certificate.")

__all__ = [
    "ActivityStatus",
    "CertificateStatus",
    "CheckoutBy",
    "DisputeStatus",
    "RecordSource",
    "RecordStatus",
    "SignupStatus",
]
