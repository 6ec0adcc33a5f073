"""tariff: monthly charges kept while a point is disconnected

Revision ID: 0022
Revises: 0041
Create Date: 2026-11-28 07:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('tariff', sa.Column('while_disconnected', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tariff DROP COLUMN while_disconnected")
    else:
        op.drop_column('tariff', 'while_disconnected')
