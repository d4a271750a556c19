"""staff attachment needs the worker's acceptance; qualifications set by the bureau

Revision ID: 0004_staff_qualifications
Revises: 0003_audit_hardening
Create Date: 2026-12-04 14:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import matchmaker.db.types

revision: str = "0004_staff_qualifications"
down_revision: str | None = "0003_audit_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing memberships were made before consent existed: they stay staff (ACTIVE).
    with op.batch_alter_table("social_worker_memberships") as batch:
        batch.add_column(
            sa.Column(
                "status",
                sa.Enum("PENDING", "ACTIVE", name="membershipstatus", native_enum=False, length=16),
                server_default="ACTIVE",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column(
                "invited_by_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column("accepted_at", matchmaker.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_foreign_key(
            "fk_social_worker_memberships_invited_by_id_accounts",
            "accounts",
            ["invited_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("social_worker_memberships") as batch:
        batch.drop_constraint(
            "fk_social_worker_memberships_invited_by_id_accounts", type_="foreignkey"
        )
        batch.drop_column("accepted_at")
        batch.drop_column("invited_by_id")
        batch.drop_column("status")
