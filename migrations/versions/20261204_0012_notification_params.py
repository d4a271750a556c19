"""notification params: the values a notification's code is rendered with

Revision ID: 0012_notification_params
Revises: 0011_oversight_exports
Create Date: 2026-12-04 18:10:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_notification_params"
down_revision: str | None = "0011_oversight_exports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows have no parameters: the front end shows their stored Chinese text.
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(
            sa.Column("params", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("params")
