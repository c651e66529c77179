"""Coordination between processes sharing a store: leases (one scheduler, one sync per connector
instance, one delivery per message) and the request signatures the `/kpi` endpoint has seen

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:12:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('leases',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('process', sa.String(length=200), nullable=True),
    sa.Column('acquired_at', sa.BigInteger(), nullable=False),
    sa.Column('renewed_at', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('seen_signatures',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('seen_signatures', schema=None) as batch_op:
        batch_op.create_index('ix_seen_signatures_expires_at', ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('seen_signatures', schema=None) as batch_op:
        batch_op.drop_index('ix_seen_signatures_expires_at')
    op.drop_table('seen_signatures')
    op.drop_table('leases')
