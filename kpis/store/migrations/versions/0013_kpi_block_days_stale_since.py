"""When a day's stored blocks stopped matching its records: the `/kpi` endpoint keeps answering
a day a sync has just begun rewriting from the blocks it holds (or stored) instead of packing the
day's records itself before the sync stores the day anew

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kpi_block_days') as batch:
        batch.add_column(sa.Column('stale_since', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kpi_block_days') as batch:
        batch.drop_column('stale_since')
