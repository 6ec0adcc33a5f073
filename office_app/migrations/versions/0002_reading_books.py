"""reading books: billing periods, readings, field records, meter replacements and photos

Revision ID: 0002
Revises: 0001

Generated with autogenerate against a database at 0001 and reviewed by hand: the drop of
ix_customer_search_key that autogenerate proposed is removed (0001 creates that index outside
the models on purpose). Partial unique index uq_billing_period_one_open keeps one open period.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('books_made_on', sa.Date(), nullable=False),
    sa.Column('handed_out_on', sa.Date(), nullable=False),
    sa.Column('last_reading_on', sa.Date(), nullable=False),
    sa.Column('processing_on', sa.Date(), nullable=False),
    sa.Column('invoice_issue_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=6), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_billing_period_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_period')),
    sa.UniqueConstraint('period', name=op.f('uq_billing_period_period'))
    )
    with op.batch_alter_table('billing_period', schema=None) as batch_op:
        batch_op.create_index('uq_billing_period_one_open', ['status'], unique=True, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.create_table('reading_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('band_low_percent', sa.Integer(), nullable=False),
    sa.Column('band_high_percent', sa.Integer(), nullable=False),
    sa.Column('history_months', sa.Integer(), nullable=False),
    sa.Column('estimate_streak', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_settings'))
    )
    op.create_table('reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('read_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('vt', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('mt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('peak', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('vt_reactive', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('mt_reactive', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('remark_code', sa.String(length=2), nullable=False),
    sa.Column('remark', sa.String(length=200), nullable=False),
    sa.Column('flags', sa.String(length=120), nullable=False),
    sa.Column('check_state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint("check_state IN ('ok', 'pending', 'confirmed', 'corrected')", name=op.f('ck_reading_check_state')),
    sa.CheckConstraint("kind IN ('regular', 'initial', 'final', 'transfer', 'termination')", name=op.f('ck_reading_kind')),
    sa.CheckConstraint("source IN ('reader', 'self', 'remote', 'estimate')", name=op.f('ck_reading_source')),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_reading_meter_id_meter')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_reading_point_id_metering_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading'))
    )
    with op.batch_alter_table('reading', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_meter_id'), ['meter_id'], unique=False)
        batch_op.create_index('ix_reading_period_point', ['period', 'point_id'], unique=False)
        batch_op.create_index('ix_reading_point_date', ['point_id', 'read_on', 'id'], unique=False)

    op.create_table('field_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reading_id', sa.Integer(), nullable=False),
    sa.Column('record_number', sa.String(length=30), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('original_vt', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('original_mt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('original_peak', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('corrected_vt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('corrected_mt', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('corrected_peak', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint("outcome IN ('confirmed', 'corrected')", name=op.f('ck_field_record_outcome')),
    sa.ForeignKeyConstraint(['reading_id'], ['reading.id'], name=op.f('fk_field_record_reading_id_reading')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_record'))
    )
    with op.batch_alter_table('field_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_record_reading_id'), ['reading_id'], unique=False)

    op.create_table('meter_replacement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('old_meter_id', sa.Integer(), nullable=False),
    sa.Column('new_meter_id', sa.Integer(), nullable=False),
    sa.Column('replaced_on', sa.Date(), nullable=False),
    sa.Column('final_reading_id', sa.Integer(), nullable=False),
    sa.Column('initial_reading_id', sa.Integer(), nullable=False),
    sa.Column('seal_numbers', sa.String(length=120), nullable=False),
    sa.Column('record_number', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['final_reading_id'], ['reading.id'], name=op.f('fk_meter_replacement_final_reading_id_reading')),
    sa.ForeignKeyConstraint(['initial_reading_id'], ['reading.id'], name=op.f('fk_meter_replacement_initial_reading_id_reading')),
    sa.ForeignKeyConstraint(['new_meter_id'], ['meter.id'], name=op.f('fk_meter_replacement_new_meter_id_meter')),
    sa.ForeignKeyConstraint(['old_meter_id'], ['meter.id'], name=op.f('fk_meter_replacement_old_meter_id_meter')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_meter_replacement_point_id_metering_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meter_replacement'))
    )
    with op.batch_alter_table('meter_replacement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meter_replacement_point_id'), ['point_id'], unique=False)

    op.create_table('meter_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('meter_id', sa.Integer(), nullable=True),
    sa.Column('replacement_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['meter_id'], ['meter.id'], name=op.f('fk_meter_photo_meter_id_meter')),
    sa.ForeignKeyConstraint(['point_id'], ['metering_point.id'], name=op.f('fk_meter_photo_point_id_metering_point')),
    sa.ForeignKeyConstraint(['replacement_id'], ['meter_replacement.id'], name=op.f('fk_meter_photo_replacement_id_meter_replacement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meter_photo'))
    )
    with op.batch_alter_table('meter_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meter_photo_point_id'), ['point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meter_photo_replacement_id'), ['replacement_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('meter_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meter_photo_replacement_id'))
        batch_op.drop_index(batch_op.f('ix_meter_photo_point_id'))

    op.drop_table('meter_photo')
    with op.batch_alter_table('meter_replacement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meter_replacement_point_id'))

    op.drop_table('meter_replacement')
    with op.batch_alter_table('field_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_record_reading_id'))

    op.drop_table('field_record')
    with op.batch_alter_table('reading', schema=None) as batch_op:
        batch_op.drop_index('ix_reading_point_date')
        batch_op.drop_index('ix_reading_period_point')
        batch_op.drop_index(batch_op.f('ix_reading_meter_id'))

    op.drop_table('reading')
    op.drop_table('reading_settings')
    with op.batch_alter_table('billing_period', schema=None) as batch_op:
        batch_op.drop_index('uq_billing_period_one_open', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.drop_table('billing_period')
