"""billing: tariffs, VAT and interest rates, runs, invoices, the ledger (append-only)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:11:13.792752
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('on_implausible', sa.String(length=5), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.String(length=20), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('points_total', sa.Integer(), nullable=False),
    sa.Column('documents_made', sa.Integer(), nullable=False),
    sa.Column('order_number', sa.String(length=20), nullable=True),
    sa.Column('order_date', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('billing', 'interest')", name=op.f('ck_billing_run_kind')),
    sa.CheckConstraint("status IN ('running', 'completed', 'cancelled', 'interrupted')", name=op.f('ck_billing_run_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_run'))
    )
    with op.batch_alter_table('billing_run', schema=None) as batch_op:
        batch_op.create_index('ix_billing_run_period', ['kind', 'period'], unique=False)

    op.create_table('interest_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_interest_rate_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest_rate'))
    )
    with op.batch_alter_table('interest_rate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_rate_valid_from'), ['valid_from'], unique=False)

    op.create_table('tariff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=14), nullable=False),
    sa.Column('tariff_group', sa.String(length=12), nullable=False),
    sa.Column('element', sa.String(length=24), nullable=False),
    sa.Column('price', sa.Numeric(precision=14, scale=5), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint('price >= 0', name=op.f('ck_tariff_price')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_tariff_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff'))
    )
    with op.batch_alter_table('tariff', schema=None) as batch_op:
        batch_op.create_index('ix_tariff_key', ['category', 'tariff_group', 'element', 'valid_from'], unique=False)

    op.create_table('vat_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_vat_rate_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vat_rate'))
    )
    with op.batch_alter_table('vat_rate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vat_rate_valid_from'), ['valid_from'], unique=False)

    op.create_table('billing_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_billing_hold_point_id_metering_point')),
    sa.ForeignKeyConstraint(['run_id'], ['billing_run.id'], name=op.f('fk_billing_hold_run_id_billing_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_hold'))
    )
    with op.batch_alter_table('billing_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_hold_run_id'), ['run_id'], unique=False)

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('office_code', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('service_start', sa.Date(), nullable=False),
    sa.Column('service_end', sa.Date(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('customer_code', sa.String(length=12), nullable=False),
    sa.Column('customer_name', sa.String(length=120), nullable=False),
    sa.Column('customer_address', sa.String(length=200), nullable=False),
    sa.Column('customer_kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=14), nullable=False),
    sa.Column('tax_number', sa.String(length=13), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('point_number', sa.String(length=20), nullable=False),
    sa.Column('point_address', sa.String(length=200), nullable=False),
    sa.Column('zone_code', sa.String(length=10), nullable=False),
    sa.Column('reading_code', sa.Integer(), nullable=False),
    sa.Column('tariff_group', sa.String(length=12), nullable=False),
    sa.Column('meter_numbers', sa.String(length=80), nullable=False),
    sa.Column('constant', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('previous_date', sa.Date(), nullable=True),
    sa.Column('current_date', sa.Date(), nullable=True),
    sa.Column('previous_vt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('current_vt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('vt_quantity', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('previous_mt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('current_mt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('mt_quantity', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('peak_load', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('estimated', sa.Boolean(), nullable=False),
    sa.Column('self_read', sa.Boolean(), nullable=False),
    sa.Column('settlement', sa.Boolean(), nullable=False),
    sa.Column('net_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('vat_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('payment_reference', sa.String(length=30), nullable=False),
    sa.Column('previous_invoice_date', sa.Date(), nullable=True),
    sa.Column('balance_before', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('payments_since', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('interest_since', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('other_since', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('closing_balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('older_debt', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('older_debt_count', sa.Integer(), nullable=False),
    sa.Column('interest_rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('interest_base', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_invoice_customer_id_customer')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_invoice_point_id_metering_point')),
    sa.ForeignKeyConstraint(['run_id'], ['billing_run.id'], name=op.f('fk_invoice_run_id_billing_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('number', name=op.f('uq_invoice_number'))
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_customer', ['customer_id', 'issue_date'], unique=False)
        batch_op.create_index('ix_invoice_period_route', ['period', 'zone_code', 'reading_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_run_id'), ['run_id'], unique=False)
        batch_op.create_index('uq_invoice_point_period', ['point_id', 'period', 'customer_id'], unique=True)

    op.create_table('other_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('element', sa.String(length=24), nullable=False),
    sa.Column('charged_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('note', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_other_charge_customer_id_customer')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_other_charge_point_id_metering_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_other_charge'))
    )
    with op.batch_alter_table('other_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_other_charge_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_other_charge_point_id'), ['point_id'], unique=False)

    op.create_table('point_billing_profile',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('tariff_group', sa.String(length=12), nullable=True),
    sa.Column('sewage', sa.Boolean(), nullable=False),
    sa.Column('common_billing', sa.String(length=15), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=20), nullable=False),
    sa.CheckConstraint("common_billing IN ('split', 'representative')", name=op.f('ck_point_billing_profile_common_billing')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_point_billing_profile_point_id_metering_point')),
    sa.PrimaryKeyConstraint('point_id', name=op.f('pk_point_billing_profile'))
    )
    op.create_table('correction_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('net_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('vat_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.CheckConstraint("kind IN ('credit', 'debit')", name=op.f('ck_correction_note_kind')),
    sa.CheckConstraint('net_amount > 0', name=op.f('ck_correction_note_amount')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_correction_note_customer_id_customer')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_correction_note_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correction_note')),
    sa.UniqueConstraint('number', name=op.f('uq_correction_note_number'))
    )
    with op.batch_alter_table('correction_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_note_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_correction_note_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('element', sa.String(length=24), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('unit', sa.String(length=8), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=5), nullable=False),
    sa.Column('share_days', sa.Integer(), nullable=True),
    sa.Column('period_days', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('taxable', sa.Boolean(), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('charge_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['charge_id'], ['other_charge.id'], name=op.f('fk_invoice_line_charge_id_other_charge')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_invoice_line_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_line')),
    sa.UniqueConstraint('charge_id', name=op.f('uq_invoice_line_charge_id'))
    )
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_line_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('invoice_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('printed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('printed_by', sa.String(length=20), nullable=False),
    sa.Column('copy', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_invoice_print_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_print'))
    )
    with op.batch_alter_table('invoice_print', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_print_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('document_type', sa.String(length=20), nullable=False),
    sa.Column('document_number', sa.String(length=30), nullable=False),
    sa.Column('description', sa.String(length=160), nullable=False),
    sa.Column('debit', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('credit', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('order_number', sa.String(length=20), nullable=False),
    sa.Column('order_date', sa.Date(), nullable=True),
    sa.Column('operator_code', sa.String(length=20), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('debit >= 0 AND credit >= 0 AND (debit = 0 OR credit = 0)', name=op.f('ck_ledger_entry_amounts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_ledger_entry_customer_id_customer')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_ledger_entry_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_card', ['customer_id', 'document_date', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('uq_ledger_entry_document', ['document_type', 'document_number'], unique=True)
        batch_op.create_index('uq_ledger_entry_interest_period', ['customer_id', 'period'], unique=True, postgresql_where=sa.text("document_type = 'interest'"), sqlite_where=sa.text("document_type = 'interest'"))

    op.create_table('interest_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('item_entry_id', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=30), nullable=False),
    sa.Column('base', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('rate', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], name=op.f('fk_interest_charge_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['item_entry_id'], ['ledger_entry.id'], name=op.f('fk_interest_charge_item_entry_id_ledger_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest_charge'))
    )
    with op.batch_alter_table('interest_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_charge_entry_id'), ['entry_id'], unique=False)

    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('interest_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_charge_entry_id'))

    op.drop_table('interest_charge')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('uq_ledger_entry_interest_period', postgresql_where=sa.text("document_type = 'interest'"), sqlite_where=sa.text("document_type = 'interest'"))
        batch_op.drop_index('uq_ledger_entry_document')
        batch_op.drop_index(batch_op.f('ix_ledger_entry_invoice_id'))
        batch_op.drop_index('ix_ledger_entry_card')

    op.drop_table('ledger_entry')
    with op.batch_alter_table('invoice_print', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_print_invoice_id'))

    op.drop_table('invoice_print')
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_line_invoice_id'))

    op.drop_table('invoice_line')
    with op.batch_alter_table('correction_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correction_note_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_correction_note_customer_id'))

    op.drop_table('correction_note')
    op.drop_table('point_billing_profile')
    with op.batch_alter_table('other_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_other_charge_point_id'))
        batch_op.drop_index(batch_op.f('ix_other_charge_customer_id'))

    op.drop_table('other_charge')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('uq_invoice_point_period')
        batch_op.drop_index(batch_op.f('ix_invoice_run_id'))
        batch_op.drop_index('ix_invoice_period_route')
        batch_op.drop_index('ix_invoice_customer')

    op.drop_table('invoice')
    with op.batch_alter_table('billing_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_hold_run_id'))

    op.drop_table('billing_hold')
    with op.batch_alter_table('vat_rate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vat_rate_valid_from'))

    op.drop_table('vat_rate')
    with op.batch_alter_table('tariff', schema=None) as batch_op:
        batch_op.drop_index('ix_tariff_key')

    op.drop_table('tariff')
    with op.batch_alter_table('interest_rate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_rate_valid_from'))

    op.drop_table('interest_rate')
    with op.batch_alter_table('billing_run', schema=None) as batch_op:
        batch_op.drop_index('ix_billing_run_period')

    op.drop_table('billing_run')


#: Posted records: the database refuses UPDATE and DELETE of their rows (TRUNCATE, which the
#: test fixture uses to empty a database, is not a row change and is allowed).
APPEND_ONLY = ("ledger_entry", "interest_charge", "invoice", "invoice_line", "invoice_print",
               "correction_note")


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION refuse_posted_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'posted records are append-only: % on % refused',
                    TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
            END $$""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION refuse_posted_change()")
        return
    for table in APPEND_ONLY:
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
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS refuse_posted_change()")
