"""oversight exports: .xlsx files written by a job for large scopes

Revision ID: 0011_oversight_exports
Revises: 0010_report_beneficiaries
Create Date: 2026-12-04 18:10:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db.types import UTCDateTime

revision: str = "0011_oversight_exports"
down_revision: str | None = "0010_report_beneficiaries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "oversight_exports",
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("job_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_oversight_exports_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_exports")),
        sa.UniqueConstraint("job_id", name=op.f("uq_oversight_exports_job_id")),
    )
    op.create_index(
        op.f("ix_oversight_exports_account_id"), "oversight_exports", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_oversight_exports_account_id"), table_name="oversight_exports")
    op.drop_table("oversight_exports")
