"""cash desk: index cash_receipt.entry_id (a retried payment finds its receipt by its entry)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 07:13:00
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cash_receipt', schema=None) as batch_op:
        batch_op.create_index('ix_cash_receipt_entry', ['entry_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cash_receipt', schema=None) as batch_op:
        batch_op.drop_index('ix_cash_receipt_entry')
