"""retention: a case attachment may be erased (never changed or deleted) once its case is archived

Revision ID: 0041
Revises: 0010
Create Date: 2026-11-28 07:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0041'
down_revision = '0010'
branch_labels = None
depends_on = None

#: The one change a case attachment allows after it was stored (004 §25): its file is erased
#: (name, content and size emptied, the day recorded) once the case itself is archived.
ERASABLE = ("length(NEW.content) = 0 AND NEW.size = 0 AND NEW.file_name = '' "
            "AND NEW.erased_on IS NOT NULL AND OLD.erased_on IS NULL "
            "AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id "
            "AND NEW.media_type = OLD.media_type AND NEW.created_at = OLD.created_at "
            "AND EXISTS (SELECT 1 FROM legal_case c WHERE c.id = NEW.case_id "
            "AND c.archived_on IS NOT NULL)")


def upgrade() -> None:
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_on', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # office_app.privileges.apply puts the erasure trigger in their place.
        op.execute("DROP TRIGGER IF EXISTS case_attachment_append_only ON case_attachment")
        return
    op.execute("DROP TRIGGER IF EXISTS case_attachment_no_update")
    op.execute("CREATE TRIGGER case_attachment_erase_only BEFORE UPDATE ON case_attachment "
               f"WHEN NOT ({ERASABLE}) BEGIN SELECT RAISE(ABORT, 'a case attachment is only "
               "erased, once its case is archived: UPDATE on case_attachment refused'); END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER IF EXISTS case_attachment_erasure ON case_attachment")
    else:
        op.execute("DROP TRIGGER IF EXISTS case_attachment_erase_only")
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.drop_column('erased_on')
    if postgresql:
        return      # office_app.privileges.apply puts the append-only trigger back
    # Dropping a column rebuilds the SQLite table, and its triggers with it.
    for action in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS case_attachment_no_{action.lower()}")
        op.execute(f"CREATE TRIGGER case_attachment_no_{action.lower()} BEFORE {action} ON "
                   f"case_attachment BEGIN SELECT RAISE(ABORT, 'posted records are "
                   f"append-only: {action} on case_attachment refused'); END")
