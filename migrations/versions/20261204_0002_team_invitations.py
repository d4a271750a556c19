"""team membership as an invitation the volunteer accepts

Revision ID: 0002_team_invitations
Revises: 685758e2a4c5
Create Date: 2026-12-04 14:35:00+00:00

Memberships get a status (INVITED / ACTIVE / DECLINED / LEFT); the rows that exist already were
made before consent was asked and become ACTIVE. Teams get a join code, generated here for the
existing teams (docs/volunteering.md, Volunteer teams).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db.types import UTCDateTime

revision: str = "0002_team_invitations"
down_revision: str | None = "685758e2a4c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Same alphabet and length as services.volunteer_teams.new_join_code (no 0/O, 1/I/L).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 10


def upgrade() -> None:
    with op.batch_alter_table("team_memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "INVITED",
                    "ACTIVE",
                    "DECLINED",
                    "LEFT",
                    name="teammembershipstatus",
                    native_enum=False,
                    length=16,
                ),
                nullable=False,
                server_default="ACTIVE",
            )
        )
        batch_op.add_column(
            sa.Column(
                "invited_by_account_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("responded_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_team_memberships_invited_by_account_id_accounts"),
            "accounts",
            ["invited_by_account_id"],
            ["id"],
        )
    # The default only filled the existing rows; new ones always get an explicit status.
    with op.batch_alter_table("team_memberships", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)

    # A plain ADD COLUMN and a unique index: on SQLite a batch (copy and drop) of volunteer_teams
    # would fail, team_memberships references it with foreign keys on.
    op.add_column("volunteer_teams", sa.Column("join_code", sa.String(length=16), nullable=True))
    op.create_index(
        op.f("ix_volunteer_teams_join_code"), "volunteer_teams", ["join_code"], unique=True
    )
    teams = sa.table("volunteer_teams", sa.column("id", sa.BigInteger), sa.column("join_code"))
    bind = op.get_bind()
    used: set[str] = set()
    for (team_id,) in bind.execute(sa.select(teams.c.id)).all():
        code = ""
        while not code or code in used:
            code = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        used.add(code)
        bind.execute(teams.update().where(teams.c.id == team_id).values(join_code=code))


def downgrade() -> None:
    op.drop_index(op.f("ix_volunteer_teams_join_code"), table_name="volunteer_teams")
    op.drop_column("volunteer_teams", "join_code")
    # Only accepted memberships existed before invitations: the others go.
    op.execute("DELETE FROM team_memberships WHERE status <> 'ACTIVE'")
    with op.batch_alter_table("team_memberships", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_team_memberships_invited_by_account_id_accounts"), type_="foreignkey"
        )
        batch_op.drop_column("responded_at")
        batch_op.drop_column("invited_by_account_id")
        batch_op.drop_column("status")
