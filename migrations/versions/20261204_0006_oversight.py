"""oversight: findings of the audit scan

Revision ID: 0006_oversight
Revises: 0005_matching
Create Date: 2026-12-04 15:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0006_oversight"
down_revision: str | None = "0005_matching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
