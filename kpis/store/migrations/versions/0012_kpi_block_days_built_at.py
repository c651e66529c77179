"""When a day's stored blocks were built: the `/kpi` endpoint takes a day a sync is rewriting
from the blocks the sync stored a moment ago instead of packing its records itself

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 21:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kpi_block_days') as batch:
        batch.add_column(sa.Column('built_at', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kpi_block_days') as batch:
        batch.drop_column('built_at')
