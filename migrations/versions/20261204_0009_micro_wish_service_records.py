"""service records for micro-wishes: a ledger entry belongs to an activity or a confirmed wish

Revision ID: 0009_micro_wish_service_records
Revises: 0008_volunteer_coordinates_index
Create Date: 2026-12-04 17:55:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db.types import UTCDateTime

revision: str = "0009_micro_wish_service_records"
down_revision: str | None = "0008_volunteer_coordinates_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ONE_WISH_ENTRY = sa.text("source = 'MICRO_WISH'")


def upgrade() -> None:
    with op.batch_alter_table("micro_wishes") as batch:
        batch.add_column(sa.Column("started_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("service_records") as batch:
        batch.alter_column("activity_id", existing_type=_ID, nullable=True)
        batch.add_column(sa.Column("micro_wish_id", _ID, nullable=True))
        batch.create_foreign_key(
            "fk_service_records_micro_wish_id_micro_wishes",
            "micro_wishes",
            ["micro_wish_id"],
            ["id"],
        )
        batch.create_check_constraint(
            op.f("ck_service_records_one_subject"),
            "(activity_id IS NULL) <> (micro_wish_id IS NULL)",
        )
        batch.create_index("ix_service_records_micro_wish_id", ["micro_wish_id"])
        batch.create_index(
            "uq_service_records_micro_wish_volunteer",
            ["micro_wish_id", "volunteer_id"],
            unique=True,
            sqlite_where=_ONE_WISH_ENTRY,
            postgresql_where=_ONE_WISH_ENTRY,
        )
    with op.batch_alter_table("hours_disputes") as batch:
        batch.alter_column("activity_id", existing_type=_ID, nullable=True)


def downgrade() -> None:
    # Entries without an activity can't survive the NOT NULL: disputes of them, then them.
    op.execute(
        "DELETE FROM hours_disputes WHERE record_id IN "
        "(SELECT id FROM service_records WHERE micro_wish_id IS NOT NULL)"
    )
    op.execute("DELETE FROM service_records WHERE micro_wish_id IS NOT NULL")
    with op.batch_alter_table("hours_disputes") as batch:
        batch.alter_column("activity_id", existing_type=_ID, nullable=False)
    with op.batch_alter_table("service_records") as batch:
        batch.drop_index("uq_service_records_micro_wish_volunteer")
        batch.drop_index("ix_service_records_micro_wish_id")
        batch.drop_constraint(op.f("ck_service_records_one_subject"), type_="check")
        batch.drop_constraint("fk_service_records_micro_wish_id_micro_wishes", type_="foreignkey")
        batch.drop_column("micro_wish_id")
        batch.alter_column("activity_id", existing_type=_ID, nullable=False)
    with op.batch_alter_table("micro_wishes") as batch:
        batch.drop_column("started_at")
