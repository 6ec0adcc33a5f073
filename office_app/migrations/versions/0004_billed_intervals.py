"""billed reading intervals: each pair of consecutive readings of a meter billed exactly once

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 04:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TABLE = "billed_interval"


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('start_reading_id', sa.Integer(), nullable=False),
    sa.Column('end_reading_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('vt', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('mt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('register_kind', sa.String(length=8), nullable=False),
    sa.CheckConstraint("register_kind IN ('single', 'two', 'peak', 'metered')", name=op.f('ck_billed_interval_register_kind')),
    sa.CheckConstraint('end_on >= start_on', name=op.f('ck_billed_interval_dates')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_billed_interval_customer_id_customer')),
    sa.ForeignKeyConstraint(['end_reading_id'], ['reading.id'], name=op.f('fk_billed_interval_end_reading_id_reading')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_billed_interval_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_billed_interval_meter_id_meter')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_billed_interval_point_id_metering_point')),
    sa.ForeignKeyConstraint(['start_reading_id'], ['reading.id'], name=op.f('fk_billed_interval_start_reading_id_reading')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billed_interval'))
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billed_interval_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billed_interval_point_id'), ['point_id'], unique=False)
        batch_op.create_index('ix_billed_interval_meter', ['meter_id', 'end_on'], unique=False)
        batch_op.create_index('uq_billed_interval_end', ['end_reading_id'], unique=True)
        batch_op.create_index('uq_billed_interval_start', ['start_reading_id'], unique=True)
    _append_only_trigger()


def downgrade() -> None:
    _drop_append_only_trigger()
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index('uq_billed_interval_start')
        batch_op.drop_index('uq_billed_interval_end')
        batch_op.drop_index('ix_billed_interval_meter')
        batch_op.drop_index(batch_op.f('ix_billed_interval_point_id'))
        batch_op.drop_index(batch_op.f('ix_billed_interval_invoice_id'))
    op.drop_table(TABLE)


def _append_only_trigger() -> None:
    """Billed intervals are posted records, guarded like the invoices they belong to (the
    PostgreSQL function ``refuse_posted_change`` comes from revision 0003)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                   f"FOR EACH ROW EXECUTE FUNCTION refuse_posted_change()")
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                   f"BEGIN SELECT RAISE(ABORT, 'posted records are append-only: "
                   f"{action} on {TABLE} refused'); END")


def _drop_append_only_trigger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{action}")
