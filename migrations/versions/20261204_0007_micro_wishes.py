"""micro-wishes: small resident needs claimed and fulfilled without a procurement

Revision ID: 0007_micro_wishes
Revises: 0006_oversight
Create Date: 2026-12-04 15:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db.types import UTCDateTime

revision: str = "0007_micro_wishes"
down_revision: str | None = "0006_oversight"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "micro_wishes",
        sa.Column(
            "region_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("region_path", sa.String(length=255), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("WISH", "AFFAIR", name="microwishkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "category",
            sa.Enum(
                "ELDERLY",
                "CHILDREN_YOUTH",
                "DISABILITY",
                "FAMILY",
                "COMMUNITY_INTEGRATION",
                "REHABILITATION",
                "EMPLOYMENT",
                "PSYCHOLOGICAL",
                "HARDSHIP_RELIEF",
                "DISPUTE_MEDIATION",
                "CULTURE_SPORT",
                "ENVIRONMENT",
                "OTHER",
                name="servicecategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("public_description", sa.Text(), nullable=False),
        sa.Column(
            "needs",
            sa.Enum("TIME", "GOODS", name="microwishneed", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("deadline", UTCDateTime(timezone=True), nullable=False),
        sa.Column("beneficiary_name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("beneficiary_address_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "CLAIMED",
                "FULFILLED",
                "CONFIRMED",
                "EXPIRED",
                "WITHDRAWN",
                "ESCALATED",
                name="microwishstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "claimant_type",
            sa.Enum(
                "VOLUNTEER",
                "TEAM",
                "ORGANIZATION",
                name="claimanttype",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column(
            "claimant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "claimed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("claimed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("fulfilment_report", sa.Text(), nullable=True),
        sa.Column("minutes_given", sa.Integer(), nullable=True),
        sa.Column("fulfilled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "confirmed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(claimant_type IS NULL) = (claimant_id IS NULL)",
            name=op.f("ck_micro_wishes_claimant_complete"),
        ),
        sa.CheckConstraint(
            "minutes_given IS NULL OR minutes_given > 0",
            name=op.f("ck_micro_wishes_minutes_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"], ["accounts.id"], name=op.f("fk_micro_wishes_claimed_by_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["accounts.id"],
            name=op.f("fk_micro_wishes_confirmed_by_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_micro_wishes_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["accounts.id"],
            name=op.f("fk_micro_wishes_recorded_by_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_micro_wishes_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_micro_wishes")),
    )
    with op.batch_alter_table("micro_wishes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_micro_wishes_claimant", ["claimant_type", "claimant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_micro_wishes_region_id"), ["region_id"], unique=False)
        batch_op.create_index(
            "ix_micro_wishes_region_path",
            ["region_path"],
            unique=False,
            postgresql_ops={"region_path": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_micro_wishes_status_deadline", ["status", "deadline"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("micro_wishes", schema=None) as batch_op:
        batch_op.drop_index("ix_micro_wishes_status_deadline")
        batch_op.drop_index("ix_micro_wishes_region_path")
        batch_op.drop_index(batch_op.f("ix_micro_wishes_region_id"))
        batch_op.drop_index("ix_micro_wishes_claimant")
    op.drop_table("micro_wishes")
