"""micro-wishes: small resident needs claimed and fulfilled without a procurement

Revision ID: 0007_micro_wishes
Revises: 0006_oversight
Create Date: 2026-12-04 15:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0007_micro_wishes"
down_revision: str | None = "0006_oversight"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
