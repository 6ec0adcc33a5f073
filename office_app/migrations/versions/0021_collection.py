"""collection of debt: warnings, disconnection orders and field records, dunning runs

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

APPEND_ONLY = ('debt_warning_item', 'disconnection_record')


def _stamps() -> list[sa.Column]:
    return [sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('created_by', sa.String(length=20), nullable=False)]


def _updates() -> list[sa.Column]:
    return [sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
            sa.Column('updated_by', sa.String(length=20), nullable=True)]


def upgrade() -> None:
    op.create_table('dunning_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.String(length=20), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('points_total', sa.Integer(), nullable=False),
    sa.Column('documents_made', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('warnings', 'orders')", name=op.f('ck_dunning_run_kind')),
    sa.CheckConstraint("status IN ('running', 'completed', 'cancelled', 'interrupted')",
                       name=op.f('ck_dunning_run_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_run'))
    )
    op.create_index('ix_dunning_run_period', 'dunning_run', ['kind', 'period'], unique=False)
    op.create_table('debt_warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('utility', sa.String(length=12), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('debt', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('delivery', sa.String(length=4), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    *_stamps(), *_updates(),
    sa.CheckConstraint('level IN (1, 2)', name=op.f('ck_debt_warning_level')),
    sa.CheckConstraint('debt > 0', name=op.f('ck_debt_warning_debt')),
    sa.CheckConstraint("delivery IN ('', 'post', 'book')", name=op.f('ck_debt_warning_delivery')),
    sa.CheckConstraint("outcome IN ('', 'paid', 'partly_paid', 'unpaid', 'order')",
                       name=op.f('ck_debt_warning_outcome')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'],
                            name=op.f('fk_debt_warning_customer_id_customer')),
    sa.ForeignKeyConstraint(['run_id'], ['dunning_run.id'],
                            name=op.f('fk_debt_warning_run_id_dunning_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_warning')),
    sa.UniqueConstraint('customer_id', 'level', 'as_of', name='uq_debt_warning_run'),
    sa.UniqueConstraint('number', name=op.f('uq_debt_warning_number'))
    )
    op.create_index(op.f('ix_debt_warning_customer_id'), 'debt_warning', ['customer_id'])
    op.create_table('debt_warning_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('document_number', sa.String(length=30), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('open_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'],
                            name=op.f('fk_debt_warning_item_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'],
                            name=op.f('fk_debt_warning_item_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['warning_id'], ['debt_warning.id'],
                            name=op.f('fk_debt_warning_item_warning_id_debt_warning')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_warning_item'))
    )
    op.create_index(op.f('ix_debt_warning_item_warning_id'), 'debt_warning_item', ['warning_id'])
    op.create_index(op.f('ix_debt_warning_item_invoice_id'), 'debt_warning_item', ['invoice_id'])
    op.create_table('disconnection_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=14), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('meter_number', sa.String(length=30), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('debt', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cancel_reason', sa.String(length=120), nullable=False),
    *_stamps(), *_updates(),
    sa.CheckConstraint("kind IN ('disconnection', 'reconnection')",
                       name=op.f('ck_disconnection_order_kind')),
    sa.CheckConstraint("status IN ('issued', 'executed', 'cancelled')",
                       name=op.f('ck_disconnection_order_status')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'],
                            name=op.f('fk_disconnection_order_customer_id_customer')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'],
                            name=op.f('fk_disconnection_order_point_id_metering_point')),
    sa.ForeignKeyConstraint(['run_id'], ['dunning_run.id'],
                            name=op.f('fk_disconnection_order_run_id_dunning_run')),
    sa.ForeignKeyConstraint(['warning_id'], ['debt_warning.id'],
                            name=op.f('fk_disconnection_order_warning_id_debt_warning')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disconnection_order')),
    sa.UniqueConstraint('number', name=op.f('uq_disconnection_order_number')),
    sa.UniqueConstraint('warning_id', 'point_id', name='uq_disconnection_order_warning')
    )
    op.create_index(op.f('ix_disconnection_order_customer_id'), 'disconnection_order',
                    ['customer_id'])
    op.create_index(op.f('ix_disconnection_order_point_id'), 'disconnection_order', ['point_id'])
    op.create_table('disconnection_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=14), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('reading', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('remarks', sa.String(length=200), nullable=False),
    *_stamps(),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'],
                            name=op.f('fk_disconnection_record_customer_id_customer')),
    sa.ForeignKeyConstraint(['order_id'], ['disconnection_order.id'],
                            name=op.f('fk_disconnection_record_order_id_disconnection_order')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'],
                            name=op.f('fk_disconnection_record_point_id_metering_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disconnection_record')),
    sa.UniqueConstraint('order_id', name=op.f('uq_disconnection_record_order_id'))
    )
    op.create_index(op.f('ix_disconnection_record_customer_id'), 'disconnection_record',
                    ['customer_id'])
    op.create_index(op.f('ix_disconnection_record_point_id'), 'disconnection_record',
                    ['point_id'])
    if op.get_bind().dialect.name == 'sqlite':
        # PostgreSQL gets its triggers from privileges.apply (the AppendOnly mixin).
        for table in APPEND_ONLY:
            for action in ('UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON "
                           f"{table} BEGIN SELECT RAISE(ABORT, 'posted records are "
                           f"append-only: {action.lower()} on {table} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in APPEND_ONLY:
            for action in ('update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    op.drop_table('disconnection_record')
    op.drop_table('disconnection_order')
    op.drop_table('debt_warning_item')
    op.drop_table('debt_warning')
    op.drop_index('ix_dunning_run_period', table_name='dunning_run')
    op.drop_table('dunning_run')
