"""report beneficiaries: the people a progress report lists, as keyed hashes only

Revision ID: 0010_report_beneficiaries
Revises: 0009_micro_wish_service_records
Create Date: 2026-12-04 18:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db.types import UTCDateTime

revision: str = "0010_report_beneficiaries"
down_revision: str | None = "0009_micro_wish_service_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "report_beneficiaries",
        sa.Column("report_id", _ID, nullable=False),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_report_beneficiaries_report_id_progress_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_beneficiaries")),
        sa.UniqueConstraint(
            "report_id",
            "identity_hash",
            name=op.f("uq_report_beneficiaries_report_id_identity_hash"),
        ),
    )
    op.create_index(
        op.f("ix_report_beneficiaries_report_id"), "report_beneficiaries", ["report_id"]
    )
    op.create_index(
        op.f("ix_report_beneficiaries_identity_hash"), "report_beneficiaries", ["identity_hash"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_report_beneficiaries_identity_hash"), table_name="report_beneficiaries")
    op.drop_index(op.f("ix_report_beneficiaries_report_id"), table_name="report_beneficiaries")
    op.drop_table("report_beneficiaries")
