"""The Alembic revisions build exactly the schema the models describe, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from office_app.db import Database, SchemaState, schema_status
from office_app.models import Base


def test_migrated_schema_matches_the_models(db: Database) -> None:
    assert schema_status(db).state is SchemaState.CURRENT
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    # Indexes the migrations add by hand for search (trigram, prefix) are not in the models.
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name.startswith(
        ("ix_customer_search", "ix_customer_code_prefix", "ix_customer_personal_number_prefix",
         "ix_customer_tax_number_prefix", "ix_customer_billing_number_prefix",
         "ix_meter_number_prefix", "ix_metering_point_number_prefix")))]
    assert diff == []
