"""posting seals: row counts and checksums of posted documents, kept at posting (the audit)

Revision ID: 0005
Revises: 0003 (on the audit branch; the lead re-points this to 0004 when merging)
Create Date: 2026-11-28 04:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'posting_seal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('table_name', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('checksum', sa.String(length=32), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sealed_by', sa.String(length=20), nullable=False),
        sa.CheckConstraint('last_id >= first_id', name=op.f('ck_posting_seal_range')),
        sa.CheckConstraint('row_count >= 0', name=op.f('ck_posting_seal_row_count')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_posting_seal')),
    )
    op.create_index('ix_posting_seal_table', 'posting_seal', ['table_name', 'last_id'],
                    unique=False)
    # Seals are posted records too: the database refuses to change or delete them.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER posting_seal_append_only BEFORE UPDATE OR DELETE ON "
                   "posting_seal FOR EACH ROW EXECUTE FUNCTION refuse_posted_change()")
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER posting_seal_no_{action.lower()} BEFORE {action} ON "
                   f"posting_seal BEGIN SELECT RAISE(ABORT, 'posted records are append-only: "
                   f"{action} on posting_seal refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS posting_seal_append_only ON posting_seal")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS posting_seal_no_{action}")
    op.drop_index('ix_posting_seal_table', table_name='posting_seal')
    op.drop_table('posting_seal')
