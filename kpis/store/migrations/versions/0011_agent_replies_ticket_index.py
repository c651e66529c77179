"""Agent replies by ticket: a ticket's change finds the days of its replies' cached blocks

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-03 14:10:00.000000
"""

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_agent_replies_ticket', 'agent_replies', ['source', 'instance', 'ticket_id'])


def downgrade() -> None:
    op.drop_index('ix_agent_replies_ticket', table_name='agent_replies')
