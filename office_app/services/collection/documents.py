"""The printed warnings and orders (PDF), from the registers."""
from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from pypdf import PdfWriter

from office_app.db import Database
from office_app.errors import N_, NotFound
from office_app.printing.collection_registers import order_register_pdf, warning_register_pdf
from office_app.printing.dunning import orders_pdf, warnings_pdf
from office_app.services.collection.orders import get_orders, order_register
from office_app.services.collection.warnings import get_warnings, warning_register
from office_app.services.office import get_office
from office_app.services.permissions import Operator, Permission


def warning_documents(db: Database, operator: Operator, ids: Sequence[int]) -> dict[str, bytes]:
    """The warnings, each in two copies in its customer's language and script: one PDF per
    language, keyed by it."""
    operator.require(Permission.PRINT_INVOICES)
    records = get_warnings(db, operator, ids)
    if not records:
        raise NotFound(N_("There is no warning to print."))
    office = get_office(db)
    by_language: dict[str, list] = {}
    for record in records:
        by_language.setdefault(record.language, []).append(record)
    return {language: warnings_pdf(group, office, operator.code, language)
            for language, group in by_language.items()}


def warning_batch(db: Database, operator: Operator, ids: Sequence[int]) -> bytes:
    """The warnings of a run in one file to print at once: each in two copies in its
    customer's language and script (the languages one after another)."""
    parts = list(warning_documents(db, operator, ids).values())
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(BytesIO(part))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def order_documents(db: Database, operator: Operator, ids: Sequence[int],
                    language: str = "sr_Latn") -> bytes:
    """The orders, each in two copies (network operator; register of orders)."""
    operator.require(Permission.PRINT_INVOICES)
    records = get_orders(db, operator, ids)
    if not records:
        raise NotFound(N_("There is no order to print."))
    return orders_pdf(records, get_office(db), operator.code, language)


def warning_register_document(db: Database, operator: Operator, language: str) -> bytes:
    """The warning register as a list to print (what the register tab shows)."""
    operator.require(Permission.PRINT_INVOICES)
    return warning_register_pdf(warning_register(db, operator), get_office(db), operator.code,
                                language)


def order_register_document(db: Database, operator: Operator, language: str) -> bytes:
    """The register of orders as a list to print."""
    operator.require(Permission.PRINT_INVOICES)
    return order_register_pdf(order_register(db, operator), get_office(db), operator.code,
                              language)
