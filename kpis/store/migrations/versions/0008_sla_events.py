"""SLA policy outcomes: the helpdesk's SLA clock events, and per-ticket achieved / breached targets

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

#: The SLA policy metrics of kpis.sla_outcomes.SLA_METRICS, spelled out: a migration must not
#: change when the code does.
METRICS = ("first_reply", "next_reply", "periodic_update", "pausable_update", "requester_wait", "agent_work",
           "resolution")
COLUMNS = [f"sla_{metric}_{outcome}" for metric in METRICS for outcome in ("achieved", "breached", "settled")]


def upgrade() -> None:
    op.create_table('sla_events',
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('instance', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=128), nullable=False),
    sa.Column('ticket_id', sa.String(length=128), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.Column('target_minutes', sa.Float(), nullable=True),
    sa.Column('business_hours', sa.Boolean(), nullable=True),
    sa.Column('policy_id', sa.String(length=128), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'instance', 'id')
    )
    op.create_index('ix_sla_events_ticket', 'sla_events', ['source', 'instance', 'ticket_id'], unique=False)
    with op.batch_alter_table('tickets') as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        for name in COLUMNS:
            batch.drop_column(name)
    op.drop_index('ix_sla_events_ticket', table_name='sla_events')
    op.drop_table('sla_events')
