"""legal office: litigation register (cases, events, attachments) and the complaint book

Revision ID: 0040
Revises: 0021
Create Date: 2026-11-28 04:44:55.205515
"""
from alembic import op
import sqlalchemy as sa


revision = '0040'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('legal_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=40), nullable=False),
    sa.Column('court', sa.String(length=80), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('amount_sued', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('court_fee', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('other_costs', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('archived_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint('amount_sued > 0 AND court_fee >= 0 AND other_costs >= 0', name=op.f('ck_legal_case_amounts')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_legal_case_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_case'))
    )
    with op.batch_alter_table('legal_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_case_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('uq_legal_case_court_number', ['court', 'case_number'], unique=True)

    op.create_table('case_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['legal_case.id'], name=op.f('fk_case_attachment_case_id_legal_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_attachment'))
    )
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_attachment_case_id'), ['case_id'], unique=False)

    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['legal_case.id'], name=op.f('fk_case_event_case_id_legal_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_event_deadline'), ['deadline'], unique=False)

    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('disputed_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.String(length=400), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('correction_note_id', sa.Integer(), nullable=True),
    sa.Column('archived_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint("decision IS NULL OR decision IN ('justified', 'rejected')", name=op.f('ck_complaint_decision')),
    sa.CheckConstraint('disputed_amount >= 0', name=op.f('ck_complaint_disputed_amount')),
    sa.ForeignKeyConstraint(['correction_note_id'], ['correction_note.id'], name=op.f('fk_complaint_correction_note_id_correction_note')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_complaint_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('correction_note_id', name=op.f('uq_complaint_correction_note_id')),
    sa.UniqueConstraint('number', name=op.f('uq_complaint_number'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_customer_id'), ['customer_id'], unique=False)

    op.create_table('complaint_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_invoice_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_complaint_invoice_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_invoice'))
    )
    with op.batch_alter_table('complaint_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_invoice_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('uq_complaint_invoice', ['complaint_id', 'invoice_id'], unique=True)

    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('complaint_invoice', schema=None) as batch_op:
        batch_op.drop_index('uq_complaint_invoice')
        batch_op.drop_index(batch_op.f('ix_complaint_invoice_invoice_id'))

    op.drop_table('complaint_invoice')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_customer_id'))

    op.drop_table('complaint')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_deadline'))
        batch_op.drop_index(batch_op.f('ix_case_event_case_id'))

    op.drop_table('case_event')
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_attachment_case_id'))

    op.drop_table('case_attachment')
    with op.batch_alter_table('legal_case', schema=None) as batch_op:
        batch_op.drop_index('uq_legal_case_court_number')
        batch_op.drop_index(batch_op.f('ix_legal_case_customer_id'))

    op.drop_table('legal_case')


#: Posted tables of this revision. On PostgreSQL office_app.privileges.apply creates their
#: triggers; SQLite gets its own here.
APPEND_ONLY = ("case_attachment", "complaint_invoice")


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, 'posted records are append-only: "
                       f"{action} on {table} refused'); END")


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    for table in APPEND_ONLY:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
