"""Columnar cache for the KPI query layer: key codes, per-day block state, blocks; and the indexes
that find long-lived tickets, late ratings and a ticket's survey answers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:02:11.120334
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Frozen copies of kpis.store.schema.LONG_LIVED_SECONDS and the partial-index predicates.
LONG_LIVED_SECONDS = 14 * 86_400


def _long_lived_ticket():
    c = {name: sa.column(name, sa.Boolean) for name in ("is_deleted", "is_merged", "is_spam")}
    solved, created = sa.column("solved_at", sa.BigInteger), sa.column("created_at", sa.BigInteger)
    return sa.or_(
        sa.and_(solved.is_(None), ~c["is_deleted"], ~c["is_merged"], ~c["is_spam"]),
        solved - created > LONG_LIVED_SECONDS,
    )


def _late_rating():
    return sa.column("rated_at", sa.BigInteger) - sa.column("offered_at", sa.BigInteger) > LONG_LIVED_SECONDS


def upgrade() -> None:
    op.create_table('kpi_keys',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key'),
    sa.UniqueConstraint('kind', 'code', name='uq_kpi_keys_code')
    )
    op.create_table('kpi_block_days',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('built', sa.BigInteger(), nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'day')
    )
    op.create_table('kpi_blocks',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('details', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'day', 'part')
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_long_lived', ['solved_at', 'created_at'], unique=False,
                              sqlite_where=_long_lived_ticket(), postgresql_where=_long_lived_ticket())
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_late', ['rated_at'], unique=False,
                              sqlite_where=_late_rating(), postgresql_where=_late_rating())
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_ticket', ['source', 'instance', 'ticket_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_ticket')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_late')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_long_lived')
    op.drop_table('kpi_blocks')
    op.drop_table('kpi_block_days')
    op.drop_table('kpi_keys')
