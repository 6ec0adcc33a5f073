"""the office's allocation order for payments that name no invoice (004 §35.2)

Revision ID: 0012
Revises: 0022
Create Date: 2026-11-28 07:30:00

Existing offices keep the seeds' rule (oldest open items first) through the server default.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allocation_order', sa.String(length=12), nullable=False,
                                      server_default='oldest_first'))


def downgrade() -> None:
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_column('allocation_order')
