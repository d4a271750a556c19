"""volunteers: an index on (latitude, longitude) for matching's nearby retrieval

Revision ID: 0008_volunteer_coordinates_index
Revises: 0007_micro_wishes
Create Date: 2026-12-04 16:05:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_volunteer_coordinates_index"
down_revision: str | None = "0007_micro_wishes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_volunteers_latitude_longitude", "volunteers", ["latitude", "longitude"])


def downgrade() -> None:
    op.drop_index("ix_volunteers_latitude_longitude", table_name="volunteers")
