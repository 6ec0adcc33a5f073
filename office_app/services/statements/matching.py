"""Which customer and invoice a credit line pays (PAYMENTS.md, docs/payments.md).

Rules, in order:

1. A model 97 reference (``97 kk reference``) or its ISO 11649 form (``RFkk reference``, what
   the EPC QR code carries), structured or found in the unstructured text. Its check digits
   must be right: a wrong check digit means a mistyped reference and the line waits in the
   queue — it never falls back to a guess. An invoice reference (kind 1) pays that invoice; an
   account reference (kind 2) pays the customer's oldest open documents (004 §35.2).
2. Without any reference, a customer code in the text, when exactly one existing customer's
   code appears there.
3. Everything else waits in the unmatched queue for a clerk.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from stdnum import iso11649

from office_app.errors import N_
from office_app.models import Customer, Invoice
from office_app.services.billing import references
from office_app.services.ledger import format_number
from office_app.services.statements.parsing import ParsedLine

#: Why a credit waits in the queue, and what the clerk reads.
REASONS = {
    "no_reference": N_("No reference and no customer code"),
    "bad_check": N_("Reference with wrong check digits"),
    "unknown_reference": N_("Reference of no invoice or customer"),
    "other_office": N_("Reference of another office"),
    "ambiguous_code": N_("Several customer codes in the text"),
}
_MODEL97 = re.compile(r"(?<![\dA-Z])97[ -]?(\d{2})[ -]?(\d{1,22})(?!\d)")
_RF = re.compile(r"(?<![\dA-Z])RF[ ]?(\d{2})[ ]?([0-9A-Z]{1,21})(?![0-9A-Z])")
_CODE = re.compile(r"(?<![\d.,])\d{3,12}(?![\d.,])")


@dataclass(frozen=True)
class Reference:
    reference: str      # the reference without model and check digits
    valid: bool
    quoted: str         # as the payer wrote it


@dataclass(frozen=True)
class Match:
    customer_id: int | None
    invoice_id: int | None
    matched_by: str             # models.statements.MATCH_KINDS, or "" when unmatched
    reason: str = ""            # REASONS key when unmatched
    reference: str = ""         # the reference used (or quoted), for the line


def find_references(line: ParsedLine) -> list[Reference]:
    """Every model 97 or RF reference of the line: structured ones first, then the text's."""
    found = [r for raw in line.references if (r := _structured(raw)) is not None]
    text = line.text.upper()
    for m in _RF.finditer(text):
        compact = f"RF{m.group(1)}{m.group(2)}"
        found.append(Reference(m.group(2), iso11649.is_valid(compact), m.group(0)))
    for m in _MODEL97.finditer(text):
        found.append(Reference(m.group(2), references.is_valid(m.group(1), m.group(2)),
                               m.group(0)))
    return found


def _structured(raw: str) -> Reference | None:
    compact = (raw if raw.isalnum() else re.sub(r"[\s-]", "", raw)).upper()
    if compact.startswith("RF") and len(compact) > 4:
        return Reference(compact[4:], iso11649.is_valid(compact), raw)
    if compact.startswith("97") and len(compact) > 4 and compact.isdigit():
        return Reference(compact[4:], references.is_valid(compact[2:4], compact[4:]), raw)
    return None


