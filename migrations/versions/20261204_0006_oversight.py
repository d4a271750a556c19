"""oversight: findings of the audit scan

Revision ID: 0006_oversight
Revises: 0005_matching
Create Date: 2026-12-04 15:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db.types import UTCDateTime

revision: str = "0006_oversight"
down_revision: str | None = "0005_matching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "findings",
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column(
            "severity",
            sa.Enum("HIGH", "MEDIUM", "LOW", name="findingseverity", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", _ID, nullable=False),
        sa.Column("subject_label", sa.String(length=255), nullable=False),
        sa.Column("region_path", sa.String(length=255), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("money_fen", sa.BigInteger(), nullable=False),
        sa.Column("queue_key", sa.BigInteger(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("holds", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN", "CONFIRMED", "DISMISSED", name="findingstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", _ID, nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["accounts.id"], name=op.f("fk_findings_decided_by_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint(
            "rule",
            "subject_type",
            "subject_id",
            name=op.f("uq_findings_rule_subject_type_subject_id"),
        ),
    )
    op.create_index(
        "ix_findings_region_path",
        "findings",
        ["region_path"],
        unique=False,
        postgresql_ops={"region_path": "text_pattern_ops"},
    )
    op.create_index("ix_findings_status", "findings", ["status"], unique=False)
    op.create_index(op.f("ix_findings_queue_key"), "findings", ["queue_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_findings_queue_key"), table_name="findings")
    op.drop_index("ix_findings_status", table_name="findings")
    op.drop_index("ix_findings_region_path", table_name="findings")
    op.drop_table("findings")
