"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 21:27:54.509509
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_slug'), ['slug'], unique=True)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('tz_name', sa.String(length=64), nullable=False),
    sa.Column('website', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_slug'), ['slug'], unique=True)

    op.create_table('festival_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('sdgs', sa.JSON(), nullable=False),
    sa.Column('hosts', sa.JSON(), nullable=False),
    sa.Column('local_start', sa.DateTime(), nullable=False),
    sa.Column('tz_name', sa.String(length=64), nullable=False),
    sa.Column('fold', sa.Integer(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('starts_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stream', sa.String(length=120), nullable=False),
    sa.Column('join_url', sa.String(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at_utc', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uid', name='uq_festival_session_uid')
    )
    with op.batch_alter_table('festival_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_festival_session_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index('ix_festival_session_edition_start', ['edition_id', 'starts_at_utc'], unique=False)
        batch_op.create_index(batch_op.f('ix_festival_session_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_festival_session_status'), ['status'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('festival_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_festival_session_status'))
        batch_op.drop_index(batch_op.f('ix_festival_session_organisation_id'))
        batch_op.drop_index('ix_festival_session_edition_start')
        batch_op.drop_index(batch_op.f('ix_festival_session_edition_id'))

    op.drop_table('festival_session')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_slug'))

    op.drop_table('organisation')
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_slug'))

    op.drop_table('edition')
    