class Matcher:
    """Matches many lines with few queries: the invoices and customers their references and
    codes name are looked up in bulk first."""

    def __init__(self, session: Session, office_code: str) -> None:
        self.session = session
        self.office_code = office_code
        self.office = references.office_digits(office_code)
        self.invoices: dict[str, tuple[int, int, str]] = {}   # number -> id, customer, ref
        self.customers: dict[str, int] = {}                   # code -> id
        #: What each reference can name (invoice numbers, customer codes): asked for every
        #: reference twice, by ``prepare`` and by ``match``.
        self._names: dict[str, tuple[list[str], list[str]]] = {}

    def prepare(self, lines: Sequence[ParsedLine],
                found: Sequence[list[Reference]] | None = None) -> None:
        """Look up what the lines' references and codes name (``found``: each line's
        ``find_references``, when the caller has them already)."""
        numbers: set[str] = set()
        codes: set[str] = set()
        for n, line in enumerate(lines):
            refs = found[n] if found is not None else find_references(line)
            for ref in refs:
                numbers.update(self._invoice_numbers(ref.reference))
                codes.update(self._account_codes(ref.reference))
            if not refs:
                codes.update(_CODE.findall(line.text))
        for chunk in self._chunks(sorted(numbers)):
            for number, invoice_id, customer_id, quoted in self.session.execute(
                    select(Invoice.number, Invoice.id, Invoice.customer_id,
                           Invoice.payment_reference).where(_one_of(Invoice.number, chunk))):
                self.invoices[number] = (invoice_id, customer_id, quoted)
        for chunk in self._chunks(sorted(codes)):
            for code, customer_id in self.session.execute(
                    select(Customer.code, Customer.id).where(_one_of(Customer.code, chunk))):
                self.customers[code] = customer_id

    def _chunks(self, values: Sequence[str]) -> Iterable[Sequence[str]]:
        """PostgreSQL takes any number as one array parameter (one query, no long IN list to
        compile and send); SQLite's IN lists stay under its parameter limit."""
        if self.session.get_bind().dialect.name == "postgresql":
            return [values] if values else []
        return _chunks(values)

    def _named(self, reference: str) -> tuple[list[str], list[str]]:
        found = self._names.get(reference)
        if found is None:
            found = self._names[reference] = (self._numbers_of(reference),
                                              self._codes_of(reference))
        return found

    def _invoice_numbers(self, reference: str) -> list[str]:
        return self._named(reference)[0]

    def _account_codes(self, reference: str) -> list[str]:
        return self._named(reference)[1]

    def _numbers_of(self, reference: str) -> list[str]:
        payload = self._payload(reference, references.INVOICE)
        if payload is None:
            return []
        year, sequence = 2000 + int(payload[:2]), int(payload[2:])
        return [format_number("invoice", self.office_code, year, sequence)] if sequence else []

    def _codes_of(self, reference: str) -> list[str]:
        payload = self._payload(reference, references.ACCOUNT)
        if payload is None:
            return []
        # the reference zero-pads the code to nine digits: any shorter code may be meant,
        # one whose padding is the zeros cut off (what ``_by_reference`` accepts)
        zeros = len(payload) - len(payload.lstrip("0"))
        return [payload[i:] for i in range(min(zeros, 8) + 1)]

    def _payload(self, reference: str, kind: str) -> str | None:
        rest = reference[len(self.office):]
        if (not reference.startswith(self.office) or len(rest) != 10 or not rest.isdigit()
                or rest[0] != kind):
            return None
        return rest[1:]

    def match(self, line: ParsedLine, refs: list[Reference] | None = None) -> Match:
        refs = find_references(line) if refs is None else refs
        if refs:
            return self._by_reference(refs[0])
        return self._by_code(line.text)

    def _by_reference(self, ref: Reference) -> Match:
        if not ref.valid:
            return Match(None, None, "", "bad_check", ref.quoted)
        if not ref.reference.startswith(self.office):
            return Match(None, None, "", "other_office", ref.quoted)
        for number in self._invoice_numbers(ref.reference):
            found = self.invoices.get(number)
            if found is not None and found[2] == ref.reference:
                return Match(found[1], found[0], "invoice_reference", "", ref.reference)
        for code in self._account_codes(ref.reference):
            customer_id = self.customers.get(code)
            if customer_id is not None and code.zfill(9) == ref.reference[-9:]:
                return Match(customer_id, None, "account_reference", "", ref.reference)
        return Match(None, None, "", "unknown_reference", ref.quoted)

    def _by_code(self, text: str) -> Match:
        found = {self.customers[c] for c in _CODE.findall(text) if c in self.customers}
        if len(found) == 1:
            return Match(found.pop(), None, "customer_code")
        return Match(None, None, "", "ambiguous_code" if found else "no_reference")


def _one_of(column: Any, values: Sequence[str]) -> Any:
    if len(values) > 1000:
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def _chunks(values: Sequence[str], size: int = 1000) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
