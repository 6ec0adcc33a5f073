"""The office's own data (name, utility, country) printed on documents."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.models import Office


@dataclass(frozen=True)
class OfficeInfo:
    code: str
    name: str
    utility: str
    address: str
    phone: str
    email: str
    tax_number: str
    bank_account: str
    country: str
    #: EPC payment QR code on invoices (when the account has an IBAN and the currency is EUR).
    epc_qr: bool = False
    #: How money that names no invoice settles the open items (models.office.ALLOCATION_ORDERS).
    allocation_order: str = "oldest_first"


DEFAULT = OfficeInfo("01", "Office", "electricity", "", "", "", "", "", "ME")


def office_in(session: Session) -> OfficeInfo:
    row = session.scalar(select(Office).order_by(Office.id).limit(1))
    if row is None:
        return DEFAULT
    return OfficeInfo(row.code, row.name, row.utility, row.address, row.phone, row.email,
                      row.tax_number, row.bank_account, row.country, bool(row.epc_qr),
                      row.allocation_order or "oldest_first")


def get_office(db: Database) -> OfficeInfo:
    with db.unit_of_work() as s:
        return office_in(s)


def save_office(session: Session, info: OfficeInfo) -> None:
    row = session.scalar(select(Office).order_by(Office.id).limit(1)) or Office()
    for name, value in info.__dict__.items():
        setattr(row, name, value)
    session.add(row)
