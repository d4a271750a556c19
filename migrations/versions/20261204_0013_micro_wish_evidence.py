"""evidence files for micro-wishes: a file belongs to a progress report or a wish's fulfilment

Revision ID: 0013_micro_wish_evidence
Revises: 0012_notification_params
Create Date: 2026-12-04 19:20:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_micro_wish_evidence"
down_revision: str | None = "0012_notification_params"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("evidence_files") as batch:
        batch.alter_column("report_id", existing_type=_ID, nullable=True)
        batch.add_column(sa.Column("micro_wish_id", _ID, nullable=True))
        batch.create_foreign_key(
            "fk_evidence_files_micro_wish_id_micro_wishes",
            "micro_wishes",
            ["micro_wish_id"],
            ["id"],
        )
        batch.create_check_constraint(
            op.f("ck_evidence_files_one_subject"),
            "(report_id IS NULL) <> (micro_wish_id IS NULL)",
        )
        batch.create_index("ix_evidence_files_micro_wish_id", ["micro_wish_id"])


def downgrade() -> None:
    # A wish's photos can't survive the NOT NULL report.
    op.execute("DELETE FROM evidence_files WHERE micro_wish_id IS NOT NULL")
    with op.batch_alter_table("evidence_files") as batch:
        batch.drop_index("ix_evidence_files_micro_wish_id")
        batch.drop_constraint(op.f("ck_evidence_files_one_subject"), type_="check")
        batch.drop_constraint("fk_evidence_files_micro_wish_id_micro_wishes", type_="foreignkey")
        batch.drop_column("micro_wish_id")
        batch.alter_column("report_id", existing_type=_ID, nullable=False)
