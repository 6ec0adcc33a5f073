"""PostgreSQL is the security boundary: roles, the grant map, and the functions and triggers that
make the database itself refuse what a role may not do.

PostgreSQL roles are global to a server, so every name carries the database's key (see
``role_key``): ``<key>_owner`` owns the schema and never logs in; ``<key>_admin`` …
``<key>_auditor`` are the group roles of the office roles; ``<key>_u_<login>`` is the login role
of an office user (password = the user's password, SCRAM-SHA-256); ``<key>_gate`` may only count
log-in attempts before a person's own connection is made. ``office-app db upgrade`` runs the
migrations as the owner and then ``apply`` (idempotent), so the grants below are the whole truth.

SQLite has none of this: there the operating-system account is the boundary.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from office_app.services.permissions import ROLE_PERMISSIONS, Permission, Role

#: Longest key: with ``_u_`` and a 40-character login, a login role stays within 63 bytes.
KEY_LENGTH = 20
#: Columns that record who did something; on PostgreSQL a trigger sets them from the session.
STAMP_COLUMNS = ("created_by", "updated_by", "closed_by", "started_by", "printed_by",
                 "operator_code")
#: The value ``app_user.password_hash`` holds on PostgreSQL: the server keeps the secret.
SERVER_PASSWORD = "!postgresql"


def role_key(database: str) -> str:
    """The database's key in role names: the name itself when it is short and plain, else a
    cut of it and a hash of the whole (so two long names never share a key)."""
    plain = re.sub(r"[^a-z0-9_]", "_", database.lower())
    if plain == database and len(plain) <= KEY_LENGTH and plain[:1].isalpha():
        return plain
    digest = hashlib.sha1(database.encode()).hexdigest()[:6]
    return f"o{plain[:KEY_LENGTH - 8]}_{digest}"


@dataclass(frozen=True)
class RoleNames:
    key: str

    @property
    def owner(self) -> str:
        return f"{self.key}_owner"

    @property
    def gate(self) -> str:
        return f"{self.key}_gate"

    @property
    def login_prefix(self) -> str:
        return f"{self.key}_u_"

    def group(self, role: Role | str) -> str:
        return f"{self.key}_{Role(role).value}"

    def login(self, login: str) -> str:
        return f"{self.login_prefix}{login}"

    @property
    def groups(self) -> list[str]:
        return [self.group(r) for r in Role]

    @property
    def gate_password(self) -> str:
        """Not a secret: the gate may only count attempts (docs/server.md says why)."""
        return f"gate-{self.key}"


def names_for(database: str) -> RoleNames:
    return RoleNames(role_key(database))


# --- the grant map ----------------------------------------------------------------------------

#: Every office role may read (all of them hold VIEW_CUSTOMERS); used where everyone may write.
EVERYONE = Permission.VIEW_CUSTOMERS


@dataclass(frozen=True)
class TableGrant:
    """What the office roles may do to one table, by the permissions that allow it.

    Every group reads every column except ``hidden``. ``update_columns`` empty means every
    column but the key; ``append_only`` tables are never updated, deleted or truncated."""

    insert: tuple[Permission, ...] = ()
    update: tuple[Permission, ...] = ()
    update_columns: tuple[str, ...] = ()
    delete: tuple[Permission, ...] = ()
    hidden: tuple[str, ...] = ()
    append_only: bool = False
    #: Columns every office role may update (e.g. a user's own UI language).
    update_by_all: tuple[str, ...] = ()
    #: When set, only the roles holding one of these may read the table at all.
    select: tuple[Permission, ...] = ()
    #: Column-level UPDATE for roles that may change only these columns (permission, columns).
    update_also: tuple[tuple[Permission, tuple[str, ...]], ...] = ()


P = Permission
_REGISTER = (P.EDIT_CUSTOMERS, P.KEY_READINGS)
_RATES = dict(insert=(P.MANAGE_TARIFFS,), update=(P.MANAGE_TARIFFS,),
              update_columns=("valid_to", "closed_at", "closed_by"))

#: The one place that says who may write what. A new table needs an entry here (the test
#: tests/integration/test_privileges.py::test_every_table_has_a_grant_entry names it).
GRANTS: dict[str, TableGrant] = {
    "alembic_version": TableGrant(),
    "office": TableGrant(insert=(P.MANAGE_USERS,), update=(P.MANAGE_USERS,)),
    "app_user": TableGrant(
        insert=(P.MANAGE_USERS,), update=(P.MANAGE_USERS,),
        update_columns=("code", "full_name", "role", "active", "password_hash",
                        "failed_attempts", "locked_until", "language"),
        hidden=("password_hash",), update_by_all=("language",)),
    "audit_entry": TableGrant(insert=(EVERYONE,), append_only=True),
    "counter": TableGrant(),  # numbers are taken through office_take_numbers()
    "customer": TableGrant(
        insert=(P.EDIT_CUSTOMERS,),
        update=(P.EDIT_CUSTOMERS, P.SET_CUSTOMER_STATUS, P.COLLECT_DEBT),
        # the legal office sets and clears T (a case opened or closed), nothing else
        update_also=((P.MANAGE_LEGAL, ("status", "status_date", "updated_at", "updated_by")),),
        update_columns=("kind", "category", "surname", "given_name", "name", "personal_number",
                        "billing_number", "tax_number", "bank_account", "address", "place",
                        "postal_code", "billing_address", "billing_place", "phone", "email",
                        "language", "socially_vulnerable", "household_members",
                        "payment_arrangement", "contract_signed", "contract_effective",
                        "registered_on", "status", "status_date", "search_key", "updated_at",
                        "updated_by")),
    "customer_status_change": TableGrant(insert=(P.EDIT_CUSTOMERS, P.SET_CUSTOMER_STATUS,
                                                 P.MANAGE_LEGAL, P.COLLECT_DEBT),
                                         append_only=True),
    "office_closed_day": TableGrant(insert=(P.MANAGE_PERIODS,), delete=(P.MANAGE_PERIODS,)),
    "zone": TableGrant(insert=(P.EDIT_NETWORK,), update=(P.EDIT_NETWORK,)),
    "meter_reader": TableGrant(insert=(P.EDIT_NETWORK,), update=(P.EDIT_NETWORK,)),
    "metering_point": TableGrant(insert=_REGISTER, update=_REGISTER),
    "meter": TableGrant(insert=_REGISTER, update=_REGISTER),
    "meter_installation": TableGrant(insert=_REGISTER, update=_REGISTER),
    "point_holding": TableGrant(insert=_REGISTER, update=_REGISTER),
    "billing_period": TableGrant(insert=(P.MANAGE_PERIODS,), update=(P.MANAGE_PERIODS,)),
    "reading_settings": TableGrant(insert=(P.MANAGE_PERIODS,), update=(P.MANAGE_PERIODS,)),
    "reading": TableGrant(insert=(P.KEY_READINGS,), update=(P.KEY_READINGS,),
                          delete=(P.KEY_READINGS,)),
    "field_record": TableGrant(insert=(P.KEY_READINGS,), update=(P.KEY_READINGS,)),
    "meter_replacement": TableGrant(insert=(P.KEY_READINGS,), update=(P.KEY_READINGS,)),
    "meter_photo": TableGrant(insert=(P.KEY_READINGS,)),
    "tariff": TableGrant(**_RATES),  # type: ignore[arg-type]
    "vat_rate": TableGrant(**_RATES),  # type: ignore[arg-type]
    "interest_rate": TableGrant(**_RATES),  # type: ignore[arg-type]
    "point_billing_profile": TableGrant(insert=(P.MANAGE_TARIFFS,), update=(P.MANAGE_TARIFFS,)),
    "other_charge": TableGrant(insert=(P.CORRECT_INVOICES, P.COLLECT_DEBT)),
    "billing_run": TableGrant(insert=(P.RUN_BILLING,), update=(P.RUN_BILLING,)),
    "billing_hold": TableGrant(insert=(P.RUN_BILLING,), delete=(P.RUN_BILLING,)),
    "invoice": TableGrant(insert=(P.RUN_BILLING,), append_only=True),
    "invoice_line": TableGrant(insert=(P.RUN_BILLING,), append_only=True),
    "invoice_print": TableGrant(insert=(P.PRINT_INVOICES,), append_only=True),
    "correction_note": TableGrant(insert=(P.CORRECT_INVOICES,), append_only=True),
    "ledger_entry": TableGrant(insert=(P.RUN_BILLING, P.POST_PAYMENTS, P.CORRECT_INVOICES,
                                       P.MANAGE_LEGAL),
                               append_only=True),
    "interest_charge": TableGrant(insert=(P.RUN_BILLING,), append_only=True),
    "billed_interval": TableGrant(insert=(P.RUN_BILLING,), append_only=True),
    "posting_seal": TableGrant(insert=(P.RUN_BILLING, P.POST_PAYMENTS, P.CORRECT_INVOICES),
                               append_only=True),
    # The litigation register: legal office and supervisors only, reading included.
    "legal_case": TableGrant(insert=(P.MANAGE_LEGAL,), update=(P.MANAGE_LEGAL,),
                             update_columns=("stage", "outcome", "closed_on", "archived_on",
                                             "updated_at", "updated_by"),
                             select=(P.MANAGE_LEGAL,)),
    "case_event": TableGrant(insert=(P.MANAGE_LEGAL,), update=(P.MANAGE_LEGAL,),
                             update_columns=("done_on", "note"), select=(P.MANAGE_LEGAL,)),
    # Posted, except that an archived case's files are erased (trigger office_erase_only).
    "case_attachment": TableGrant(insert=(P.MANAGE_LEGAL,), update=(P.MANAGE_LEGAL,),
                                  update_columns=("file_name", "size", "content", "erased_on"),
                                  select=(P.MANAGE_LEGAL,)),
    # The complaint book: customer care (clerks) and supervisors.
    "complaint": TableGrant(insert=(P.MANAGE_COMPLAINTS,), update=(P.MANAGE_COMPLAINTS,),
                            update_columns=("decision", "reason", "answered_on",
                                            "correction_note_id", "description",
                                            "archived_on", "updated_at", "updated_by"),
                            select=(P.MANAGE_COMPLAINTS,)),
    "complaint_invoice": TableGrant(insert=(P.MANAGE_COMPLAINTS,), append_only=True,
                                    select=(P.MANAGE_COMPLAINTS,)),
    # collection of debt (services/collection): posted parts INSERT-only, registers by column
    "dunning_run": TableGrant(insert=(P.COLLECT_DEBT,), update=(P.COLLECT_DEBT,),
                              update_columns=("status", "heartbeat_at", "finished_at",
                                              "points_total", "documents_made")),
    "debt_warning": TableGrant(insert=(P.COLLECT_DEBT,), update=(P.COLLECT_DEBT,),
                               update_columns=("delivery", "delivered_on", "outcome",
                                               "updated_at", "updated_by")),
    "debt_warning_item": TableGrant(insert=(P.COLLECT_DEBT,), append_only=True),
    "disconnection_order": TableGrant(insert=(P.COLLECT_DEBT,), update=(P.COLLECT_DEBT,),
                                      update_columns=("status", "cancel_reason", "updated_at",
                                                      "updated_by")),
    "disconnection_record": TableGrant(insert=(P.COLLECT_DEBT,), append_only=True),
    # installment plans: set up by supervisors (they re-date debt), broken or completed by
    # the plan check; the schedule and what it covered are posted records
    "installment_plan": TableGrant(insert=(P.CORRECT_INVOICES,),
                                   update=(P.CORRECT_INVOICES, P.RUN_BILLING),
                                   update_columns=("status", "completed_on", "broken_on")),
    "plan_covered_item": TableGrant(insert=(P.CORRECT_INVOICES,), append_only=True),
    "plan_installment": TableGrant(insert=(P.CORRECT_INVOICES,), append_only=True),
    "bank_statement": TableGrant(insert=(P.POST_PAYMENTS,), append_only=True),
    "bank_statement_line": TableGrant(insert=(P.POST_PAYMENTS,), append_only=True),
    "bank_statement_posting": TableGrant(insert=(P.POST_PAYMENTS,), append_only=True),
    "cash_session": TableGrant(
        insert=(P.POST_PAYMENTS,), update=(P.POST_PAYMENTS, P.SUPERVISE_CASH),
        update_columns=("closed_at", "closed_by", "counted_cash", "counted_card",
                        "system_cash", "system_card", "difference", "close_note")),
    "cash_receipt": TableGrant(insert=(P.POST_PAYMENTS,), append_only=True),
    "cash_receipt_line": TableGrant(insert=(P.POST_PAYMENTS,), append_only=True),
    "cash_receipt_print": TableGrant(insert=(P.SUPERVISE_CASH,), append_only=True),
}


def roles_with(permissions: Iterable[Permission]) -> list[Role]:
    wanted = set(permissions)
    return [r for r in Role if wanted & ROLE_PERMISSIONS[r]]


def missing_entries(tables: Iterable[str]) -> list[str]:
    """Tables of the database without an entry in GRANTS, each with the line to add."""
    return [f'{t!r}: TableGrant(insert=(...), update=(...)),  # in office_app/privileges.py'
            for t in sorted(tables) if t not in GRANTS]


# --- SQL --------------------------------------------------------------------------------------

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _exists(conn: Connection, role: str) -> bool:
    return bool(conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}))


def prepare(conn: Connection, names: RoleNames) -> None:
    """Before the migrations: the owner role exists, owns what is already there, and the
    connection acts as it. Run by the IT service's superuser (or a CREATEROLE member of the
    owner) — never by a desk."""
    superuser = conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if not _exists(conn, names.owner):
        conn.execute(text(f"CREATE ROLE {_q(names.owner)} NOLOGIN CREATEROLE"))
        if not superuser:
            conn.execute(text(f"GRANT {_q(names.owner)} TO CURRENT_USER"))
    if superuser:
        conn.execute(text(f"GRANT pg_signal_backend TO {_q(names.owner)}"))
        conn.execute(text(f"GRANT CREATE, USAGE ON SCHEMA public TO {_q(names.owner)}"))
        database = conn.scalar(text("SELECT current_database()"))
        # trusted extensions (pg_trgm for search) need CREATE on the database
        conn.execute(text(f"GRANT CREATE ON DATABASE {_q(database)} TO {_q(names.owner)}"))
        _reassign(conn, names.owner)
    # LOCAL: the role ends with the upgrade's transaction, whatever happens.
    conn.execute(text(f"SET LOCAL ROLE {_q(names.owner)}"))


def _reassign(conn: Connection, owner: str) -> None:
    """Tables, sequences and functions made before the owner existed move to it."""
    rows = conn.execute(text("""
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v', 'p')
          AND pg_get_userbyid(c.relowner) <> :owner
          AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))"""),
        {"owner": owner}).all()
    for name, kind in rows:
        what = "SEQUENCE" if kind == "S" else "TABLE"
        conn.execute(text(f"ALTER {what} {_q(name)} OWNER TO {_q(owner)}"))
    for (signature,) in conn.execute(text("""
            SELECT p.oid::regprocedure::text FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :owner"""),
            {"owner": owner}):
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {_q(owner)}"))


def apply(conn: Connection, names: RoleNames) -> None:
    """After the migrations, acting as the owner: roles, functions, triggers and grants."""
    # Made by the owner, so it may grant and revoke them (PostgreSQL 16: ADMIN OPTION).
    for group in names.groups:
        if not _exists(conn, group):
            conn.execute(text(f"CREATE ROLE {_q(group)} NOLOGIN"))
    if not _exists(conn, names.gate):
        conn.execute(text(f"CREATE ROLE {_q(names.gate)} NOLOGIN"))
    conn.execute(text(f"ALTER ROLE {_q(names.gate)} LOGIN PASSWORD {_lit(names.gate_password)}"))
    if conn.scalar(text("SELECT pg_get_userbyid(datdba) = current_user FROM pg_database "
                        "WHERE datname = current_database()")):
        database_grants(conn, names)
    for statement in _functions(names):
        conn.execute(text(statement))
    tables = [t for (t,) in conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))]
    for table in tables:
        _grant_table(conn, names, table)
        _triggers(conn, table)
    _grant_routines(conn, names)
    if "app_user" in tables:  # users from before this upgrade get their login roles now
        conn.execute(text("UPDATE app_user SET role = role WHERE NOT EXISTS (SELECT 1 FROM "
                          "pg_roles WHERE rolname = :prefix || login)"),
                     {"prefix": names.login_prefix})


def _grant_table(conn: Connection, names: RoleNames, table: str) -> None:
    grant = GRANTS.get(table, TableGrant(hidden=("*",)))
    everyone = ", ".join(_q(g) for g in names.groups)
    conn.execute(text(f"REVOKE ALL ON {_q(table)} FROM PUBLIC, {everyone}, {_q(names.gate)}"))
    columns = _columns(conn, table)
    readable = [c for c in columns if c not in grant.hidden and "*" not in grant.hidden]
    readers = (", ".join(_q(names.group(r)) for r in roles_with(grant.select))
               if grant.select else everyone)
    if readable:
        conn.execute(text(f"GRANT SELECT ({', '.join(map(_q, readable))}) ON {_q(table)} "
                          f"TO {readers}"))
    if table == "alembic_version":  # a desk checks the schema's revision before a log-in
        conn.execute(text(f"GRANT SELECT ON {_q(table)} TO {_q(names.gate)}"))
    if grant.append_only and (grant.update or grant.delete):
        raise ValueError(f"{table} is append-only: it cannot be granted UPDATE or DELETE")
    for privilege, permissions, cols in (
            ("INSERT", grant.insert, ()),
            ("UPDATE", grant.update, grant.update_columns or [c for c in columns if c != "id"]),
            ("DELETE", grant.delete, ())):
        roles = roles_with(permissions)
        if not roles:
            continue
        column_list = f" ({', '.join(map(_q, cols))})" if cols else ""
        to = ", ".join(_q(names.group(r)) for r in roles)
        conn.execute(text(f"GRANT {privilege}{column_list} ON {_q(table)} TO {to}"))
    for permission, cols in grant.update_also:
        roles = roles_with([permission])
        conn.execute(text(f"GRANT UPDATE ({', '.join(map(_q, cols))}) ON {_q(table)} TO "
                          + ", ".join(_q(names.group(r)) for r in roles)))
    if grant.update_by_all:
        conn.execute(text(f"GRANT UPDATE ({', '.join(map(_q, grant.update_by_all))}) "
                          f"ON {_q(table)} TO {everyone}"))


def _columns(conn: Connection, table: str) -> list[str]:
    return [c for (c,) in conn.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = :t ORDER BY ordinal_position"), {"t": table})]


def _triggers(conn: Connection, table: str) -> None:
    grant = GRANTS.get(table)
    if grant is not None and grant.append_only:
        conn.execute(text(
            f"CREATE OR REPLACE TRIGGER {_q(table + '_append_only')} BEFORE UPDATE OR DELETE "
            f"ON {_q(table)} FOR EACH ROW EXECUTE FUNCTION refuse_posted_change()"))
        conn.execute(text(
            f"CREATE OR REPLACE TRIGGER {_q(table + '_no_truncate')} BEFORE TRUNCATE "
            f"ON {_q(table)} FOR EACH STATEMENT EXECUTE FUNCTION refuse_posted_change()"))
    stamped = [c for c in _columns(conn, table) if c in STAMP_COLUMNS]
    if stamped:
        args = ", ".join(_lit(c) for c in stamped)
        conn.execute(text(
            f"CREATE OR REPLACE TRIGGER {_q(table + '_operator')} BEFORE INSERT OR UPDATE "
            f"ON {_q(table)} FOR EACH ROW EXECUTE FUNCTION office_stamp_operator({args})"))
    if table == "ledger_entry":
        conn.execute(text(
            "CREATE OR REPLACE TRIGGER ledger_entry_legal_postings BEFORE INSERT ON ledger_entry "
            "FOR EACH ROW EXECUTE FUNCTION office_legal_postings()"))
    if table == "case_attachment":
        conn.execute(text(
            "CREATE OR REPLACE TRIGGER case_attachment_erasure BEFORE UPDATE OR DELETE "
            "ON case_attachment FOR EACH ROW EXECUTE FUNCTION office_attachment_erasure()"))
        conn.execute(text(
            "CREATE OR REPLACE TRIGGER case_attachment_no_truncate BEFORE TRUNCATE "
            "ON case_attachment FOR EACH STATEMENT EXECUTE FUNCTION refuse_posted_change()"))
    if table == "cash_session":
        conn.execute(text(
            "CREATE OR REPLACE TRIGGER cash_session_guard BEFORE UPDATE ON cash_session "
            "FOR EACH ROW EXECUTE FUNCTION office_cash_session_guard()"))
    if table == "app_user":
        conn.execute(text(
            "CREATE OR REPLACE TRIGGER app_user_login_role BEFORE INSERT OR UPDATE ON app_user "
            "FOR EACH ROW EXECUTE FUNCTION office_user_sync()"))


#: Functions and who may call them (``None``: only triggers and the owner).
ROUTINES: dict[str, str | None] = {
    "office_role_key()": None,
    "office_session_operator()": "groups",
    "office_stamp_operator()": None,
    "office_user_sync()": None,
    "refuse_posted_change()": None,
    "office_cash_session_guard()": None,
    "office_open_disputes(integer, date)": "groups",
    "office_legal_postings()": None,
    "office_attachment_erasure()": None,
    "office_take_numbers(text, integer)": "groups",
    "office_lock_posted()": "groups",
    "office_login_begin(text)": "gate",
    "office_login_failed(text)": "gate",
    "office_login_succeeded()": "groups",
}


def _grant_routines(conn: Connection, names: RoleNames) -> None:
    everyone = ", ".join(_q(g) for g in names.groups)
    for signature, who in ROUTINES.items():
        conn.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC, {everyone}, "
                          f"{_q(names.gate)}"))
        if who is not None:
            to = everyone if who == "groups" else _q(names.gate)
            conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {to}"))
    conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {everyone}"))


def database_grants(conn: Connection, names: RoleNames) -> None:
    """Only the office's roles may connect (roles of other office databases on the same
    server may not). Run by the database's owner or a superuser."""
    everyone = ", ".join(_q(g) for g in names.groups)
    database = _q(conn.scalar(text("SELECT current_database()")))
    conn.execute(text(f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC"))
    conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {everyone}, {_q(names.gate)}"))


def finish(conn: Connection, names: RoleNames) -> None:
    """After ``apply``: back to the IT service's own role; a superuser also sets who may
    connect when the database belongs to someone other than the owner role."""
    conn.execute(text("RESET ROLE"))
    if conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        database_grants(conn, names)


_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"
#: When an update of a case attachment is its erasure (the migration 0041 says the same to
#: SQLite).
_ERASABLE = ("length(NEW.content) = 0 AND NEW.size = 0 AND NEW.file_name = '' "
             "AND NEW.erased_on IS NOT NULL AND OLD.erased_on IS NULL "
             "AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id "
             "AND NEW.media_type = OLD.media_type AND NEW.created_at = OLD.created_at "
             "AND EXISTS (SELECT 1 FROM legal_case c WHERE c.id = NEW.case_id "
             "AND c.archived_on IS NOT NULL)")


def _functions(names: RoleNames) -> list[str]:
    groups = "ARRAY[" + ", ".join(_lit(g) for g in names.groups) + "]"
    supervisors = "ARRAY[" + ", ".join(
        _lit(r.value) for r in roles_with([Permission.SUPERVISE_CASH])) + "]::text[]"
    return [
        # The counter's view of the complaint book (003 III.1g): only the disputed amounts of
        # a customer's open complaints and the invoices they concern, for every office role
        # (the book itself is read by customer care only).
        f"""CREATE OR REPLACE FUNCTION office_open_disputes(p_customer integer, p_on date)
            RETURNS TABLE (complaint_id integer, disputed_amount numeric, invoice_id integer,
                           total numeric)
            LANGUAGE sql STABLE {_DEFINER} AS $$
            SELECT c.id, c.disputed_amount, i.id, i.total
              FROM complaint c
              JOIN complaint_invoice ci ON ci.complaint_id = c.id
              JOIN invoice i ON i.id = ci.invoice_id
             WHERE c.customer_id = p_customer AND c.received_on <= p_on
               AND (c.answered_on IS NULL OR c.answered_on > p_on) AND c.disputed_amount > 0
             ORDER BY c.id, i.issue_date, i.id $$""",
        # A drawer is closed once, by its own cashier, or (forgotten open) by a supervisor:
        # the row level of the services' check, so a cashier's own login cannot close or
        # change another cashier's drawer, nor change a closed one.
        f"""CREATE OR REPLACE FUNCTION office_cash_session_guard() RETURNS trigger
            LANGUAGE plpgsql {_DEFINER} AS $$
        DECLARE
            prefix CONSTANT text := {_lit(names.login_prefix)};
            code text := office_session_operator();
            user_role text;
        BEGIN
            IF code IS NULL THEN
                RETURN NEW;
            END IF;
            IF OLD.closed_at IS NOT NULL THEN
                RAISE EXCEPTION 'drawer % is closed; it is never changed again', OLD.id
                      USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF OLD.created_by IS DISTINCT FROM code THEN
                SELECT role INTO user_role FROM app_user
                 WHERE login = substr(session_user::text, length(prefix) + 1);
                IF user_role IS NULL OR NOT user_role = ANY ({supervisors}) THEN
                    RAISE EXCEPTION 'drawer % is cashier %''s: only a supervisor closes it',
                          OLD.id, OLD.created_by USING ERRCODE = 'insufficient_privilege';
                END IF;
            END IF;
            RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION office_role_key() RETURNS text LANGUAGE sql IMMUTABLE
            AS $$ SELECT {_lit(names.key)}::text $$""",
        # The office user of this session (session_user: SET ROLE cannot change it); NULL for
        # the IT service's own connections, which are trusted to name their operator.
        f"""CREATE OR REPLACE FUNCTION office_session_operator() RETURNS text LANGUAGE plpgsql
            STABLE {_DEFINER} AS $$
        DECLARE
            prefix CONSTANT text := {_lit(names.login_prefix)};
            found_code text;
            is_active boolean;
        BEGIN
            IF left(session_user::text, length(prefix)) <> prefix THEN
                RETURN NULL;
            END IF;
            SELECT code, active INTO found_code, is_active FROM app_user
             WHERE login = substr(session_user::text, length(prefix) + 1);
            IF found_code IS NULL OR NOT is_active THEN
                RAISE EXCEPTION 'the account % is disabled', session_user
                      USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN found_code;
        END $$""",
        """CREATE OR REPLACE FUNCTION office_stamp_operator() RETURNS trigger LANGUAGE plpgsql
            SET search_path = public, pg_temp AS $$
        DECLARE
            code text := office_session_operator();
            col text;
            patch jsonb := '{}';
            new_row jsonb := to_jsonb(NEW);
        BEGIN
            IF code IS NULL THEN
                RETURN NEW;
            END IF;
            FOREACH col IN ARRAY TG_ARGV LOOP
                IF TG_OP = 'INSERT' THEN
                    IF new_row -> col <> 'null'::jsonb THEN
                        patch := patch || jsonb_build_object(col, code);
                    END IF;
                ELSIF col = 'created_by' THEN
                    patch := patch || jsonb_build_object(col, to_jsonb(OLD) -> col);
                ELSIF col = 'updated_by' OR (new_row -> col IS DISTINCT FROM to_jsonb(OLD) -> col
                                              AND new_row -> col <> 'null'::jsonb) THEN
                    patch := patch || jsonb_build_object(col, code);
                END IF;
            END LOOP;
            RETURN jsonb_populate_record(NEW, patch);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION office_user_sync() RETURNS trigger LANGUAGE plpgsql
            {_DEFINER} AS $$
        DECLARE
            member text := {_lit(names.login_prefix)} || NEW.login;
            wanted text := {_lit(names.key + '_')} || NEW.role;
            g text;
            may_log_in boolean := NEW.active
                AND (NEW.locked_until IS NULL OR NEW.locked_until <= now());
            could_log_in boolean;
        BEGIN
            IF NOT wanted = ANY({groups}) THEN
                RAISE EXCEPTION 'unknown office role %', NEW.role USING ERRCODE = 'check_violation';
            END IF;
            IF TG_OP = 'UPDATE' THEN
                IF NEW.login <> OLD.login THEN
                    RAISE EXCEPTION 'a login cannot be renamed' USING ERRCODE = 'check_violation';
                END IF;
                IF OLD.role = 'admin' AND OLD.active AND NOT (NEW.role = 'admin' AND NEW.active)
                   AND NOT EXISTS (SELECT 1 FROM app_user
                                   WHERE role = 'admin' AND active AND id <> OLD.id) THEN
                    RAISE EXCEPTION 'the last active administrator cannot be disabled or demoted'
                          USING ERRCODE = 'check_violation';
                END IF;
            END IF;
            SELECT rolcanlogin INTO could_log_in FROM pg_roles WHERE rolname = member;
            IF NOT FOUND THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN', member);
                could_log_in := false;
            END IF;
            IF TG_OP = 'INSERT' OR NEW.role <> OLD.role
               OR NOT pg_has_role(member, wanted, 'MEMBER') THEN
                FOREACH g IN ARRAY {groups} LOOP
                    IF g <> wanted AND pg_has_role(member, g, 'MEMBER') THEN
                        EXECUTE format('REVOKE %I FROM %I', g, member);
                    END IF;
                END LOOP;
                EXECUTE format('GRANT %I TO %I', wanted, member);
            END IF;
            IF NEW.password_hash LIKE 'SCRAM-SHA-256$%' THEN
                EXECUTE format('ALTER ROLE %I PASSWORD %L', member, NEW.password_hash);
                NEW.password_hash := {_lit(SERVER_PASSWORD)};
            ELSIF NEW.password_hash <> {_lit(SERVER_PASSWORD)} THEN
                -- an Argon2 hash from before the upgrade: the server cannot use it
                NEW.password_hash := {_lit(SERVER_PASSWORD)};
            END IF;
            IF may_log_in IS DISTINCT FROM could_log_in THEN
                EXECUTE format('ALTER ROLE %I %s', member,
                               CASE WHEN may_log_in THEN 'LOGIN' ELSE 'NOLOGIN' END);
            END IF;
            IF NOT NEW.active THEN
                PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE usename = member AND pid <> pg_backend_pid();
            END IF;
            RETURN NEW;
        END $$""",
        # The legal office may post to the card only court costs and write-offs.
        f"""CREATE OR REPLACE FUNCTION office_legal_postings() RETURNS trigger LANGUAGE plpgsql
            SET search_path = public, pg_temp AS $$
        BEGIN
            IF left(session_user::text, length({_lit(names.login_prefix)}))
                   = {_lit(names.login_prefix)}
               AND pg_has_role(session_user, {_lit(names.group(Role.LEGAL))}, 'MEMBER')
               AND NOT coalesce(NEW.document_type IN ('court_costs', 'write_off'), false) THEN
                RAISE EXCEPTION 'the legal office posts only court costs and write-offs'
                      USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
        # A case attachment is posted: the one change allowed is erasing it with its archived
        # case (retention, 004 §25). Same condition as SQLite's trigger (migration 0041).
        f"""CREATE OR REPLACE FUNCTION office_attachment_erasure() RETURNS trigger
            LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND {_ERASABLE} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'a case attachment is only erased, once its case is archived: '
                            '% on case_attachment refused', TG_OP
                  USING ERRCODE = 'insufficient_privilege';
        END $$""",
        # Numbers are taken only forward, by the counter's owner: no role may set a counter.
        f"""CREATE OR REPLACE FUNCTION office_take_numbers(p_series text, p_count integer)
            RETURNS integer LANGUAGE plpgsql {_DEFINER} AS $$
        DECLARE last integer;
        BEGIN
            IF p_count < 1 THEN
                RAISE EXCEPTION 'a count of numbers must be positive';
            END IF;
            INSERT INTO counter (series, last_number) VALUES (p_series, 0)
                ON CONFLICT (series) DO NOTHING;
            UPDATE counter SET last_number = last_number + p_count WHERE series = p_series
                RETURNING last_number INTO last;
            RETURN last;
        END $$""",
        # Sealing posted documents must see every committed posting and none in flight: a
        # SHARE lock on the posted tables, which only their owner may take (roles cannot
        # UPDATE, DELETE or TRUNCATE them). Held until the caller's transaction ends.
        f"""CREATE OR REPLACE FUNCTION office_lock_posted() RETURNS void
            LANGUAGE plpgsql {_DEFINER} AS $$
        BEGIN
            LOCK TABLE invoice, invoice_line, correction_note, ledger_entry, interest_charge,
                billed_interval IN SHARE MODE;
        END $$""",
        # Claimed before the password is checked, under a row lock: parallel guessers get at
        # most MAX_FAILED_ATTEMPTS checks. Returns the end of a lock, or NULL to go ahead.
        f"""CREATE OR REPLACE FUNCTION office_login_begin(p_login text) RETURNS timestamptz
            LANGUAGE plpgsql {_DEFINER} AS $$
        DECLARE
            user_id integer;
            attempts integer;
            until timestamptz;
        BEGIN
            SELECT id, failed_attempts, locked_until INTO user_id, attempts, until
              FROM app_user WHERE login = lower(p_login) FOR UPDATE;
            IF user_id IS NULL THEN
                RETURN NULL;
            END IF;
            IF until > now() THEN
                RETURN until;
            END IF;
            IF until IS NOT NULL THEN
                attempts := 0;
            END IF;
            IF attempts >= 5 THEN
                UPDATE app_user SET failed_attempts = 0,
                       locked_until = now() + interval '15 minutes'
                 WHERE id = user_id RETURNING locked_until INTO until;
                RETURN until;
            END IF;
            UPDATE app_user SET failed_attempts = attempts + 1, locked_until = NULL
             WHERE id = user_id;
            RETURN NULL;
        END $$""",
        # After a refused password: lock at once when the attempts are used up.
        f"""CREATE OR REPLACE FUNCTION office_login_failed(p_login text) RETURNS timestamptz
            LANGUAGE plpgsql {_DEFINER} AS $$
        DECLARE until timestamptz;
        BEGIN
            UPDATE app_user SET failed_attempts = 0,
                   locked_until = now() + interval '15 minutes'
             WHERE login = lower(p_login) AND failed_attempts >= 5
               AND (locked_until IS NULL OR locked_until <= now())
            RETURNING locked_until INTO until;
            RETURN until;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION office_login_succeeded() RETURNS void LANGUAGE plpgsql
            {_DEFINER} AS $$
        BEGIN
            UPDATE app_user SET failed_attempts = 0, locked_until = NULL
             WHERE login = substr(session_user::text, length({_lit(names.login_prefix)}) + 1)
               AND left(session_user::text, length({_lit(names.login_prefix)}))
                   = {_lit(names.login_prefix)}
               AND (failed_attempts <> 0 OR locked_until IS NOT NULL);
        END $$""",
    ]


def drop_roles(conn: Connection, names: RoleNames) -> None:
    """Remove every role of one key (after its database is dropped): logins, gate, groups,
    owner. Used by the test suite and when an office database is retired."""
    rows = conn.execute(text("SELECT rolname FROM pg_roles WHERE left(rolname, length(:p)) = :p"),
                        {"p": names.login_prefix}).all()
    for role in [r for (r,) in rows] + [names.gate, *names.groups, names.owner]:
        conn.execute(text(f"DROP ROLE IF EXISTS {_q(role)}"))
