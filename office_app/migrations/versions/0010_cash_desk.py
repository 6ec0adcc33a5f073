"""cash desk: ledger origin, source and idempotency key; drawers, receipts, reprints

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-28 04:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0011'
branch_labels = None
depends_on = None

APPEND_ONLY = ("cash_receipt", "cash_receipt_line", "cash_receipt_print")
FK_ORIGIN = "fk_ledger_entry_origin_entry_id_ledger_entry"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # Plain ADD COLUMN on both databases: a batch rebuild of the ledger would drop its
    # append-only triggers and trip over the foreign keys that point at it.
    if sqlite:
        op.execute("ALTER TABLE ledger_entry ADD COLUMN origin_entry_id INTEGER "
                   f"CONSTRAINT {FK_ORIGIN} REFERENCES ledger_entry (id)")
    else:
        op.add_column('ledger_entry', sa.Column('origin_entry_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK_ORIGIN, 'ledger_entry', 'ledger_entry',
                              ['origin_entry_id'], ['id'])
    op.add_column('ledger_entry', sa.Column('source', sa.String(length=60), nullable=False,
                                            server_default=''))
    op.add_column('ledger_entry', sa.Column('idempotency_key', sa.String(length=64),
                                            nullable=True))
    op.create_index('uq_ledger_entry_idempotency_key', 'ledger_entry', ['idempotency_key'],
                    unique=True)
    op.create_index('ix_ledger_entry_source', 'ledger_entry', ['source'],
                    postgresql_where=sa.text("source <> ''"), sqlite_where=sa.text("source <> ''"))
    op.create_index('uq_ledger_entry_reversal', 'ledger_entry', ['origin_entry_id'],
                    unique=True,
                    postgresql_where=sa.text("document_type = 'payment_reversal'"),
                    sqlite_where=sa.text("document_type = 'payment_reversal'"))

    op.create_table('cash_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.String(length=10), nullable=False),
    sa.Column('desk', sa.String(length=8), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('opening_float', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=20), nullable=True),
    sa.Column('counted_cash', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('counted_card', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('system_cash', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('system_card', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('difference', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('close_note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('opening_float >= 0', name=op.f('ck_cash_session_float')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_session'))
    )
    op.create_index('ix_cash_session_day', 'cash_session', ['office_code', 'opened_on'])
    op.create_index('uq_cash_session_open', 'cash_session', ['created_by', 'desk'], unique=True,
                    postgresql_where=sa.text('closed_at IS NULL'),
                    sqlite_where=sa.text('closed_at IS NULL'))

    op.create_table('cash_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('office_code', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('desk', sa.String(length=8), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('customer_code', sa.String(length=12), nullable=False),
    sa.Column('customer_name', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('means', sa.String(length=4), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('received', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('change', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('operator_code', sa.String(length=20), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_cash_receipt_amount')),
    sa.CheckConstraint("means IN ('cash', 'card')", name=op.f('ck_cash_receipt_means')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_cash_receipt_customer_id_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], name=op.f('fk_cash_receipt_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['session_id'], ['cash_session.id'], name=op.f('fk_cash_receipt_session_id_cash_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_receipt')),
    sa.UniqueConstraint('number', name=op.f('uq_cash_receipt_number'))
    )
    op.create_index('ix_cash_receipt_day', 'cash_receipt', ['document_date'])
    op.create_index('ix_cash_receipt_session', 'cash_receipt', ['session_id'])
    op.create_index('uq_cash_receipt_series', 'cash_receipt',
                    ['office_code', 'year', 'desk', 'sequence'], unique=True)

    op.create_table('cash_receipt_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=30), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['receipt_id'], ['cash_receipt.id'], name=op.f('fk_cash_receipt_line_receipt_id_cash_receipt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_receipt_line'))
    )
    op.create_index(op.f('ix_cash_receipt_line_receipt_id'), 'cash_receipt_line', ['receipt_id'])

    op.create_table('cash_receipt_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('printed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('printed_by', sa.String(length=20), nullable=False),
    sa.Column('supervisor_code', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['receipt_id'], ['cash_receipt.id'], name=op.f('fk_cash_receipt_print_receipt_id_cash_receipt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_receipt_print'))
    )
    op.create_index(op.f('ix_cash_receipt_print_receipt_id'), 'cash_receipt_print',
                    ['receipt_id'])
    _append_only_triggers(sqlite)


def _append_only_triggers(sqlite: bool) -> None:
    """SQLite's guard (on PostgreSQL ``privileges.apply`` creates the triggers)."""
    if not sqlite:
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, 'posted records are append-only: "
                       f"{action} on {table} refused'); END")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in reversed(APPEND_ONLY):
        if sqlite:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        op.drop_table(table)
    op.drop_table('cash_session')
    op.drop_index('uq_ledger_entry_reversal', table_name='ledger_entry')
    op.drop_index('ix_ledger_entry_source', table_name='ledger_entry')
    op.drop_index('uq_ledger_entry_idempotency_key', table_name='ledger_entry')
    if sqlite:
        for column in ('idempotency_key', 'source', 'origin_entry_id'):
            op.execute(f"ALTER TABLE ledger_entry DROP COLUMN {column}")
    else:
        op.drop_constraint(FK_ORIGIN, 'ledger_entry', type_='foreignkey')
        for column in ('idempotency_key', 'source', 'origin_entry_id'):
            op.drop_column('ledger_entry', column)
