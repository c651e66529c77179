"""Conversation reviews (QA) and agent replies (working days)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _key() -> list[sa.Column]:
    return [
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('instance', sa.String(length=64), nullable=False),
        sa.Column('id', sa.String(length=128), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('reviews',
    *_key(),
    sa.Column('ticket_id', sa.String(length=128), nullable=False),
    sa.Column('reviewer', sa.String(length=200), nullable=False),
    sa.Column('reviewed_at', sa.BigInteger(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('scale_min', sa.Float(), nullable=False),
    sa.Column('scale_max', sa.Float(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('agent_id', sa.String(length=128), nullable=True),
    sa.Column('agent_named', sa.Boolean(), nullable=False),
    sa.Column('team_id', sa.String(length=128), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('source', 'instance', 'id')
    )
    op.create_index('ix_reviews_reviewed_at', 'reviews', ['reviewed_at'])
    op.create_index('ix_reviews_ticket', 'reviews', ['source', 'instance', 'ticket_id'])
    op.create_table('agent_replies',
    *_key(),
    sa.Column('ticket_id', sa.String(length=128), nullable=False),
    sa.Column('agent_id', sa.String(length=128), nullable=False),
    sa.Column('replied_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'instance', 'id')
    )
    op.create_index('ix_agent_replies_replied_at', 'agent_replies', ['replied_at'])


def downgrade() -> None:
    op.drop_index('ix_agent_replies_replied_at', table_name='agent_replies')
    op.drop_table('agent_replies')
    op.drop_index('ix_reviews_ticket', table_name='reviews')
    op.drop_index('ix_reviews_reviewed_at', table_name='reviews')
    op.drop_table('reviews')
