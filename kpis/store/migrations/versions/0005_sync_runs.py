"""How the last sync of each connector instance ended (for /healthz)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_runs',
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('instance', sa.String(length=64), nullable=False),
    sa.Column('finished_at', sa.BigInteger(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('source', 'instance')
    )


def downgrade() -> None:
    op.drop_table('sync_runs')
