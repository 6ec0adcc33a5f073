"""Statement files with the office's own references, as its bank and the post office send them:
a camt.053 statement and the post office's CSV (docs/statements.md). The demo posts its year of
bank and post payments through these files and the real importer; tests and the benchmark
build their statements here too."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from office_app.services.billing import references

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@dataclass(frozen=True)
class Payment:
    """One line of a statement file."""

    amount: Decimal
    reference: str = ""         # model 97 reference without check digits ("" for none)
    payer: str = ""
    text: str = ""
    debit: bool = False
    reversal: bool = False
    wrong_check: bool = False   # quote the reference with wrong check digits (a typo)
    rf: bool = False            # quote it as ISO 11649 (what the EPC QR code carries)

    def quoted(self) -> str:
        if not self.reference:
            return ""
        if self.rf:
            return references.creditor_reference(self.reference)
        check = references.check_digits(self.reference)
        if self.wrong_check:
            check = f"{(int(check) + 1) % 100:02d}"
        return f"97{check}{self.reference}"


def camt053(account: str, statement_id: str, day: date, payments: Iterable[Payment],
            namespace: str = NAMESPACE) -> bytes:
    """A camt.053.001.02 statement of one day for ``account`` (an IBAN)."""
    entries = "".join(_entry(p, day, n) for n, p in enumerate(payments, start=1))
    stamp = f"{day.isoformat()}T18:00:00"
    kind = "Ntfctn" if ".054." in namespace else "Stmt"
    root = "BkToCstmrDbtCdtNtfctn" if kind == "Ntfctn" else "BkToCstmrStmt"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{namespace}"><{root}>'
            f"<GrpHdr><MsgId>{escape(statement_id)}</MsgId><CreDtTm>{stamp}</CreDtTm></GrpHdr>"
            f"<{kind}><Id>{escape(statement_id)}</Id><CreDtTm>{stamp}</CreDtTm>"
            f"<Acct><Id><IBAN>{escape(account)}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
            f"{entries}</{kind}></{root}></Document>\n").encode()


def camt054(account: str, notification_id: str, day: date,
            payments: Iterable[Payment]) -> bytes:
    return camt053(account, notification_id, day, payments,
                   "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02")


def _entry(p: Payment, day: date, n: int) -> str:
    party = "Cdtr" if p.debit else "Dbtr"
    remittance = ""
    if p.quoted():
        remittance += (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                       f"<Ref>{p.quoted()}</Ref></CdtrRefInf></Strd>")
    if p.text:
        remittance = f"<Ustrd>{escape(p.text)}</Ustrd>" + remittance
    reversal = "<RvslInd>true</RvslInd>" if p.reversal else ""
    return (f"<Ntry><NtryRef>{n}</NtryRef><Amt Ccy=\"EUR\">{p.amount}</Amt>"
            f"<CdtDbtInd>{'DBIT' if p.debit else 'CRDT'}</CdtDbtInd>{reversal}<Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{day.isoformat()}</Dt></BookgDt><ValDt><Dt>{day.isoformat()}</Dt>"
            f"</ValDt><AcctSvcrRef>{day:%Y%m%d}-{n:06d}</AcctSvcrRef><NtryDtls><TxDtls>"
            f"<RltdPties><{party}><Nm>{escape(p.payer)}</Nm></{party}></RltdPties>"
            f"<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>")


def post_csv(account: str, statement_id: str, day: date, payments: Iterable[Payment]) -> bytes:
    """The post office's CSV (docs/statements.md): amounts with a decimal comma."""
    rows = ["account;statement;booked;direction;amount;reference;payer;text"]
    for p in payments:
        cells = (account, statement_id, day.isoformat(), "D" if p.debit else "C",
                 str(p.amount).replace(".", ","), p.quoted(), p.payer, p.text)
        rows.append(";".join(c.replace(";", ",").replace("\n", " ") for c in cells))
    return ("\n".join(rows) + "\n").encode()
