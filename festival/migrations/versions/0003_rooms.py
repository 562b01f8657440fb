"""rooms: the event log of every live room, and the moderators' audit trail

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("visibility", sa.String(length=12), nullable=False),
        sa.Column("audit", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        # Also the index that serves replays: WHERE room = ? AND seq > ? ORDER BY seq.
        sa.UniqueConstraint("room", "seq", name="uq_room_event_room_seq"),
    )
    op.create_table(
        "room_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderator", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("room_audit", schema=None) as batch_op:
        batch_op.create_index("ix_room_audit_room_at", ["room", "at_utc"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("room_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_room_audit_room_at")
    op.drop_table("room_audit")
    op.drop_table("room_event")
