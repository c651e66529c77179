"""Who opened the Slack App Home, when, and their choices on it (for refreshes after a sync)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:05:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('home_views',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.BigInteger(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('team', sa.String(length=255), nullable=True),
    sa.Column('chart_file_id', sa.String(length=32), nullable=True),
    sa.Column('chart_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_index('ix_home_views_opened_at', 'home_views', ['opened_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_home_views_opened_at', table_name='home_views')
    op.drop_table('home_views')
