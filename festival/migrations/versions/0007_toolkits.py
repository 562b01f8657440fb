"""toolkits: the library of the community's toolkits, their links and files, the sessions that use
them; and proposed learning celebrations (the call for sessions)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "toolkit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("age_groups", sa.JSON(), nullable=False),
        sa.Column("sdgs", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("licence", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("download_count", sa.Integer(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at_utc", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("toolkit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_toolkit_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_toolkit_slug"), ["slug"], unique=True)
        batch_op.create_index(batch_op.f("ix_toolkit_status"), ["status"], unique=False)

    op.create_table(
        "session_toolkit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("toolkit_id", sa.Integer(), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["festival_session.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["toolkit_id"], ["toolkit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "toolkit_id", name="uq_session_toolkit"),
    )
    with op.batch_alter_table("session_toolkit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_toolkit_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_session_toolkit_toolkit_id"), ["toolkit_id"], unique=False
        )

    op.create_table(
        "toolkit_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("toolkit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("storage_key", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["toolkit_id"], ["toolkit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("toolkit_resource", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_toolkit_resource_toolkit_id"), ["toolkit_id"], unique=False
        )

    op.create_table(
        "celebration_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_kind", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("tz_name", sa.String(length=64), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("address_key", sa.String(length=80), nullable=False),
        sa.Column("created_at_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_account_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=False),
        sa.Column("decline_message", sa.String(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_account_id"], ["account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["edition_id"], ["edition.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("celebration_proposal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_celebration_proposal_address_at", ["address_key", "created_at_utc"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_celebration_proposal_decided_by_account_id"),
            ["decided_by_account_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_celebration_proposal_status"), ["status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("celebration_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_celebration_proposal_status"))
        batch_op.drop_index(batch_op.f("ix_celebration_proposal_decided_by_account_id"))
        batch_op.drop_index("ix_celebration_proposal_address_at")

    op.drop_table("celebration_proposal")

    with op.batch_alter_table("toolkit_resource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toolkit_resource_toolkit_id"))

    op.drop_table("toolkit_resource")
    with op.batch_alter_table("session_toolkit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_toolkit_toolkit_id"))
        batch_op.drop_index(batch_op.f("ix_session_toolkit_session_id"))

    op.drop_table("session_toolkit")
    with op.batch_alter_table("toolkit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toolkit_status"))
        batch_op.drop_index(batch_op.f("ix_toolkit_slug"))
        batch_op.drop_index(batch_op.f("ix_toolkit_organisation_id"))

    op.drop_table("toolkit")
