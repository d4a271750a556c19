"""staff attachment needs the worker's acceptance; qualifications set by the bureau

Revision ID: 0004_staff_qualifications
Revises: 0003_audit_hardening
Create Date: 2026-12-04 14:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0004_staff_qualifications"
down_revision: str | None = "0003_audit_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
