"""installment plans (reprogram): the plan register, its schedule and what it covered

Revision ID: 0030
Revises: 0003
Create Date: 2026-11-28 04:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0040'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)
APPEND_ONLY = ("plan_covered_item", "plan_installment")


def upgrade() -> None:
    op.create_table('installment_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('debt', MONEY, nullable=False),
    sa.Column('down_payment', MONEY, nullable=False),
    sa.Column('installment_count', sa.Integer(), nullable=False),
    sa.Column('interest_rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('interest', MONEY, nullable=False),
    sa.Column('minimum_installment', MONEY, nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('first_due', sa.Date(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('broken_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'completed', 'broken')", name=op.f('ck_installment_plan_status')),
    sa.CheckConstraint('down_payment >= 0 AND down_payment < debt', name=op.f('ck_installment_plan_down_payment')),
    sa.CheckConstraint('installment_count >= 1', name=op.f('ck_installment_plan_installment_count')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_installment_plan_customer_id_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], name=op.f('fk_installment_plan_entry_id_ledger_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installment_plan')),
    sa.UniqueConstraint('number', name=op.f('uq_installment_plan_number'))
    )
    op.create_index('ix_installment_plan_customer', 'installment_plan', ['customer_id', 'status'], unique=False)
    op.create_index('uq_installment_plan_active', 'installment_plan', ['customer_id'], unique=True, postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))
    op.create_table('plan_covered_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=30), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('amount', MONEY, nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], name=op.f('fk_plan_covered_item_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['plan_id'], ['installment_plan.id'], name=op.f('fk_plan_covered_item_plan_id_installment_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_covered_item'))
    )
    op.create_index(op.f('ix_plan_covered_item_plan_id'), 'plan_covered_item', ['plan_id'], unique=False)
    op.create_table('plan_installment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('principal', MONEY, nullable=False),
    sa.Column('interest', MONEY, nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], name=op.f('fk_plan_installment_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['plan_id'], ['installment_plan.id'], name=op.f('fk_plan_installment_plan_id_installment_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_installment'))
    )
    op.create_index('uq_plan_installment_sequence', 'plan_installment', ['plan_id', 'sequence'], unique=True)
    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index('uq_plan_installment_sequence', table_name='plan_installment')
    op.drop_table('plan_installment')
    op.drop_index(op.f('ix_plan_covered_item_plan_id'), table_name='plan_covered_item')
    op.drop_table('plan_covered_item')
    op.drop_index('uq_installment_plan_active', table_name='installment_plan', postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))
    op.drop_index('ix_installment_plan_customer', table_name='installment_plan')
    op.drop_table('installment_plan')


def _append_only_triggers() -> None:
    # refuse_posted_change() comes from revision 0003 on PostgreSQL.
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION refuse_posted_change()")
            continue
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, 'posted records are append-only: "
                       f"{action} on {table} refused'); END")


def _drop_append_only_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
