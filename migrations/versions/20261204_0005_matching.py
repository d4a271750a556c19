"""matching: impressions, outcomes, model versions, invitations, preferences

Revision ID: 0005_matching
Revises: 0004_staff_qualifications
Create Date: 2026-12-04 14:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0005_matching"
down_revision: str | None = "0004_staff_qualifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
