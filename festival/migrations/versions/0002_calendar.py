"""calendar: personal agendas, saved sessions, pending .ics imports

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("festival_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_festival_session_version", ["updated_at_utc", "revision"], unique=False
        )

    op.create_table(
        "agenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agenda", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_token_sha256"), ["token_sha256"], unique=True)

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("saved_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agenda_id"], ["agenda.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["festival_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agenda_id", "session_id", name="uq_agenda_item_agenda_session"),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_agenda_id"), ["agenda_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_session_id"), ["session_id"], unique=False)

    op.create_table(
        "calendar_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["edition_id"], ["edition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calendar_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_import_token"), ["token"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("calendar_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_import_token"))
    op.drop_table("calendar_import")

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_session_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_agenda_id"))
    op.drop_table("agenda_item")

    with op.batch_alter_table("agenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_token_sha256"))
    op.drop_table("agenda")

    with op.batch_alter_table("festival_session", schema=None) as batch_op:
        batch_op.drop_index("ix_festival_session_version")
