"""matching: impressions, outcomes, model versions, invitations, preferences

Revision ID: 0005_matching
Revises: 0004_staff_qualifications
Create Date: 2026-12-04 14:35:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db.types import UTCDateTime

revision: str = "0005_matching"
down_revision: str | None = "0004_staff_qualifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_impressions",
        sa.Column("direction", sa.String(length=40), nullable=False),
        sa.Column(
            "requested_by_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column(
            "subject_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("model_version", sa.String(length=60), nullable=True),
        sa.Column("cold_start", sa.Boolean(), nullable=False),
        sa.Column("personalized", sa.Boolean(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["requested_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_match_impressions_requested_by_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_impressions")),
    )
    with op.batch_alter_table("match_impressions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_match_impressions_direction_created", ["direction", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_match_impressions_subject", ["subject_type", "subject_id"], unique=False
        )

    op.create_table(
        "matching_models",
        sa.Column("direction", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "CANDIDATE",
                "ACTIVE",
                "RETIRED",
                "REJECTED",
                name="matchingmodelstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("artifact", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("train_from", UTCDateTime(timezone=True), nullable=True),
        sa.Column("train_to", UTCDateTime(timezone=True), nullable=True),
        sa.Column("valid_from", UTCDateTime(timezone=True), nullable=True),
        sa.Column("valid_to", UTCDateTime(timezone=True), nullable=True),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_groups", sa.Integer(), nullable=False),
        sa.Column("trained_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "promoted_by_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["promoted_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_matching_models_promoted_by_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_models")),
        sa.UniqueConstraint("version", name=op.f("uq_matching_models_version")),
    )
    with op.batch_alter_table("matching_models", schema=None) as batch_op:
        batch_op.create_index(
            "ix_matching_models_direction_fingerprint", ["direction", "fingerprint"], unique=False
        )
        batch_op.create_index(
            "ix_matching_models_direction_status", ["direction", "status"], unique=False
        )

    op.create_table(
        "match_impression_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "impression_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("candidate_type", sa.String(length=20), nullable=False),
        sa.Column(
            "candidate_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("direction", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column(
            "subject_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("shown_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("engaged_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("succeeded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome_value", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["impression_id"],
            ["match_impressions.id"],
            name=op.f("fk_match_impression_items_impression_id_match_impressions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_impression_items")),
        sa.UniqueConstraint(
            "impression_id", "rank", name=op.f("uq_match_impression_items_impression_id_rank")
        ),
    )
    with op.batch_alter_table("match_impression_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_match_impression_items_pair",
            ["candidate_type", "candidate_id", "subject_type", "subject_id", "shown_at"],
            unique=False,
        )

    op.create_table(
        "organization_invitations",
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "invited_by_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "impression_item_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["impression_item_id"],
            ["match_impression_items.id"],
            name=op.f("fk_organization_invitations_impression_item_id_match_impression_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_organization_invitations_invited_by_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_invitations_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_organization_invitations_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_invitations")),
        sa.UniqueConstraint(
            "project_id",
            "organization_id",
            name=op.f("uq_organization_invitations_project_id_organization_id"),
        ),
    )
    with op.batch_alter_table("organization_invitations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_organization_invitations_organization_created",
            ["organization_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_organization_invitations_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "volunteer_invitations",
        sa.Column("shift_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "volunteer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "invited_by_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "impression_item_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "ACCEPTED",
                "DECLINED",
                "EXPIRED",
                name="volunteerinvitationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("signup_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("responded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["impression_item_id"],
            ["match_impression_items.id"],
            name=op.f("fk_volunteer_invitations_impression_item_id_match_impression_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_volunteer_invitations_invited_by_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_volunteer_invitations_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["signup_id"], ["signups.id"], name=op.f("fk_volunteer_invitations_signup_id_signups")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_volunteer_invitations_volunteer_id_volunteers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_invitations")),
        sa.UniqueConstraint(
            "shift_id", "volunteer_id", name=op.f("uq_volunteer_invitations_shift_id_volunteer_id")
        ),
    )
    with op.batch_alter_table("volunteer_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_invitations_shift_id"), ["shift_id"], unique=False
        )
        batch_op.create_index(
            "ix_volunteer_invitations_volunteer_created",
            ["volunteer_id", "created_at"],
            unique=False,
        )

    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("personalized_feed", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("recommendable", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_column("recommendable")
        batch_op.drop_column("personalized_feed")

    with op.batch_alter_table("volunteer_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_volunteer_invitations_volunteer_created")
        batch_op.drop_index(batch_op.f("ix_volunteer_invitations_shift_id"))

    op.drop_table("volunteer_invitations")
    with op.batch_alter_table("organization_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_invitations_project_id"))
        batch_op.drop_index("ix_organization_invitations_organization_created")

    op.drop_table("organization_invitations")
    with op.batch_alter_table("match_impression_items", schema=None) as batch_op:
        batch_op.drop_index("ix_match_impression_items_pair")

    op.drop_table("match_impression_items")
    with op.batch_alter_table("matching_models", schema=None) as batch_op:
        batch_op.drop_index("ix_matching_models_direction_status")
        batch_op.drop_index("ix_matching_models_direction_fingerprint")

    op.drop_table("matching_models")
    with op.batch_alter_table("match_impressions", schema=None) as batch_op:
        batch_op.drop_index("ix_match_impressions_subject")
        batch_op.drop_index("ix_match_impressions_direction_created")

    op.drop_table("match_impressions")
