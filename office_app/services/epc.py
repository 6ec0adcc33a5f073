"""The office's account as an IBAN, and the EPC payment QR code (EPC069-12, "GiroCode") an
invoice carries when the office has turned it on (``OfficeInfo.epc_qr``), its account has an
IBAN and the currency is the euro (PAYMENTS.md). The QR code carries the payee, the IBAN, the
amount to pay and the invoice's reference as an ISO 11649 creditor reference (``RF`` form of
the same model 97 reference), which the statement importer matches back to the invoice."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import segno
from segno import helpers
from stdnum import iban as ibans

from office_app.db import Database
from office_app.errors import N_, FieldError, ValidationError
from office_app.services.billing.references import creditor_reference
from office_app.services.office import OfficeInfo, office_in, save_office
from office_app.services.permissions import Operator, Permission

#: Countries whose currency is the euro among those the office may be in (ME, XK use it).
EURO_COUNTRIES = frozenset({"ME", "XK", "AT", "BE", "HR", "CY", "EE", "FI", "FR", "DE", "GR",
                            "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PT", "SK", "SI", "ES"})


def compact_account(account: str) -> str:
    return re.sub(r"[\s-]", "", account).upper()


def domestic_account(account: str) -> str:
    """``510-12345-59`` -> 18 digits, the middle part left-padded to 13 (PAYMENTS.md)."""
    parts = account.strip().split("-")
    if (len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 3
            and len(parts[2]) == 2 and len(parts[1]) <= 13):
        return f"{parts[0]}{parts[1].zfill(13)}{parts[2]}"
    return compact_account(account)


def office_iban(office: OfficeInfo) -> str | None:
    """The office account as an IBAN: given as one, or built from the 18-digit account of a
    Montenegrin office (ME + check digits + the 18 digits); None when it has none."""
    compact = compact_account(office.bank_account)
    if ibans.is_valid(compact):
        return compact
    domestic = domestic_account(office.bank_account)
    if len(domestic) == 18 and domestic.isdigit() and office.country == "ME":
        return f"ME{ibans.calc_check_digits(f'ME00{domestic}')}{domestic}"
    return None


def payment_qr(office: OfficeInfo, amount: Decimal | None,
               reference: str) -> segno.QRCode | None:
    """The EPC QR code of one invoice, or None: turned off, no IBAN, not the euro, or nothing
    to pay (EPC amounts are 0.01 to 999,999,999.99)."""
    iban = office_iban(office) if office.epc_qr else None
    if iban is None or iban[:2] not in EURO_COUNTRIES or office.country not in EURO_COUNTRIES:
        return None
    if amount is None or not Decimal("0.01") <= amount <= Decimal("999999999.99"):
        return None
    return helpers.make_epc_qr(name=office.name[:70], iban=iban, amount=amount,
                               reference=creditor_reference(reference) if reference else None)


def set_epc_qr(db: Database, operator: Operator, enabled: bool) -> OfficeInfo:
    """Turn the EPC QR code on invoices on or off (an administrator's office setting). Turning
    it on is refused, naming the fix, when the office's account has no IBAN or the office's
    currency is not the euro."""
    operator.require(Permission.MANAGE_USERS)
    with db.unit_of_work() as s:
        office = office_in(s)
        if enabled and office_iban(office) is None:
            raise ValidationError([FieldError("bank_account", N_(
                "The office account {account} has no IBAN, so invoices cannot carry the EPC "
                "QR code; enter the account as an IBAN in the office settings first."),
                {"account": office.bank_account or "—"})])
        if enabled and office.country not in EURO_COUNTRIES:
            raise ValidationError([FieldError("country", N_(
                "The EPC QR code is for payments in euros; the office's country {country} "
                "does not use the euro."), {"country": office.country})])
        changed = replace(office, epc_qr=enabled)
        save_office(s, changed)
        return changed
