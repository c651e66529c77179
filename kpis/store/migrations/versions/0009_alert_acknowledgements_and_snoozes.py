"""Alert acknowledgements and snoozes, as leads set them with the buttons on an alert

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_acknowledgements',
    sa.Column('alert_key', sa.String(length=64), nullable=False),
    sa.Column('alert_id', sa.Text(), nullable=False),
    sa.Column('rule_id', sa.String(length=128), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('alert_key')
    )
    op.create_table('alert_snoozes',
    sa.Column('rule_id', sa.String(length=128), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('until', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('rule_id', 'scope')
    )


def downgrade() -> None:
    op.drop_table('alert_snoozes')
    op.drop_table('alert_acknowledgements')
