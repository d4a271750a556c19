"""team membership as an invitation the volunteer accepts

Revision ID: 0002_team_invitations
Revises: 685758e2a4c5
Create Date: 2026-12-04 14:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0002_team_invitations"
down_revision: str | None = "685758e2a4c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
