"""Pay by phone: with the office's EPC QR setting on, the invoice carries an EPC069-12 payment
QR code (payee, IBAN, amount to pay, the invoice's reference as an RF creditor reference); the
code decodes from the rendered page, and a bank payment quoting that reference is posted to the
invoice by the statement importer."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from office_app.db import Database
from office_app.demo.statement_files import camt053
from office_app.errors import ValidationError
from office_app.models import Invoice, LedgerEntry
from office_app.services import epc
from office_app.services.billing import invoices
from office_app.services.billing import run as billing
from office_app.services.office import save_office
from office_app.services.permissions import Operator
from office_app.services.statements.importer import import_statement
from tests.billing_setup import PERIOD, build_office
from tests.conftest import TEST_OFFICE
from tests.printing.test_invoice_pdf import decode_barcodes


def test_the_qr_code_decodes_and_its_payment_finds_the_invoice(
        db: Database, admin: Operator, supervisor: Operator, clerk: Operator,
        cashier: Operator) -> None:
    build_office(db, supervisor, clerk)
    billing.run_billing(db, supervisor, PERIOD)
    first = invoices.delivery_order(db, supervisor, PERIOD)[0]
    later = date(2024, 7, 1)
    assert len(decode_barcodes(invoices.print_copy(db, cashier, first, today=later))) == 1
    office = epc.set_epc_qr(db, admin, True)
    codes = decode_barcodes(invoices.print_copy(db, cashier, first, today=later))
    with db.unit_of_work() as s:
        invoice = s.get(Invoice, first)
        assert invoice is not None
        number, to_pay = invoice.number, invoice.closing_balance
    qr = next(c for c in codes if c.startswith("BCD"))
    assert codes == [number, qr]
    lines = qr.split("\n")
    assert lines[:4] == ["BCD", "002", "2", "SCT"]          # EPC069-12 v2, UTF-8, SEPA
    assert lines[5:8] == ["Test office", "ME25510000000001234559", f"EUR{to_pay}"]
    reference = lines[9]
    assert reference.startswith("RF") and office.epc_qr
    # the customer's banking app pays with that reference; the bank's statement brings it back
    statement = camt053("ME25510000000001234559", "QR-1", date(2024, 6, 21), [])
    entry = (f'<Ntry><Amt Ccy="EUR">{to_pay}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
             f"<BookgDt><Dt>2024-06-21</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Strd>"
             f"<CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
             f"</NtryDtls></Ntry>")
    statement = statement.replace(b"</Acct>", b"</Acct>" + entry.encode())
    assert import_statement(db, cashier, statement).posted == 1
    with db.unit_of_work() as s:
        paid = s.execute(select(LedgerEntry.invoice_id, LedgerEntry.credit).where(
            LedgerEntry.document_type == "payment")).all()
    assert [tuple(p) for p in paid] == [(first, to_pay)]


def test_the_setting_needs_an_iban_and_the_euro(db: Database, admin: Operator,
                                                cashier: Operator) -> None:
    with db.unit_of_work() as s:
        save_office(s, replace(TEST_OFFICE, bank_account="160-0000000012345-67", country="RS"))
    with pytest.raises(ValidationError) as caught:
        epc.set_epc_qr(db, admin, True)
    assert caught.value.field == "bank_account"
    with db.unit_of_work() as s:
        save_office(s, replace(TEST_OFFICE, bank_account="RS35260005601001611379",
                               country="RS"))
    with pytest.raises(ValidationError) as caught:
        epc.set_epc_qr(db, admin, True)
    assert caught.value.field == "country"
    with pytest.raises(Exception, match="does not allow"):
        epc.set_epc_qr(db, cashier, True)
