"""customer status origins, office holiday region, office closed days

Revision ID: 0020
Revises: 0003
Create Date: 2026-11-28 04:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('office_closed_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_closed_day')),
    sa.UniqueConstraint('day', name=op.f('uq_office_closed_day_day'))
    )
    # Plain ADD COLUMN on both databases: customer_status_change keeps its append-only triggers.
    op.add_column('customer_status_change', sa.Column(
        'origin_kind', sa.String(length=20), server_default='', nullable=False))
    op.add_column('customer_status_change', sa.Column('origin_id', sa.Integer(), nullable=True))
    op.add_column('customer_status_change', sa.Column(
        'origin_number', sa.String(length=30), server_default='', nullable=False))
    op.add_column('customer_status_change', sa.Column(
        'previous_status', sa.String(length=1), nullable=True))
    op.add_column('office', sa.Column(
        'holiday_region', sa.String(length=3), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('office') as batch:
        batch.drop_column('holiday_region')
    with op.batch_alter_table('customer_status_change') as batch:
        for name in ('previous_status', 'origin_number', 'origin_id', 'origin_kind'):
            batch.drop_column(name)
    op.drop_table('office_closed_day')
