"""Reading statement files: ISO 20022 camt.053 (statement) and camt.054 (notification), and the
post office's CSV (docs/statements.md). Plain data out; nothing here touches the database.

Guarantees: a file either parses completely or raises ValidationError naming the entry and the
field that is wrong (so nothing of it is posted); XML is read with lxml's iterparse hardened
(a document with a DTD is refused, entities are never resolved, no network, no huge-tree
mode) one entry at a time, each entry cleared once read, so a 50,000-entry statement never
builds one huge tree. (defusedxml's parser is pure Python: 15 s for 50,000 entries here.)
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree
from lxml.etree import _Element as Element

from office_app.errors import N_, FieldError, ValidationError

#: A statement file larger than this is refused before it is read.
MAX_BYTES = 200 * 1024 * 1024
CURRENCY = "EUR"
CSV_HEADER = ("account", "statement", "booked", "direction", "amount", "reference", "payer",
              "text")
_AMOUNT = re.compile(r"\d{1,12}(?:[.]\d{1,2})?")
_CSV_AMOUNT = re.compile(r"\d{1,12}(?:[.,]\d{1,2})?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(053|054)\.001\.\d\d")


@dataclass(frozen=True)
class ParsedLine:
    """One payment (a camt entry, or one transaction of a batched entry; a CSV row)."""

    position: str           # "3" (entry 3), "3.2" (its second transaction), or a CSV line
    kind: str               # credit, debit, reversal, pending (models.statements.LINE_KINDS)
    booking_date: date
    amount: Decimal
    currency: str
    references: tuple[str, ...]     # structured creditor references, as given
    text: str                       # unstructured remittance text
    payer: str
    bank_reference: str


@dataclass(frozen=True)
class ParsedStatement:
    source: str             # camt053, camt054, post
    account: str            # as given in the file
    statement_id: str
    statement_date: date
    lines: tuple[ParsedLine, ...]


def _refuse(msg_id: str, **params: Any) -> ValidationError:
    return ValidationError([FieldError("file", msg_id, params)])


def parse_statement(data: bytes) -> ParsedStatement:
    """A camt.053/054 XML file or the post office's CSV, by its first character."""
    if len(data) > MAX_BYTES:
        raise _refuse(N_("The file is larger than {limit} MB; ask the bank for one statement "
                         "per file. Nothing was imported."), limit=MAX_BYTES // (1024 * 1024))
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise _refuse(N_("The file is empty. Nothing was imported."))
    if head.startswith(b"<"):
        return parse_camt(data)
    return parse_post_csv(data)


# --- camt.053 / camt.054 ----------------------------------------------------------------------

class _Doctype(Exception):
    """The document declares a DTD (where entity bombs and external entities live)."""


class _Camt:
    """Walks a camt document with iterparse, keeping only the current entry in memory."""

    def __init__(self) -> None:
        self.ns = ""
        self.source = ""
        self.lines: list[ParsedLine] = []
        self.statements = 0
        self.header: dict[str, str] = {}
        self.entry = 0
        self._paths: dict[str, str] = {}
        self._steps: dict[str, tuple[str, ...]] = {}
        #: The element ``text`` read last and its children by tag (an entry is read field by
        #: field: its children are listed once).
        self._children: tuple[Element, dict[str, list[Element]]] | None = None

    def q(self, path: str) -> str:
        found = self._paths.get(path)
        if found is None:
            found = self._paths[path] = "/".join(f"{{{self.ns}}}{p}" for p in path.split("/"))
        return found

    def text(self, element: Element, path: str) -> str:
        """``element.findtext(path)``, stripped: the text of the first element in document
        order at that path of child steps ("" if none). Walked with lxml's C child iterator:
        ElementPath's general machinery was a third of the time of reading 50,000 entries."""
        steps = self._steps.get(path)
        if steps is None:
            steps = self._steps[path] = tuple(self.q(path).split("/"))
        cached = self._children
        if cached is None or cached[0] is not element:
            children: dict[str, list[Element]] = {}
            for child in element.iterchildren():
                children.setdefault(child.tag, []).append(child)
            cached = self._children = (element, children)
        found = None
        for child in cached[1].get(steps[0], ()):
            found = child if len(steps) == 1 else _first(child, steps, 1)
            if found is not None:
                break
        return (found.text or "").strip() if found is not None else ""

    def run(self, data: bytes) -> None:
        # only the elements we read raise events; the rest is parsed in C and never seen
        events: Iterator[tuple[str, Element]] = etree.iterparse(
            io.BytesIO(data), events=("end",), tag=("{*}Ntry", "{*}Stmt", "{*}Ntfctn",
                                                    "{*}GrpHdr"),
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
            remove_comments=True, remove_pis=True)
        for _event, element in events:
            if not self.ns:
                self._root(element.getroottree())
            parent = element.getparent()
            depth = sum(1 for _ in element.iterancestors())    # Document > BkToCstmr.. > Stmt
            name = str(element.tag).rpartition("}")[2]       # the local name
            if name == "Ntry" and depth == 3 and parent is not None:
                self.entry += 1
                self.lines.extend(self._entry(element, str(self.entry)))
                element.clear()
                before = element.getprevious()            # read entries leave the tree
                while before is not None and before.tag == element.tag:
                    parent.remove(before)
                    before = element.getprevious()
            elif name in ("Stmt", "Ntfctn") and depth == 2:
                self.statements += 1
                self._statement_header(element)
                element.clear()
            elif name == "GrpHdr" and depth == 2:
                self.header["created"] = self.text(element, "CreDtTm")
        if not self.ns:
            self._root(events.root.getroottree())  # type: ignore[attr-defined]

    def _root(self, tree: Any) -> None:
        if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
            raise _Doctype
        tag = str(tree.getroot().tag)
        ns, _, name = tag[1:].partition("}")
        found = _NAMESPACE.fullmatch(ns) if tag.startswith("{") else None
        if name != "Document" or found is None:
            raise _refuse(N_("The file is not a camt.053 or camt.054 bank statement (ISO "
                             "20022). Nothing was imported."))
        self.ns = ns
        self.source = f"camt{found.group(1)}"

    def _statement_header(self, element: Element) -> None:
        if self.statements > 1:
            return
        self.header["id"] = self.text(element, "Id")
        self.header["iban"] = self.text(element, "Acct/Id/IBAN") or self.text(
            element, "Acct/Id/Othr/Id")
        self.header["currency"] = self.text(element, "Acct/Ccy")
        self.header["date"] = (self.text(element, "FrToDt/ToDtTm")
                               or self.text(element, "CreDtTm"))

    def _entry(self, ntry: Element, position: str) -> list[ParsedLine]:
        amount, currency = self._amount(ntry.find(self.q("Amt")), position)
        indicator = self.text(ntry, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise _refuse(N_("Entry {entry}: the credit/debit indicator {value} must be CRDT "
                             "or DBIT. Nothing was imported."), entry=position,
                          value=indicator or "—")
        status = self.text(ntry, "Sts") or self.text(ntry, "Sts/Cd") or "BOOK"
        if self.text(ntry, "RvslInd").lower() in ("true", "1"):
            kind = "reversal"
        elif status != "BOOK":
            kind = "pending"
        else:
            kind = "credit" if indicator == "CRDT" else "debit"
        booked = self._date(ntry, position)
        bank_reference = self.text(ntry, "AcctSvcrRef") or self.text(ntry, "NtryRef")
        extra = self.text(ntry, "AddtlNtryInf")
        transactions = ntry.findall(self.q("NtryDtls/TxDtls"))
        if len(transactions) <= 1:
            tx = transactions[0] if transactions else None
            return [self._line(tx, position, kind, booked, amount, currency, bank_reference,
                               extra)]
        lines = []
        for n, tx in enumerate(transactions, start=1):
            where = f"{position}.{n}"
            found = tx.find(self.q("AmtDtls/TxAmt/Amt"))
            tx_amount, tx_currency = self._amount(
                found if found is not None else tx.find(self.q("Amt")), where)
            lines.append(self._line(tx, where, kind, booked, tx_amount, tx_currency,
                                    self.text(tx, "Refs/AcctSvcrRef") or bank_reference, extra))
        total = sum((line.amount for line in lines), Decimal("0.00"))
        if total != amount:
            raise _refuse(N_("Entry {entry}: its transactions add up to {sum}, not the entry's "
                             "amount {amount}. Nothing was imported."),
                          entry=position, sum=str(total), amount=str(amount))
        return lines

    def _line(self, tx: Element | None, position: str, kind: str, booked: date,
              amount: Decimal, currency: str, bank_reference: str, extra: str) -> ParsedLine:
        references: list[str] = []
        texts: list[str] = []
        payer = ""
        if tx is not None:
            for ref in tx.iterfind(self.q("RmtInf/Strd/CdtrRefInf/Ref")):
                if ref.text and ref.text.strip():
                    references.append(ref.text.strip())
            texts = [u.text.strip() for u in tx.iterfind(self.q("RmtInf/Ustrd"))
                     if u.text and u.text.strip()]
            more = self.text(tx, "AddtlTxInf")
            if more:
                texts.append(more)
            # the other party: who paid a credit, who was paid by a debit
            for who in ("Dbtr/Nm", "Dbtr/Pty/Nm", "Cdtr/Nm", "Cdtr/Pty/Nm"):
                payer = self.text(tx, f"RltdPties/{who}")
                if payer:
                    break
        if extra:
            texts.append(extra)
        return ParsedLine(position, kind, booked, amount, currency, tuple(references),
                          " ".join(texts)[:280], payer[:140], bank_reference[:70])

    def _amount(self, element: Element | None, position: str) -> tuple[Decimal, str]:
        raw = (element.text or "").strip() if element is not None else ""
        currency = element.get("Ccy", "") if element is not None else ""
        if not _AMOUNT.fullmatch(raw) or Decimal(raw) <= 0:
            raise _refuse(N_("Entry {entry}: the amount {amount} is not a positive amount in "
                             "euros and cents. Nothing was imported."),
                          entry=position, amount=raw or "—")
        if currency != CURRENCY:
            raise _refuse(N_("Entry {entry}: the currency {currency} is not the euro. Nothing "
                             "was imported."), entry=position, currency=currency or "—")
        return Decimal(raw).quantize(Decimal("0.01")), currency

    def _date(self, ntry: Element, position: str) -> date:
        raw = (self.text(ntry, "BookgDt/Dt") or self.text(ntry, "BookgDt/DtTm")
               or self.text(ntry, "ValDt/Dt") or self.text(ntry, "ValDt/DtTm"))
        found = _to_date(raw)
        if found is None:
            raise _refuse(N_("Entry {entry}: the booking date {value} is not a date "
                             "(YYYY-MM-DD). Nothing was imported."),
                          entry=position, value=raw or "—")
        return found


def _first(element: Element, steps: tuple[str, ...], at: int) -> Element | None:
    for child in element.iterchildren(steps[at]):
        if at + 1 == len(steps):
            return child
        found = _first(child, steps, at + 1)
        if found is not None:
            return found
    return None


def _to_date(raw: str) -> date | None:
    found = _DATE.match(raw)
    if found is None:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def parse_camt(data: bytes) -> ParsedStatement:
    """A camt.053 statement or camt.054 notification with exactly one account statement."""
    walker = _Camt()
    try:
        walker.run(data)
    except etree.XMLSyntaxError as exc:
        raise _refuse(N_("The file is not well-formed XML (line {line}). Nothing was "
                         "imported."), line=exc.lineno or 1) from None
    except (LookupError, etree.LxmlError):         # an unknown encoding, a parser failure
        raise _refuse(N_("The file is not well-formed XML (line {line}). Nothing was "
                         "imported."), line=1) from None
    except _Doctype:
        raise _refuse(N_("The file declares a DTD or entities, which a bank statement never "
                         "does. Nothing was imported.")) from None
    if walker.statements != 1:
        raise _refuse(N_("The file holds {count} statements; import a file with exactly one. "
                         "Nothing was imported."), count=walker.statements)
    header = walker.header
    if not header.get("id"):
        raise _refuse(N_("The statement has no id (Stmt/Id). Nothing was imported."))
    if not header.get("iban"):
        raise _refuse(N_("The statement names no account (Acct/Id). Nothing was imported."))
    when = (_to_date(header.get("date", "")) or _to_date(header.get("created", ""))
            or max((line.booking_date for line in walker.lines), default=None))
    if when is None:
        raise _refuse(N_("The statement has no date (CreDtTm). Nothing was imported."))
    return ParsedStatement(walker.source, header["iban"], header["id"][:70], when,
                           tuple(walker.lines))


# --- the post office's CSV --------------------------------------------------------------------

def parse_post_csv(data: bytes) -> ParsedStatement:
    """The post office's daily list (docs/statements.md): UTF-8, semicolons, a header row,
    one payment per row, every row of the same account and statement."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(N_("The file is neither a camt.053/camt.054 statement nor the post "
                         "office's CSV (UTF-8). Nothing was imported.")) from None
    try:
        rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))
    except csv.Error:
        raise _refuse(N_("The file is neither a camt.053/camt.054 statement nor the post "
                         "office's CSV (UTF-8). Nothing was imported.")) from None
    if not rows or len(rows[0]) < 2:        # not XML and no semicolons: not a statement
        raise _refuse(N_("The file is neither a camt.053/camt.054 statement nor the post "
                         "office's CSV (UTF-8). Nothing was imported."))
    if tuple(c.strip().lower() for c in rows[0]) != CSV_HEADER:
        raise _refuse(N_("The post office's CSV must start with the header row {header}. "
                         "Nothing was imported."), header=";".join(CSV_HEADER))
    account = statement = ""
    lines: list[ParsedLine] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        line, row_account, row_statement = _csv_line(row, str(number))
        if not lines:
            account, statement = row_account, row_statement
        elif (row_account, row_statement) != (account, statement):
            raise _refuse(N_("Entry {entry}: account {account} and statement {statement} differ "
                             "from the first row's; one statement per file. Nothing was "
                             "imported."), entry=str(number), account=row_account,
                          statement=row_statement)
        lines.append(line)
    if not lines:
        raise _refuse(N_("The post office's CSV has no payments. Nothing was imported."))
    return ParsedStatement("post", account, statement[:70],
                           max(line.booking_date for line in lines), tuple(lines))


def _csv_line(row: list[str], position: str) -> tuple[ParsedLine, str, str]:
    if len(row) != len(CSV_HEADER):
        raise _refuse(N_("Entry {entry}: {count} fields separated by semicolons are expected, "
                         "not {found}. Nothing was imported."),
                      entry=position, count=len(CSV_HEADER), found=len(row))
    account, statement, booked, direction, amount, reference, payer, text = (
        cell.strip() for cell in row)
    if not account or not statement:
        raise _refuse(N_("Entry {entry}: the account and the statement number are required. "
                         "Nothing was imported."), entry=position)
    day = _to_date(booked) if len(booked) == 10 else None
    if day is None:
        raise _refuse(N_("Entry {entry}: the booking date {value} is not a date "
                         "(YYYY-MM-DD). Nothing was imported."), entry=position, value=booked)
    if direction.upper() not in ("C", "D"):
        raise _refuse(N_("Entry {entry}: the direction {value} must be C (credit) or D "
                         "(debit). Nothing was imported."), entry=position, value=direction)
    value = _csv_amount(amount, position)
    kind = "credit" if direction.upper() == "C" else "debit"
    refs = (reference,) if reference else ()
    return (ParsedLine(position, kind, day, value, CURRENCY, refs, text[:280], payer[:140],
                       ""), account, statement)


def _csv_amount(raw: str, position: str) -> Decimal:
    try:
        if not _CSV_AMOUNT.fullmatch(raw) or Decimal(raw.replace(",", ".")) <= 0:
            raise InvalidOperation
    except InvalidOperation:
        raise _refuse(N_("Entry {entry}: the amount {amount} is not a positive amount in "
                         "euros and cents. Nothing was imported."),
                      entry=position, amount=raw or "—") from None
    return Decimal(raw.replace(",", ".")).quantize(Decimal("0.01"))
